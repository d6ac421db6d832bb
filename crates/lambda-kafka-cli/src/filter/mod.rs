//! `lambda-kafka filter`: Lambda's Kafka filter patterns applied to a captured event, one
//! JSON line per record saying whether the mapping would deliver it, and if not, which
//! field failed; the same patterns `run --filter` applies to a broker's records.

mod check;
mod pattern;
#[cfg(test)]
mod tests;

use std::io::{self, BufWriter, Write as _};

use base64::Engine as _;
use kafka_core::KafkaEvent;
use serde::Serialize;

pub(crate) use self::check::Filters;
use self::pattern::Verdict;
use crate::args::FilterArgs;
use crate::decode::read_event;

#[derive(Serialize)]
struct Line<'r> {
    topic: &'r str,
    partition: i32,
    offset: i64,
    delivered: bool,
    /// For a dropped record: the first field that failed, as a JSON pointer into the
    /// record (`/value/...`), of the first filter.
    #[serde(skip_serializing_if = "Option::is_none")]
    why: Option<String>,
    /// For a record delivered because a pattern did not apply to its value.
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'static str>,
}

/// The bytes of a record's value, as the filters read them: `None` for no value (or
/// base64 that does not decode, which the function would report).
pub(crate) fn value_bytes(base64: Option<&str>) -> Option<Vec<u8>> {
    base64.and_then(|text| base64::engine::general_purpose::STANDARD.decode(text).ok())
}

/// Prints one line per record; `Err` is a usage problem (exit 64).
pub(crate) fn run(args: &FilterArgs) -> Result<u8, String> {
    let filters = Filters::parse(&args.filter)?;
    let Some(input) = read_event(args.event.as_deref())? else {
        return Ok(0);
    };
    let event = KafkaEvent::from_slice(&input.bytes).map_err(|e| format!("{}: {e}", input.name))?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for record in event.records() {
        let value = value_bytes(record.value().as_base64());
        let (delivered, verdict) = filters.check(value.as_deref());
        let line = Line {
            topic: record.topic(),
            partition: record.partition(),
            offset: record.offset(),
            delivered,
            why: match &verdict {
                Some(Verdict::NoMatch(path)) => Some(format!("{path} did not match")),
                _ => None,
            },
            note: match verdict {
                Some(Verdict::NotApplicable(note)) => Some(note),
                _ => None,
            },
        };
        let text = serde_json::to_string(&line).map_err(|e| format!("cannot write JSON: {e}"))?;
        if writeln!(out, "{text}").is_err() {
            return Ok(0);
        }
    }
    let _ = out.flush();
    Ok(0)
}
