//! Checks decoded records against an expected-decoding file, the format of the project's
//! test vectors: a conformance check any codec can run (feature `testing`).
//!
//! The expected file is a JSON object whose `records` list holds, per record in event
//! order: `topic`, `partition`, `offset`, `timestamp`, `timestampType`, `key_state` and
//! `value_state` (`present`, `absent`, `null`, `empty`), the decoded `key` and `value`,
//! `headers` as `[name, value]` pairs (`{"$bytes": base64}` for a value that is not UTF-8),
//! and `keySchemaMetadata` / `valueSchemaMetadata` when present. Its `framing` (`none`,
//! `confluent`, `confluent-esm`, `glue`, `glue-esm`, or `per-record` with a
//! `value_framing` per record) is compared with the framing the consumer found; a record's
//! optional `key_framing`, `key_schema_id` and `value_schema_id` too (`confluent-header`
//! names an id read from a schema-id record header).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use serde_json::{Value, json};

use crate::error::RecordError;
use crate::event::RawPayload;
use crate::framing::{HeaderSource, WireFormat};
use crate::record::ConsumerRecord;

/// The state names of the expected files.
fn state(payload: &RawPayload<'_>) -> &'static str {
    match payload {
        RawPayload::Absent => "absent",
        RawPayload::Null => "null",
        RawPayload::Base64(text) if text.is_empty() => "empty",
        RawPayload::Base64(_) => "present",
    }
}

/// The expected files' name of a framing.
#[must_use]
pub fn framing_name(wire_format: WireFormat, source: HeaderSource) -> &'static str {
    match (wire_format, source) {
        (WireFormat::Confluent, HeaderSource::Payload) => "confluent",
        (WireFormat::Confluent, HeaderSource::Metadata) => "confluent-esm",
        (WireFormat::Confluent, HeaderSource::Header) => "confluent-header",
        (WireFormat::Glue, HeaderSource::Payload) => "glue",
        (WireFormat::Glue, HeaderSource::Metadata) => "glue-esm",
        _ => "none",
    }
}

fn headers<K, V>(record: &ConsumerRecord<'_, K, V>) -> Value {
    record
        .headers()
        .iter()
        .map(|h| match (h.value_str(), h.value()) {
            (Some(text), _) => json!([h.name(), text]),
            (None, Some(bytes)) => json!([h.name(), {"$bytes": STANDARD.encode(bytes)}]),
            (None, None) => json!([h.name(), null]),
        })
        .collect()
}

/// Compares every decoded record with `expected`; returns how many were compared.
///
/// # Errors
/// A description of the first difference: the record's offset, the field, and both
/// values.
pub fn check_records<K: Serialize, V: Serialize>(
    records: &[Result<ConsumerRecord<'_, K, V>, RecordError>],
    expected: &Value,
) -> Result<usize, String> {
    let wanted = expected["records"]
        .as_array()
        .ok_or("the expected file has no `records` list")?;
    if records.len() != wanted.len() {
        return Err(format!(
            "{} records decoded, {} expected",
            records.len(),
            wanted.len()
        ));
    }
    let framing = expected["framing"].as_str().unwrap_or("none");
    for (got, want) in records.iter().zip(wanted) {
        let got = got.as_ref().map_err(|e| format!("a record failed: {e}"))?;
        let at = format!("offset {}", got.offset());
        let differ = |field: &str, got: &Value, want: &Value| -> Result<(), String> {
            if got == want {
                Ok(())
            } else {
                Err(format!("{at}, {field}: decoded {got}, expected {want}"))
            }
        };
        let to_json = |v: Option<Value>| v.unwrap_or(Value::Null);
        differ("topic", &json!(got.topic()), &want["topic"])?;
        differ("partition", &json!(got.partition()), &want["partition"])?;
        differ("offset", &json!(got.offset()), &want["offset"])?;
        differ("timestamp", &json!(got.timestamp()), &want["timestamp"])?;
        differ(
            "timestampType",
            &json!(got.timestamp_type().map(|t| t.as_str())),
            &want["timestampType"],
        )?;
        differ(
            "key_state",
            &json!(state(got.original_key())),
            &want["key_state"],
        )?;
        differ(
            "value_state",
            &json!(state(got.original_value())),
            &want["value_state"],
        )?;
        let key = to_json(
            got.key
                .as_ref()
                .map(|k| serde_json::to_value(k).unwrap_or_default()),
        );
        differ("key", &key, &want["key"])?;
        let value = to_json(
            got.value
                .as_ref()
                .map(|v| serde_json::to_value(v).unwrap_or_default()),
        );
        differ("value", &value, &want["value"])?;
        differ("headers", &headers(got), &want["headers"])?;
        for (field, meta) in [
            ("keySchemaMetadata", got.key_schema_metadata()),
            ("valueSchemaMetadata", got.value_schema_metadata()),
        ] {
            let meta = meta.map_or(Value::Null, |m| serde_json::to_value(m).unwrap_or_default());
            differ(field, &meta, want.get(field).unwrap_or(&Value::Null))?;
        }
        if let Some(found) = got.value_framing() {
            let wanted = match framing {
                "per-record" => want["value_framing"].as_str().unwrap_or("none"),
                other => other,
            };
            differ(
                "value framing",
                &json!(framing_name(found.wire_format(), found.source())),
                &json!(wanted),
            )?;
        }
        // Optional, per record: the key's framing, and each side's schema id.
        if let (Some(found), Some(wanted)) = (got.key_framing(), want.get("key_framing")) {
            differ(
                "key framing",
                &json!(framing_name(found.wire_format(), found.source())),
                wanted,
            )?;
        }
        for (field, found) in [
            ("key_schema_id", got.key_framing()),
            ("value_schema_id", got.value_framing()),
        ] {
            if let Some(wanted) = want.get(field) {
                let id = found.and_then(|f| f.schema_id()).map(ToString::to_string);
                differ(field, &json!(id), wanted)?;
            }
        }
    }
    Ok(records.len())
}
