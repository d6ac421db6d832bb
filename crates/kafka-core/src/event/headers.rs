//! Kafka record headers: names with byte values, in record order, duplicates kept.

use std::borrow::Cow;
use std::fmt;

use serde::de::{MapAccess, SeqAccess};

use super::lenient::{self, Expect, HeaderBytes, Lenient, Read, Reason, Shape};

/// One Kafka header: a name and a byte value, which Kafka allows to be null.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header<'a> {
    pub(super) name: Cow<'a, str>,
    pub(super) value: Option<Vec<u8>>,
}

impl<'a> Header<'a> {
    /// A header with a name and a value (`None` for a null value).
    pub fn new(name: impl Into<Cow<'a, str>>, value: Option<Vec<u8>>) -> Self {
        Self {
            name: name.into(),
            value,
        }
    }

    /// The header's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The header's bytes, or `None` when the value is null.
    #[must_use]
    pub fn value(&self) -> Option<&[u8]> {
        self.value.as_deref()
    }

    /// The header's value as UTF-8 text; `None` when it is null or not valid UTF-8
    /// (its bytes are still there through [`Header::value`]).
    #[must_use]
    pub fn value_str(&self) -> Option<&str> {
        self.value().and_then(|v| std::str::from_utf8(v).ok())
    }

    /// The same header with no borrowed data.
    #[must_use]
    pub fn into_owned(self) -> Header<'static> {
        Header {
            name: Cow::Owned(self.name.into_owned()),
            value: self.value,
        }
    }
}

/// The headers of a record exactly as the event carried them: order, duplicate names and
/// null values are kept. A record with `null` or no `headers` has none.
///
/// ```
/// use kafka_core::{Header, Headers};
///
/// let headers = Headers::from(vec![
///     Header::new("retry", Some(b"1".to_vec())),
///     Header::new("trace", Some(vec![0xff])),
///     Header::new("retry", Some(b"2".to_vec())),
/// ]);
/// assert_eq!(headers.get_str("retry"), Some("1"));
/// assert_eq!(headers.get_all_str("retry").collect::<Vec<_>>(), [Some("1"), Some("2")]);
/// assert_eq!(headers.get("trace"), Some(&[0xff][..]));
/// assert_eq!(headers.get_str("trace"), None); // not UTF-8: read it with `get`
/// assert_eq!(headers.get("missing"), None);
/// ```
#[derive(Clone)]
pub struct Headers<'a> {
    entries: Entries<'a>,
}

/// Most records carry one header: it is kept inline, without a list of its own.
#[derive(Clone)]
enum Entries<'a> {
    One(Header<'a>),
    Many(Vec<Header<'a>>),
}

impl Default for Headers<'_> {
    fn default() -> Self {
        Self::new()
    }
}

impl PartialEq for Headers<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Headers<'_> {}

impl fmt::Debug for Headers<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Headers")
            .field("entries", &self.as_slice())
            .finish()
    }
}

impl<'a> Headers<'a> {
    /// No headers.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            entries: Entries::Many(Vec::new()),
        }
    }

    /// Every header in record order.
    pub fn iter(&self) -> std::slice::Iter<'_, Header<'a>> {
        self.as_slice().iter()
    }

    /// Every header in record order, as a slice.
    #[must_use]
    pub fn as_slice(&self) -> &[Header<'a>] {
        match &self.entries {
            Entries::One(header) => std::slice::from_ref(header),
            Entries::Many(headers) => headers,
        }
    }

    /// Adds a header after the others.
    pub fn push(&mut self, header: Header<'a>) {
        let entries = std::mem::replace(&mut self.entries, Entries::Many(Vec::new()));
        self.entries = match entries {
            Entries::Many(mut headers) if !headers.is_empty() => {
                headers.push(header);
                Entries::Many(headers)
            }
            Entries::Many(_) => Entries::One(header),
            Entries::One(first) => Entries::Many(vec![first, header]),
        };
    }

    /// How many headers the record has, duplicates counted.
    #[must_use]
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// Whether the record has no headers.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    /// The first header named `name`.
    #[must_use]
    pub fn first(&self, name: &str) -> Option<&Header<'a>> {
        self.iter().find(|h| h.name() == name)
    }

    /// The bytes of the first header named `name`; `None` when there is none or its value
    /// is null.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.first(name).and_then(Header::value)
    }

    /// The first header named `name` as UTF-8 text; `None` when there is none, or its
    /// value is null or not valid UTF-8.
    #[must_use]
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.first(name).and_then(Header::value_str)
    }

    /// The bytes of every header named `name`, in order (`None` for a null value).
    pub fn get_all<'s>(&'s self, name: &'s str) -> impl Iterator<Item = Option<&'s [u8]>> + 's {
        self.iter()
            .filter(move |h| h.name() == name)
            .map(Header::value)
    }

    /// Every header named `name` as UTF-8 text, in order (`None` for a null value or one
    /// that is not UTF-8).
    pub fn get_all_str<'s>(&'s self, name: &'s str) -> impl Iterator<Item = Option<&'s str>> + 's {
        self.iter()
            .filter(move |h| h.name() == name)
            .map(Header::value_str)
    }

    /// The same headers with no borrowed data.
    #[must_use]
    pub fn into_owned(self) -> Headers<'static> {
        Headers {
            entries: match self.entries {
                Entries::One(header) => Entries::One(header.into_owned()),
                Entries::Many(headers) => {
                    Entries::Many(headers.into_iter().map(Header::into_owned).collect())
                }
            },
        }
    }
}

