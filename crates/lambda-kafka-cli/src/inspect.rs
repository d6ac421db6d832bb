//! `lambda-kafka inspect`: what framing each key and value carries, without a schema.

use std::io::{self, BufWriter, Write as _};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use kafka_core::wire::{self, Compression, FramingContext, HeaderSource, WireFormat};
use kafka_core::{DataFormat, Format, KafkaEvent, Part, RawPayload, RawRecord};
use serde::Serialize;

use crate::args::InspectArgs;
use crate::decode::{read_event, source_name};

/// How many leading bytes `preview` shows.
const PREVIEW: usize = 32;

/// Prints one line per record; `Err` is a usage problem (exit 64).
pub(crate) fn run(args: &InspectArgs) -> Result<u8, String> {
    let input = read_event(args.event.as_deref())?;
    let event = KafkaEvent::from_slice(&input)
        .map_err(|e| format!("{}: {e}", source_name(args.event.as_deref())))?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut scratch = Vec::new();
    for record in event.records() {
        let line = Line {
            topic: record.topic(),
            partition: record.partition(),
            offset: record.offset(),
            key: inspect(record, Part::Key, &mut scratch),
            value: inspect(record, Part::Value, &mut scratch),
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
}

/// One key or value. Fields that do not apply are left out.
#[derive(Serialize, Default)]
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
    /// Why the bytes or the header could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

fn inspect(record: &RawRecord<'_>, part: Part, scratch: &mut Vec<u8>) -> Option<Side> {
    let RawPayload::Base64(text) = record.payload(part) else {
        return None;
    };
    let Ok(bytes) = STANDARD.decode(text.as_bytes()) else {
        return Some(Side {
            error: Some(format!("invalid base64 ({} characters)", text.len())),
            ..Side::default()
        });
    };
    let metadata = record.schema_metadata(part);
    // No codec here: read a 0x00 or 0x03 prefix as a header, as for JSON (a raw Avro
    // datum may start with those bytes too); message indexes when the metadata says
    // Protobuf.
    let format = match metadata.and_then(|m| m.data_format()) {
        Some(DataFormat::Protobuf) => Format::Protobuf,
        _ => Format::Json,
    };
    let context = FramingContext {
        wire_format: WireFormat::Auto,
        format,
        metadata,
        knows_schema_id: &|_| false,
        max_decompressed: wire::DEFAULT_MAX_DECOMPRESSED,
    };
    let mut side = Side {
        length: Some(bytes.len()),
        preview: Some(hex(&bytes[..bytes.len().min(PREVIEW)])),
        ..Side::default()
    };
    match wire::unframe(&bytes, &context, scratch) {
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
                side.compression = Some(match framing.compression() {
                    Compression::None => "none",
                    Compression::Zlib => "zlib",
                });
            }
        }
        Err(e) => side.error = Some(e.message().to_owned()),
    }
    Some(side)
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
