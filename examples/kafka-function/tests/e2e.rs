//! `kafka-function` under cargo-lambda's Lambda runtime emulator: a real Runtime API, the
//! function binary pointed at it, and invocations over HTTP.
//!
//! Needs `cargo lambda` (`pip install cargo-lambda`). Without it the tests say they were
//! skipped, unless `LAMBDA_KAFKA_E2E=required` (as `.ci/run` sets), which makes that a
//! failure.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

mod common;

use common::{emulator_available, invoke_file, start};

/// Invokes the function with a bundled event; returns the status and the JSON body.
fn invoke(port: u16, event: &str) -> (u16, Value) {
    invoke_file(
        port,
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("events")
            .join(event),
    )
}

#[test]
fn a_clean_batch_has_no_failures() {
    if !emulator_available() {
        return;
    }
    let (_guard, _emulator, _function, port) = start(&[("VALUE_FORMAT", "json")]);
    assert_eq!(
        invoke(port, "clean.json"),
        (200, json!({"batchItemFailures": []}))
    );
}

#[test]
fn poison_records_are_listed_exactly() {
    if !emulator_available() {
        return;
    }
    let (guard, emulator, function, port) = start(&[("VALUE_FORMAT", "json")]);
    assert_eq!(
        invoke(port, "poison.json"),
        (
            200,
            json!({"batchItemFailures": [
                {"itemIdentifier": {"partition": "orders-0", "offset": 11}},
                {"itemIdentifier": {"partition": "orders-1", "offset": 20}}
            ]})
        )
    );
    drop((function, emulator, guard));
    // Read as bytes, every value decodes: only the broken base64 fails.
    let (_guard, _emulator, _function, port) = start(&[("VALUE_FORMAT", "bytes")]);
    let (status, body) = invoke(port, "poison.json");
    assert_eq!(status, 200);
    assert_eq!(
        body["batchItemFailures"].as_array().map(Vec::len),
        Some(1),
        "{body}"
    );
}

#[test]
fn an_invalid_event_is_an_error_with_its_type() {
    if !emulator_available() {
        return;
    }
    let (_guard, _emulator, _function, port) = start(&[]);
    let (status, body) = invoke(port, "not-kafka.json");
    assert_eq!(status, 500);
    assert_eq!(body["errorType"], "invalid-event");
    assert_eq!(
        body["errorMessage"],
        "not a Lambda Kafka event: missing field `records` at line 8 column 1"
    );
}

#[test]
fn bad_configuration_fails_the_cold_start() {
    let output = Command::new(env!("CARGO_BIN_EXE_kafka-function"))
        .env("VALUE_FORMAT", "xml")
        .env("AWS_LAMBDA_RUNTIME_API", "http://127.0.0.1:9/.rt/none")
        .output()
        .expect("the function runs");
    assert!(!output.status.success());
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        text.contains(
            r#"VALUE_FORMAT: unknown format "xml": expected string, json, avro, protobuf or bytes"#
        ),
        "{text}"
    );
}

