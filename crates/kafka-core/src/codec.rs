//! The `Codec` trait that turns a key or value payload into a typed output, and the
//! codecs built in: text, bytes, and any `FromStr` type.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use crate::error::DecodeError;
use crate::event::SchemaMetadata;
use crate::record::Part;
use crate::wire::{Framing, SchemaId};

/// The framing of a payload that had none.
static PLAIN: Framing = Framing::PLAIN;

/// The serialization format a codec reads. The consumer uses it to name the format in
/// errors, and to compare with what schema metadata reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// JSON text.
    Json,
    /// Avro binary.
    Avro,
    /// Protocol Buffers binary.
    Protobuf,
    /// Anything else: text, raw bytes, a third party's format.
    Other,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Json => "JSON",
            Self::Avro => "Avro",
            Self::Protobuf => "Protobuf",
            Self::Other => "other",
        })
    }
}

/// A key or value payload handed to a [`Codec`]: the bytes after base64 decoding and
/// after any schema-registry header (see [`crate::wire`]), which side of the record they
/// are, the record's schema metadata for that side, and the framing that was found.
///
/// It is `#[non_exhaustive]` so that more can be added without breaking codecs.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Payload<'a> {
    /// The payload bytes.
    pub bytes: &'a [u8],
    /// Key or value.
    pub part: Part,
    /// The schema-registry metadata of this side of the record, if any.
    pub metadata: Option<&'a SchemaMetadata<'a>>,
    /// The framing found in front of the payload: wire format, schema id, Protobuf
    /// message indexes, compression. [`Framing::PLAIN`] when there was none.
    pub framing: &'a Framing,
}

impl<'a> Payload<'a> {
    /// A payload with no metadata, for calling a codec directly (in tests, for instance).
    #[must_use]
    pub fn new(bytes: &'a [u8], part: Part) -> Self {
        Self {
            bytes,
            part,
            metadata: None,
            framing: &PLAIN,
        }
    }

    /// The same payload with schema metadata.
    #[must_use]
    pub fn with_metadata(mut self, metadata: Option<&'a SchemaMetadata<'a>>) -> Self {
        self.metadata = metadata;
        self
    }

    /// The same payload with the framing found in front of it.
    #[must_use]
    pub fn with_framing(mut self, framing: &'a Framing) -> Self {
        self.framing = framing;
        self
    }
}

/// Turns a key or value payload into a typed output.
///
/// A codec is built once (schemas parsed, options set) and then shared by every record of
/// every invocation, so `decode` takes `&self` and the codec must be `Send + Sync`.
/// Third-party formats implement this trait in their own crate, depending on `kafka-core`
/// alone.
///
/// ```
/// use kafka_core::{Codec, DecodeError, Format, Payload};
///
/// /// A key made of a big-endian `u32`.
/// struct U32Key;
///
/// impl Codec for U32Key {
///     type Output = u32;
///
///     fn decode(&self, payload: Payload<'_>) -> Result<u32, DecodeError> {
///         let bytes: [u8; 4] = payload.bytes.try_into().map_err(|_| {
///             DecodeError::new(format!("expected 4 bytes, found {}", payload.bytes.len()))
///         })?;
///         Ok(u32::from_be_bytes(bytes))
///     }
/// }
/// ```
pub trait Codec: Send + Sync {
    /// What a payload decodes into.
    type Output;

    /// The format this codec reads; [`Format::Other`] unless it is one of the known ones.
    fn format(&self) -> Format {
        Format::Other
    }

    /// Whether the codec has a writer schema for this registry id. With
    /// [`WireFormat::Auto`](crate::wire::WireFormat::Auto), an Avro payload starting with
    /// a header byte is read as framed only when its codec knows the id the header names.
    fn knows_schema_id(&self, id: &SchemaId) -> bool {
        let _ = id;
        false
    }

    /// Decodes one payload.
    ///
    /// # Errors
    /// A [`DecodeError`] saying why the bytes are not a valid payload, without quoting
    /// them; [`DecodeError::rejected`] for a value that decodes but fails validation.
    fn decode(&self, payload: Payload<'_>) -> Result<Self::Output, DecodeError>;
}

impl<C: Codec + ?Sized> Codec for &C {
    type Output = C::Output;

