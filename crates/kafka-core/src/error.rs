//! The errors of lambda-kafka: [`RecordError`] for one record of a batch, [`Error`] for
//! the event as a whole and for configuration.

use std::fmt;

use crate::codec::DecodeError;
use crate::redact::redact;
use crate::vocab::{DataFormat, Format, Part, RecordId};

/// Why one record of a batch could not be decoded. It always names the record (topic,
/// partition, offset), and the key or value when the failure is in one of them.
///
/// No message contains payload bytes: a value the deserializer quotes is left out,
/// lengths and positions stay.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// The record's fields cannot be read: bad base64, headers that are not byte lists, a
    /// timestamp that is not an integer.
    #[error("{record}{}: invalid record: {reason}", part_suffix(*.part))]
    InvalidRecord {
        /// The record.
        record: RecordId,
        /// The key or value, when the problem is in one of them.
        part: Option<Part>,
        /// What is wrong.
        reason: String,
    },
    /// A key or value's schema-registry framing is missing, malformed, or not what was
    /// configured.
    #[error("{record}, {part}: wire format: {reason}")]
    WireFormat {
        /// The record.
        record: RecordId,
        /// The key or the value.
        part: Part,
        /// What was expected and what was found.
        reason: String,
    },
    /// The record's schema metadata reports a format other than the codec's.
    #[error(
        "{record}, {part}: format mismatch: the schema metadata says {reported} but the {part} codec reads {configured}"
    )]
    FormatMismatch {
        /// The record.
        record: RecordId,
        /// The key or the value.
        part: Part,
        /// The format the codec reads.
        configured: Format,
        /// The format the metadata reports (`dataFormat`).
        reported: DataFormat,
    },
    /// A key or value could not be decoded by its codec.
    #[error("{record}, {part}: cannot decode{}: {error}", format_suffix(*.format))]
    Deserialization {
        /// The record.
        record: RecordId,
        /// The key or the value.
        part: Part,
        /// The codec's format.
        format: Format,
        /// The codec's reason.
        error: DecodeError,
    },
    /// A decoded key or value was rejected by validation (output parsing).
    #[error("{record}, {part}: rejected by validation: {error}")]
    OutputSerializer {
        /// The record.
        record: RecordId,
        /// The key or the value.
        part: Part,
        /// The validator's messages.
        error: DecodeError,
    },
    /// The writer schema a key or value names could not be had from the schema registry
    /// (it timed out, refused, does not know the id, or answered what does not compile).
    /// Retriable: Lambda retries the record, and the fetch is tried again.
    #[error("{record}, {part}: schema registry: {error}")]
    SchemaRegistry {
        /// The record.
        record: RecordId,
        /// The key or the value.
        part: Part,
        /// The schema id and the registry's answer, never credentials.
        error: DecodeError,
    },
}

impl RecordError {
    /// The error's kind.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidRecord { .. } => ErrorKind::InvalidRecord,
            Self::WireFormat { .. } => ErrorKind::WireFormat,
            Self::FormatMismatch { .. } => ErrorKind::FormatMismatch,
            Self::Deserialization { .. } => ErrorKind::Deserialization,
            Self::OutputSerializer { .. } => ErrorKind::OutputSerializer,
            Self::SchemaRegistry { .. } => ErrorKind::SchemaRegistry,
        }
    }

    /// The record the error belongs to.
    #[must_use]
    pub fn record(&self) -> &RecordId {
        match self {
            Self::InvalidRecord { record, .. }
            | Self::WireFormat { record, .. }
            | Self::FormatMismatch { record, .. }
            | Self::Deserialization { record, .. }
            | Self::OutputSerializer { record, .. }
            | Self::SchemaRegistry { record, .. } => record,
        }
    }

    /// The key or value the error belongs to, if it belongs to one.
    #[must_use]
    pub fn part(&self) -> Option<Part> {
        match self {
            Self::InvalidRecord { part, .. } => *part,
            Self::Deserialization { part, .. }
            | Self::WireFormat { part, .. }
            | Self::FormatMismatch { part, .. }
            | Self::OutputSerializer { part, .. }
            | Self::SchemaRegistry { part, .. } => Some(*part),
        }
    }

    /// A decode failure of a record's key or value, as the consumer reports it.
    pub(crate) fn decode(record: RecordId, part: Part, format: Format, error: DecodeError) -> Self {
        if error.is_rejection() {
            Self::OutputSerializer {
                record,
                part,
                error,
            }
        } else if error.is_schema_registry() {
            Self::SchemaRegistry {
                record,
                part,
                error,
            }
        } else {
            Self::Deserialization {
                record,
                part,
                format,
                error,
            }
        }
    }
}