#[test]
fn an_otlp_protocol_other_than_http_protobuf_fails_the_cold_start() {
    let output = Command::new(env!("CARGO_BIN_EXE_kafka-function"))
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317")
        .env("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
        .env("AWS_LAMBDA_RUNTIME_API", "http://127.0.0.1:9/.rt/none")
        .output()
        .expect("the function runs");
    assert!(!output.status.success());
    let text = String::from_utf8_lossy(&output.stderr);
    assert!(
        text.contains(
            "OTEL_EXPORTER_OTLP_PROTOCOL=grpc: this function exports over http/protobuf only"
        ),
        "{text}"
    );
}

#[test]
fn avro_writer_schemas_come_from_the_registry_at_run_time() {
    if !emulator_available() {
        return;
    }
    let registry =
        kafka_vectors::registry::TestRegistry::start(kafka_vectors::confluent_registry());
    let event = kafka_vectors::dir().join("avro_confluent_ids.event.json");
    let env = [
        ("KEY_FORMAT", "avro"),
        ("VALUE_FORMAT", "avro"),
        ("WIRE_FORMAT", "confluent"),
        ("SCHEMA_REGISTRY_URL", registry.url()),
    ];
    let (guard, emulator, function, port) = start(&env);
    assert_eq!(
        invoke_file(port, &event),
        (200, json!({"batchItemFailures": []}))
    );
    // Two schemas (key, value), each by id and by GUID; the second batch fetches nothing.
    assert_eq!(registry.requests().len(), 4);
    assert_eq!(invoke_file(port, &event).0, 200);
    assert_eq!(registry.requests().len(), 4);
    drop((function, emulator, guard));

    // A registry that fails: every record with a key or value to read is retried.
    let down = kafka_vectors::registry::TestRegistry::start(Vec::new());
    down.misbehave(
        "/",
        kafka_vectors::registry::Misbehave::Status(503, "{}".into()),
    );
    let env = [
        ("KEY_FORMAT", "avro"),
        ("VALUE_FORMAT", "avro"),
        ("WIRE_FORMAT", "confluent"),
        ("SCHEMA_REGISTRY_URL", down.url()),
    ];
    let (_guard, _emulator, _function, port) = start(&env);
    let (status, body) = invoke_file(port, &event);
    assert_eq!(status, 200);
    assert_eq!(
        body["batchItemFailures"].as_array().map(Vec::len),
        Some(6),
        "{body}"
    );
}

#[test]
fn avro_writer_schemas_come_from_aws_glue() {
    if !emulator_available() {
        return;
    }
    let Some(moto) = kafka_vectors::moto::Moto::start("kafka-function's GLUE_REGISTRY") else {
        return;
    };
    let Some(records) = moto.glue_serde_records("function-registry", 3) else {
        return;
    };
    let partition: Vec<Value> = records
        .iter()
        .enumerate()
        .map(|(offset, r)| {
            json!({"topic": "orders", "partition": 0, "offset": offset, "timestamp": 1,
                   "timestampType": "CREATE_TIME", "value": r["value"], "headers": []})
        })
        .collect();
    let event = json!({"eventSource": "aws:kafka", "records": {"orders-0": partition}});
    let path = std::env::temp_dir().join(format!("glue-event-{}.json", std::process::id()));
    std::fs::write(&path, event.to_string()).expect("event file");
    let env = [
        ("VALUE_FORMAT", "avro"),
        ("VALUE_WIRE_FORMAT", "glue"),
        ("GLUE_REGISTRY", "true"),
        ("AWS_ENDPOINT_URL_GLUE", moto.endpoint()),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_REGION", "us-east-1"),
    ];
    let (_guard, _emulator, _function, port) = start(&env);
    let answer = invoke_file(port, &path);
    let _ = std::fs::remove_file(&path);
    assert_eq!(answer, (200, json!({"batchItemFailures": []})));
}

#[test]
fn registry_credentials_come_from_the_mappings_secret() {
    if !emulator_available() {
        return;
    }
    let Some(moto) = kafka_vectors::moto::Moto::start("kafka-function's SCHEMA_REGISTRY_SECRET")
    else {
        return;
    };
    // The secret, written as the event source mapping's BASIC_AUTH secret is.
    let created = Command::new("python3")
        .args([
            "-c",
            "import boto3,sys; boto3.client('secretsmanager', endpoint_url=sys.argv[1], region_name='us-east-1', \
             aws_access_key_id='testing', aws_secret_access_key='testing').create_secret(Name='registry', \
             SecretString='{\"username\":\"key\",\"password\":\"s3cret\"}')",
            moto.endpoint(),
        ])
        .status()
        .is_ok_and(|s| s.success());
    assert!(created, "the secret was created in moto");
    let registry =
        kafka_vectors::registry::TestRegistry::start(kafka_vectors::confluent_registry());
    registry.require_auth("Basic a2V5OnMzY3JldA==");
    let event = kafka_vectors::dir().join("avro_confluent_ids.event.json");
    let env = [
        ("KEY_FORMAT", "avro"),
        ("VALUE_FORMAT", "avro"),
        ("WIRE_FORMAT", "confluent"),
        ("SCHEMA_REGISTRY_URL", registry.url()),
        ("SCHEMA_REGISTRY_SECRET", "registry"),
        ("AWS_ENDPOINT_URL_SECRETS_MANAGER", moto.endpoint()),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_REGION", "us-east-1"),
    ];
    let (_guard, _emulator, _function, port) = start(&env);
    assert_eq!(
        invoke_file(port, &event),
        (200, json!({"batchItemFailures": []}))
    );
}
