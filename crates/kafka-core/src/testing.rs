//! Builders of Lambda Kafka events for your own unit tests (feature `testing`).
//!
//! Give each record its coordinates, headers, and key and value as bytes or as values an
//! [`Encoder`] writes (the codec crates implement it for their codecs); get the event as
//! JSON text, as a `serde_json::Value`, or as a [`KafkaEvent`].
//!
//! ```
//! use kafka_core::testing::{EventBuilder, RecordBuilder};
//! use kafka_core::{KafkaConsumer, KafkaEvent};
//!
//! let json = EventBuilder::msk()
//!     .record(RecordBuilder::new("orders", 0, 15).key(b"customer-1").value(b"hello").header("source", b"api"))
//!     .record(RecordBuilder::new("orders", 0, 16).key(b"customer-2").tombstone())
//!     .to_json();
//!
//! let event = KafkaEvent::from_str(&json)?;
//! let records = KafkaConsumer::new().decode_all(&event)?;
//! assert_eq!(records[0].value.as_deref(), Some("hello"));
//! assert_eq!(records[0].headers().get_str("source"), Some("api"));
//! assert_eq!(records[1].value, None);
//! # Ok::<(), kafka_core::Error>(())
//! ```

use std::borrow::Cow;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::event::{Header, KafkaEvent, PartitionRecords, RawPayload, RawRecord};
use crate::vocab::{DataFormat, Part, SchemaId, SchemaMetadata, TimestampType};

pub mod vectors;
pub mod wire;
// The wire parsers' unit tests, beside the writers they read back.
#[cfg(test)]
mod wire_props;
#[cfg(test)]
mod wire_tests;

/// Writes a value as payload bytes, the way a producer would.
pub trait Encoder<T: ?Sized> {
    /// Encodes one value.
    ///
    /// # Errors
    /// An [`EncodeError`] when the value cannot be written in this format.
    fn encode(&self, value: &T) -> Result<Vec<u8>, EncodeError>;
}

/// Why an [`Encoder`] could not write a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError(String);

impl EncodeError {
    /// An error with a message.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EncodeError {}

/// The ARN the builder gives an MSK event unless told otherwise.
pub const DEFAULT_MSK_ARN: &str = "arn:aws:kafka:us-east-1:123456789012:cluster/test-cluster/00000000-0000-0000-0000-000000000000-1";

/// The bootstrap servers the builder gives an event unless told otherwise.
pub const DEFAULT_BOOTSTRAP_SERVERS: &str = "b-1.test-cluster.kafka.us-east-1.amazonaws.com:9092";

/// Builds a whole event; records join their `"topic-partition"` group, and groups appear in
/// the order their first record was added.
#[derive(Debug, Clone)]
pub struct EventBuilder {
    source: String,
    source_arn: Option<String>,
    bootstrap_servers: Option<String>,
    groups: Vec<PartitionRecords<'static>>,
}

impl EventBuilder {
    /// An Amazon MSK event (`aws:kafka`) with a test ARN.
    #[must_use]
    pub fn msk() -> Self {
        Self {
            source: "aws:kafka".to_owned(),
            source_arn: Some(DEFAULT_MSK_ARN.to_owned()),
            bootstrap_servers: Some(DEFAULT_BOOTSTRAP_SERVERS.to_owned()),
            groups: Vec::new(),
        }
    }

    /// A self-managed Kafka event (`SelfManagedKafka`, no ARN).
    #[must_use]
    pub fn self_managed() -> Self {
        Self {
            source: "SelfManagedKafka".to_owned(),
            source_arn: None,
            ..Self::msk()
        }
    }

    /// Sets the event source ARN.
    #[must_use]
    pub fn source_arn(mut self, arn: impl Into<String>) -> Self {
        self.source_arn = Some(arn.into());
        self
    }

    /// Sets the bootstrap servers.
    #[must_use]
    pub fn bootstrap_servers(mut self, servers: impl Into<String>) -> Self {
        self.bootstrap_servers = Some(servers.into());
        self
    }

    /// Adds a record to its topic-partition group.
    #[must_use]
    pub fn record(mut self, record: RecordBuilder) -> Self {
        let raw = record.raw;
        let name = raw.topic_partition();
        if let Some(group) = self.groups.iter_mut().find(|g| g.name() == name) {
            group.push(raw);
        } else {
            self.groups.push(PartitionRecords::new(name, vec![raw]));
        }
        self
    }

    /// The event.
    #[must_use]
    pub fn build(self) -> KafkaEvent<'static> {
        KafkaEvent::new(
            Some(Cow::Owned(self.source)),
            self.source_arn.map(Cow::Owned),
            self.bootstrap_servers.map(Cow::Owned),
            self.groups,
        )
    }

    /// The event as Lambda's JSON text.
    #[must_use]
    pub fn to_json(&self) -> String {
        // Every part was built from valid pieces, so writing cannot fail.
        serde_json::to_string_pretty(&self.clone().build()).unwrap_or_default()
    }

