//! `lambda-kafka inspect`: what framing each key and value carries, without a schema.
//!
//! The event, each record's fields and its base64 are read by the library's consumer, as
//! `decode` reads them, so the two report the same problems; then the framing of each
//! side's bytes is reported instead of decoded.

use std::io::{self, BufWriter, Write as _};

use kafka_core::wire::{self, FramingContext, FramingPolicy, HeaderSource, WireFormat};
use kafka_core::{
    Bytes, DataFormat, Framing, KafkaConsumer, KafkaEvent, Part, RawRecord, RecordError, RecordId,
    SchemaMetadata,
};
use serde::Serialize;

use crate::args::InspectArgs;
use crate::decode::{ErrorBody, read_event};

/// How many leading bytes `preview` shows.
const PREVIEW: usize = 32;

/// Prints one line per record; `Err` is a usage problem (exit 64).
pub(crate) fn run(args: &InspectArgs) -> Result<u8, String> {
    let input = read_event(args.event.as_deref())?;
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
        Part::Key => wire::KEY_SCHEMA_ID_HEADER,
        Part::Value => wire::VALUE_SCHEMA_ID_HEADER,
    };
    let header = record.headers().get(header_name);
    // Bytes after the id in a schema-id header can only be Protobuf message indexes.
    let indexes_in_header = header.is_some_and(|h| match h.first() {
        Some(&wire::CONFLUENT_GUID_MAGIC) => h.len() > wire::CONFLUENT_GUID_HEADER_LEN,
        _ => h.len() > wire::CONFLUENT_HEADER_LEN,
    });
    let protobuf = metadata.and_then(SchemaMetadata::data_format) == Some(&DataFormat::Protobuf);
    let context = FramingContext {
        wire_format: WireFormat::Auto,
        policy: if protobuf || indexes_in_header {
            FramingPolicy::PROTOBUF
        } else {
            FramingPolicy::PREFIX
        },
        metadata,
        header,
        knows_schema_id: &|_| false,
        max_decompressed: wire::DEFAULT_MAX_DECOMPRESSED,
    };
    let mut scratch = Vec::new();
    match wire::unframe(bytes, &context, &mut scratch) {
        Ok((framing, _)) => {
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
        Err(e) => side.error = Some(e.message().to_owned()),
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
