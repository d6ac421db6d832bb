//! The event Lambda's Kafka event source mapping delivers, read without copying its text.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::headers::{Headers, HeadersSeed};
use crate::lenient::{Lenient, TextSeed, TimestampSeed};
use crate::record::Part;

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
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KafkaEvent<'a> {
    #[serde(borrow, default)]
    event_source: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    event_source_arn: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    bootstrap_servers: Option<Cow<'a, str>>,
    #[serde(borrow, deserialize_with = "partitions_in_order")]
    records: Vec<PartitionRecords<'a>>,
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

impl<'a> KafkaEvent<'a> {
    /// Reads an event from JSON bytes, borrowing its text.
    ///
    /// # Errors
    /// [`Error::InvalidEvent`] when the bytes are not a Lambda Kafka event. A problem in one
    /// record's timestamp, headers, key or value (wrong type, byte out of range) is not an
    /// error here: it fails that record alone when the batch is consumed.
    pub fn from_slice(json: &'a [u8]) -> Result<Self, Error> {
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
        // Text known to be UTF-8 is not validated again string by string.
        serde_json::from_str(json).map_err(|e| Error::invalid_event(&e))
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

fn owned(text: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(text.into_owned())
}

/// Written back as Lambda writes it, so a built or filtered event can be saved and replayed.
impl Serialize for KafkaEvent<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Groups<'g>(&'g [PartitionRecords<'g>]);
        impl Serialize for Groups<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(self.0.len()))?;
                for group in self.0 {
                    map.serialize_entry(group.name(), group.records())?;
                }
                map.end()
            }
        }
        let mut s = serializer.serialize_struct("KafkaEvent", 4)?;
        if let Some(source) = &self.event_source {
            s.serialize_field("eventSource", source)?;
        }
        if let Some(arn) = &self.event_source_arn {
            s.serialize_field("eventSourceArn", arn)?;
        }
        if let Some(servers) = &self.bootstrap_servers {
            s.serialize_field("bootstrapServers", servers)?;
        }
        s.serialize_field("records", &Groups(&self.records))?;
        s.end()
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

/// Reads the `records` object into a list, keeping its order (a map type would lose it).
fn partitions_in_order<'de: 'a, 'a, D>(
    deserializer: D,
) -> Result<Vec<PartitionRecords<'a>>, D::Error>
where
    D: Deserializer<'de>,
{
    struct Groups;
    impl<'de> Visitor<'de> for Groups {
        type Value = Vec<PartitionRecords<'de>>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object of \"topic-partition\" record lists")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut groups = Vec::with_capacity(map.size_hint().unwrap_or(4));
            while let Some(name) = map.next_key::<Cow<'de, str>>()? {
                let records = map.next_value::<Vec<RawRecord<'de>>>()?;
                groups.push(PartitionRecords { name, records });
            }
            Ok(groups)
        }
    }
    deserializer.deserialize_any(Groups)
}

/// How the record's timestamp was set (`timestampType`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimestampType {
    /// `CREATE_TIME`: set by the producer.
    CreateTime,
    /// `LOG_APPEND_TIME`: set by the broker.
    LogAppendTime,
    /// Any other text, kept as it was.
    Other(String),
}

impl TimestampType {
    /// The text Kafka and Lambda use.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::CreateTime => "CREATE_TIME",
            Self::LogAppendTime => "LOG_APPEND_TIME",
            Self::Other(text) => text,
        }
    }
}

impl From<&str> for TimestampType {
    fn from(text: &str) -> Self {
        match text {
            "CREATE_TIME" => Self::CreateTime,
            "LOG_APPEND_TIME" => Self::LogAppendTime,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for TimestampType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for TimestampType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TimestampType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Cow::<'de, str>::deserialize(deserializer)?;
        Ok(Self::from(text.as_ref()))
    }
}

/// The serialization format the event source mapping's schema registry reported
/// (`dataFormat`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DataFormat {
    /// `AVRO`.
    Avro,
    /// `PROTOBUF`.
    Protobuf,
    /// `JSON`.
    Json,
    /// Any other text, kept as it was.
    Other(String),
}

