//! `lambda-kafka decode --*-format avro`: the Avro vectors and fixtures, schemas by file
//! and by id, and the usage errors.

#![cfg(feature = "avro")]

mod common;

use common::{check_vector, run, stderr};
use kafka_vectors::powertools;
use serde_json::Value;

fn path(p: &std::path::Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

#[test]
fn avro_vectors_with_a_schema_file() {
    let dir = kafka_vectors::dir();
    let order = dir.join("schemas/order.avsc");
    let key = dir.join("schemas/order_key.avsc");
    let cases: [(&str, &[&str]); 8] = [
        ("avro_raw", &[]),
        ("avro_confluent_esm", &[]),
        ("avro_glue_esm", &[]),
        ("avro_confluent", &["--value-wire-format", "confluent"]),
        ("avro_glue", &["--value-wire-format", "glue"]),
        (
            "avro_keyed",
            &["--key-format", "avro", "--key-schema", path(&key)],
        ),
        (
            "avro_keyed_confluent",
            &[
                "--key-format",
                "avro",
                "--key-schema",
                path(&key),
                "--wire-format",
                "confluent",
            ],
        ),
        ("avro_raw", &["--value-wire-format", "plain"]),
    ];
    for (name, extra) in cases {
        let mut args = vec!["--value-format", "avro", "--value-schema", path(&order)];
        args.extend_from_slice(extra);
        check_vector(
            &args,
            &dir.join(format!("{name}.event.json")),
            &dir.join(format!("{name}.expected.json")),
        );
    }
}

#[test]
fn avro_vectors_with_a_schema_dir() {
    // 1.avsc (Order), 4.avsc (OrderKey) and <uuid>.avsc: the ids say which schema wrote each
    // payload, and let auto detection read the full framing.
    let dir = kafka_vectors::dir();
    let store = kafka_vectors::schema_dir();
    for name in [
        "avro_confluent",
        "avro_glue",
        "avro_confluent_esm",
        "avro_glue_esm",
    ] {
        check_vector(
            &["--value-format", "avro", "--schema-dir", path(&store)],
            &dir.join(format!("{name}.event.json")),
            &dir.join(format!("{name}.expected.json")),
        );
    }
    check_vector(
        &[
            "--key-format",
            "avro",
            "--value-format",
            "avro",
            "--schema-dir",
            path(&store),
        ],
        &dir.join("avro_keyed_confluent.event.json"),
        &dir.join("avro_keyed_confluent.expected.json"),
    );
}

#[test]
fn powertools_avro_fixtures() {
    let Some(dir) = powertools() else { return };
    let index: Value =
        serde_json::from_slice(&std::fs::read(dir.join("index.json")).expect("index"))
            .expect("JSON");
    let mut checked = 0;
    for fixture in index.as_array().expect("list") {
        if fixture["value_format"] != "avro" {
            continue;
        }
        let schema = dir.join("..").join(
            fixture["peer_config"]["value"]["schema"]
                .as_str()
                .expect("schema"),
        );
        let wire = if fixture["framing"] == "glue" {
            "glue"
        } else {
            "auto"
        };
        check_vector(
            &[
                "--value-format",
                "avro",
                "--value-schema",
                path(&schema),
                "--value-wire-format",
                wire,
            ],
            &dir.join(fixture["event"].as_str().expect("event")),
            &dir.join(fixture["expected"].as_str().expect("expected")),
        );
        checked += 1;
    }
    assert_eq!(checked, 3);
}

#[test]
fn avro_usage_errors_exit_64() {
    let event = kafka_vectors::dir().join("avro_raw.event.json");
    let event = path(&event);
    let cases: [(&[&str], &str); 4] = [
        (
            &["decode", "--value-format", "avro", event],
            "lambda-kafka: --value-format avro needs a schema: --value-schema FILE.avsc, --schema-dir DIR of <id>.avsc writer schemas, or --schema-registry URL\n",
        ),
        (
            &[
                "decode",
                "--value-format",
                "avro",
                "--value-schema",
                "/nonexistent.avsc",
                event,
            ],
            "lambda-kafka: --value-schema /nonexistent.avsc: configuration: cannot read /nonexistent.avsc: No such file or directory (os error 2)\n",
        ),
        (
            &[
                "decode",
                "--value-format",
                "avro",
                "--schema-dir",
                "/nonexistent",
                event,
            ],
            "lambda-kafka: configuration: cannot read the schema directory /nonexistent: No such file or directory (os error 2)\n",
        ),
        (
            &[
                "decode",
                "--key-format",
                "avro",
                "--key-message",
                "x.Y",
                event,
            ],
            "lambda-kafka: --key-message applies to protobuf, not to --key-format avro\n",
        ),
    ];
    for (args, message) in cases {
        let output = run(args, None);
        assert_eq!(output.status.code(), Some(64), "{args:?}");
        assert_eq!(stderr(&output), message, "{args:?}");
    }
    let bad = std::env::temp_dir().join(format!("bad-{}.avsc", std::process::id()));
    std::fs::write(
        &bad,
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"strng"}]}"#,
    )
    .expect("write");
    let output = run(
        &[
            "decode",
            "--value-format",
            "avro",
            "--value-schema",
            path(&bad),
            event,
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(64));
    assert!(
        stderr(&output).starts_with(&format!(
            "lambda-kafka: --value-schema {}: cannot parse the Avro schema: schema: ",
            bad.display()
        )),
        "{}",
        stderr(&output)
    );
    std::fs::remove_file(bad).expect("remove");
}

