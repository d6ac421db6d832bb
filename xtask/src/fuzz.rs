//! `cargo xtask fuzz [SECONDS] [TARGET...]`: each cargo-fuzz target for SECONDS.
//!
//! An empty corpus is seeded first from `testdata/vectors`: whole events for `envelope`
//! (and compact ones for `fast_envelope`),
//! every key and value for the others (with the selector bytes that turn on each wire
//! format and the schema metadata), so that the fuzzer starts from valid inputs.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The cargo-fuzz targets, by file name in `fuzz/fuzz_targets`.
fn targets() -> Result<Vec<String>, String> {
    let dir = root().join("fuzz/fuzz_targets");
    let mut targets: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            (path.extension()? == "rs").then(|| path.file_stem()?.to_str().map(str::to_owned))?
        })
        .collect();
    targets.sort();
    Ok(targets)
}

/// Runs the targets named in `args` (all by default), each for the seconds given first.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let (seconds, named) = match args.split_first() {
        Some((first, rest)) if first.parse::<u64>().is_ok() => (first.clone(), rest.to_vec()),
        _ => ("60".to_owned(), args.to_vec()),
    };
    let targets = if named.is_empty() { targets()? } else { named };
    let fuzz_dir = root().join("fuzz");
    for target in &targets {
        let corpus = fuzz_dir.join("corpus").join(target);
        std::fs::create_dir_all(&corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
        let seeded = seed(target, &corpus)?;
        if seeded > 0 {
            eprintln!("seeded {seeded} inputs into {}", corpus.display());
        }
        let time = format!("-max_total_time={seconds}");
        eprintln!("\n==> cargo fuzz run {target} -- {time}");
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(&fuzz_dir)
            .env("RUSTC_BOOTSTRAP", "1")
            .args(["fuzz", "run", target, "--", &time, "-print_final_stats=1"])
            .status()
            .map_err(|e| format!("cargo fuzz run {target}: {e}"))?;
        if !status.success() {
            return Err(format!(
                "cargo fuzz run {target} (see fuzz/artifacts/{target})"
            ));
        }
    }
    Ok(())
}

/// Fills an empty corpus from the vectors; returns how many inputs it wrote.
fn seed(target: &str, corpus: &Path) -> Result<usize, String> {
    let empty = std::fs::read_dir(corpus)
        .map_err(|e| format!("{}: {e}", corpus.display()))?
        .next()
        .is_none();
    let prefix = match target {
        "envelope" | "fast_envelope" => "",
        "json" => "json_",
        "avro" => "avro_",
        "protobuf" => "protobuf_",
        // JSON and Avro payloads; bit 4 of the selector picks Avro.
        "borrowed" => "",
        _ => return Ok(0),
    };
    if !empty {
        return Ok(0);
    }
    let vectors = root().join("testdata/vectors");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&vectors)
        .map_err(|e| format!("{}: {e}", vectors.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix) && n.ends_with(".event.json"))
        })
        .collect();
    entries.sort();
    let mut written = 0;
    let mut write = |bytes: &[u8]| -> Result<(), String> {
        let path = corpus.join(format!("seed-{written:04}"));
        written += 1;
        std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))
    };
    for path in entries {
        let text = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if target == "envelope" {
            write(&text)?;
            continue;
        }
        if target == "fast_envelope" {
            // Compact, as Lambda writes events, so that the fast reader takes them.
            let event: serde_json::Value =
                serde_json::from_slice(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            write(event.to_string().as_bytes())?;
            continue;
        }
        let event: serde_json::Value =
            serde_json::from_slice(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let groups = event["records"].as_object().cloned().unwrap_or_default();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let avro = match (target, name) {
            ("borrowed", n) if n.starts_with("json_") => 0,
            ("borrowed", n) if n.starts_with("avro_") => 16,
            ("borrowed", _) => continue,
            _ => 0,
        };
        for record in groups
            .values()
            .flat_map(|g| g.as_array().cloned().unwrap_or_default())
        {
            for part in ["key", "value"] {
                let Some(payload) = record[part].as_str() else {
                    continue;
                };
                let Ok(bytes) = STANDARD.decode(payload) else {
                    continue;
                };
                // Selectors: plain and auto wire format, then Confluent metadata, then Glue.
                for selector in [0u8, 1, 4, 12] {
                    write(&[&[selector | avro][..], &bytes].concat())?;
                }
            }
        }
    }
    Ok(written)
}
