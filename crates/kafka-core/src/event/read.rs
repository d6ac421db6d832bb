//! How JSON becomes the event model: the envelope (a Lambda event object, or the list of
//! records EventBridge Pipes hands a Lambda target), its groups in order, and the record
//! fields that fail one record rather than the event.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::headers::{HeaderList, Headers};
use super::lenient::{self, Expect, Lenient, Read, Reason, Shape, Text, Timestamp};
use super::record::{RawPayload, RawRecord};
use super::{KafkaEvent, PartitionRecords};
use crate::vocab::{DataFormat, SchemaMetadata, TimestampType};

// --- The envelope ---------------------------------------------------------------------

/// The fields of a Lambda Kafka event object.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EventFields<'a> {
    #[serde(borrow, default)]
    event_source: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    event_source_arn: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    bootstrap_servers: Option<Cow<'a, str>>,
    #[serde(borrow, deserialize_with = "groups_in_order")]
    records: Vec<PartitionRecords<'a>>,
}

/// An object is the event Lambda's event source mapping sends; a list is the batch
/// EventBridge Pipes sends from a Kafka source. Nothing else is an event.
impl<'de: 'a, 'a> Deserialize<'de> for KafkaEvent<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(EventVisitor)
    }
}

struct EventVisitor;

impl<'de> Visitor<'de> for EventVisitor {
    type Value = KafkaEvent<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Lambda Kafka event object, or an EventBridge Pipes list of Kafka records")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let fields = EventFields::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(KafkaEvent {
            event_source: fields.event_source,
            event_source_arn: fields.event_source_arn,
            bootstrap_servers: fields.bootstrap_servers,
            records: fields.records,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut event = KafkaEvent::new(None, None, None, Vec::new());
        let mut index = 0usize;
        while let Some(item) = seq.next_element_seed(PipesItem { index })? {
            if index == 0 {
                event.event_source = item.event_source;
                event.event_source_arn = item.event_source_arn;
                event.bootstrap_servers = item.bootstrap_servers;
            }
            let mut record = item.record;
            let group = match item.event_source_key {
                Some(key) => {
                    record
                        .settle(&key, true)
                        .map_err(|e| de::Error::custom(format_args!("item {index}: {e}")))?;
                    key
                }
                None if record.topic.is_ok() => Cow::Owned(record.topic_partition()),
                None => {
                    let reason = record.problem().map_or("", |p| p.reason);
                    return Err(de::Error::custom(format_args!(
                        "item {index}: {reason}, and it has no eventSourceKey to name its topic and partition"
                    )));
                }
            };
            // Pipes lists a batch partition by partition; look back for the group.
            match event.records.iter_mut().rev().find(|g| g.name == group) {
                Some(known) => known.push(record),
                None => event
                    .records
                    .push(PartitionRecords::new(group, vec![record])),
            }
            index += 1;
        }
        if index == 0 {
            return Err(de::Error::custom(
                "an empty list: an EventBridge Pipes batch has at least one record",
            ));
        }
        Ok(event)
    }
}

/// One record of an EventBridge Pipes batch: a Kafka record with its source beside it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PipesRecord<'a> {
    #[serde(borrow, default)]
    event_source: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    event_source_arn: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    bootstrap_servers: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    event_source_key: Option<Cow<'a, str>>,
    #[serde(borrow, flatten)]
    record: RawRecord<'a>,
}

/// An item of a top-level list: an object that is a Pipes record, or a clear refusal.
struct PipesItem {
    index: usize,
}

impl<'de> DeserializeSeed<'de> for PipesItem {
    type Value = PipesRecord<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl PipesItem {
    fn refuse<E: de::Error>(&self, shape: Shape) -> E {
        E::custom(format_args!(
            "a top-level list is read as an EventBridge Pipes batch of Kafka records, \
             but item {} is {}, not a record object",
            self.index,
            shape.named()
        ))
    }
}

impl<'de> Visitor<'de> for PipesItem {
    type Value = PipesRecord<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Kafka record object of an EventBridge Pipes batch")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        PipesRecord::deserialize(de::value::MapAccessDeserializer::new(map))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Err(self.refuse(Shape::Null))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Err(self.refuse(Shape::Boolean))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Err(self.refuse(Shape::Number))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Err(self.refuse(Shape::Number))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Err(self.refuse(Shape::Number))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Err(self.refuse(Shape::Text))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(self.refuse(Shape::List))
    }
}

