//! `lambda-kafka inspect`: what framing each key and value carries, without a schema.
//!
//! The event, each record's fields and its base64 are read by the library's consumer, as
//! `decode` reads them, so the two report the same problems; then the framing of each
//! side's bytes is reported instead of decoded.

use std::io::{self, BufWriter, Write as _};

use kafka_core::{
    Bytes, DataFormat, Framing, FramingPolicy, HeaderSource, KafkaConsumer, KafkaEvent, Part,
    RawRecord, RecordError, RecordId, SchemaMetadata, WireFormat,
};
use serde::Serialize;

use crate::args::InspectArgs;
use crate::decode::{ErrorBody, read_event};

/// How many leading bytes `preview` shows.
const PREVIEW: usize = 32;

/// Prints one line per record; `Err` is a usage problem (exit 64).
pub(crate) fn run(args: &InspectArgs) -> Result<u8, String> {
    let Some(input) = read_event(args.event.as_deref())? else {
        return Ok(0);
    };
    let event = KafkaEvent::from_slice(&input.bytes).map_err(|e| format!("{}: {e}", input.name))?;
    // The consumer reads the records and their base64; the framing is read here, so that
    // a header that cannot be read is reported beside the bytes' length and preview.
    let consumer = KafkaConsumer::with_codecs(Bytes, Bytes).wire_format(WireFormat::Plain);
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for record in event.records() {
        let line = Line {
            topic: record.topic(),
            partition: record.partition(),
            offset: record.offset(),
            key: side(record, Part::Key, consumer.decode_key(record)),
            value: side(record, Part::Value, consumer.decode_value(record)),
            error: record
                .problems()
                .find(|p| p.part.is_none())
                .map(|p| ErrorBody::of(&invalid(record, None, p.reason))),
        };
        let text = serde_json::to_string(&line).map_err(|e| format!("cannot write JSON: {e}"))?;
        if writeln!(out, "{text}").is_err() {
            return Ok(0);
        }
    }
    let _ = out.flush();
    Ok(0)
}

#[derive(Serialize)]
struct Line<'r> {
    topic: &'r str,
    partition: i32,
    offset: i64,
    key: Option<Side>,
    value: Option<Side>,
    /// A problem of the record that is not its key's or value's (timestamp, headers).
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorBody>,
}

/// One key or value. Fields that do not apply are left out.
#[derive(Debug, Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct Side {
    #[serde(skip_serializing_if = "Option::is_none")]
    length: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    wire_format: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    schema_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message_indexes: Option<Vec<u32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    compression: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    preview: Option<String>,
    /// Why the field, its bytes or its header could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

fn invalid(record: &RawRecord<'_>, part: Option<Part>, reason: &str) -> RecordError {
    RecordError::InvalidRecord {
        record: RecordId::of(record),
        part,
        reason: reason.to_owned(),
    }
}

/// A side's report: the field's own problem, what the consumer could not read (base64),
/// or what its bytes carry.
fn side(
    record: &RawRecord<'_>,
    part: Part,
    read: Result<Option<(Vec<u8>, Framing)>, RecordError>,
) -> Option<Side> {
    let problem = record.problems().find(|p| p.part == Some(part));
    let error = |reason: String| {
        Some(Side {
            error: Some(reason),
            ..Side::default()
        })
    };
    match (problem, read) {
        (Some(problem), _) => error(problem.reason.to_owned()),
        (None, Ok(found)) => found.map(|(bytes, _)| report(record, part, &bytes)),
        (None, Err(RecordError::InvalidRecord { reason, .. })) => error(reason),
        (None, Err(other)) => error(other.to_string()),
    }
}

/// The length, first bytes and framing of one side's bytes. A `0x00`, `0x01` or `0x03`
/// prefix is read as a header, as for JSON (a raw Avro datum may start with those bytes
/// too); a schema-id record header wins over the prefix; message indexes are read when
/// the metadata says Protobuf, or when a schema-id header holds more than the id.
fn report(record: &RawRecord<'_>, part: Part, bytes: &[u8]) -> Side {
    let metadata = record.schema_metadata(part);
    let mut side = Side {
        length: Some(bytes.len()),
        preview: Some(hex(&bytes[..bytes.len().min(PREVIEW)])),
        ..Side::default()
    };
    let header_name = match part {
        Part::Key => "__key_schema_id",
        Part::Value => "__value_schema_id",
    };
    // Bytes after the id in a schema-id header can only be Protobuf message indexes: after
    // `0x01` and a 16-byte GUID, or `0x00` and a 4-byte id.
    let indexes_in_header = record
        .headers()
        .get(header_name)
        .is_some_and(|h| match h.first() {
            Some(&0x01) => h.len() > 17,
            _ => h.len() > 5,
        });
    let protobuf = metadata.and_then(SchemaMetadata::data_format) == Some(&DataFormat::Protobuf);
    let policy = if protobuf || indexes_in_header {
        FramingPolicy::PROTOBUF
    } else {
        FramingPolicy::PREFIX
    };
    match record.unframe(part, policy) {
        Ok(Some((framing, _))) => {
            side.wire_format = Some(framing.wire_format().as_str());
            if framing.wire_format() != WireFormat::Plain {
                side.from = Some(framing.source().as_str());
                side.schema_id = framing.schema_id().map(ToString::to_string);
            }
            side.message_indexes = framing.message_indexes().map(|m| m.as_slice().to_vec());
            // The compression byte is only known when the header was in the payload.
            if framing.wire_format() == WireFormat::Glue
                && framing.source() == HeaderSource::Payload
            {
                side.compression = Some(framing.compression().as_str());
            }
        }
        Ok(None) => {}
        Err(RecordError::WireFormat { reason, .. }) => side.error = Some(reason),
        Err(other) => side.error = Some(other.to_string()),
    }
    side
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}
