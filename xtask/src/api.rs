//! `cargo xtask api [--bless]`: the public API of every published library crate, as
//! `cargo public-api` lists it, against the snapshot committed in `api/<crate>.txt`.
//!
//! A difference fails the task and prints it: a change to the public API is a reviewed
//! diff. After reviewing it (and writing its CHANGELOG line), `--bless` rewrites the
//! snapshots. Needs `cargo install --locked cargo-public-api`; rustdoc's JSON output is a
//! nightly flag, which `RUSTC_BOOTSTRAP=1` allows on the stable toolchain.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The published crates with a library (all but the command's), each snapshotted with
/// all its features on.
fn crates() -> impl Iterator<Item = &'static str> {
    crate::PACKAGES
        .iter()
        .copied()
        .filter(|package| *package != "lambda-kafka-cli")
}

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let bless = match args {
        [] => false,
        [flag] if flag == "--bless" => true,
        _ => return Err("usage: cargo xtask api [--bless]".to_owned()),
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut changed = Vec::new();
    for krate in crates() {
        let current = public_api(krate)?;
        let path = snapshot(&root, krate);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if current == committed {
            eprintln!("    {krate}: {} lines, unchanged", current.lines().count());
            continue;
        }
        if bless {
            std::fs::write(&path, &current).map_err(|e| format!("{}: {e}", path.display()))?;
            eprintln!("    {krate}: snapshot rewritten");
        } else {
            print_diff(krate, &committed, &current);
            changed.push(krate);
        }
    }
    if changed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the public API of {} differs from api/*.txt (above: - committed, + now); \
             review it, add its CHANGELOG line, then run `cargo xtask api --bless`",
            changed.join(", ")
        ))
    }
}

fn snapshot(root: &Path, krate: &str) -> PathBuf {
    root.join("api").join(format!("{krate}.txt"))
}

fn public_api(krate: &str) -> Result<String, String> {
    let line = format!("cargo public-api -p {krate} --all-features -ss");
    eprintln!("\n==> RUSTC_BOOTSTRAP=1 {line}");
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["public-api", "-p", krate, "--all-features", "-ss"])
        .env("RUSTC_BOOTSTRAP", "1")
        .output()
        .map_err(|e| format!("{line}: {e}"))?;
    if !output.status.success() {
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
        return Err(format!(
            "{line} (is cargo-public-api installed? cargo install --locked cargo-public-api)"
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| format!("{line}: {e}"))
}

/// The lines only one side has, in the order of the current listing (then the removed).
fn print_diff(krate: &str, committed: &str, current: &str) {
    let old: std::collections::HashSet<&str> = committed.lines().collect();
    let new: std::collections::HashSet<&str> = current.lines().collect();
    eprintln!("\n--- api/{krate}.txt\n+++ cargo public-api -p {krate}");
    for line in committed.lines().filter(|l| !new.contains(l)) {
        eprintln!("- {line}");
    }
    for line in current.lines().filter(|l| !old.contains(l)) {
        eprintln!("+ {line}");
    }
}
