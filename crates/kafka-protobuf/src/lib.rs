//! The Protobuf codec of [lambda-kafka](https://docs.rs/lambda-kafka): Kafka keys and
//! values into [prost](https://docs.rs/prost) messages, or, with the `dynamic` feature,
//! into any message of a `.proto` read at run time.
//!
//! ```
//! use kafka_core::{Codec, Part, Payload};
//! use kafka_protobuf::Proto;
//!
//! #[derive(Clone, PartialEq, prost::Message)]
//! struct Product {
//!     #[prost(int32, tag = "1")]
//!     id: i32,
//!     #[prost(string, tag = "2")]
//!     name: String,
//! }
//!
//! let product = Proto::<Product>::new().decode(Payload::new(b"\x08\x07\x12\x03pen", Part::Value))?;
//! assert_eq!(product, Product { id: 7, name: "pen".into() });
//! # Ok::<(), kafka_core::DecodeError>(())
//! ```
//!
//! Schema-registry framing (Confluent message-index paths, the Glue message index) is read
//! and removed by the consumer before the codec sees the bytes (see [`kafka_core::WireFormat`]);
//! a static codec decodes its one message type whatever the path says, and the dynamic
//! codec uses the path to pick the message when it is not told which one to read.
//!
//! An empty payload is the all-default message. Truncated input, a wrong wire type and
//! invalid UTF-8 in a string field are errors; unknown fields are skipped; prost's nesting
//! limit (100) bounds recursion.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "dynamic")]
#[cfg_attr(docsrs, doc(cfg(feature = "dynamic")))]
pub mod dynamic;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;

use std::fmt;
use std::marker::PhantomData;

use kafka_core::FramingPolicy;
use kafka_core::SchemaAware;
use kafka_core::{Codec, DataFormat, DecodeError, Payload, SchemaMetadata};

/// Decodes Protobuf payloads into a prost message type `M`.
pub struct Proto<M> {
    _message: PhantomData<fn() -> M>,
}

impl<M> Proto<M> {
    /// A codec for `M`.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            _message: PhantomData,
        }
    }
}

impl<M> Default for Proto<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M> Clone for Proto<M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M> Copy for Proto<M> {}

impl<M> fmt::Debug for Proto<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Proto<{}>", std::any::type_name::<M>())
    }
}

impl<M: prost::Message + Default> Codec for Proto<M> {
    type Output = M;

    fn decode(&self, payload: Payload<'_>) -> Result<M, DecodeError> {
        // prost's messages name the field and the problem, never the bytes.
        M::decode(payload.bytes).map_err(|e| DecodeError::new(e.to_string()))
    }

    fn schema_aware(&self) -> Option<&dyn SchemaAware> {
        Some(self)
    }
}

impl<M: prost::Message + Default> SchemaAware for Proto<M> {
    fn format(&self) -> Option<DataFormat> {
        Some(DataFormat::Protobuf)
    }

    fn framing(&self, _: Option<&SchemaMetadata<'_>>) -> FramingPolicy {
        FramingPolicy::PROTOBUF
    }
}
