//! Validation ("output parsing"): after a codec decodes a key or value, turn it into your
//! domain type or reject it. A rejection is that record's
//! [`RecordError::Validation`](crate::RecordError::Validation) with the validator's
//! messages.
//!
//! ```
//! use kafka_core::{Codec, CodecExt, Parsed, Part, Payload};
//!
//! /// A quantity: a positive number.
//! #[derive(Debug, PartialEq)]
//! struct Quantity(u32);
//!
//! let codec = Parsed::<i64>::new().parse_with(|n| {
//!     u32::try_from(n).ok().filter(|n| *n > 0).map(Quantity).ok_or("must be between 1 and 2^32-1")
//! });
//! assert_eq!(codec.decode(Payload::new(b"3", Part::Value)).unwrap(), Quantity(3));
//! let err = codec.decode(Payload::new(b"0", Part::Value)).unwrap_err();
//! assert!(err.is_rejection());
//! assert_eq!(err.message(), "must be between 1 and 2^32-1");
//! ```

use std::fmt;
use std::marker::PhantomData;

use crate::codec::{Codec, Payload, SchemaAware};
use crate::decode_error::DecodeError;

/// Validation steps on any codec.
pub trait CodecExt: Codec + Sized {
    /// Turns each decoded output into `T` with a closure; its `Err` rejects the record.
    fn parse_with<T, E, F>(self, parse: F) -> ParseWith<Self, F>
    where
        F: Fn(Self::Output) -> Result<T, E> + Send + Sync,
        E: fmt::Display,
    {
        ParseWith { inner: self, parse }
    }

    /// Turns each decoded output into `T` with `TryFrom`; its error rejects the record.
    fn try_into_type<T>(self) -> TryIntoType<Self, T>
    where
        T: TryFrom<Self::Output>,
        T::Error: fmt::Display,
    {
        TryIntoType {
            inner: self,
            _output: PhantomData,
        }
    }

    /// Checks each decoded output with its `garde::Validate` rules (feature `garde`).
    #[cfg(feature = "garde")]
    #[cfg_attr(docsrs, doc(cfg(feature = "garde")))]
    fn garde(self) -> Garde<Self>
    where
        Self::Output: garde::Validate,
        <Self::Output as garde::Validate>::Context: Default,
    {
        Garde { inner: self }
    }

    /// Checks each decoded output with its `validator::Validate` rules (feature
    /// `validator`).
    #[cfg(feature = "validator")]
    #[cfg_attr(docsrs, doc(cfg(feature = "validator")))]
    fn validator(self) -> Validator<Self>
    where
        Self::Output: validator::Validate,
    {
        Validator { inner: self }
    }
}

impl<C: Codec> CodecExt for C {}

/// A codec whose outputs go through a closure ([`CodecExt::parse_with`]).
#[derive(Clone)]
pub struct ParseWith<C, F> {
    inner: C,
    parse: F,
}

impl<C: fmt::Debug, F> fmt::Debug for ParseWith<C, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParseWith")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl<C, F, T, E> Codec for ParseWith<C, F>
where
    C: Codec,
    F: Fn(C::Output) -> Result<T, E> + Send + Sync,
    E: fmt::Display,
{
    type Output = T;

    fn schema_aware(&self) -> Option<&dyn SchemaAware> {
        self.inner.schema_aware()
    }

    fn decode(&self, payload: Payload<'_>) -> Result<T, DecodeError> {
        let output = self.inner.decode(payload)?;
        (self.parse)(output).map_err(|e| DecodeError::rejected(e.to_string()))
    }
}

/// A codec whose outputs are converted with `TryFrom` ([`CodecExt::try_into_type`]).
pub struct TryIntoType<C, T> {
    inner: C,
    _output: PhantomData<fn() -> T>,
}

impl<C: Clone, T> Clone for TryIntoType<C, T> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            _output: PhantomData,
        }
    }
}

impl<C: fmt::Debug, T> fmt::Debug for TryIntoType<C, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "TryIntoType<{}>({:?})",
            std::any::type_name::<T>(),
            self.inner
        )
    }
}

impl<C, T> Codec for TryIntoType<C, T>
where
    C: Codec,
    T: TryFrom<C::Output>,
    T::Error: fmt::Display,
{
    type Output = T;

    fn schema_aware(&self) -> Option<&dyn SchemaAware> {
        self.inner.schema_aware()
    }

    fn decode(&self, payload: Payload<'_>) -> Result<T, DecodeError> {
        let output = self.inner.decode(payload)?;
        T::try_from(output).map_err(|e| DecodeError::rejected(e.to_string()))
    }
}

/// A codec whose outputs must pass their `garde` rules ([`CodecExt::garde`]).
#[cfg(feature = "garde")]
#[cfg_attr(docsrs, doc(cfg(feature = "garde")))]
#[derive(Debug, Clone)]
pub struct Garde<C> {
    inner: C,
}

#[cfg(feature = "garde")]
impl<C> Codec for Garde<C>
where
    C: Codec,
    C::Output: garde::Validate,
    <C::Output as garde::Validate>::Context: Default,
{
    type Output = C::Output;

    fn schema_aware(&self) -> Option<&dyn SchemaAware> {
        self.inner.schema_aware()
    }

    fn decode(&self, payload: Payload<'_>) -> Result<C::Output, DecodeError> {
        let output = self.inner.decode(payload)?;
        garde::Validate::validate(&output).map_err(|report| {
            // One line per rule broken: `path: message`.
            let lines: Vec<String> = report
                .iter()
                .map(|(path, e)| format!("{path}: {e}"))
                .collect();
            DecodeError::rejected(lines.join("; "))
        })?;
        Ok(output)
    }
}

/// A codec whose outputs must pass their `validator` rules ([`CodecExt::validator`]).
#[cfg(feature = "validator")]
#[cfg_attr(docsrs, doc(cfg(feature = "validator")))]
#[derive(Debug, Clone)]
pub struct Validator<C> {
    inner: C,
}

#[cfg(feature = "validator")]
impl<C> Codec for Validator<C>
where
    C: Codec,
    C::Output: validator::Validate,
{
    type Output = C::Output;

    fn schema_aware(&self) -> Option<&dyn SchemaAware> {
        self.inner.schema_aware()
    }

    fn decode(&self, payload: Payload<'_>) -> Result<C::Output, DecodeError> {
        let output = self.inner.decode(payload)?;
        validator::Validate::validate(&output)
            .map_err(|errors| DecodeError::rejected(validator_messages(&errors)))?;
        Ok(output)
    }
}

/// `field: code` per failed rule (with its message when the rule has one), sorted, for a
/// stable text. The values that failed are never included.
#[cfg(feature = "validator")]
fn validator_messages(errors: &validator::ValidationErrors) -> String {
    let mut lines = Vec::new();
    for (field, errors) in errors.field_errors() {
        for error in errors {
            match &error.message {
                Some(message) => lines.push(format!("{field}: {message}")),
                None => lines.push(format!("{field}: {}", error.code)),
            }
        }
    }
    lines.sort();
    lines.join("; ")
}
