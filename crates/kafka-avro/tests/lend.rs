//! Avro values lent into borrowing types: they agree with the owned decoding on the
//! vectors, lend every string and byte string from the payload, and say why where the
//! direct reader does not read a schema.

#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a failure is the test failing"
)]

use kafka_avro::encode::AvroEncoder;
use kafka_avro::{AvroSchemas, SchemaStore, Value};
use kafka_core::Uuid;
use kafka_core::testing::Encoder as _;
use kafka_core::testing::{EventBuilder, RecordBuilder};
use kafka_core::{KafkaConsumer, KafkaEvent, Lend, Part, Payload, SchemaId};
use kafka_vectors::{AvroOrder, AvroOrderRef};

/// The Glue schema version of the vectors' value schema.
const GLUE_ORDER: Uuid = Uuid::from_u128(0x1936_667b_8b1e_4d57_b845_a964_6206_f334);

fn schemas() -> AvroSchemas {
    let avsc = kafka_vectors::schema("order.avsc");
    let store = SchemaStore::new()
        .with_schema(SchemaId::Confluent(1), avsc.clone())
        .with_schema(SchemaId::Glue(GLUE_ORDER), avsc.clone());
    AvroSchemas::builder()
        .schema(avsc)
        .store(store)
        .build()
        .unwrap()
}

#[test]
fn lent_orders_agree_with_owned_ones_and_borrow_every_string() {
    let schemas = schemas();
    let consumer = KafkaConsumer::new().value(schemas.typed::<AvroOrder>());
    for name in [
        "avro_raw",
        "avro_confluent",
        "avro_glue",
        "avro_confluent_esm",
        "avro_glue_esm",
    ] {
        let (input, _) = kafka_vectors::vector(name);
        let event = KafkaEvent::from_slice(&input).unwrap();
        let owned: Vec<AvroOrder> = consumer
            .records(&event)
            .map(|r| r.unwrap().value.unwrap())
            .collect();
        let mut lent = Vec::new();
        let failures = consumer.lend(&event, |record| {
            let order: AvroOrderRef<'_> = record.value().unwrap().unwrap();
            let bytes = record.value_bytes().unwrap().as_ptr_range();
            for text in [order.order_id, order.shipping_address.city] {
                assert!(
                    bytes.contains(&text.as_ptr()),
                    "{name}: lent from the payload"
                );
            }
            assert!(bytes.contains(&order.checksum.as_ptr()));
            lent.push(order.to_order());
            Ok::<(), ()>(())
        });
        assert!(failures.is_empty(), "{name}");
        assert!(!owned.is_empty(), "{name}");
        assert_eq!(lent, owned, "{name}");
    }
}

#[test]
fn a_payload_that_does_not_fit_fails_its_record_alone() {
    let schemas = schemas();
    let good = kafka_vectors::vector("avro_raw").0;
    let event = KafkaEvent::from_slice(&good).unwrap();
    let first = event
        .records()
        .next()
        .unwrap()
        .value()
        .as_base64()
        .unwrap()
        .to_owned();
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("t", 0, 1).raw_base64(Part::Value, first))
        .record(RecordBuilder::new("t", 0, 2).value([0x02, 0xff]))
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    let mut errors = Vec::new();
    let failures = KafkaConsumer::new()
        .value(schemas.generic())
        .lend(&event, |record| {
            record
                .value::<AvroOrderRef<'_>>()
                .map(|_| ())
                .map_err(|e| errors.push(e.to_string()))
        });
    assert_eq!(failures.len(), 1);
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].starts_with("topic \"t\", partition 0, offset 2, value: cannot decode as Avro"),
        "{}",
        errors[0]
    );
}

#[test]
fn a_schema_the_direct_reader_leaves_to_apache_avro_says_it_cannot_lend() {
    let avsc = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"string"},
        {"name":"d","type":{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}}]}"#;
    let codec = AvroSchemas::builder()
        .schema(avsc)
        .build()
        .unwrap()
        .generic();
    // "x", then the decimal 0.01: one byte of unscaled value.
    let bytes = [0x02, b'x', 0x02, 0x01];
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct R<'a> {
        a: &'a str,
    }
    let err = codec
        .decode_as::<R<'_>>(Payload::new(&bytes, Part::Value))
        .unwrap_err();
    assert_eq!(
        err.message(),
        "this writer schema is read by apache-avro (a decimal, duration or uuid logical type, \
         or a reader schema to resolve into), which cannot lend: decode it into an owned type"
    );
}

#[test]
fn a_union_into_a_rust_enum_says_it_cannot_lend() {
    let avsc = r#"{"type":"record","name":"R","fields":[{"name":"u","type":["string","long"]}]}"#;
    let codec = AvroSchemas::builder()
        .schema(avsc)
        .build()
        .unwrap()
        .generic();
    let bytes = AvroEncoder::new(avsc)
        .unwrap()
        .values()
        .encode(&Value::Record(vec![(
            "u".into(),
            Value::Union(1, Box::new(Value::Long(5))),
        )]))
        .unwrap();
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    enum U<'a> {
        S(&'a str),
        L(i64),
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct R<'a> {
        #[serde(borrow)]
        u: U<'a>,
    }
    let err = codec
        .decode_as::<R<'_>>(Payload::new(&bytes, Part::Value))
        .unwrap_err();
    assert_eq!(
        err.message(),
        "a union read into a Rust enum is read by apache-avro, which cannot lend: decode it into an owned type"
    );
    // Into an option or the branch's own type, the direct reader lends.
    #[derive(Debug, serde::Deserialize)]
    struct Long {
        u: i64,
    }
    let long: Long = codec.decode_as(Payload::new(&bytes, Part::Value)).unwrap();
    assert_eq!(long.u, 5);
}