/// Reads the `records` object into a list, keeping its order (a map type would lose it).
fn groups_in_order<'de: 'a, 'a, D>(deserializer: D) -> Result<Vec<PartitionRecords<'a>>, D::Error>
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
            while let Some(name) = map.next_key_seed(Name)? {
                let mut records = map.next_value::<Vec<RawRecord<'de>>>()?;
                for record in &mut records {
                    record.settle(&name, false).map_err(de::Error::custom)?;
                }
                groups.push(PartitionRecords { name, records });
            }
            Ok(groups)
        }
    }
    deserializer.deserialize_any(Groups)
}

/// A map key or required text, borrowed from the input when it has no escapes.
pub(super) struct Name;

impl<'de> DeserializeSeed<'de> for Name {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Name {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("text")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

// --- Record fields (the `deserialize_with` and `default` functions of `RawRecord`) ----

#[allow(clippy::unnecessary_wraps)] // serde's `default` wants the field's type.
pub(super) fn missing_topic<'a>() -> Lenient<Cow<'a, str>> {
    Err("topic is missing".into())
}

pub(super) fn topic<'de: 'a, 'a, D: Deserializer<'de>>(
    d: D,
) -> Result<Lenient<Cow<'a, str>>, D::Error> {
    let text = Read(Text {
        field: "topic",
        what: "text",
    })
    .deserialize(d)?;
    Ok(text.and_then(|topic| topic.ok_or_else(|| "topic is null, not text".into())))
}

#[allow(clippy::unnecessary_wraps)] // serde's `default` wants the field's type.
pub(super) fn missing_partition() -> Lenient<i32> {
    Err("partition is missing".into())
}

pub(super) fn partition<'de, D: Deserializer<'de>>(d: D) -> Result<Lenient<i32>, D::Error> {
    Read(lenient::Integer::<i32>::named("partition")).deserialize(d)
}

pub(super) fn offset<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    lenient::integer(d, "offset")
}

#[allow(clippy::unnecessary_wraps)] // serde's `default` wants the field's type.
pub(super) fn missing_timestamp() -> Lenient<i64> {
    Err("timestamp is missing".into())
}

pub(super) fn timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Lenient<i64>, D::Error> {
    Read(Timestamp).deserialize(d)
}

pub(super) fn timestamp_type<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<TimestampType>, D::Error> {
    let text = Read(Text {
        field: "timestampType",
        what: "text",
    })
    .deserialize(d)?
    .map_err(|reason| de::Error::custom(&*reason))?;
    Ok(text.map(|t| TimestampType::from(&*t)))
}

#[allow(clippy::unnecessary_wraps)]
pub(super) fn absent<'a>() -> Lenient<RawPayload<'a>> {
    Ok(RawPayload::Absent)
}

#[allow(clippy::unnecessary_wraps)]
pub(super) fn no_headers<'a>() -> Lenient<Headers<'a>> {
    Ok(Headers::new())
}

#[allow(clippy::unnecessary_wraps)]
pub(super) fn no_metadata<'a>() -> Lenient<Option<Box<SchemaMetadata<'a>>>> {
    Ok(None)
}

fn payload<'de, D: Deserializer<'de>>(
    d: D,
    field: &'static str,
) -> Result<Lenient<RawPayload<'de>>, D::Error> {
    let text = Read(Text {
        field,
        what: "base64 text",
    })
    .deserialize(d)?;
    Ok(text.map(|text| match text {
        None => RawPayload::Null,
        Some(text) => RawPayload::Base64(text),
    }))
}

pub(super) fn key<'de: 'a, 'a, D: Deserializer<'de>>(
    d: D,
) -> Result<Lenient<RawPayload<'a>>, D::Error> {
    payload(d, "key")
}

pub(super) fn value<'de: 'a, 'a, D: Deserializer<'de>>(
    d: D,
) -> Result<Lenient<RawPayload<'a>>, D::Error> {
    payload(d, "value")
}

pub(super) fn headers<'de: 'a, 'a, D: Deserializer<'de>>(
    d: D,
) -> Result<Lenient<Headers<'a>>, D::Error> {
    Read(HeaderList).deserialize(d)
}

