//! Decoding a 10,000-record Avro event, raw and with Confluent framing: every key (text)
//! and value (typed `Order`, and generic), against the floor of envelope parse plus base64
//! alone, and against apache-avro's `read_deser` used by hand, in the same run.
//!
//! ```text
//! cargo bench -p lambda-kafka-bench --bench avro
//! ```

use std::hint::black_box;

use apache_avro::reader::datum::GenericDatumReader;
use base64::engine::Simd;
use base64::engine::general_purpose::GeneralPurposeConfig;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kafka_avro::AvroSchemas;
use kafka_core::{KafkaConsumer, KafkaEvent, Utf8, WireFormat};
use lambda_kafka_bench::{
    AvroOrder, ORDER_AVSC, Payloads, big_event, by_hand, envelope_and_base64,
};

const RECORDS: u64 = 10_000;

fn decode(c: &mut Criterion) {
    let raw = big_event(RECORDS, 7 + RECORDS, Payloads::Avro);
    let framed = big_event(RECORDS, 7 + RECORDS, Payloads::AvroConfluent);
    let schemas = AvroSchemas::builder()
        .schema(ORDER_AVSC)
        .build()
        .expect("schema");

    let mut group = c.benchmark_group("avro_10k");
    group.throughput(Throughput::Elements(RECORDS));
    group.sample_size(30);

    group.bench_function("floor_envelope_base64", |b| {
        // The same SIMD engine the library uses, so the floor is the fastest one.
        let engine = Simd::standard(GeneralPurposeConfig::new());
        let mut buffer = Vec::new();
        b.iter(|| black_box(envelope_and_base64(&raw, &engine, &mut buffer)));
    });

    // apache-avro by hand: a reader built once, `read_deser` per value.
    group.bench_function("direct_read_deser", |b| {
        let schema = apache_avro::Schema::parse_str(ORDER_AVSC).expect("schema");
        let reader = GenericDatumReader::builder(&schema)
            .build()
            .expect("reader");
        let engine = Simd::standard(GeneralPurposeConfig::new());
        let mut buffer = Vec::new();
        b.iter(|| {
            black_box(by_hand(&raw, &engine, &mut buffer, |bytes| {
                let order: AvroOrder = reader.read_deser(&mut &bytes[..]).expect("order");
                usize::from(black_box(order).quantity > 0)
            }))
        });
    });

    let cases = [
        ("typed_order_raw", &raw, WireFormat::Plain),
        ("typed_order_confluent", &framed, WireFormat::Confluent),
    ];
    for (name, input, wire) in cases {
        let consumer = KafkaConsumer::new()
            .key(Utf8)
            .value(schemas.typed::<AvroOrder>())
            .value_wire_format(wire);
        group.bench_function(name, |b| {
            b.iter(|| {
                let event = KafkaEvent::from_str(input).expect("event");
                let mut n = 0;
                for record in consumer.records(&event) {
                    let record = record.expect("record decodes");
                    n += usize::from(record.value.is_some());
                    black_box(&record);
                }
                black_box(n)
            });
        });
    }

    let generic = KafkaConsumer::new().key(Utf8).value(schemas.generic());
    group.bench_function("generic_value_raw", |b| {
        b.iter(|| {
            let event = KafkaEvent::from_str(&raw).expect("event");
            let mut n = 0;
            for record in generic.records(&event) {
                n += usize::from(record.expect("record decodes").value.is_some());
            }
            black_box(n)
        });
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
