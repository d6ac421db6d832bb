//! Borrowed decoding (`KafkaConsumer::lend`) against owned decoding (`records`), on
//! arbitrary JSON and Avro payloads under every wire format: a record decodes on both
//! paths or on neither, and to the same key and value.
//!
//! The first byte picks the wire format and the metadata (as in the other codec targets)
//! and, with bit 4, Avro instead of JSON; the rest is the value, and the key for JSON.

#![no_main]

use std::sync::LazyLock;

use kafka_avro::{AvroSchemas, SchemaStore};
use kafka_core::testing::EventBuilder;
use kafka_core::{Codec, DataFormat, KafkaConsumer, KafkaEvent, Lend, RecordError, Utf8};
use kafka_json::Json;
use lambda_kafka_bench::{AvroOrder, AvroOrderRef, ORDER_AVSC, Order, OrderRef};
use lambda_kafka_fuzz::{GLUE_VERSION, record, split, wire_format};
use libfuzzer_sys::fuzz_target;

static SCHEMAS: LazyLock<AvroSchemas> = LazyLock::new(|| {
    let glue = kafka_core::SchemaId::from_metadata(GLUE_VERSION).expect("a UUID");
    AvroSchemas::builder()
        .schema(ORDER_AVSC)
        .store(
            SchemaStore::new()
                .with_schema(kafka_core::SchemaId::Confluent(1), ORDER_AVSC)
                .with_schema(glue, ORDER_AVSC),
        )
        .max_allocation_bytes(1 << 20)
        .build()
        .expect("order.avsc parses")
});

/// The owned decoding of the event's one record: key and value, or `None` if it failed.
fn owned<V: Codec>(
    event: &KafkaEvent<'_>,
    consumer: &KafkaConsumer<Utf8, V>,
) -> Option<(Option<String>, Option<V::Output>)> {
    let record = consumer.records(event).next()?.ok()?;
    Some((record.key, record.value))
}

/// The lent decoding of the event's one record, made owned by `own`; `None` if it
/// failed, `Some(None)` where the lent value cannot be read by this path by design.
fn lent<V: Lend, T>(
    event: &KafkaEvent<'_>,
    consumer: &KafkaConsumer<Utf8, V>,
    own: impl Fn(&kafka_core::Lent<'_, Utf8, V>) -> Result<Option<T>, RecordError>,
) -> Option<Option<(Option<String>, Option<T>)>> {
    let mut out = None;
    let failures = consumer.lend(event, |record| {
        let key = record.key::<&str>()?.map(str::to_owned);
        match own(&record) {
            Ok(value) => {
                out = Some(Some((key, value)));
                Ok(())
            }
            Err(e) if e.to_string().contains("cannot lend") => {
                out = Some(None);
                Ok(())
            }
            Err(e) => Err(e),
        }
    });
    assert!(failures.len() <= 1);
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((selector, bytes)) = split(data) else {
        return;
    };
    let wire_format = wire_format(selector);
    if selector & 16 == 0 {
        let builder = record(selector, bytes, DataFormat::Json).key(bytes);
        let event = EventBuilder::msk().record(builder).build();
        let consumer = KafkaConsumer::new()
            .key(Utf8)
            .value(Json::<Order>::new())
            .wire_format(wire_format);
        let owned = owned(&event, &consumer);
        let lent = lent(&event, &consumer, |record| {
            Ok(record.value::<OrderRef<'_>>()?.map(|o| o.to_order()))
        });
        assert_eq!(
            lent,
            owned.map(Some),
            "lent and owned JSON decoding disagree"
        );
    } else {
        let builder = record(selector, bytes, DataFormat::Avro);
        let event = EventBuilder::msk().record(builder).build();
        let consumer = KafkaConsumer::new()
            .key(Utf8)
            .value(SCHEMAS.typed::<AvroOrder>())
            .wire_format(wire_format);
        let owned = owned(&event, &consumer);
        match lent(&event, &consumer, |record| {
            Ok(record.value::<AvroOrderRef<'_>>()?.map(|o| o.to_order()))
        }) {
            Some(None) => {}
            // Compared as text: a NaN total is not equal to itself.
            lent => assert_eq!(
                format!("{:?}", lent.flatten()),
                format!("{owned:?}"),
                "lent and owned Avro decoding disagree"
            ),
        }
    }
});
