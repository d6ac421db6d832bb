//! Decoding rules and every error: empty payloads, unknown fields and enum numbers,
//! truncated input, wrong wire types, invalid UTF-8, and index paths.

#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a failure is the test failing"
)]

use std::path::PathBuf;

use kafka_core::testing::wire::{Framed, confluent_protobuf, glue_protobuf, message_indexes};
use kafka_core::testing::{EventBuilder, RecordBuilder};
use kafka_core::{
    Codec, DataFormat, ErrorKind, KafkaConsumer, KafkaEvent, Part, Payload, SchemaId,
};
use kafka_core::{Compression, Uuid};
use kafka_protobuf::Proto;
use kafka_protobuf::dynamic::ProtoSchema;
use kafka_protobuf::testing::{ProtoEncoder, canonical_json};
use serde_json::json;

const SHOP: &str = r#"syntax = "proto3";
package shop;
import "google/protobuf/timestamp.proto";
message Product { int64 id = 1; string name = 2; Kind kind = 3; optional string note = 4; }
message Basket {
  message Line { string sku = 1; int32 qty = 2; }
  repeated Line lines = 1;
  map<string, int32> counts = 2;
  google.protobuf.Timestamp at = 3;
}
message Empty {}
message Key { string id = 1; }
enum Kind { UNKNOWN = 0; BOOK = 1; }
"#;

/// A folder of its own per call, so that tests running at once never see a half-written
/// file.
fn shop_dir() -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("kafka-protobuf-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("shop.proto"), SHOP).unwrap();
    dir
}

fn shop() -> ProtoSchema {
    let dir = shop_dir();
    ProtoSchema::from_files(&[dir.join("shop.proto")], &[&dir]).unwrap()
}

#[derive(Clone, PartialEq, prost::Message)]
struct Product {
    #[prost(int64, tag = "1")]
    id: i64,
    #[prost(string, tag = "2")]
    name: String,
}

fn decode_json(
    schema: &ProtoSchema,
    bytes: &[u8],
) -> Result<serde_json::Value, kafka_core::DecodeError> {
    schema.json().decode(Payload::new(bytes, Part::Value))
}

#[test]
fn empty_payload_is_the_default_message() {
    let product = shop().message("shop.Product").unwrap();
    assert_eq!(decode_json(&product, b"").unwrap(), json!({}));
    let dynamic = product
        .dynamic()
        .decode(Payload::new(b"", Part::Value))
        .unwrap();
    assert_eq!(
        canonical_json(&dynamic),
        json!({"id": 0, "name": "", "kind": "UNKNOWN", "note": null})
    );
    assert_eq!(
        Proto::<Product>::new()
            .decode(Payload::new(b"", Part::Value))
            .unwrap(),
        Product::default()
    );
}

#[test]
fn proto3_json_and_unknown_fields_and_enum_numbers() {
    let product = shop().message("shop.Product").unwrap();
    // id 2^53+1, name "a", kind 7 (unknown), note set, and an unknown field 9 (varint).
    let bytes = [
        0x08, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10, 0x12, 0x01, b'a', 0x18, 0x07, 0x22,
        0x00, 0x48, 0x01,
    ];
    assert_eq!(
        decode_json(&product, &bytes).unwrap(),
        json!({"id": "9007199254740993", "name": "a", "kind": 7, "note": ""})
    );
    let dynamic = product
        .dynamic()
        .decode(Payload::new(&bytes, Part::Value))
        .unwrap();
    assert_eq!(canonical_json(&dynamic)["kind"], json!(7));
    assert_eq!(
        Proto::<Product>::new()
            .decode(Payload::new(&bytes, Part::Value))
            .unwrap()
            .id,
        9_007_199_254_740_993
    );
}

#[test]
fn nested_maps_and_well_known_types() {
    let basket = shop().message("shop.Basket").unwrap();
    // lines [{sku "x", qty 2}], counts {"x": 3}, at {seconds 1}
    let bytes = [
        0x0a, 0x05, 0x0a, 0x01, b'x', 0x10, 0x02, 0x12, 0x05, 0x0a, 0x01, b'x', 0x10, 0x03, 0x1a,
        0x02, 0x08, 0x01,
    ];
    assert_eq!(
        decode_json(&basket, &bytes).unwrap(),
        json!({"lines": [{"sku": "x", "qty": 2}], "counts": {"x": 3}, "at": "1970-01-01T00:00:01Z"})
    );
}

