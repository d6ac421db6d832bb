//! `lambda-kafka filter` run as a program: one line per record saying whether the mapping
//! delivers it, and a refused pattern's message and exit status.

mod common;

use common::{lines, run, stderr};
use kafka_core::testing::{EventBuilder, RecordBuilder};
use serde_json::json;

fn event() -> String {
    EventBuilder::msk()
        .record(RecordBuilder::new("orders", 0, 1).value(br#"{"kind":"order","total":300}"#))
        .record(RecordBuilder::new("orders", 0, 2).value(br#"{"kind":"refund","total":3.0e2}"#))
        .record(RecordBuilder::new("orders", 1, 7).value(b"not JSON at all"))
        .record(RecordBuilder::new("orders", 1, 8).tombstone())
        .to_json()
}

#[test]
fn each_record_is_said_delivered_or_dropped_with_the_field_that_failed() {
    let output = run(
        &[
            "filter",
            "--filter",
            r#"{"value": {"kind": ["order"], "total": [300]}}"#,
        ],
        Some(&event()),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        lines(&output),
        [
            json!({"topic": "orders", "partition": 0, "offset": 1, "delivered": true}),
            json!({"topic": "orders", "partition": 0, "offset": 2, "delivered": false,
                   "why": "/value/kind did not match"}),
            json!({"topic": "orders", "partition": 1, "offset": 7, "delivered": true,
                   "note": "the value is not a JSON object; the JSON pattern does not apply"}),
            json!({"topic": "orders", "partition": 1, "offset": 8, "delivered": true,
                   "note": "the record has no value"}),
        ]
    );
}

#[test]
fn filters_are_ored_and_numbers_compare_by_text_unless_numeric() {
    let output = run(
        &[
            "filter",
            "--filter",
            r#"{"value": {"total": [300]}}"#,
            "--filter",
            r#"{"value": {"total": [{"numeric": ["=", 300]}], "kind": ["refund"]}}"#,
            "--filter",
            r#"{"value": [{"prefix": "not"}]}"#,
        ],
        Some(&event()),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let delivered: Vec<bool> = lines(&output)
        .iter()
        .map(|l| l["delivered"].as_bool().expect("a bool"))
        .collect();
    assert_eq!(delivered, [true, true, true, true]);
    let only_text = run(
        &["filter", "--filter", r#"{"value": {"total": [300]}}"#],
        Some(&event()),
    );
    assert_eq!(lines(&only_text)[1]["why"], "/value/total did not match");
}

#[test]
fn a_refused_pattern_exits_64_pointing_into_it() {
    let output = run(
        &[
            "filter",
            "--filter",
            r#"{"value": {"kind": ["order"]}}"#,
            "--filter",
            r#"{"value": {"total": [{"numeric": [">", "1"]}]}}"#,
        ],
        Some(&event()),
    );
    assert_eq!(output.status.code(), Some(64));
    assert!(output.stdout.is_empty());
    assert_eq!(
        stderr(&output),
        "lambda-kafka: --filter 2: at /value/total/0/numeric/1: a comparison takes a number\n"
    );
    let syntax = run(
        &["filter", "--filter", r#"{"value": {"kind": "#],
        Some(&event()),
    );
    assert_eq!(syntax.status.code(), Some(64));
    assert!(
        stderr(&syntax).starts_with(
            "lambda-kafka: --filter 1: at line 1 column 19: not JSON: EOF while parsing a value"
        ),
        "{}",
        stderr(&syntax)
    );
    let none = run(&["filter"], Some(&event()));
    assert_eq!(none.status.code(), Some(64));
    assert!(
        stderr(&none).contains("--filter <PATTERN>"),
        "{}",
        stderr(&none)
    );
}
