//! `cargo xtask bench-peers [N] [RUNS] [WARMUP]`: lambda-kafka against the TypeScript and
//! Python Powertools consumers, on the same big events, in one run.
//!
//! 1. Builds the `throughput` binary (release).
//! 2. Runs `../shared/bench/run_bench.sh`, which makes the events, times both peers on
//!    each, and times our typed decoding of the parsed event on the same file
//!    (`PROJECT_BENCH`): the peers are timed on a parsed event too.
//! 3. Times, on each event, our floor (envelope and base64 only), our typed and dynamic
//!    decoding from the event's bytes, and our dynamic decoding of the parsed event.
//! 4. Prints a table of records/s and ratios, and writes it to
//!    `target/peer-bench/table.md`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A case of the peer harness: its name, format, framing, and whether its records carry
/// `valueSchemaMetadata {dataFormat}`.
const CASES: &[(&str, &str, &str, bool)] = &[
    ("json", "json", "none", false),
    ("avro", "avro", "none", false),
    ("protobuf", "protobuf", "none", true),
    ("avro-confluent", "avro", "confluent", false),
    ("pb-confl-esm", "protobuf", "confluent-esm", false),
];

/// Timed and warm-up runs of ours: a run takes milliseconds, so many more than the peers'
/// (whose runs take up to a second) keep the median steady on a noisy machine.
const OUR_RUNS: u32 = 40;
const OUR_WARMUP: u32 = 5;

pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
}

/// The options of `throughput` that select how a case's values are read.
fn throughput_args(format: &str, framing: &str) -> Vec<String> {
    vec![
        "--value-format".into(),
        format.into(),
        "--wire-format".into(),
        framing.into(),
    ]
}

fn event_path(work: &Path, format: &str, framing: &str, meta: bool, n: &str) -> PathBuf {
    let mut suffix = String::new();
    if framing != "none" {
        suffix.push('_');
        suffix.push_str(framing);
    }
    if meta {
        suffix.push_str("_meta");
    }
    work.join("events")
        .join(format!("big_{format}{suffix}_{n}.event.json"))
}

/// Runs the binary with `args`; the records/s median of its last line, and its ratio to
/// the floor when it was asked for (`--vs-floor`).
fn throughput(binary: &Path, args: &[String]) -> Result<(f64, f64), String> {
    let output = Command::new(binary)
        .args(args)
        .output()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    if !output.status.success() {
        return Err(format!(
            "throughput {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().last().unwrap_or_default();
    let result: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("throughput printed {line:?}: {e}"))?;
    let median = result["median"]
        .as_f64()
        .ok_or_else(|| format!("throughput printed no median: {line}"))?;
    Ok((median, result["vs_floor"].as_f64().unwrap_or(f64::NAN)))
}

pub(crate) fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, name)| name.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    format!("{cpu}, {cores} cores")
}

fn thousands(per_sec: f64) -> String {
    format!("{:.0}k", per_sec / 1000.0)
}

