//! Project tasks, run as `cargo xtask <task>`:
//!
//! - `ci`: everything CI checks, in order: format, clippy, tests, doctests, rustdoc, the
//!   examples, the feature powerset of each crate, and cargo-deny when it is installed.
//! - `powerset`: only the feature powerset (`cargo hack check --feature-powerset`).
//! - `examples`: only the examples.
//!
//! Each step prints what it runs; the first failure stops the task with its exit status.

use std::process::{Command, ExitCode};
use std::time::Instant;

/// The packages whose feature sets are checked one by one. A package is checked alone:
/// a workspace-wide check would hide gaps, because examples and dev-dependencies turn
/// features on.
const PACKAGES: &[&str] = &[
    "kafka-core",
    "kafka-json",
    "lambda-kafka",
    "lambda-kafka-cli",
];

/// The examples, each run once.
const EXAMPLES: &[&str] = &[
    "quickstart",
    "getting_started_json",
    "key_and_value",
    "primitive_key",
    "record_metadata",
];

fn main() -> ExitCode {
    let task = std::env::args().nth(1).unwrap_or_default();
    let result = match task.as_str() {
        "ci" => ci(),
        "powerset" => powerset(),
        "examples" => examples(),
        _ => {
            eprintln!("usage: cargo xtask ci | powerset | examples");
            return ExitCode::from(64);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(step) => {
            eprintln!("xtask: failed: {step}");
            ExitCode::FAILURE
        }
    }
}

/// Runs `cargo` with `args` (and extra environment), failing with the command line.
fn cargo(args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let line = format!("cargo {}", args.join(" "));
    let env_text: String = env.iter().map(|(k, v)| format!("{k}={v} ")).collect();
    eprintln!("\n==> {env_text}{line}");
    let started = Instant::now();
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .envs(env.iter().copied())
        .status()
        .map_err(|e| format!("{line}: {e}"))?;
    eprintln!("    ({:.1} s)", started.elapsed().as_secs_f64());
    if status.success() { Ok(()) } else { Err(line) }
}

fn ci() -> Result<(), String> {
    cargo(&["fmt", "--all", "--check"], &[])?;
    cargo(
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    // Unit, integration and doc tests of every crate with every feature on.
    cargo(
        &["test", "--workspace", "--all-features", "--no-fail-fast"],
        &[],
    )?;
    // And the facade alone with its default features, as most users build it.
    cargo(&["test", "-p", "lambda-kafka", "--doc"], &[])?;
    cargo(
        &["doc", "--workspace", "--no-deps", "--all-features"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    examples()?;
    powerset()?;
    deny()
}

fn examples() -> Result<(), String> {
    for example in EXAMPLES {
        cargo(
            &["run", "--quiet", "-p", "lambda-kafka", "--example", example],
            &[],
        )?;
    }
    Ok(())
}

fn powerset() -> Result<(), String> {
    for package in PACKAGES {
        cargo(
            &[
                "hack",
                "check",
                "--package",
                package,
                "--feature-powerset",
                "--depth",
                "2",
                "--no-dev-deps",
            ],
            &[],
        )?;
    }
    Ok(())
}

/// Licenses, bans and sources. Advisories are left out: they need the advisory database,
/// which is downloaded from the internet, and CI has no internet.
fn deny() -> Result<(), String> {
    let installed = Command::new("cargo-deny")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        eprintln!("\n==> cargo deny: not installed, skipped (cargo install --locked cargo-deny)");
        return Ok(());
    }
    cargo(&["deny", "check", "licenses", "bans", "sources"], &[])
}
