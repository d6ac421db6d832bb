//! Readers for the record fields whose bad values fail one record, not the event.
//!
//! Lambda sends the whole batch in one document. A header byte out of range or a
//! timestamp that is not an integer is the problem of that record alone: these readers
//! accept any JSON shape, consume it completely (so the parser stays in step), and hand
//! back `Err(reason)` as a value instead of failing the parse. Only malformed JSON text
//! fails the whole event.
//!
//! Every reader is one [`Expect`]: it says which shapes it accepts and how it names a
//! wrong one; the single [`Read`] visitor does the rest.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

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

/// The shape of a JSON value, as messages name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Null,
    Boolean,
    /// A number the reader did not take (for an integer reader: a fraction).
    Number,
    Text,
    List,
    Object,
}

impl Shape {
    /// `null`, `a boolean`, `a number`, `text`, `a list`, `an object`.
    pub(crate) const fn named(self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Boolean => "a boolean",
            Self::Number => "a number",
            Self::Text => "text",
            Self::List => "a list",
            Self::Object => "an object",
        }
    }
}

/// What one lenient field accepts. Each method is called for one JSON shape; those a
/// reader does not override are the wrong shape, named by [`Expect::wrong`].
pub(crate) trait Expect<'de>: Sized {
    /// What the field reads into.
    type Value;

    /// For serde's messages (only reached on malformed JSON).
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;

    /// Why a value of this shape is not the field's.
    fn wrong(&self, shape: Shape) -> Reason;

    fn null(self) -> Lenient<Self::Value> {
        Err(self.wrong(Shape::Null))
    }

    fn boolean(self) -> Lenient<Self::Value> {
        Err(self.wrong(Shape::Boolean))
    }

    fn signed(self, v: i64) -> Lenient<Self::Value> {
        let _ = v;
        Err(self.wrong(Shape::Number))
    }

    fn unsigned(self, v: u64) -> Lenient<Self::Value> {
        let _ = v;
        Err(self.wrong(Shape::Number))
    }

    fn fraction(self) -> Lenient<Self::Value> {
        Err(self.wrong(Shape::Number))
    }

    /// Text that lives only for the call.
    fn text(self, v: &str) -> Lenient<Self::Value> {
        let _ = v;
        Err(self.wrong(Shape::Text))
    }

    /// Text borrowed from the input for `'de`.
    fn borrowed_text(self, v: &'de str) -> Lenient<Self::Value> {
        self.text(v)
    }

    fn list<A: SeqAccess<'de>>(self, seq: A) -> Result<Lenient<Self::Value>, A::Error> {
        drain_seq(seq)?;
        Ok(Err(self.wrong(Shape::List)))
    }

    fn object<A: MapAccess<'de>>(self, map: A) -> Result<Lenient<Self::Value>, A::Error> {
        drain_map(map)?;
        Ok(Err(self.wrong(Shape::Object)))
    }
}

/// The one visitor (and seed) of every lenient field: hands each shape to its [`Expect`].
pub(crate) struct Read<E>(pub(crate) E);

