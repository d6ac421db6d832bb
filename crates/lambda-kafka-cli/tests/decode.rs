//! `lambda-kafka decode` run as a program: the vectors, the Powertools JSON fixtures, and
//! the exit-status and error-line contract.

mod common;

use common::{check_vector, lines, run, stderr};
use kafka_core::Part;
use kafka_core::testing::{EventBuilder, RecordBuilder};
use kafka_vectors::powertools;
use serde_json::{Value, json};

#[test]
fn json_vectors() {
    let dir = kafka_vectors::dir();
    for name in [
        "json_plain",
        "json_confluent",
        "json_confluent_esm",
        "json_confluent_ids",
    ] {
        check_vector(
            &["--value-format", "json"],
            &dir.join(format!("{name}.event.json")),
            &dir.join(format!("{name}.expected.json")),
        );
    }
}

#[test]
fn powertools_json_fixtures() {
    let Some(dir) = powertools() else { return };
    let index: Value =
        serde_json::from_slice(&std::fs::read(dir.join("index.json")).expect("index"))
            .expect("JSON");
    let mut checked = 0;
    for fixture in index.as_array().expect("index") {
        if fixture["value_format"] != "json" || fixture["key_format"] != "string" {
            continue;
        }
        check_vector(
            &["--value-format", "json"],
            &dir.join(fixture["event"].as_str().expect("event")),
            &dir.join(fixture["expected"].as_str().expect("expected")),
        );
        checked += 1;
    }
    assert_eq!(checked, 4);
}

#[test]
fn reads_standard_input_when_no_file_or_dash() {
    let event = EventBuilder::msk()
        .record(RecordBuilder::new("t", 0, 1).key(b"k").value(b"v"))
        .to_json();
    for args in [&["decode"][..], &["decode", "-"][..]] {
        let output = run(args, Some(&event));
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let got = lines(&output);
        assert_eq!(got[0]["key"], "k");
        assert_eq!(got[0]["value"], "v");
    }
}

#[test]
fn record_line_shape_headers_and_missing_fields() {
    let event = EventBuilder::self_managed()
        .record(
            RecordBuilder::new("t", 4, 9)
                .timestamp(1_545_084_650_987)
                .header("text", b"00-abc")
                .header("binary", [0xff, 0x01])
                .null_header("none")
                .header("text", b"again"),
        )
        .record(
            RecordBuilder::new("t", 4, 10)
                .null_key()
                .tombstone()
                .timestamp_type(None),
        )
        .to_json();
    let output = run(&["decode"], Some(&event));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = String::from_utf8(output.stdout.clone()).unwrap();
    let first_line = text.lines().next().unwrap();
    assert_eq!(
        first_line,
        r#"{"topic":"t","partition":4,"offset":9,"timestamp":1545084650987,"timestampType":"CREATE_TIME","headers":[["text","00-abc"],["binary",{"base64":"/wE="}],["none",null],["text","again"]],"key":null,"value":null}"#
    );
    let got = lines(&output);
    assert_eq!(got[1]["headers"], json!([]));
    assert_eq!(got[1]["timestampType"], Value::Null);
}

#[test]
fn bytes_format_prints_base64_and_string_rejects_bad_utf8() {
    let event = EventBuilder::msk()
        .record(
            RecordBuilder::new("t", 0, 1)
                .key(b"k")
                .value([0xde, 0xad, 0xbe, 0xef]),
        )
        .to_json();
    let output = run(&["decode", "--value-format", "bytes"], Some(&event));
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(lines(&output)[0]["value"], "3q2+7w==");

    let output = run(&["decode", "--value-format", "string"], Some(&event));
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "lambda-kafka: topic \"t\", partition 0, offset 1, value: cannot decode: invalid UTF-8: \
         the byte at position 2 is not valid (4 bytes in all)\n"
    );
}

