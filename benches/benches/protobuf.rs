//! Decoding a 10,000-record Protobuf event, bare and in the Confluent ESM shape: every key
//! (text) and value (prost `Order`, and dynamic), against the floor of envelope parse plus
//! base64 alone, and against prost used by hand, in the same run.
//!
//! ```text
//! cargo bench -p lambda-kafka-bench --bench protobuf
//! ```

use std::hint::black_box;

use base64::engine::Simd;
use base64::engine::general_purpose::GeneralPurposeConfig;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kafka_core::{KafkaConsumer, KafkaEvent, Utf8};
use kafka_protobuf::Proto;
use kafka_protobuf::dynamic::ProtoSchema;
use lambda_kafka_bench::{
    Payloads, big_event, by_hand, envelope_and_base64, order_proto_path, proto,
};

const RECORDS: u64 = 10_000;

fn decode(c: &mut Criterion) {
    let raw = big_event(RECORDS, 7 + RECORDS, Payloads::Protobuf);
    let esm = big_event(RECORDS, 7 + RECORDS, Payloads::ProtobufConfluentEsm);
    let path = order_proto_path();
    let schema = ProtoSchema::from_files(&[&path], &[path.parent().expect("folder")])
        .and_then(|s| s.message("orders.v1.Order"))
        .expect("order.proto");

    let mut group = c.benchmark_group("protobuf_10k");
    group.throughput(Throughput::Elements(RECORDS));
    group.sample_size(30);

    group.bench_function("floor_envelope_base64", |b| {
        // The same SIMD engine the library uses, so the floor is the fastest one.
        let engine = Simd::standard(GeneralPurposeConfig::new());
        let mut buffer = Vec::new();
        b.iter(|| black_box(envelope_and_base64(&raw, &engine, &mut buffer)));
    });

    group.bench_function("direct_prost", |b| {
        let engine = Simd::standard(GeneralPurposeConfig::new());
        let mut buffer = Vec::new();
        b.iter(|| {
            black_box(by_hand(&raw, &engine, &mut buffer, |bytes| {
                let order: proto::Order = prost::Message::decode(bytes).expect("order");
                usize::from(black_box(order).quantity > 0)
            }))
        });
    });

    for (name, input) in [
        ("typed_order_raw", &raw),
        ("typed_order_confluent_esm", &esm),
    ] {
        let consumer = KafkaConsumer::new()
            .key(Utf8)
            .value(Proto::<proto::Order>::new());
        group.bench_function(name, |b| {
            b.iter(|| {
                let event = KafkaEvent::from_str(input).expect("event");
                let mut n = 0;
                for record in consumer.records(&event) {
                    n += usize::from(record.expect("record decodes").value.is_some());
                }
                black_box(n)
            });
        });
    }

    for (name, input) in [("dynamic_raw", &raw), ("dynamic_confluent_esm", &esm)] {
        let consumer = KafkaConsumer::new().key(Utf8).value(schema.dynamic());
        group.bench_function(name, |b| {
            b.iter(|| {
                let event = KafkaEvent::from_str(input).expect("event");
                let mut n = 0;
                for record in consumer.records(&event) {
                    n += usize::from(record.expect("record decodes").value.is_some());
                }
                black_box(n)
            });
        });
    }
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
