//! `cargo xtask cold-start [RUNS]`: the time from exec to the first decoded batch, and the
//! binary size, of `kafka-function` built with JSON only and with every format, beside the
//! Python and TypeScript Powertools consumers' (interpreter start, imports, first batch).
//!
//! - `kafka-function`: cargo-lambda's emulator runs with the Lambda APIs only; an
//!   invocation of a 100-record JSON event is queued, the release binary is executed, and
//!   the time runs until the invocation's answer arrives: the runtime's start, the codecs
//!   built from the variables, the runtime API round trips, the batch decoded and each
//!   record logged. Each run is a new process.
//! - The peers (`xtask/peers/cold_start.py`, `cold_start.mjs`, run from the peer
//!   harness's virtualenv and node folder): from the spawn to the line the script prints
//!   once the same event is decoded.
//!
//! Prints a table and writes it to `target/peer-bench/cold-start.md`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kafka_vectors::emulator::{
    Running, free_port, function_command, invocation_url, start_emulator,
};

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn millis(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn megabytes(bytes: u64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let mb = bytes as f64 / 1_048_576.0;
    format!("{mb:.1} MB")
}

/// Builds `kafka-function` in release with `features` and keeps the binary as `name`.
fn build(root: &Path, out: &Path, name: &str, features: &[&str]) -> Result<PathBuf, String> {
    let mut args = vec!["build", "--release", "--quiet", "-p", "kafka-function"];
    args.extend_from_slice(features);
    crate::cargo(&args, &[])?;
    let kept = out.join(name);
    std::fs::copy(root.join("target/release/kafka-function"), &kept)
        .map_err(|e| format!("{}: {e}", kept.display()))?;
    Ok(kept)
}

/// The size of the binary, and of its copy without symbols or debug info.
fn sizes(binary: &Path) -> (u64, Option<u64>) {
    let size = std::fs::metadata(binary).map_or(0, |m| m.len());
    let stripped = binary.with_extension("stripped");
    let ok = Command::new("strip")
        .arg("-o")
        .arg(&stripped)
        .arg(binary)
        .status()
        .is_ok_and(|s| s.success());
    (
        size,
        ok.then(|| std::fs::metadata(&stripped).map_or(0, |m| m.len())),
    )
}

/// One cold start of the function: exec to the answer of a queued invocation.
fn function_once(binary: &Path, port: u16, event: &[u8]) -> Result<Duration, String> {
    let body = event.to_vec();
    let invoke = std::thread::spawn(move || -> Result<Instant, String> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let mut response = agent
            .post(&invocation_url(port))
            .send(&body[..])
            .map_err(|e| format!("the invocation got no answer: {e}"))?;
        let answered = Instant::now();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        if response.status().as_u16() != 200 || text.contains("errorType") {
            return Err(format!("the invocation failed: {text}"));
        }
        Ok(answered)
    });
    // Let the invocation reach the emulator's queue before the function starts.
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    let _function = Running(
        function_command(binary, port)
            .env("VALUE_FORMAT", "json")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("{}: {e}", binary.display()))?,
    );
    let answered = invoke
        .join()
        .map_err(|_| "the invoking thread panicked".to_owned())??;
    Ok(answered.duration_since(started))
}

/// One cold start of a peer script: spawn to its `decoded` line.
fn peer_once(program: &Path, args: &[&Path]) -> Result<Duration, String> {
    let started = Instant::now();
    let mut child = Running(
        Command::new(program)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("{}: {e}", program.display()))?,
    );
    let stdout = child.0.stdout.take().ok_or("no stdout")?;
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| e.to_string())?;
        if line.starts_with("decoded ") {
            return Ok(started.elapsed());
        }
    }
    Err(format!("{} printed no `decoded` line", program.display()))
}

/// Runs the measurement; `args` is RUNS.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let runs: usize = args.first().map_or(Ok(15), |n| {
        n.parse().map_err(|_| format!("RUNS: not a count: {n}"))
    })?;
    let table = measure(runs.max(1))?;
    println!("\n{table}");
    Ok(())
}

