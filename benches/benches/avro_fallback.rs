//! Avro writer schemas the direct reader cannot plan (here a `decimal` field), which
//! apache-avro's reader decodes instead, and the cost of meeting one on the other schemas
//! of the same codec: 10,000 Confluent-framed records through a schema store holding the
//! vectors' `order.avsc` (id 1) and the same record with a decimal field added (id 2).
//!
//! - `unplannable_only`: every record written with schema 2;
//! - `mixed_first_unplannable`: the first record with schema 2, the other 9,999 with
//!   schema 1, which the direct reader plans;
//! - `plannable_only`: every record with schema 1, for reference.
//!
//! ```text
//! cargo bench -p lambda-kafka-bench --bench avro_fallback
//! ```

use std::hint::black_box;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kafka_avro::{AvroSchemas, SchemaStore};
use kafka_core::{KafkaConsumer, KafkaEvent, SchemaId, Utf8, WireFormat};
use lambda_kafka_bench::{AvroOrder, ORDER_AVSC, Payloads, big_event};

const RECORDS: u64 = 10_000;

/// `order.avsc` with a decimal field after the others; the order type ignores it.
fn with_decimal() -> String {
    let end = ORDER_AVSC.rfind(']').expect("a field list");
    format!(
        "{},\n    {{\"name\": \"discount\", \"type\": {{\"type\": \"bytes\", \"logicalType\": \"decimal\", \"precision\": 9, \"scale\": 2}}}}\n  {}",
        ORDER_AVSC[..end].trim_end(),
        &ORDER_AVSC[end..]
    )
}

/// The raw Avro event with each value framed with schema id 1, or 2 (and a decimal 5.00
/// appended) where `unplannable(index)` says.
fn framed(raw: &str, unplannable: impl Fn(usize) -> bool) -> String {
    let mut event: serde_json::Value = serde_json::from_str(raw).expect("an event");
    let mut index = 0;
    for group in event["records"]
        .as_object_mut()
        .expect("groups")
        .values_mut()
    {
        for record in group.as_array_mut().expect("records") {
            let datum = STANDARD
                .decode(record["value"].as_str().expect("a value"))
                .expect("base64");
            let bytes = if unplannable(index) {
                [&[0, 0, 0, 0, 2][..], &datum, &[0x04, 0x01, 0xf4]].concat()
            } else {
                [&[0, 0, 0, 0, 1][..], &datum[..]].concat()
            };
            record["value"] = STANDARD.encode(bytes).into();
            index += 1;
        }
    }
    event.to_string()
}

fn decode(c: &mut Criterion) {
    let raw = big_event(RECORDS, 7 + RECORDS, Payloads::Avro);
    let cases = [
        ("unplannable_only", framed(&raw, |_| true)),
        ("mixed_first_unplannable", framed(&raw, |i| i == 0)),
        ("plannable_only", framed(&raw, |_| false)),
    ];
    let store = SchemaStore::new()
        .with_schema(SchemaId::Confluent(1), ORDER_AVSC)
        .with_schema(SchemaId::Confluent(2), with_decimal());
    let schemas = AvroSchemas::builder()
        .store(store)
        .build()
        .expect("schemas");

    let mut group = c.benchmark_group("avro_fallback_10k");
    group.throughput(Throughput::Elements(RECORDS));
    group.sample_size(20);
    for (name, input) in &cases {
        group.bench_function(*name, |b| {
            // A fresh codec per measurement, as in a new Lambda instance.
            b.iter_batched(
                || {
                    KafkaConsumer::new()
                        .key(Utf8)
                        .value(schemas.typed::<AvroOrder>())
                        .value_wire_format(WireFormat::Confluent)
                },
                |consumer| {
                    let event = KafkaEvent::from_str(input).expect("event");
                    let mut n = 0;
                    for record in consumer.records(&event) {
                        let record = record.expect("record decodes");
                        n += usize::from(record.value.is_some());
                        black_box(&record);
                    }
                    black_box(n)
                },
                criterion::BatchSize::SmallInput,
            );
        });
    }
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
