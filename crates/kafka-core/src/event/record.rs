//! One record of the event before decoding.

use std::borrow::Cow;

use serde::Deserialize;

use super::headers::Headers;
use super::lenient::{Lenient, Reason};
use super::read;
use crate::vocab::{Part, RecordId, SchemaMetadata, TimestampType};

/// A key or value as the event carries it: absent, `null`, or base64 text (`""` is an
/// empty payload, not an absent one).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum RawPayload<'a> {
    /// The field is not in the record.
    #[default]
    Absent,
    /// The field is `null` (for a value: a tombstone).
    Null,
    /// Base64 text, borrowed from the event where possible.
    Base64(Cow<'a, str>),
}

impl<'a> RawPayload<'a> {
    /// The base64 text, when there is one.
    #[must_use]
    pub fn as_base64(&self) -> Option<&str> {
        match self {
            Self::Base64(text) => Some(text),
            Self::Absent | Self::Null => None,
        }
    }

    /// Whether there is a payload (possibly empty) to decode.
    #[must_use]
    pub fn is_present(&self) -> bool {
        matches!(self, Self::Base64(_))
    }

    pub(super) fn into_owned(self) -> RawPayload<'static> {
        match self {
            Self::Absent => RawPayload::Absent,
            Self::Null => RawPayload::Null,
            Self::Base64(text) => RawPayload::Base64(super::owned(text)),
        }
    }
}

/// One record of the event, before decoding: coordinates, headers, base64 key and value,
/// and schema metadata.
///
/// A record whose timestamp, headers, key, value or schema metadata has the wrong shape
/// still parses;
/// [`RawRecord::problem`] says what is wrong, and consuming it yields
/// [`RecordError::InvalidRecord`](crate::RecordError::InvalidRecord).
#[derive(Debug, Clone, PartialEq)]
pub struct RawRecord<'a> {
    /// The record's topic, or why its topic or partition could not be read.
    pub(super) topic: Result<Cow<'a, str>, Box<Unnamed>>,
    /// The record's partition, or its group's when its own could not be read.
    pub(super) partition: i32,
    pub(super) offset: i64,
    pub(super) timestamp: Lenient<i64>,
    pub(super) timestamp_type: Option<TimestampType>,
    pub(super) key: Lenient<RawPayload<'a>>,
    pub(super) value: Lenient<RawPayload<'a>>,
    pub(super) headers: Lenient<Headers<'a>>,
    pub(super) key_schema_metadata: Lenient<Option<Box<SchemaMetadata<'a>>>>,
    pub(super) value_schema_metadata: Lenient<Option<Box<SchemaMetadata<'a>>>>,
}

/// A record whose `topic` or `partition` could not be read: why, and what is known of
/// them (its own, or its group's once the group is known).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Unnamed {
    reason: Reason,
    topic: Option<String>,
    partition: Option<i32>,
}

impl<'de: 'a, 'a> Deserialize<'de> for RawRecord<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let fields = RecordFields::deserialize(deserializer)?;
        let unnamed = |reason, topic, partition| {
            Err(Box::new(Unnamed {
                reason,
                topic,
                partition,
            }))
        };
        let (topic, partition) = match (fields.topic, fields.partition) {
            (Ok(topic), Ok(partition)) => (Ok(topic), partition),
            (Err(reason), Ok(partition)) => (unnamed(reason, None, Some(partition)), partition),
            (Err(reason), Err(_)) => (unnamed(reason, None, None), 0),
            (Ok(topic), Err(reason)) => (unnamed(reason, Some(topic.into_owned()), None), 0),
        };
        Ok(Self {
            topic,
            partition,
            offset: fields.offset,
            timestamp: fields.timestamp,
            timestamp_type: fields.timestamp_type,
            key: fields.key,
            value: fields.value,
            headers: fields.headers,
            key_schema_metadata: fields.key_schema_metadata,
            value_schema_metadata: fields.value_schema_metadata,
        })
    }
}

/// A record's fields as the serde reader reads them; [`RawRecord`] keeps them more
/// compactly (it is kept for every Kafka record of a batch).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RecordFields<'a> {
    #[serde(
        borrow,
        default = "read::missing_topic",
        deserialize_with = "read::topic"
    )]
    pub(super) topic: Lenient<Cow<'a, str>>,
    #[serde(
        default = "read::missing_partition",
        deserialize_with = "read::partition"
    )]
    pub(super) partition: Lenient<i32>,
    #[serde(deserialize_with = "read::offset")]
    pub(super) offset: i64,
    #[serde(
        default = "read::missing_timestamp",
        deserialize_with = "read::timestamp"
    )]
    pub(super) timestamp: Lenient<i64>,
    #[serde(default, deserialize_with = "read::timestamp_type")]
    pub(super) timestamp_type: Option<TimestampType>,
    #[serde(borrow, default = "read::absent", deserialize_with = "read::key")]
    pub(super) key: Lenient<RawPayload<'a>>,
    #[serde(borrow, default = "read::absent", deserialize_with = "read::value")]
    pub(super) value: Lenient<RawPayload<'a>>,
    #[serde(
        borrow,
        default = "read::no_headers",
        deserialize_with = "read::headers"
    )]
    pub(super) headers: Lenient<Headers<'a>>,
    #[serde(
        borrow,
        default = "read::no_metadata",
        deserialize_with = "read::key_metadata"
    )]
    pub(super) key_schema_metadata: Lenient<Option<Box<SchemaMetadata<'a>>>>,
    #[serde(
        borrow,
        default = "read::no_metadata",
        deserialize_with = "read::value_metadata"
    )]
    pub(super) value_schema_metadata: Lenient<Option<Box<SchemaMetadata<'a>>>>,
}