/// The cold-start table, also written to `target/peer-bench/cold-start.md`.
pub(crate) fn measure(runs: usize) -> Result<String, String> {
    let root = crate::bench::root();
    let work = root.join("target/peer-bench");
    let out = root.join("target/cold-start");
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let event_path = work.join("events/big_json_100.event.json");
    if !event_path.exists() {
        let status = Command::new("python3")
            .arg(root.join("../shared/bench/gen_events.py"))
            .args([
                "--big",
                "100",
                "--format",
                "json",
                "--framing",
                "none",
                "--out",
            ])
            .arg(work.join("events"))
            .status()
            .map_err(|e| format!("gen_events.py: {e}"))?;
        if !status.success() {
            return Err("../shared/bench/gen_events.py --big 100".into());
        }
    }
    let event = std::fs::read(&event_path).map_err(|e| format!("{}: {e}", event_path.display()))?;

    let json_only = build(
        &root,
        &out,
        "kafka-function-json",
        &["--no-default-features"],
    )?;
    let every = build(&root, &out, "kafka-function-all", &[])?;

    let port = free_port().map_err(|e| format!("a free port: {e}"))?;
    eprintln!("\n==> cargo lambda watch --only-lambda-apis (port {port})");
    let _emulator = start_emulator(&root.join("examples/kafka-function"), port)
        .map_err(|e| format!("cargo lambda watch: {e}"))?;

    let mut rows = Vec::new();
    for (label, binary) in [
        ("kafka-function, JSON only", &json_only),
        ("kafka-function, every format", &every),
    ] {
        eprintln!("==> cold start of {label}, {runs} runs");
        // One untimed run: the emulator's first invocation sets it up.
        function_once(binary, port, &event)?;
        let times = (0..runs)
            .map(|_| function_once(binary, port, &event))
            .collect::<Result<Vec<_>, _>>()?;
        let (size, stripped) = sizes(binary);
        rows.push(format!(
            "| {label} | {} | {} | {} |",
            millis(median(times)),
            megabytes(size),
            stripped.map_or_else(|| "–".to_owned(), megabytes)
        ));
    }

    let python = work.join(".venv/bin/python");
    let deps = work.join("node/peer_deps.mjs");
    let scripts = root.join("xtask/peers");
    let peers: [(&str, PathBuf, Vec<PathBuf>); 2] = [
        (
            "Python Powertools",
            python,
            vec![scripts.join("cold_start.py"), event_path.clone()],
        ),
        (
            "TypeScript Powertools",
            PathBuf::from("node"),
            vec![
                scripts.join("cold_start.mjs"),
                deps.clone(),
                event_path.clone(),
            ],
        ),
    ];
    for (label, program, args) in &peers {
        if !work.join(".venv").exists() || !deps.exists() {
            rows.push(format!(
                "| {label} | – (run `cargo xtask bench-peers` once to install it) | – | – |"
            ));
            continue;
        }
        eprintln!("==> cold start of {label}, {runs} runs");
        let args: Vec<&Path> = args.iter().map(PathBuf::as_path).collect();
        peer_once(program, &args)?;
        let times = (0..runs)
            .map(|_| peer_once(program, &args))
            .collect::<Result<Vec<_>, _>>()?;
        rows.push(format!("| {label} | {} | – | – |", millis(median(times))));
    }

    let table = format!(
        "Cold start: exec to the first decoded batch (a {}-byte, 100-record JSON event), \
         median of {runs} runs after one untimed run. kafka-function: the release binary \
         (LTO) under cargo-lambda's emulator, up to the invocation's answer (runtime start, \
         codecs from the variables, runtime API round trips, decoding, one log line per \
         record). Peers: interpreter start, imports, the event parsed and decoded, up to \
         the script's line. Machine: {}.\n\n\
         | consumer | cold start | binary | stripped |\n|---|---|---|---|\n{}\n",
        event.len(),
        crate::bench::machine(),
        rows.join("\n")
    );
    let path = work.join("cold-start.md");
    std::fs::write(&path, &table).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(table)
}
