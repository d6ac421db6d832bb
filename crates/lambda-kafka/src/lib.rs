//! Typed Kafka records for AWS Lambda functions written in Rust.
//!
//! Lambda's Kafka event source mapping (Amazon MSK or self-managed Kafka) invokes a
//! function with a batch of records whose keys and values are base64 text, often in
//! schema-registry framing. A [`KafkaConsumer`] built once, at cold start, with a key
//! codec and a value codec turns each batch into [`ConsumerRecord`]s of your types: JSON,
//! Avro, Protobuf, text, bytes or numbers, with headers, timestamps and metadata, and one
//! [`RecordError`] for each record that cannot be decoded.
//!
//! The first handler, a Lambda function answering with the partial batch response
//! (feature `runtime`):
//!
//! ```no_run
//! # #[cfg(all(feature = "runtime", feature = "json"))]
//! # mod function {
//! use lambda_kafka::prelude::*;
//! use lambda_kafka::runtime::{self, KafkaService};
//!
//! #[derive(serde::Deserialize)]
//! struct Order {
//!     order_id: String,
//!     total: f64,
//! }
//!
//! #[tokio::main(flavor = "current_thread")]
//! async fn main() -> Result<(), runtime::Error> {
//!     let consumer = KafkaConsumer::new().value(Json::<Order>::new());
//!     KafkaService::per_record(consumer, |record| async move {
//!         let order = record.value.ok_or("tombstone")?;
//!         println!("{} {:.2}", order.order_id, order.total);
//!         Ok::<(), &str>(())
//!     })
//!     .run()
//!     .await
//! }
//! # }
//! # fn main() {}
//! ```
//!
//! Then the [`guide`]: one page per task (formats, schema registries, validation,
//! functions, idempotency, tracing and metrics, running against your Kafka, testing,
//! deploying, troubleshooting, migrating from the Powertools editions).
//!
//! The root holds the names a function starts with; the rest sit in modules that say
//! what they are: [`event`], [`error`], [`response`], [`codec`], one module per format
//! and feature, and [`prelude`], which brings what a handler needs. The crate's features:
//! `json` (default), `avro`, `protobuf`, `protobuf-dynamic`, `runtime`,
//! `confluent-registry`, `glue-registry`, `registry-secrets-manager`, `json-schema`,
//! `garde`, `validator`, `idempotency`, `dynamodb`, `opentelemetry`, `metrics`,
//! `testing`, `aws-lambda-events`; each item says which one it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod guide;

/// The repository's README, whose examples are compiled with the crate's doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct Readme;

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
