//! What a payload's schema-registry framing is made of, and the policy a codec gives the
//! wire layer for finding it. The parsers that read framing are in [`crate::wire`].

use std::fmt;

use crate::vocab::SchemaId;

/// How the keys or the values of a consumer are framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum WireFormat {
    /// Find out per record (the default), as the codec's [`FramingPolicy`] allows:
    /// - metadata with a `schemaId` means the event source mapping removed the header: a
    ///   number is the Confluent style, a UUID the Glue style;
    /// - otherwise, for codecs that detect by prefix (JSON, Protobuf), a leading `0x00` is
    ///   a Confluent header and a leading `0x03` a Glue header (neither format can start
    ///   with those bytes);
    /// - for codecs that detect only known ids (Avro, whose datum can start with any
    ///   byte), a header is read only when the codec knows the schema id it names;
    /// - for codecs that read no schema ids (text, bytes) the bytes are the payload, and
    ///   the metadata is not looked at.
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

/// How [`WireFormat::Auto`] may find a header in front of a payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Detect {
    /// A leading `0x00` or `0x03` is a header: the codec's payloads never start with
    /// either (JSON text, Protobuf messages).
    Prefix,
    /// A leading `0x00` or `0x03` is a header only when the codec knows the schema id it
    /// names (Avro, whose datum can start with any byte).
    KnownIds,
    /// The codec reads no schema ids: the bytes are the payload and the metadata's
    /// `schemaId` is not looked at (text, bytes).
    Never,
}

/// What follows a header before the payload itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Indexes {
    /// Nothing: the payload follows the header.
    None,
    /// A Protobuf message index: Confluent's zigzag path after a Confluent header (or
    /// the event source mapping's removed one), Glue's one varint after a Glue header.
    Protobuf,
}

/// What a codec tells the wire layer about its payloads (see [`SchemaAware::framing`]).
///
/// [`SchemaAware::framing`]: crate::SchemaAware::framing
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FramingPolicy {
    /// How [`WireFormat::Auto`] finds a header.
    pub(crate) detect: Detect,
    /// What follows the header.
    pub(crate) indexes: Indexes,
}

impl FramingPolicy {
    /// Reads no schema ids: text, bytes, and any codec that does not say otherwise.
    pub const NONE: Self = Self {
        detect: Detect::Never,
        indexes: Indexes::None,
    };
    /// Payloads that cannot start with a header byte and have no message indexes (JSON).
    pub const PREFIX: Self = Self {
        detect: Detect::Prefix,
        indexes: Indexes::None,
    };
    /// Payloads that can start with any byte: headers only for known ids (Avro).
    pub const KNOWN_IDS: Self = Self {
        detect: Detect::KnownIds,
        indexes: Indexes::None,
    };
    /// Protobuf messages: prefix detection, message indexes after the header.
    pub const PROTOBUF: Self = Self {
        detect: Detect::Prefix,
        indexes: Indexes::Protobuf,
    };
}

/// Where a header's facts came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HeaderSource {
    /// Read from the payload bytes (and removed from them).
    Payload,
    /// Read from the record's schema metadata: the event source mapping removed the header.
    Metadata,
    /// Read from a record header (`__key_schema_id` / `__value_schema_id`, Confluent's
    /// newer clients); the payload has no prefix.
    Header,
}

impl HeaderSource {
    /// `payload`, `metadata` or `header`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Payload => "payload",
            Self::Metadata => "metadata",
            Self::Header => "header",
        }
    }
}

/// How a Glue payload was compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
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
    pub(crate) wire_format: WireFormat,
    pub(crate) source: HeaderSource,
    pub(crate) schema_id: Option<SchemaId>,
    pub(crate) message_indexes: Option<MessageIndexes>,
    pub(crate) compression: Compression,
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