/// Runs the comparison; `args` are N, RUNS and WARMUP.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let n = args.first().cloned().unwrap_or_else(|| "10000".into());
    let runs = args.get(1).cloned().unwrap_or_else(|| "5".into());
    let warmup = args.get(2).cloned().unwrap_or_else(|| "2".into());
    let root = root();
    let harness = root.join("../shared/bench/run_bench.sh");
    if !harness.exists() {
        return Err(format!(
            "{} is missing: the peer harness lives in ../shared/bench",
            harness.display()
        ));
    }
    crate::cargo(
        &[
            "build",
            "--release",
            "-p",
            "lambda-kafka-bench",
            "--bin",
            "throughput",
        ],
        &[],
    )?;
    let binary = root.join("target/release/throughput");
    let work = root.join("target/peer-bench");
    let results = work.join("results.jsonl");
    let template = format!(
        "{} --event {{event}} --value-format {{format}} --wire-format {{framing}} \
         --typed order --parsed --iterations {OUR_RUNS} --warmup {OUR_WARMUP}",
        binary.display()
    );
    eprintln!("\n==> ../shared/bench/run_bench.sh {n} {runs} {warmup}");
    let status = Command::new("bash")
        .arg(&harness)
        .args([&n, &runs, &warmup])
        .current_dir(&root)
        .env("PROJECT_BENCH", &template)
        .env("PROJECT_LABEL", "rust")
        .env("PEER_BENCH_DIR", &work)
        .env("RESULTS", &results)
        .status()
        .map_err(|e| format!("{}: {e}", harness.display()))?;
    if !status.success() {
        return Err("../shared/bench/run_bench.sh".into());
    }

    // (case, peer) -> median records/s, from the harness's results.
    let mut medians: BTreeMap<(String, String), f64> = BTreeMap::new();
    let text =
        std::fs::read_to_string(&results).map_err(|e| format!("{}: {e}", results.display()))?;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let row: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("{}: {e}", results.display()))?;
        if let (Some(case), Some(peer), Some(median)) = (
            row["case"].as_str(),
            row["peer"].as_str(),
            row["median"].as_f64(),
        ) {
            medians.insert((case.into(), peer.into()), median);
        }
    }

    let mut table = format!(
        "Records/s, median of {runs} runs after {warmup} warm-up runs for the peers, of \
         {OUR_RUNS} after {OUR_WARMUP} for ours, {n}-record events; \
         ratios from the same run. Machine: {}. Floor, typed and dynamic start from the \
         event's bytes (envelope parse included); \"decode only\" starts from the parsed \
         event, as the peers do. Ratios to the floor: the median, over runs, of floor time ÷ run \
         time, each run timed right after a floor run of its own.\n\n\
         | case | floor | typed | dynamic | typed / floor | dynamic / floor | best peer | \
         typed, decode only | ÷ best peer | dynamic, decode only | ÷ best peer |\n\
         |---|---|---|---|---|---|---|---|---|---|---|\n",
        machine()
    );
    for &(case, format, framing, meta) in CASES {
        let event = event_path(&work, format, framing, meta, &n);
        let common = |mode: &[&str]| {
            let mut args = vec!["--event".to_owned(), event.display().to_string()];
            args.extend(throughput_args(format, framing));
            args.extend(mode.iter().map(|s| (*s).to_owned()));
            args.extend([
                "--iterations".into(),
                OUR_RUNS.to_string(),
                "--warmup".into(),
                OUR_WARMUP.to_string(),
            ]);
            args
        };
        eprintln!("==> throughput floor, typed and dynamic: {case}");
        let (floor, _) = throughput(&binary, &common(&["--floor"]))?;
        // Each run after a floor run of its own: the ratio is taken run by run.
        let (typed, typed_floor) =
            throughput(&binary, &common(&["--typed", "order", "--vs-floor"]))?;
        let (dynamic, dynamic_floor) = throughput(&binary, &common(&["--dynamic", "--vs-floor"]))?;
        let (dynamic_only, _) = throughput(&binary, &common(&["--dynamic", "--parsed"]))?;
        let typed_only = medians
            .get(&(case.to_owned(), "rust".to_owned()))
            .copied()
            .ok_or_else(|| format!("no result of ours for {case}"))?;
        let peer = ["ts", "py"]
            .iter()
            .filter_map(|p| {
                medians
                    .get(&(case.to_owned(), (*p).to_owned()))
                    .map(|m| (*p, *m))
            })
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let (peer_cell, typed_peer, dynamic_peer) = match peer {
            Some((name, median)) => (
                format!("{} ({name})", thousands(median)),
                format!("{:.1}×", typed_only / median),
                format!("{:.1}×", dynamic_only / median),
            ),
            None => ("–".into(), "–".into(), "–".into()),
        };
        table.push_str(&format!(
            "| {case} | {} | {} | {} | {:.2} | {:.2} | {peer_cell} | {} | {typed_peer} | {} | {dynamic_peer} |\n",
            thousands(floor),
            thousands(typed),
            thousands(dynamic),
            typed_floor,
            dynamic_floor,
            thousands(typed_only),
            thousands(dynamic_only),
        ));
    }
    println!("\n{table}");
    let path = work.join("table.md");
    std::fs::write(&path, &table).map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!("table written to {}", path.display());
    Ok(())
}
