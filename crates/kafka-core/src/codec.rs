//! The `Codec` trait that turns a key or value payload into a typed output, its optional
//! `SchemaAware` part, and the codecs built in: text, bytes, and any `FromStr` type.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use crate::decode_error::DecodeError;
use crate::framing::{Framing, FramingPolicy};
use crate::registered::RegisteredSchema;
use crate::vocab::{DataFormat, Part, SchemaId, SchemaMetadata};

/// The framing of a payload that had none.
static PLAIN: Framing = Framing::PLAIN;

/// A key or value payload handed to a [`Codec`]: the bytes after base64 decoding and
/// after any schema-registry header (see [`WireFormat`](crate::WireFormat)), which side
/// of the record they are, the record's schema metadata for that side, and the framing
/// that was found.
///
/// It is `#[non_exhaustive]` so that more can be added without breaking codecs.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Payload<'a> {
    /// The payload bytes.
    pub bytes: &'a [u8],
    /// The bytes as the record carried them (after base64), header included.
    pub received: &'a [u8],
    /// Key or value.
    pub part: Part,
    /// The schema-registry metadata of this side of the record, if any.
    pub metadata: Option<&'a SchemaMetadata<'a>>,
    /// The framing found in front of the payload: wire format, schema id, Protobuf
    /// message indexes, compression. [`Framing::PLAIN`] when there was none.
    pub framing: &'a Framing,
}

