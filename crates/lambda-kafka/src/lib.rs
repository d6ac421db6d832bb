#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The event Lambda delivers and its records: the envelope, raw and decoded records, their
/// headers, schema metadata and framing, and the on-failure records of a mapping's
/// destination.
pub mod event {
    #[doc(inline)]
    pub use kafka_core::{
        Compression, ConsumerRecord, EventSource, Framing, Header, HeaderSource, Headers,
        KafkaBatchInfo, KafkaEvent, Lent, MessageIndexes, OnFailureRecord, Part, PartitionRecords,
        RawPayload, RawRecord, RecordId, RecordInfo, RecordProblem, Records, RecordsInfo,
        RequestContext, ResponseContext, SchemaId, SchemaMetadata, TimestampType, Uuid, WireFormat,
    };
}

/// The errors: [`Error`] for an event or a configuration, [`RecordError`] for one record,
/// and a codec's [`DecodeError`](error::DecodeError).
pub mod error {
    #[doc(inline)]
    pub use kafka_core::{DecodeError, Error, ErrorKind, RecordError};
}

/// The partial batch response: the records of a batch that failed, for Lambda to retry.
pub mod response {
    #[doc(inline)]
    pub use kafka_core::{BatchItemFailure, BatchItemFailures, ItemIdentifier};
}

/// The codec contract and the codecs every build has (text, bytes, `FromStr` types), with
/// the validation adapters; the formats have modules of their own ([`json`], `avro`,
/// `protobuf`).
pub mod codec {
    #[cfg(feature = "garde")]
    #[cfg_attr(docsrs, doc(cfg(feature = "garde")))]
    #[doc(inline)]
    pub use kafka_core::Garde;
    #[cfg(feature = "validator")]
    #[cfg_attr(docsrs, doc(cfg(feature = "validator")))]
    #[doc(inline)]
    pub use kafka_core::Validator;
    #[doc(inline)]
    pub use kafka_core::{
        Bytes, Codec, CodecExt, DataFormat, FramingPolicy, Lend, NamedSchema, ParseWith, Parsed,
        Payload, RegisteredSchema, SchemaAware, TryIntoType, Utf8,
    };
}

#[doc(inline)]
pub use kafka_core::{
    BatchItemFailures, ConsumerRecord, Error, KafkaConsumer, KafkaEvent, RecordError,
};

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
    /// Avro encoders for building test events (feature `testing`).
    #[cfg(feature = "testing")]
    #[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
    pub mod encode {
        #[doc(inline)]
        pub use kafka_avro::encode::*;
    }
    #[doc(inline)]
    pub use kafka_avro::{
        Avro, AvroGeneric, AvroJson, AvroSchemaError, AvroSchemas, AvroSchemasBuilder,
        DEFAULT_MAX_ALLOCATION, SchemaStore, Value,
    };
}

/// The Protobuf codec: prost messages, and (feature `protobuf-dynamic`) any message of a
/// `.proto` read at run time.
#[cfg(feature = "protobuf")]
#[cfg_attr(docsrs, doc(cfg(feature = "protobuf")))]
pub mod protobuf {
    /// Protobuf messages of a `.proto` read at run time (feature `protobuf-dynamic`).
    #[cfg(feature = "protobuf-dynamic")]
    #[cfg_attr(docsrs, doc(cfg(feature = "protobuf-dynamic")))]
    pub mod dynamic {
        #[doc(inline)]
        pub use kafka_protobuf::dynamic::*;
    }
    /// What tests of Protobuf records need (feature `testing`).
    #[cfg(feature = "testing")]
    #[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
    pub mod testing {
        #[doc(inline)]
        pub use kafka_protobuf::testing::*;
    }
    #[doc(inline)]
    pub use kafka_protobuf::Proto;
}

#[cfg(feature = "runtime")]
#[cfg_attr(docsrs, doc(cfg(feature = "runtime")))]
pub mod runtime;

#[cfg(feature = "opentelemetry")]
#[cfg_attr(docsrs, doc(cfg(feature = "opentelemetry")))]
pub mod telemetry;

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

/// The names a handler needs: `use lambda_kafka::prelude::*;`. Traits whose methods it
/// calls (`CodecExt`, `Lend`) come in unnamed, so nothing here clashes with a name of your
/// own.
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
        BatchItemFailures, CodecExt as _, ConsumerRecord, KafkaConsumer, KafkaEvent, Lend as _,
        Lent, Parsed, Utf8, WireFormat,
    };
}
