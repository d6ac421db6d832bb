//! The bad-input matrix: malformed envelopes, framings and payloads of every codec.
//!
//! Each record case puts one bad record between two good ones of the same partition and
//! checks that:
//! - the bad record fails with the expected kind of error, naming its topic, partition,
//!   offset and part (key or value), with a message that says what was wrong;
//! - the message never quotes the payload (every bad payload carries a marker that must
//!   not appear);
//! - the good records around it still decode;
//! - nothing panics.
//!
//! Each event case is an input that is not a Kafka event at all.

#![cfg(all(
    feature = "json",
    feature = "avro",
    feature = "protobuf-dynamic",
    feature = "testing"
))]
#![allow(
    clippy::unwrap_used,
    reason = "fixtures of the test: a failure is the test failing"
)]

use std::io::Write as _;
use std::sync::LazyLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use kafka_vectors::{AvroOrder, Order, proto};
use lambda_kafka::avro::{AvroSchemas, SchemaStore};
use lambda_kafka::event::{Compression, Uuid};
use lambda_kafka::json::Json;
use lambda_kafka::protobuf::Proto;
use lambda_kafka::protobuf::dynamic::ProtoSchema;
use lambda_kafka::testing::{Encoder as _, EventBuilder, RecordBuilder, wire};
use lambda_kafka::{
    KafkaConsumer, KafkaEvent, RecordError,
    codec::{Codec, Utf8},
    error::ErrorKind,
    event::{Part, SchemaId, WireFormat},
};
use serde_json::{Value, json};

/// In every bad payload; must never appear in an error message.
const MARKER: &str = "P4YL0AD";

const TOPIC: &str = "orders";
const PARTITION: i32 = 3;
const BAD_OFFSET: i64 = 11;

const SCHEMAS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../testdata/vectors/schemas"
);
const GLUE_VERSION: &str = "5a4b1e2c-0d3f-4a5b-8c7d-9e0f1a2b3c4d";

fn order_avsc() -> String {
    kafka_vectors::schema("order.avsc")
}

fn json_order() -> Vec<u8> {
    serde_json::to_vec(&Order::sample()).unwrap()
}

fn avro_order() -> Vec<u8> {
    lambda_kafka::avro::encode::AvroEncoder::new(&order_avsc())
        .unwrap()
        .encode(&AvroOrder::from(Order::sample()))
        .unwrap()
}

fn proto_order() -> Vec<u8> {
    prost::Message::encode_to_vec(&proto::Order::from(Order::sample()))
}

static AVRO: LazyLock<AvroSchemas> = LazyLock::new(|| {
    let avsc = order_avsc();
    AvroSchemas::builder()
        .schema(&avsc)
        .store(
            SchemaStore::new()
                .with_schema(SchemaId::Confluent(1), &avsc)
                .with_schema(SchemaId::from_metadata(GLUE_VERSION).unwrap(), &avsc),
        )
        .build()
        .unwrap()
});

static PROTO: LazyLock<ProtoSchema> = LazyLock::new(|| {
    let file = format!("{SCHEMAS}/order.proto");
    ProtoSchema::from_files(&[file], &[SCHEMAS]).unwrap()
});

/// Which consumer reads the batch.
#[derive(Debug, Clone, Copy)]
enum Reader {
    /// Text keys, `Json<Order>` values.
    Json,
    /// Text keys, `Json<serde_json::Value>` values.
    JsonValue,
    /// `Json<Order>` values in Confluent framing, required.
    JsonConfluent,
    /// Text keys and values.
    Text,
    /// Typed Avro orders, wire format detected, schema ids 1 and a Glue version known.
    Avro,
    /// Typed Avro orders, Confluent framing required.
    AvroConfluent,
    /// Avro orders as JSON, Glue framing required, inflating at most 64 KiB.
    AvroGlue,
    /// Prost orders.
    Prost,
    /// Dynamic Protobuf as JSON, the message from the Confluent framing.
    ProtoFramed,
}

impl Reader {
    /// A good value for this reader.
    fn good(self) -> Vec<u8> {
        match self {
            Self::Json | Self::JsonValue | Self::Text => json_order(),
            Self::JsonConfluent => wire::confluent(1, &json_order()),
            Self::Avro | Self::AvroConfluent => wire::confluent(1, &avro_order()),
            Self::AvroGlue => wire::glue(
                Uuid::parse_str(GLUE_VERSION).unwrap(),
                &avro_order(),
                Compression::Zlib,
            ),
            Self::Prost => proto_order(),
            Self::ProtoFramed => wire::confluent_protobuf(1, &[0], &proto_order()),
        }
    }

