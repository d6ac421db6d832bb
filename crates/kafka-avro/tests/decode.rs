//! Decoding rules: schema evolution, edge values, bounds, and every error a user can hit.

#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a failure is the test failing"
)]
#![allow(
    clippy::needless_pass_by_value,
    reason = "values built inline for the helpers"
)]

use std::collections::HashMap;

use kafka_avro::encode::AvroEncoder;
use kafka_avro::{AvroSchemas, SchemaStore, Value};
use kafka_core::testing::Encoder as _;
use kafka_core::testing::wire::confluent;
use kafka_core::testing::{EventBuilder, RecordBuilder};
use kafka_core::{
    Codec, ErrorKind, KafkaConsumer, KafkaEvent, Part, Payload, SchemaId, WireFormat,
};
use serde::Deserialize;
use serde_json::json;

fn record(fields: &str) -> String {
    format!(r#"{{"type":"record","name":"R","namespace":"test","fields":[{fields}]}}"#)
}

fn encode(avsc: &str, value: Value) -> Vec<u8> {
    AvroEncoder::new(avsc)
        .unwrap()
        .values()
        .encode(&value)
        .unwrap()
}

fn rec(fields: Vec<(&str, Value)>) -> Value {
    Value::Record(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// Decodes `bytes` written with `writer` as JSON read through `reader`.
fn evolve(
    writer: &str,
    reader: &str,
    bytes: &[u8],
) -> Result<serde_json::Value, kafka_core::DecodeError> {
    let schemas = AvroSchemas::builder()
        .schema(writer)
        .reader_schema(reader)
        .build()
        .unwrap();
    schemas.json().decode(Payload::new(bytes, Part::Value))
}

#[test]
fn evolution_added_field_with_default() {
    let writer = record(r#"{"name":"a","type":"int"}"#);
    let reader =
        record(r#"{"name":"a","type":"int"},{"name":"b","type":"string","default":"none"}"#);
    let bytes = encode(&writer, rec(vec![("a", Value::Int(7))]));
    assert_eq!(
        evolve(&writer, &reader, &bytes).unwrap(),
        json!({"a": 7, "b": "none"})
    );
}

#[test]
fn evolution_removed_field() {
    let writer = record(r#"{"name":"a","type":"int"},{"name":"gone","type":"string"}"#);
    let reader = record(r#"{"name":"a","type":"int"}"#);
    let bytes = encode(
        &writer,
        rec(vec![
            ("a", Value::Int(7)),
            ("gone", Value::String("x".into())),
        ]),
    );
    assert_eq!(evolve(&writer, &reader, &bytes).unwrap(), json!({"a": 7}));
}

#[test]
fn evolution_numeric_promotions() {
    let cases = [
        ("int", "long", Value::Int(-5), json!(-5)),
        ("int", "float", Value::Int(3), json!(3.0)),
        ("int", "double", Value::Int(3), json!(3.0)),
        ("long", "float", Value::Long(1 << 20), json!(1_048_576.0)),
        (
            "long",
            "double",
            Value::Long(1 << 40),
            json!(1_099_511_627_776.0),
        ),
        ("float", "double", Value::Float(1.5), json!(1.5)),
    ];
    for (from, to, value, expected) in cases {
        let writer = record(&format!(r#"{{"name":"n","type":"{from}"}}"#));
        let reader = record(&format!(r#"{{"name":"n","type":"{to}"}}"#));
        let bytes = encode(&writer, rec(vec![("n", value)]));
        assert_eq!(
            evolve(&writer, &reader, &bytes).unwrap(),
            json!({ "n": expected }),
            "{from} -> {to}"
        );
    }
}

#[test]
fn evolution_string_and_bytes() {
    let text = record(r#"{"name":"s","type":"string"}"#);
    let bytes_schema = record(r#"{"name":"s","type":"bytes"}"#);
    let written = encode(&text, rec(vec![("s", Value::String("hi".into()))]));
    assert_eq!(
        evolve(&text, &bytes_schema, &written).unwrap(),
        json!({"s": "aGk="})
    );
    let written = encode(
        &bytes_schema,
        rec(vec![("s", Value::Bytes(b"hi".to_vec()))]),
    );
    assert_eq!(
        evolve(&bytes_schema, &text, &written).unwrap(),
        json!({"s": "hi"})
    );
}

#[test]
fn evolution_enum_default() {
    let writer =
        record(r#"{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B","C"]}}"#);
    let reader = record(
        r#"{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"],"default":"A"}}"#,
    );
    let bytes = encode(&writer, rec(vec![("e", Value::Enum(2, "C".into()))]));
    assert_eq!(evolve(&writer, &reader, &bytes).unwrap(), json!({"e": "A"}));
    let bytes = encode(&writer, rec(vec![("e", Value::Enum(1, "B".into()))]));
    assert_eq!(evolve(&writer, &reader, &bytes).unwrap(), json!({"e": "B"}));
}

#[test]
fn evolution_unions() {
    // A plain type read into a union holding it, and a union read into one of its types.
    let plain = record(r#"{"name":"u","type":"int"}"#);
    let union = record(r#"{"name":"u","type":["null","int"],"default":null}"#);
    let bytes = encode(&plain, rec(vec![("u", Value::Int(4))]));
    assert_eq!(evolve(&plain, &union, &bytes).unwrap(), json!({"u": 4}));
    let bytes = encode(
        &union,
        rec(vec![("u", Value::Union(1, Box::new(Value::Int(9))))]),
    );
    assert_eq!(evolve(&union, &plain, &bytes).unwrap(), json!({"u": 9}));
    // A union gaining a branch.
    let wider = record(r#"{"name":"u","type":["null","int","string"],"default":null}"#);
    let bytes = encode(
        &union,
        rec(vec![("u", Value::Union(0, Box::new(Value::Null)))]),
    );
    assert_eq!(evolve(&union, &wider, &bytes).unwrap(), json!({"u": null}));
}

#[test]
fn evolution_into_a_typed_value() {
    #[derive(Deserialize, Debug, PartialEq)]
    struct V2 {
        a: i64,
        b: String,
    }
    let writer = record(r#"{"name":"a","type":"int"},{"name":"old","type":"boolean"}"#);
    let reader =
        record(r#"{"name":"a","type":"long"},{"name":"b","type":"string","default":"new"}"#);
    let bytes = encode(
        &writer,
        rec(vec![("a", Value::Int(1)), ("old", Value::Boolean(true))]),
    );
    let schemas = AvroSchemas::builder()
        .schema(&writer)
        .reader_schema(&reader)
        .build()
        .unwrap();
    let v2: V2 = schemas
        .typed()
        .decode(Payload::new(&bytes, Part::Value))
        .unwrap();
    assert_eq!(
        v2,
        V2 {
            a: 1,
            b: "new".into()
        }
    );
}

#[test]
fn evolution_incompatible_pair_is_an_error() {
    let writer = record(r#"{"name":"a","type":"string"}"#);
    let reader = record(r#"{"name":"a","type":"int"}"#);
    let bytes = encode(&writer, rec(vec![("a", Value::String("seven".into()))]));
    let err = evolve(&writer, &reader, &bytes).unwrap_err();
    // The message names the types, never the value.
    assert_eq!(err.message(), "Expected Value::Int, got: String(…)");
    // A reader field without a default that the writer lacks.
    let reader = record(r#"{"name":"a","type":"string"},{"name":"b","type":"int"}"#);
    let err = evolve(&writer, &reader, &bytes).unwrap_err();
    assert_eq!(err.message(), "Missing field in record: \"b\"");
}

#[test]
fn writer_schema_found_by_id_in_the_store() {
    let v1 = record(r#"{"name":"a","type":"int"}"#);
    let v2 = record(r#"{"name":"a","type":"long"},{"name":"c","type":"string","default":"-"}"#);
    let store = SchemaStore::new()
        .with_schema(SchemaId::Confluent(11), v1.clone())
        .with_schema(SchemaId::Confluent(12), v2.clone());
    let schemas = AvroSchemas::builder()
        .store(store)
        .reader_schema(&v2)
        .build()
        .unwrap();
    let json = EventBuilder::msk()
        .record(
            RecordBuilder::new("t", 0, 0)
                .value(confluent(11, &encode(&v1, rec(vec![("a", Value::Int(5))])))),
        )
        .record(RecordBuilder::new("t", 0, 1).value(confluent(
            12,
            &encode(
                &v2,
                rec(vec![
                    ("a", Value::Long(6)),
                    ("c", Value::String("x".into())),
                ]),
            ),
        )))
        .record(RecordBuilder::new("t", 0, 2).value(confluent(13, &[0x02])))
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    let consumer = KafkaConsumer::new().value(schemas.json());
    let results: Vec<_> = consumer.records(&event).collect();
    assert_eq!(
        results[0].as_ref().unwrap().value,
        Some(json!({"a": 5, "c": "-"}))
    );
    assert_eq!(
        results[1].as_ref().unwrap().value,
        Some(json!({"a": 6, "c": "x"}))
    );
    // The store is what makes Auto read the header; an id it lacks is a clear error.
    let err = results[2].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Deserialization);
    let consumer = KafkaConsumer::new()
        .value(schemas.json())
        .value_wire_format(WireFormat::Confluent);
    let err = consumer.records(&event).nth(2).unwrap().unwrap_err();
    assert_eq!(
        err.to_string(),
        "topic \"t\", partition 0, offset 2, value: cannot decode as Avro: no writer schema for \
         Confluent schema id 13 in the schema store (2 schemas)"
    );
}

#[test]
fn edge_values() {
    let avsc = record(
        r#"{"name":"min","type":"long"},{"name":"max","type":"long"},{"name":"s","type":"string"},
           {"name":"list","type":{"type":"array","items":"int"}},{"name":"map","type":{"type":"map","values":"int"}},
           {"name":"maybe","type":["null","string"]},{"name":"nan","type":"double"},
           {"name":"inf","type":"double"},{"name":"ninf","type":"float"}"#,
    );
    let bytes = encode(
        &avsc,
        rec(vec![
            ("min", Value::Long(i64::MIN)),
            ("max", Value::Long(i64::MAX)),
            ("s", Value::String(String::new())),
            ("list", Value::Array(vec![])),
            ("map", Value::Map(HashMap::new())),
            ("maybe", Value::Union(0, Box::new(Value::Null))),
            ("nan", Value::Double(f64::NAN)),
            ("inf", Value::Double(f64::INFINITY)),
            ("ninf", Value::Float(f32::NEG_INFINITY)),
        ]),
    );
    let schemas = AvroSchemas::builder().schema(&avsc).build().unwrap();
    let json = schemas
        .json()
        .decode(Payload::new(&bytes, Part::Value))
        .unwrap();
    assert_eq!(
        json,
        json!({"min": i64::MIN, "max": i64::MAX, "s": "", "list": [], "map": {}, "maybe": null,
               "nan": "NaN", "inf": "Infinity", "ninf": "-Infinity"})
    );
    assert_eq!(json.to_string().matches("9223372036854775807").count(), 1);

    #[derive(Deserialize)]
    struct Edge {
        min: i64,
        max: i64,
        s: String,
        list: Vec<i32>,
        map: HashMap<String, i32>,
        maybe: Option<String>,
        nan: f64,
        inf: f64,
        ninf: f32,
    }
    let typed: Edge = schemas
        .typed()
        .decode(Payload::new(&bytes, Part::Value))
        .unwrap();
    assert_eq!((typed.min, typed.max), (i64::MIN, i64::MAX));
    assert!(
        typed.s.is_empty()
            && typed.list.is_empty()
            && typed.map.is_empty()
            && typed.maybe.is_none()
    );
    assert!(typed.nan.is_nan() && typed.inf == f64::INFINITY && typed.ninf == f32::NEG_INFINITY);
}

#[test]
fn logical_types_as_json() {
    let avsc = record(
        r#"{"name":"d","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
           {"name":"id","type":{"type":"string","logicalType":"uuid"}},
           {"name":"day","type":{"type":"int","logicalType":"date"}},
           {"name":"tm","type":{"type":"int","logicalType":"time-millis"}},
           {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
           {"name":"tu","type":{"type":"long","logicalType":"timestamp-micros"}},
           {"name":"lt","type":{"type":"long","logicalType":"local-timestamp-millis"}},
           {"name":"f","type":{"type":"fixed","name":"F","size":2}}"#,
    );
    let bytes = encode(
        &avsc,
        rec(vec![
            (
                "d",
                Value::Decimal(apache_avro::Decimal::from(vec![0xfb, 0x1e])),
            ),
            ("id", Value::Uuid(kafka_core::Uuid::from_u128(1))),
            ("day", Value::Date(19_000)),
            ("tm", Value::TimeMillis(1_000)),
            ("ts", Value::TimestampMillis(1_545_084_650_987)),
            ("tu", Value::TimestampMicros(1_545_084_650_987_001)),
            ("lt", Value::LocalTimestampMillis(5)),
            ("f", Value::Fixed(2, vec![0xff, 0x00])),
        ]),
    );
    let schemas = AvroSchemas::builder().schema(&avsc).build().unwrap();
    let json = schemas
        .json()
        .decode(Payload::new(&bytes, Part::Value))
        .unwrap();
    assert_eq!(
        json,
        json!({"d": "-12.50", "id": "00000000-0000-0000-0000-000000000001", "day": 19000, "tm": 1000,
               "ts": 1_545_084_650_987_i64, "tu": 1_545_084_650_987_001_i64, "lt": 5, "f": "/wA="})
    );
}

#[test]
fn truncated_datum_enum_out_of_range_and_trailing_bytes() {
    let avsc = record(
        r#"{"name":"s","type":"string"},{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}}"#,
    );
    let schemas = AvroSchemas::builder().schema(&avsc).build().unwrap();
    let codec = schemas.json();
    let good = encode(
        &avsc,
        rec(vec![
            ("s", Value::String("abc".into())),
            ("e", Value::Enum(1, "B".into())),
        ]),
    );
    assert_eq!(
        codec.decode(Payload::new(&good, Part::Value)).unwrap(),
        json!({"s": "abc", "e": "B"})
    );

    let truncated = &good[..2];
    assert!(codec.decode(Payload::new(truncated, Part::Value)).is_err());

    let out_of_range = [0x02, b'x', 0x0a]; // enum index 5
    let err = codec
        .decode(Payload::new(&out_of_range, Part::Value))
        .unwrap_err();
    assert!(err.message().contains('5'), "{err}");

    let mut trailing = good.clone();
    trailing.push(0x00);
    let err = codec
        .decode(Payload::new(&trailing, Part::Value))
        .unwrap_err();
    assert_eq!(
        err.message(),
        "1 bytes left after the datum (6 in all): the payload was not written with this schema"
    );
    let lenient = AvroSchemas::builder()
        .schema(&avsc)
        .allow_trailing_bytes(true)
        .build()
        .unwrap();
    assert_eq!(
        lenient
            .json()
            .decode(Payload::new(&trailing, Part::Value))
            .unwrap(),
        json!({"s": "abc", "e": "B"})
    );
    #[derive(Deserialize)]
    struct Typed {
        s: String,
    }
    let typed: Typed = lenient
        .typed()
        .decode(Payload::new(&trailing, Part::Value))
        .unwrap();
    assert_eq!(typed.s, "abc");
    assert!(
        schemas
            .typed::<Typed>()
            .decode(Payload::new(&trailing, Part::Value))
            .is_err()
    );
}

#[test]
fn corrupt_length_prefix_is_bounded() {
    // A string claiming 512 MiB, then a few bytes.
    let corrupt = [
        0x80, 0x80, 0x80, 0x80, 0x04, b'a', b'a', b'a', b'a', b'a', b'a', b'a', b'a',
    ];
    let schemas = AvroSchemas::builder()
        .schema(r#""string""#)
        .build()
        .unwrap();
    // apache-avro's generic reader checks lengths against its allocation bound; the
    // direct reader (JSON and typed output) against the bytes left.
    let err = schemas
        .generic()
        .decode(Payload::new(&corrupt, Part::Value))
        .unwrap_err();
    assert_eq!(
        err.message(),
        "a length read from the payload is above the allocation bound of 16777216 bytes"
    );
    let err = schemas
        .json()
        .decode(Payload::new(&corrupt, Part::Value))
        .unwrap_err();
    assert_eq!(err.message(), "a string is longer than the 8 bytes left");
    assert!(
        schemas
            .typed::<String>()
            .decode(Payload::new(&corrupt, Part::Value))
            .is_err()
    );
    let map = AvroSchemas::builder()
        .schema(r#"{"type":"map","values":"null"}"#)
        .build()
        .unwrap();
    let huge_map = [0xfe, 0xff, 0xff, 0xff, 0x0f];
    assert!(
        map.generic()
            .decode(Payload::new(&huge_map, Part::Value))
            .is_err()
    );
}

#[test]
fn build_errors() {
    let err = AvroSchemas::builder().build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingSchema);
    assert_eq!(
        err.to_string(),
        "a payload decoded as Avro needs a schema, and none was given"
    );

    let err = AvroSchemas::builder()
        .schema(r#"{"type":"record","name":"R","fields":[{"name":"a","type":"strng"}]}"#)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SchemaParse);
    assert!(
        err.to_string()
            .starts_with("cannot parse the Avro schema: schema: "),
        "{err}"
    );
    assert!(err.to_string().contains("strng"), "{err}");
    // The Avro crate's own error is the source.
    let source = std::error::Error::source(&err).unwrap();
    let avro = source
        .downcast_ref::<kafka_avro::AvroSchemaError>()
        .unwrap();
    assert!(avro.reason().starts_with("schema: "), "{avro}");

    let err = AvroSchemas::builder().schema("{").build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SchemaParse);

    let err = AvroSchemas::builder()
        .schema_file("/nonexistent/order.avsc")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration);
    assert_eq!(
        err.to_string(),
        "configuration: cannot read /nonexistent/order.avsc: No such file or directory (os error 2)"
    );

    let store = SchemaStore::new().with_schema(SchemaId::Confluent(3), "[");
    let err = AvroSchemas::builder().store(store).build().unwrap_err();
    assert!(
        err.to_string()
            .starts_with("cannot parse the Avro schema: writer schema of Confluent schema id 3: "),
        "{err}"
    );

    let err = SchemaStore::from_dir("/nonexistent").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration);
}

#[test]
fn allocation_bound_is_process_wide() {
    // The default is fixed by the first codec of the process; asking for less later fails.
    AvroSchemas::builder()
        .schema(r#""string""#)
        .build()
        .unwrap();
    let err = AvroSchemas::builder()
        .schema(r#""string""#)
        .max_allocation_bytes(1 << 20)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration);
    assert_eq!(
        err.to_string(),
        "configuration: apache-avro's allocation bound is already 16777216 bytes in this process, above the 1048576 asked for"
    );
    assert!(
        AvroSchemas::builder()
            .schema(r#""string""#)
            .max_allocation_bytes(64 << 20)
            .build()
            .is_ok()
    );
}

#[test]
fn named_types_from_separate_schemas() {
    let address = r#"{"type":"record","name":"Address","namespace":"shop","fields":[{"name":"city","type":"string"}]}"#;
    let customer = r#"{"type":"record","name":"Customer","namespace":"shop","fields":[{"name":"home","type":"Address"},{"name":"work","type":["null","Address"]}]}"#;
    let encoder = AvroEncoder::with_references(customer, &[address]).unwrap();
    let bytes = encoder
        .values()
        .encode(&rec(vec![
            ("home", rec(vec![("city", Value::String("Oslo".into()))])),
            (
                "work",
                Value::Union(
                    1,
                    Box::new(rec(vec![("city", Value::String("Bergen".into()))])),
                ),
            ),
        ]))
        .unwrap();
    let schemas = AvroSchemas::builder()
        .schema(customer)
        .references([address])
        .build()
        .unwrap();
    let json = schemas
        .json()
        .decode(Payload::new(&bytes, Part::Value))
        .unwrap();
    assert_eq!(
        json,
        json!({"home": {"city": "Oslo"}, "work": {"city": "Bergen"}})
    );
}

#[test]
fn schema_dir_store() {
    let dir = std::env::temp_dir().join(format!("kafka-avro-store-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("7.avsc"), r#""int""#).unwrap();
    std::fs::write(
        dir.join("5a4b1e2c-0d3f-4a5b-8c7d-9e0f1a2b3c4d.avsc"),
        r#""string""#,
    )
    .unwrap();
    std::fs::write(dir.join("README.txt"), "not a schema").unwrap();
    let store = SchemaStore::from_dir(&dir).unwrap();
    // The UUID names a Glue schema version or a Confluent schema GUID.
    let uuid = kafka_core::Uuid::parse_str("5a4b1e2c-0d3f-4a5b-8c7d-9e0f1a2b3c4d").unwrap();
    assert_eq!(store.len(), 3);
    assert!(store.contains(&SchemaId::Confluent(7)));
    assert!(store.contains(&SchemaId::Glue(uuid)));
    assert!(store.contains(&SchemaId::ConfluentGuid(uuid)));
    std::fs::write(dir.join("orders.avsc"), r#""int""#).unwrap();
    let err = SchemaStore::from_dir(&dir).unwrap_err();
    assert!(err.to_string().ends_with("orders.avsc: a schema file is named by its registry id (digits or a UUID), as in 12.avsc"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn enum_symbols_read_as_text_and_as_rust_enums() {
    #[derive(Deserialize, Debug, PartialEq)]
    enum Colour {
        #[serde(rename = "RED")]
        Red,
        #[serde(rename = "GREEN")]
        Green,
    }
    #[derive(Deserialize, Debug, PartialEq)]
    struct AsText {
        colour: String,
        maybe: Option<String>,
    }
    #[derive(Deserialize, Debug, PartialEq)]
    struct AsEnum {
        colour: Colour,
    }
    let avsc = record(
        r#"{"name":"colour","type":{"type":"enum","name":"Colour","symbols":["RED","GREEN"]}},
           {"name":"maybe","type":["null","string"]}"#,
    );
    let bytes = encode(
        &avsc,
        rec(vec![
            ("colour", Value::Enum(1, "GREEN".into())),
            (
                "maybe",
                Value::Union(1, Box::new(Value::String("x".into()))),
            ),
        ]),
    );
    let schemas = AvroSchemas::builder().schema(&avsc).build().unwrap();
    let text: AsText = schemas
        .typed()
        .decode(Payload::new(&bytes, Part::Value))
        .unwrap();
    assert_eq!(
        text,
        AsText {
            colour: "GREEN".into(),
            maybe: Some("x".into())
        }
    );
    let typed: AsEnum = schemas
        .typed()
        .decode(Payload::new(&bytes, Part::Value))
        .unwrap();
    assert_eq!(
        typed,
        AsEnum {
            colour: Colour::Green
        }
    );
}

#[test]
fn framed_bytes_under_auto_say_which_wire_format_reads_them() {
    let avsc = record(r#"{"name":"a","type":"string"},{"name":"n","type":"long"}"#);
    let datum = encode(
        &avsc,
        rec(vec![
            ("a", Value::String("x".into())),
            ("n", Value::Long(5)),
        ]),
    );
    let version = kafka_core::Uuid::from_u128(0x5a4b_1e2c_0d3f_4a5b_8c7d_9e0f_1a2b_3c4d);
    let glue = kafka_core::testing::wire::glue(version, &datum, kafka_core::Compression::None);
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("orders", 0, 1).value(glue))
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    // The codec knows no schema ids, so under auto the header is read as data.
    let consumer =
        KafkaConsumer::new().value(AvroSchemas::builder().schema(&avsc).build().unwrap().json());
    let err = consumer.records(&event).next().unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Deserialization);
    assert!(
        err.to_string().ends_with(
            "; the bytes begin like an AWS Glue header (schema version 5a4b1e2c-0d3f-4a5b-8c7d-9e0f1a2b3c4d), \
             which this codec does not know: if the payloads are framed, set the wire format to glue"
        ),
        "{err}"
    );
    // Set so, the record decodes.
    let consumer = consumer.value_wire_format(WireFormat::Glue);
    let decoded = consumer.records(&event).next().unwrap().unwrap();
    assert_eq!(decoded.value, Some(json!({"a": "x", "n": 5})));

    // A Confluent header with a small id gets the same words; a datum that merely starts
    // with one zero byte does not.
    let framed = confluent(7, &datum);
    let codec = AvroSchemas::builder()
        .schema(&avsc)
        .build()
        .unwrap()
        .typed::<serde_json::Value>();
    let err = codec
        .decode(Payload::new(&framed, Part::Value))
        .unwrap_err();
    assert!(
        err.message().ends_with("set the wire format to confluent"),
        "{err}"
    );
    let zero_first = encode(
        &record(r#"{"name":"n","type":"long"},{"name":"a","type":"string"}"#),
        rec(vec![
            ("n", Value::Long(0)),
            ("a", Value::String("x".into())),
        ]),
    );
    let err = codec
        .decode(Payload::new(&zero_first, Part::Value))
        .unwrap_err();
    assert!(!err.message().contains("header"), "{err}");
}
