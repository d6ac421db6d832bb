//! The error a codec returns: why a payload is not a valid one, in words that quote none
//! of it, and whether it is a rejection by validation or a registry's failure.

use std::fmt;

use crate::redact::redact;

/// Why a codec could not turn a payload into its output.
///
/// Its message must not contain payload bytes: build it with [`DecodeError::new`] from
/// your own words, or with [`DecodeError::from_serde`], which removes the values serde
/// quotes from the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    message: String,
    kind: DecodeKind,
}

/// What a [`DecodeError`] becomes in the record's error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DecodeKind {
    Invalid,
    Rejected,
    SchemaRegistry,
}

impl DecodeError {
    /// A decode failure described in the codec's own words, which must not quote the
    /// payload.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            kind: DecodeKind::Invalid,
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
    /// [`RecordError::Validation`](crate::RecordError::Validation).
    pub fn rejected(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            kind: DecodeKind::Rejected,
        }
    }

    /// The payload's writer schema could not be had from the schema registry; the
    /// consumer reports it as
    /// [`RecordError::SchemaRegistry`](crate::RecordError::SchemaRegistry). The message
    /// names the id and the registry's answer, never credentials.
    pub fn schema_registry(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            kind: DecodeKind::SchemaRegistry,
        }
    }

    /// The same error with more words after its message (which must not quote the
    /// payload either).
    #[must_use]
    pub fn with_hint(mut self, hint: &str) -> Self {
        self.message.push_str(hint);
        self
    }

    /// The message.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether this is a validation rejection rather than a decode failure.
    #[must_use]
    pub fn is_rejection(&self) -> bool {
        self.kind == DecodeKind::Rejected
    }

    /// Whether the writer schema could not be had from the registry.
    #[must_use]
    pub fn is_schema_registry(&self) -> bool {
        self.kind == DecodeKind::SchemaRegistry
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DecodeError {}