impl<'a> From<Vec<Header<'a>>> for Headers<'a> {
    fn from(mut entries: Vec<Header<'a>>) -> Self {
        let entries = match (entries.len(), entries.pop()) {
            (1, Some(header)) => Entries::One(header),
            (_, Some(last)) => {
                entries.push(last);
                Entries::Many(entries)
            }
            (_, None) => Entries::Many(entries),
        };
        Self { entries }
    }
}

impl<'a> FromIterator<Header<'a>> for Headers<'a> {
    fn from_iter<I: IntoIterator<Item = Header<'a>>>(iter: I) -> Self {
        Self::from(iter.into_iter().collect::<Vec<_>>())
    }
}

impl<'s, 'a> IntoIterator for &'s Headers<'a> {
    type Item = &'s Header<'a>;
    type IntoIter = std::slice::Iter<'s, Header<'a>>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// A record's `headers` field, read leniently: `null` is no headers.
pub(super) struct HeaderList;

impl<'de> Expect<'de> for HeaderList {
    type Value = Headers<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of one-entry header objects")
    }

    fn wrong(&self, shape: Shape) -> Reason {
        format!("headers is {}, not a list", shape.named()).into()
    }

    fn null(self) -> Lenient<Headers<'de>> {
        Ok(Headers::new())
    }

    fn list<A: SeqAccess<'de>>(self, seq: A) -> Result<Lenient<Headers<'de>>, A::Error> {
        // Most records carry one header object of one header: its vector becomes the
        // record's, with no room to spare, and later ones are appended.
        let mut entries = Vec::new();
        let problem = lenient::each(
            seq,
            || Read(Entry),
            |mut found: Vec<Header<'de>>| {
                if entries.is_empty() {
                    entries = found;
                } else {
                    entries.append(&mut found);
                }
            },
        )?;
        Ok(match problem {
            None => Ok(Headers::from(entries)),
            Some(reason) => Err(reason),
        })
    }
}

/// One element of the header list: an object of name → bytes. Lambda writes one entry per
/// object; more are accepted, in order.
struct Entry;

impl<'de> Expect<'de> for Entry {
    type Value = Vec<Header<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a {name: [bytes]} header object")
    }

    fn wrong(&self, _: Shape) -> Reason {
        "a header is not a {name: bytes} object".into()
    }

    fn object<A: MapAccess<'de>>(self, mut map: A) -> Result<Lenient<Self::Value>, A::Error> {
        let mut found = Vec::with_capacity(1);
        let mut problem = None;
        while let Some(name) = map.next_key_seed(super::read::Name)? {
            match map.next_value_seed(Read(HeaderBytes))? {
                Ok(value) => found.push(Header { name, value }),
                Err(reason) => {
                    problem.get_or_insert_with(|| format!("header \"{name}\": {reason}").into());
                }
            }
        }
        Ok(match problem {
            None => Ok(found),
            Some(reason) => Err(reason),
        })
    }
}