    /// The event as a JSON value.
    #[must_use]
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self.clone().build()).unwrap_or_default()
    }
}

/// Builds one record. By default: timestamp `1_700_000_000_000`, `CREATE_TIME`, no key,
/// no value field, no headers.
#[derive(Debug, Clone)]
pub struct RecordBuilder {
    raw: RawRecord<'static>,
}

/// The timestamp a [`RecordBuilder`] starts with.
pub const DEFAULT_TIMESTAMP: i64 = 1_700_000_000_000;

impl RecordBuilder {
    /// A record at these coordinates.
    pub fn new(topic: impl Into<String>, partition: i32, offset: i64) -> Self {
        Self {
            raw: RawRecord::new(
                Cow::Owned(topic.into()),
                partition,
                offset,
                DEFAULT_TIMESTAMP,
            ),
        }
    }

    /// Sets the timestamp (epoch milliseconds) and keeps the timestamp type.
    #[must_use]
    pub fn timestamp(mut self, millis: i64) -> Self {
        self.raw = self.raw.with_timestamp(millis);
        self
    }

    /// Sets the timestamp type; `None` leaves the field out.
    #[must_use]
    pub fn timestamp_type(mut self, kind: Option<TimestampType>) -> Self {
        self.raw = self.raw.with_timestamp_type(kind);
        self
    }

    /// Adds a header.
    #[must_use]
    pub fn header(self, name: impl Into<String>, value: impl AsRef<[u8]>) -> Self {
        self.push_header(Header::new(name.into(), Some(value.as_ref().to_vec())))
    }

    /// Adds a header whose value is null.
    #[must_use]
    pub fn null_header(self, name: impl Into<String>) -> Self {
        self.push_header(Header::new(name.into(), None))
    }

    fn push_header(mut self, header: Header<'static>) -> Self {
        let mut headers: Vec<_> = self.raw.headers().iter().cloned().collect();
        headers.push(header);
        self.raw = self.raw.with_headers(headers.into());
        self
    }

    /// Sets the key bytes (base64-encoded into the event).
    #[must_use]
    pub fn key(self, bytes: impl AsRef<[u8]>) -> Self {
        self.payload(Part::Key, Some(bytes.as_ref()))
    }

    /// Sets the value bytes (base64-encoded into the event).
    #[must_use]
    pub fn value(self, bytes: impl AsRef<[u8]>) -> Self {
        self.payload(Part::Value, Some(bytes.as_ref()))
    }

    /// Sets `"key": null`.
    #[must_use]
    pub fn null_key(self) -> Self {
        self.payload(Part::Key, None)
    }

    /// Sets `"value": null`: a tombstone.
    #[must_use]
    pub fn tombstone(self) -> Self {
        self.payload(Part::Value, None)
    }

    /// Sets the key to what `encoder` writes for `value`.
    ///
    /// # Errors
    /// The encoder's error.
    pub fn key_encoded<T: ?Sized>(
        self,
        encoder: &impl Encoder<T>,
        value: &T,
    ) -> Result<Self, EncodeError> {
        Ok(self.key(encoder.encode(value)?))
    }

    /// Sets the value to what `encoder` writes for `value`.
    ///
    /// # Errors
    /// The encoder's error.
    pub fn value_encoded<T: ?Sized>(
        self,
        encoder: &impl Encoder<T>,
        value: &T,
    ) -> Result<Self, EncodeError> {
        Ok(self.value(encoder.encode(value)?))
    }

    /// Sets the base64 text of the key or value as given, valid or not (to test how bad
    /// input is reported).
    #[must_use]
    pub fn raw_base64(mut self, part: Part, text: impl Into<String>) -> Self {
        self.raw = self
            .raw
            .with_payload(part, RawPayload::Base64(Cow::Owned(text.into())));
        self
    }

    /// Sets the schema-registry metadata of the key or value.
    #[must_use]
    pub fn schema_metadata(mut self, part: Part, metadata: SchemaMetadata<'static>) -> Self {
        self.raw = self.raw.with_schema_metadata(part, Some(metadata));
        self
    }

    /// Sets the metadata the event source mapping's schema-registry integration adds:
    /// the data format and the schema id (a number for Confluent, a UUID for Glue). The
    /// payload must then be what the mapping leaves: no header, Protobuf indexes kept
    /// (see [`wire::Framed::esm_confluent_protobuf`]).
    #[must_use]
    pub fn esm(self, part: Part, data_format: DataFormat, schema_id: SchemaId) -> Self {
        self.schema_metadata(
            part,
            SchemaMetadata::new(Some(data_format), Some(schema_id.to_string())),
        )
    }

    fn payload(mut self, part: Part, bytes: Option<&[u8]>) -> Self {
        let payload = match bytes {
            Some(bytes) => RawPayload::Base64(Cow::Owned(STANDARD.encode(bytes))),
            None => RawPayload::Null,
        };
        self.raw = self.raw.with_payload(part, payload);
        self
    }

    /// The record.
    #[must_use]
    pub fn build(self) -> RawRecord<'static> {
        self.raw
    }
}
