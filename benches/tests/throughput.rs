//! The `throughput` binary on small generated events: its output line, each mode, and its
//! usage errors.

#![allow(clippy::unwrap_used, reason = "test helpers")]

use std::path::PathBuf;
use std::process::Command;

use lambda_kafka_bench::{Payloads, big_event};

fn event(name: &str, payloads: Payloads) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lambda-kafka-throughput-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, big_event(40, 7, payloads)).unwrap();
    path
}

fn run(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_throughput"))
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn every_format_and_mode_prints_one_json_line() {
    let json = event("json.event.json", Payloads::Json);
    let avro = event("avro.event.json", Payloads::AvroConfluent);
    let proto = event("proto.event.json", Payloads::ProtobufConfluentEsm);
    let cases: &[(&PathBuf, &str, &str)] = &[
        (&json, "json", "none"),
        (&avro, "avro", "confluent"),
        (&proto, "protobuf", "confluent-esm"),
    ];
    for (path, format, wire) in cases {
        for mode in [
            &["--floor"][..],
            &["--typed", "order"],
            &["--dynamic"],
            &["--typed", "order", "--parsed"],
            &["--dynamic", "--parsed"],
            &["--typed", "order", "--vs-floor"],
            &["--borrowed", "order", "--vs-floor"],
            &["--borrowed", "order", "--parsed"],
            &["--envelope"],
            &["--envelope", "--vs-floor"],
        ] {
            if *format == "protobuf" && mode[0] == "--borrowed" {
                continue;
            }
            let mut args = vec![
                "--event",
                path.to_str().unwrap(),
                "--value-format",
                format,
                "--wire-format",
                wire,
                "--iterations",
                "3",
                "--warmup",
                "1",
            ];
            args.extend(mode);
            let (code, stdout, stderr) = run(&args);
            assert_eq!(code, 0, "{args:?}: {stderr}");
            let line: serde_json::Value =
                serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
            assert_eq!(line["records"], 40, "{args:?}");
            assert_eq!(line["iterations"], 3, "{args:?}");
            let median = line["median"].as_f64().unwrap();
            assert!(median > 0.0);
            assert_eq!(line["records_per_sec"].as_f64(), Some(median));
            assert!(line["min"].as_f64().unwrap() <= median);
            assert!(line["max"].as_f64().unwrap() >= median);
            assert!(line["min_s"].as_f64().unwrap() <= line["median_s"].as_f64().unwrap());
            assert!(line["peak_rss_kb"].as_u64().unwrap() > 0, "{line}");
            if mode.contains(&"--vs-floor") {
                assert!(line["floor_median_s"].as_f64().unwrap() > 0.0, "{line}");
                assert!(line["vs_floor"].as_f64().unwrap() > 0.0, "{line}");
            } else {
                assert!(line.get("vs_floor").is_none(), "{line}");
            }
        }
    }
}

#[test]
fn a_record_that_does_not_decode_fails_the_run() {
    // Avro values read as JSON.
    let avro = event("wrong.event.json", Payloads::Avro);
    let (code, stdout, stderr) = run(&[
        "--event",
        avro.to_str().unwrap(),
        "--value-format",
        "json",
        "--typed",
        "order",
        "--iterations",
        "1",
    ]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(
        stderr.starts_with(
            "throughput: topic \"orders\", partition 0, offset 0, value: cannot decode as JSON"
        ),
        "{stderr}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, stderr) = run(&["--value-format", "json"]);
    assert_eq!(code, 2);
    assert!(stderr.starts_with("--event is required"), "{stderr}");
    let (code, _, stderr) = run(&[
        "--event",
        "x",
        "--value-format",
        "json",
        "--typed",
        "invoice",
    ]);
    assert_eq!(code, 2);
    assert_eq!(stderr.trim(), "--typed: unknown type invoice (only order)");
    let (code, _, stderr) = run(&[
        "--event",
        "x",
        "--value-format",
        "json",
        "--wire-format",
        "zip",
    ]);
    assert_eq!(code, 2);
    assert_eq!(stderr.trim(), "--wire-format: unknown wire format zip");
    let json = event("floor.event.json", Payloads::Json);
    let (code, _, stderr) = run(&[
        "--event",
        json.to_str().unwrap(),
        "--value-format",
        "json",
        "--floor",
        "--parsed",
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr.trim(),
        "throughput: --parsed does not apply to --floor and --envelope, which time the envelope parse"
    );
    let floor = |mode: &[&str]| {
        let mut args = vec!["--event", json.to_str().unwrap(), "--value-format", "json"];
        args.extend(mode);
        run(&args)
    };
    let (code, _, stderr) = floor(&["--floor", "--vs-floor"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr.trim(),
        "throughput: --vs-floor does not apply to --floor, which is the floor"
    );
    let proto = event("borrowed-proto.event.json", Payloads::ProtobufConfluentEsm);
    let (code, _, stderr) = run(&[
        "--event",
        proto.to_str().unwrap(),
        "--value-format",
        "protobuf",
        "--borrowed",
        "order",
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr.trim(),
        "throughput: --borrowed: JSON and Avro values lend, protobuf values do not"
    );
    let (code, _, stderr) = floor(&["--borrowed", "invoice"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr.trim(),
        "--borrowed: unknown type invoice (only order)"
    );
    let (code, _, stderr) = run(&["--event", "/nonexistent", "--value-format", "xml"]);
    assert_eq!(code, 1);
    assert!(stderr.starts_with("throughput: /nonexistent: "), "{stderr}");
}

#[test]
fn allocs_counts_fewer_allocations_when_values_are_lent() {
    for (name, payloads, format) in [
        ("allocs-json.event.json", Payloads::Json, "json"),
        ("allocs-avro.event.json", Payloads::Avro, "avro"),
    ] {
        let path = event(name, payloads);
        let output = Command::new(env!("CARGO_BIN_EXE_allocs"))
            .args(["--event", path.to_str().unwrap(), "--value-format", format])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let per_record: std::collections::BTreeMap<String, f64> = String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .map(|line| {
                let row: serde_json::Value = serde_json::from_str(line).unwrap();
                assert_eq!(row["records"], 40, "{row}");
                (
                    row["case"].as_str().unwrap().to_owned(),
                    row["allocations_per_record"].as_f64().unwrap(),
                )
            })
            .collect();
        let cases: Vec<&str> = per_record.keys().map(String::as_str).collect();
        assert_eq!(cases, ["borrowed", "dynamic", "envelope", "typed"]);
        assert!(
            per_record["borrowed"] < per_record["typed"],
            "{format}: {per_record:?}"
        );
        assert!(
            per_record["typed"] < per_record["dynamic"],
            "{format}: {per_record:?}"
        );
    }
    let output = Command::new(env!("CARGO_BIN_EXE_allocs")).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr).trim(),
        "usage: allocs --event FILE --value-format json|avro"
    );
}

#[test]
fn growth_prints_a_row_per_batch_and_value_size() {
    let output = Command::new(env!("CARGO_BIN_EXE_growth"))
        .args(["--max-event-mb", "1"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let table = String::from_utf8(output.stdout).unwrap();
    let rows: Vec<&str> = table.lines().filter(|l| l.starts_with("| 1")).collect();
    assert_eq!(rows.len(), 9, "{table}");
    assert!(rows[0].starts_with("| 1 | 100 B | "), "{table}");
    assert!(rows[2].contains("over 1 MB: not made"), "{table}");
    let output = Command::new(env!("CARGO_BIN_EXE_growth"))
        .args(["--max-event-mb", "lots"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr).trim(),
        "--max-event-mb: not a number: lots"
    );
}
