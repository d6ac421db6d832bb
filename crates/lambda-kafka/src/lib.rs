#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[doc(inline)]
pub use kafka_core::{
    BatchItemFailure, BatchItemFailures, Bytes, Codec, CodecExt, ConsumerRecord, DataFormat,
    DecodeError, Decoded, Error, ErrorKind, EventSource, Format, Framing, Header, Headers,
    ItemIdentifier, KafkaBatchInfo, KafkaConsumer, KafkaEvent, Lend, Lent, OnFailureRecord,
    ParseWith, Parsed, Part, PartitionRecords, Payload, RawPayload, RawRecord, RecordError,
    RecordId, RecordProblem, Records, RecordsInfo, RequestContext, ResponseContext, SchemaId,
    SchemaMetadata, TimestampType, TryIntoType, Utf8, WireFormat,
};

#[cfg(feature = "garde")]
#[cfg_attr(docsrs, doc(cfg(feature = "garde")))]
#[doc(inline)]
pub use kafka_core::Garde;

#[cfg(feature = "validator")]
#[cfg_attr(docsrs, doc(cfg(feature = "validator")))]
#[doc(inline)]
pub use kafka_core::Validator;

#[doc(inline)]
pub use kafka_core::wire;

/// The JSON codec: keys and values into serde types or `serde_json::Value`.
#[cfg(feature = "json")]
#[cfg_attr(docsrs, doc(cfg(feature = "json")))]
pub mod json {
    #[doc(inline)]
    pub use kafka_json::{Json, JsonValue};

    #[cfg(feature = "json-schema")]
    #[cfg_attr(docsrs, doc(cfg(feature = "json-schema")))]
    #[doc(inline)]
    pub use kafka_json::JsonWithSchemas;
}

/// The Avro codec: keys and values into serde types, Avro values or JSON, with schema
/// evolution and a schema store by registry id.
#[cfg(feature = "avro")]
#[cfg_attr(docsrs, doc(cfg(feature = "avro")))]
pub mod avro {
    #[doc(inline)]
    pub use kafka_avro::*;
}

/// The Protobuf codec: prost messages, and (feature `protobuf-dynamic`) any message of a
/// `.proto` read at run time.
#[cfg(feature = "protobuf")]
#[cfg_attr(docsrs, doc(cfg(feature = "protobuf")))]
pub mod protobuf {
    #[doc(inline)]
    pub use kafka_protobuf::*;
}

#[cfg(feature = "runtime")]
#[cfg_attr(docsrs, doc(cfg(feature = "runtime")))]
pub mod runtime;

/// Writer schemas fetched by id from a schema registry at run time: the cache and the
/// step before decoding a batch, and the Confluent and AWS Glue clients.
#[cfg(feature = "registry")]
#[cfg_attr(docsrs, doc(cfg(feature = "registry")))]
pub mod registry {
    #[doc(inline)]
    pub use kafka_registry::*;
}

/// Idempotent processing: each record's effect once across Lambda's retries.
#[cfg(feature = "idempotency")]
#[cfg_attr(docsrs, doc(cfg(feature = "idempotency")))]
pub mod idempotency {
    #[doc(inline)]
    pub use kafka_idempotency::*;
}

#[cfg(feature = "json")]
#[cfg_attr(docsrs, doc(cfg(feature = "json")))]
pub mod any;

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

    #[cfg(feature = "avro")]
    #[cfg_attr(docsrs, doc(cfg(feature = "avro")))]
    #[doc(no_inline)]
    pub use crate::avro::{Avro, AvroGeneric, AvroJson, AvroSchemas, SchemaStore};

    #[cfg(feature = "protobuf")]
    #[cfg_attr(docsrs, doc(cfg(feature = "protobuf")))]
    #[doc(no_inline)]
    pub use crate::protobuf::Proto;

    #[cfg(feature = "protobuf-dynamic")]
    #[cfg_attr(docsrs, doc(cfg(feature = "protobuf-dynamic")))]
    #[doc(no_inline)]
    pub use crate::protobuf::dynamic::{ProtoDynamic, ProtoJson, ProtoSchema};
    #[doc(no_inline)]
    pub use kafka_core::{
        BatchItemFailures, Bytes, Codec, CodecExt, ConsumerRecord, Error, KafkaConsumer,
        KafkaEvent, Lend, Lent, Parsed, Part, Utf8, WireFormat,
    };
}
