//! Writers of schema-registry framing, to build the bytes producers write (feature
//! `testing`).
//!
//! ```
//! use kafka_core::testing::wire;
//! use kafka_core::{Compression, Uuid};
//!
//! // Schema id 7, the message at path [1, 0], then the message.
//! let framed = wire::confluent_protobuf(7, &[1, 0], b"\x08\x01");
//! assert_eq!(framed, [0x00, 0, 0, 0, 7, 0x04, 0x02, 0x00, 0x08, 0x01]);
//!
//! let glue = wire::glue(Uuid::nil(), b"{}", Compression::Zlib);
//! assert_eq!(&glue[..2], [0x03, 0x05]);
//! ```

use std::io::Write as _;

use uuid::Uuid;

use super::{EncodeError, Encoder};
use crate::framing::Compression;
use crate::wire::{
    CONFLUENT_GUID_MAGIC, CONFLUENT_MAGIC, GLUE_COMPRESSION_NONE, GLUE_COMPRESSION_ZLIB,
    GLUE_VERSION,
};

/// Appends an unsigned LEB128 varint.
fn push_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(u8::try_from(value & 0x7f).unwrap_or_default() | 0x80);
        value >>= 7;
    }
    out.push(u8::try_from(value).unwrap_or_default());
}

/// Appends a zigzag varint of a non-negative index.
fn push_zigzag(out: &mut Vec<u8>, value: u32) {
    push_varint(out, u64::from(value) << 1);
}

/// A Confluent Protobuf message-index path as the Confluent serializer writes it: the
/// single byte `0x00` for `[0]`, otherwise a zigzag varint count and zigzag varint indexes.
#[must_use]
pub fn message_indexes(indexes: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + indexes.len());
    if indexes == [0] {
        out.push(0);
        return out;
    }
    push_zigzag(&mut out, u32::try_from(indexes.len()).unwrap_or(u32::MAX));
    for &index in indexes {
        push_zigzag(&mut out, index);
    }
    out
}

/// The one unsigned varint message index of a Glue Protobuf payload.
#[must_use]
pub fn glue_index(index: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(5);
    push_varint(&mut out, u64::from(index));
    out
}

