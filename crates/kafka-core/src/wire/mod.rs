//! Schema-registry wire formats: the Confluent and AWS Glue headers producers put in front
//! of a key or value, the Protobuf message indexes after them, and the shape Lambda's
//! event source mapping leaves when its schema-registry integration has removed the header.
//!
//! The consumer applies this module to every key and value before its codec sees it (see
//! [`WireFormat`]), under the codec's [`FramingPolicy`]; the parsers are public for tools
//! that read framing without decoding.
//!
//! | framing | bytes |
//! |---|---|
//! | Confluent | `0x00`, schema id (u32, big-endian), for Protobuf the message-index path, payload |
//! | Confluent, GUID | `0x01`, schema GUID (16 bytes), for Protobuf the message-index path, payload |
//! | Confluent, header | payload; a `__key_schema_id` / `__value_schema_id` record header holds `0x01`, the GUID (or `0x00`, the id) and the Protobuf message-index path |
//! | AWS Glue | `0x03`, compression (`0x00` none, `0x05` zlib), schema-version UUID (16 bytes), payload |
//! | ESM, Confluent | Protobuf message-index path, payload; `schemaId` in the metadata is a number |
//! | ESM, Glue | for Protobuf one unsigned varint message index, payload; `schemaId` is a UUID |

use std::fmt;

mod parse;

pub(crate) use self::parse::{
    CONFLUENT_GUID_MAGIC, CONFLUENT_MAGIC, DEFAULT_MAX_DECOMPRESSED, GLUE_VERSION,
    KEY_SCHEMA_ID_HEADER, VALUE_SCHEMA_ID_HEADER, WireError, decompress_zlib, parse_confluent_id,
    parse_glue, parse_glue_index, parse_message_indexes,
};
#[cfg(feature = "testing")]
pub(crate) use self::parse::{GLUE_COMPRESSION_NONE, GLUE_COMPRESSION_ZLIB};
#[cfg(test)]
pub(crate) use self::parse::{MAX_MESSAGE_INDEXES, parse_confluent};
pub(crate) use crate::framing::{
    Compression, Detect, Framing, FramingPolicy, HeaderSource, Indexes, MessageIndexes, WireFormat,
};
pub(crate) use crate::vocab::SchemaId;
use crate::vocab::SchemaMetadata;

/// What the consumer knows when it reads a payload's framing.
#[derive(Clone, Copy)]
pub(crate) struct FramingContext<'a> {
    /// The configured wire format for this side of the record.
    pub(crate) wire_format: WireFormat,
    /// What the codec says about its payloads: how to detect a header, what follows it.
    pub(crate) policy: FramingPolicy,
    /// The record's schema metadata for this side.
    pub(crate) metadata: Option<&'a SchemaMetadata<'a>>,
    /// The value of this side's schema-id record header ([`KEY_SCHEMA_ID_HEADER`],
    /// [`VALUE_SCHEMA_ID_HEADER`]), when the record has one.
    pub(crate) header: Option<&'a [u8]>,
    /// Whether the codec has a schema for an id ([`Detect::KnownIds`]).
    pub(crate) knows_schema_id: &'a dyn Fn(&SchemaId) -> bool,
    /// The largest decompressed payload accepted.
    pub(crate) max_decompressed: usize,
}

impl fmt::Debug for FramingContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FramingContext")
            .field("wire_format", &self.wire_format)
            .field("policy", &self.policy)
            .field("metadata", &self.metadata)
            .field("header", &self.header.map(<[u8]>::len))
            .field("max_decompressed", &self.max_decompressed)
            .finish_non_exhaustive()
    }
}

/// Finds and removes a payload's framing per the context; returns what was found and the
/// payload itself (in `scratch` when it had to be decompressed).
///
/// # Errors
/// A [`WireError`] naming what was expected and found.
pub(crate) fn unframe<'b>(
    bytes: &'b [u8],
    context: &FramingContext<'_>,
    scratch: &'b mut Vec<u8>,
) -> Result<(Framing, &'b [u8]), WireError> {
    match locate(bytes, context)? {
        Located::Plain => Ok((Framing::PLAIN, bytes)),
        Located::Header(header) => from_header(bytes, header, context),
        Located::Metadata(id) => esm(bytes, id, context),
        Located::Confluent => confluent(bytes, context),
        Located::Glue => glue(bytes, context, scratch),
    }
}

