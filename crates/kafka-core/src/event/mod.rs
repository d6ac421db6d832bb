//! The event Lambda's Kafka event source mapping delivers: the data model, read without
//! copying its text.
//!
//! | module | owns |
//! |---|---|
//! | this one | [`KafkaEvent`], [`PartitionRecords`], [`EventSource`] |
//! | `record` | [`RawRecord`], [`RawPayload`], [`RecordProblem`] |
//! | `headers` | [`Header`], [`Headers`] |
//! | `lenient` | the one visitor of the fields whose bad values fail one record |
//! | `read` | JSON into the model: the event object, EventBridge Pipes lists, record fields |
//! | `write` | the model back into Lambda's JSON |

mod headers;
mod lenient;
mod on_failure;
mod read;
mod record;
mod scan;
mod write;

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize as _;

pub use self::headers::{Header, Headers};
pub use self::on_failure::{
    KafkaBatchInfo, OnFailureRecord, RecordInfo, RecordsInfo, RequestContext, ResponseContext,
};
pub use self::record::{RawPayload, RawRecord, RecordProblem};
use crate::error::Error;

/// The UTF-8 byte order mark some tools write at the start of a file (the .NET SDK's test
/// events have one); it is skipped.
const BOM: &str = "\u{feff}";

/// A Kafka event as Lambda hands it to a function, for Amazon MSK and self-managed Kafka.
///
/// The base64 text of keys and values is borrowed from the input (`'a`), so parsing a batch
/// copies none of it; [`KafkaEvent::into_owned`] detaches the event from its input.
/// Topic-partition groups and their records keep the event's order.
///
/// ```
/// use kafka_core::{EventSource, KafkaEvent};
///
/// let json = r#"{"eventSource":"SelfManagedKafka","bootstrapServers":"b-1:9092",
///   "records":{"orders-0":[{"topic":"orders","partition":0,"offset":15,
///     "timestamp":1545084650987,"timestampType":"CREATE_TIME","key":"a2V5","value":"eyJhIjoxfQ==",
///     "headers":[{"traceparent":[48,48]}]}]}}"#;
/// let event = KafkaEvent::from_str(json)?;
/// assert_eq!(event.source(), Some(EventSource::SelfManagedKafka));
/// assert_eq!(event.record_count(), 1);
/// let (group, records) = event.partitions().next().unwrap();
/// assert_eq!(group, "orders-0");
/// assert_eq!(records[0].timestamp(), Some(1545084650987));
/// # Ok::<(), kafka_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct KafkaEvent<'a> {
    event_source: Option<Cow<'a, str>>,
    event_source_arn: Option<Cow<'a, str>>,
    bootstrap_servers: Option<Cow<'a, str>>,
    records: Vec<PartitionRecords<'a>>,
}

impl<'a> KafkaEvent<'a> {
    /// Reads an event from JSON bytes, borrowing its text.
    ///
    /// # Errors
    /// [`Error::InvalidEvent`] when the bytes are not a Lambda Kafka event. A problem in one
    /// record's timestamp, headers, key or value (wrong type, byte out of range) is not an
    /// error here: it fails that record alone when the batch is consumed.
    pub fn from_slice(json: &'a [u8]) -> Result<Self, Error> {
        let json = json.strip_prefix(BOM.as_bytes()).unwrap_or(json);
        // One pass of UTF-8 validation over the event is cheaper than serde_json's check
        // of every string it borrows.
        let text = std::str::from_utf8(json).map_err(|e| Error::InvalidEvent {
            reason: format!("invalid UTF-8 at byte {}", e.valid_up_to()),
        })?;
        Self::from_str(text)
    }

    /// Reads an event from JSON text, borrowing it. See [`KafkaEvent::from_slice`].
    ///
    /// # Errors
    /// [`Error::InvalidEvent`] when the text is not a Lambda Kafka event.
    #[allow(clippy::should_implement_trait)] // `FromStr` cannot borrow from its input.
    pub fn from_str(json: &'a str) -> Result<Self, Error> {
        let json = json.strip_prefix(BOM).unwrap_or(json);
        // Lambda's own shape is read by the fast reader; anything else (and every error)
        // by serde's, which says what is wrong.
        if let Some(event) = scan::scan(json) {
            return Ok(event);
        }
        // Text known to be UTF-8 is not validated again string by string.
        serde_json::from_str(json).map_err(|e| Error::invalid_event(&e))
    }

    /// Whether the fast reader, where it takes `json`, reads it as serde's reader does
    /// (for the fuzz target `fast_envelope`).
    #[cfg(fuzzing)]
    pub(crate) fn readers_agree(json: &str) -> bool {
        let json = json.strip_prefix(BOM).unwrap_or(json);
        scan::scan(json).is_none_or(|fast| {
            serde_json::from_str::<KafkaEvent<'_>>(json).is_ok_and(|slow| slow == fast)
        })
    }