/// What is wrong with a record's fields, found when the event was parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordProblem<'r> {
    /// The key or value the problem belongs to, if either.
    pub part: Option<Part>,
    /// What is wrong, without payload bytes.
    pub reason: &'r str,
}

impl<'a> RawRecord<'a> {
    /// A record with coordinates and timestamp, of type `CREATE_TIME`, with no key, no
    /// value and no headers.
    pub fn new(
        topic: impl Into<Cow<'a, str>>,
        partition: i32,
        offset: i64,
        timestamp: i64,
    ) -> Self {
        Self {
            topic: Ok(topic.into()),
            partition,
            offset,
            timestamp: Ok(timestamp),
            timestamp_type: Some(TimestampType::CreateTime),
            key: Ok(RawPayload::Absent),
            value: Ok(RawPayload::Absent),
            headers: Ok(Headers::new()),
            key_schema_metadata: Ok(None),
            value_schema_metadata: Ok(None),
        }
    }

    /// Settles the coordinates of a record read under the group or key `name`
    /// (`"topic-partition"`). A record of an EventBridge Pipes batch whose `topic` or
    /// `partition` is missing or unreadable takes it from `name`, its own
    /// `eventSourceKey` (`own`); a record of the event source mapping's shape takes
    /// nothing from its group's name, but is reported under it and fails alone. `Err`
    /// when the record cannot be named at all.
    pub(super) fn settle(&mut self, name: &str, own: bool) -> Result<(), String> {
        let Err(unnamed) = &mut self.topic else {
            return Ok(());
        };
        let Some((topic, partition)) = name
            .rsplit_once('-')
            .and_then(|(topic, partition)| Some((topic, partition.parse::<i32>().ok()?)))
        else {
            return Err(format!(
                "the record at offset {} has no coordinates ({}), and \"{name}\" does not give them",
                self.offset, unnamed.reason
            ));
        };
        let topic = unnamed.topic.take().unwrap_or_else(|| topic.to_owned());
        self.partition = unnamed.partition.unwrap_or(partition);
        if own {
            self.topic = Ok(Cow::Owned(topic));
        } else {
            unnamed.topic = Some(topic);
            unnamed.partition = Some(self.partition);
        }
        Ok(())
    }

    /// Sets the timestamp (epoch milliseconds).
    #[must_use]
    pub fn with_timestamp(mut self, millis: i64) -> Self {
        self.timestamp = Ok(millis);
        self
    }

    /// Sets the timestamp type.
    #[must_use]
    pub fn with_timestamp_type(mut self, timestamp_type: Option<TimestampType>) -> Self {
        self.timestamp_type = timestamp_type;
        self
    }

    /// Sets the key or the value.
    #[must_use]
    pub fn with_payload(mut self, part: Part, payload: RawPayload<'a>) -> Self {
        *self.slot(part) = Ok(payload);
        self
    }

    /// Sets the headers.
    #[must_use]
    pub fn with_headers(mut self, headers: Headers<'a>) -> Self {
        self.headers = Ok(headers);
        self
    }

    /// Sets the schema metadata of the key or the value.
    #[must_use]
    pub fn with_schema_metadata(
        mut self,
        part: Part,
        metadata: Option<SchemaMetadata<'a>>,
    ) -> Self {
        match part {
            Part::Key => self.key_schema_metadata = Ok(metadata.map(Box::new)),
            Part::Value => self.value_schema_metadata = Ok(metadata.map(Box::new)),
        }
        self
    }

