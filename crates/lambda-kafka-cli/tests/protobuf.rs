//! `lambda-kafka decode --*-format protobuf`: the Protobuf vectors and fixtures, messages
//! by name and by index path, descriptor sets, and the usage errors.

#![cfg(feature = "protobuf")]

mod common;

use std::path::Path;

use common::{run, stderr};
use kafka_protobuf::dynamic::ProtoSchema;
use kafka_protobuf::testing::canonical_json;
use kafka_vectors::powertools;
use prost_reflect::{DescriptorPool, DynamicMessage};
use serde_json::Value;

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// The message a line's proto3 JSON reads as, in the expected files' canonical form.
fn canonical(pool: &DescriptorPool, message: &str, json: &Value) -> Value {
    let descriptor = pool.get_message_by_name(message).expect("message");
    let message =
        DynamicMessage::deserialize(descriptor, json).expect("proto3 JSON of the message");
    canonical_json(&message)
}

/// Runs `decode` and compares values (read back from their proto3 JSON) with `expected`.
fn check(
    args: &[&str],
    event: &Path,
    expected: &Path,
    proto: &Path,
    key_message: Option<&str>,
    value_message: &str,
) {
    let include = proto.parent().expect("folder");
    let pool = protox::compile([proto], [include]).expect("compiles");
    let pool = DescriptorPool::from_file_descriptor_set(pool).expect("pool");
    let mut all = vec!["decode"];
    all.extend_from_slice(args);
    all.push(path(event));
    let output = run(&all, None);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}: {}",
        event.display(),
        stderr(&output)
    );
    let expected: Value =
        serde_json::from_slice(&std::fs::read(expected).expect("expected")).expect("JSON");
    let lines: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let wanted = expected["records"].as_array().expect("records");
    assert_eq!(lines.len(), wanted.len(), "{}", event.display());
    for (got, want) in lines.iter().zip(wanted) {
        let at = format!("{} offset {}", event.display(), want["offset"]);
        assert_eq!(
            canonical(&pool, value_message, &got["value"]),
            want["value"],
            "{at}"
        );
        match key_message {
            Some(message) if !got["key"].is_null() => {
                assert_eq!(canonical(&pool, message, &got["key"]), want["key"], "{at}");
            }
            _ => assert_eq!(got["key"], want["key"], "{at}"),
        }
    }
}

#[test]
fn protobuf_vectors() {
    let dir = kafka_vectors::dir();
    let proto = dir.join("schemas/order.proto");
    let schema = ["--value-format", "protobuf", "--value-schema", path(&proto)];
    for name in [
        "protobuf_raw",
        "protobuf_raw_meta",
        "protobuf_confluent",
        "protobuf_confluent_esm",
        "protobuf_glue_esm",
    ] {
        let mut args = schema.to_vec();
        args.extend(["--value-message", "orders.v1.Order"]);
        check(
            &args,
            &dir.join(format!("{name}.event.json")),
            &dir.join(format!("{name}.expected.json")),
            &proto,
            None,
            "orders.v1.Order",
        );
    }
    // No message named: the index path `[0]` picks Order.
    for name in ["protobuf_confluent", "protobuf_confluent_esm"] {
        check(
            &schema,
            &dir.join(format!("{name}.event.json")),
            &dir.join(format!("{name}.expected.json")),
            &proto,
            None,
            "orders.v1.Order",
        );
    }
    let keyed = [
        "--key-format",
        "protobuf",
        "--key-schema",
        path(&proto),
        "--key-message",
        "orders.v1.OrderKey",
        "--value-format",
        "protobuf",
        "--value-schema",
        path(&proto),
        "--value-message",
        "orders.v1.Order",
    ];
    check(
        &keyed,
        &dir.join("protobuf_keyed.event.json"),
        &dir.join("protobuf_keyed.expected.json"),
        &proto,
        Some("orders.v1.OrderKey"),
        "orders.v1.Order",
    );
}

#[test]
fn a_descriptor_set_instead_of_a_proto() {
    let dir = kafka_vectors::dir();
    let proto = dir.join("schemas/order.proto");
    let set = protox::compile([&proto], [proto.parent().expect("folder")]).expect("compiles");
    let file = std::env::temp_dir().join(format!("order-{}.pb", std::process::id()));
    std::fs::write(&file, prost::Message::encode_to_vec(&set)).expect("write");
    check(
        &[
            "--value-format",
            "protobuf",
            "--value-schema",
            path(&file),
            "--value-message",
            "orders.v1.Order",
        ],
        &dir.join("protobuf_raw.event.json"),
        &dir.join("protobuf_raw.expected.json"),
        &proto,
        None,
        "orders.v1.Order",
    );
    std::fs::remove_file(file).expect("remove");
    assert!(ProtoSchema::from_files(&[&proto], &[proto.parent().expect("folder")]).is_ok());
}

