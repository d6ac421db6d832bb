//! The core of [lambda-kafka](https://docs.rs/lambda-kafka): the event AWS Lambda's Kafka
//! event source mapping delivers (Amazon MSK and self-managed Kafka), consumer records,
//! the [`Codec`] trait every key and value format implements, and the one [`Error`] type.
//!
//! Most users depend on the `lambda-kafka` facade, which re-exports this crate with the
//! codecs they turn on. Authors of a codec for another format depend on this crate alone
//! and implement [`Codec`].
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
//! # Features
//! - `testing`: [`testing`], builders of events for unit tests.
//! - `aws-lambda-events`: `TryFrom<aws_lambda_events::event::kafka::KafkaEvent>`.
//! - `garde`, `validator`: validation of decoded values with those crates
//!   ([`CodecExt::garde`], [`CodecExt::validator`]).
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "aws-lambda-events")]
mod aws;
mod batch;
mod codec;
mod consumer;
mod error;
mod event;
mod headers;
mod lenient;
mod record;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
mod validate;
pub mod wire;

pub use batch::{BatchItemFailure, BatchItemFailures, ItemIdentifier};
pub use codec::{Bytes, Codec, Format, Parsed, Payload, Utf8};
pub use consumer::{Decoded, KafkaConsumer, Records};
pub use error::{DecodeError, Error, ErrorKind};
pub use event::{
    DataFormat, EventSource, KafkaEvent, PartitionRecords, RawPayload, RawRecord, RecordProblem,
    SchemaMetadata, TimestampType,
};
pub use headers::{Header, Headers};
pub use record::{ConsumerRecord, Part, RecordId};
#[cfg(feature = "garde")]
pub use validate::Garde;
#[cfg(feature = "validator")]
pub use validate::Validator;
pub use validate::{CodecExt, ParseWith, TryInto};
pub use wire::{Framing, SchemaId, WireFormat};