#[test]
fn a_wrong_schema_fails_the_record() {
    let dir = kafka_vectors::dir();
    let key = dir.join("schemas/order_key.avsc");
    let output = run(
        &[
            "decode",
            "--value-format",
            "avro",
            "--value-schema",
            path(&key),
            "--keep-going",
            path(&dir.join("avro_raw.event.json")),
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    let first: Value = serde_json::from_str(
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .next()
            .expect("a line"),
    )
    .expect("JSON");
    assert_eq!(first["error"]["kind"], "deserialization");
    assert_eq!(first["error"]["part"], "value");
    let message = first["error"]["message"].as_str().expect("message");
    assert!(
        message.starts_with(
            "topic \"orders\", partition 0, offset 1000, value: cannot decode as Avro: "
        ),
        "{message}"
    );
    // A long read as a string length: refused, and the number, which is payload data
    // here, is not in the message.
    assert!(
        message.ends_with("a string is longer than the 62 bytes left"),
        "{message}"
    );
    assert!(!message.contains("902254243636"), "{message}");
}

/// `--schema-registry`: writer schemas fetched by id and GUID from a registry at run time,
/// on the records confluent-kafka wrote, against the test registry.
#[test]
fn avro_with_a_schema_registry() {
    let server = kafka_vectors::registry::TestRegistry::start(kafka_vectors::confluent_registry());
    let dir = kafka_vectors::dir();
    check_vector(
        &[
            "--key-format",
            "avro",
            "--value-format",
            "avro",
            "--wire-format",
            "confluent",
            "--schema-registry",
            server.url(),
        ],
        &dir.join("avro_confluent_ids.event.json"),
        &dir.join("avro_confluent_ids.expected.json"),
    );
    assert_eq!(server.requests().len(), 4, "{:?}", server.requests());

    // Credentials from the environment; a refusal fails the records that need it.
    server.require_auth("Basic dTpw");
    let event = std::fs::read_to_string(dir.join("avro_confluent_ids.event.json")).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_lambda-kafka"))
        .args([
            "decode",
            "--value-format",
            "avro",
            "--value-wire-format",
            "confluent",
            "--schema-registry",
            server.url(),
            "--keep-going",
            "-",
        ])
        .env("SCHEMA_REGISTRY_AUTH", "u:wrong")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write as _;
            child.stdin.take().unwrap().write_all(event.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let lines = common::lines(&output);
    let error = &lines[0]["error"];
    assert_eq!(error["kind"], "schema-registry");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("with 401 (error_code 401: Unauthorized)"),
        "{error}"
    );
    assert!(!error["message"].as_str().unwrap().contains("wrong"));
    let usage = run(
        &[
            "decode",
            "--value-format",
            "avro",
            "--schema-registry",
            "ftp://x",
        ],
        Some(&event),
    );
    assert_eq!(usage.status.code(), Some(64));
    assert_eq!(
        stderr(&usage),
        "lambda-kafka: --schema-registry: the schema registry URL ftp://x is not http:// or https://\n"
    );
}

/// `--glue-registry`: writer schemas by schema-version UUID from AWS Glue (moto's server,
/// through `AWS_ENDPOINT_URL_GLUE`), on records the Glue SerDe wrote against it.
#[test]
fn avro_with_the_glue_registry() {
    let Some(moto) = kafka_vectors::moto::Moto::start("the CLI's --glue-registry") else {
        return;
    };
    let Some(records) = moto.glue_serde_records("cli-registry", 2) else {
        return;
    };
    let mut builder = kafka_core::testing::EventBuilder::msk();
    for (offset, record) in records.iter().enumerate() {
        builder = builder.record(
            kafka_core::testing::RecordBuilder::new("orders", 0, i64::try_from(offset).unwrap())
                .raw_base64(kafka_core::Part::Value, record["value"].as_str().unwrap()),
        );
    }
    let output = common::run_with_env(
        &[
            "decode",
            "--value-format",
            "avro",
            "--value-wire-format",
            "glue",
            "--glue-registry",
        ],
        Some(&builder.to_json()),
        &[
            ("AWS_ENDPOINT_URL_GLUE", moto.endpoint()),
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_REGION", "us-east-1"),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines = common::lines(&output);
    for (line, record) in lines.iter().zip(&records) {
        assert_eq!(line["value"], record["expected"]);
    }
    let both = run(
        &["decode", "--schema-registry", "http://x", "--glue-registry"],
        Some("{}"),
    );
    assert_eq!(both.status.code(), Some(64));
    assert!(
        stderr(&both).contains("cannot be used with"),
        "{}",
        stderr(&both)
    );
}
