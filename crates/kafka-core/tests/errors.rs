//! Every error a user can hit, with its message; a bad record fails alone.

use kafka_core::testing::{EventBuilder, RecordBuilder};
use kafka_core::{
    Codec, DataFormat, DecodeError, Error, ErrorKind, KafkaConsumer, KafkaEvent, Parsed, Part,
    Payload, RecordError, RecordId, Utf8,
};
use kafka_core::{FramingPolicy, SchemaAware, SchemaMetadata};

fn one_record(fields: &str) -> String {
    format!(
        r#"{{"eventSource":"aws:kafka","records":{{"orders-0":[{{"topic":"orders","partition":0,
        "offset":15{fields}}}]}}}}"#
    )
}

fn first_error(json: &str) -> RecordError {
    let event = KafkaEvent::from_str(json).expect("the event parses");
    KafkaConsumer::new()
        .records(&event)
        .next()
        .expect("one record")
        .expect_err("the record fails")
}

#[test]
fn invalid_event_messages() {
    let err = KafkaEvent::from_str("<html>").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidEvent);
    assert_eq!(
        err.to_string(),
        "not a Lambda Kafka event: expected value at line 1 column 1"
    );

    let err = KafkaEvent::from_str(r#"{"Records":[]}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "not a Lambda Kafka event: missing field `records` at line 1 column 14"
    );

    // Numeric text is a number (older AWS samples write it so); other text names the field,
    // and fails that record alone, under its group's name.
    let event = KafkaEvent::from_str(
        r#"{"records":{"t-0":[{"topic":"t","partition":"zero","offset":1,"timestamp":1}]}}"#,
    )
    .unwrap();
    let err = KafkaConsumer::new()
        .records(&event)
        .next()
        .unwrap()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "topic \"t\", partition 0, offset 1: invalid record: partition is text that is not an integer (4 characters)"
    );
    assert_eq!(err.part(), None);
    // An offset is what names a record in the partial batch response: without one the
    // event cannot be read.
    let err =
        KafkaEvent::from_str(r#"{"records":{"t-0":[{"topic":"t","partition":0,"offset":[1]}]}}"#)
            .unwrap_err();
    assert_eq!(
        err.to_string(),
        "not a Lambda Kafka event: offset is a list, not an integer (or numeric text) at line 1 column 59"
    );

    // A top-level list is an EventBridge Pipes batch of records, and nothing else.
    let err = KafkaEvent::from_str(r#"["aws:kafka", {"records":{}}]"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "not a Lambda Kafka event: a top-level list is read as an EventBridge Pipes batch of Kafka records, but item 0 is text, not a record object at line 1 column 12"
    );
    let err = KafkaEvent::from_str("[]").unwrap_err();
    assert_eq!(
        err.to_string(),
        "not a Lambda Kafka event: an empty list: an EventBridge Pipes batch has at least one record at line 1 column 2"
    );
    let err = KafkaEvent::from_str(r#"[{"topic":"t","offset":1}]"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "not a Lambda Kafka event: item 0: partition is missing, and it has no eventSourceKey to name its topic and partition at line 1 column 26"
    );

    let err = KafkaEvent::from_slice(b"{\"records\":{\"t\xff-0\":[]}}").unwrap_err();
    assert_eq!(
        err.to_string(),
        "not a Lambda Kafka event: invalid UTF-8 at byte 14"
    );
}