/// The registry id a payload's framing names, found as [`unframe`] finds it, from the
/// payload's first bytes alone (17 or 18 bytes
/// are enough): `None` when it names none, or its framing cannot be read (decoding the
/// record will say why).
#[must_use]
pub(crate) fn schema_id(first_bytes: &[u8], context: &FramingContext<'_>) -> Option<SchemaId> {
    match locate(first_bytes, context).ok()? {
        Located::Plain => None,
        Located::Header(header) => parse_confluent_id(header).ok().map(|(id, _)| id),
        Located::Metadata(id) => Some(id),
        Located::Confluent => parse_confluent_id(first_bytes).ok().map(|(id, _)| id),
        Located::Glue => parse_glue(first_bytes)
            .ok()
            .map(|(header, _)| SchemaId::Glue(header.schema_version)),
    }
}

/// Where a payload's schema id is, per the context.
enum Located<'h> {
    /// Nowhere: the bytes are the payload.
    Plain,
    /// In the schema-id record header.
    Header(&'h [u8]),
    /// In the metadata: the event source mapping removed the header.
    Metadata(SchemaId),
    /// In a Confluent header in front of the payload.
    Confluent,
    /// In a Glue header in front of the payload.
    Glue,
}

fn locate<'h>(bytes: &[u8], context: &FramingContext<'h>) -> Result<Located<'h>, WireError> {
    let reads_ids = context.policy.detect != Detect::Never;
    let metadata_id = || {
        context
            .metadata
            .and_then(SchemaMetadata::registry_id)
            .map(|id| id.map_err(WireError::new))
            .transpose()
    };
    Ok(match (context.wire_format, context.header) {
        (WireFormat::Plain, _) => Located::Plain,
        // A codec that reads no schema ids takes the bytes as they are.
        (WireFormat::Auto, _) if !reads_ids => Located::Plain,
        // A schema-id header wins: the payload then carries no prefix.
        (WireFormat::Auto | WireFormat::Confluent, Some(header)) => Located::Header(header),
        (WireFormat::Auto, None) => match metadata_id()? {
            Some(id) => Located::Metadata(id),
            None => detect(bytes, context),
        },
        (WireFormat::Confluent, None) => match metadata_id()? {
            Some(id @ (SchemaId::Confluent(_) | SchemaId::ConfluentGuid(_))) => {
                Located::Metadata(id)
            }
            Some(SchemaId::Glue(_)) => {
                return Err(WireError::new(format!(
                    "configured for Confluent framing, but the metadata's schemaId \"{}\" is a Glue UUID",
                    metadata_text(context)
                )));
            }
            None => Located::Confluent,
        },
        (WireFormat::Glue, _) => match metadata_id()? {
            Some(id @ SchemaId::Glue(_)) => Located::Metadata(id),
            Some(SchemaId::Confluent(_) | SchemaId::ConfluentGuid(_)) => {
                return Err(WireError::new(format!(
                    "configured for AWS Glue framing, but the metadata's schemaId \"{}\" is a Confluent id",
                    metadata_text(context)
                )));
            }
            None => Located::Glue,
        },
    })
}

fn metadata_text<'m>(context: &FramingContext<'m>) -> &'m str {
    context
        .metadata
        .and_then(SchemaMetadata::schema_id)
        .unwrap_or_default()
}

/// `Auto` without a schema id in the metadata: a header only where the codec's policy
/// says the bytes cannot be a bare payload.
fn detect<'h>(bytes: &[u8], context: &FramingContext<'_>) -> Located<'h> {
    match (context.policy.detect, bytes.first()) {
        (Detect::Prefix, Some(&(CONFLUENT_MAGIC | CONFLUENT_GUID_MAGIC))) => Located::Confluent,
        (Detect::Prefix, Some(&GLUE_VERSION)) => Located::Glue,
        (Detect::KnownIds, Some(&(CONFLUENT_MAGIC | CONFLUENT_GUID_MAGIC))) => {
            match parse_confluent_id(bytes) {
                Ok((id, _)) if (context.knows_schema_id)(&id) => Located::Confluent,
                _ => Located::Plain,
            }
        }
        (Detect::KnownIds, Some(&GLUE_VERSION)) => match parse_glue(bytes) {
            Ok((header, _))
                if (context.knows_schema_id)(&SchemaId::Glue(header.schema_version)) =>
            {
                Located::Glue
            }
            _ => Located::Plain,
        },
        _ => Located::Plain,
    }
}

