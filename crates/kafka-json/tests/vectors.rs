//! The JSON vectors, and the JSON fixtures of the other Powertools editions, decoded
//! through the library and compared with their expected decodings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use kafka_core::wire::HeaderSource;
use kafka_core::{ConsumerRecord, KafkaConsumer, KafkaEvent, RawPayload, Utf8, WireFormat};
use kafka_json::{Json, JsonValue};
use serde::Deserialize;
use serde_json::{Value, json};

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/vectors")
}

fn powertools() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors/powertools");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: {} is not there; Powertools fixtures not checked",
            dir.display()
        );
        None
    }
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&text).expect("expected file is JSON")
}

fn state(payload: &RawPayload<'_>) -> &'static str {
    match payload {
        RawPayload::Absent => "absent",
        RawPayload::Null => "null",
        RawPayload::Base64(text) if text.is_empty() => "empty",
        RawPayload::Base64(_) => "present",
    }
}

fn headers_as_expected(record: &ConsumerRecord<'_, String, Value>) -> Value {
    record
        .headers()
        .iter()
        .map(|h| match (h.value_str(), h.value()) {
            (Some(text), _) => json!([h.name(), text]),
            (None, Some(bytes)) => json!([h.name(), {"$bytes": STANDARD.encode(bytes)}]),
            (None, None) => json!([h.name(), null]),
        })
        .collect()
}

/// Decodes `event` with string keys and JSON values and compares every record.
fn check(event_path: &Path, expected_path: &Path) {
    let input = std::fs::read(event_path).expect("event file");
    let event = KafkaEvent::from_slice(&input).expect("event parses");
    let expected = read_json(expected_path);
    let framing = expected["framing"].as_str().unwrap_or("none").to_owned();
    let expected = expected["records"].as_array().expect("records");

    let consumer = KafkaConsumer::new().value(JsonValue::new());
    let records: Vec<_> = consumer.records(&event).collect();
    assert_eq!(records.len(), expected.len(), "{}", event_path.display());
    for (got, want) in records.into_iter().zip(expected) {
        let got = got.expect("record decodes");
        let at = format!("{} offset {}", event_path.display(), got.offset());
        assert_eq!(got.topic(), want["topic"], "{at}");
        assert_eq!(i64::from(got.partition()), want["partition"], "{at}");
        assert_eq!(got.offset(), want["offset"], "{at}");
        assert_eq!(
            got.timestamp(),
            want["timestamp"].as_i64().expect("i64"),
            "{at}"
        );
        assert_eq!(
            got.timestamp_type().map(|t| t.as_str()),
            want["timestampType"].as_str(),
            "{at}"
        );
        assert_eq!(state(got.original_key()), want["key_state"], "{at}");
        assert_eq!(state(got.original_value()), want["value_state"], "{at}");
        assert_eq!(
            got.key.as_ref().map_or(Value::Null, |k| json!(k)),
            want["key"],
            "{at}"
        );
        assert_eq!(
            got.value.clone().unwrap_or(Value::Null),
            want["value"],
            "{at}"
        );
        assert_eq!(headers_as_expected(&got), want["headers"], "{at}");
        if let Some(found) = got.value_framing() {
            let found = match (found.wire_format(), found.source()) {
                (WireFormat::Plain, _) => "none",
                (WireFormat::Confluent, HeaderSource::Payload) => "confluent",
                (WireFormat::Confluent, HeaderSource::Metadata) => "confluent-esm",
                (WireFormat::Glue, HeaderSource::Payload) => "glue",
                (WireFormat::Glue, HeaderSource::Metadata) => "glue-esm",
                (other, _) => panic!("unexpected wire format {other}"),
            };
            assert_eq!(found, framing, "{at}");
        }
        for (field, meta) in [
            ("keySchemaMetadata", got.key_schema_metadata()),
            ("valueSchemaMetadata", got.value_schema_metadata()),
        ] {
            let meta = meta.map_or(Value::Null, |m| serde_json::to_value(m).expect("metadata"));
            assert_eq!(
                meta,
                want.get(field).cloned().unwrap_or(Value::Null),
                "{at} {field}"
            );
        }
    }
}

#[test]
fn json_plain_vector() {
    let dir = testdata();
    check(
        &dir.join("json_plain.event.json"),
        &dir.join("json_plain.expected.json"),
    );
}

#[test]
fn json_confluent_vector_with_full_framing() {
    let dir = testdata();
    check(
        &dir.join("json_confluent.event.json"),
        &dir.join("json_confluent.expected.json"),
    );
}

#[test]
fn json_confluent_esm_vector_with_schema_metadata() {
    let dir = testdata();
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

/// The vectors' `Order` (schemas/order.schema.json) as a Rust type.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Order {
    order_id: String,
    customer_id: i64,
    total: f64,
    quantity: i32,
    gift_wrap: bool,
    status: Status,
    shipping_address: Address,
    items: Vec<LineItem>,
    tags: BTreeMap<String, String>,
    note: Option<String>,
    created_at: i64,
    checksum: String,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum Status {
    Pending,
    Paid,
    Shipped,
    Delivered,
    Cancelled,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Address {
    street: String,
    city: String,
    postal_code: String,
    country: String,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct LineItem {
    sku: String,
    quantity: i32,
    unit_price: f64,
}

#[test]
fn json_plain_into_typed_orders() {
    let dir = testdata();
    let input = std::fs::read(dir.join("json_plain.event.json")).expect("event");
    let event = KafkaEvent::from_slice(&input).expect("event parses");
    let expected = read_json(&dir.join("json_plain.expected.json"));

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