pub(super) fn key_metadata<'de: 'a, 'a, D: Deserializer<'de>>(
    d: D,
) -> Result<Lenient<Option<Box<SchemaMetadata<'a>>>>, D::Error> {
    Read(Metadata {
        field: "keySchemaMetadata",
    })
    .deserialize(d)
}

pub(super) fn value_metadata<'de: 'a, 'a, D: Deserializer<'de>>(
    d: D,
) -> Result<Lenient<Option<Box<SchemaMetadata<'a>>>>, D::Error> {
    Read(Metadata {
        field: "valueSchemaMetadata",
    })
    .deserialize(d)
}

// --- Schema metadata ------------------------------------------------------------------

/// `keySchemaMetadata` / `valueSchemaMetadata`: an object of text fields, or `null`.
struct Metadata {
    /// The field's name, which prefixes a member's in messages; empty for metadata read
    /// on its own.
    field: &'static str,
}

impl Metadata {
    fn member(&self, reason: &str) -> Reason {
        if self.field.is_empty() {
            reason.to_owned().into()
        } else {
            format!("{}.{reason}", self.field).into()
        }
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

impl<'de> Expect<'de> for Metadata {
    type Value = Option<Box<SchemaMetadata<'de>>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} as an object or null", self.field)
    }

    fn wrong(&self, shape: Shape) -> Reason {
        let field = if self.field.is_empty() {
            "schema metadata"
        } else {
            self.field
        };
        format!("{field} is {}, not an object", shape.named()).into()
    }

    fn null(self) -> Lenient<Self::Value> {
        Ok(None)
    }

    fn object<A: MapAccess<'de>>(self, mut map: A) -> Result<Lenient<Self::Value>, A::Error> {
        let mut data_format = None;
        let mut schema_id = None;
        let mut problem: Option<Reason> = None;
        while let Some(field) = map.next_key::<MetadataField>()? {
            match field {
                MetadataField::DataFormat => {
                    match map.next_value_seed(Read(Text {
                        field: "dataFormat",
                        what: "text",
                    }))? {
                        Ok(text) => data_format = text.map(|t| DataFormat::from(&*t)),
                        Err(_) => problem = Some(self.member("dataFormat is not text")),
                    }
                }
                MetadataField::SchemaId => match map.next_value_seed(Read(SchemaIdText))? {
                    Ok(id) => schema_id = id,
                    Err(reason) => problem = Some(self.member(&reason)),
                },
                MetadataField::Other => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        Ok(match problem {
            Some(reason) => Err(reason),
            None => Ok(Some(Box::new(SchemaMetadata::new(data_format, schema_id)))),
        })
    }
}

/// A schema id as text or a number (read as its digits); `null` is none.
struct SchemaIdText;

impl<'de> Expect<'de> for SchemaIdText {
    type Value = Option<Cow<'de, str>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a schema id")
    }

    fn wrong(&self, _: Shape) -> Reason {
        "schemaId is neither text nor a number".into()
    }

    fn null(self) -> Lenient<Self::Value> {
        Ok(None)
    }

    fn signed(self, v: i64) -> Lenient<Self::Value> {
        Ok(Some(Cow::Owned(v.to_string())))
    }

    fn unsigned(self, v: u64) -> Lenient<Self::Value> {
        Ok(Some(Cow::Owned(v.to_string())))
    }

    fn text(self, v: &str) -> Lenient<Self::Value> {
        Ok(Some(Cow::Owned(v.to_owned())))
    }

    fn borrowed_text(self, v: &'de str) -> Lenient<Self::Value> {
        Ok(Some(Cow::Borrowed(v)))
    }
}

/// Schema metadata on its own; a field of the wrong shape is an error here.
impl<'de: 'a, 'a> Deserialize<'de> for SchemaMetadata<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let metadata = Read(Metadata { field: "" })
            .deserialize(deserializer)?
            .map_err(|reason| de::Error::custom(&*reason))?;
        Ok(metadata.map(|m| *m).unwrap_or_default())
    }
}

// --- The shared words as text ---------------------------------------------------------

macro_rules! as_text {
    ($($name:ident),+) => {$(
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = Name.deserialize(deserializer)?;
                Ok(Self::from(&*text))
            }
        }
    )+};
}

as_text!(TimestampType, DataFormat);