impl<'de, E: Expect<'de>> DeserializeSeed<'de> for Read<E> {
    type Value = Lenient<E::Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, E: Expect<'de>> Visitor<'de> for Read<E> {
    type Value = Lenient<E::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_unit<X: de::Error>(self) -> Result<Self::Value, X> {
        Ok(self.0.null())
    }

    fn visit_none<X: de::Error>(self) -> Result<Self::Value, X> {
        Ok(self.0.null())
    }

    fn visit_bool<X: de::Error>(self, _: bool) -> Result<Self::Value, X> {
        Ok(self.0.boolean())
    }

    fn visit_i64<X: de::Error>(self, v: i64) -> Result<Self::Value, X> {
        Ok(self.0.signed(v))
    }

    fn visit_u64<X: de::Error>(self, v: u64) -> Result<Self::Value, X> {
        Ok(self.0.unsigned(v))
    }

    fn visit_f64<X: de::Error>(self, _: f64) -> Result<Self::Value, X> {
        Ok(self.0.fraction())
    }

    fn visit_str<X: de::Error>(self, v: &str) -> Result<Self::Value, X> {
        Ok(self.0.text(v))
    }

    fn visit_borrowed_str<X: de::Error>(self, v: &'de str) -> Result<Self::Value, X> {
        Ok(self.0.borrowed_text(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.0.list(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.object(map)
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

/// Reads the elements of a list with `seed`, handing each good one to `f` and keeping
/// the first problem (the rest of the list is still consumed).
pub(crate) fn each<'de, A, S, T>(
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

/// An integer number of epoch milliseconds.
pub(crate) struct Timestamp;

impl Expect<'_> for Timestamp {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer number of epoch milliseconds")
    }

    fn wrong(&self, shape: Shape) -> Reason {
        match shape {
            Shape::Null => "timestamp is null".into(),
            Shape::Boolean => "timestamp is not a number".into(),
            Shape::Number => "timestamp is not an integer number of milliseconds".into(),
            other => format!("timestamp is {}, not a number", other.named()).into(),
        }
    }

    fn signed(self, v: i64) -> Lenient<i64> {
        Ok(v)
    }

    fn unsigned(self, v: u64) -> Lenient<i64> {
        i64::try_from(v).map_err(|_| "timestamp is beyond the i64 range".into())
    }
}

/// Text, borrowed from the input when it can be; `null` is `None`.
pub(crate) struct Text {
    /// The field's name, for the reason.
    pub(crate) field: &'static str,
    /// What the text should be, for the reason (`base64 text`, `text`).
    pub(crate) what: &'static str,
}

impl<'de> Expect<'de> for Text {
    type Value = Option<Cow<'de, str>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} as text or null", self.field)
    }

    fn wrong(&self, shape: Shape) -> Reason {
        format!("{} is {}, not {}", self.field, shape.named(), self.what).into()
    }

    fn null(self) -> Lenient<Self::Value> {
        Ok(None)
    }

    fn text(self, v: &str) -> Lenient<Self::Value> {
        Ok(Some(Cow::Owned(v.to_owned())))
    }

    fn borrowed_text(self, v: &'de str) -> Lenient<Self::Value> {
        Ok(Some(Cow::Borrowed(v)))
    }
}

/// An integer of type `T`, written as a number or as numeric text (older AWS samples
/// write `"partition": "0"`).
pub(crate) struct Integer<T> {
    pub(crate) field: &'static str,
    pub(crate) _type: PhantomData<T>,
}

impl<T> Integer<T> {
    pub(crate) const fn named(field: &'static str) -> Self {
        Self {
            field,
            _type: PhantomData,
        }
    }

    fn range(&self) -> Reason
    where
        T: Bounded,
    {
        format!("{} is beyond the {} range", self.field, T::NAME).into()
    }
}

/// The integer types [`Integer`] reads.
pub(crate) trait Bounded: TryFrom<i64> + TryFrom<u64> + std::str::FromStr {
    const NAME: &'static str;
}

impl Bounded for i32 {
    const NAME: &'static str = "i32";
}

impl Bounded for i64 {
    const NAME: &'static str = "i64";
}

impl<T: Bounded> Expect<'_> for Integer<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} as an integer", self.field)
    }

    fn wrong(&self, shape: Shape) -> Reason {
        format!(
            "{} is {}, not an integer (or numeric text)",
            self.field,
            shape.named()
        )
        .into()
    }

    fn signed(self, v: i64) -> Lenient<T> {
        T::try_from(v).map_err(|_| self.range())
    }

    fn unsigned(self, v: u64) -> Lenient<T> {
        T::try_from(v).map_err(|_| self.range())
    }

    fn text(self, v: &str) -> Lenient<T> {
        let digits = v.strip_prefix('-').unwrap_or(v);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "{} is text that is not an integer ({} characters)",
                self.field,
                v.len()
            )
            .into());
        }
        v.parse().map_err(|_| self.range())
    }
}

