//! The Glue client against moto's Glue Schema Registry (started here on loopback), on
//! records the AWS Glue Schema Registry's own Python SerDe wrote against it.
//!
//! Needs `moto_server` and the SerDe (see [`kafka_vectors::moto`]).

#![cfg(feature = "glue")]
#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a failure is the test failing"
)]

use aws_sdk_glue::config::{BehaviorVersion, Credentials, Region};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use kafka_avro::AvroSchemas;
use kafka_core::testing::wire::glue;
use kafka_core::testing::{EventBuilder, RecordBuilder};
use kafka_core::{Compression, Uuid};
use kafka_core::{ErrorKind, KafkaConsumer, KafkaEvent, SchemaId, WireFormat};
use kafka_registry::{GlueRegistry, SchemaCache, SchemaRegistry};
use kafka_vectors::moto::Moto;
use serde_json::Value;

fn client(endpoint: &str) -> aws_sdk_glue::Client {
    let config = aws_sdk_glue::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
        .build();
    aws_sdk_glue::Client::from_conf(config)
}

/// Records the Glue SerDe wrote against the server: `(version, payload, expected value)`.
fn serde_records(moto: &Moto, registry: &str) -> Option<Vec<(Uuid, Vec<u8>, Value)>> {
    let records = moto.glue_serde_records(registry, 3)?;
    Some(
        records
            .into_iter()
            .map(|r| {
                (
                    Uuid::parse_str(r["version"].as_str().unwrap()).unwrap(),
                    STANDARD.decode(r["value"].as_str().unwrap()).unwrap(),
                    r["expected"].clone(),
                )
            })
            .collect(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn records_the_glue_serde_wrote_decode_with_the_registrys_schema() {
    let Some(moto) = Moto::start("the Glue client") else {
        return;
    };
    let endpoint = moto.endpoint();
    let Some(records) = serde_records(&moto, "orders-registry") else {
        return;
    };
    let cache = SchemaCache::new(GlueRegistry::new(client(endpoint)));
    let consumer = KafkaConsumer::new()
        .value(
            AvroSchemas::builder()
                .learn_from_registry(true)
                .build()
                .unwrap()
                .json(),
        )
        .value_wire_format(WireFormat::Glue);
    let mut builder = EventBuilder::msk();
    for (offset, (_, payload, _)) in records.iter().enumerate() {
        builder = builder
            .record(RecordBuilder::new("orders", 0, i64::try_from(offset).unwrap()).value(payload));
    }
    let json = builder.to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    let prepared = cache.prepare(&consumer, &event).await;
    assert_eq!(
        prepared.learned, 1,
        "one schema version for the three records"
    );
    for (record, (version, _, expected)) in consumer.records(&event).zip(&records) {
        let record = record.unwrap();
        assert_eq!(record.value.as_ref(), Some(expected));
        assert_eq!(
            record.value_framing().unwrap().schema_id(),
            Some(&SchemaId::Glue(*version))
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn versions_registered_by_the_sdk_and_unknown_ones() {
    let Some(moto) = Moto::start("the Glue client") else {
        return;
    };
    let glue_client = client(moto.endpoint());
    glue_client
        .create_registry()
        .registry_name("r")
        .send()
        .await
        .unwrap();
    let created = glue_client
        .create_schema()
        .registry_id(
            aws_sdk_glue::types::RegistryId::builder()
                .registry_name("r")
                .build(),
        )
        .schema_name("prices")
        .data_format(aws_sdk_glue::types::DataFormat::Avro)
        .compatibility(aws_sdk_glue::types::Compatibility::Backward)
        .schema_definition(
            r#"{"type":"record","name":"Price","fields":[{"name":"cents","type":"long"}]}"#,
        )
        .send()
        .await
        .unwrap();
    let version = Uuid::parse_str(created.schema_version_id().unwrap()).unwrap();
    let registry = GlueRegistry::new(glue_client);
    let schema = registry.fetch(&SchemaId::Glue(version)).await.unwrap();
    assert_eq!(schema.format, kafka_core::DataFormat::Avro);
    assert!(schema.text.contains("Price"));
    assert!(!registry.serves(&SchemaId::Confluent(1)));

    let unknown = Uuid::from_u128(1);
    let err = registry.fetch(&SchemaId::Glue(unknown)).await.unwrap_err();
    assert!(
        err.message().starts_with(
            "Glue schema version 00000000-0000-0000-0000-000000000001: AWS Glue answered GetSchemaVersion with EntityNotFoundException"
        ),
        "{err}"
    );
    // Through a consumer: the known version decodes, the unknown one fails alone.
    let cache = SchemaCache::new(registry);
    let consumer = KafkaConsumer::new()
        .value(
            AvroSchemas::builder()
                .learn_from_registry(true)
                .build()
                .unwrap()
                .json(),
        )
        .value_wire_format(WireFormat::Glue);
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("prices", 0, 1).value(glue(
            version,
            b"\xd0\x0f",
            Compression::Zlib,
        )))
        .record(RecordBuilder::new("prices", 0, 2).value(glue(unknown, b"\x02", Compression::None)))
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    cache.prepare(&consumer, &event).await;
    let results: Vec<_> = consumer.records(&event).collect();
    assert_eq!(
        results[0].as_ref().unwrap().value,
        Some(serde_json::json!({"cents": 1000}))
    );
    assert_eq!(
        results[1].as_ref().unwrap_err().kind(),
        ErrorKind::SchemaRegistry
    );
}