    /// Reads an event from a parsed JSON value, borrowing its strings.
    ///
    /// # Errors
    /// [`Error::InvalidEvent`] when the value is not a Lambda Kafka event.
    pub fn from_value(value: &'a serde_json::Value) -> Result<Self, Error> {
        Self::deserialize(value).map_err(|e| Error::invalid_event(&e))
    }

    /// Builds an event from its parts; `partitions` keep the given order.
    #[must_use]
    pub fn new(
        source: Option<Cow<'a, str>>,
        source_arn: Option<Cow<'a, str>>,
        bootstrap_servers: Option<Cow<'a, str>>,
        partitions: Vec<PartitionRecords<'a>>,
    ) -> Self {
        Self {
            event_source: source,
            event_source_arn: source_arn,
            bootstrap_servers,
            records: partitions,
        }
    }

    /// The kind of cluster the event comes from (`eventSource`); `None` when absent.
    #[must_use]
    pub fn source(&self) -> Option<EventSource<'_>> {
        self.event_source.as_deref().map(|s| match s {
            "aws:kafka" => EventSource::Msk,
            "SelfManagedKafka" => EventSource::SelfManagedKafka,
            other => EventSource::Other(other),
        })
    }

    /// The MSK cluster's ARN (`eventSourceArn`); self-managed Kafka has none.
    #[must_use]
    pub fn source_arn(&self) -> Option<&str> {
        self.event_source_arn.as_deref()
    }

    /// The brokers, comma-separated (`bootstrapServers`).
    #[must_use]
    pub fn bootstrap_servers(&self) -> Option<&str> {
        self.bootstrap_servers.as_deref()
    }

    /// Each `"topic-partition"` group with its records, in event order.
    #[must_use]
    pub fn partitions(&self) -> impl ExactSizeIterator<Item = (&str, &[RawRecord<'a>])> {
        self.records.iter().map(|p| (p.name(), p.records()))
    }

    /// The groups themselves, in event order.
    #[must_use]
    pub fn partition_groups(&self) -> &[PartitionRecords<'a>] {
        &self.records
    }

    /// Every record of every group, in event order.
    pub fn records(&self) -> impl Iterator<Item = &RawRecord<'a>> {
        self.records.iter().flat_map(|p| p.records.iter())
    }

    /// How many records the event holds.
    #[must_use]
    pub fn record_count(&self) -> usize {
        self.records.iter().map(|p| p.records.len()).sum()
    }

    /// The same event with no borrowed data.
    #[must_use]
    pub fn into_owned(self) -> KafkaEvent<'static> {
        KafkaEvent {
            event_source: self.event_source.map(owned),
            event_source_arn: self.event_source_arn.map(owned),
            bootstrap_servers: self.bootstrap_servers.map(owned),
            records: self
                .records
                .into_iter()
                .map(PartitionRecords::into_owned)
                .collect(),
        }
    }
}

/// Where the event comes from, by its `eventSource`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EventSource<'e> {
    /// `aws:kafka`: Amazon MSK.
    Msk,
    /// `SelfManagedKafka`: a self-managed Apache Kafka cluster.
    SelfManagedKafka,
    /// Any other text, kept as it was.
    Other(&'e str),
}

impl<'e> EventSource<'e> {
    /// The event's `eventSource` text.
    #[must_use]
    pub fn as_str(&self) -> &'e str {
        match self {
            Self::Msk => "aws:kafka",
            Self::SelfManagedKafka => "SelfManagedKafka",
            Self::Other(text) => text,
        }
    }
}

impl fmt::Display for EventSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The records of one `"topic-partition"` entry of the event's `records` object.
#[derive(Debug, Clone, PartialEq)]
pub struct PartitionRecords<'a> {
    name: Cow<'a, str>,
    records: Vec<RawRecord<'a>>,
}

impl<'a> PartitionRecords<'a> {
    /// A group named `"topic-partition"` with its records.
    pub fn new(name: impl Into<Cow<'a, str>>, records: Vec<RawRecord<'a>>) -> Self {
        Self {
            name: name.into(),
            records,
        }
    }

    /// The group's `"topic-partition"` name, as the event spells it.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The group's records in event order.
    #[must_use]
    pub fn records(&self) -> &[RawRecord<'a>] {
        &self.records
    }

    /// Adds a record at the end of the group.
    pub fn push(&mut self, record: RawRecord<'a>) {
        self.records.push(record);
    }

    fn into_owned(self) -> PartitionRecords<'static> {
        PartitionRecords {
            name: owned(self.name),
            records: self
                .records
                .into_iter()
                .map(RawRecord::into_owned)
                .collect(),
        }
    }
}

fn owned(text: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(text.into_owned())
}