/// Everything that can go wrong reading a Lambda Kafka event or setting up a consumer;
/// one record's failure is a [`RecordError`], which converts into this type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is not a Lambda Kafka event (not JSON, or a required field is missing or
    /// of the wrong type).
    #[error("not a Lambda Kafka event: {reason}")]
    InvalidEvent {
        /// What is wrong, with the position in the input.
        reason: String,
    },
    /// One record could not be decoded.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// An Avro schema given to a codec could not be parsed.
    #[error("cannot parse the Avro schema{}: {reason}", for_part(*.part))]
    AvroSchemaParse {
        /// The key or the value, when known.
        part: Option<Part>,
        /// The parser's reason.
        reason: String,
    },
    /// A format that needs a schema was chosen without one.
    #[error("{} decoded as {format} needs a schema, and none was given", subject(*.part))]
    MissingSchema {
        /// The key or the value, when known.
        part: Option<Part>,
        /// The format that needs the schema.
        format: Format,
    },
    /// A codec or consumer option cannot be honoured (a limit already fixed for the
    /// process, a schema directory that cannot be read).
    #[error("configuration: {reason}")]
    Configuration {
        /// What is wrong.
        reason: String,
    },
}

fn part_suffix(part: Option<Part>) -> String {
    part.map(|p| format!(", {p}")).unwrap_or_default()
}

fn format_suffix(format: Format) -> String {
    match format {
        Format::Other => String::new(),
        known => format!(" as {known}"),
    }
}

fn subject(part: Option<Part>) -> String {
    part.map_or_else(|| "a payload".to_owned(), |p| format!("the {p}"))
}

fn for_part(part: Option<Part>) -> String {
    part.map(|p| format!(" of the {p}")).unwrap_or_default()
}

/// The kind of an [`Error`] or a [`RecordError`], as a stable short name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// [`Error::InvalidEvent`].
    InvalidEvent,
    /// [`RecordError::InvalidRecord`].
    InvalidRecord,
    /// [`RecordError::WireFormat`].
    WireFormat,
    /// [`RecordError::FormatMismatch`].
    FormatMismatch,
    /// [`RecordError::Deserialization`].
    Deserialization,
    /// [`RecordError::OutputSerializer`].
    OutputSerializer,
    /// [`RecordError::SchemaRegistry`].
    SchemaRegistry,
    /// [`Error::AvroSchemaParse`].
    AvroSchemaParse,
    /// [`Error::MissingSchema`].
    MissingSchema,
    /// [`Error::Configuration`].
    Configuration,
}

impl ErrorKind {
    /// The kebab-case name: `invalid-event`, `invalid-record`, `wire-format`,
    /// `format-mismatch`, `deserialization`, `output-serializer`, `schema-registry`,
    /// `avro-schema-parse`, `missing-schema`, `configuration`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InvalidEvent => "invalid-event",
            Self::InvalidRecord => "invalid-record",
            Self::WireFormat => "wire-format",
            Self::FormatMismatch => "format-mismatch",
            Self::Deserialization => "deserialization",
            Self::OutputSerializer => "output-serializer",
            Self::SchemaRegistry => "schema-registry",
            Self::AvroSchemaParse => "avro-schema-parse",
            Self::MissingSchema => "missing-schema",
            Self::Configuration => "configuration",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    /// The error's kind.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidEvent { .. } => ErrorKind::InvalidEvent,
            Self::Record(error) => error.kind(),
            Self::AvroSchemaParse { .. } => ErrorKind::AvroSchemaParse,
            Self::MissingSchema { .. } => ErrorKind::MissingSchema,
            Self::Configuration { .. } => ErrorKind::Configuration,
        }
    }

    /// The record the error belongs to, if it belongs to one.
    #[must_use]
    pub fn record(&self) -> Option<&RecordId> {
        match self {
            Self::Record(error) => Some(error.record()),
            Self::InvalidEvent { .. }
            | Self::AvroSchemaParse { .. }
            | Self::MissingSchema { .. }
            | Self::Configuration { .. } => None,
        }
    }

    /// The key or value the error belongs to, if it belongs to one.
    #[must_use]
    pub fn part(&self) -> Option<Part> {
        match self {
            Self::Record(error) => error.part(),
            Self::AvroSchemaParse { part, .. } | Self::MissingSchema { part, .. } => *part,
            Self::InvalidEvent { .. } | Self::Configuration { .. } => None,
        }
    }

    /// The record's error, when this is one.
    #[must_use]
    pub fn as_record_error(&self) -> Option<&RecordError> {
        match self {
            Self::Record(error) => Some(error),
            _ => None,
        }
    }

    pub(crate) fn invalid_event(error: &impl fmt::Display) -> Self {
        Self::InvalidEvent {
            reason: redact(&error.to_string()),
        }
    }
}
