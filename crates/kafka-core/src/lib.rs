//! The core of [lambda-kafka](https://docs.rs/lambda-kafka): the event AWS Lambda's Kafka
//! event source mapping delivers (Amazon MSK and self-managed Kafka), consumer records,
//! the [`Codec`] trait every key and value format implements, and the errors: one
//! [`RecordError`] per record that fails, one [`Error`] for the event and configuration.
//!
//! Most users depend on the `lambda-kafka` facade, which re-exports this crate with the
//! codecs they turn on. Authors of a codec for another format depend on this crate alone
//! and implement [`Codec`]: its output type and `decode`, and, for a schema-registry
//! format, [`SchemaAware`] too.
//!
//! ```
//! use kafka_core::{KafkaConsumer, KafkaEvent};
//!
//! let json = r#"{"eventSource":"aws:kafka","records":{"orders-0":[{"topic":"orders",
//!   "partition":0,"offset":15,"timestamp":1545084650987,"timestampType":"CREATE_TIME",
//!   "key":"a2V5","value":"aGVsbG8=","headers":[]}]}}"#;
//! let event = KafkaEvent::from_str(json)?;
//! for record in KafkaConsumer::new().records(&event) {
//!     let record = record?;
//!     println!("{} {:?} {:?}", record.offset(), record.key, record.value);
//! }
//! # Ok::<(), kafka_core::Error>(())
//! ```
//!
//! # Layers
//!
//! Each module imports only those above it in this table; none imports one below.
//!
//! | module | what it owns |
//! |---|---|
//! | `vocab` | the shared words: [`Part`], [`RecordId`], [`DataFormat`], [`TimestampType`], [`SchemaId`], [`SchemaMetadata`] |
//! | `redact` | removing input that serde messages quote |
//! | `registered` | [`RegisteredSchema`]: a writer schema as a registry returns it |
//! | `framing` | [`WireFormat`], [`Framing`] and what it holds, the codec's [`FramingPolicy`] |
//! | `decode_error` | [`DecodeError`], what a codec returns when a payload is not valid |
//! | `codec` | the [`Codec`], [`SchemaAware`] and [`Lend`] traits, [`Payload`]; [`Utf8`], [`Bytes`], [`Parsed`] |
//! | `error` | [`RecordError`], [`Error`], [`ErrorKind`] |
//! | `event` | the event model ([`KafkaEvent`], [`RawRecord`], [`Headers`]), its readers and writers |
//! | `wire` | the Confluent and Glue parsers and zlib (`wire::parse`, a leaf below it), and `unframe` under a policy |
//! | `record` | [`ConsumerRecord`]: an event's record with its key and value decoded |
//! | `batch` | the partial batch response, [`BatchItemFailures`] |
//! | `consumer` | [`KafkaConsumer`]: base64, framing, the format check and the codecs, per record |
//! | `iter` | [`KafkaConsumer::records`], `partitions`, `decode_all` and [`Records`]: a batch's records decoded lazily |
//! | `lend` | [`KafkaConsumer::lend`] and [`Lent`]: records lent one at a time, decoded into borrowing types |
//! | `validate` | validation adapters on any codec ([`CodecExt`]) |
//! | `unframe` | [`RawRecord::unframe`]: one side's framing read without a codec, for tools |
//!
//! # Features
//! - `testing`: `testing`, builders of events for unit tests.
//! - `aws-lambda-events`: `TryFrom<aws_lambda_events::event::kafka::KafkaEvent>`.
//! - `garde`, `validator`: validation of decoded values with those crates
//!   ([`CodecExt::garde`], [`CodecExt::validator`]).
//! - `tracing`: [`KafkaConsumer::process`] logs each record that did not decode.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "aws-lambda-events")]
mod aws;
mod batch;
mod codec;
mod consumer;
mod decode_error;
mod error;
mod event;
mod framing;
#[cfg(fuzzing)]
pub mod fuzzing;
mod iter;
mod lend;
mod record;
mod redact;
mod registered;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
mod unframe;
mod validate;
mod vocab;
mod wire;

pub use batch::{BatchItemFailure, BatchItemFailures, ItemIdentifier};
pub use codec::{Bytes, Codec, Lend, Parsed, Payload, SchemaAware, Utf8};
pub use consumer::{KafkaConsumer, WantedSchemas};
pub use decode_error::DecodeError;
pub use error::{Error, ErrorKind, RecordError};
pub use event::{
    EventSource, Header, Headers, KafkaBatchInfo, KafkaEvent, OnFailureRecord, PartitionRecords,
    RawPayload, RawRecord, RecordInfo, RecordProblem, RecordsInfo, RequestContext, ResponseContext,
};
pub use framing::{Compression, Framing, FramingPolicy, HeaderSource, MessageIndexes, WireFormat};
pub use iter::Records;
pub use lend::Lent;
pub use record::ConsumerRecord;
pub use registered::{NamedSchema, RegisteredSchema};
/// The UUID type of Glue schema versions and Confluent schema GUIDs ([`SchemaId`]).
pub use uuid::Uuid;
#[cfg(feature = "garde")]
pub use validate::Garde;
#[cfg(feature = "validator")]
pub use validate::Validator;
pub use validate::{CodecExt, ParseWith, TryIntoType};
pub use vocab::{DataFormat, Part, RecordId, SchemaId, SchemaMetadata, TimestampType};
