//! Decoding a 10,000-record JSON event: every key (text) and value (typed `Order`), against
//! the floor of envelope parse plus base64 alone, in the same run.
//!
//! ```text
//! cargo bench -p lambda-kafka-bench --bench decode
//! LAMBDA_KAFKA_BENCH_EVENT=target/peer-bench/events/big_json_10000.event.json cargo bench -p lambda-kafka-bench --bench decode
//! ```
//!
//! The event is generated in process unless `LAMBDA_KAFKA_BENCH_EVENT` names an event file
//! of JSON `Order` values (such as the peer harness's `big_json_<N>.event.json`).

use std::hint::black_box;

use base64::engine::Simd;
use base64::engine::general_purpose::GeneralPurposeConfig;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kafka_core::{KafkaConsumer, KafkaEvent, Utf8};
use kafka_json::Json;
use lambda_kafka_bench::{Order, big_json_event, by_hand, envelope_and_base64};

const RECORDS: u64 = 10_000;

fn decode(c: &mut Criterion) {
    let input = match std::env::var("LAMBDA_KAFKA_BENCH_EVENT") {
        Ok(path) => std::fs::read_to_string(&path)
            .expect("the event file named by LAMBDA_KAFKA_BENCH_EVENT"),
        Err(_) => big_json_event(RECORDS, 7 + RECORDS),
    };
    let records = KafkaEvent::from_str(&input).expect("event").record_count() as u64;
    let consumer = KafkaConsumer::new().key(Utf8).value(Json::<Order>::new());

    let mut group = c.benchmark_group("json_10k");
    group.throughput(Throughput::Elements(records));
    group.sample_size(30);

    // The floor: what any consumer must do, parse the envelope and decode the base64.
    group.bench_function("floor_envelope_base64", |b| {
        // The same SIMD engine the library uses, so the floor is the fastest one.
        let engine = Simd::standard(GeneralPurposeConfig::new());
        let mut buffer = Vec::new();
        b.iter(|| black_box(envelope_and_base64(&input, &engine, &mut buffer)));
    });

    // The library: the same, plus a UTF-8 key and a typed `Order` per record.
    group.bench_function("typed_order", |b| {
        b.iter(|| {
            let event = KafkaEvent::from_str(&input).expect("event");
            let mut n = 0;
            for record in consumer.records(&event) {
                let record = record.expect("record decodes");
                n += usize::from(record.value.is_some());
                black_box(&record);
            }
            black_box(n)
        });
    });
    // The same work written by hand with serde_json, as a reference for the library's cost.
    group.bench_function("direct_serde_json", |b| {
        let engine = Simd::standard(GeneralPurposeConfig::new());
        let mut buffer = Vec::new();
        b.iter(|| {
            black_box(by_hand(&input, &engine, &mut buffer, |bytes| {
                let order: Order = serde_json::from_slice(bytes).expect("order");
                usize::from(black_box(order).quantity > 0)
            }))
        });
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
