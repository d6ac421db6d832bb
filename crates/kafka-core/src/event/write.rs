//! The event model written back as Lambda writes it, so that a built or filtered event
//! can be saved and replayed.

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, SerializeStruct, Serializer};

use super::headers::{Header, Headers};
use super::record::{RawPayload, RawRecord};
use super::{KafkaEvent, PartitionRecords};
use crate::vocab::{Part, SchemaMetadata};

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

impl Serialize for RawRecord<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error as _;
        if let Some(problem) = self.problem() {
            return Err(S::Error::custom(format_args!(
                "record {}-{} offset {} cannot be written: {}",
                self.topic(),
                self.partition(),
                self.offset,
                problem.reason
            )));
        }
        let mut s = serializer.serialize_struct("RawRecord", 10)?;
        s.serialize_field("topic", self.topic())?;
        s.serialize_field("partition", &self.partition())?;
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

/// Written as Lambda writes headers: a list of one-entry objects whose values are lists of
/// unsigned byte numbers (or `null`).
impl Serialize for Headers<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Entry<'h>(&'h Header<'h>);
        impl Serialize for Entry<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry(self.0.name(), &self.0.value)?;
                map.end()
            }
        }
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for header in self {
            seq.serialize_element(&Entry(header))?;
        }
        seq.end()
    }
}

impl Serialize for SchemaMetadata<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("SchemaMetadata", 2)?;
        match self.data_format() {
            Some(format) => s.serialize_field("dataFormat", format)?,
            None => s.skip_field("dataFormat")?,
        }
        match self.schema_id() {
            Some(id) => s.serialize_field("schemaId", id)?,
            None => s.skip_field("schemaId")?,
        }
        s.end()
    }
}
