//! Schema-registry wire formats: the Confluent and AWS Glue headers producers put in front
//! of a key or value, the Protobuf message indexes after them, and the shape Lambda's
//! event source mapping leaves when its schema-registry integration has removed the header.
//!
//! The consumer applies this module to every key and value before its codec sees it (see
//! [`WireFormat`]); the parsers are public for tools that read framing without decoding.
//!
//! | framing | bytes |
//! |---|---|
//! | Confluent | `0x00`, schema id (u32, big-endian), for Protobuf the message-index path, payload |
//! | AWS Glue | `0x03`, compression (`0x00` none, `0x05` zlib), schema-version UUID (16 bytes), payload |
//! | ESM, Confluent | Protobuf message-index path, payload; `schemaId` in the metadata is a number |
//! | ESM, Glue | for Protobuf one unsigned varint message index, payload; `schemaId` is a UUID |

use std::fmt;
use std::io::Read as _;

pub use uuid::Uuid;

use crate::codec::Format;
use crate::event::{DataFormat, SchemaMetadata};

/// The magic byte of the Confluent wire format.
pub const CONFLUENT_MAGIC: u8 = 0x00;
/// The header version byte of the AWS Glue wire format.
pub const GLUE_VERSION: u8 = 0x03;
/// Glue's compression byte for an uncompressed payload.
pub const GLUE_COMPRESSION_NONE: u8 = 0x00;
/// Glue's compression byte for a zlib-compressed payload.
pub const GLUE_COMPRESSION_ZLIB: u8 = 0x05;
/// The length of a Confluent header: magic byte and schema id.
pub const CONFLUENT_HEADER_LEN: usize = 5;
/// The length of a Glue header: version, compression and schema-version UUID.
pub const GLUE_HEADER_LEN: usize = 18;
/// The most message indexes a Confluent path may have (message types nested deeper than
/// this do not occur in practice; a larger count means corrupt bytes).
pub const MAX_MESSAGE_INDEXES: usize = 64;
/// The default limit on a Glue payload's decompressed size: 16 MiB, well above Lambda's
/// 6 MB event and far below a function's memory.
pub const DEFAULT_MAX_DECOMPRESSED: usize = 16 << 20;

/// How the keys or the values of a consumer are framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum WireFormat {
    /// Find out per record (the default):
    /// - metadata with a `schemaId` means the event source mapping removed the header: a
    ///   number is the Confluent style, a UUID the Glue style;
    /// - otherwise, for JSON and Protobuf codecs, a leading `0x00` is a Confluent header and
    ///   a leading `0x03` a Glue header (neither format can start with those bytes);
    /// - for Avro, whose datum can start with any byte, a header is read only when the
    ///   codec knows the schema id it names;
    /// - for any other codec the bytes are the payload.
    #[default]
    Auto,
    /// The bytes are the payload, with no header.
    Plain,
    /// Confluent framing: the header is in the bytes, or the metadata's `schemaId` says the
    /// event source mapping removed it.
    Confluent,
    /// AWS Glue framing: the header is in the bytes, or the metadata's `schemaId` says the
    /// event source mapping removed it.
    Glue,
}

impl WireFormat {
    /// `auto`, `plain`, `confluent` or `glue`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Plain => "plain",
            Self::Confluent => "confluent",
            Self::Glue => "glue",
        }
    }
}

impl fmt::Display for WireFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for WireFormat {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "auto" => Ok(Self::Auto),
            "plain" => Ok(Self::Plain),
            "confluent" => Ok(Self::Confluent),
            "glue" => Ok(Self::Glue),
            other => Err(format!(
                "unknown wire format \"{other}\": expected auto, plain, confluent or glue"
            )),
        }
    }
}

/// A schema registry's id for the schema a payload was written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchemaId {
    /// A Confluent Schema Registry id.
    Confluent(u32),
    /// An AWS Glue schema-version UUID.
    Glue(Uuid),
}

impl SchemaId {
    /// Reads a `schemaId` from event metadata: digits are a Confluent id, a UUID a Glue
    /// schema version.
    ///
    /// # Errors
    /// A [`WireError`] for any other text.
    pub fn from_metadata(text: &str) -> Result<Self, WireError> {
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            return text.parse().map(Self::Confluent).map_err(|_| {
                WireError::new(format!(
                    "schemaId {text} in the metadata is beyond a Confluent id's range (u32)"
                ))
            });
        }
        Uuid::try_parse(text).map(Self::Glue).map_err(|_| {
            WireError::new(format!(
                "schemaId \"{text}\" in the metadata is neither a Confluent id (digits) nor a Glue UUID"
            ))
        })
    }
}

