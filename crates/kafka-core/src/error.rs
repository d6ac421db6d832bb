//! The one error type of lambda-kafka, and the decode error codecs return.

use std::fmt;

use crate::codec::Format;
use crate::event::DataFormat;
use crate::record::{Part, RecordId};

/// Everything that can go wrong reading a Lambda Kafka event.
///
/// A record's error names the record (topic, partition, offset) and the key or value it
/// belongs to. No message contains payload bytes: a value the deserializer quotes is
/// left out, lengths and positions stay.
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
    /// One record's fields cannot be read: bad base64, headers that are not byte lists, a
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

/// The kind of an [`Error`], as a stable short name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// [`Error::InvalidEvent`].
    InvalidEvent,
    /// [`Error::InvalidRecord`].
    InvalidRecord,
    /// [`Error::WireFormat`].
    WireFormat,
    /// [`Error::FormatMismatch`].
    FormatMismatch,
    /// [`Error::Deserialization`].
    Deserialization,
    /// [`Error::OutputSerializer`].
    OutputSerializer,
    /// [`Error::AvroSchemaParse`].
    AvroSchemaParse,
    /// [`Error::MissingSchema`].
    MissingSchema,
    /// [`Error::Configuration`].
    Configuration,
}

impl ErrorKind {
    /// The kebab-case name: `invalid-event`, `invalid-record`, `wire-format`,
    /// `format-mismatch`, `deserialization`, `output-serializer`, `avro-schema-parse`,
    /// `missing-schema`, `configuration`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InvalidEvent => "invalid-event",
            Self::InvalidRecord => "invalid-record",
            Self::WireFormat => "wire-format",
            Self::FormatMismatch => "format-mismatch",
            Self::Deserialization => "deserialization",
            Self::OutputSerializer => "output-serializer",
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
            Self::InvalidRecord { .. } => ErrorKind::InvalidRecord,
            Self::WireFormat { .. } => ErrorKind::WireFormat,
            Self::FormatMismatch { .. } => ErrorKind::FormatMismatch,
            Self::Deserialization { .. } => ErrorKind::Deserialization,
            Self::OutputSerializer { .. } => ErrorKind::OutputSerializer,
            Self::AvroSchemaParse { .. } => ErrorKind::AvroSchemaParse,
            Self::MissingSchema { .. } => ErrorKind::MissingSchema,
            Self::Configuration { .. } => ErrorKind::Configuration,
        }
    }

    /// The record the error belongs to, if it belongs to one.
    #[must_use]
    pub fn record(&self) -> Option<&RecordId> {
        match self {
            Self::InvalidRecord { record, .. }
            | Self::WireFormat { record, .. }
            | Self::FormatMismatch { record, .. }
            | Self::Deserialization { record, .. }
            | Self::OutputSerializer { record, .. } => Some(record),
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
            Self::InvalidRecord { part, .. }
            | Self::AvroSchemaParse { part, .. }
            | Self::MissingSchema { part, .. } => *part,
            Self::Deserialization { part, .. }
            | Self::WireFormat { part, .. }
            | Self::FormatMismatch { part, .. }
            | Self::OutputSerializer { part, .. } => Some(*part),
            Self::InvalidEvent { .. } | Self::Configuration { .. } => None,
        }
    }

    pub(crate) fn invalid_event(error: &impl fmt::Display) -> Self {
        Self::InvalidEvent {
            reason: redact(&error.to_string()),
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

/// Why a codec could not turn a payload into its output.
///
/// Its message must not contain payload bytes: build it with [`DecodeError::new`] from
/// your own words, or with [`DecodeError::from_serde`], which removes the values serde
/// quotes from the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    message: String,
    rejection: bool,
}

impl DecodeError {
    /// A decode failure described in the codec's own words, which must not quote the
    /// payload.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            rejection: false,
        }
    }

    /// A decode failure from a serde error, with the input values it quotes removed.
    ///
    /// ```
    /// # use kafka_core::DecodeError;
    /// let err = serde_json::from_str::<u64>(r#""secret""#).unwrap_err();
    /// let err = DecodeError::from_serde(&err);
    /// assert_eq!(err.message(), "invalid type: string, expected u64 at line 1 column 8");
    /// ```
    pub fn from_serde(error: &impl fmt::Display) -> Self {
        Self::new(redact(&error.to_string()))
    }

    /// Bytes that are not valid UTF-8 where text is required: `position` is the offset of
    /// the first invalid byte, `len` the payload's length.
    #[must_use]
    pub fn invalid_utf8(position: usize, len: usize) -> Self {
        Self::new(format!(
            "invalid UTF-8: the byte at position {position} is not valid ({len} bytes in all)"
        ))
    }

    /// A decoded payload rejected by validation; the consumer reports it as
    /// [`Error::OutputSerializer`].
    pub fn rejected(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            rejection: true,
        }
    }

    /// The message.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether this is a validation rejection rather than a decode failure.
    #[must_use]
    pub fn is_rejection(&self) -> bool {
        self.rejection
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DecodeError {}

/// Removes the input values a serde message quotes (`string "…"`, ``integer `…` ``,
/// ``unknown field `…` ``), keeping what the message says about the expected shape.
fn redact(message: &str) -> String {
    // serde's `Unexpected` and `unknown_*` messages are the only places a deserializer
    // repeats input; schema-side names (`missing field `x``, `expected one of `a``) stay.
    const TICKED: [&str; 5] = [
        "integer `",
        "floating point `",
        "character `",
        "unknown variant `",
        "unknown field `",
    ];
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    'scan: while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("string \"") {
            out.push_str("string");
            rest = skip_quoted(after);
            continue;
        }
        for prefix in TICKED {
            if let Some(after) = rest.strip_prefix(prefix) {
                out.push_str(&prefix[..prefix.len() - 2]);
                rest = after.split_once('`').map_or("", |(_, tail)| tail);
                continue 'scan;
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

/// Skips a Debug-escaped string body up to its closing quote.
fn skip_quoted(text: &str) -> &str {
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' => return &text[i + 1..],
            _ => {}
        }
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redaction_removes_quoted_input() {
        assert_eq!(
            redact(r#"invalid type: string "a \"b\" c", expected u64 at line 1 column 9"#),
            "invalid type: string, expected u64 at line 1 column 9"
        );
        assert_eq!(
            redact("invalid value: integer `-5`, expected u8"),
            "invalid value: integer, expected u8"
        );
        assert_eq!(
            redact("unknown field `card_number`, expected one of `id`, `name`"),
            "unknown field, expected one of `id`, `name`"
        );
        assert_eq!(
            redact("unknown variant `SECRET`, expected `A` or `B`"),
            "unknown variant, expected `A` or `B`"
        );
        assert_eq!(redact("missing field `id`"), "missing field `id`");
        assert_eq!(redact("string \"unterminated"), "string");
    }
}