/// The header was removed by the event source mapping; Protobuf indexes remain.
fn esm<'b>(
    bytes: &'b [u8],
    id: SchemaId,
    context: &FramingContext<'_>,
) -> Result<(Framing, &'b [u8]), WireError> {
    let (wire_format, (message_indexes, rest)) = match id {
        SchemaId::Confluent(_) | SchemaId::ConfluentGuid(_) => {
            (WireFormat::Confluent, confluent_indexes(bytes, context)?)
        }
        SchemaId::Glue(_) => (WireFormat::Glue, glue_index(bytes, context)?),
    };
    Ok((
        Framing {
            wire_format,
            source: HeaderSource::Metadata,
            schema_id: Some(id),
            message_indexes,
            compression: Compression::None,
        },
        rest,
    ))
}

fn confluent<'b>(
    bytes: &'b [u8],
    context: &FramingContext<'_>,
) -> Result<(Framing, &'b [u8]), WireError> {
    let (id, rest) = parse_confluent_id(bytes)?;
    let (message_indexes, rest) = confluent_indexes(rest, context)?;
    Ok((
        Framing {
            wire_format: WireFormat::Confluent,
            source: HeaderSource::Payload,
            schema_id: Some(id),
            message_indexes,
            compression: Compression::None,
        },
        rest,
    ))
}

/// The id is in a record header (`0x01` and a GUID, or `0x00` and an id, then for
/// Protobuf the message-index path); the payload is the bytes as they are.
fn from_header<'b>(
    bytes: &'b [u8],
    header: &[u8],
    context: &FramingContext<'_>,
) -> Result<(Framing, &'b [u8]), WireError> {
    let in_header = |e: WireError| {
        WireError::new(format!(
            "the schema-id record header ({} bytes): {}",
            header.len(),
            e.message()
        ))
    };
    let (id, rest) = parse_confluent_id(header).map_err(in_header)?;
    let (message_indexes, rest) = confluent_indexes(rest, context).map_err(in_header)?;
    if !rest.is_empty() {
        return Err(WireError::new(format!(
            "the schema-id record header has {} bytes after the schema id{}",
            rest.len(),
            if message_indexes.is_some() {
                " and message indexes"
            } else {
                ""
            }
        )));
    }
    Ok((
        Framing {
            wire_format: WireFormat::Confluent,
            source: HeaderSource::Header,
            schema_id: Some(id),
            message_indexes,
            compression: Compression::None,
        },
        bytes,
    ))
}

fn glue<'b>(
    bytes: &'b [u8],
    context: &FramingContext<'_>,
    scratch: &'b mut Vec<u8>,
) -> Result<(Framing, &'b [u8]), WireError> {
    let (header, rest) = parse_glue(bytes)?;
    let rest = match header.compression {
        Compression::None => rest,
        Compression::Zlib => {
            decompress_zlib(rest, context.max_decompressed, scratch)?;
            &scratch[..]
        }
    };
    let (message_indexes, rest) = glue_index(rest, context)?;
    Ok((
        Framing {
            wire_format: WireFormat::Glue,
            source: HeaderSource::Payload,
            schema_id: Some(SchemaId::Glue(header.schema_version)),
            message_indexes,
            compression: header.compression,
        },
        rest,
    ))
}

fn confluent_indexes<'b>(
    bytes: &'b [u8],
    context: &FramingContext<'_>,
) -> Result<(Option<MessageIndexes>, &'b [u8]), WireError> {
    if context.policy.indexes == Indexes::Protobuf {
        let (indexes, rest) = parse_message_indexes(bytes)?;
        Ok((Some(indexes), rest))
    } else {
        Ok((None, bytes))
    }
}

fn glue_index<'b>(
    bytes: &'b [u8],
    context: &FramingContext<'_>,
) -> Result<(Option<MessageIndexes>, &'b [u8]), WireError> {
    if context.policy.indexes == Indexes::Protobuf {
        let (index, rest) = parse_glue_index(bytes)?;
        Ok((Some(MessageIndexes::new(&[index])), rest))
    } else {
        Ok((None, bytes))
    }
}
