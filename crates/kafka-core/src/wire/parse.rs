//! The parsers of the framing's parts: Confluent and Glue headers, Protobuf message
//! indexes, and the zlib stream of a compressed Glue payload.

use std::fmt;
use std::io::Read as _;

use uuid::Uuid;

use crate::framing::{Compression, MessageIndexes};
use crate::vocab::SchemaId;

/// The magic byte of the Confluent wire format.
pub(crate) const CONFLUENT_MAGIC: u8 = 0x00;
/// The magic byte of Confluent's newer framing: a 16-byte schema GUID follows.
pub(crate) const CONFLUENT_GUID_MAGIC: u8 = 0x01;
/// The record header in which Confluent's newer clients put the key's schema id.
pub(crate) const KEY_SCHEMA_ID_HEADER: &str = "__key_schema_id";
/// The record header in which Confluent's newer clients put the value's schema id.
pub(crate) const VALUE_SCHEMA_ID_HEADER: &str = "__value_schema_id";
/// The header version byte of the AWS Glue wire format.
pub(crate) const GLUE_VERSION: u8 = 0x03;
/// Glue's compression byte for an uncompressed payload.
pub(crate) const GLUE_COMPRESSION_NONE: u8 = 0x00;
/// Glue's compression byte for a zlib-compressed payload.
pub(crate) const GLUE_COMPRESSION_ZLIB: u8 = 0x05;
/// The length of a Glue header: version, compression and schema-version UUID.
pub(crate) const GLUE_HEADER_LEN: usize = 18;
/// The most message indexes a Confluent path may have (message types nested deeper than
/// this do not occur in practice; a larger count means corrupt bytes).
pub(crate) const MAX_MESSAGE_INDEXES: usize = 64;
/// The default limit on a Glue payload's decompressed size: 16 MiB, well above Lambda's
/// 6 MB event and far below a function's memory.
pub(crate) const DEFAULT_MAX_DECOMPRESSED: usize = 16 << 20;

/// Why a header could not be read. Its message names what was expected and what was
/// found (header bytes, lengths), never the payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WireError {
    message: String,
}

impl WireError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// The message.
    #[must_use]
    pub(crate) fn message(&self) -> &str {
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
pub(crate) fn parse_confluent(bytes: &[u8]) -> Result<(u32, &[u8]), WireError> {
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

/// Reads a Confluent header of either kind: `0x00` and a big-endian u32 id, or `0x01` and
/// a 16-byte schema GUID.
///
/// # Errors
/// A [`WireError`] when the bytes are shorter than the header or begin with another byte.
pub(crate) fn parse_confluent_id(bytes: &[u8]) -> Result<(SchemaId, &[u8]), WireError> {
    match bytes {
        [CONFLUENT_MAGIC, ..] => {
            parse_confluent(bytes).map(|(id, rest)| (SchemaId::Confluent(id), rest))
        }
        [CONFLUENT_GUID_MAGIC, rest @ ..] => match rest.split_first_chunk::<16>() {
            Some((guid, rest)) => Ok((SchemaId::ConfluentGuid(Uuid::from_bytes(*guid)), rest)),
            None => Err(WireError::new(format!(
                "expected a Confluent GUID header (0x01 and a 16-byte schema GUID), found only {} bytes",
                bytes.len()
            ))),
        },
        [first, ..] => Err(WireError::new(format!(
            "expected a Confluent header (magic byte 0x00, or 0x01 for a schema GUID), found first byte {first:#04x}"
        ))),
        [] => Err(WireError::new(
            "expected a Confluent header (0x00 and a 4-byte schema id, or 0x01 and a 16-byte GUID), found an empty payload",
        )),
    }
}

/// The AWS Glue header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct GlueHeader {
    /// The schema version.
    pub(crate) schema_version: Uuid,
    /// How the rest is compressed.
    pub(crate) compression: Compression,
}

/// Reads a Glue header: `0x03`, a compression byte, and the 16-byte schema-version UUID.
///
/// # Errors
/// A [`WireError`] when the bytes are shorter than the header, the version is not 3, or
/// the compression byte is unknown.
pub(crate) fn parse_glue(bytes: &[u8]) -> Result<(GlueHeader, &[u8]), WireError> {
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
pub(crate) fn parse_message_indexes(bytes: &[u8]) -> Result<(MessageIndexes, &[u8]), WireError> {
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
pub(crate) fn parse_glue_index(bytes: &[u8]) -> Result<(u32, &[u8]), WireError> {
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
// Never inlined: its 16 KB buffer would make the frame of every caller (the unframing of
// each payload) that large, and probing that stack on each call costs more than a call.
#[inline(never)]
pub(crate) fn decompress_zlib(
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
