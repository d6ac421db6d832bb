//! The small words every layer shares: which side of a record, where a record lives, the
//! formats codecs read and metadata reports, timestamp types and registry schema ids.
//!
//! This module imports nothing of the crate; every other module may import it.

use std::borrow::Cow;
use std::fmt;

use uuid::Uuid;

/// Which side of a record a payload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// The record's key.
    Key,
    /// The record's value.
    Value,
}

impl Part {
    /// `"key"` or `"value"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Key => "key",
            Self::Value => "value",
        }
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a record lives: topic, partition and offset. Errors carry it so that a failure
/// names its record.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RecordId {
    /// The topic.
    pub topic: String,
    /// The partition.
    pub partition: i32,
    /// The offset within the partition.
    pub offset: i64,
}

impl RecordId {
    /// The `"topic-partition"` text Lambda uses to name the partition.
    #[must_use]
    pub fn topic_partition(&self) -> String {
        format!("{}-{}", self.topic, self.partition)
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "topic \"{}\", partition {}, offset {}",
            self.topic, self.partition, self.offset
        )
    }
}

/// Generates a text-backed enum of known names with an `Other(String)` for the rest.
macro_rules! named_text {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// Any other text, kept as it was.
            Other(String),
        }

        impl $name {
            /// The text Kafka and Lambda use.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Other(text) => text,
                }
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                match text {
                    $($text => Self::$variant,)+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

named_text! {
    /// How the record's timestamp was set (`timestampType`).
    TimestampType {
        /// `CREATE_TIME`: set by the producer.
        CreateTime = "CREATE_TIME",
        /// `LOG_APPEND_TIME`: set by the broker.
        LogAppendTime = "LOG_APPEND_TIME",
    }
}

named_text! {
    /// The serialization format of a key or value: what the event source mapping's schema
    /// registry integration reports (`dataFormat`), and what a codec reads
    /// ([`SchemaAware::format`](crate::SchemaAware::format)).
    DataFormat {
        /// `AVRO`.
        Avro = "AVRO",
        /// `PROTOBUF`.
        Protobuf = "PROTOBUF",
        /// `JSON`.
        Json = "JSON",
    }
}

/// A schema registry's id for the schema a payload was written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SchemaId {
    /// A Confluent Schema Registry id.
    Confluent(u32),
    /// A Confluent Schema Registry schema GUID (the newer clients' carrier: a `0x01`
    /// prefix, or a `__key_schema_id` / `__value_schema_id` record header).
    ConfluentGuid(Uuid),
    /// An AWS Glue schema-version UUID.
    Glue(Uuid),
}

impl SchemaId {
    /// Reads a `schemaId` as event metadata carries it: digits are a Confluent id, a UUID
    /// a Glue schema version.
    ///
    /// # Errors
    /// Why the text is neither, without more of it than the metadata field holds.
    pub fn from_metadata(text: &str) -> Result<Self, String> {
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            return text.parse().map(Self::Confluent).map_err(|_| {
                format!("schemaId {text} in the metadata is beyond a Confluent id's range (u32)")
            });
        }
        Uuid::try_parse(text).map(Self::Glue).map_err(|_| {
            format!(
                "schemaId \"{text}\" in the metadata is neither a Confluent id (digits) nor a Glue UUID"
            )
        })
    }

    /// Says which registry's id this is, for messages: `Confluent schema id 7`,
    /// `Glue schema version <uuid>`.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Confluent(id) => format!("Confluent schema id {id}"),
            Self::ConfluentGuid(guid) => format!("Confluent schema GUID {}", guid.hyphenated()),
            Self::Glue(uuid) => format!("Glue schema version {}", uuid.hyphenated()),
        }
    }
}

impl fmt::Display for SchemaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Confluent(id) => write!(f, "{id}"),
            Self::ConfluentGuid(uuid) | Self::Glue(uuid) => write!(f, "{}", uuid.hyphenated()),
        }
    }
}

