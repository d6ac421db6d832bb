//! Project tasks, run as `cargo xtask <task>`:
//!
//! - `ci`: everything CI checks, in order: format, clippy, tests, doctests, rustdoc, the
//!   examples, a type check of the fuzz targets, the feature powerset of each crate,
//!   `cargo package` of the publishable crates, the public API against its snapshot, and
//!   cargo-deny when it is installed.
//! - `api [--bless]`: the public API of each published library crate against its
//!   snapshot in `api/` (`cargo public-api`); `--bless` rewrites the snapshots.
//! - `powerset`: only the feature powerset (`cargo hack check --feature-powerset`).
//! - `examples`: only the examples.
//! - `fuzz [SECONDS] [TARGET...]`: each cargo-fuzz target (all of `fuzz/` by default) for
//!   SECONDS (60 by default). Needs `cargo install cargo-fuzz`; the targets need nightly
//!   compiler flags, which `RUSTC_BOOTSTRAP=1` allows on the stable toolchain.
//!
//! - `bench-peers [N] [RUNS] [WARMUP]`: the throughput of our typed, dynamic and floor
//!   decoding against the TypeScript and Python Powertools consumers, on the same events in
//!   one run (needs `../shared/bench`, Python and Node), the cost-growth table, and the
//!   cold-start table.
//! - `cold-start [RUNS]`: only the cold-start table (exec to the first decoded batch, and
//!   binary sizes, beside the Powertools peers'; needs cargo-lambda).
//!
//! Each step prints what it runs; the first failure stops the task with its exit status.

mod api;
mod bench;
mod cold_start;
mod fuzz;

use std::process::{Command, ExitCode};
use std::time::Instant;

/// The packages whose feature sets are checked one by one. A package is checked alone:
/// a workspace-wide check would hide gaps, because examples and dev-dependencies turn
/// features on.
const PACKAGES: &[&str] = &[
    "kafka-core",
    "kafka-json",
    "kafka-avro",
    "kafka-protobuf",
    "kafka-idempotency",
    "kafka-registry",
    "lambda-kafka",
    "lambda-kafka-cli",
];

/// The examples, each run once, with the features they need.
const EXAMPLES: &[(&str, &str)] = &[
    ("quickstart", "json"),
    ("getting_started_json", "json"),
    ("key_and_value", "json"),
    ("primitive_key", "json"),
    ("record_metadata", "json"),
    ("getting_started_avro", "avro"),
    ("avro_key_and_value", "avro"),
    ("avro_schema_evolution", "avro,testing"),
    ("protobuf_dynamic", "protobuf-dynamic"),
    ("avro_registry", "avro,confluent-registry,testing"),
    ("validation", "json,garde"),
    ("idempotency", "json,runtime,dynamodb"),
];

/// Examples that are Lambda functions: built, not run (they wait for a Runtime API).
const FUNCTIONS: &[(&str, &str)] = &[("partial_batch_response", "json,runtime")];