/// `0x00`, the schema id (big-endian u32), then `payload`.
#[must_use]
pub fn confluent(schema_id: u32, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(5 + payload.len());
    out.push(CONFLUENT_MAGIC);
    out.extend_from_slice(&schema_id.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// A Confluent Protobuf payload: header, message-index path, message.
#[must_use]
pub fn confluent_protobuf(schema_id: u32, indexes: &[u32], message: &[u8]) -> Vec<u8> {
    let mut body = message_indexes(indexes);
    body.extend_from_slice(message);
    confluent(schema_id, &body)
}

/// `0x01`, the schema GUID, then `payload`: Confluent's newer framing in the payload.
#[must_use]
pub fn confluent_guid(guid: Uuid, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(17 + payload.len());
    out.push(CONFLUENT_GUID_MAGIC);
    out.extend_from_slice(guid.as_bytes());
    out.extend_from_slice(payload);
    out
}

/// A Protobuf payload with the GUID framing: `0x01`, GUID, message-index path, message.
#[must_use]
pub fn confluent_guid_protobuf(guid: Uuid, indexes: &[u32], message: &[u8]) -> Vec<u8> {
    let mut body = message_indexes(indexes);
    body.extend_from_slice(message);
    confluent_guid(guid, &body)
}

/// The value of a `__key_schema_id` / `__value_schema_id` record header: `0x01`, the
/// GUID, and for Protobuf the message-index path (the payload then has no prefix).
#[must_use]
pub fn schema_id_header(guid: Uuid, indexes: Option<&[u32]>) -> Vec<u8> {
    let path = indexes.map(message_indexes).unwrap_or_default();
    confluent_guid(guid, &path)
}

/// `0x03`, the compression byte, the schema-version UUID, then `payload` (one zlib stream
/// when compressed).
#[must_use]
pub fn glue(schema_version: Uuid, payload: &[u8], compression: Compression) -> Vec<u8> {
    let mut out = Vec::with_capacity(18 + payload.len());
    out.push(GLUE_VERSION);
    out.push(match compression {
        Compression::None => GLUE_COMPRESSION_NONE,
        Compression::Zlib => GLUE_COMPRESSION_ZLIB,
    });
    out.extend_from_slice(schema_version.as_bytes());
    match compression {
        Compression::None => out.extend_from_slice(payload),
        Compression::Zlib => out.extend_from_slice(&zlib(payload)),
    }
    out
}

/// A Glue Protobuf payload: header, then (compressed together when asked) the message
/// index varint and the message.
#[must_use]
pub fn glue_protobuf(
    schema_version: Uuid,
    index: u32,
    message: &[u8],
    compression: Compression,
) -> Vec<u8> {
    let mut body = glue_index(index);
    body.extend_from_slice(message);
    glue(schema_version, &body, compression)
}

/// One zlib stream (RFC 1950) of `bytes`.
#[must_use]
pub fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// An encoder whose output is framed: wraps any codec's encoder for
/// [`RecordBuilder::value_encoded`](super::RecordBuilder::value_encoded).
///
/// ```
/// use kafka_core::testing::wire::Framed;
/// use kafka_core::testing::{EncodeError, Encoder, RecordBuilder};
///
/// /// Writes text as it is.
/// struct Text;
/// impl Encoder<str> for Text {
///     fn encode(&self, value: &str) -> Result<Vec<u8>, EncodeError> {
///         Ok(value.as_bytes().to_vec())
///     }
/// }
///
/// let record = RecordBuilder::new("orders", 0, 1)
///     .value_encoded(&Framed::confluent(Text, 3), "{}")?
///     .build();
/// assert_eq!(record.value().as_base64(), Some("AAAAAAN7fQ=="));
/// # Ok::<(), EncodeError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Framed<E> {
    encoder: E,
    framing: Spec,
}

#[derive(Debug, Clone)]
enum Spec {
    Confluent {
        id: u32,
        indexes: Option<Vec<u32>>,
    },
    Glue {
        version: Uuid,
        index: Option<u32>,
        compression: Compression,
    },
    EsmIndexes(Vec<u32>),
    EsmGlueIndex(u32),
}

impl<E> Framed<E> {
    /// Confluent framing with this schema id.
    pub fn confluent(encoder: E, schema_id: u32) -> Self {
        Self {
            encoder,
            framing: Spec::Confluent {
                id: schema_id,
                indexes: None,
            },
        }
    }

    /// Confluent Protobuf framing: schema id and message-index path.
    pub fn confluent_protobuf(encoder: E, schema_id: u32, indexes: &[u32]) -> Self {
        Self {
            encoder,
            framing: Spec::Confluent {
                id: schema_id,
                indexes: Some(indexes.to_vec()),
            },
        }
    }

    /// AWS Glue framing with this schema version.
    pub fn glue(encoder: E, schema_version: Uuid, compression: Compression) -> Self {
        Self {
            encoder,
            framing: Spec::Glue {
                version: schema_version,
                index: None,
                compression,
            },
        }
    }

    /// AWS Glue Protobuf framing: schema version and message index.
    pub fn glue_protobuf(
        encoder: E,
        schema_version: Uuid,
        index: u32,
        compression: Compression,
    ) -> Self {
        Self {
            encoder,
            framing: Spec::Glue {
                version: schema_version,
                index: Some(index),
                compression,
            },
        }
    }

    /// What the event source mapping leaves of Confluent Protobuf framing: the
    /// message-index path alone (give the schema id in the record's metadata).
    pub fn esm_confluent_protobuf(encoder: E, indexes: &[u32]) -> Self {
        Self {
            encoder,
            framing: Spec::EsmIndexes(indexes.to_vec()),
        }
    }

    /// What the event source mapping leaves of Glue Protobuf framing: the index varint.
    pub fn esm_glue_protobuf(encoder: E, index: u32) -> Self {
        Self {
            encoder,
            framing: Spec::EsmGlueIndex(index),
        }
    }
}

impl<T: ?Sized, E: Encoder<T>> Encoder<T> for Framed<E> {
    fn encode(&self, value: &T) -> Result<Vec<u8>, EncodeError> {
        let payload = self.encoder.encode(value)?;
        Ok(match &self.framing {
            Spec::Confluent { id, indexes: None } => confluent(*id, &payload),
            Spec::Confluent {
                id,
                indexes: Some(path),
            } => confluent_protobuf(*id, path, &payload),
            Spec::Glue {
                version,
                index: None,
                compression,
            } => glue(*version, &payload, *compression),
            Spec::Glue {
                version,
                index: Some(index),
                compression,
            } => glue_protobuf(*version, *index, &payload, *compression),
            Spec::EsmIndexes(path) => [message_indexes(path), payload].concat(),
            Spec::EsmGlueIndex(index) => [glue_index(*index), payload].concat(),
        })
    }
}