    /// Every record's result: `Ok` with the decoded value as JSON, or the error.
    fn decode(self, event: &KafkaEvent<'_>) -> Vec<Result<Value, RecordError>> {
        fn all<V: Codec>(
            consumer: &KafkaConsumer<Utf8, V>,
            event: &KafkaEvent<'_>,
        ) -> Vec<Result<Value, RecordError>>
        where
            V::Output: std::fmt::Debug,
        {
            consumer
                .records(event)
                .map(|r| r.map(|r| Value::String(format!("{:?}", r.value))))
                .collect()
        }
        let consumer = KafkaConsumer::new().key(Utf8);
        match self {
            Self::Json => all(&consumer.value(Json::<Order>::new()), event),
            Self::JsonValue => all(&consumer.value(Json::<Value>::new()), event),
            Self::JsonConfluent => all(
                &consumer
                    .value(Json::<Order>::new())
                    .value_wire_format(WireFormat::Confluent),
                event,
            ),
            Self::Text => all(&consumer.value(Utf8), event),
            Self::Avro => all(&consumer.value(AVRO.typed::<AvroOrder>()), event),
            Self::AvroConfluent => all(
                &consumer
                    .value(AVRO.typed::<AvroOrder>())
                    .value_wire_format(WireFormat::Confluent),
                event,
            ),
            Self::AvroGlue => all(
                &consumer
                    .value(AVRO.json())
                    .value_wire_format(WireFormat::Glue)
                    .max_decompressed_size(64 * 1024),
                event,
            ),
            Self::Prost => all(&consumer.value(Proto::<proto::Order>::new()), event),
            Self::ProtoFramed => all(
                &consumer
                    .value(PROTO.json())
                    .value_wire_format(WireFormat::Confluent),
                event,
            ),
        }
    }
}

/// Turns the JSON object of a good record into a bad one.
type Spoil = dyn Fn(&mut serde_json::Map<String, Value>);

/// One malformed record.
struct Case {
    name: &'static str,
    reader: Reader,
    /// Turns the JSON object of a good record into the bad one.
    spoil: Box<Spoil>,
    kind: ErrorKind,
    part: Option<Part>,
    /// A piece of the expected message.
    says: &'static str,
}

fn case(
    name: &'static str,
    reader: Reader,
    spoil: impl Fn(&mut serde_json::Map<String, Value>) + 'static,
    kind: ErrorKind,
    part: Option<Part>,
    says: &'static str,
) -> Case {
    Case {
        name,
        reader,
        spoil: Box::new(spoil),
        kind,
        part,
        says,
    }
}

/// Sets the value's bytes.
fn value(bytes: impl AsRef<[u8]>) -> impl Fn(&mut serde_json::Map<String, Value>) {
    let text = STANDARD.encode(bytes);
    move |record| {
        record.insert("value".into(), Value::String(text.clone()));
    }
}

/// Sets the key's bytes.
fn key(bytes: impl AsRef<[u8]>) -> impl Fn(&mut serde_json::Map<String, Value>) {
    let text = STANDARD.encode(bytes);
    move |record| {
        record.insert("key".into(), Value::String(text.clone()));
    }
}

/// Sets a field of the record to a JSON value.
fn field(name: &'static str, to: Value) -> impl Fn(&mut serde_json::Map<String, Value>) {
    move |record| {
        record.insert(name.into(), to.clone());
    }
}

/// Sets the value's bytes and its schema metadata.
fn value_with_metadata(
    bytes: impl AsRef<[u8]>,
    data_format: &'static str,
    schema_id: Option<&'static str>,
) -> impl Fn(&mut serde_json::Map<String, Value>) {
    let set = value(bytes);
    move |record| {
        set(record);
        let mut metadata = json!({ "dataFormat": data_format });
        if let Some(id) = schema_id {
            metadata["schemaId"] = json!(id);
        }
        record.insert("valueSchemaMetadata".into(), metadata);
    }
}