impl<'a> Payload<'a> {
    /// A payload with no metadata and no framing, for calling a codec directly (in tests,
    /// for instance).
    #[must_use]
    pub fn new(bytes: &'a [u8], part: Part) -> Self {
        Self {
            bytes,
            received: bytes,
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

    /// The same payload as it was received, header included.
    #[must_use]
    pub fn with_received(mut self, received: &'a [u8]) -> Self {
        self.received = received;
        self
    }
}

/// Turns a key or value payload into a typed output.
///
/// A codec is built once (schemas parsed, options set) and then shared by every record of
/// every invocation, so `decode` takes `&self` and the codec must be `Send + Sync`.
/// Third-party formats implement this trait in their own crate, depending on `kafka-core`
/// alone: the output type and [`Codec::decode`] are all a codec must write. A codec that
/// reads schema-registry framing or learns writer schemas by id says so through
/// [`Codec::schema_aware`].
///
/// ```
/// use kafka_core::{Codec, DecodeError, Payload};
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

    /// Decodes one payload.
    ///
    /// # Errors
    /// A [`DecodeError`] saying why the bytes are not a valid payload, without quoting
    /// them; [`DecodeError::rejected`] for a value that decodes but fails validation.
    fn decode(&self, payload: Payload<'_>) -> Result<Self::Output, DecodeError>;

    /// What the codec knows of schema registries: its format, how a header is found in
    /// front of its payloads, the writer schemas it has or learns by id. `None` (the
    /// default) for a codec that reads no schema ids: the bytes after base64 are its
    /// payload, and it has no format ([`SchemaAware::format`]). An adapter around another codec
    /// returns the inner codec's.
    fn schema_aware(&self) -> Option<&dyn SchemaAware> {
        None
    }
}

/// The optional part of the codec contract, reached through [`Codec::schema_aware`]: what
/// a codec of a schema-registry format tells the consumer.
///
/// ```
/// use kafka_core::{Codec, DataFormat, DecodeError, FramingPolicy, Payload, SchemaAware, SchemaMetadata};
///
/// /// JSON text kept as it is; Confluent and Glue headers in front of it are removed.
/// struct JsonText;
///
/// impl Codec for JsonText {
///     type Output = String;
///
///     fn decode(&self, payload: Payload<'_>) -> Result<String, DecodeError> {
///         String::from_utf8(payload.bytes.to_vec()).map_err(|e| {
///             let position = e.utf8_error().valid_up_to();
///             DecodeError::invalid_utf8(position, payload.bytes.len())
///         })
///     }
///
///     fn schema_aware(&self) -> Option<&dyn SchemaAware> {
///         Some(self)
///     }
/// }
///
/// impl SchemaAware for JsonText {
///     fn framing(&self, _: Option<&SchemaMetadata<'_>>) -> FramingPolicy {
///         // JSON text never starts with a header byte.
///         FramingPolicy::PREFIX
///     }
///
///     fn format(&self) -> Option<DataFormat> {
///         Some(DataFormat::Json)
///     }
/// }
/// ```
pub trait SchemaAware: Send + Sync {
    /// How the wire layer finds a schema-registry header in front of the codec's payloads
    /// under [`WireFormat::Auto`](crate::WireFormat::Auto), and what follows the header;
    /// `metadata` is the record's for this side.
    fn framing(&self, metadata: Option<&SchemaMetadata<'_>>) -> FramingPolicy;

    /// The format the codec reads, if it is one the event can name: the consumer names it
    /// in errors, and fails a record whose schema metadata (`dataFormat`) reports another
    /// known format. `None` unless the codec says otherwise.
    fn format(&self) -> Option<DataFormat> {
        None
    }

    /// Whether the codec has a writer schema for this registry id. With
    /// [`FramingPolicy::KNOWN_IDS`], a payload starting with a header byte is read as
    /// framed only when its codec knows the id the header names. `false` unless the codec
    /// says otherwise.
    fn knows_schema_id(&self, id: &SchemaId) -> bool {
        let _ = id;
        false
    }

    /// Whether the codec would read payloads framed with this id with a schema from a
    /// registry, and does not have it yet. The step before decoding a batch (the
    /// `kafka-registry` crate's `prepare`) fetches those and hands them to
    /// [`SchemaAware::learn_schema`]. `false` unless the codec learns schemas at run time.
    fn wants_schema(&self, id: &SchemaId) -> bool {
        let _ = id;
        false
    }

    /// Gives the codec the registry's writer schema of an id, or why it could not be
    /// had; the codec compiles it once, and keeps it for the life of the instance (ids
    /// are immutable in every registry). A payload framed with an id whose fetch failed
    /// fails with [`DecodeError::schema_registry`] until a later fetch succeeds.
    fn learn_schema(&self, id: &SchemaId, schema: Result<&RegisteredSchema, &str>) {
        let _ = (id, schema);
    }
}

/// The format a codec reads: [`SchemaAware::format`], if any.
pub(crate) fn format_of<C: Codec + ?Sized>(codec: &C) -> Option<DataFormat> {
    codec.schema_aware().and_then(SchemaAware::format)
}

/// A codec behind a reference or a smart pointer is the codec itself.
macro_rules! forward_codec {
    ($($wrapper:ty),+) => {$(
        impl<C: Codec + ?Sized> Codec for $wrapper {
            type Output = C::Output;

            fn decode(&self, payload: Payload<'_>) -> Result<Self::Output, DecodeError> {
                (**self).decode(payload)
            }

            fn schema_aware(&self) -> Option<&dyn SchemaAware> {
                (**self).schema_aware()
            }
        }
    )+};
}

forward_codec!(&C, Box<C>, std::sync::Arc<C>);

/// A codec that can also decode into types that borrow from the payload: `&'p str`,
/// `Cow<'p, str>` with `#[serde(borrow)]`, `&'p [u8]`, and structs of them, with no
/// allocation for the strings and bytes they lend.
///
/// [`KafkaConsumer::lend`](crate::KafkaConsumer::lend) hands each record to a closure with
/// its payloads decoded from base64 and unframed, and [`Lent::value`](crate::Lent::value)
/// calls this with the type the closure asks for. The codec's own `Output` type plays no
/// part: a `Json<serde_json::Value>` lends any serde type.
///
/// ```
/// use kafka_core::{Lend, Part, Payload, Utf8};
///
/// let text: &str = Utf8.decode_as(Payload::new(b"customer-1", Part::Key))?;
/// assert_eq!(text, "customer-1");
/// # Ok::<(), kafka_core::DecodeError>(())
/// ```
pub trait Lend: Codec {
    /// Decodes one payload into `T`, which may borrow from `payload.bytes`.
    ///
    /// # Errors
    /// As [`Codec::decode`]; a type that borrows where the payload needs a copy (a
    /// `&str` field whose JSON text has an escape) fails here too.
    fn decode_as<'p, T: serde::Deserialize<'p>>(
        &self,
        payload: Payload<'p>,
    ) -> Result<T, DecodeError>;
}

macro_rules! forward_lend {
    ($($wrapper:ty),+) => {$(
        impl<C: Lend + ?Sized> Lend for $wrapper {
            fn decode_as<'p, T: serde::Deserialize<'p>>(
                &self,
                payload: Payload<'p>,
            ) -> Result<T, DecodeError> {
                (**self).decode_as(payload)
            }
        }
    )+};
}

forward_lend!(&C, Box<C>, std::sync::Arc<C>);

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

/// The text lent as a string: `&str`, `Cow<str>`, `String`, or any type that
/// deserializes from one.
impl Lend for Utf8 {
    fn decode_as<'p, T: serde::Deserialize<'p>>(
        &self,
        payload: Payload<'p>,
    ) -> Result<T, DecodeError> {
        let text = utf8(payload.bytes)?;
        T::deserialize(Lending::Text(text)).map_err(|e| DecodeError::from_serde(&e))
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

/// The bytes lent: `&[u8]`, or any type that deserializes from bytes.
impl Lend for Bytes {
    fn decode_as<'p, T: serde::Deserialize<'p>>(
        &self,
        payload: Payload<'p>,
    ) -> Result<T, DecodeError> {
        T::deserialize(Lending::Bytes(payload.bytes)).map_err(|e| DecodeError::from_serde(&e))
    }
}

/// Lends text or bytes to a serde type: as a string or bytes, through a newtype struct
/// (`struct Name<'a>(&'a str)`) or an `Option`.
enum Lending<'p> {
    Text(&'p str),
    Bytes(&'p [u8]),
}

impl<'de> serde::Deserializer<'de> for Lending<'de> {
    type Error = serde::de::value::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self {
            Self::Text(text) => visitor.visit_borrowed_str(text),
            Self::Bytes(bytes) => visitor.visit_borrowed_bytes(bytes),
        }
    }

    fn deserialize_option<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    /// Text names a unit variant.
    fn deserialize_enum<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self {
            Self::Text(text) => {
                visitor.visit_enum(serde::de::value::BorrowedStrDeserializer::new(text))
            }
            Self::Bytes(_) => self.deserialize_any(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
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
