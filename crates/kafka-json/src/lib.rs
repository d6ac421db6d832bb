//! The JSON codec of [lambda-kafka](https://docs.rs/lambda-kafka): Kafka keys and values
//! into any [`serde::de::DeserializeOwned`] type, or into a [`serde_json::Value`].
//!
//! ```
//! use kafka_core::{Codec, Part, Payload};
//! use kafka_json::Json;
//!
//! #[derive(serde::Deserialize, Debug, PartialEq)]
//! struct Order { id: u64 }
//!
//! let order = Json::<Order>::new().decode(Payload::new(br#"{"id": 18446744073709551615}"#, Part::Value))?;
//! assert_eq!(order, Order { id: u64::MAX });
//!
//! let value = kafka_json::JsonValue::new().decode(Payload::new(b"\xEF\xBB\xBF\"text\"", Part::Value))?;
//! assert_eq!(value, serde_json::json!("text"));
//! # Ok::<(), kafka_core::DecodeError>(())
//! ```
//!
//! - Integers stay exact: `serde_json::Value` keeps every `i64` and `u64` as it is.
//! - A leading UTF-8 byte order mark is skipped.
//! - An empty payload or invalid JSON is an error, never handed back as text.
//! - Nesting deeper than 128 levels is an error (serde_json's recursion limit).
//! - Both codecs also lend ([`kafka_core::Lend`], used by `KafkaConsumer::lend`): any
//!   serde type, its unescaped strings borrowed from the payload.
//!
//! # Features
//! - `json-schema`: [`Json::validate_with_registry`], payloads checked against the JSON
//!   Schema a registry holds for the id they name, before they are deserialized.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "json-schema")]
#[cfg_attr(docsrs, doc(cfg(feature = "json-schema")))]
mod schema;

#[cfg(feature = "json-schema")]
#[cfg_attr(docsrs, doc(cfg(feature = "json-schema")))]
pub use crate::schema::JsonWithSchemas;

use std::fmt;
use std::marker::PhantomData;

use kafka_core::FramingPolicy;
use kafka_core::SchemaAware;
use kafka_core::{Codec, DataFormat, DecodeError, Lend, Payload, SchemaMetadata};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// The UTF-8 byte order mark some producers write before JSON text.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes JSON payloads into `T`.
pub struct Json<T> {
    _output: PhantomData<fn() -> T>,
}

/// Decodes JSON payloads into [`serde_json::Value`], integers exact.
pub type JsonValue = Json<serde_json::Value>;

impl<T> Json<T> {
    /// A JSON codec for `T`.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            _output: PhantomData,
        }
    }
}

impl<T> Default for Json<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Clone for Json<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Json<T> {}

impl<T> fmt::Debug for Json<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Json<{}>", std::any::type_name::<T>())
    }
}

impl<T: DeserializeOwned> Codec for Json<T> {
    type Output = T;

    fn decode(&self, payload: Payload<'_>) -> Result<T, DecodeError> {
        let text = json_text(&payload)?;
        serde_json::from_str(text).map_err(|e| DecodeError::from_serde(&e))
    }

    fn schema_aware(&self) -> Option<&dyn SchemaAware> {
        Some(self)
    }
}

impl<T: DeserializeOwned> SchemaAware for Json<T> {
    fn format(&self) -> Option<DataFormat> {
        Some(DataFormat::Json)
    }

    fn framing(&self, _: Option<&SchemaMetadata<'_>>) -> FramingPolicy {
        FramingPolicy::PREFIX
    }
}

/// Any serde type, borrowing strings without escapes from the payload: `&str` fields fail
/// on a string with an escape, `Cow<str>` fields with `#[serde(borrow)]` copy just those.
///
/// ```
/// use std::borrow::Cow;
///
/// use kafka_core::{Lend, Part, Payload};
/// use kafka_json::JsonValue;
///
/// #[derive(serde::Deserialize)]
/// struct Order<'a> {
///     #[serde(borrow)]
///     customer: Cow<'a, str>,
///     #[serde(borrow)]
///     note: Cow<'a, str>,
/// }
///
/// let payload = br#"{"customer": "c-1", "note": "line\nbreak"}"#;
/// let order: Order<'_> = JsonValue::new().decode_as(Payload::new(payload, Part::Value))?;
/// assert!(matches!(order.customer, Cow::Borrowed("c-1")));
/// assert!(matches!(order.note, Cow::Owned(_))); // the escape needed a copy
/// # Ok::<(), kafka_core::DecodeError>(())
/// ```
impl<T: DeserializeOwned> Lend for Json<T> {
    fn decode_as<'p, U: Deserialize<'p>>(&self, payload: Payload<'p>) -> Result<U, DecodeError> {
        let text = json_text(&payload)?;
        serde_json::from_str(text).map_err(|e| DecodeError::from_serde(&e))
    }
}

/// The payload's JSON text: the byte order mark skipped, UTF-8 checked in one pass.
fn json_text<'p>(payload: &Payload<'p>) -> Result<&'p str, DecodeError> {
    let bytes = payload.bytes.strip_prefix(BOM).unwrap_or(payload.bytes);
    if bytes.is_empty() {
        return Err(DecodeError::new("empty payload: no JSON text"));
    }
    // One pass of UTF-8 validation over the whole payload is cheaper than serde_json's
    // check of each string; JSON text is UTF-8 by definition (RFC 8259).
    std::str::from_utf8(bytes).map_err(|e| {
        let skipped = payload.bytes.len() - bytes.len();
        DecodeError::invalid_utf8(skipped + e.valid_up_to(), payload.bytes.len())
    })
}

/// Writes values as JSON text (feature `testing`).
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
impl<T: serde::Serialize + ?Sized, U> kafka_core::testing::Encoder<T> for Json<U> {
    fn encode(&self, value: &T) -> Result<Vec<u8>, kafka_core::testing::EncodeError> {
        serde_json::to_vec(value).map_err(|e| kafka_core::testing::EncodeError::new(e.to_string()))
    }
}