impl DataFormat {
    /// The text Lambda uses.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Avro => "AVRO",
            Self::Protobuf => "PROTOBUF",
            Self::Json => "JSON",
            Self::Other(text) => text,
        }
    }
}

impl From<&str> for DataFormat {
    fn from(text: &str) -> Self {
        match text {
            "AVRO" => Self::Avro,
            "PROTOBUF" => Self::Protobuf,
            "JSON" => Self::Json,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for DataFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for DataFormat {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for DataFormat {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Cow::<'de, str>::deserialize(deserializer)?;
        Ok(Self::from(text.as_ref()))
    }
}

/// What the event source mapping's schema-registry integration says about a key or value
/// (`keySchemaMetadata` / `valueSchemaMetadata`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaMetadata<'a> {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    data_format: Option<DataFormat>,
    #[serde(
        borrow,
        default,
        deserialize_with = "schema_id_text",
        skip_serializing_if = "Option::is_none"
    )]
    schema_id: Option<Cow<'a, str>>,
}

impl<'a> SchemaMetadata<'a> {
    /// Metadata with a data format and an optional schema id.
    pub fn new(
        data_format: Option<DataFormat>,
        schema_id: Option<impl Into<Cow<'a, str>>>,
    ) -> Self {
        Self {
            data_format,
            schema_id: schema_id.map(Into::into),
        }
    }

    /// The reported format (`dataFormat`).
    #[must_use]
    pub fn data_format(&self) -> Option<&DataFormat> {
        self.data_format.as_ref()
    }

    /// The schema id (`schemaId`): a number as text for a Confluent registry, a UUID for AWS
    /// Glue.
    #[must_use]
    pub fn schema_id(&self) -> Option<&str> {
        self.schema_id.as_deref()
    }

    /// The same metadata with no borrowed data.
    #[must_use]
    pub fn into_owned(self) -> SchemaMetadata<'static> {
        SchemaMetadata {
            data_format: self.data_format,
            schema_id: self.schema_id.map(owned),
        }
    }
}

/// A schema id arrives as text; a bare number is read as its digits.
fn schema_id_text<'de: 'a, 'a, D>(deserializer: D) -> Result<Option<Cow<'a, str>>, D::Error>
where
    D: Deserializer<'de>,
{
    SchemaIdSeed
        .deserialize(deserializer)?
        .ok_or_else(|| de::Error::custom("schemaId is neither text nor a number"))
}

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

    fn into_owned(self) -> RawPayload<'static> {
        match self {
            Self::Absent => RawPayload::Absent,
            Self::Null => RawPayload::Null,
            Self::Base64(text) => RawPayload::Base64(owned(text)),
        }
    }
}

/// One record of the event, before decoding: coordinates, headers, base64 key and value,
/// and schema metadata.
///
/// A record whose timestamp, headers, key, value or schema metadata has the wrong shape
/// still parses;
/// [`RawRecord::problem`] says what is wrong, and consuming it yields
/// [`Error::InvalidRecord`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawRecord<'a> {
    #[serde(borrow)]
    topic: Cow<'a, str>,
    partition: i32,
    offset: i64,
    #[serde(default = "missing_timestamp", deserialize_with = "lenient_timestamp")]
    timestamp: Lenient<i64>,
    #[serde(default)]
    timestamp_type: Option<TimestampType>,
    #[serde(borrow, default = "absent", deserialize_with = "lenient_key")]
    key: Lenient<RawPayload<'a>>,
    #[serde(borrow, default = "absent", deserialize_with = "lenient_value")]
    value: Lenient<RawPayload<'a>>,
    #[serde(borrow, default = "no_headers", deserialize_with = "lenient_headers")]
    headers: Lenient<Headers<'a>>,
    #[serde(
        borrow,
        default = "no_metadata",
        deserialize_with = "lenient_key_metadata"
    )]
    key_schema_metadata: Lenient<Option<Box<SchemaMetadata<'a>>>>,
    #[serde(
        borrow,
        default = "no_metadata",
        deserialize_with = "lenient_value_metadata"
    )]
    value_schema_metadata: Lenient<Option<Box<SchemaMetadata<'a>>>>,
}