#[test]
fn powertools_protobuf_fixtures() {
    let Some(dir) = powertools() else { return };
    let index: Value =
        serde_json::from_slice(&std::fs::read(dir.join("index.json")).expect("index"))
            .expect("JSON");
    let mut checked = 0;
    for fixture in index.as_array().expect("list") {
        if fixture["value_format"] != "protobuf" {
            continue;
        }
        let name = fixture["name"].as_str().expect("name");
        let config = &fixture["peer_config"]["value"];
        let proto = dir
            .join("..")
            .join(config["schema"].as_str().expect("schema"));
        let message = config["message"].as_str().expect("message");
        let event = dir.join(fixture["event"].as_str().expect("event"));
        let expected_path = dir.join(fixture["expected"].as_str().expect("expected"));
        let expected: Value =
            serde_json::from_slice(&std::fs::read(&expected_path).expect("expected"))
                .expect("JSON");
        let failing = expected["records"]
            .as_array()
            .expect("records")
            .iter()
            .any(|r| r.get("value_error").is_some());
        let args = [
            "--value-format",
            "protobuf",
            "--value-schema",
            path(&proto),
            "--value-message",
            message,
        ];
        if failing || name == "dotnet_protobuf_glue" {
            // Records the reference decoder rejects (or that prost rejects for their
            // mismatched wire types) are reported, and the others decoded.
            let mut all = vec!["decode", "--keep-going"];
            all.extend_from_slice(&args);
            all.push(path(&event));
            let output = run(&all, None);
            assert_eq!(output.status.code(), Some(2), "{name}");
            let text = String::from_utf8_lossy(&output.stdout).into_owned();
            assert!(
                text.lines()
                    .any(|l| l.contains("\"kind\":\"deserialization\"")),
                "{name}: {text}"
            );
        } else {
            check(&args, &event, &expected_path, &proto, None, message);
        }
        checked += 1;
    }
    assert_eq!(checked, 8);
}

#[test]
fn protobuf_usage_errors_exit_64() {
    let dir = kafka_vectors::dir();
    let event = dir.join("protobuf_raw.event.json");
    let proto = dir.join("schemas/order.proto");
    let cases: [(Vec<&str>, String); 3] = [
        (
            vec!["decode", "--value-format", "protobuf", path(&event)],
            "lambda-kafka: --value-format protobuf needs --value-schema FILE.proto (or a FileDescriptorSet)\n".to_owned(),
        ),
        (
            vec!["decode", "--value-format", "protobuf", "--value-schema", path(&proto), "--value-message", "orders.v1.Nope", path(&event)],
            format!(
                "lambda-kafka: --value-schema {}: configuration: no message orders.v1.Nope in order.proto; it has orders.v1.Address, orders.v1.LineItem, orders.v1.Order, orders.v1.OrderKey\n",
                proto.display()
            ),
        ),
        (
            vec!["decode", "--value-format", "protobuf", "--value-schema", "/nonexistent.pb", path(&event)],
            "lambda-kafka: --value-schema /nonexistent.pb: configuration: cannot read /nonexistent.pb: No such file or directory (os error 2)\n".to_owned(),
        ),
    ];
    for (args, message) in cases {
        let output = run(&args, None);
        assert_eq!(output.status.code(), Some(64), "{args:?}");
        assert_eq!(stderr(&output), message, "{args:?}");
    }
}

/// `--schema-registry` with Protobuf: the registry's `.proto` of each id compiled at run
/// time, the message picked by the index path, no `--value-schema` needed.
#[test]
fn protobuf_with_a_schema_registry() {
    let server = kafka_vectors::registry::TestRegistry::start(kafka_vectors::confluent_registry());
    let event =
        std::fs::read_to_string(kafka_vectors::dir().join("protobuf_confluent_ids.event.json"))
            .unwrap();
    let output = run(
        &[
            "decode",
            "--value-format",
            "protobuf",
            "--schema-registry",
            server.url(),
        ],
        Some(&event),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines = common::lines(&output);
    assert_eq!(lines.len(), 10);
    assert!(lines[0]["value"]["orderId"].is_string(), "{}", lines[0]);
    assert_eq!(server.requests().len(), 2);
}
