//! The JSON vectors, and the JSON fixtures of the other Powertools editions, decoded
//! through the library and compared with their expected decodings.

use std::path::Path;

use kafka_core::testing::vectors::check_records;
use kafka_core::{KafkaConsumer, KafkaEvent, Utf8};
use kafka_json::{Json, JsonValue};
use kafka_vectors::{Order, powertools, read_json};
use serde::Deserialize;

/// Decodes `event` with string keys and JSON values and compares every record.
fn check(event_path: &Path, expected_path: &Path) {
    let input = std::fs::read(event_path).expect("event file");
    let event = KafkaEvent::from_slice(&input).expect("event parses");
    let consumer = KafkaConsumer::new().value(JsonValue::new());
    let records: Vec<_> = consumer.records(&event).collect();
    let checked = check_records(&records, &read_json(expected_path))
        .unwrap_or_else(|e| panic!("{}: {e}", event_path.display()));
    assert!(checked > 0);
}

#[test]
fn json_plain_vector() {
    let dir = kafka_vectors::dir();
    check(
        &dir.join("json_plain.event.json"),
        &dir.join("json_plain.expected.json"),
    );
}

#[test]
fn json_confluent_vector_with_full_framing() {
    let dir = kafka_vectors::dir();
    check(
        &dir.join("json_confluent.event.json"),
        &dir.join("json_confluent.expected.json"),
    );
}

#[test]
fn json_confluent_esm_vector_with_schema_metadata() {
    let dir = kafka_vectors::dir();
    check(
        &dir.join("json_confluent_esm.event.json"),
        &dir.join("json_confluent_esm.expected.json"),
    );
}

#[test]
fn powertools_json_fixtures() {
    let Some(dir) = powertools() else { return };
    let index = read_json(&dir.join("index.json"));
    let mut checked = 0;
    for fixture in index.as_array().expect("index") {
        let (Some("json"), Some("string")) = (
            fixture["value_format"].as_str(),
            fixture["key_format"].as_str(),
        ) else {
            continue;
        };
        let event = dir.join(fixture["event"].as_str().expect("event path"));
        let expected = dir.join(fixture["expected"].as_str().expect("expected path"));
        check(&event, &expected);
        checked += 1;
    }
    assert_eq!(
        checked, 4,
        "the JSON fixtures: ts_default, ts_sample_json, java_json, dotnet_customer_json"
    );
}

#[test]
fn json_plain_into_typed_orders() {
    let (input, expected) = kafka_vectors::vector("json_plain");
    let event = KafkaEvent::from_slice(&input).expect("event parses");

    let consumer = KafkaConsumer::new().key(Utf8).value(Json::<Order>::new());
    let orders = consumer.decode_all(&event).expect("every order decodes");
    assert_eq!(orders.len(), 10);
    for (got, want) in orders
        .iter()
        .zip(expected["records"].as_array().expect("records"))
    {
        let want = Order::deserialize(&want["value"]).expect("expected value is an Order");
        assert_eq!(got.value.as_ref(), Some(&want));
    }
    // Integers above 2^32 arrive exactly.
    assert!(
        orders
            .iter()
            .any(|o| o.value.as_ref().is_some_and(|v| v.customer_id > 1 << 32))
    );
}

/// confluent-kafka's serializers with the schema id in a record header, as a GUID prefix,
/// or as the classic id prefix: all found under `auto`, and under `confluent`.
#[test]
fn json_confluent_ids_vector() {
    let dir = kafka_vectors::dir();
    for wire in [
        kafka_core::WireFormat::Auto,
        kafka_core::WireFormat::Confluent,
    ] {
        let (input, expected) = kafka_vectors::vector("json_confluent_ids");
        let event = KafkaEvent::from_slice(&input).expect("event parses");
        let consumer = KafkaConsumer::new()
            .value(JsonValue::new())
            .value_wire_format(wire);
        let records: Vec<_> = consumer.records(&event).collect();
        let checked =
            check_records(&records, &expected).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        assert_eq!(checked, 10);
    }
}
