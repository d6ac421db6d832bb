//! The hooks a codec that learns writer schemas at run time uses: the consumer names the
//! ids a batch needs, the codec is given each schema (or why it could not be had), and a
//! record whose schema could not be had fails alone with the kind `schema-registry`.

#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a failure is the test failing"
)]

use std::collections::HashMap;
use std::sync::Mutex;

use kafka_core::SchemaAware;
use kafka_core::testing::wire::{confluent, confluent_guid, glue, schema_id_header};
use kafka_core::testing::{EventBuilder, RecordBuilder};
use kafka_core::{
    Codec, DataFormat, DecodeError, ErrorKind, KafkaConsumer, KafkaEvent, Part, Payload,
    RegisteredSchema, SchemaId, SchemaMetadata, WireFormat,
};
use kafka_core::{Compression, FramingPolicy, Uuid};

const GUID: Uuid = Uuid::from_u128(0x0f2e_e8c6_fb92_4a5a_a57e_db90_0b0e_85bc);
const VERSION: Uuid = Uuid::from_u128(0x5a4b_1e2c_0d3f_4a5b_8c7d_9e0f_1a2b_3c4d);

/// A JSON-like codec whose "schema" is a prefix it puts before each payload's text.
#[derive(Default)]
struct Learning {
    learned: Mutex<HashMap<SchemaId, Result<String, String>>>,
}

impl Codec for Learning {
    type Output = String;

    fn decode(&self, payload: Payload<'_>) -> Result<String, DecodeError> {
        let text = String::from_utf8_lossy(payload.bytes);
        let Some(id) = payload.framing.schema_id() else {
            return Ok(text.into_owned());
        };
        match self.learned.lock().unwrap().get(id) {
            Some(Ok(prefix)) => Ok(format!("{prefix}{text}")),
            Some(Err(reason)) => Err(DecodeError::schema_registry(format!(
                "{}: {reason}",
                id.describe()
            ))),
            None => Err(DecodeError::schema_registry(format!(
                "{} was never fetched",
                id.describe()
            ))),
        }
    }

    fn schema_aware(&self) -> Option<&dyn SchemaAware> {
        Some(self)
    }
}

impl SchemaAware for Learning {
    fn framing(&self, _: Option<&SchemaMetadata<'_>>) -> FramingPolicy {
        FramingPolicy::PREFIX
    }

    fn wants_schema(&self, id: &SchemaId) -> bool {
        !matches!(self.learned.lock().unwrap().get(id), Some(Ok(_)))
    }

    fn learn_schema(&self, id: &SchemaId, schema: Result<&RegisteredSchema, &str>) {
        let entry = schema.map(|s| s.text.clone()).map_err(str::to_owned);
        self.learned.lock().unwrap().insert(*id, entry);
    }
}

fn batch() -> String {
    EventBuilder::msk()
        .record(RecordBuilder::new("t", 0, 1).value(confluent(7, b"a")))
        .record(RecordBuilder::new("t", 0, 2).value(confluent(7, b"b")))
        .record(RecordBuilder::new("t", 0, 3).value(confluent_guid(GUID, b"c")))
        .record(
            RecordBuilder::new("t", 0, 4)
                .header("__value_schema_id", schema_id_header(GUID, None))
                .value(b"d"),
        )
        .record(RecordBuilder::new("t", 1, 5).value(b"e").esm(
            Part::Value,
            DataFormat::Json,
            SchemaId::Confluent(9),
        ))
        .record(RecordBuilder::new("t", 1, 6).value(glue(VERSION, b"f", Compression::None)))
        .record(RecordBuilder::new("t", 1, 7).value(b"{}"))
        .record(RecordBuilder::new("t", 1, 8).tombstone())
        .to_json()
}

#[test]
fn the_consumer_names_each_wanted_id_once_from_every_carrier() {
    let json = batch();
    let event = KafkaEvent::from_str(&json).unwrap();
    let consumer = KafkaConsumer::new().value(Learning::default());
    let wanted = consumer.wanted_schemas(&event);
    assert_eq!(
        wanted.value,
        [
            SchemaId::Confluent(7),
            SchemaId::ConfluentGuid(GUID),
            SchemaId::Confluent(9),
            SchemaId::Glue(VERSION)
        ]
    );
    assert!(wanted.key.is_empty(), "text keys want nothing");
    // Once learned, it is wanted no more; a plain side wants nothing.
    consumer.value_codec().learn_schema(
        &SchemaId::Confluent(7),
        Ok(&RegisteredSchema::new(DataFormat::Json, "7:")),
    );
    assert_eq!(consumer.wanted_schemas(&event).value.len(), 3);
    let plain = KafkaConsumer::new()
        .value(Learning::default())
        .value_wire_format(WireFormat::Plain);
    assert!(plain.wanted_schemas(&event).is_empty());
}

#[test]
fn a_schema_that_could_not_be_had_fails_its_records_alone() {
    let json = batch();
    let event = KafkaEvent::from_str(&json).unwrap();
    let consumer = KafkaConsumer::new().value(Learning::default());
    let codec = consumer.value_codec();
    codec.learn_schema(
        &SchemaId::Confluent(7),
        Ok(&RegisteredSchema::new(DataFormat::Json, "7:")),
    );
    codec.learn_schema(
        &SchemaId::ConfluentGuid(GUID),
        Ok(&RegisteredSchema::new(DataFormat::Json, "g:")),
    );
    codec.learn_schema(
        &SchemaId::Confluent(9),
        Err("the registry answered 404: Schema 9 not found"),
    );
    let results: Vec<_> = consumer.records(&event).collect();
    let values: Vec<String> = results
        .iter()
        .map(|r| match r {
            Ok(record) => record.value.clone().unwrap_or_else(|| "-".into()),
            Err(e) => e.kind().to_string(),
        })
        .collect();
    assert_eq!(
        values,
        [
            "7:a",
            "7:b",
            "g:c",
            "g:d",
            "schema-registry",
            "schema-registry",
            "{}",
            "-"
        ]
    );
    let err = results[4].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SchemaRegistry);
    assert_eq!(
        err.to_string(),
        "topic \"t\", partition 1, offset 5, value: schema registry: Confluent schema id 9: the registry answered 404: Schema 9 not found"
    );
    assert_eq!(
        results[5].as_ref().unwrap_err().to_string(),
        "topic \"t\", partition 1, offset 6, value: schema registry: Glue schema version 5a4b1e2c-0d3f-4a5b-8c7d-9e0f1a2b3c4d was never fetched"
    );
}