/// Reads a required integer field of the envelope; anything else fails the event, in
/// words that name the field.
pub(crate) fn integer<'de, D, T>(deserializer: D, field: &'static str) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Bounded,
{
    Read(Integer::<T>::named(field))
        .deserialize(deserializer)?
        .map_err(|reason| de::Error::custom(&*reason))
}

/// One header value: a list of byte numbers, signed (-128..=-1) or unsigned (0..=255), or
/// `null`.
pub(crate) struct HeaderBytes;

impl<'de> Expect<'de> for HeaderBytes {
    type Value = Option<Vec<u8>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a header value as a list of byte numbers")
    }

    fn wrong(&self, shape: Shape) -> Reason {
        format!("header value is {}, not a list of bytes", shape.named()).into()
    }

    fn null(self) -> Lenient<Self::Value> {
        Ok(None)
    }

    fn list<A: SeqAccess<'de>>(self, seq: A) -> Result<Lenient<Self::Value>, A::Error> {
        let mut bytes = Vec::with_capacity(seq.size_hint().unwrap_or(16));
        let problem = each(seq, || Read(Byte), |b| bytes.push(b))?;
        Ok(match problem {
            None => Ok(Some(bytes)),
            Some(reason) => Err(reason),
        })
    }
}

/// One byte of a header value.
struct Byte;

impl Expect<'_> for Byte {
    type Value = u8;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a byte number in -128..=255")
    }

    fn wrong(&self, _: Shape) -> Reason {
        "header byte is not an integer".into()
    }

    fn signed(self, v: i64) -> Lenient<u8> {
        // Java's signed bytes: -56 is the byte 200.
        match v {
            0..=255 => Ok(u8::try_from(v).unwrap_or_default()),
            -128..=-1 => Ok(i8::try_from(v).map(i8::cast_unsigned).unwrap_or_default()),
            _ => Err(out_of_range()),
        }
    }

    fn unsigned(self, v: u64) -> Lenient<u8> {
        u8::try_from(v).map_err(|_| out_of_range())
    }
}

fn out_of_range() -> Reason {
    "header byte is outside -128..=255".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<'de, E: Expect<'de>>(expect: E, json: &'de str) -> Lenient<E::Value> {
        let mut de = serde_json::Deserializer::from_str(json);
        Read(expect).deserialize(&mut de).unwrap()
    }

    #[test]
    fn integers_from_numbers_and_numeric_text() {
        assert_eq!(read(Integer::<i32>::named("partition"), "7"), Ok(7));
        assert_eq!(read(Integer::<i32>::named("partition"), r#""7""#), Ok(7));
        assert_eq!(read(Integer::<i64>::named("offset"), r#""-3""#), Ok(-3));
        assert_eq!(
            read(Integer::<i32>::named("partition"), "4294967296")
                .unwrap_err()
                .to_string(),
            "partition is beyond the i32 range"
        );
        assert_eq!(
            read(Integer::<i32>::named("partition"), r#""seven""#)
                .unwrap_err()
                .to_string(),
            "partition is text that is not an integer (5 characters)"
        );
        assert_eq!(
            read(Integer::<i64>::named("offset"), "true")
                .unwrap_err()
                .to_string(),
            "offset is a boolean, not an integer (or numeric text)"
        );
    }

    #[test]
    fn wrong_shapes_are_consumed_and_named() {
        assert_eq!(
            read(Timestamp, "[1,[2]]").unwrap_err().to_string(),
            "timestamp is a list, not a number"
        );
        assert_eq!(
            read(HeaderBytes, r#"{"a":1}"#).unwrap_err().to_string(),
            "header value is an object, not a list of bytes"
        );
        assert_eq!(read(HeaderBytes, "[-56, 200]"), Ok(Some(vec![200, 200])));
    }
}
