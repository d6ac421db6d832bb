//! What the end-to-end tests share: cargo-lambda's emulator with the function attached,
//! and invocations over HTTP.

#![allow(dead_code, reason = "each test file uses its own part")]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use kafka_vectors::emulator;
use serde_json::Value;

pub(crate) use kafka_vectors::emulator::Running;

pub(crate) mod broker;

pub(crate) fn emulator_available() -> bool {
    let found = Command::new("cargo")
        .args(["lambda", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var("LAMBDA_KAFKA_E2E").as_deref() != Ok("required"),
            "cargo lambda is not installed (pip install cargo-lambda)"
        );
        eprintln!("SKIPPED: cargo lambda is not installed; the end-to-end test did not run");
    }
    found
}

pub(crate) fn free_port() -> u16 {
    emulator::free_port().expect("a free port")
}

/// One emulator at a time: emulators started at once by parallel tests have been seen to
/// refuse an invocation.
pub(crate) static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A fresh emulator (abandoned invocations stay queued in one) with the function
/// attached, configured by `env`; the guard keeps other tests' emulators waiting.
pub(crate) fn start(
    env: &[(&str, &str)],
) -> (std::sync::MutexGuard<'static, ()>, Running, Running, u16) {
    start_logging(env, None)
}

/// [`start`], with the function's output (its log) written to `log`.
pub(crate) fn start_logging(
    env: &[(&str, &str)],
    log: Option<&Path>,
) -> (std::sync::MutexGuard<'static, ()>, Running, Running, u16) {
    let guard = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let port = free_port();
    let emulator = emulator::start_emulator(Path::new(env!("CARGO_MANIFEST_DIR")), port)
        .expect("cargo lambda watch starts");
    let function = Running(
        emulator::function_command(Path::new(env!("CARGO_BIN_EXE_kafka-function")), port)
            .envs(env.iter().copied())
            .stdout(log.map_or_else(Stdio::null, |path| {
                Stdio::from(std::fs::File::create(path).expect("the function's log"))
            }))
            .stderr(Stdio::null())
            .spawn()
            .expect("the function starts"),
    );
    (guard, emulator, function, port)
}

/// Invokes the function with an event file.
pub(crate) fn invoke_file(port: u16, event: &Path) -> (u16, Value) {
    let event = &event.display().to_string();
    let body = std::fs::read(event).expect("event");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let mut response = agent
        .post(&emulator::invocation_url(port))
        .send(&body[..])
        .unwrap_or_else(|e| panic!("the invocation of {event} got no answer: {e}"));
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().expect("a body");
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")),
    )
}