fn marked(bytes: &[u8]) -> Vec<u8> {
    [bytes, MARKER.as_bytes()].concat()
}

fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[allow(clippy::too_many_lines, reason = "one table")]
#[rustfmt::skip]
fn cases() -> Vec<Case> {
    use ErrorKind::{Deserialization, FormatMismatch, InvalidRecord, WireFormat as Wire};
    use Reader::{Avro, AvroConfluent, AvroGlue, Json, JsonConfluent, JsonValue, Prost, ProtoFramed, Text};
    let (key_part, value_part) = (Some(Part::Key), Some(Part::Value));
    let glue_version = Uuid::parse_str(GLUE_VERSION).unwrap();
    let avro = avro_order();
    let mut avro_trailing = avro.clone();
    avro_trailing.extend(marked(b""));
    let mut bomb = vec![3, 5];
    bomb.extend(glue_version.as_bytes());
    bomb.extend(zlib(&vec![b'P'; 16 << 20]));
    let mut corrupt_zlib = vec![3, 5];
    corrupt_zlib.extend(glue_version.as_bytes());
    corrupt_zlib.extend(marked(&[0x78, 0x9c, 0xff, 0xff]));
    let mut wrong_glue_version = vec![4, 0];
    wrong_glue_version.extend(glue_version.as_bytes());
    wrong_glue_version.extend(&avro);
    let deep_json = format!("{}{MARKER}", "[".repeat(10_000));
    let mut deep_groups = vec![0x7b; 200]; // start group, field 15, nested 200 deep
    deep_groups.extend(MARKER.as_bytes());
    let huge_length = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01];
    vec![
        // The envelope, record by record.
        case("value is not base64", Json, field("value", json!("!!P4YL0AD!!")), InvalidRecord, value_part, "base64"),
        case("key is not base64", Json, field("key", json!("P4YL0AD==!")), InvalidRecord, key_part, "base64"),
        case("value is a number", Json, field("value", json!(5)), InvalidRecord, value_part, "value"),
        case("key is an object", Json, field("key", json!({"k": MARKER})), InvalidRecord, key_part, "key"),
        case("timestamp is text", Json, field("timestamp", json!(MARKER)), InvalidRecord, None, "timestamp"),
        case("timestamp is fractional", Json, field("timestamp", json!(1.5)), InvalidRecord, None, "timestamp"),
        case("header byte above 255", Json, field("headers", json!([{"h": [300]}])), InvalidRecord, None, "header"),
        case("headers are text", Json, field("headers", json!(MARKER)), InvalidRecord, None, "header"),
        case("schema metadata is text", Json, field("valueSchemaMetadata", json!(MARKER)), InvalidRecord, value_part, "valueSchemaMetadata is text, not an object"),
        case("schema id is a list", Json, field("keySchemaMetadata", json!({"dataFormat": "JSON", "schemaId": [MARKER]})), InvalidRecord, key_part, "keySchemaMetadata.schemaId is neither text nor a number"),
        // Text.
        case("key is not UTF-8", Json, key(marked(&[0xff, 0xfe])), Deserialization, key_part, "invalid UTF-8"),
        case("text value is not UTF-8", Text, value(marked(&[b'a', 0xc3])), Deserialization, value_part, "invalid UTF-8"),
        // JSON.
        case("JSON: not JSON", Json, value(marked(b"<xml>")), Deserialization, value_part, "expected value"),
        case("JSON: empty payload", Json, value(b""), Deserialization, value_part, "empty"),
        case("JSON: truncated", Json, value(marked(b"{\"order_id\":\"")), Deserialization, value_part, "EOF"),
        case("JSON: not UTF-8", Json, value(marked(b"{\"order_id\":\"\xff\"}")), Deserialization, value_part, "UTF-8"),
        case("JSON: missing field", Json, value(format!("{{\"order_id\":\"{MARKER}\"}}")), Deserialization, value_part, "missing field"),
        case("JSON: wrong type", Json, value(format!("{{\"order_id\":5,\"note\":\"{MARKER}\"}}")), Deserialization, value_part, "invalid type"),
        case("JSON: text where a number is", Json, value(format!("{{\"customer_id\":\"{MARKER}\"}}")), Deserialization, value_part, "invalid type: string"),
        case("JSON: trailing characters", Json, value([json_order(), marked(b" ")].concat()), Deserialization, value_part, "trailing characters"),
        case("JSON: number too large", Json, value(format!("{{\"customer_id\":1{},\"note\":\"{MARKER}\"}}", "0".repeat(400))), Deserialization, value_part, "number"),
        case("JSON: nested 10,000 deep", JsonValue, value(deep_json), Deserialization, value_part, "recursion limit"),
        // (JSON text labelled AVRO is what the JSON record format sends, and decodes.)
        case("JSON: metadata says Avro", Json, value_with_metadata(marked(&avro), "AVRO", None), FormatMismatch, value_part, "says AVRO"),
        // The schema id is metadata, not payload: the message quotes it.
        case("JSON: schema id is not an id", Json, value_with_metadata(json_order(), "JSON", Some("v1-orders")), Wire, value_part, "schemaId \"v1-orders\" in the metadata is neither"),
        // Confluent framing.
        case("Confluent: truncated header", JsonConfluent, value([0, 0, 0]), Wire, value_part, "found only 3 bytes"),
        case("Confluent: wrong magic byte", JsonConfluent, value(marked(b"{")), Wire, value_part, "magic byte"),
        case("Confluent: unknown schema id", AvroConfluent, value(wire::confluent(99, &avro)), Deserialization, value_part, "no writer schema for Confluent schema id 99"),
        // Avro.
        case("Avro: truncated datum", Avro, value(wire::confluent(1, &avro[..10])), Deserialization, value_part, "ends inside"),
        case("Avro: huge length prefix", Avro, value(wire::confluent(1, &marked(&huge_length))), Deserialization, value_part, "longer than"),
        case("Avro: another schema's datum", Avro, value(wire::confluent(1, &marked(&[0x02]))), Deserialization, value_part, "longer than"),
        case("Avro: trailing bytes", Avro, value(wire::confluent(1, &avro_trailing)), Deserialization, value_part, "7 bytes left after the datum"),
        case("Avro: unknown Glue schema version", Avro, value_with_metadata(marked(&avro), "AVRO", Some("00000000-0000-4000-8000-000000000000")), Deserialization, value_part, "Glue schema version 00000000-0000-4000-8000-000000000000"),
        case("Avro: metadata says Protobuf", Avro, value_with_metadata(avro.clone(), "PROTOBUF", None), FormatMismatch, value_part, "says PROTOBUF"),
        // Glue framing.
        case("Glue: zlib bomb", AvroGlue, value(bomb), Wire, value_part, "65536"),
        case("Glue: corrupt zlib stream", AvroGlue, value(corrupt_zlib), Wire, value_part, "zlib"),
        case("Glue: unknown header version", AvroGlue, value(wrong_glue_version), Wire, value_part, "version"),
        case("Glue: truncated header", AvroGlue, value([3, 0, 1, 2]), Wire, value_part, "18 bytes"),
        case("Glue: unknown compression byte", AvroGlue, value([&[3u8, 9][..], glue_version.as_bytes(), &avro].concat()), Wire, value_part, "compression"),
        // Protobuf.
        case("Protobuf: invalid wire type", Prost, value(marked(&[0x0f])), Deserialization, value_part, "invalid wire type"),
        case("Protobuf: truncated varint", Prost, value([0x10, 0xff]), Deserialization, value_part, "Order.customer_id: invalid varint"),
        case("Protobuf: length beyond the payload", Prost, value(marked(&[0x0a, 0xff, 0xff, 0x03])), Deserialization, value_part, "buffer underflow"),
        case("Protobuf: string not UTF-8", Prost, value(marked(&[0x0a, 0x02, 0xff, 0xfe])), Deserialization, value_part, "UTF-8"),
        case("Protobuf: groups nested 200 deep", Prost, value(deep_groups), Deserialization, value_part, "recursion limit"),
        case("Protobuf: message index path names no message", ProtoFramed, value(wire::confluent_protobuf(1, &[9], &marked(b""))), Deserialization, value_part, "[9]"),
        case("Protobuf: message index count too large", ProtoFramed, value(marked(&[0, 0, 0, 0, 1, 0xfe, 0xff, 0xff, 0xff, 0x0f])), Wire, value_part, "message-index count 2147483647 is above the limit of 64"),
        case("Protobuf: message index path truncated", ProtoFramed, value([0, 0, 0, 0, 1, 0x04, 0x02]), Wire, value_part, "message index"),
        case("Protobuf: valid framing, wrong bytes", ProtoFramed, value(wire::confluent_protobuf(1, &[0], &marked(&[0x0f]))), Deserialization, value_part, "wire type"),
    ]
}