/// What the event source mapping's schema-registry integration says about a key or value
/// (`keySchemaMetadata` / `valueSchemaMetadata`).
///
/// The `schemaId` is read once, when the event is read: [`SchemaMetadata::registry_id`]
/// gives it parsed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SchemaMetadata<'a> {
    pub(crate) data_format: Option<DataFormat>,
    pub(crate) schema_id: Option<Cow<'a, str>>,
    /// `schema_id` parsed; `None` when the text is no registry id.
    pub(crate) parsed: Option<SchemaId>,
}

impl<'a> SchemaMetadata<'a> {
    /// Metadata with a data format and an optional schema id.
    pub fn new(
        data_format: Option<DataFormat>,
        schema_id: Option<impl Into<Cow<'a, str>>>,
    ) -> Self {
        let schema_id = schema_id.map(Into::into);
        let parsed = schema_id
            .as_deref()
            .and_then(|text| SchemaId::from_metadata(text).ok());
        Self {
            data_format,
            schema_id,
            parsed,
        }
    }

    /// The reported format (`dataFormat`).
    #[must_use]
    pub fn data_format(&self) -> Option<&DataFormat> {
        self.data_format.as_ref()
    }

    /// The schema id (`schemaId`) as the event spells it: a number as text for a
    /// Confluent registry, a UUID for AWS Glue.
    #[must_use]
    pub fn schema_id(&self) -> Option<&str> {
        self.schema_id.as_deref()
    }

    /// The schema id read as a registry id; `Some(Err(reason))` when the metadata has a
    /// `schemaId` that is neither a Confluent id nor a Glue UUID.
    #[must_use]
    pub fn registry_id(&self) -> Option<Result<SchemaId, String>> {
        let text = self.schema_id.as_deref()?;
        Some(match self.parsed {
            Some(id) => Ok(id),
            // Only the failure path reads the text again, for its message.
            None => SchemaId::from_metadata(text),
        })
    }

    /// The same metadata with no borrowed data.
    #[must_use]
    pub fn into_owned(self) -> SchemaMetadata<'static> {
        SchemaMetadata {
            data_format: self.data_format,
            schema_id: self.schema_id.map(|t| Cow::Owned(t.into_owned())),
            parsed: self.parsed,
        }
    }
}

impl DataFormat {
    /// Whether it is one of the formats the event names (`AVRO`, `PROTOBUF`, `JSON`).
    #[must_use]
    pub fn is_known(&self) -> bool {
        !matches!(self, Self::Other(_))
    }

    /// The name messages use: `Avro`, `Protobuf`, `JSON`, or the other text.
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            Self::Avro => "Avro",
            Self::Protobuf => "Protobuf",
            Self::Json => "JSON",
            Self::Other(text) => text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_text_round_trips_and_keeps_other_text() {
        assert_eq!(
            TimestampType::from("CREATE_TIME"),
            TimestampType::CreateTime
        );
        assert_eq!(TimestampType::from("NO_TIMESTAMP").as_str(), "NO_TIMESTAMP");
        assert_eq!(DataFormat::from("PROTOBUF").to_string(), "PROTOBUF");
        assert!(DataFormat::Json.is_known());
        assert!(!DataFormat::from("XML").is_known());
        assert_eq!(DataFormat::Avro.name(), "Avro");
        assert_eq!(DataFormat::from("XML").name(), "XML");
    }

    #[test]
    fn schema_ids_from_metadata_text() {
        assert_eq!(SchemaId::from_metadata("42"), Ok(SchemaId::Confluent(42)));
        assert!(
            SchemaId::from_metadata("4294967296")
                .unwrap_err()
                .contains("u32")
        );
        assert!(matches!(
            SchemaId::from_metadata("b0b2a6d4-b86a-4c7c-9d1a-1a2b3c4d5e6f"),
            Ok(SchemaId::Glue(_))
        ));
        assert!(SchemaId::from_metadata("").unwrap_err().contains("neither"));
    }
}
