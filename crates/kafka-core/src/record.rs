//! Decoded records: the event's record with its key and value decoded.

use std::time::{Duration, SystemTime};

use crate::event::{Headers, RawPayload, RawRecord};
use crate::framing::Framing;
use crate::vocab::{Part, RecordId, SchemaMetadata, TimestampType};

/// A record of the batch with its key and value decoded.
///
/// `key` and `value` are `None` when the event has no key (absent or `null`) or no value
/// (a tombstone). Everything else (coordinates, headers, the base64 originals, schema
/// metadata) is read from the event without copying; [`ConsumerRecord::into_owned`] gives
/// a record that outlives the event.
///
/// ```
/// use kafka_core::{KafkaConsumer, KafkaEvent};
///
/// let json = r#"{"eventSource":"aws:kafka","records":{"orders-0":[{"topic":"orders",
///   "partition":0,"offset":15,"timestamp":1545084650987,"timestampType":"CREATE_TIME",
///   "key":"a2V5","value":"aGVsbG8=","headers":[{"source":[97,112,105]}]}]}}"#;
/// let event = KafkaEvent::from_str(json)?;
/// let consumer = KafkaConsumer::new();
/// let record = consumer.records(&event).next().unwrap()?;
/// assert_eq!(record.key.as_deref(), Some("key"));
/// assert_eq!(record.value.as_deref(), Some("hello"));
/// assert_eq!(record.headers().get_str("source"), Some("api"));
/// assert_eq!(record.idempotency_key(), "orders-0-15");
/// assert_eq!(record.original_value().as_base64(), Some("aGVsbG8="));
/// # Ok::<(), kafka_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ConsumerRecord<'e, K, V> {
    raw: Raw<'e>,
    /// The decoded key; `None` when the record has no key.
    pub key: Option<K>,
    /// The decoded value; `None` for a tombstone.
    pub value: Option<V>,
    key_framing: Option<Framing>,
    value_framing: Option<Framing>,
}

/// The event's record behind a decoded one: borrowed while the event lives, boxed once
/// detached, so that a record stays small to move whichever it is.
#[derive(Debug, Clone, PartialEq)]
enum Raw<'e> {
    Borrowed(&'e RawRecord<'e>),
    Owned(Box<RawRecord<'e>>),
}

impl<'e> std::ops::Deref for Raw<'e> {
    type Target = RawRecord<'e>;

    fn deref(&self) -> &RawRecord<'e> {
        match self {
            Self::Borrowed(raw) => raw,
            Self::Owned(raw) => raw,
        }
    }
}

impl<'e, K, V> ConsumerRecord<'e, K, V> {
    /// Pairs a raw record that has no [problem](RawRecord::problem) with its decoded key
    /// and value.
    pub(crate) fn new(
        raw: &'e RawRecord<'e>,
        key: Option<(K, Framing)>,
        value: Option<(V, Framing)>,
    ) -> Self {
        let (key, key_framing) = key.unzip();
        let (value, value_framing) = value.unzip();
        Self {
            raw: Raw::Borrowed(raw),
            key,
            value,
            key_framing,
            value_framing,
        }
    }

    /// The schema-registry framing found in front of the key: wire format, schema id,
    /// Protobuf message indexes, compression. `None` when the record has no key.
    #[must_use]
    pub fn key_framing(&self) -> Option<&Framing> {
        self.key_framing.as_ref()
    }

    /// The schema-registry framing found in front of the value. `None` for a tombstone.
    #[must_use]
    pub fn value_framing(&self) -> Option<&Framing> {
        self.value_framing.as_ref()
    }

    /// The topic.
    #[must_use]
    pub fn topic(&self) -> &str {
        self.raw.topic()
    }

    /// The partition.
    #[must_use]
    pub fn partition(&self) -> i32 {
        self.raw.partition()
    }

