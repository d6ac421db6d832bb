//! Deserializers for the record fields whose bad values fail one record, not the event.
//!
//! Lambda sends the whole batch in one document. A header byte out of range or a
//! timestamp that is not an integer is the problem of that record alone: these visitors
//! accept any JSON shape, consume it completely (so the parser stays in step), and hand
//! back `Err(reason)` as a value instead of failing the parse. Only malformed JSON text
//! fails the whole event.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A field value, or why the record's field could not be read.
pub(crate) type Lenient<T> = Result<T, Reason>;

/// Why a record's field could not be read. Boxed, so that a field that may hold one
/// costs a pointer more than its value, in a record kept for every Kafka record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reason(Box<Cow<'static, str>>);

impl std::ops::Deref for Reason {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Cow<'static, str>> for Reason {
    fn from(text: Cow<'static, str>) -> Self {
        Self(Box::new(text))
    }
}

impl From<String> for Reason {
    fn from(text: String) -> Self {
        Self(Box::new(Cow::Owned(text)))
    }
}

impl From<&'static str> for Reason {
    fn from(text: &'static str) -> Self {
        Self(Box::new(Cow::Borrowed(text)))
    }
}

/// Consumes the rest of a sequence.
pub(crate) fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

/// Consumes the rest of a map.
pub(crate) fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// Reads a JSON integer as an `i64` millisecond timestamp.
pub(crate) struct TimestampSeed;

impl<'de> DeserializeSeed<'de> for TimestampSeed {
    type Value = Lenient<i64>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(TimestampVisitor)
    }
}

struct TimestampVisitor;

impl<'de> Visitor<'de> for TimestampVisitor {
    type Value = Lenient<i64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer number of epoch milliseconds")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Ok(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(i64::try_from(v).map_err(|_| "timestamp is beyond the i64 range".into()))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Err(
            "timestamp is not an integer number of milliseconds".into()
        ))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Err("timestamp is not a number".into()))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Err("timestamp is text, not a number".into()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Err("timestamp is null".into()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        drain_seq(seq)?;
        Ok(Err("timestamp is a list, not a number".into()))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        drain_map(map)?;
        Ok(Err("timestamp is an object, not a number".into()))
    }
}

/// Reads text borrowed from the input when it can be, or why the field is not text.
///
/// `null` gives `Ok(None)`.
pub(crate) struct TextSeed {
    /// The field's name, for the reason.
    pub(crate) field: &'static str,
}

impl<'de> DeserializeSeed<'de> for TextSeed {
    type Value = Lenient<Option<Cow<'de, str>>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(TextVisitor { field: self.field })
    }
}

struct TextVisitor {
    field: &'static str,
}

impl TextVisitor {
    fn wrong(&self, shape: &str) -> Reason {
        format!("{} is {shape}, not base64 text", self.field).into()
    }
}

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Lenient<Option<Cow<'de, str>>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} as text or null", self.field)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Ok(Some(Cow::Borrowed(v))))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Ok(Some(Cow::Owned(v.to_owned()))))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Ok(Some(Cow::Owned(v))))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Ok(None))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Ok(None))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Err(self.wrong("a boolean")))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Err(self.wrong("a number")))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Err(self.wrong("a number")))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Err(self.wrong("a number")))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        drain_seq(seq)?;
        Ok(Err(self.wrong("a list")))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        drain_map(map)?;
        Ok(Err(self.wrong("an object")))
    }
}

/// Reads one header value: a list of byte numbers, signed (-128..=-1) or unsigned (0..=255),
/// or `null`.
pub(crate) struct HeaderBytesSeed;

impl<'de> DeserializeSeed<'de> for HeaderBytesSeed {
    type Value = Lenient<Option<Vec<u8>>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(HeaderBytesVisitor)
    }
}

struct HeaderBytesVisitor;

impl<'de> Visitor<'de> for HeaderBytesVisitor {
    type Value = Lenient<Option<Vec<u8>>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a header value as a list of byte numbers")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Ok(None))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Ok(None))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut bytes = Vec::with_capacity(seq.size_hint().unwrap_or(16));
        let mut problem = None;
        while let Some(byte) = seq.next_element_seed(ByteSeed)? {
            match byte {
                Ok(b) => bytes.push(b),
                Err(reason) => {
                    problem.get_or_insert(reason);
                }
            }
        }
        Ok(match problem {
            None => Ok(Some(bytes)),
            Some(reason) => Err(reason),
        })
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Err("header value is a boolean, not a list of bytes".into()))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Err("header value is a number, not a list of bytes".into()))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Err("header value is a number, not a list of bytes".into()))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Err("header value is a number, not a list of bytes".into()))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Err("header value is text, not a list of bytes".into()))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        drain_map(map)?;
        Ok(Err("header value is an object, not a list of bytes".into()))
    }
}

struct ByteSeed;

impl<'de> DeserializeSeed<'de> for ByteSeed {
    type Value = Lenient<u8>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(ByteVisitor)
    }
}

struct ByteVisitor;

impl ByteVisitor {
    fn out_of_range() -> Reason {
        "header byte is outside -128..=255".into()
    }

    fn not_a_number() -> Reason {
        "header byte is not an integer".into()
    }
}

impl<'de> Visitor<'de> for ByteVisitor {
    type Value = Lenient<u8>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a byte number in -128..=255")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        // Java's signed bytes: -56 is the byte 200.
        Ok(match v {
            0..=255 => Ok(u8::try_from(v).unwrap_or_default()),
            -128..=-1 => Ok(i8::try_from(v).map(i8::cast_unsigned).unwrap_or_default()),
            _ => Err(Self::out_of_range()),
        })
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(u8::try_from(v).map_err(|_| Self::out_of_range()))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Err(Self::not_a_number()))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Err(Self::not_a_number()))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Err(Self::not_a_number()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Err(Self::not_a_number()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        drain_seq(seq)?;
        Ok(Err(Self::not_a_number()))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        drain_map(map)?;
        Ok(Err(Self::not_a_number()))
    }
}

/// Runs `f` over each entry of a list, collecting the first problem, for lists whose
/// elements are read leniently (the header list).
pub(crate) fn lenient_seq<'de, A, S, T>(
    mut seq: A,
    seed: impl Fn() -> S,
    mut f: impl FnMut(T),
) -> Result<Option<Reason>, A::Error>
where
    A: SeqAccess<'de>,
    S: DeserializeSeed<'de, Value = Lenient<T>>,
{
    let mut problem = None;
    while let Some(item) = seq.next_element_seed(seed())? {
        match item {
            Ok(v) => f(v),
            Err(reason) => {
                problem.get_or_insert(reason);
            }
        }
    }
    Ok(problem)
}