// Field defaults and lenient readers for `RawRecord`'s derive.
#[allow(clippy::unnecessary_wraps)]
fn missing_timestamp() -> Lenient<i64> {
    Err("timestamp is missing".into())
}
#[allow(clippy::unnecessary_wraps)]
fn absent<'a>() -> Lenient<RawPayload<'a>> {
    Ok(RawPayload::Absent)
}
#[allow(clippy::unnecessary_wraps)]
fn no_headers<'a>() -> Lenient<Headers<'a>> {
    Ok(Headers::new())
}
fn lenient_timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Lenient<i64>, D::Error> {
    TimestampSeed.deserialize(d)
}
fn lenient_payload<'de, D: Deserializer<'de>>(
    d: D,
    field: &'static str,
) -> Result<Lenient<RawPayload<'de>>, D::Error> {
    Ok(TextSeed { field }.deserialize(d)?.map(|text| match text {
        None => RawPayload::Null,
        Some(text) => RawPayload::Base64(text),
    }))
}
fn lenient_key<'de: 'a, 'a, D: Deserializer<'de>>(
    d: D,
) -> Result<Lenient<RawPayload<'a>>, D::Error> {
    lenient_payload(d, "key")
}
fn lenient_value<'de: 'a, 'a, D: Deserializer<'de>>(
    d: D,
) -> Result<Lenient<RawPayload<'a>>, D::Error> {
    lenient_payload(d, "value")
}
#[allow(clippy::unnecessary_wraps)]
fn no_metadata<'a>() -> Lenient<Option<Box<SchemaMetadata<'a>>>> {
    Ok(None)
}
fn lenient_key_metadata<'de: 'a, 'a, D: Deserializer<'de>>(
    d: D,
) -> Result<Lenient<Option<Box<SchemaMetadata<'a>>>>, D::Error> {
    d.deserialize_any(MetadataVisitor {
        field: "keySchemaMetadata",
    })
}
fn lenient_value_metadata<'de: 'a, 'a, D: Deserializer<'de>>(
    d: D,
) -> Result<Lenient<Option<Box<SchemaMetadata<'a>>>>, D::Error> {
    d.deserialize_any(MetadataVisitor {
        field: "valueSchemaMetadata",
    })
}

/// Reads `keySchemaMetadata` / `valueSchemaMetadata`, or why it has the wrong shape.
struct MetadataVisitor {
    field: &'static str,
}

impl MetadataVisitor {
    fn wrong<'x>(&self, shape: &str) -> Lenient<Option<Box<SchemaMetadata<'x>>>> {
        Err(format!("{} is {shape}, not an object", self.field).into())
    }
}

/// The fields of schema metadata.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum MetadataField {
    DataFormat,
    SchemaId,
    #[serde(other)]
    Other,
}

impl<'de> serde::de::Visitor<'de> for MetadataVisitor {
    type Value = Lenient<Option<Box<SchemaMetadata<'de>>>>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} as an object or null", self.field)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(Ok(None))
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(Ok(None))
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(self.wrong("a boolean"))
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(self.wrong("a number"))
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(self.wrong("a number"))
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(self.wrong("a number"))
    }

    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(self.wrong("text"))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        crate::lenient::drain_seq(seq)?;
        Ok(self.wrong("a list"))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut metadata = SchemaMetadata::default();
        let mut problem = None;
        while let Some(field) = map.next_key::<MetadataField>()? {
            match field {
                MetadataField::DataFormat => {
                    match map.next_value_seed(TextSeed {
                        field: "dataFormat",
                    })? {
                        Ok(text) => metadata.data_format = text.map(|t| DataFormat::from(&*t)),
                        Err(_) => problem = Some(format!("{}.dataFormat is not text", self.field)),
                    }
                }
                MetadataField::SchemaId => match map.next_value_seed(SchemaIdSeed)? {
                    Some(id) => metadata.schema_id = id,
                    None => {
                        problem = Some(format!(
                            "{}.schemaId is neither text nor a number",
                            self.field
                        ));
                    }
                },
                MetadataField::Other => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(match problem {
            Some(reason) => Err(reason.into()),
            None => Ok(Some(Box::new(metadata))),
        })
    }
}