    /// The offset within the partition.
    #[must_use]
    pub fn offset(&self) -> i64 {
        self.raw.offset()
    }

    /// The timestamp in epoch milliseconds, exactly as the event gave it.
    #[must_use]
    pub fn timestamp(&self) -> i64 {
        // A record is only built from a raw record whose timestamp was read.
        self.raw.timestamp().unwrap_or_default()
    }

    /// The timestamp as a `SystemTime`; `None` only when it lies outside what
    /// `SystemTime` can hold on this platform.
    #[must_use]
    pub fn system_time(&self) -> Option<SystemTime> {
        let millis = self.timestamp();
        let offset = Duration::from_millis(millis.unsigned_abs());
        if millis >= 0 {
            SystemTime::UNIX_EPOCH.checked_add(offset)
        } else {
            SystemTime::UNIX_EPOCH.checked_sub(offset)
        }
    }

    /// How the timestamp was set, when the event says.
    #[must_use]
    pub fn timestamp_type(&self) -> Option<&TimestampType> {
        self.raw.timestamp_type()
    }

    /// The record's headers exactly as the event carried them: bytes, order, duplicates
    /// and null values, with lookup by name.
    #[must_use]
    pub fn headers(&self) -> &Headers<'e> {
        self.raw.headers()
    }

    /// The key as the event carried it: absent, `null`, or the original base64 text.
    #[must_use]
    pub fn original_key(&self) -> &RawPayload<'e> {
        self.raw.key()
    }

    /// The value as the event carried it: absent, `null`, or the original base64 text.
    #[must_use]
    pub fn original_value(&self) -> &RawPayload<'e> {
        self.raw.value()
    }

    /// The schema-registry metadata of the key (`keySchemaMetadata`).
    #[must_use]
    pub fn key_schema_metadata(&self) -> Option<&SchemaMetadata<'e>> {
        self.raw.schema_metadata(Part::Key)
    }

    /// The schema-registry metadata of the value (`valueSchemaMetadata`).
    #[must_use]
    pub fn value_schema_metadata(&self) -> Option<&SchemaMetadata<'e>> {
        self.raw.schema_metadata(Part::Value)
    }

    /// The undecoded record from the event.
    #[must_use]
    pub fn raw(&self) -> &RawRecord<'e> {
        &self.raw
    }

    /// Topic, partition and offset.
    #[must_use]
    pub fn id(&self) -> RecordId {
        RecordId::of(&self.raw)
    }

    /// `"topic-partition"`, as Lambda names the record's partition.
    #[must_use]
    pub fn topic_partition(&self) -> String {
        self.raw.topic_partition()
    }

    /// The record as a partial batch response names it.
    #[must_use]
    pub fn item_identifier(&self) -> crate::ItemIdentifier {
        crate::ItemIdentifier::from(&self.id())
    }

    /// `"topic-partition-offset"`: unique per record of a topic, the default key for
    /// idempotent processing.
    #[must_use]
    pub fn idempotency_key(&self) -> String {
        format!("{}-{}-{}", self.topic(), self.partition(), self.offset())
    }

    /// Transforms the decoded value, keeping everything else.
    pub fn map_value<W>(self, f: impl FnOnce(V) -> W) -> ConsumerRecord<'e, K, W> {
        ConsumerRecord {
            raw: self.raw,
            key: self.key,
            value: self.value.map(f),
            key_framing: self.key_framing,
            value_framing: self.value_framing,
        }
    }

    /// The same record with no data borrowed from the event.
    #[must_use]
    pub fn into_owned(self) -> ConsumerRecord<'static, K, V> {
        ConsumerRecord {
            raw: Raw::Owned(Box::new(match self.raw {
                Raw::Borrowed(raw) => raw.clone().into_owned(),
                Raw::Owned(raw) => raw.into_owned(),
            })),
            key: self.key,
            value: self.value,
            key_framing: self.key_framing,
            value_framing: self.value_framing,
        }
    }
}
