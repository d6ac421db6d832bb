//! Schema evolution: producers write with version 1 or version 2 of a schema, registered
//! under Confluent ids 1 and 2; the consumer reads everything as version 2. Each writer
//! schema is found by the id in the payload's header, in a store filled at cold start
//! (no registry call), and resolved into the reader schema.
//!
//! ```text
//! cargo run --example avro_schema_evolution --features avro,testing
//! ```

use lambda_kafka::avro::encode::AvroEncoder;
use lambda_kafka::event::SchemaId;
use lambda_kafka::prelude::*;
use lambda_kafka::testing::wire::Framed;
use lambda_kafka::testing::{EventBuilder, RecordBuilder};
use serde::{Deserialize, Serialize};

/// Version 1: an id and an amount in cents as an `int`.
const V1: &str = r#"{"type":"record","name":"Payment","namespace":"shop","fields":[
    {"name":"id","type":"string"},
    {"name":"cents","type":"int"},
    {"name":"legacy_flag","type":"boolean"}]}"#;

/// Version 2: `cents` widened to `long`, `legacy_flag` removed, `currency` added with a
/// default.
const V2: &str = r#"{"type":"record","name":"Payment","namespace":"shop","fields":[
    {"name":"id","type":"string"},
    {"name":"cents","type":"long"},
    {"name":"currency","type":"string","default":"EUR"}]}"#;

#[derive(Serialize)]
struct PaymentV1 {
    id: String,
    cents: i32,
    legacy_flag: bool,
}

#[derive(Serialize, Deserialize, Debug)]
struct Payment {
    id: String,
    cents: i64,
    currency: String,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // What the producers wrote: Confluent framing with the schema id in front.
    let v1 = Framed::confluent(AvroEncoder::new(V1)?, 1);
    let v2 = Framed::confluent(AvroEncoder::new(V2)?, 2);
    let event = EventBuilder::msk()
        .record(RecordBuilder::new("payments", 0, 1).value_encoded(
            &v1,
            &PaymentV1 {
                id: "p-1".into(),
                cents: 1250,
                legacy_flag: true,
            },
        )?)
        .record(RecordBuilder::new("payments", 0, 2).value_encoded(
            &v2,
            &Payment {
                id: "p-2".into(),
                cents: 9_000_000_000,
                currency: "USD".into(),
            },
        )?)
        .to_json();

    // The consumer: writer schemas by id, one reader schema.
    let store = SchemaStore::new()
        .with_schema(SchemaId::Confluent(1), V1)
        .with_schema(SchemaId::Confluent(2), V2);
    let schemas = AvroSchemas::builder()
        .store(store)
        .reader_schema(V2)
        .build()?;
    let consumer = KafkaConsumer::new().value(schemas.typed::<Payment>());

    let event = KafkaEvent::from_str(&event)?;
    for record in consumer.records(&event) {
        let record = record?;
        let writer = record
            .value_framing()
            .and_then(|f| f.schema_id())
            .map(ToString::to_string);
        println!(
            "written with schema {}: {:?}",
            writer.unwrap_or_default(),
            record.value
        );
    }
    Ok(())
}