impl fmt::Display for SchemaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Confluent(id) => write!(f, "{id}"),
            Self::Glue(uuid) => write!(f, "{}", uuid.hyphenated()),
        }
    }
}

/// Where a header's facts came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HeaderSource {
    /// Read from the payload bytes (and removed from them).
    Payload,
    /// Read from the record's schema metadata: the event source mapping removed the header.
    Metadata,
}

impl HeaderSource {
    /// `payload` or `metadata`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Payload => "payload",
            Self::Metadata => "metadata",
        }
    }
}

/// How a Glue payload was compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Compression {
    /// Not compressed.
    #[default]
    None,
    /// One zlib stream (RFC 1950).
    Zlib,
}

impl Compression {
    /// `none` or `zlib`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Zlib => "zlib",
        }
    }
}

/// A Protobuf message-index path: which message of the schema a payload is.
///
/// Confluent writes the path of the message within its `.proto` file, in declaration order,
/// nested messages adding entries (`[0]` is the first top-level message; `[1, 0]` the first
/// message nested in the second). Glue writes one index counting every message of the
/// schema in lexicographic order of full names; it is kept here as a path of one entry
/// (the framing's [`WireFormat`] says which numbering applies).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct MessageIndexes(Repr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    Inline(u8, [u32; 4]),
    Heap(Box<[u32]>),
}

impl MessageIndexes {
    /// A path from its indexes.
    #[must_use]
    pub fn new(indexes: &[u32]) -> Self {
        match u8::try_from(indexes.len()) {
            Ok(len) if indexes.len() <= 4 => {
                let mut inline = [0; 4];
                inline[..indexes.len()].copy_from_slice(indexes);
                Self(Repr::Inline(len, inline))
            }
            _ => Self(Repr::Heap(indexes.into())),
        }
    }

    /// The indexes.
    #[must_use]
    pub fn as_slice(&self) -> &[u32] {
        match &self.0 {
            Repr::Inline(len, items) => &items[..usize::from(*len)],
            Repr::Heap(items) => items,
        }
    }
}

impl fmt::Debug for MessageIndexes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

/// What the wire layer found in front of a key or value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Framing {
    wire_format: WireFormat,
    source: HeaderSource,
    schema_id: Option<SchemaId>,
    message_indexes: Option<MessageIndexes>,
    compression: Compression,
}

impl Framing {
    /// No framing: the bytes are the payload.
    pub const PLAIN: Self = Self {
        wire_format: WireFormat::Plain,
        source: HeaderSource::Payload,
        schema_id: None,
        message_indexes: None,
        compression: Compression::None,
    };

    /// `Plain`, `Confluent` or `Glue` (never `Auto`).
    #[must_use]
    pub fn wire_format(&self) -> WireFormat {
        self.wire_format
    }

    /// Whether the header was in the payload or described by the metadata.
    #[must_use]
    pub fn source(&self) -> HeaderSource {
        self.source
    }

    /// The registry's schema id, for Confluent and Glue framing.
    #[must_use]
    pub fn schema_id(&self) -> Option<&SchemaId> {
        self.schema_id.as_ref()
    }

    /// The Protobuf message-index path, when the codec reads Protobuf.
    #[must_use]
    pub fn message_indexes(&self) -> Option<&MessageIndexes> {
        self.message_indexes.as_ref()
    }

    /// How the payload was compressed (Glue only).
    #[must_use]
    pub fn compression(&self) -> Compression {
        self.compression
    }
}

/// Why a header could not be read. Its message names what was expected and what was
/// found (header bytes, lengths), never the payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError {
    message: String,
}

impl WireError {
    fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// The message.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for WireError {}

/// Reads a Confluent header: `0x00`, then the schema id as a big-endian u32.
///
/// # Errors
/// A [`WireError`] when the bytes are shorter than the header or the magic byte is wrong.
pub fn parse_confluent(bytes: &[u8]) -> Result<(u32, &[u8]), WireError> {
    match bytes {
        [CONFLUENT_MAGIC, a, b, c, d, rest @ ..] => {
            Ok((u32::from_be_bytes([*a, *b, *c, *d]), rest))
        }
        [CONFLUENT_MAGIC, ..] => Err(WireError::new(format!(
            "expected a Confluent header (0x00 and a 4-byte schema id), found only {} bytes",
            bytes.len()
        ))),
        [first, ..] => Err(WireError::new(format!(
            "expected a Confluent header (magic byte 0x00), found first byte {first:#04x}"
        ))),
        [] => Err(WireError::new(
            "expected a Confluent header (0x00 and a 4-byte schema id), found an empty payload",
        )),
    }
}

/// The AWS Glue header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlueHeader {
    /// The schema version.
    pub schema_version: Uuid,
    /// How the rest is compressed.
    pub compression: Compression,
}