    fn format(&self) -> Format {
        (**self).format()
    }

    fn knows_schema_id(&self, id: &SchemaId) -> bool {
        (**self).knows_schema_id(id)
    }

    fn decode(&self, payload: Payload<'_>) -> Result<Self::Output, DecodeError> {
        (**self).decode(payload)
    }
}

impl<C: Codec + ?Sized> Codec for Box<C> {
    type Output = C::Output;

    fn format(&self) -> Format {
        (**self).format()
    }

    fn knows_schema_id(&self, id: &SchemaId) -> bool {
        (**self).knows_schema_id(id)
    }

    fn decode(&self, payload: Payload<'_>) -> Result<Self::Output, DecodeError> {
        (**self).decode(payload)
    }
}

impl<C: Codec + ?Sized> Codec for std::sync::Arc<C> {
    type Output = C::Output;

    fn format(&self) -> Format {
        (**self).format()
    }

    fn knows_schema_id(&self, id: &SchemaId) -> bool {
        (**self).knows_schema_id(id)
    }

    fn decode(&self, payload: Payload<'_>) -> Result<Self::Output, DecodeError> {
        (**self).decode(payload)
    }
}

/// UTF-8 text into a `String`. Invalid UTF-8 is an error, never replaced.
///
/// ```
/// use kafka_core::{Codec, Part, Payload, Utf8};
///
/// assert_eq!(Utf8.decode(Payload::new(b"customer-1", Part::Key)).unwrap(), "customer-1");
/// let err = Utf8.decode(Payload::new(b"ab\xff", Part::Key)).unwrap_err();
/// assert_eq!(err.message(), "invalid UTF-8: the byte at position 2 is not valid (3 bytes in all)");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Utf8;

impl Codec for Utf8 {
    type Output = String;

    fn decode(&self, payload: Payload<'_>) -> Result<String, DecodeError> {
        utf8(payload.bytes).map(str::to_owned)
    }
}

fn utf8(bytes: &[u8]) -> Result<&str, DecodeError> {
    std::str::from_utf8(bytes).map_err(|e| DecodeError::invalid_utf8(e.valid_up_to(), bytes.len()))
}

/// The payload bytes as they are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bytes;

impl Codec for Bytes {
    type Output = Vec<u8>;

    fn decode(&self, payload: Payload<'_>) -> Result<Vec<u8>, DecodeError> {
        Ok(payload.bytes.to_vec())
    }
}

/// UTF-8 text parsed with [`FromStr`]: `Parsed::<i64>::new()` reads the key `"42"` as `42`.
///
/// ```
/// use kafka_core::{Codec, Parsed, Part, Payload};
///
/// let codec = Parsed::<i64>::new();
/// assert_eq!(codec.decode(Payload::new(b"42", Part::Key)).unwrap(), 42);
/// let err = codec.decode(Payload::new(b"4x2", Part::Key)).unwrap_err();
/// assert_eq!(
///     err.message(),
///     "cannot parse 3 bytes of text as i64: invalid digit found in string"
/// );
/// ```
pub struct Parsed<T> {
    _output: PhantomData<fn() -> T>,
}

impl<T> Parsed<T> {
    /// A codec parsing text into `T`.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            _output: PhantomData,
        }
    }
}

impl<T> Default for Parsed<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Clone for Parsed<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Parsed<T> {}

impl<T> fmt::Debug for Parsed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Parsed<{}>", std::any::type_name::<T>())
    }
}

impl<T> Codec for Parsed<T>
where
    T: FromStr,
    T::Err: fmt::Display,
{
    type Output = T;

    fn decode(&self, payload: Payload<'_>) -> Result<T, DecodeError> {
        let text = utf8(payload.bytes)?;
        // `FromStr` errors of the standard types describe the failure without repeating
        // the input; other types' messages go through the same redaction as serde's.
        text.parse().map_err(|e: T::Err| {
            DecodeError::from_serde(&format_args!(
                "cannot parse {} bytes of text as {}: {e}",
                payload.bytes.len(),
                short_type_name::<T>()
            ))
        })
    }
}

fn short_type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}
