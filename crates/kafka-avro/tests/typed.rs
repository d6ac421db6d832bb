//! Typed decoding: every Avro type into serde types, the bounds on lengths, block counts
//! and nesting, and agreement with apache-avro's own serde reader on valid and on
//! arbitrary payloads.

#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a failure is the test failing"
)]

use std::collections::{BTreeMap, HashMap};

use apache_avro::reader::datum::GenericDatumReader;
use kafka_avro::encode::AvroEncoder;
use kafka_avro::{AvroSchemas, Value};
use kafka_core::testing::Encoder as _;
use kafka_core::{Codec, Part, Payload};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};

fn record(fields: &str) -> String {
    format!(r#"{{"type":"record","name":"R","namespace":"test","fields":[{fields}]}}"#)
}

fn encode(avsc: &str, value: &Value) -> Vec<u8> {
    AvroEncoder::new(avsc)
        .unwrap()
        .values()
        .encode(value)
        .unwrap()
}

fn rec(fields: Vec<(&str, Value)>) -> Value {
    Value::Record(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

fn typed<T: serde::de::DeserializeOwned>(avsc: &str, bytes: &[u8]) -> Result<T, String> {
    let schemas = AvroSchemas::builder().schema(avsc).build().unwrap();
    schemas
        .typed::<T>()
        .decode(Payload::new(bytes, Part::Value))
        .map_err(|e| e.message().to_owned())
}

#[derive(Debug, PartialEq, Deserialize)]
enum Colour {
    Red,
    Green,
}

/// Named unlike the schema's record, and with fields in another order.
#[derive(Debug, PartialEq, Deserialize)]
struct Everything {
    map: HashMap<String, i64>,
    null: (),
    boolean: bool,
    int: i32,
    long: i64,
    float: f32,
    double: f64,
    #[serde(with = "serde_bytes")]
    bytes: Vec<u8>,
    fixed: Vec<u8>,
    string: String,
    colour: Colour,
    colour_text: String,
    array: Vec<i32>,
    optional: Option<String>,
    absent: Option<String>,
    millis: i64,
    date: i32,
    nested: Inner,
}

#[derive(Debug, PartialEq, Deserialize)]
struct Inner {
    name: String,
}

#[test]
fn every_type_into_serde_types() {
    let avsc = record(
        r#"{"name":"null","type":"null"},
        {"name":"boolean","type":"boolean"},
        {"name":"int","type":"int"},
        {"name":"long","type":"long"},
        {"name":"float","type":"float"},
        {"name":"double","type":"double"},
        {"name":"bytes","type":"bytes"},
        {"name":"fixed","type":{"type":"fixed","name":"F","size":3}},
        {"name":"string","type":"string"},
        {"name":"colour","type":{"type":"enum","name":"C","symbols":["Red","Green"]}},
        {"name":"colour_text","type":"C"},
        {"name":"array","type":{"type":"array","items":"int"}},
        {"name":"map","type":{"type":"map","values":"long"}},
        {"name":"optional","type":["null","string"]},
        {"name":"absent","type":["null","string"]},
        {"name":"millis","type":{"type":"long","logicalType":"timestamp-millis"}},
        {"name":"date","type":{"type":"int","logicalType":"date"}},
        {"name":"nested","type":{"type":"record","name":"Nested","fields":[{"name":"name","type":"string"}]}},
        {"name":"unread","type":{"type":"array","items":"string"}}"#,
    );
    let value = rec(vec![
        ("null", Value::Null),
        ("boolean", Value::Boolean(true)),
        ("int", Value::Int(-7)),
        ("long", Value::Long(1 << 40)),
        ("float", Value::Float(1.5)),
        ("double", Value::Double(-2.25)),
        ("bytes", Value::Bytes(vec![0, 255])),
        ("fixed", Value::Fixed(3, vec![1, 2, 3])),
        ("string", Value::String("Zoë".into())),
        ("colour", Value::Enum(1, "Green".into())),
        ("colour_text", Value::Enum(0, "Red".into())),
        ("array", Value::Array(vec![Value::Int(1), Value::Int(2)])),
        (
            "map",
            Value::Map(HashMap::from([("k".to_owned(), Value::Long(9))])),
        ),
        (
            "optional",
            Value::Union(1, Box::new(Value::String("yes".into()))),
        ),
        ("absent", Value::Union(0, Box::new(Value::Null))),
        ("millis", Value::TimestampMillis(1_700_000_000_123)),
        ("date", Value::Date(19_000)),
        ("nested", rec(vec![("name", Value::String("in".into()))])),
        (
            "unread",
            Value::Array(vec![Value::String("skipped".into())]),
        ),
    ]);
    let bytes = encode(&avsc, &value);
    let decoded: Everything = typed(&avsc, &bytes).unwrap();
    assert_eq!(
        decoded,
        Everything {
            map: HashMap::from([("k".to_owned(), 9)]),
            null: (),
            boolean: true,
            int: -7,
            long: 1 << 40,
            float: 1.5,
            double: -2.25,
            bytes: vec![0, 255],
            fixed: vec![1, 2, 3],
            string: "Zoë".into(),
            colour: Colour::Green,
            colour_text: "Red".into(),
            array: vec![1, 2],
            optional: Some("yes".into()),
            absent: None,
            millis: 1_700_000_000_123,
            date: 19_000,
            nested: Inner { name: "in".into() },
        }
    );
}

#[test]
fn untyped_trees_read_enums_unions_and_records() {
    let avsc = record(
        r#"{"name":"colour","type":{"type":"enum","name":"C","symbols":["Red","Green"]}},
        {"name":"optional","type":["null","string"]},
        {"name":"nested","type":{"type":"record","name":"Nested","fields":[{"name":"name","type":"string"}]}}"#,
    );
    let bytes = encode(
        &avsc,
        &rec(vec![
            ("colour", Value::Enum(1, "Green".into())),
            (
                "optional",
                Value::Union(1, Box::new(Value::String("yes".into()))),
            ),
            ("nested", rec(vec![("name", Value::String("in".into()))])),
        ]),
    );
    let tree: serde_json::Value = typed(&avsc, &bytes).unwrap();
    assert_eq!(
        tree,
        serde_json::json!({"colour": "Green", "optional": "yes", "nested": {"name": "in"}})
    );
}

#[test]
fn recursive_schema_and_nesting_bound() {
    let avsc = r#"{"type":"record","name":"Node","fields":[
        {"name":"value","type":"int"},
        {"name":"next","type":["null","Node"]}]}"#;
    #[derive(Debug, Deserialize)]
    struct Link {
        value: i32,
        next: Option<Box<Link>>,
    }
    let chain = |depth: usize| {
        let mut value = rec(vec![
            ("value", Value::Int(0)),
            ("next", Value::Union(0, Box::new(Value::Null))),
        ]);
        for i in 1..depth {
            value = rec(vec![
                ("value", Value::Int(i32::try_from(i).unwrap())),
                ("next", Value::Union(1, Box::new(value))),
            ]);
        }
        value
    };
    let shallow = encode(avsc, &chain(50));
    let link: Link = typed(avsc, &shallow).unwrap();
    assert_eq!(link.value, 49);
    assert_eq!(link.next.unwrap().value, 48);

    // Written by hand: apache-avro's writer would itself recurse 10,000 levels.
    let mut deep = Vec::new();
    for _ in 0..10_000 {
        deep.extend([0x00, 0x02]); // value 0, branch "Node"
    }
    deep.extend([0x00, 0x00]); // value 0, branch null
    let err = typed::<Link>(avsc, &deep).unwrap_err();
    assert_eq!(err, "the datum nests deeper than 128 levels");
}

#[test]
fn lengths_and_counts_are_checked_against_the_bytes_left() {
    let strings = record(r#"{"name":"s","type":"string"}"#);
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct S {
        s: String,
    }
    // A string of 2^62 bytes in a 10-byte payload.
    let huge = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01];
    let err = typed::<S>(&strings, &huge).unwrap_err();
    assert!(err == "a string is longer than the 0 bytes left", "{err}");
    assert_eq!(
        typed::<S>(&strings, &[0x03]).unwrap_err(),
        "a string has a negative length (-2)"
    );
    assert_eq!(
        typed::<S>(&strings, &[0x04, 0xff, 0xfe]).unwrap_err(),
        "a string of 2 bytes is not UTF-8 (invalid byte at 0)"
    );
    assert_eq!(
        typed::<S>(&strings, &[]).unwrap_err(),
        "the payload ends inside a string"
    );
    assert_eq!(
        typed::<S>(&strings, &[0xff; 11]).unwrap_err(),
        "a string overflows a long"
    );

    let array = record(r#"{"name":"a","type":{"type":"array","items":"long"}}"#);
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct A {
        a: Vec<i64>,
    }
    // A block of a billion longs in four bytes.
    let err = typed::<A>(&array, &[0x80, 0xa8, 0xd6, 0xb9, 0x07]).unwrap_err();
    assert_eq!(
        err,
        "an array announces a block of more items than the 0 bytes left can hold"
    );
    // Negative counts carry the block size, and are read.
    let sized = [0x03, 0x04, 0x02, 0x04, 0x00];
    let decoded: A = typed(&array, &sized).unwrap();
    assert_eq!(decoded.a, vec![1, 2]);

    let nulls = record(r#"{"name":"n","type":{"type":"array","items":"null"}}"#);
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct N {
        n: Vec<()>,
    }
    let decoded: N = typed(&nulls, &[0x14, 0x00]).unwrap();
    assert_eq!(decoded.n.len(), 10);
    let err = typed::<N>(&nulls, &[0x80, 0x80, 0x80, 0x80, 0x08, 0x00]).unwrap_err();
    assert_eq!(
        err,
        "an array announces a block of more items than the 1 bytes left can hold"
    );
}

#[test]
fn bad_values_name_what_was_wrong_without_the_data() {
    let avsc = record(
        r#"{"name":"b","type":"boolean"},{"name":"u","type":["null","int"]},
        {"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}}"#,
    );
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct T {
        b: bool,
        u: Option<i32>,
        e: String,
    }
    assert_eq!(
        typed::<T>(&avsc, &[0x07, 0x00, 0x00]).unwrap_err(),
        "7 is not a boolean (0 or 1)"
    );
    assert_eq!(
        typed::<T>(&avsc, &[0x01, 0x06, 0x00]).unwrap_err(),
        "union branch 3 is out of range (2 branches)"
    );
    assert_eq!(
        typed::<T>(&avsc, &[0x01, 0x00, 0x04]).unwrap_err(),
        "enum index 2 is out of range (1 symbols)"
    );
    // The Rust type disagrees with the data: serde's message, without the value.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Wrong {
        b: String,
    }
    let err = typed::<Wrong>(&avsc, &[0x01, 0x00, 0x00]).unwrap_err();
    assert_eq!(err, "invalid type: boolean `true`, expected a string");
    let text = record(r#"{"name":"s","type":"string"}"#);
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Number {
        s: u32,
    }
    let err = typed::<Number>(&text, &[0x0c, b's', b'e', b'c', b'r', b'e', b't']).unwrap_err();
    assert!(!err.contains("secret"), "{err}");
    assert!(err.starts_with("invalid type: string"), "{err}");
}

/// Reading into a Rust enum from a union follows apache-avro's convention: the codec
/// hands those to apache-avro's reader.
#[test]
fn union_into_a_rust_enum_uses_apache_avros_convention() {
    let avsc = record(r#"{"name":"u","type":["int","string"]}"#);
    #[derive(Debug, PartialEq, Deserialize)]
    enum IntOrString {
        Int(i32),
        String(String),
    }
    /// Named like the record, for apache-avro.
    #[derive(Debug, PartialEq, Deserialize)]
    struct R {
        u: IntOrString,
    }
    let bytes = encode(
        &avsc,
        &rec(vec![(
            "u",
            Value::Union(1, Box::new(Value::String("x".into()))),
        )]),
    );
    // The codec first: it sets apache-avro's allocation bound before any reading.
    let ours = typed::<R>(&avsc, &bytes);
    let expected = GenericDatumReader::builder(&apache_avro::Schema::parse_str(&avsc).unwrap())
        .build()
        .unwrap()
        .read_deser::<R>(&mut &bytes[..]);
    assert!(expected.is_ok());
    assert_eq!(ours.ok(), expected.ok());
    // One codec, many payloads: after the first, they go to apache-avro's reader at once.
    let schemas = AvroSchemas::builder().schema(&avsc).build().unwrap();
    let codec = schemas.typed::<R>();
    for _ in 0..3 {
        let decoded = codec.decode(Payload::new(&bytes, Part::Value)).unwrap();
        assert_eq!(decoded.u, IntOrString::String("x".into()));
    }
}

/// A UUID schema is read by apache-avro's reader.
#[test]
fn uuid_strings_are_read_as_text() {
    let avsc = record(r#"{"name":"id","type":{"type":"string","logicalType":"uuid"}}"#);
    #[derive(Debug, Deserialize)]
    struct Id {
        id: String,
    }
    let uuid = "5a4b1e2c-0d3f-4a5b-8c7d-9e0f1a2b3c4d";
    let bytes = encode(
        &avsc,
        &rec(vec![("id", Value::Uuid(uuid.parse().unwrap()))]),
    );
    let id: Id = typed(&avsc, &bytes).unwrap();
    assert_eq!(id.id, uuid);
}

const ORDER: &str = r#"{"type":"record","name":"Order","fields":[
    {"name":"id","type":"string"},
    {"name":"n","type":"long"},
    {"name":"price","type":"double"},
    {"name":"ok","type":"boolean"},
    {"name":"status","type":{"type":"enum","name":"Status","symbols":["A","B","C"]}},
    {"name":"items","type":{"type":"array","items":{"type":"record","name":"Item","fields":[
        {"name":"sku","type":"string"},{"name":"q","type":"int"}]}}},
    {"name":"tags","type":{"type":"map","values":"string"}},
    {"name":"note","type":["null","string"]},
    {"name":"sum","type":{"type":"fixed","name":"Sum","size":4}}]}"#;

/// Named like the schema's records, as apache-avro's reader requires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Order {
    id: String,
    n: i64,
    price: f64,
    ok: bool,
    status: Status,
    items: Vec<Item>,
    tags: BTreeMap<String, String>,
    note: Option<String>,
    sum: serde_bytes::ByteBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
enum Status {
    A,
    B,
    C,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Item {
    sku: String,
    q: i32,
}

fn apache_reading(bytes: &[u8]) -> Option<Order> {
    // A codec first: it sets apache-avro's allocation bound before any reading.
    AvroSchemas::builder().schema(ORDER).build().unwrap();
    let schema = apache_avro::Schema::parse_str(ORDER).unwrap();
    let reader = GenericDatumReader::builder(&schema).build().unwrap();
    let mut rest = bytes;
    let order: Order = reader.read_deser(&mut rest).ok()?;
    rest.is_empty().then_some(order)
}

fn arb_order() -> impl Strategy<Value = Order> {
    (
        ".{0,12}",
        any::<i64>(),
        any::<f64>().prop_filter("comparable", |f| !f.is_nan()),
        any::<bool>(),
        prop_oneof![Just(Status::A), Just(Status::B), Just(Status::C)],
        prop::collection::vec((".{0,6}", any::<i32>()), 0..4),
        prop::collection::btree_map(".{0,4}", ".{0,4}", 0..3),
        prop::option::of(".{0,8}"),
        any::<[u8; 4]>(),
    )
        .prop_map(|(id, n, price, ok, status, items, tags, note, sum)| Order {
            id,
            n,
            price,
            ok,
            status,
            items: items.into_iter().map(|(sku, q)| Item { sku, q }).collect(),
            tags,
            note,
            sum: serde_bytes::ByteBuf::from(sum.to_vec()),
        })
}

proptest! {
    /// Whatever apache-avro writes, the codec reads back the same, as apache-avro does.
    #[test]
    fn written_orders_read_back(order in arb_order()) {
        let schema = apache_avro::Schema::parse_str(ORDER).unwrap();
        let writer = apache_avro::writer::datum::GenericDatumWriter::builder(&schema)
            .build()
            .unwrap();
        let bytes = writer.write_ser_to_vec(&order).unwrap();
        let ours: Order = typed(ORDER, &bytes).unwrap();
        prop_assert_eq!(&ours, &order);
        prop_assert_eq!(apache_reading(&bytes), Some(order));
    }

    /// On arbitrary bytes, the codec accepts exactly what apache-avro accepts, with the
    /// same value.
    #[test]
    fn arbitrary_bytes_read_as_apache_avro_reads_them(
        bytes in prop::collection::vec(any::<u8>(), 0..64)
    ) {
        // Compared as text: a double read from arbitrary bytes may be NaN.
        let ours = typed::<Order>(ORDER, &bytes).ok();
        prop_assert_eq!(format!("{ours:?}"), format!("{:?}", apache_reading(&bytes)));
    }
}

/// One schema read by a struct with the record's field order and by one with another
/// order, in turns: both read every field by name.
#[test]
fn structs_in_and_out_of_field_order_share_a_schema() {
    #[derive(Debug, PartialEq, Deserialize)]
    struct InOrder {
        a: i32,
        b: String,
        c: Option<i64>,
    }
    #[derive(Debug, PartialEq, Deserialize)]
    struct Reordered {
        c: Option<i64>,
        a: i32,
        b: String,
    }
    #[derive(Debug, PartialEq, Deserialize)]
    struct Fewer {
        b: String,
    }
    let avsc = record(
        r#"{"name":"a","type":"int"},{"name":"b","type":"string"},{"name":"c","type":["null","long"]}"#,
    );
    let bytes = encode(
        &avsc,
        &rec(vec![
            ("a", Value::Int(1)),
            ("b", Value::String("two".into())),
            ("c", Value::Union(1, Box::new(Value::Long(3)))),
        ]),
    );
    let schemas = AvroSchemas::builder().schema(&avsc).build().unwrap();
    let in_order = schemas.typed::<InOrder>();
    let reordered = schemas.typed::<Reordered>();
    let fewer = schemas.typed::<Fewer>();
    for _ in 0..2 {
        let payload = || Payload::new(&bytes, Part::Value);
        assert_eq!(
            in_order.decode(payload()).unwrap(),
            InOrder {
                a: 1,
                b: "two".into(),
                c: Some(3)
            }
        );
        assert_eq!(
            reordered.decode(payload()).unwrap(),
            Reordered {
                c: Some(3),
                a: 1,
                b: "two".into()
            }
        );
        assert_eq!(fewer.decode(payload()).unwrap(), Fewer { b: "two".into() });
    }
}