#[test]
fn errors_name_the_problem() {
    let product = shop().message("shop.Product").unwrap();
    let truncated = [0x12, 0x05, b'a'];
    assert_eq!(
        decode_json(&product, &truncated).unwrap_err().message(),
        "failed to decode Protobuf message: buffer underflow"
    );
    let wrong_wire_type = [0x0a, 0x01, b'a']; // field 1 (int64) as length-delimited
    assert_eq!(
        decode_json(&product, &wrong_wire_type)
            .unwrap_err()
            .message(),
        "failed to decode Protobuf message: invalid wire type: LengthDelimited (expected Varint)"
    );
    let bad_utf8 = [0x12, 0x02, 0xc3, 0x28];
    let err = decode_json(&product, &bad_utf8).unwrap_err();
    assert!(err.message().contains("UTF-8"), "{err}");
    assert!(!err.message().contains('('), "{err}");
    let static_err = Proto::<Product>::new()
        .decode(Payload::new(&bad_utf8, Part::Value))
        .unwrap_err();
    assert_eq!(
        static_err.message(),
        "failed to decode Protobuf message: Product.name: invalid string value: data is not UTF-8 encoded"
    );
    let field_zero = [0x00];
    assert!(decode_json(&product, &field_zero).is_err());
}

#[test]
fn messages_picked_by_index_path() {
    let schema = shop();
    let key = [0x0a, 0x02, b'k', b'1']; // Key { id: "k1" }
    let line = [0x0a, 0x01, b'x', 0x10, 0x04]; // Basket.Line { sku: "x", qty: 4 }
    let json = EventBuilder::msk()
        // Key is the fourth message of shop.proto: path [3].
        .record(
            RecordBuilder::new("t", 0, 0)
                .key(confluent_protobuf(5, &[3], &key))
                .value(confluent_protobuf(5, &[1, 0], &line)),
        )
        // The ESM shape: the path alone, the id in the metadata.
        .record(
            RecordBuilder::new("t", 0, 1)
                .value([message_indexes(&[1, 0]), line.to_vec()].concat())
                .esm(Part::Value, DataFormat::Protobuf, SchemaId::Confluent(5)),
        )
        // Glue numbers every message by full name: Basket 0, Basket.Line 1, Empty 2, Key 3, Product 4.
        .record(RecordBuilder::new("t", 0, 2).value(glue_protobuf(
            Uuid::nil(),
            1,
            &line,
            Compression::Zlib,
        )))
        .record(RecordBuilder::new("t", 0, 3).value(confluent_protobuf(5, &[9], &line)))
        .record(RecordBuilder::new("t", 0, 4).value(line))
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    let consumer = KafkaConsumer::new().key(schema.json()).value(schema.json());
    let results: Vec<_> = consumer.records(&event).collect();
    let first = results[0].as_ref().unwrap();
    assert_eq!(first.key, Some(json!({"id": "k1"})));
    assert_eq!(first.value, Some(json!({"sku": "x", "qty": 4})));
    assert_eq!(
        results[1].as_ref().unwrap().value,
        Some(json!({"sku": "x", "qty": 4}))
    );
    assert_eq!(
        results[2].as_ref().unwrap().value,
        Some(json!({"sku": "x", "qty": 4}))
    );
    let err = results[3].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Deserialization);
    assert_eq!(
        err.to_string(),
        "topic \"t\", partition 0, offset 3, value: cannot decode as Protobuf: message-index path [9] names no message of shop.proto"
    );
    assert_eq!(
        results[4].as_ref().unwrap_err().to_string(),
        "topic \"t\", partition 0, offset 4, value: cannot decode as Protobuf: no message to read: shop.proto has several, and the payload carries no message index; name the message"
    );
    // A named message wins over the path.
    let named =
        KafkaConsumer::new().value(schema.clone().message("shop.Basket.Line").unwrap().json());
    let record = named.records(&event).nth(3).unwrap().unwrap();
    assert_eq!(record.value, Some(json!({"sku": "x", "qty": 4})));
}

#[test]
fn encoders_with_framing_round_trip() {
    let product = Product {
        id: 42,
        name: "pen".into(),
    };
    let json = EventBuilder::msk()
        .record(
            RecordBuilder::new("t", 0, 0)
                .value_encoded(&Framed::confluent_protobuf(ProtoEncoder, 1, &[0]), &product)
                .unwrap(),
        )
        .record(
            RecordBuilder::new("t", 0, 1)
                .value_encoded(
                    &Framed::glue_protobuf(ProtoEncoder, Uuid::nil(), 4, Compression::None),
                    &product,
                )
                .unwrap(),
        )
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    let typed = KafkaConsumer::new()
        .value(Proto::<Product>::new())
        .decode_all(&event)
        .unwrap();
    assert!(typed.iter().all(|r| r.value.as_ref() == Some(&product)));
    let dynamic = KafkaConsumer::new()
        .value(shop().json())
        .decode_all(&event)
        .unwrap();
    assert!(
        dynamic
            .iter()
            .all(|r| r.value == Some(json!({"id": "42", "name": "pen"})))
    );
}

