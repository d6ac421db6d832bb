//! What the CLI tests share: running the program and comparing its lines with the
//! vectors' expected decodings.

#![allow(dead_code, reason = "each test file uses its own part")]

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

/// Runs `lambda-kafka` with `args`, feeding `stdin` (closed at once when `None`).
pub(crate) fn run(args: &[&str], stdin: Option<&str>) -> Output {
    run_with_env(args, stdin, &[])
}

/// [`run`] with more environment variables.
pub(crate) fn run_with_env(args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lambda-kafka"))
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(text) = stdin {
        // The program may exit before reading (a usage error): a closed pipe is fine.
        let _ = input.write_all(text.as_bytes());
    }
    drop(input);
    child.wait_with_output().expect("the binary ends")
}

/// Standard output as JSON lines.
pub(crate) fn lines(output: &Output) -> Vec<Value> {
    String::from_utf8(output.stdout.clone())
        .expect("UTF-8 output")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// Standard error as text.
pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The expected file's header form (`{"$bytes": ..}`) in the CLI's form (`{"base64": ..}`).
fn cli_headers(expected: &Value) -> Value {
    expected
        .as_array()
        .expect("headers")
        .iter()
        .map(|pair| match pair[1].get("$bytes") {
            Some(bytes) => json!([pair[0], {"base64": bytes}]),
            None => pair.clone(),
        })
        .collect()
}

/// Runs `decode` with `args` on `event` and compares every line with `expected`.
pub(crate) fn check_vector(args: &[&str], event: &Path, expected: &Path) {
    let mut all = vec!["decode"];
    all.extend_from_slice(args);
    all.push(event.to_str().expect("path"));
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
    let expected = expected["records"].as_array().expect("records");
    let got = lines(&output);
    assert_eq!(got.len(), expected.len(), "{}", event.display());
    for (got, want) in got.iter().zip(expected) {
        let at = format!("{} offset {}", event.display(), want["offset"]);
        for field in [
            "topic",
            "partition",
            "offset",
            "timestamp",
            "timestampType",
            "key",
            "value",
        ] {
            assert_eq!(got[field], want[field], "{at} {field}");
        }
        // Integers come out as the same digits, not through f64.
        assert_eq!(
            got["timestamp"].as_i64(),
            want["timestamp"].as_i64(),
            "{at}"
        );
        assert_eq!(got["headers"], cli_headers(&want["headers"]), "{at}");
    }
}
