//! Avro writer schemas fetched from a Confluent Schema Registry while the consumer runs.
//!
//! The example starts a local registry of its own (the test registry, holding the schemas
//! confluent-kafka's serializers registered for the bundled records), builds the consumer
//! before any schema is known, then prepares and decodes a batch in which each record
//! names its writer schema a different way: a record header with the schema GUID, a GUID
//! prefix, a classic id prefix. Then a producer registers a schema version the consumer
//! has never seen, and its record decodes without a restart.
//!
//! ```text
//! cargo run --example avro_registry --features avro,confluent-registry,testing
//! ```

use kafka_vectors::registry::TestRegistry;
use lambda_kafka::avro::AvroSchemas;
use lambda_kafka::prelude::*;
use lambda_kafka::registry::{ConfluentRegistry, SchemaCache};
use lambda_kafka::testing::wire::confluent;
use lambda_kafka::testing::{EventBuilder, RecordBuilder};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A registry: in production, your Confluent Cloud or Platform URL and credentials.
    let server = TestRegistry::start(kafka_vectors::confluent_registry());
    let registry = ConfluentRegistry::builder().url(server.url()).build()?;
    let schemas = SchemaCache::new(registry);

    // At cold start: no schema yet. Avro payload prefixes are read under `confluent`.
    let consumer = KafkaConsumer::new()
        .key(
            AvroSchemas::builder()
                .learn_from_registry(true)
                .build()?
                .json(),
        )
        .value(
            AvroSchemas::builder()
                .learn_from_registry(true)
                .build()?
                .json(),
        )
        .wire_format(WireFormat::Confluent);

    // An invocation: prepare (fetch what the batch names), then decode.
    let (input, _) = kafka_vectors::vector("avro_confluent_ids");
    let event = KafkaEvent::from_slice(&input)?;
    let prepared = schemas.prepare(&consumer, &event).await;
    println!(
        "fetched {} schemas, {} failed",
        prepared.learned, prepared.failed
    );
    for record in consumer.records(&event) {
        let record = record?;
        let framing = record.value_framing().expect("a value");
        println!(
            "offset {}: schema {} (from the {}): {}",
            record.offset(),
            framing.schema_id().map_or("-".into(), ToString::to_string),
            framing.source().as_str(),
            record
                .value
                .as_ref()
                .map_or("null".into(), ToString::to_string)
        );
    }

    // A producer registers a new schema version; its records decode at once.
    server.register(serde_json::json!({
        "subject": "prices-value", "version": 1, "id": 100,
        "guid": "00000000-0000-4000-8000-000000000100", "schemaType": "AVRO",
        "schema": r#"{"type":"record","name":"Price","fields":[{"name":"sku","type":"string"},{"name":"cents","type":"long"}]}"#,
        "references": []
    }));
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("prices", 0, 7).value(confluent(100, b"\x08SKU1\xd0\x0f")))
        .to_json();
    let event = KafkaEvent::from_str(&json)?;
    schemas.prepare(&consumer, &event).await;
    let record = consumer.records(&event).next().expect("one record")?;
    println!("new version: {}", record.value.expect("a value"));
    println!(
        "{} requests to the registry in all",
        server.requests().len()
    );
    Ok(())
}