fn event_with_bad_middle_record() -> String {
    EventBuilder::msk()
        .record(RecordBuilder::new("orders", 0, 1).value(br#"{"n":1}"#))
        .record(RecordBuilder::new("orders", 0, 2).value(b"not json"))
        .record(RecordBuilder::new("orders", 0, 3).raw_base64(Part::Key, "!!"))
        .record(RecordBuilder::new("orders", 0, 4).value(br#"{"n":4}"#))
        .to_json()
}

#[test]
fn a_failing_record_stops_with_status_1_after_the_records_before_it() {
    let output = run(
        &["decode", "--value-format", "json"],
        Some(&event_with_bad_middle_record()),
    );
    assert_eq!(output.status.code(), Some(1));
    let got = lines(&output);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["value"], json!({"n": 1}));
    assert_eq!(
        stderr(&output),
        "lambda-kafka: topic \"orders\", partition 0, offset 2, value: cannot decode as JSON: \
         expected ident at line 1 column 2\n"
    );
}

#[test]
fn keep_going_reports_failures_as_lines_and_exits_2() {
    let output = run(
        &["decode", "--value-format", "json", "--keep-going"],
        Some(&event_with_bad_middle_record()),
    );
    assert_eq!(output.status.code(), Some(2));
    let got = lines(&output);
    assert_eq!(got.len(), 4);
    assert_eq!(
        got[1],
        json!({"topic":"orders","partition":0,"offset":2,"error":{"kind":"deserialization","part":"value",
            "message":"topic \"orders\", partition 0, offset 2, value: cannot decode as JSON: expected ident at line 1 column 2"}})
    );
    assert_eq!(got[2]["error"]["kind"], "invalid-record");
    assert_eq!(got[2]["error"]["part"], "key");
    assert_eq!(got[3]["value"], json!({"n": 4}));
}

#[test]
fn invalid_record_without_part_has_no_part_field() {
    let event = r#"{"records":{"t-0":[{"topic":"t","partition":0,"offset":5,"timestamp":"x"}]}}"#;
    let output = run(&["decode", "--keep-going"], Some(event));
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        lines(&output)[0],
        json!({"topic":"t","partition":0,"offset":5,"error":{"kind":"invalid-record",
            "message":"topic \"t\", partition 0, offset 5: invalid record: timestamp is text, not a number"}})
    );
}

#[test]
fn usage_problems_exit_64() {
    let event = EventBuilder::msk()
        .record(RecordBuilder::new("t", 0, 1))
        .to_json();
    let cases: [(&[&str], Option<&str>, &str); 5] = [
        (
            &[
                "decode",
                "--value-format",
                "json",
                "--value-schema",
                "x.avsc",
            ],
            Some(&event),
            "lambda-kafka: --value-schema applies to avro and protobuf, not to --value-format json\n",
        ),
        (
            &["decode"],
            Some(r#"{"Records":[{"body":"sqs"}]}"#),
            "lambda-kafka: standard input: not a Lambda Kafka event: missing field `records` at line 1 column 28\n",
        ),
        (
            &["decode", "/nonexistent/event.json"],
            None,
            "lambda-kafka: cannot read /nonexistent/event.json: No such file or directory (os error 2)\n",
        ),
        (
            &["decode", "--value-format", "xml"],
            Some(&event),
            "error: invalid value 'xml' for '--value-format <F>': unknown format \"xml\": expected string, json, avro, protobuf or bytes",
        ),
        (
            &["decode", "--wire-format", "magic"],
            Some(&event),
            "error: invalid value 'magic' for '--wire-format <W>': unknown wire format \"magic\": expected auto, plain, confluent or glue",
        ),
    ];
    for (args, stdin, message) in cases {
        let output = run(args, stdin);
        assert_eq!(output.status.code(), Some(64), "{args:?}");
        assert!(
            stderr(&output).starts_with(message),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn help_exits_0() {
    let output = run(&["decode", "--help"], None);
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).contains("--keep-going"));
}

#[cfg(not(feature = "avro"))]
#[test]
fn avro_without_the_feature_exits_64_naming_it() {
    let event = EventBuilder::msk()
        .record(RecordBuilder::new("t", 0, 1))
        .to_json();
    let output = run(&["decode", "--value-format", "avro"], Some(&event));
    assert_eq!(output.status.code(), Some(64));
    assert_eq!(
        stderr(&output),
        "lambda-kafka: --value-format avro: this lambda-kafka was built without the Avro codec; \
         build lambda-kafka-cli with the `avro` feature (cargo install lambda-kafka-cli --features avro)\n"
    );
}

#[cfg(not(feature = "protobuf"))]
#[test]
fn protobuf_without_the_feature_exits_64_naming_it() {
    let event = EventBuilder::msk()
        .record(RecordBuilder::new("t", 0, 1))
        .to_json();
    let output = run(&["decode", "--key-format", "protobuf"], Some(&event));
    assert_eq!(output.status.code(), Some(64));
    assert_eq!(
        stderr(&output),
        "lambda-kafka: --key-format protobuf: this lambda-kafka was built without the Protobuf codec; \
         build lambda-kafka-cli with the `protobuf` feature (cargo install lambda-kafka-cli --features protobuf)\n"
    );
}

#[test]
fn an_on_failure_record_is_read_as_the_event_it_holds() {
    let root = kafka_vectors::dir().join("..");
    check_vector(
        &["--value-format", "json"],
        &root.join("on-failure/json_plain.on-failure.json"),
        &kafka_vectors::dir().join("json_plain.expected.json"),
    );
    let record = std::fs::read_to_string(root.join("on-failure/json_plain.on-failure.json"))
        .expect("fixture");
    let inspected = run(&["inspect"], Some(&record));
    assert!(inspected.status.success(), "{}", stderr(&inspected));
    assert_eq!(lines(&inspected).len(), 10);
    // A payload that is no event is named as the record's payload.
    let mut broken: Value = serde_json::from_str(&record).expect("json");
    broken["payload"] = json!("{\"records\": 5}");
    let output = run(&["decode"], Some(&broken.to_string()));
    assert_eq!(output.status.code(), Some(64));
    assert_eq!(
        stderr(&output).trim(),
        "lambda-kafka: standard input (the on-failure record's payload): not a Lambda Kafka event: invalid type: integer, expected an object of \"topic-partition\" record lists at line 1 column 13"
    );
}

/// Registry credentials in the environment do not ask for a registry: a shell that exports
/// them still decodes events that need none.
#[test]
fn registry_credentials_alone_change_nothing() {
    let event = EventBuilder::msk()
        .record(RecordBuilder::new("t", 0, 1).value(b"v"))
        .to_json();
    let output = common::run_with_env(
        &["decode", "-"],
        Some(&event),
        &[
            ("SCHEMA_REGISTRY_AUTH", "user:secret"),
            (
                "SCHEMA_REGISTRY_SECRET",
                "arn:aws:secretsmanager:eu-west-1:1:secret:sr",
            ),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(lines(&output)[0]["value"], "v");
}
