//! `cargo xtask bench-peers [N] [RUNS] [WARMUP]`: lambda-kafka against the TypeScript and
//! Python Powertools consumers, on the same big events, in one run.
//!
//! 1. Builds the `throughput` binary (release).
//! 2. Runs `../shared/bench/run_bench.sh`, which makes the events, times both peers on
//!    each, and times our typed decoding of the parsed event on the same file
//!    (`PROJECT_BENCH`): the peers are timed on a parsed event too.
//! 3. Times, on each event, our floor (envelope and base64 only), our typed and dynamic
//!    decoding from the event's bytes, and our dynamic decoding of the parsed event.
//! 4. Times our borrowed decoding (JSON and Avro), and our envelope against the reference
//!    floor's envelope.
//! 5. Prints a table of records/s and ratios, the ratios beside this round's targets, the
//!    allocations per record (`allocs`), how the cost grows with batch and value sizes
//!    (`growth`), and the cold start (`cargo xtask cold-start`), and writes them all to
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
        &["build", "--release", "-p", "lambda-kafka-bench", "--bins"],
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
         | case | floor | typed | borrowed | dynamic | typed / floor | borrowed / floor | \
         dynamic / floor | envelope / reference envelope | best peer | typed, decode only | \
         ÷ best peer | dynamic, decode only | ÷ best peer |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
        machine()
    );
    let mut ratios = Vec::new();
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
        let borrowed = if format == "protobuf" {
            None
        } else {
            Some(throughput(
                &binary,
                &common(&["--borrowed", "order", "--vs-floor"]),
            )?)
        };
        let (_, envelope) = throughput(&binary, &common(&["--envelope", "--vs-floor"]))?;
        ratios.push((
            case,
            typed_floor,
            borrowed.map(|b| b.1),
            dynamic_floor,
            envelope,
        ));
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
        let (borrowed_cell, borrowed_ratio) = borrowed.map_or_else(
            || ("–".to_owned(), "–".to_owned()),
            |(rate, ratio)| (thousands(rate), format!("{ratio:.2}")),
        );
        table.push_str(&format!(
            "| {case} | {} | {} | {borrowed_cell} | {} | {:.2} | {borrowed_ratio} | {:.2} | {envelope:.2} | {peer_cell} | {} | {typed_peer} | {} | {dynamic_peer} |\n",
            thousands(floor),
            thousands(typed),
            thousands(dynamic),
            typed_floor,
            dynamic_floor,
            thousands(typed_only),
            thousands(dynamic_only),
        ));
    }
    table.push_str(&targets(&ratios));
    table.push_str(&allocations(&root, &work, &n)?);
    table.push_str(&growth(&root)?);
    table.push('\n');
    table.push_str(&crate::cold_start::measure(10)?);
    println!("\n{table}");
    let path = work.join("table.md");
    std::fs::write(&path, &table).map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!("table written to {}", path.display());
    Ok(())
}

/// Ratios to the floor of one case: typed, borrowed (JSON and Avro), dynamic, and the
/// envelope's to the reference envelope.
type Ratios = (&'static str, f64, Option<f64>, f64, f64);

/// This round's targets beside the measured ratios.
fn targets(ratios: &[Ratios]) -> String {
    let mark = |ratio: f64, target: f64| {
        if ratio >= target {
            format!("{ratio:.2} ✓")
        } else {
            format!("{ratio:.2} ✗")
        }
    };
    let mut table = String::from(
        "\nTargets (ratios to the reference floor; the envelope's to the reference envelope):\n\n\
         | case | typed ≥ 0.6 | borrowed ≥ 0.8 | dynamic ≥ 0.4 | envelope ≥ 1.5 |\n|---|---|---|---|---|\n",
    );
    for (case, typed, borrowed, dynamic, envelope) in ratios {
        table.push_str(&format!(
            "| {case} | {} | {} | {} | {} |\n",
            mark(*typed, 0.6),
            borrowed.map_or_else(|| "–".to_owned(), |b| mark(b, 0.8)),
            mark(*dynamic, 0.4),
            mark(*envelope, 1.5),
        ));
    }
    table
}

/// Allocations per record, owned against borrowed, on the JSON and Avro events.
fn allocations(root: &Path, work: &Path, n: &str) -> Result<String, String> {
    let binary = root.join("target/release/allocs");
    let mut table = String::from(
        "\nHeap allocations per record (`allocs`: one pass over the parsed event after a \
         warm-up pass; the envelope row is the parse itself):\n\n\
         | event | envelope | typed (owned `Order`) | borrowed (`OrderRef` / `AvroOrderRef`) | dynamic |\n\
         |---|---|---|---|---|\n",
    );
    for format in ["json", "avro"] {
        let event = event_path(work, format, "none", false, n);
        eprintln!("==> allocs: {format}");
        let output = Command::new(&binary)
            .args([
                "--event",
                &event.display().to_string(),
                "--value-format",
                format,
            ])
            .output()
            .map_err(|e| format!("{}: {e}", binary.display()))?;
        if !output.status.success() {
            return Err(format!(
                "allocs {format}: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let mut cells = BTreeMap::new();
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let row: serde_json::Value =
                serde_json::from_str(line).map_err(|e| format!("allocs printed {line:?}: {e}"))?;
            if let (Some(case), Some(per)) =
                (row["case"].as_str(), row["allocations_per_record"].as_f64())
            {
                cells.insert(case.to_owned(), format!("{per:.2}"));
            }
        }
        let cell = |case: &str| cells.get(case).cloned().unwrap_or_else(|| "–".into());
        table.push_str(&format!(
            "| {format} | {} | {} | {} | {} |\n",
            cell("envelope"),
            cell("typed"),
            cell("borrowed"),
            cell("dynamic")
        ));
    }
    Ok(table)
}

/// The cost-growth table of the `growth` binary.
fn growth(root: &Path) -> Result<String, String> {
    let binary = root.join("target/release/growth");
    eprintln!("==> growth");
    let output = Command::new(&binary)
        .output()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    if !output.status.success() {
        return Err(format!(
            "growth: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(format!(
        "\nHow the cost grows (`growth`: JSON values `{{\"id\":N,\"text\":\"…\"}}`, each event parsed from \
         its bytes and every key and value decoded; the median of runs over half a second; \
         typed into a `String`, borrowed into a `&str`):\n\n{}",
        String::from_utf8_lossy(&output.stdout)
    ))
}