/// Reads a Glue header: `0x03`, a compression byte, and the 16-byte schema-version UUID.
///
/// # Errors
/// A [`WireError`] when the bytes are shorter than the header, the version is not 3, or
/// the compression byte is unknown.
pub fn parse_glue(bytes: &[u8]) -> Result<(GlueHeader, &[u8]), WireError> {
    let Some((&version, _)) = bytes.split_first() else {
        return Err(WireError::new(
            "expected an AWS Glue header (0x03, compression, 16-byte UUID), found an empty payload",
        ));
    };
    if version != GLUE_VERSION {
        return Err(WireError::new(format!(
            "expected an AWS Glue header (version byte 0x03), found first byte {version:#04x}"
        )));
    }
    if bytes.len() < GLUE_HEADER_LEN {
        return Err(WireError::new(format!(
            "expected an AWS Glue header of 18 bytes, found only {}",
            bytes.len()
        )));
    }
    let compression = match bytes[1] {
        GLUE_COMPRESSION_NONE => Compression::None,
        GLUE_COMPRESSION_ZLIB => Compression::Zlib,
        other => {
            return Err(WireError::new(format!(
                "unknown AWS Glue compression byte {other:#04x} (expected 0x00 none or 0x05 zlib)"
            )));
        }
    };
    let mut uuid = [0; 16];
    uuid.copy_from_slice(&bytes[2..GLUE_HEADER_LEN]);
    Ok((
        GlueHeader {
            schema_version: Uuid::from_bytes(uuid),
            compression,
        },
        &bytes[GLUE_HEADER_LEN..],
    ))
}

/// Reads one unsigned LEB128 varint of at most 64 bits.
fn read_varint(bytes: &[u8], what: &str) -> Result<(u64, usize), WireError> {
    let mut value: u64 = 0;
    for (i, &byte) in bytes.iter().enumerate().take(10) {
        let low = u64::from(byte & 0x7f);
        if i == 9 && byte > 1 {
            return Err(WireError::new(format!(
                "{what}: varint longer than 64 bits"
            )));
        }
        value |= low << (7 * i);
        if byte & 0x80 == 0 {
            return Ok((value, i + 1));
        }
    }
    if bytes.len() >= 10 {
        Err(WireError::new(format!(
            "{what}: varint longer than 64 bits"
        )))
    } else {
        Err(WireError::new(format!("{what}: truncated varint")))
    }
}

/// Reads one zigzag varint as a non-negative index (`i32` range, as Confluent writes it).
fn read_zigzag_index(bytes: &[u8], what: &str) -> Result<(u32, usize), WireError> {
    let (raw, used) = read_varint(bytes, what)?;
    let value = (raw >> 1).cast_signed() ^ -(raw & 1).cast_signed();
    if value < 0 {
        return Err(WireError::new(format!(
            "{what} is negative ({value}): not a zigzag-encoded message-index path \
             (a path written without zigzag encoding reads this way)"
        )));
    }
    u32::try_from(value)
        .ok()
        .filter(|v| i32::try_from(*v).is_ok())
        .map(|v| (v, used))
        .ok_or_else(|| WireError::new(format!("{what} {value} is beyond the i32 range")))
}

/// Reads a Confluent Protobuf message-index path: a zigzag varint count, then that many
/// zigzag varint indexes; a count of 0 (the single byte `0x00`) means `[0]`.
///
/// # Errors
/// A [`WireError`] for a truncated or over-long varint, a negative index or count, or a
/// count above [`MAX_MESSAGE_INDEXES`].
pub fn parse_message_indexes(bytes: &[u8]) -> Result<(MessageIndexes, &[u8]), WireError> {
    let (count, mut at) = read_zigzag_index(bytes, "message-index count")?;
    if count == 0 {
        return Ok((MessageIndexes::new(&[0]), &bytes[at..]));
    }
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    if count > MAX_MESSAGE_INDEXES {
        return Err(WireError::new(format!(
            "message-index count {count} is above the limit of {MAX_MESSAGE_INDEXES}"
        )));
    }
    let mut indexes = [0u32; MAX_MESSAGE_INDEXES];
    for (i, slot) in indexes.iter_mut().take(count).enumerate() {
        let what = format!("message index {i} of {count}");
        let (index, used) = read_zigzag_index(&bytes[at..], &what)?;
        *slot = index;
        at += used;
    }
    Ok((MessageIndexes::new(&indexes[..count]), &bytes[at..]))
}