#[test]
fn bad_base64_names_record_and_part() {
    let err = first_error(&one_record(
        r#","timestamp":1,"key":"a2V5","value":"not base64!""#,
    ));
    assert_eq!(err.kind(), ErrorKind::InvalidRecord);
    assert_eq!(err.part(), Some(Part::Value));
    assert_eq!(
        err.record(),
        &RecordId {
            topic: "orders".into(),
            partition: 0,
            offset: 15
        }
    );
    assert_eq!(
        err.to_string(),
        "topic \"orders\", partition 0, offset 15, value: invalid record: invalid base64 \
         (11 characters): a character that is not base64 at position 3"
    );

    let err = first_error(&one_record(r#","timestamp":1,"key":"a2V5a""#));
    assert_eq!(
        err.to_string(),
        "topic \"orders\", partition 0, offset 15, key: invalid record: invalid base64 \
         (5 characters): a length that is not a whole number of base64 groups"
    );
}

#[test]
fn bad_timestamp_is_an_invalid_record() {
    let cases = [
        (
            r#","timestamp":"1545084650987""#,
            "timestamp is text, not a number",
        ),
        (
            r#","timestamp":1545084650987.5"#,
            "timestamp is not an integer number of milliseconds",
        ),
        (r#","timestamp":null"#, "timestamp is null"),
        ("", "timestamp is missing"),
    ];
    for (fields, reason) in cases {
        let err = first_error(&one_record(fields));
        assert_eq!(err.kind(), ErrorKind::InvalidRecord);
        assert_eq!(err.part(), None);
        assert_eq!(
            err.to_string(),
            format!("topic \"orders\", partition 0, offset 15: invalid record: {reason}")
        );
    }
}

#[test]
fn bad_headers_are_an_invalid_record() {
    let cases = [
        (
            r#"[{"h":[300]}]"#,
            "header \"h\": header byte is outside -128..=255",
        ),
        (
            r#"[{"h":[-129]}]"#,
            "header \"h\": header byte is outside -128..=255",
        ),
        (
            r#"[{"h":["a"]}]"#,
            "header \"h\": header byte is not an integer",
        ),
        (
            r#"[{"h":"text"}]"#,
            "header \"h\": header value is text, not a list of bytes",
        ),
        (r#"["h"]"#, "a header is not a {name: bytes} object"),
        (r#"{"h":[1]}"#, "headers is an object, not a list"),
    ];
    for (headers, reason) in cases {
        let err = first_error(&one_record(&format!(
            r#","timestamp":1,"headers":{headers}"#
        )));
        assert_eq!(err.kind(), ErrorKind::InvalidRecord, "{headers}");
        assert_eq!(
            err.to_string(),
            format!("topic \"orders\", partition 0, offset 15: invalid record: {reason}"),
            "{headers}"
        );
    }
}

#[test]
fn key_or_value_of_the_wrong_type_is_an_invalid_record() {
    let err = first_error(&one_record(r#","timestamp":1,"key":42"#));
    assert_eq!(err.part(), Some(Part::Key));
    assert_eq!(
        err.to_string(),
        "topic \"orders\", partition 0, offset 15, key: invalid record: key is a number, not base64 text"
    );
    let err = first_error(&one_record(r#","timestamp":1,"value":{"a":1}"#));
    assert_eq!(
        err.to_string(),
        "topic \"orders\", partition 0, offset 15, value: invalid record: value is an object, not base64 text"
    );
}

#[test]
fn invalid_utf8_is_a_deserialization_error_without_payload_bytes() {
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("orders", 0, 15).key(b"secret\xff"))
        .to_json();
    let err = first_error(&json);
    assert_eq!(err.kind(), ErrorKind::Deserialization);
    assert_eq!(
        err.to_string(),
        "topic \"orders\", partition 0, offset 15, key: cannot decode: invalid UTF-8: \
         the byte at position 6 is not valid (7 bytes in all)"
    );
    assert!(!err.to_string().contains("secret"));
}

#[test]
fn parse_failure_is_a_deserialization_error() {
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("orders", 0, 15).key(b"12ab"))
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    let consumer = KafkaConsumer::new().key(Parsed::<u16>::new());
    let err = consumer.records(&event).next().unwrap().unwrap_err();
    assert_eq!(
        err.to_string(),
        "topic \"orders\", partition 0, offset 15, key: cannot decode: cannot parse 4 bytes of \
         text as u16: invalid digit found in string"
    );
}

/// A codec that rejects every value, as validation does.
struct Rejecting;

impl Codec for Rejecting {
    type Output = String;

    fn decode(&self, _: Payload<'_>) -> Result<String, DecodeError> {
        Err(DecodeError::rejected("quantity: must be at least 1"))
    }

    fn schema_aware(&self) -> Option<&dyn SchemaAware> {
        Some(self)
    }
}

impl SchemaAware for Rejecting {
    fn format(&self) -> Option<DataFormat> {
        Some(DataFormat::Json)
    }

    fn framing(&self, _: Option<&SchemaMetadata<'_>>) -> FramingPolicy {
        FramingPolicy::NONE
    }
}

#[test]
fn rejection_is_an_output_serializer_error() {
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("orders", 3, 7).value(b"{}"))
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    let err = KafkaConsumer::new()
        .value(Rejecting)
        .records(&event)
        .next()
        .unwrap()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert_eq!(err.kind().as_str(), "output-serializer");
    assert_eq!(
        err.to_string(),
        "topic \"orders\", partition 3, offset 7, value: rejected by validation: quantity: must be at least 1"
    );
}

#[test]
fn schema_errors_messages() {
    /// A codec crate's own schema error.
    #[derive(Debug)]
    struct Unknown;
    impl std::fmt::Display for Unknown {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("unknown type `Strng`")
        }
    }
    impl std::error::Error for Unknown {}
    let err = Error::schema_parse(Some(Part::Value), DataFormat::Avro, Unknown);
    assert_eq!(err.kind().as_str(), "schema-parse");
    assert_eq!(
        err.to_string(),
        "cannot parse the Avro schema of the value: unknown type `Strng`"
    );
    // The codec's error is the source, to downcast to its own type.
    let source = std::error::Error::source(&err).unwrap();
    assert!(source.downcast_ref::<Unknown>().is_some());
    let err = Error::MissingSchema {
        part: Some(Part::Key),
        format: DataFormat::Avro,
    };
    assert_eq!(err.kind().as_str(), "missing-schema");
    assert_eq!(
        err.to_string(),
        "the key decoded as Avro needs a schema, and none was given"
    );
    let err = Error::MissingSchema {
        part: None,
        format: DataFormat::Avro,
    };
    assert_eq!(
        err.to_string(),
        "a payload decoded as Avro needs a schema, and none was given"
    );
    let err = Error::Configuration {
        reason: "the limit is already set".into(),
    };
    assert_eq!(err.kind().as_str(), "configuration");
    assert_eq!(err.to_string(), "configuration: the limit is already set");
}

#[test]
fn a_bad_record_in_the_middle_fails_alone() {
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("orders", 0, 1).value(b"one"))
        .record(RecordBuilder::new("orders", 0, 2).value(b"\xfe\xff"))
        .record(RecordBuilder::new("orders", 1, 3).raw_base64(Part::Value, "%%%"))
        .record(RecordBuilder::new("orders", 1, 4).value(b"four"))
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    let consumer = KafkaConsumer::new().value(Utf8);
    let results: Vec<_> = consumer.records(&event).collect();
    assert_eq!(results.len(), 4);
    assert_eq!(results[0].as_ref().unwrap().value.as_deref(), Some("one"));
    assert_eq!(
        results[1].as_ref().unwrap_err().kind(),
        ErrorKind::Deserialization
    );
    assert_eq!(
        results[2].as_ref().unwrap_err().kind(),
        ErrorKind::InvalidRecord
    );
    assert_eq!(results[3].as_ref().unwrap().value.as_deref(), Some("four"));

    // Failing fast stops at the first.
    let err = consumer.decode_all(&event).unwrap_err();
    assert_eq!(err.record().offset, 2);
}

#[test]
fn a_problem_in_one_record_does_not_fail_the_event() {
    let json = r#"{"records":{"t-0":[
        {"topic":"t","partition":0,"offset":1,"timestamp":1,"value":"eA=="},
        {"topic":"t","partition":0,"offset":2,"timestamp":"soon","headers":[{"h":[999]}]},
        {"topic":"t","partition":0,"offset":3,"timestamp":3,"value":"eQ=="}]}}"#;
    let event = KafkaEvent::from_str(json).unwrap();
    let results: Vec<_> = KafkaConsumer::new().records(&event).collect();
    assert_eq!(results[0].as_ref().unwrap().value.as_deref(), Some("x"));
    assert_eq!(
        results[1].as_ref().unwrap_err().kind(),
        ErrorKind::InvalidRecord
    );
    assert_eq!(results[2].as_ref().unwrap().value.as_deref(), Some("y"));
}
