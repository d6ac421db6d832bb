//! Protobuf encoders for building test events, and the canonical form of the project's
//! test vectors (feature `testing`).
//!
//! Wrap an encoder in [`kafka_core::testing::wire::Framed`] for any framing, message-index
//! paths included:
//!
//! ```
//! use kafka_core::testing::wire::Framed;
//! use kafka_core::testing::{EventBuilder, RecordBuilder};
//! use kafka_protobuf::testing::ProtoEncoder;
//!
//! #[derive(Clone, PartialEq, prost::Message)]
//! struct Ping { #[prost(int32, tag = "1")] n: i32 }
//!
//! let json = EventBuilder::msk()
//!     .record(RecordBuilder::new("pings", 0, 1).value_encoded(&ProtoEncoder, &Ping { n: 1 })?)
//!     .record(RecordBuilder::new("pings", 0, 2)
//!         .value_encoded(&Framed::confluent_protobuf(ProtoEncoder, 7, &[1, 0]), &Ping { n: 2 })?)
//!     .to_json();
//! # Ok::<(), kafka_core::testing::EncodeError>(())
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use kafka_core::testing::{EncodeError, Encoder};
use prost_reflect::{DynamicMessage, Kind, MapKey, ReflectMessage, Value};
use serde_json::{Map, Value as Json, json};

/// Writes prost messages, and [`DynamicMessage`]s, as their Protobuf bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProtoEncoder;

impl<M: prost::Message> Encoder<M> for ProtoEncoder {
    fn encode(&self, value: &M) -> Result<Vec<u8>, EncodeError> {
        Ok(value.encode_to_vec())
    }
}

/// The canonical form of the test vectors' expected files: every field by its `.proto`
/// name; unset `optional` and message fields `null`; 64-bit integers as numbers; enums by
/// name (an unknown number stays a number); bytes as base64; maps as objects.
#[must_use]
pub fn canonical_json(message: &DynamicMessage) -> Json {
    let mut out = Map::new();
    for field in message.descriptor().fields() {
        let value = if field.supports_presence() && !message.has_field(&field) {
            Json::Null
        } else {
            value_json(&message.get_field(&field), &field.kind())
        };
        out.insert(field.name().to_owned(), value);
    }
    Json::Object(out)
}

fn value_json(value: &Value, kind: &Kind) -> Json {
    match value {
        Value::Bool(b) => json!(b),
        Value::I32(n) => json!(n),
        Value::I64(n) => json!(n),
        Value::U32(n) => json!(n),
        Value::U64(n) => json!(n),
        Value::F32(x) => json!(f64::from(*x)),
        Value::F64(x) => json!(x),
        Value::String(s) => json!(s),
        Value::Bytes(b) => json!(STANDARD.encode(b)),
        Value::EnumNumber(n) => match kind.as_enum().and_then(|e| e.get_value(*n)) {
            Some(symbol) => json!(symbol.name()),
            None => json!(n),
        },
        Value::Message(m) => canonical_json(m),
        Value::List(items) => Json::Array(items.iter().map(|i| value_json(i, kind)).collect()),
        Value::Map(entries) => {
            let value_kind = kind.as_message().map(|m| m.map_entry_value_field().kind());
            Json::Object(
                entries
                    .iter()
                    .map(|(key, v)| {
                        let key = match key {
                            MapKey::String(s) => s.clone(),
                            MapKey::Bool(b) => b.to_string(),
                            MapKey::I32(n) => n.to_string(),
                            MapKey::I64(n) => n.to_string(),
                            MapKey::U32(n) => n.to_string(),
                            MapKey::U64(n) => n.to_string(),
                        };
                        (key, value_json(v, value_kind.as_ref().unwrap_or(kind)))
                    })
                    .collect(),
            )
        }
    }
}
