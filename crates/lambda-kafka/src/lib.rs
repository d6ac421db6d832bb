#![doc = include_str!("../../../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[doc(inline)]
pub use kafka_core::{
    Bytes, Codec, ConsumerRecord, DataFormat, DecodeError, Decoded, Error, ErrorKind, EventSource,
    Format, Framing, Header, Headers, KafkaConsumer, KafkaEvent, Parsed, Part, PartitionRecords,
    Payload, RawPayload, RawRecord, RecordId, RecordProblem, Records, SchemaId, SchemaMetadata,
    TimestampType, Utf8, WireFormat,
};

#[doc(inline)]
pub use kafka_core::wire;

/// The JSON codec: keys and values into serde types or `serde_json::Value`.
#[cfg(feature = "json")]
#[cfg_attr(docsrs, doc(cfg(feature = "json")))]
pub mod json {
    #[doc(inline)]
    pub use kafka_json::{Json, JsonValue};
}

/// Builders of events, and encoders, for your unit tests.
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing {
    #[doc(inline)]
    pub use kafka_core::testing::*;
}

/// The names most functions need: `use lambda_kafka::prelude::*;`.
pub mod prelude {
    #[cfg(feature = "json")]
    #[cfg_attr(docsrs, doc(cfg(feature = "json")))]
    #[doc(no_inline)]
    pub use crate::json::{Json, JsonValue};
    #[doc(no_inline)]
    pub use kafka_core::{
        Bytes, Codec, ConsumerRecord, Error, KafkaConsumer, KafkaEvent, Parsed, Part, Utf8,
        WireFormat,
    };
}
