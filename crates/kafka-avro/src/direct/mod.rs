//! Avro binary straight into serde types, without apache-avro's deserializer.
//!
//! The writer schema is compiled once into a flat [`Plan`] (`plan`): named types resolved, logical
//! types reduced to what they are written as. The deserializer (`read`) walks the plan over the
//! payload and lends strings and bytes from it, so that the only allocations are the ones
//! the target type makes. Any struct reads any record, whatever their names; an enum reads
//! into a Rust enum or into text.
//!
//! The plan is only built for what it reads exactly as apache-avro does: schemas with
//! decimals, durations or UUIDs, and reading into a Rust enum from a union, are left to
//! apache-avro ([`DirectError::Unsupported`]).
//!
//! Bounds: lengths are checked against the bytes left before anything is lent, array and
//! map blocks cannot announce more items than the bytes left could hold, and nesting is
//! limited to [`MAX_DEPTH`] levels.

mod access;
mod json;
mod plan;
mod read;

use std::fmt;

use serde::de;

pub(crate) use self::json::to_json;
pub(crate) use self::plan::Plan;
use self::read::{Reader, Value};

/// Records, arrays, maps and unions nested deeper than this fail to decode.
pub(crate) const MAX_DEPTH: usize = 128;

/// Why a payload was not read.
#[derive(Debug)]
pub(crate) enum DirectError {
    /// The payload, or the target type, does not fit the schema.
    Invalid(String),
    /// A reading left to apache-avro.
    Unsupported,
}

impl fmt::Display for DirectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid(message) => f.write_str(message),
            Self::Unsupported => f.write_str("not supported by the direct reader"),
        }
    }
}

impl std::error::Error for DirectError {}

impl de::Error for DirectError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self::Invalid(message.to_string())
    }
}

pub(super) fn invalid(message: impl Into<String>) -> DirectError {
    DirectError::Invalid(message.into())
}

/// Reads one datum of the plan's schema from the front of `bytes`, leaving the rest.
pub(crate) fn from_slice<'de, T: de::Deserialize<'de>>(
    plan: &Plan,
    bytes: &mut &'de [u8],
) -> Result<T, DirectError> {
    let mut reader = Reader { bytes, depth: 0 };
    let value = T::deserialize(Value {
        reader: &mut reader,
        plan,
        node: 0,
    })?;
    *bytes = reader.bytes;
    Ok(value)
}
