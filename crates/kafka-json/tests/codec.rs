//! The JSON codec's rules: exact integers, BOM, empty and invalid payloads, scalars, and
//! error messages without payload bytes.

use kafka_core::testing::{EventBuilder, RecordBuilder};
use kafka_core::{Codec, ErrorKind, KafkaConsumer, KafkaEvent, Part, Payload};
use kafka_json::{Json, JsonValue};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

fn decode_value(bytes: &[u8]) -> Result<Value, kafka_core::DecodeError> {
    JsonValue::new().decode(Payload::new(bytes, Part::Value))
}

#[test]
fn integers_beyond_2_pow_53_stay_exact() {
    let value = decode_value(
        br#"{"u":18446744073709551615,"i":-9223372036854775808,"p":9007199254740993}"#,
    )
    .unwrap();
    assert_eq!(value["u"].as_u64(), Some(u64::MAX));
    assert_eq!(value["i"].as_i64(), Some(i64::MIN));
    assert_eq!(value["p"].as_u64(), Some(9_007_199_254_740_993));
    // Written back digit for digit (member order depends on serde_json's features).
    let text = value.to_string();
    for digits in [
        "18446744073709551615",
        "-9223372036854775808",
        "9007199254740993",
    ] {
        assert!(text.contains(digits), "{text}");
    }
}

#[test]
fn a_leading_bom_is_skipped() {
    assert_eq!(
        decode_value(b"\xEF\xBB\xBF{\"a\":1}").unwrap(),
        json!({"a": 1})
    );
    // Only one: a second BOM is not JSON.
    assert!(decode_value(b"\xEF\xBB\xBF\xEF\xBB\xBF{}").is_err());
}

#[test]
fn strings_and_numbers_are_json_values_too() {
    assert_eq!(decode_value(br#""hello""#).unwrap(), json!("hello"));
    assert_eq!(decode_value(b"42").unwrap(), json!(42));
    assert_eq!(decode_value(b"null").unwrap(), Value::Null);
    assert_eq!(
        Json::<String>::new()
            .decode(Payload::new(br#""x""#, Part::Key))
            .unwrap(),
        "x"
    );
}

#[test]
fn empty_payload_is_an_error() {
    let err = decode_value(b"").unwrap_err();
    assert_eq!(err.message(), "empty payload: no JSON text");
    let err = decode_value(b"\xEF\xBB\xBF").unwrap_err();
    assert_eq!(err.message(), "empty payload: no JSON text");
}

#[test]
fn plain_text_is_an_error_not_a_string() {
    let err = decode_value(b"customer-123").unwrap_err();
    assert_eq!(err.message(), "expected value at line 1 column 1");
    let err = decode_value(br#"{"a":1} trailing"#).unwrap_err();
    assert_eq!(err.message(), "trailing characters at line 1 column 9");
}

#[test]
fn invalid_utf8_is_an_error_at_its_position() {
    let err = decode_value(b"{\"a\":\"\xff\"}").unwrap_err();
    assert_eq!(
        err.message(),
        "invalid UTF-8: the byte at position 6 is not valid (9 bytes in all)"
    );
    // The position counts the byte order mark too.
    let err = decode_value(b"\xEF\xBB\xBF\"\xc3\"").unwrap_err();
    assert_eq!(
        err.message(),
        "invalid UTF-8: the byte at position 4 is not valid (6 bytes in all)"
    );
}

#[test]
fn nesting_is_bounded() {
    let deep = "[".repeat(200) + &"]".repeat(200);
    let err = decode_value(deep.as_bytes()).unwrap_err();
    assert_eq!(
        err.message(),
        "recursion limit exceeded at line 1 column 128"
    );
}

#[derive(Debug, Deserialize, Serialize, PartialEq)]
struct Payment {
    card_holder: String,
    amount_cents: u64,
}

#[test]
fn typed_errors_do_not_quote_the_payload() {
    let err = Json::<Payment>::new()
        .decode(Payload::new(
            br#"{"card_holder":"Jane Q. Secret","amount_cents":"4111111111111111"}"#,
            Part::Value,
        ))
        .unwrap_err();
    assert_eq!(
        err.message(),
        "invalid type: string, expected u64 at line 1 column 65"
    );
    assert!(!err.message().contains("4111"));

    let err = Json::<Payment>::new()
        .decode(Payload::new(br#"{"card_holder":"x"}"#, Part::Value))
        .unwrap_err();
    assert_eq!(
        err.message(),
        "missing field `amount_cents` at line 1 column 19"
    );
}

#[test]
fn decode_failure_through_the_consumer_names_record_and_format() {
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("payments", 2, 88).value(br#"{"card_holder":"Jane"}"#))
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    let consumer = KafkaConsumer::new().value(Json::<Payment>::new());
    let err = consumer.records(&event).next().unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Deserialization);
    assert_eq!(
        err.to_string(),
        "topic \"payments\", partition 2, offset 88, value: cannot decode as JSON: missing field `amount_cents` at line 1 column 22"
    );
}

#[test]
fn the_testing_encoder_writes_what_the_codec_reads() {
    let payment = Payment {
        card_holder: "A".into(),
        amount_cents: u64::MAX,
    };
    let json = EventBuilder::msk()
        .record(
            RecordBuilder::new("payments", 0, 1)
                .key_encoded(&JsonValue::new(), &json!({"id": 7}))
                .unwrap()
                .value_encoded(&Json::<Payment>::new(), &payment)
                .unwrap(),
        )
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    let consumer = KafkaConsumer::new()
        .key(JsonValue::new())
        .value(Json::<Payment>::new());
    let record = consumer.decode_all(&event).unwrap().remove(0);
    assert_eq!(record.key, Some(json!({"id": 7})));
    assert_eq!(record.value, Some(payment));
}
