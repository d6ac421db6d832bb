//! The Protobuf vectors and the Powertools Protobuf fixtures through the dynamic codec
//! (and the vectors through prost types derived by hand), compared with their expected
//! decodings.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use kafka_core::FramingPolicy;
use kafka_core::SchemaAware;
use kafka_core::testing::vectors::check_records;
use kafka_core::{
    Codec, DataFormat, DecodeError, KafkaConsumer, KafkaEvent, Payload, SchemaMetadata,
};
use kafka_protobuf::Proto;
use kafka_protobuf::dynamic::{ProtoDynamic, ProtoSchema};
use kafka_protobuf::testing::canonical_json;
use kafka_vectors::proto;
use serde_json::Value;

fn order_schema() -> ProtoSchema {
    let dir = kafka_vectors::schemas();
    ProtoSchema::from_files(&[dir.join("order.proto")], &[&dir]).expect("order.proto compiles")
}

/// The dynamic codec, giving the canonical form.
struct Canonical(ProtoDynamic);

impl Codec for Canonical {
    type Output = Value;

    fn decode(&self, payload: Payload<'_>) -> Result<Value, DecodeError> {
        self.0.decode(payload).map(|m| canonical_json(&m))
    }

    fn schema_aware(&self) -> Option<&dyn SchemaAware> {
        Some(self)
    }
}

impl SchemaAware for Canonical {
    fn format(&self) -> Option<DataFormat> {
        Some(DataFormat::Protobuf)
    }

    fn framing(&self, _: Option<&SchemaMetadata<'_>>) -> FramingPolicy {
        FramingPolicy::PROTOBUF
    }
}

fn check<K: Codec, V: Codec>(
    dir: &Path,
    event: &str,
    expected: &str,
    consumer: &KafkaConsumer<K, V>,
) where
    K::Output: serde::Serialize,
    V::Output: serde::Serialize,
{
    let input = std::fs::read(dir.join(event)).expect("event");
    let parsed = KafkaEvent::from_slice(&input).expect("event parses");
    let expected: Value =
        serde_json::from_slice(&std::fs::read(dir.join(expected)).expect("expected"))
            .expect("JSON");
    let records: Vec<_> = consumer.records(&parsed).collect();
    check_records(&records, &expected).unwrap_or_else(|e| panic!("{event}: {e}"));
}

#[test]
fn vectors_dynamic_with_the_message_named() {
    let order = order_schema().message("orders.v1.Order").expect("Order");
    let consumer = KafkaConsumer::new().value(Canonical(order.dynamic()));
    for name in [
        "protobuf_raw",
        "protobuf_raw_meta",
        "protobuf_confluent",
        "protobuf_confluent_esm",
        "protobuf_glue_esm",
    ] {
        check(
            &kafka_vectors::dir(),
            &format!("{name}.event.json"),
            &format!("{name}.expected.json"),
            &consumer,
        );
    }
    let key = order_schema()
        .message("orders.v1.OrderKey")
        .expect("OrderKey");
    let keyed = KafkaConsumer::new()
        .key(Canonical(key.dynamic()))
        .value(Canonical(order.dynamic()));
    check(
        &kafka_vectors::dir(),
        "protobuf_keyed.event.json",
        "protobuf_keyed.expected.json",
        &keyed,
    );
}

#[test]
fn vectors_dynamic_with_the_message_picked_by_index_path() {
    // Confluent paths `[0]`: the first message of order.proto, Order.
    let consumer = KafkaConsumer::new().value(Canonical(order_schema().dynamic()));
    for name in ["protobuf_confluent", "protobuf_confluent_esm"] {
        check(
            &kafka_vectors::dir(),
            &format!("{name}.event.json"),
            &format!("{name}.expected.json"),
            &consumer,
        );
    }
}

#[test]
fn vectors_static_prost_types() {
    let dir = kafka_vectors::dir();
    let consumer = KafkaConsumer::new().value(Proto::<proto::Order>::new());
    for name in [
        "protobuf_raw",
        "protobuf_raw_meta",
        "protobuf_confluent",
        "protobuf_confluent_esm",
        "protobuf_glue_esm",
    ] {
        let input = std::fs::read(dir.join(format!("{name}.event.json"))).expect("event");
        let event = KafkaEvent::from_slice(&input).expect("event");
        let expected: Value = serde_json::from_slice(
            &std::fs::read(dir.join(format!("{name}.expected.json"))).expect("expected"),
        )
        .expect("JSON");
        let orders = consumer
            .decode_all(&event)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        for (got, want) in orders
            .iter()
            .zip(expected["records"].as_array().expect("records"))
        {
            let order = got.value.as_ref().expect("value");
            let want = &want["value"];
            assert_eq!(order.order_id, want["order_id"].as_str().unwrap(), "{name}");
            assert_eq!(
                order.customer_id,
                want["customer_id"].as_i64().unwrap(),
                "{name}"
            );
            let status = format!("{:?}", proto::OrderStatus::try_from(order.status).unwrap());
            assert_eq!(
                status.to_uppercase(),
                want["status"].as_str().unwrap(),
                "{name}"
            );
            assert_eq!(order.note.as_deref(), want["note"].as_str(), "{name}");
            assert_eq!(
                order.items.len(),
                want["items"].as_array().unwrap().len(),
                "{name}"
            );
            assert_eq!(
                STANDARD.encode(&order.checksum),
                want["checksum"].as_str().unwrap(),
                "{name}"
            );
        }
    }
}