/// The event of a case: good, bad, good, at offsets 10, 11, 12 of one partition.
fn event_of(case: &Case) -> String {
    let good = case.reader.good();
    let record = |offset| {
        RecordBuilder::new(TOPIC, PARTITION, offset)
            .key(format!("customer-{offset}"))
            .value(&good)
            .header("correlation-id", "c")
    };
    let mut event = EventBuilder::msk()
        .record(record(BAD_OFFSET - 1))
        .record(record(BAD_OFFSET))
        .record(record(BAD_OFFSET + 1))
        .to_value();
    let group = event["records"][format!("{TOPIC}-{PARTITION}")]
        .as_array_mut()
        .unwrap();
    (case.spoil)(group[1].as_object_mut().unwrap());
    serde_json::to_string(&event).unwrap()
}

#[test]
fn every_bad_record_fails_alone_with_its_coordinates() {
    let cases = cases();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let mut problems = Vec::new();
    for case in &cases {
        let text = event_of(case);
        let event = KafkaEvent::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: the event does not parse: {e}", case.name));
        let results = case.reader.decode(&event);
        assert_eq!(results.len(), 3, "{}", case.name);
        for (i, result) in results.iter().enumerate() {
            if i != 1 && result.is_err() {
                problems.push(format!(
                    "{}: the good record {i} failed: {}",
                    case.name,
                    result.as_ref().unwrap_err()
                ));
            }
        }
        let err = match &results[1] {
            Ok(value) => {
                problems.push(format!("{}: decoded as {value}", case.name));
                continue;
            }
            Err(err) => err,
        };
        let message = err.to_string();
        let mut wrong = Vec::new();
        if err.kind() != case.kind {
            wrong.push(format!("kind {} (expected {})", err.kind(), case.kind));
        }
        let record = err.record();
        if (record.topic.as_str(), record.partition, record.offset)
            != (TOPIC, PARTITION, BAD_OFFSET)
        {
            wrong.push(format!("coordinates {record:?}"));
        }
        if err.part() != case.part {
            wrong.push(format!("part {:?} (expected {:?})", err.part(), case.part));
        }
        if !message.starts_with(&format!(
            "topic \"{TOPIC}\", partition {PARTITION}, offset {BAD_OFFSET}"
        )) {
            wrong.push("the message does not start with the coordinates".into());
        }
        if !message.contains(case.says) {
            wrong.push(format!("the message does not say {:?}", case.says));
        }
        if message.contains(MARKER) || format!("{err:?}").contains(MARKER) {
            wrong.push("the message quotes the payload".into());
        }
        if !wrong.is_empty() {
            problems.push(format!("{}: {} in: {message}", case.name, wrong.join(", ")));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn inputs_that_are_not_events_fail_as_invalid_events() {
    let deep = "[".repeat(100_000);
    let inputs: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("not JSON", marked(b"<event>")),
        ("not UTF-8", marked(b"{\"records\":{\"t-0\":[]}}\xff")),
        (
            "records is a number",
            br#"{"eventSource":"aws:kafka","records":5}"#.to_vec(),
        ),
        ("no records", br#"{"eventSource":"aws:kafka"}"#.to_vec()),
        (
            "a record without an offset",
            br#"{"records":{"t-0":[{"topic":"t","partition":0,"timestamp":1,"value":"YQ=="}]}}"#
                .to_vec(),
        ),
        ("nested 100,000 deep", deep.into_bytes()),
        (
            "truncated",
            br#"{"eventSource":"aws:kafka","records":{"t-0":[{"topic":"#.to_vec(),
        ),
    ];
    for (name, input) in inputs {
        let err = KafkaEvent::from_slice(&input).expect_err(name);
        assert_eq!(err.kind(), ErrorKind::InvalidEvent, "{name}: {err}");
        assert!(err.record().is_none(), "{name}");
        let message = err.to_string();
        assert!(
            message.starts_with("not a Lambda Kafka event: "),
            "{name}: {message}"
        );
        assert!(!message.contains(MARKER), "{name}: {message}");
    }
}