/// A schema id as text or a number (`Some(None)` for `null`), or `None` for another shape.
struct SchemaIdSeed;

impl<'de> DeserializeSeed<'de> for SchemaIdSeed {
    type Value = Option<Option<Cow<'de, str>>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(SchemaIdVisitor)
    }
}

struct SchemaIdVisitor;

impl<'de> serde::de::Visitor<'de> for SchemaIdVisitor {
    type Value = Option<Option<Cow<'de, str>>>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a schema id")
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Some(Some(Cow::Borrowed(v))))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(Some(Cow::Owned(v.to_owned()))))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Some(Cow::Owned(v.to_string()))))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(Some(Cow::Owned(v.to_string()))))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(Some(None))
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(Some(None))
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        crate::lenient::drain_seq(seq)?;
        Ok(None)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        crate::lenient::drain_map(map)?;
        Ok(None)
    }
}

fn lenient_headers<'de: 'a, 'a, D: Deserializer<'de>>(
    d: D,
) -> Result<Lenient<Headers<'a>>, D::Error> {
    HeadersSeed.deserialize(d)
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
            topic: topic.into(),
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

    /// The topic.
    #[must_use]
    pub fn topic(&self) -> &str {
        &self.topic
    }

    /// The partition.
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

    /// The first thing wrong with the record's fields, if any: a timestamp that is missing
    /// or not an integer, headers that are not lists of bytes, a key or value that is not
    /// text, schema metadata that is not an object of text fields.
    #[must_use]
    pub fn problem(&self) -> Option<RecordProblem<'_>> {
        fn found(part: Option<Part>, reason: &str) -> RecordProblem<'_> {
            RecordProblem { part, reason }
        }
        if let Err(reason) = &self.timestamp {
            return Some(found(None, reason));
        }
        if let Err(reason) = &self.headers {
            return Some(found(None, reason));
        }
        if let Err(reason) = &self.key {
            return Some(found(Some(Part::Key), reason));
        }
        if let Err(reason) = &self.value {
            return Some(found(Some(Part::Value), reason));
        }
        if let Err(reason) = &self.key_schema_metadata {
            return Some(found(Some(Part::Key), reason));
        }
        if let Err(reason) = &self.value_schema_metadata {
            return Some(found(Some(Part::Value), reason));
        }
        None
    }

    /// The `"topic-partition"` text Lambda uses to name the record's partition.
    #[must_use]
    pub fn topic_partition(&self) -> String {
        format!("{}-{}", self.topic, self.partition)
    }

    /// The same record with no borrowed data.
    #[must_use]
    pub fn into_owned(self) -> RawRecord<'static> {
        RawRecord {
            topic: owned(self.topic),
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

impl Serialize for RawRecord<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error as _;
        if let Some(problem) = self.problem() {
            return Err(S::Error::custom(format_args!(
                "record {}-{} offset {} cannot be written: {}",
                self.topic, self.partition, self.offset, problem.reason
            )));
        }
        let mut s = serializer.serialize_struct("RawRecord", 10)?;
        s.serialize_field("topic", &self.topic)?;
        s.serialize_field("partition", &self.partition)?;
        s.serialize_field("offset", &self.offset)?;
        s.serialize_field("timestamp", &self.timestamp())?;
        if let Some(kind) = &self.timestamp_type {
            s.serialize_field("timestampType", kind)?;
        }
        for (name, payload) in [("key", self.key()), ("value", self.value())] {
            match payload {
                RawPayload::Absent => s.skip_field(name)?,
                RawPayload::Null => s.serialize_field(name, &Option::<&str>::None)?,
                RawPayload::Base64(text) => s.serialize_field(name, text)?,
            }
        }
        s.serialize_field("headers", self.headers())?;
        if let Some(meta) = self.schema_metadata(Part::Key) {
            s.serialize_field("keySchemaMetadata", meta)?;
        }
        if let Some(meta) = self.schema_metadata(Part::Value) {
            s.serialize_field("valueSchemaMetadata", meta)?;
        }
        s.end()
    }
}
