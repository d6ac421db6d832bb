//! `lambda-kafka run`'s options: each mistake is a message and exit status 64, before any
//! broker is asked. Its behaviour against a real broker is tested end to end in
//! `examples/kafka-function/tests/source.rs`.

#![cfg(feature = "source")]

mod common;

use common::{run, stderr};

fn refused(args: &[&str]) -> String {
    let mut all = vec![
        "run",
        "--bootstrap-servers",
        "127.0.0.1:9",
        "--topic",
        "orders",
    ];
    all.extend(args);
    let output = run(&all, None);
    assert_eq!(
        output.status.code(),
        Some(64),
        "{args:?}: {}",
        stderr(&output)
    );
    assert!(output.stdout.is_empty());
    stderr(&output)
}

#[test]
fn a_target_is_required_and_only_one() {
    assert!(
        refused(&[]).contains("the following required arguments were not provided"),
        "{}",
        refused(&[])
    );
    let both = refused(&["--print", "--invoke", "http://127.0.0.1:9/"]);
    assert!(both.contains("cannot be used with"), "{both}");
}

#[test]
fn bad_options_say_what_is_wrong() {
    let cases: [(&[&str], &str); 18] = [
        (
            &["--print", "--batch-size", "10001"],
            "10001 is not in 1..=10000",
        ),
        (
            &["--print", "--max-retries", "-2"],
            "-2 is not in -1..=10000",
        ),
        (
            &["--invoke", "https://example.invalid/"],
            "lambda-kafka: --invoke takes an http:// URL, not https://example.invalid/",
        ),
        (
            &["--invoke", "http://127.0.0.1:9/", "--function-timeout", "0"],
            "lambda-kafka: --function-timeout takes a positive number of seconds",
        ),
        (
            &["--print", "--schema-registry", "ftp://r"],
            "lambda-kafka: --schema-registry: the schema registry URL ftp://r is not http:// or https://",
        ),
        (
            &[
                "--print",
                "--schema-registry",
                "http://r",
                "--schema-registry-auth",
                "u:s",
                "--schema-registry-secret",
                "arn",
            ],
            "lambda-kafka: --schema-registry-auth and --schema-registry-secret (or SCHEMA_REGISTRY_AUTH and SCHEMA_REGISTRY_SECRET): choose one",
        ),
        (
            &[
                "--print",
                "--glue-registry",
                "--schema-registry-auth",
                "u:s",
            ],
            "lambda-kafka: --schema-registry-auth: credentials are for a Confluent registry; AWS Glue uses the AWS configuration",
        ),
        (
            &["--print", "--kafka-config", "fetch.max.bytes"],
            "lambda-kafka: --kafka-config takes KEY=VALUE, not \"fetch.max.bytes\"",
        ),
        (
            &["--print", "--starting-position", "at-timestamp"],
            "lambda-kafka: --starting-position at-timestamp needs --starting-position-timestamp SECONDS",
        ),
        (
            &["--print", "--starting-position-timestamp", "1700000000"],
            "lambda-kafka: --starting-position-timestamp applies to --starting-position at-timestamp only",
        ),
        (
            &[
                "--print",
                "--starting-position",
                "at-timestamp",
                "--starting-position-timestamp",
                "-5",
            ],
            "unexpected argument '-5' found",
        ),
        (
            &["--print", "--filter", r#"{"value": {"kind": []}}"#],
            "lambda-kafka: --filter 1: at /value/kind: an empty list matches nothing",
        ),
        (
            &["--print", "--filter", r#"{"key": {"kind": ["a"]}}"#],
            "lambda-kafka: --filter 1: at /key: a Kafka filter matches the record's `value` only",
        ),
        (
            &["--print", "--on-failure-topic", "orders"],
            "lambda-kafka: --on-failure-topic orders: the on-failure topic cannot be a source topic",
        ),
        (
            &[
                "--print",
                "--on-failure-topic",
                "dlq",
                "--on-failure-dir",
                "/tmp/x",
            ],
            "lambda-kafka: --on-failure-dir and --on-failure-topic: a mapping has one on-failure destination; choose one",
        ),
        (
            &[
                "--print",
                "--on-failure-topic",
                "dlq",
                "--on-failure-destination",
                "sqs",
            ],
            "lambda-kafka: --on-failure-destination describes the files of --on-failure-dir; a topic's records have their own shape",
        ),
        (
            &["--print", "--record-format", "json"],
            "lambda-kafka: --record-format json needs a registry: --schema-registry URL or --glue-registry",
        ),
        (
            &["--print", "--kafka-config", "no.such.setting=1"],
            "lambda-kafka: cannot create the Kafka consumer: Client config error: No such configuration property: \"no.such.setting\"",
        ),
    ];
    for (args, message) in cases {
        let said = refused(args);
        assert!(said.contains(message), "{args:?}: {said}");
    }
}