/// Reads the one unsigned varint message index a Glue Protobuf payload starts with.
///
/// # Errors
/// A [`WireError`] for a truncated varint or one beyond the u32 range.
pub fn parse_glue_index(bytes: &[u8]) -> Result<(u32, &[u8]), WireError> {
    let (value, used) = read_varint(bytes, "Glue message index")?;
    let index = u32::try_from(value).map_err(|_| {
        WireError::new(format!(
            "Glue message index {value} is beyond the u32 range"
        ))
    })?;
    Ok((index, &bytes[used..]))
}

/// Inflates one zlib stream into `out` (cleared first), refusing to hold more than `limit`
/// bytes: `out` never grows past `limit` bytes of capacity.
///
/// # Errors
/// A [`WireError`] when the stream is corrupt or inflates to more than `limit` bytes.
pub fn decompress_zlib(
    compressed: &[u8],
    limit: usize,
    out: &mut Vec<u8>,
) -> Result<(), WireError> {
    out.clear();
    let mut decoder = flate2::read::ZlibDecoder::new(compressed);
    let mut chunk = [0u8; 16 * 1024];
    loop {
        let n = decoder.read(&mut chunk).map_err(|e| {
            WireError::new(format!(
                "corrupt zlib stream in an AWS Glue payload ({} compressed bytes): {e}",
                compressed.len()
            ))
        })?;
        if n == 0 {
            return Ok(());
        }
        let needed = out.len() + n;
        if needed > limit {
            return Err(WireError::new(format!(
                "AWS Glue payload inflates to more than the limit of {limit} bytes \
                 ({} compressed bytes)",
                compressed.len()
            )));
        }
        if out.capacity() < needed {
            // Double as usual, but never past the limit.
            let target = needed.max(out.capacity().saturating_mul(2)).min(limit);
            out.reserve_exact(target - out.len());
        }
        out.extend_from_slice(&chunk[..n]);
    }
}

/// What the consumer knows when it reads a payload's framing.
#[derive(Clone, Copy)]
pub struct FramingContext<'a> {
    /// The configured wire format for this side of the record.
    pub wire_format: WireFormat,
    /// The codec's format: JSON and Protobuf allow prefix detection, Protobuf has
    /// message indexes, Avro needs a known schema id.
    pub format: Format,
    /// The record's schema metadata for this side.
    pub metadata: Option<&'a SchemaMetadata<'a>>,
    /// Whether the codec has a schema for an id (Avro's detection).
    pub knows_schema_id: &'a dyn Fn(&SchemaId) -> bool,
    /// The largest decompressed payload accepted.
    pub max_decompressed: usize,
}

impl fmt::Debug for FramingContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FramingContext")
            .field("wire_format", &self.wire_format)
            .field("format", &self.format)
            .field("metadata", &self.metadata)
            .field("max_decompressed", &self.max_decompressed)
            .finish_non_exhaustive()
    }
}

/// Checks that schema metadata does not contradict the codec's format.
///
/// # Errors
/// The format the metadata reports, when it is a known one and differs from the codec's.
pub fn check_format(
    format: Format,
    metadata: Option<&SchemaMetadata<'_>>,
) -> Result<(), DataFormat> {
    let Some(reported) = metadata.and_then(SchemaMetadata::data_format) else {
        return Ok(());
    };
    let expected = match reported {
        DataFormat::Avro => Format::Avro,
        DataFormat::Protobuf => Format::Protobuf,
        DataFormat::Json => Format::Json,
        DataFormat::Other(_) => return Ok(()),
    };
    if format == Format::Other || format == expected {
        Ok(())
    } else {
        Err(reported.clone())
    }
}

