//! JSON output (`AvroSchemas::json`) of every kind of Avro value, read by the direct
//! reader (the crate's unit tests compare it with apache-avro's reading).

#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a failure is the test failing"
)]

use kafka_avro::encode::AvroEncoder;
use kafka_avro::{AvroSchemas, Value};
use kafka_core::testing::Encoder as _;
use kafka_core::{Codec, Part, Payload};

/// Every kind of node the direct reader has, logical types reduced to what they are written as.
const EVERYTHING: &str = include_str!("data/everything.avsc");

fn direct() -> kafka_avro::AvroJson {
    AvroSchemas::builder()
        .schema(EVERYTHING)
        .build()
        .unwrap()
        .json()
}

#[test]
fn the_mapping_of_each_kind() {
    let value = Value::Record(vec![
        ("z".into(), Value::Null),
        ("b".into(), Value::Boolean(true)),
        ("i".into(), Value::Int(-7)),
        ("l".into(), Value::Long(i64::MAX)),
        ("f".into(), Value::Float(1.5)),
        ("d".into(), Value::Double(f64::NAN)),
        ("by".into(), Value::Bytes(vec![0, 1, 2])),
        ("s".into(), Value::String("é\n".into())),
        ("fx".into(), Value::Fixed(3, vec![255, 0, 7])),
        ("e".into(), Value::Enum(2, "C".into())),
        (
            "a".into(),
            Value::Array(vec![Value::Long(1), Value::Long(-1)]),
        ),
        (
            "m".into(),
            Value::Map(
                [
                    ("k2".to_owned(), Value::Union(0, Box::new(Value::Null))),
                    (
                        "k1".to_owned(),
                        Value::Union(1, Box::new(Value::String("v".into()))),
                    ),
                ]
                .into(),
            ),
        ),
        ("u".into(), Value::Union(2, Box::new(Value::Long(5)))),
        ("day".into(), Value::Date(19_000)),
        ("ts".into(), Value::TimestampMillis(1_700_000_000_000)),
        (
            "in".into(),
            Value::Record(vec![("x".into(), Value::Fixed(3, vec![1, 2, 3]))]),
        ),
    ]);
    let bytes = AvroEncoder::new(EVERYTHING)
        .unwrap()
        .values()
        .encode(&value)
        .unwrap();
    let json = direct().decode(Payload::new(&bytes, Part::Value)).unwrap();
    let expected = serde_json::json!({
        "z": null, "b": true, "i": -7, "l": i64::MAX, "f": 1.5, "d": "NaN",
        "by": "AAEC", "s": "é\n", "fx": "/wAH", "e": "C", "a": [1, -1],
        "m": {"k1": "v", "k2": null}, "u": 5, "day": 19000, "ts": 1_700_000_000_000_i64,
        "in": {"x": "AQID"}
    });
    assert_eq!(json, expected);
}

#[test]
fn bad_payloads_say_what_is_wrong() {
    let direct = direct();
    let error = |bytes: &[u8]| {
        direct
            .decode(Payload::new(bytes, Part::Value))
            .unwrap_err()
            .to_string()
    };
    // A boolean byte of 2, after the null field (no bytes).
    assert!(
        error(&[2]).contains("2 is not a boolean"),
        "{}",
        error(&[2])
    );
    assert!(
        error(&[]).contains("the payload ends inside a boolean"),
        "{}",
        error(&[])
    );
}