#[test]
fn schema_errors() {
    let dir = shop_dir();
    let err = shop().message("shop.Nope").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration);
    assert_eq!(
        err.to_string(),
        "configuration: no message shop.Nope in shop.proto; it has shop.Basket, shop.Basket.Line, shop.Empty, shop.Key, shop.Product"
    );
    std::fs::write(dir.join("broken.proto"), "syntax = \"proto3\"; message { }").unwrap();
    let err = ProtoSchema::from_files(&[dir.join("broken.proto")], &[&dir]).unwrap_err();
    assert!(
        err.to_string().starts_with(&format!(
            "configuration: cannot compile {}",
            dir.join("broken.proto").display()
        )),
        "{err}"
    );
    let err = ProtoSchema::from_descriptor_set(b"\xff\xff").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("configuration: invalid FileDescriptorSet"),
        "{err}"
    );
}

const KINDS: &str = r#"syntax = "proto3";
package kinds;
import "google/protobuf/duration.proto";
import "google/protobuf/wrappers.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/any.proto";
message Kinds {
  oneof choice { string text = 1; int32 number = 5; }
  repeated int32 packed = 2;
  repeated int32 unpacked = 3 [packed = false];
  google.protobuf.Duration took = 4;
  google.protobuf.Int32Value maybe = 6;
  google.protobuf.Struct extra = 7;
  google.protobuf.Any any = 8;
}
"#;

const LEGACY: &str = r#"syntax = "proto2";
package legacy;
message Legacy { optional int32 level = 1 [default = 5]; required string id = 2; }
"#;

fn schema_of(name: &str, text: &str, message: &str) -> ProtoSchema {
    let dir = shop_dir();
    std::fs::write(dir.join(name), text).unwrap();
    ProtoSchema::from_files(&[dir.join(name)], &[&dir])
        .unwrap()
        .message(message)
        .unwrap()
}

#[test]
fn oneofs_repeated_and_well_known_types_in_json() {
    let schema = schema_of("kinds.proto", KINDS, "kinds.Kinds");
    let descriptor = schema.message_descriptor().unwrap().clone();
    let written = json!({
        "number": 3,
        "packed": [1, 2],
        "took": "1.500s",
        "maybe": 7,
        "extra": {"a": 1.0, "b": [true, null]},
        "any": {"@type": "type.googleapis.com/google.protobuf.Duration", "value": "2s"}
    });
    let message = prost_reflect::DynamicMessage::deserialize(descriptor, &written).unwrap();
    let bytes = prost::Message::encode_to_vec(&message);
    assert_eq!(decode_json(&schema, &bytes).unwrap(), written);
    // Repeated scalars read alike packed or not.
    let unpacked = [0x18, 0x01, 0x18, 0x02, 0x12, 0x02, 0x03, 0x04];
    assert_eq!(
        decode_json(&schema, &unpacked).unwrap(),
        json!({"packed": [3, 4], "unpacked": [1, 2]})
    );
    let packed_where_unpacked = [0x1a, 0x02, 0x01, 0x02];
    assert_eq!(
        decode_json(&schema, &packed_where_unpacked).unwrap(),
        json!({"unpacked": [1, 2]})
    );
}

#[test]
fn proto2_defaults_and_presence() {
    let schema = schema_of("legacy.proto", LEGACY, "legacy.Legacy");
    let bytes = [0x12, 0x01, b'x'];
    let message = schema
        .dynamic()
        .decode(Payload::new(&bytes, Part::Value))
        .unwrap();
    let level = schema
        .message_descriptor()
        .unwrap()
        .get_field_by_name("level")
        .unwrap();
    assert!(!message.has_field(&level));
    assert_eq!(message.get_field(&level).as_i32(), Some(5));
    assert_eq!(canonical_json(&message), json!({"level": null, "id": "x"}));
    assert_eq!(decode_json(&schema, &bytes).unwrap(), json!({"id": "x"}));
}

#[test]
fn well_known_types_in_prost_types() {
    #[derive(Clone, PartialEq, prost::Message)]
    struct Event {
        #[prost(message, optional, tag = "1")]
        at: Option<prost_types::Timestamp>,
        #[prost(message, optional, tag = "2")]
        took: Option<prost_types::Duration>,
    }
    let bytes = [0x0a, 0x02, 0x08, 0x2a, 0x12, 0x04, 0x08, 0x01, 0x10, 0x02];
    let event = Proto::<Event>::new()
        .decode(Payload::new(&bytes, Part::Value))
        .unwrap();
    assert_eq!(
        event.at,
        Some(prost_types::Timestamp {
            seconds: 42,
            nanos: 0
        })
    );
    assert_eq!(
        event.took,
        Some(prost_types::Duration {
            seconds: 1,
            nanos: 2
        })
    );
}
