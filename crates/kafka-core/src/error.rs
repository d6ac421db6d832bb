//! The errors of lambda-kafka: [`RecordError`] for one record of a batch, [`Error`] for
//! the event as a whole and for configuration.

use std::fmt;
use std::sync::Arc;

use crate::decode_error::DecodeError;
use crate::redact::redact;
use crate::vocab::{DataFormat, Part, RecordId};

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
        "{record}, {part}: format mismatch: the schema metadata says {reported} but the {part} codec reads {}", configured.name()
    )]
    FormatMismatch {
        /// The record.
        record: RecordId,
        /// The key or the value.
        part: Part,
        /// The format the codec reads.
        configured: DataFormat,
        /// The format the metadata reports (`dataFormat`).
        reported: DataFormat,
    },
    /// A key or value could not be decoded by its codec.
    #[error("{record}, {part}: cannot decode{}: {error}", format_suffix(.format.as_ref()))]
    Deserialization {
        /// The record.
        record: RecordId,
        /// The key or the value.
        part: Part,
        /// The codec's format, when it has one ([`SchemaAware::format`](crate::SchemaAware::format)).
        format: Option<DataFormat>,
        /// The codec's reason.
        error: DecodeError,
    },
    /// A decoded key or value was rejected by validation (the other Powertools editions'
    /// "output serializer" error, whose name its kind keeps: `output-serializer`).
    #[error("{record}, {part}: rejected by validation: {error}")]
    Validation {
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
            Self::Validation { .. } => ErrorKind::Validation,
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
            | Self::Validation { record, .. }
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
            | Self::Validation { part, .. }
            | Self::SchemaRegistry { part, .. } => Some(*part),
        }
    }

    /// A decode failure of a record's key or value, as the consumer reports it.
    pub(crate) fn decode(
        record: RecordId,
        part: Part,
        format: Option<DataFormat>,
        error: DecodeError,
    ) -> Self {
        if error.is_rejection() {
            Self::Validation {
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
// Display and Error are written out: the codec's error behind `SchemaParse` is shared
// (`Arc`, so that the error stays `Clone`) and its `source` must be that error itself.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Error {
    /// The input is not a Lambda Kafka event (not JSON, or a required field is missing or
    /// of the wrong type).
    InvalidEvent {
        /// What is wrong, with the position in the input.
        reason: String,
    },
    /// One record could not be decoded.
    Record(RecordError),
    /// A schema given to a codec could not be parsed; the codec's own error is its
    /// `source()`. Build it with [`Error::schema_parse`].
    SchemaParse {
        /// The key or the value, when known.
        part: Option<Part>,
        /// The schema's format.
        format: DataFormat,
        /// The codec's error.
        error: Arc<dyn std::error::Error + Send + Sync>,
    },
    /// A format that needs a schema was chosen without one.
    MissingSchema {
        /// The key or the value, when known.
        part: Option<Part>,
        /// The format that needs the schema.
        format: DataFormat,
    },
    /// A codec or consumer option cannot be honoured (a limit already fixed for the
    /// process, a schema directory that cannot be read).
    Configuration {
        /// What is wrong.
        reason: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidEvent { reason } => write!(f, "not a Lambda Kafka event: {reason}"),
            Self::Record(error) => fmt::Display::fmt(error, f),
            Self::SchemaParse {
                part,
                format,
                error,
            } => write!(
                f,
                "cannot parse the {} schema{}: {error}",
                format.name(),
                for_part(*part)
            ),
            Self::MissingSchema { part, format } => write!(
                f,
                "{} decoded as {} needs a schema, and none was given",
                subject(*part),
                format.name()
            ),
            Self::Configuration { reason } => write!(f, "configuration: {reason}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Record(error) => std::error::Error::source(error),
            Self::SchemaParse { error, .. } => Some(&**error),
            _ => None,
        }
    }
}

impl From<RecordError> for Error {
    fn from(error: RecordError) -> Self {
        Self::Record(error)
    }
}

fn part_suffix(part: Option<Part>) -> String {
    part.map(|p| format!(", {p}")).unwrap_or_default()
}

fn format_suffix(format: Option<&DataFormat>) -> String {
    format
        .map(|f| format!(" as {}", f.name()))
        .unwrap_or_default()
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
    /// [`RecordError::Validation`].
    Validation,
    /// [`RecordError::SchemaRegistry`].
    SchemaRegistry,
    /// [`Error::SchemaParse`].
    SchemaParse,
    /// [`Error::MissingSchema`].
    MissingSchema,
    /// [`Error::Configuration`].
    Configuration,
}

impl ErrorKind {
    /// The kebab-case name: `invalid-event`, `invalid-record`, `wire-format`,
    /// `format-mismatch`, `deserialization`, `output-serializer`, `schema-registry`,
    /// `schema-parse`, `missing-schema`, `configuration`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InvalidEvent => "invalid-event",
            Self::InvalidRecord => "invalid-record",
            Self::WireFormat => "wire-format",
            Self::FormatMismatch => "format-mismatch",
            Self::Deserialization => "deserialization",
            Self::Validation => "output-serializer",
            Self::SchemaRegistry => "schema-registry",
            Self::SchemaParse => "schema-parse",
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
            Self::SchemaParse { .. } => ErrorKind::SchemaParse,
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
            | Self::SchemaParse { .. }
            | Self::MissingSchema { .. }
            | Self::Configuration { .. } => None,
        }
    }

    /// The key or value the error belongs to, if it belongs to one.
    #[must_use]
    pub fn part(&self) -> Option<Part> {
        match self {
            Self::Record(error) => error.part(),
            Self::SchemaParse { part, .. } | Self::MissingSchema { part, .. } => *part,
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

    /// A schema of `format` that could not be parsed, with the codec's own error as the
    /// source (for codec crates).
    pub fn schema_parse(
        part: Option<Part>,
        format: DataFormat,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self::SchemaParse {
            part,
            format,
            error: Arc::new(source),
        }
    }

    pub(crate) fn invalid_event(error: &impl fmt::Display) -> Self {
        Self::InvalidEvent {
            reason: redact(&error.to_string()),
        }
    }
}
