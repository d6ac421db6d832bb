//! The Confluent client and the cache against a test server that answers the registry's
//! documented REST API with what confluent-kafka's serializers registered.

#![cfg(feature = "confluent")]
#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a failure is the test failing"
)]

mod common;

use common::registry_of;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use kafka_core::SchemaAware;
use kafka_core::testing::wire::{confluent, confluent_guid, schema_id_header};
use kafka_core::testing::{EventBuilder, RecordBuilder};
use kafka_core::{
    Codec, DataFormat, DecodeError, KafkaConsumer, KafkaEvent, Payload, RegisteredSchema, SchemaId,
    SchemaMetadata,
};
use kafka_core::{FramingPolicy, Uuid};
use kafka_registry::{ConfluentRegistry, Prepared, SchemaCache, SchemaRegistry};
use kafka_vectors::registry::{Misbehave, TestRegistry};
use serde_json::json;

fn entry(subject: &str) -> (u32, Uuid, String) {
    let e = kafka_vectors::registered(subject);
    (
        u32::try_from(e["id"].as_u64().unwrap()).unwrap(),
        Uuid::parse_str(e["guid"].as_str().unwrap()).unwrap(),
        e["schema"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn schemas_by_id_and_by_guid_with_their_type() {
    let server = TestRegistry::start(kafka_vectors::confluent_registry());
    let registry = registry_of(&server);
    let (id, guid, text) = entry("orders-value");
    let by_id = registry.fetch(&SchemaId::Confluent(id)).await.unwrap();
    assert_eq!(
        by_id.format,
        DataFormat::Avro,
        "schemaType absent means AVRO"
    );
    assert_eq!(by_id.text, text);
    let by_guid = registry
        .fetch(&SchemaId::ConfluentGuid(guid))
        .await
        .unwrap();
    assert_eq!(by_guid, by_id);
    let (proto_id, _, _) = entry("orders-proto-value");
    let proto = registry
        .fetch(&SchemaId::Confluent(proto_id))
        .await
        .unwrap();
    assert_eq!(proto.format, DataFormat::Protobuf);
    assert!(proto.text.contains("message Order"));
    let (json_id, _, _) = entry("orders-json-value");
    assert_eq!(
        registry
            .fetch(&SchemaId::Confluent(json_id))
            .await
            .unwrap()
            .format,
        DataFormat::Json
    );
    assert_eq!(
        server.requests(),
        [
            format!("/schemas/ids/{id}"),
            format!("/schemas/guids/{guid}"),
            format!("/schemas/ids/{proto_id}"),
            format!("/schemas/ids/{json_id}"),
        ]
    );
    assert!(!registry.serves(&SchemaId::Glue(guid)));
}

#[tokio::test]
async fn references_are_fetched_depth_first() {
    let server = TestRegistry::start(vec![
        json!({"subject": "money", "version": 1, "id": 11, "guid": "00000000-0000-4000-8000-000000000011",
               "schemaType": "AVRO", "schema": r#"{"type":"fixed","name":"com.example.Money","size":8}"#, "references": []}),
        json!({"subject": "line item", "version": 2, "id": 12, "guid": "00000000-0000-4000-8000-000000000012",
               "schemaType": "AVRO", "schema": r#"{"type":"record","name":"com.example.Line","fields":[{"name":"price","type":"com.example.Money"}]}"#,
               "references": [{"name": "com.example.Money", "subject": "money", "version": 1}]}),
        json!({"subject": "orders-value", "version": 1, "id": 13, "guid": "00000000-0000-4000-8000-000000000013",
               "schemaType": "AVRO", "schema": r#"{"type":"record","name":"com.example.Order","fields":[{"name":"line","type":"com.example.Line"}]}"#,
               "references": [{"name": "com.example.Line", "subject": "line item", "version": 2}]}),
    ]);
    let schema = registry_of(&server)
        .fetch(&SchemaId::Confluent(13))
        .await
        .unwrap();
    let names: Vec<&str> = schema.references.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["com.example.Money", "com.example.Line"]);
    assert!(
        server
            .requests()
            .contains(&"/subjects/line%20item/versions/2".to_owned())
    );
}

#[tokio::test]
async fn refusals_and_garbage_are_errors_naming_the_id_and_the_answer() {
    let server = TestRegistry::start(kafka_vectors::confluent_registry());
    let registry = registry_of(&server);
    let err = registry.fetch(&SchemaId::Confluent(999)).await.unwrap_err();
    assert_eq!(
        err.message(),
        format!(
            "Confluent schema id 999: the registry {} answered GET /schemas/ids/999 with 404 (error_code 40403: Schema 999 not found)",
            server.url()
        )
    );
    server.misbehave("/schemas/ids/1", Misbehave::Status(200, "<html>".into()));
    let err = registry.fetch(&SchemaId::Confluent(1)).await.unwrap_err();
    assert!(
        err.message()
            .contains("answered GET /schemas/ids/1 with what is not a schema (6 bytes)"),
        "{err}"
    );
    server.misbehave("/schemas/ids/1", Misbehave::Status(500, "{}".into()));
    let err = registry.fetch(&SchemaId::Confluent(1)).await.unwrap_err();
    assert!(
        err.message()
            .ends_with("answered GET /schemas/ids/1 with 500"),
        "{err}"
    );
}

#[tokio::test]
async fn several_urls_are_tried_in_turn() {
    let down = TestRegistry::start(Vec::new());
    down.misbehave("/", Misbehave::Status(503, "{}".into()));
    let up = TestRegistry::start(kafka_vectors::confluent_registry());
    let (id, _, _) = entry("orders-value");
    let registry = ConfluentRegistry::builder()
        .urls(&format!("http://127.0.0.1:1, {}, {}", down.url(), up.url()))
        .build()
        .unwrap();
    assert!(registry.fetch(&SchemaId::Confluent(id)).await.is_ok());
    assert_eq!(down.requests().len(), 1);
    assert_eq!(up.requests().len(), 1);
}

#[tokio::test]
async fn credentials_are_sent_and_never_shown() {
    let server = TestRegistry::start(kafka_vectors::confluent_registry());
    // "Basic " + base64("key:s3cret")
    server.require_auth("Basic a2V5OnMzY3JldA==");
    let (id, _, _) = entry("orders-value");
    let with = ConfluentRegistry::builder()
        .url(server.url())
        .basic_auth_pair("key:s3cret")
        .unwrap()
        .build()
        .unwrap();
    assert!(with.fetch(&SchemaId::Confluent(id)).await.is_ok());
    let port = server.url().rsplit(':').next().unwrap().to_owned();
    let wrong = ConfluentRegistry::builder()
        .url(format!("http://key:wrong@127.0.0.1:{port}"))
        .basic_auth("key", "wrong")
        .build()
        .unwrap();
    let err = wrong.fetch(&SchemaId::Confluent(id)).await.unwrap_err();
    assert!(
        err.message()
            .contains("with 401 (error_code 401: Unauthorized)"),
        "{err}"
    );
    assert!(!err.message().contains("wrong"), "{err}");
    assert!(
        ConfluentRegistry::builder()
            .url(server.url())
            .basic_auth_pair("no-colon")
            .unwrap_err()
            .message()
            .ends_with("not of the form user:secret")
    );
    let err = ConfluentRegistry::builder()
        .url("ftp://x")
        .build()
        .unwrap_err();
    assert_eq!(
        err.message(),
        "the schema registry URL ftp://x is not http:// or https://"
    );
}

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
            Some(Ok(format)) => Ok(format!("{format}:{text}")),
            Some(Err(reason)) => Err(DecodeError::schema_registry(reason.clone())),
            None => Err(DecodeError::schema_registry("not fetched")),
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
        let entry = schema.map(|s| s.format.to_string()).map_err(str::to_owned);
        self.learned.lock().unwrap().insert(*id, entry);
    }
}

fn batch(id: u32, guid: Uuid, n: i64) -> String {
    let mut builder = EventBuilder::msk();
    for offset in 0..n {
        let record = RecordBuilder::new("orders", 0, offset);
        builder = builder.record(match offset % 3 {
            0 => record.value(confluent(id, b"a")),
            1 => record.value(confluent_guid(guid, b"b")),
            _ => record
                .header("__value_schema_id", schema_id_header(guid, None))
                .value(b"c"),
        });
    }
    builder.to_json()
}

#[tokio::test]
async fn one_fetch_per_id_however_many_records_and_concurrent_batches() {
    let server = TestRegistry::start(kafka_vectors::confluent_registry());
    let (id, guid, _) = entry("orders-value");
    let cache = SchemaCache::new(registry_of(&server));
    let consumer = KafkaConsumer::new().value(Learning::default());
    let json = batch(id, guid, 300);
    let event = KafkaEvent::from_str(&json).unwrap();
    let (a, b) = tokio::join!(
        cache.prepare(&consumer, &event),
        cache.prepare(&consumer, &event)
    );
    assert_eq!(
        a,
        Prepared {
            learned: 2,
            failed: 0
        }
    );
    assert_eq!(
        b,
        Prepared {
            learned: 2,
            failed: 0
        }
    );
    assert_eq!(server.requests().len(), 2, "{:?}", server.requests());
    assert!(
        consumer
            .records(&event)
            .all(|r| r.unwrap().value.unwrap().starts_with("AVRO:"))
    );
    // Learned: nothing more is wanted, nothing more is fetched.
    assert_eq!(cache.prepare(&consumer, &event).await, Prepared::default());
    let other = KafkaConsumer::new().value(Learning::default());
    assert_eq!(cache.prepare(&other, &event).await.learned, 2);
    assert_eq!(server.requests().len(), 2, "kept for the instance's life");
}

#[tokio::test]
async fn a_schema_registered_after_the_consumer_was_built_is_decoded_without_a_restart() {
    let server = TestRegistry::start(kafka_vectors::confluent_registry());
    let cache = SchemaCache::new(registry_of(&server)).retry_after(Duration::from_millis(50));
    let consumer = KafkaConsumer::new().value(Learning::default());
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("orders", 0, 1).value(confluent(77, b"new")))
        .record(RecordBuilder::new("orders", 0, 2).value(b"plain"))
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    assert_eq!(cache.prepare(&consumer, &event).await.failed, 1);
    let results: Vec<_> = consumer.records(&event).collect();
    let err = results[0].as_ref().unwrap_err();
    assert_eq!(err.kind().as_str(), "schema-registry");
    assert!(err.to_string().contains("Schema 77 not found"), "{err}");
    assert_eq!(results[1].as_ref().unwrap().value.as_deref(), Some("plain"));
    // Within retry_after the failure is reused; after it, fetched again.
    assert_eq!(cache.prepare(&consumer, &event).await.failed, 1);
    assert_eq!(server.requests().len(), 1);
    server.register(json!({"subject": "orders-value", "version": 9, "id": 77,
        "guid": "00000000-0000-4000-8000-000000000077", "schemaType": "AVRO", "schema": "\"string\"", "references": []}));
    tokio::time::sleep(Duration::from_millis(60)).await;
    assert_eq!(cache.prepare(&consumer, &event).await.learned, 1);
    assert_eq!(
        consumer
            .records(&event)
            .next()
            .unwrap()
            .unwrap()
            .value
            .as_deref(),
        Some("AVRO:new")
    );
}

#[tokio::test]
async fn a_hanging_registry_fails_the_fetch_within_the_timeout() {
    let server = TestRegistry::start(kafka_vectors::confluent_registry());
    let (id, _, _) = entry("orders-value");
    server.misbehave("/schemas/ids/", Misbehave::Hang(Duration::from_secs(5)));
    let cache = SchemaCache::new(registry_of(&server)).timeout(Duration::from_millis(200));
    let consumer = KafkaConsumer::new().value(Learning::default());
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("orders", 0, 1).value(confluent(id, b"x")))
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    let started = std::time::Instant::now();
    assert_eq!(cache.prepare(&consumer, &event).await.failed, 1);
    assert!(started.elapsed() < Duration::from_secs(2));
    let err = consumer.records(&event).next().unwrap().unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "topic \"orders\", partition 0, offset 1, value: schema registry: Confluent schema id {id}: the registry did not answer within 200 ms"
        )
    );
    // The invocation's deadline bounds it too.
    let cache = SchemaCache::new(registry_of(&server));
    let deadline = std::time::Instant::now() + Duration::from_millis(100);
    let started = std::time::Instant::now();
    assert_eq!(
        cache
            .prepare_until(&consumer, &event, Some(deadline))
            .await
            .failed,
        1
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn a_ca_file_that_cannot_be_read_or_is_not_pem_is_an_error() {
    let err = ConfluentRegistry::builder()
        .url("https://registry.example")
        .ca_file("/nonexistent/ca.pem")
        .build()
        .unwrap_err();
    assert!(
        err.message()
            .starts_with("cannot read the CA file /nonexistent/ca.pem: "),
        "{err}"
    );
    let path = std::env::temp_dir().join(format!("not-pem-{}.pem", std::process::id()));
    std::fs::write(
        &path,
        b"-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let err = ConfluentRegistry::builder()
        .url("https://registry.example")
        .ca_file(&path)
        .build()
        .unwrap_err();
    let _ = std::fs::remove_file(&path);
    assert!(err.message().contains("is not PEM"), "{err}");
    assert_eq!(
        ConfluentRegistry::builder().build().unwrap_err().message(),
        "no schema registry URL was given"
    );
}