fn main() -> ExitCode {
    let task = std::env::args().nth(1).unwrap_or_default();
    let result = match task.as_str() {
        "ci" => ci(),
        "api" => api::run(&std::env::args().skip(2).collect::<Vec<_>>()),
        "powerset" => powerset(),
        "links" => doc_links(),
        "examples" => examples(),
        "fuzz" => fuzz::run(&std::env::args().skip(2).collect::<Vec<_>>()),
        "bench-peers" => bench::run(&std::env::args().skip(2).collect::<Vec<_>>()),
        "cold-start" => cold_start::run(&std::env::args().skip(2).collect::<Vec<_>>()),
        _ => {
            eprintln!(
                "usage: cargo xtask ci | api [--bless] | powerset | links | examples | fuzz [SECONDS] [TARGET...] \
                 | bench-peers [N] [RUNS] [WARMUP] | cold-start [RUNS]"
            );
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
    wait_for("LAMBDA_KAFKA_BROKER_READY", "the broker")?;
    cargo(
        &["test", "--workspace", "--all-features", "--no-fail-fast"],
        &[],
    )?;
    // And the facade alone with its default features, as most users build it.
    cargo(&["test", "-p", "lambda-kafka", "--doc"], &[])?;
    // The CLI without its codecs says which feature builds them.
    cargo(
        &[
            "test",
            "-p",
            "lambda-kafka-cli",
            "--no-default-features",
            "--test",
            "decode",
        ],
        &[],
    )?;
    // kafka-function with JSON alone refuses the registry variables.
    cargo(
        &[
            "test",
            "-p",
            "kafka-function",
            "--no-default-features",
            "--bin",
            "kafka-function",
        ],
        &[],
    )?;
    cargo(
        &["doc", "--workspace", "--no-deps", "--all-features"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    examples()?;
    fuzz_targets_build()?;
    doc_links()?;
    wait_for("LAMBDA_KAFKA_TOOLS_READY", "the cargo tools")?;
    powerset()?;
    json_only_links_no_other_format()?;
    package()?;
    api::run(&[])?;
    deny()
}

/// `scripts/test` installs the broker and the cargo tools in the background while the first
/// steps run, and names in `variable` the file it writes once `what` is installed: `ok`, or
/// why not. Without the variable, it is there already.
fn wait_for(variable: &str, what: &str) -> Result<(), String> {
    let Some(path) = std::env::var_os(variable) else {
        return Ok(());
    };
    let path = std::path::PathBuf::from(path);
    eprintln!("\n==> waiting for {what} ({})", path.display());
    let started = Instant::now();
    loop {
        match std::fs::read_to_string(&path) {
            Ok(text) if text.trim() == "ok" => {
                eprintln!("    ({:.1} s)", started.elapsed().as_secs_f64());
                return Ok(());
            }
            Ok(text) if !text.trim().is_empty() => return Err(text.trim().to_owned()),
            _ => std::thread::sleep(std::time::Duration::from_secs(1)),
        }
    }
}

/// Every publishable crate packages: its manifest, readme and files are what crates.io
/// takes. The bench crate, the examples' package and this task runner are left out: they depend on the
/// unpublished test crate (`kafka-vectors`), which `cargo package` cannot resolve from a
/// registry. Without
/// verification, since the crates are not on crates.io yet (`cargo package --workspace`
/// with verification builds them against each other, see the README).
fn package() -> Result<(), String> {
    cargo(
        &[
            "package",
            "--workspace",
            "--exclude",
            "lambda-kafka-bench",
            "--exclude",
            "xtask",
            // The examples' package depends on the unpublished test crate too.
            "--exclude",
            "lambda-kafka-examples",
            "--no-verify",
            "--allow-dirty",
        ],
        &[],
    )
}

/// The fuzz targets are a crate of their own, outside the workspace: format and type-check
/// them, so that they keep building as the library changes (running them needs
/// cargo-fuzz, see `cargo xtask fuzz`).
fn fuzz_targets_build() -> Result<(), String> {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/Cargo.toml");
    let manifest = manifest.to_string_lossy();
    cargo(&["fmt", "--manifest-path", &manifest, "--check"], &[])?;
    // As cargo fuzz builds them: `--cfg fuzzing` opens kafka-core's fuzz hooks.
    cargo(
        &["check", "--manifest-path", &manifest, "--bins", "--locked"],
        &[("RUSTFLAGS", "--cfg fuzzing")],
    )
}

/// The documents a reader follows links in: the README, the contributing guide, the pages
/// of `docs/` and of the guide, the examples' READMEs.
const DOCUMENTS: &[&str] = &[
    "README.md",
    "CONTRIBUTING.md",
    "CHANGELOG.md",
    "docs",
    "crates/lambda-kafka/guide",
    "examples/kafka-function/README.md",
];

/// Every relative link of the documents names a file or folder of the repository (the
/// guide's pages link by rustdoc paths, which `cargo doc -D warnings` checks).
fn doc_links() -> Result<(), String> {
    eprintln!("\n==> links of the documents");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for entry in DOCUMENTS {
        let path = root.join(entry);
        if path.is_dir() {
            let listing = std::fs::read_dir(&path).map_err(|e| format!("{entry}: {e}"))?;
            for file in listing.flatten() {
                if file.path().extension().is_some_and(|e| e == "md") {
                    files.push(file.path());
                }
            }
        } else {
            files.push(path);
        }
    }
    let mut broken = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let dir = file.parent().unwrap_or(&root);
        for (_, rest) in text.match_indices("](").map(|(i, _)| ((), &text[i + 2..])) {
            let Some(end) = rest.find(')') else { continue };
            let target = rest[..end].split('#').next().unwrap_or_default();
            let external = target.contains("://") || target.starts_with("mailto:");
            // Rustdoc paths (`crate::guide::avro`) and in-page anchors are not files.
            if target.is_empty() || external || target.contains("::") || target.contains(' ') {
                continue;
            }
            if !dir.join(target).exists() {
                broken.push(format!("{}: {target}", file.display()));
            }
        }
    }
    if broken.is_empty() {
        Ok(())
    } else {
        Err(format!("links to nothing:\n  {}", broken.join("\n  ")))
    }
}

/// `lambda-kafka` with JSON alone must not build any Avro or Protobuf code.
fn json_only_links_no_other_format() -> Result<(), String> {
    let line = "cargo tree -p lambda-kafka --no-default-features --features json -e normal";
    eprintln!("\n==> {line}");
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "tree",
            "-p",
            "lambda-kafka",
            "--no-default-features",
            "--features",
            "json",
        ])
        .args(["-e", "normal", "--prefix", "none"])
        .output()
        .map_err(|e| format!("{line}: {e}"))?;
    let tree = String::from_utf8_lossy(&output.stdout);
    let foreign: Vec<&str> = tree
        .lines()
        .filter(|l| {
            [
                "apache-avro ",
                "prost ",
                "prost-reflect ",
                "protox ",
                "kafka-avro ",
                "kafka-protobuf ",
            ]
            .iter()
            .any(|name| l.starts_with(name))
        })
        .collect();
    if output.status.success() && !foreign.is_empty() {
        return Err(format!("{line}: links {}", foreign.join(", ")));
    }
    if output.status.success() {
        Ok(())
    } else {
        Err(line.to_owned())
    }
}

fn examples() -> Result<(), String> {
    for (example, features) in EXAMPLES {
        cargo(
            &[
                "run",
                "--quiet",
                "-p",
                "lambda-kafka-examples",
                "--features",
                features,
                "--example",
                example,
            ],
            &[],
        )?;
    }
    for (example, features) in FUNCTIONS {
        cargo(
            &[
                "build",
                "--quiet",
                "-p",
                "lambda-kafka-examples",
                "--features",
                features,
                "--example",
                example,
            ],
            &[],
        )?;
    }
    // An example crate of its own: its build script generates prost types.
    cargo(&["run", "--quiet", "-p", "getting-started-protobuf"], &[])?;
    Ok(())
}

fn powerset() -> Result<(), String> {
    for package in PACKAGES {
        // The facade's features are each checked alone (depth 1): they turn on the member
        // crates' features, whose own powersets (depth 2) check their combinations, and
        // only a few of them meet in the facade's code (the pairs below). Its `registry`
        // is what `confluent-registry` and `glue-registry` turn on, with no code of its
        // own beyond theirs.
        let depth = if *package == "lambda-kafka" { "1" } else { "2" };
        let mut args = vec![
            "hack",
            "check",
            "--package",
            package,
            "--feature-powerset",
            "--depth",
            depth,
            "--no-dev-deps",
        ];
        if *package == "lambda-kafka" {
            args.extend(["--exclude-features", "registry"]);
        }
        cargo(&args, &[])?;
        if *package == "lambda-kafka" {
            for features in FACADE_PAIRS {
                cargo(
                    &[
                        "check",
                        "--package",
                        package,
                        "--no-default-features",
                        "--features",
                        features,
                    ],
                    &[],
                )?;
            }
        }
    }
    Ok(())
}

/// The facade's features whose code meets: the runtime with a registry, the telemetry
/// features beside each other, the format codecs of `lambda_kafka::any`.
const FACADE_PAIRS: &[&str] = &[
    "runtime,confluent-registry",
    "runtime,glue-registry",
    "runtime,idempotency",
    "opentelemetry,metrics",
    "json,avro",
    "json,protobuf-dynamic",
    "avro,protobuf-dynamic",
];

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