#[test]
fn powertools_protobuf_fixtures() {
    let Some(dir) = kafka_vectors::powertools() else {
        return;
    };
    let index: Value =
        serde_json::from_slice(&std::fs::read(dir.join("index.json")).expect("index"))
            .expect("JSON");
    let mut checked = Vec::new();
    for fixture in index.as_array().expect("list") {
        if fixture["value_format"] != "protobuf" {
            continue;
        }
        let config = &fixture["peer_config"]["value"];
        let proto = dir
            .join("..")
            .join(config["schema"].as_str().expect("schema"));
        let include = proto.parent().expect("folder").to_owned();
        let schema = ProtoSchema::from_files(&[&proto], &[&include])
            .and_then(|s| s.message(config["message"].as_str().expect("message")))
            .unwrap_or_else(|e| panic!("{}: {e}", fixture["name"]));
        let consumer = KafkaConsumer::new().value(Canonical(schema.dynamic()));
        let name = fixture["name"].as_str().expect("name").to_owned();
        let input =
            std::fs::read(dir.join(fixture["event"].as_str().expect("event"))).expect("event");
        let event = KafkaEvent::from_slice(&input).expect("event parses");
        let expected: Value = serde_json::from_slice(
            &std::fs::read(dir.join(fixture["expected"].as_str().expect("expected"))).expect("x"),
        )
        .expect("JSON");
        let records: Vec<_> = consumer.records(&event).collect();
        let results: Vec<String> = records
            .iter()
            .zip(expected["records"].as_array().expect("records"))
            .map(|(got, want)| match (got, want.get("value_error")) {
                (Err(_), Some(_)) => "fails as expected".to_owned(),
                (Ok(r), None) if r.value.as_ref() == Some(&want["value"]) => "ok".to_owned(),
                (Ok(r), _) => format!("decoded {:?}, expected {}", r.value, want["value"]),
                (Err(e), None) => format!("failed: {e}"),
            })
            .collect();
        checked.push((name, results));
    }
    assert_eq!(checked.len(), 8);
    for (name, results) in checked {
        if name == "dotnet_protobuf_glue" {
            // Written with another field layout: a decoder that keeps mismatched wire types
            // as unknown fields reads values; prost-reflect rejects them, record by record.
            assert!(
                results
                    .iter()
                    .all(|r| r
                        .ends_with("invalid wire type: LengthDelimited (expected SixtyFourBit)")),
                "{name}: {results:?}"
            );
            continue;
        }
        assert!(
            results
                .iter()
                .all(|r| r == "ok" || r == "fails as expected"),
            "{name}: {results:?}"
        );
    }
}

/// confluent-kafka's ProtobufSerializer with the schema id and message index in a record
/// header, as a GUID prefix, or as the classic id prefix: the message picked by the index
/// path wherever it was, under `auto` and `confluent`; prost types too.
#[test]
fn confluent_ids_vector() {
    for wire in [
        kafka_core::WireFormat::Auto,
        kafka_core::WireFormat::Confluent,
    ] {
        let consumer = KafkaConsumer::new()
            .value(Canonical(order_schema().dynamic()))
            .value_wire_format(wire);
        check(
            &kafka_vectors::dir(),
            "protobuf_confluent_ids.event.json",
            "protobuf_confluent_ids.expected.json",
            &consumer,
        );
    }
    let (input, expected) = kafka_vectors::vector("protobuf_confluent_ids");
    let event = KafkaEvent::from_slice(&input).expect("event");
    let prost = KafkaConsumer::new().value(Proto::<proto::Order>::new());
    let orders = prost.decode_all(&event).expect("every order decodes");
    for (got, want) in orders.iter().zip(expected["records"].as_array().unwrap()) {
        assert_eq!(
            got.value.as_ref().unwrap().order_id,
            want["value"]["order_id"].as_str().unwrap()
        );
    }
}
