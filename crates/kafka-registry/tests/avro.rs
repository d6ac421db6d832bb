//! Avro codecs that learn writer schemas from a Confluent registry at run time, on the
//! records confluent-kafka's serializers wrote (ids in headers, GUID prefixes, classic
//! prefixes), against the test registry that holds what they registered.

#![cfg(feature = "confluent")]
#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a failure is the test failing"
)]

mod common;

use common::cache;

use kafka_avro::AvroSchemas;
use kafka_core::testing::vectors::check_records;
use kafka_core::testing::wire::confluent;
use kafka_core::testing::{EventBuilder, RecordBuilder};
use kafka_core::{ErrorKind, KafkaConsumer, KafkaEvent, WireFormat};
use kafka_vectors::registry::TestRegistry;
use serde_json::json;

fn learning() -> AvroSchemas {
    AvroSchemas::builder()
        .learn_from_registry(true)
        .build()
        .unwrap()
}

#[tokio::test]
async fn keys_and_values_decode_with_the_registrys_writer_schemas() {
    let server = TestRegistry::start(kafka_vectors::confluent_registry());
    let schemas = cache(&server);
    // An Avro datum can begin with any byte: a payload prefix is read as framing only
    // under `confluent` (record headers and metadata are read under `auto` too).
    let consumer = KafkaConsumer::new()
        .key(learning().json())
        .value(learning().json())
        .wire_format(WireFormat::Confluent);
    let (input, expected) = kafka_vectors::vector("avro_confluent_ids");
    let event = KafkaEvent::from_slice(&input).unwrap();
    let prepared = schemas.prepare(&consumer, &event).await;
    // The key and the value schema, each by GUID and by classic id.
    assert_eq!(prepared.learned, 4);
    assert_eq!(prepared.failed, 0);
    let records: Vec<_> = consumer.records(&event).collect();
    check_records(&records, &expected).unwrap();
    assert_eq!(server.requests().len(), 4);
    // Typed values too, through the direct reader.
    let typed = KafkaConsumer::new()
        .key(learning().json())
        .value(learning().typed::<kafka_vectors::AvroOrder>())
        .wire_format(WireFormat::Confluent);
    schemas.prepare(&typed, &event).await;
    let orders: Vec<_> = typed
        .records(&event)
        .map(|r| r.unwrap().value.unwrap().order_id)
        .collect();
    assert_eq!(orders.len(), 6);
    assert_eq!(server.requests().len(), 4, "the cache already had them");
    // Under auto, the ids in record headers are wanted, the prefixes not.
    let auto = KafkaConsumer::new()
        .key(learning().json())
        .value(learning().json());
    assert_eq!(auto.wanted_schemas(&event).value.len(), 1);
}

#[tokio::test]
async fn a_schema_of_another_format_or_that_does_not_parse_fails_its_records() {
    let server = TestRegistry::start(vec![
        json!({"subject": "a", "version": 1, "id": 21, "guid": "00000000-0000-4000-8000-000000000021",
               "schemaType": "PROTOBUF", "schema": "syntax = \"proto3\"; message M {}", "references": []}),
        json!({"subject": "b", "version": 1, "id": 22, "guid": "00000000-0000-4000-8000-000000000022",
               "schemaType": "AVRO", "schema": "{\"type\": \"recrd\"}", "references": []}),
        json!({"subject": "c", "version": 1, "id": 23, "guid": "00000000-0000-4000-8000-000000000023",
               "schemaType": "AVRO", "schema": "\"long\"", "references": []}),
    ]);
    let schemas = cache(&server);
    let consumer = KafkaConsumer::new()
        .value(learning().json())
        .value_wire_format(WireFormat::Confluent);
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("t", 0, 1).value(confluent(21, b"\x02")))
        .record(RecordBuilder::new("t", 0, 2).value(confluent(22, b"\x02")))
        .record(RecordBuilder::new("t", 0, 3).value(confluent(23, b"\x54")))
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    schemas.prepare(&consumer, &event).await;
    let results: Vec<_> = consumer.records(&event).collect();
    let first = results[0].as_ref().unwrap_err();
    assert_eq!(first.kind(), ErrorKind::SchemaRegistry);
    assert_eq!(
        first.to_string(),
        "topic \"t\", partition 0, offset 1, value: schema registry: Confluent schema id 21: the registry's schema is PROTOBUF, not AVRO"
    );
    let second = results[1].as_ref().unwrap_err();
    assert_eq!(second.kind(), ErrorKind::SchemaRegistry);
    assert!(
        second
            .to_string()
            .contains("Confluent schema id 22: the registry's schema does not parse"),
        "{second}"
    );
    assert_eq!(results[2].as_ref().unwrap().value, Some(json!(42)));
}

#[tokio::test]
async fn without_prepare_a_learning_codec_says_what_is_missing() {
    let consumer = KafkaConsumer::new()
        .value(learning().json())
        .value_wire_format(WireFormat::Confluent);
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("t", 0, 1).value(confluent(5, b"\x02")))
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    let err = consumer.records(&event).next().unwrap().unwrap_err();
    assert_eq!(
        err.to_string(),
        "topic \"t\", partition 0, offset 1, value: schema registry: Confluent schema id 5 was not fetched from the registry (prepare the batch before decoding it)"
    );
}

#[tokio::test]
async fn a_writer_schema_with_references_decodes() {
    let server = TestRegistry::start(vec![
        json!({"subject": "money", "version": 1, "id": 41, "guid": "00000000-0000-4000-8000-000000000041",
               "schemaType": "AVRO", "schema": r#"{"type":"record","name":"Money","namespace":"com.example","fields":[{"name":"cents","type":"long"}]}"#, "references": []}),
        json!({"subject": "orders-value", "version": 3, "id": 42, "guid": "00000000-0000-4000-8000-000000000042",
               "schemaType": "AVRO", "schema": r#"{"type":"record","name":"Order","namespace":"com.example","fields":[{"name":"id","type":"string"},{"name":"total","type":"com.example.Money"}]}"#,
               "references": [{"name": "com.example.Money", "subject": "money", "version": 1}]}),
    ]);
    let consumer = KafkaConsumer::new()
        .value(learning().json())
        .value_wire_format(WireFormat::Confluent);
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("t", 0, 1).value(confluent(42, b"\x04o1\xd0\x0f")))
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    assert_eq!(cache(&server).prepare(&consumer, &event).await.learned, 1);
    let record = consumer.records(&event).next().unwrap().unwrap();
    assert_eq!(
        record.value,
        Some(json!({"id": "o1", "total": {"cents": 1000}}))
    );
    assert_eq!(
        server.requests(),
        ["/schemas/ids/42", "/subjects/money/versions/1"]
    );
}