    fn slot(&mut self, part: Part) -> &mut Lenient<RawPayload<'a>> {
        match part {
            Part::Key => &mut self.key,
            Part::Value => &mut self.value,
        }
    }

    /// The topic; for a record whose `topic` field is missing or not text (see
    /// [`RawRecord::problem`]), the topic its group names.
    #[must_use]
    pub fn topic(&self) -> &str {
        match &self.topic {
            Ok(topic) => topic,
            Err(unnamed) => unnamed.topic.as_deref().unwrap_or_default(),
        }
    }

    /// The partition; for a record whose `partition` field is missing or not an integer
    /// (see [`RawRecord::problem`]), the partition its group names.
    #[must_use]
    pub fn partition(&self) -> i32 {
        self.partition
    }

    /// The offset within the partition.
    #[must_use]
    pub fn offset(&self) -> i64 {
        self.offset
    }

    /// The timestamp in epoch milliseconds, exactly as sent; `None` when it is missing or
    /// not an integer (see [`RawRecord::problem`]).
    #[must_use]
    pub fn timestamp(&self) -> Option<i64> {
        self.timestamp.as_ref().ok().copied()
    }

    /// The timestamp type, when the event gives one.
    #[must_use]
    pub fn timestamp_type(&self) -> Option<&TimestampType> {
        self.timestamp_type.as_ref()
    }

    /// The key as the event carries it (`Absent` also when the field has the wrong shape).
    #[must_use]
    pub fn key(&self) -> &RawPayload<'a> {
        self.key.as_ref().unwrap_or(&RawPayload::Absent)
    }

    /// The value as the event carries it (`Absent` also when the field has the wrong shape).
    #[must_use]
    pub fn value(&self) -> &RawPayload<'a> {
        self.value.as_ref().unwrap_or(&RawPayload::Absent)
    }

    /// The key or the value.
    #[must_use]
    pub fn payload(&self, part: Part) -> &RawPayload<'a> {
        match part {
            Part::Key => self.key(),
            Part::Value => self.value(),
        }
    }

    /// The headers (empty when they could not be read, see [`RawRecord::problem`]).
    #[must_use]
    pub fn headers(&self) -> &Headers<'a> {
        static NONE: Headers<'static> = Headers::new();
        self.headers.as_ref().unwrap_or(&NONE)
    }

    /// The schema metadata of the key or the value.
    #[must_use]
    pub fn schema_metadata(&self, part: Part) -> Option<&SchemaMetadata<'a>> {
        match part {
            Part::Key => self.key_schema_metadata.as_ref().ok()?.as_deref(),
            Part::Value => self.value_schema_metadata.as_ref().ok()?.as_deref(),
        }
    }

    /// The first thing wrong with the record's fields, if any: a topic or partition that
    /// is missing or of the wrong shape, a timestamp that is missing or not an integer,
    /// headers that are not lists of bytes, a key or value that is not text, schema
    /// metadata that is not an object of text fields.
    #[must_use]
    pub fn problem(&self) -> Option<RecordProblem<'_>> {
        // Asked of every record before it is decoded: most have no problem at all.
        let sound = self.topic.is_ok()
            && self.timestamp.is_ok()
            && self.headers.is_ok()
            && self.key.is_ok()
            && self.value.is_ok()
            && self.key_schema_metadata.is_ok()
            && self.value_schema_metadata.is_ok();
        if sound { None } else { self.problems().next() }
    }

    /// Everything wrong with the record's fields, in the order [`RawRecord::problem`]
    /// looks: topic, partition, timestamp, headers, key, value, key metadata, value
    /// metadata.
    pub fn problems(&self) -> impl Iterator<Item = RecordProblem<'_>> {
        fn reason<T>(field: &Lenient<T>) -> Option<&str> {
            field.as_ref().err().map(|r| &**r)
        }
        [
            (None, self.topic.as_ref().err().map(|u| &*u.reason)),
            (None, reason(&self.timestamp)),
            (None, reason(&self.headers)),
            (Some(Part::Key), reason(&self.key)),
            (Some(Part::Value), reason(&self.value)),
            (Some(Part::Key), reason(&self.key_schema_metadata)),
            (Some(Part::Value), reason(&self.value_schema_metadata)),
        ]
        .into_iter()
        .filter_map(|(part, reason)| {
            Some(RecordProblem {
                part,
                reason: reason?,
            })
        })
    }

    /// The `"topic-partition"` text Lambda uses to name the record's partition.
    #[must_use]
    pub fn topic_partition(&self) -> String {
        format!("{}-{}", self.topic(), self.partition())
    }

    /// The same record with no borrowed data.
    #[must_use]
    pub fn into_owned(self) -> RawRecord<'static> {
        RawRecord {
            topic: self.topic.map(super::owned),
            partition: self.partition,
            offset: self.offset,
            timestamp: self.timestamp,
            timestamp_type: self.timestamp_type,
            key: self.key.map(RawPayload::into_owned),
            value: self.value.map(RawPayload::into_owned),
            headers: self.headers.map(Headers::into_owned),
            key_schema_metadata: self
                .key_schema_metadata
                .map(|m| m.map(|m| Box::new(m.into_owned()))),
            value_schema_metadata: self
                .value_schema_metadata
                .map(|m| m.map(|m| Box::new(m.into_owned()))),
        }
    }
}

impl RecordId {
    /// The coordinates of a raw record.
    #[must_use]
    pub fn of(record: &RawRecord<'_>) -> Self {
        Self {
            topic: record.topic().to_owned(),
            partition: record.partition(),
            offset: record.offset(),
        }
    }
}