/// Finds and removes a payload's framing per the context; returns what was found and the
/// payload itself (in `scratch` when it had to be decompressed).
///
/// # Errors
/// A [`WireError`] naming what was expected and found.
pub fn unframe<'b>(
    bytes: &'b [u8],
    context: &FramingContext<'_>,
    scratch: &'b mut Vec<u8>,
) -> Result<(Framing, &'b [u8]), WireError> {
    let schema_id = context.metadata.and_then(SchemaMetadata::schema_id);
    match (context.wire_format, schema_id) {
        (WireFormat::Plain, _) => Ok((Framing::PLAIN, bytes)),
        (WireFormat::Auto, Some(id)) => esm(bytes, SchemaId::from_metadata(id)?, context),
        (WireFormat::Confluent, Some(id)) => match SchemaId::from_metadata(id)? {
            id @ SchemaId::Confluent(_) => esm(bytes, id, context),
            SchemaId::Glue(_) => Err(WireError::new(format!(
                "configured for Confluent framing, but the metadata's schemaId \"{id}\" is a Glue UUID"
            ))),
        },
        (WireFormat::Glue, Some(id)) => match SchemaId::from_metadata(id)? {
            id @ SchemaId::Glue(_) => esm(bytes, id, context),
            SchemaId::Confluent(_) => Err(WireError::new(format!(
                "configured for AWS Glue framing, but the metadata's schemaId \"{id}\" is a Confluent id"
            ))),
        },
        (WireFormat::Confluent, None) => confluent(bytes, context),
        (WireFormat::Glue, None) => glue(bytes, context, scratch),
        (WireFormat::Auto, None) => detect(bytes, context, scratch),
    }
}

/// `Auto` without a schema id in the metadata: read a header only where the bytes cannot
/// be a bare payload of the codec's format.
fn detect<'b>(
    bytes: &'b [u8],
    context: &FramingContext<'_>,
    scratch: &'b mut Vec<u8>,
) -> Result<(Framing, &'b [u8]), WireError> {
    match (context.format, bytes.first()) {
        (Format::Json | Format::Protobuf, Some(&CONFLUENT_MAGIC)) => confluent(bytes, context),
        (Format::Json | Format::Protobuf, Some(&GLUE_VERSION)) => glue(bytes, context, scratch),
        (Format::Avro, Some(&CONFLUENT_MAGIC)) => match parse_confluent(bytes) {
            Ok((id, _)) if (context.knows_schema_id)(&SchemaId::Confluent(id)) => {
                confluent(bytes, context)
            }
            _ => Ok((Framing::PLAIN, bytes)),
        },
        (Format::Avro, Some(&GLUE_VERSION)) => match parse_glue(bytes) {
            Ok((header, _))
                if (context.knows_schema_id)(&SchemaId::Glue(header.schema_version)) =>
            {
                glue(bytes, context, scratch)
            }
            _ => Ok((Framing::PLAIN, bytes)),
        },
        _ => Ok((Framing::PLAIN, bytes)),
    }
}

/// The header was removed by the event source mapping; Protobuf indexes remain.
fn esm<'b>(
    bytes: &'b [u8],
    id: SchemaId,
    context: &FramingContext<'_>,
) -> Result<(Framing, &'b [u8]), WireError> {
    let (wire_format, (message_indexes, rest)) = match id {
        SchemaId::Confluent(_) => (WireFormat::Confluent, confluent_indexes(bytes, context)?),
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
    let (id, rest) = parse_confluent(bytes)?;
    let (message_indexes, rest) = confluent_indexes(rest, context)?;
    Ok((
        Framing {
            wire_format: WireFormat::Confluent,
            source: HeaderSource::Payload,
            schema_id: Some(SchemaId::Confluent(id)),
            message_indexes,
            compression: Compression::None,
        },
        rest,
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
    if context.format == Format::Protobuf {
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
    if context.format == Format::Protobuf {
        let (index, rest) = parse_glue_index(bytes)?;
        Ok((Some(MessageIndexes::new(&[index])), rest))
    } else {
        Ok((None, bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_of_every_length() {
        assert_eq!(read_varint(&[0x00], "x").unwrap(), (0, 1));
        assert_eq!(read_varint(&[0xac, 0x02], "x").unwrap(), (300, 2));
        let max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert_eq!(read_varint(&max, "x").unwrap(), (u64::MAX, 10));
        let too_long = [0xff; 11];
        assert!(read_varint(&too_long, "x").is_err());
        assert!(
            read_varint(
                &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02],
                "x"
            )
            .is_err()
        );
        assert!(read_varint(&[0x80], "x").is_err());
    }
}
