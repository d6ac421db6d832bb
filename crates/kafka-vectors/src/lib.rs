//! Test-only support shared by the workspace's tests and benchmarks (not published): where
//! the test vectors are and how to read them, the `Order` of their schemas as Rust types
//! (serde for JSON and Avro, prost for Protobuf), the fixtures captured by the other
//! Powertools editions, and the processes of the tests that run the function under
//! cargo-lambda's emulator ([`emulator`]).
//!
//! The vectors live in the repository (`testdata/vectors`), so tests that use them run on
//! any clone. The Powertools fixtures stay outside it (`../shared/vectors/powertools`): a
//! test that needs them and finds them missing prints `SKIPPED`, or fails when
//! `LAMBDA_KAFKA_FIXTURES=required` (as CI sets it), see [`powertools`].

use std::path::{Path, PathBuf};

pub mod emulator;
pub mod moto;
pub mod order;
pub mod proto;
pub mod registry;

pub use order::{
    Address, AddressRef, AvroAddressRef, AvroLineItemRef, AvroOrder, AvroOrderRef, LineItem,
    LineItemRef, Order, OrderRef, Status,
};

/// The environment variable that makes missing Powertools fixtures a failure.
pub const REQUIRED: &str = "LAMBDA_KAFKA_FIXTURES";

/// The project's test vectors: `testdata/vectors`.
#[must_use]
pub fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/vectors")
}

/// The vectors' schemas: `testdata/vectors/schemas`.
#[must_use]
pub fn schemas() -> PathBuf {
    dir().join("schemas")
}

/// Avro writer schemas by registry id (`<id>.avsc`, `<uuid>.avsc`): `testdata/schema-dir`.
#[must_use]
pub fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/schema-dir")
}

/// What the test registry holds (`testdata/registry/confluent.json`, written with the
/// vectors by `testdata/generate/confluent_ids.py`): one entry per registered schema, with
/// `subject`, `version`, `id`, `guid`, `schemaType`, `schema` and `references`.
///
/// # Panics
/// When the file cannot be read or is not a JSON list.
#[must_use]
pub fn confluent_registry() -> Vec<serde_json::Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/registry/confluent.json");
    match read_json(&path) {
        serde_json::Value::Array(entries) => entries,
        other => panic!("{}: not a list: {other}", path.display()),
    }
}

/// The test registry's entry of a subject's latest version.
///
/// # Panics
/// When the registry has no such subject.
#[must_use]
pub fn registered(subject: &str) -> serde_json::Value {
    confluent_registry()
        .into_iter()
        .filter(|e| e["subject"] == subject)
        .max_by_key(|e| e["version"].as_u64())
        .unwrap_or_else(|| panic!("no subject {subject} in the test registry"))
}

/// A file's text.
///
/// # Panics
/// When the file cannot be read, naming it.
#[must_use]
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A file's JSON.
///
/// # Panics
/// When the file cannot be read or is not JSON, naming it.
#[must_use]
pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A schema of the vectors by file name (`order.avsc`, `order.proto`, ...).
#[must_use]
pub fn schema(name: &str) -> String {
    read(&schemas().join(name))
}

/// A vector by name: its event's bytes and its expected decoding
/// (`<name>.event.json`, `<name>.expected.json`) in `dir`.
///
/// # Panics
/// When either file cannot be read.
#[must_use]
pub fn vector_in(dir: &Path, name: &str) -> (Vec<u8>, serde_json::Value) {
    let event = dir.join(format!("{name}.event.json"));
    let bytes = std::fs::read(&event).unwrap_or_else(|e| panic!("{}: {e}", event.display()));
    (bytes, read_json(&dir.join(format!("{name}.expected.json"))))
}

/// One of the project's vectors by name, see [`vector_in`].
#[must_use]
pub fn vector(name: &str) -> (Vec<u8>, serde_json::Value) {
    vector_in(&dir(), name)
}

/// The Powertools fixtures' folder (`../shared/vectors/powertools`), or `None` after
/// printing `SKIPPED` when it is not there.
///
/// # Panics
/// When it is not there and `LAMBDA_KAFKA_FIXTURES=required`: CI must not skip them.
#[must_use]
pub fn powertools() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors/powertools");
    let required = std::env::var(REQUIRED).is_ok_and(|v| v == "required");
    gate(dir, required)
}

fn gate(dir: PathBuf, required: bool) -> Option<PathBuf> {
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        !required,
        "{} is not there, and {REQUIRED}=required: the Powertools fixtures must be checked",
        dir.display()
    );
    eprintln!(
        "SKIPPED: {} is not there; Powertools fixtures not checked",
        dir.display()
    );
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_fixtures_skip_unless_required() {
        let missing = PathBuf::from("/nonexistent/powertools");
        assert_eq!(gate(missing.clone(), false), None);
        let required = std::panic::catch_unwind(|| gate(missing, true));
        assert!(required.is_err(), "a required folder that is missing fails");
        assert_eq!(gate(dir(), true), Some(dir()));
    }

    #[test]
    fn the_vectors_are_in_the_repository() {
        let (event, expected) = vector("json_plain");
        assert!(!event.is_empty());
        assert!(expected["records"].is_array());
        assert!(schema("order.avsc").contains("\"Order\""));
    }
}
