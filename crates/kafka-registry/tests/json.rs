//! JSON payloads checked against the JSON Schema the registry holds for their id, on the
//! records confluent-kafka's JSONSerializer wrote, against the test registry.

#![cfg(feature = "confluent")]
#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a failure is the test failing"
)]

mod common;

use common::cache;

use kafka_core::testing::vectors::check_records;
use kafka_core::testing::wire::confluent;
use kafka_core::testing::{EventBuilder, RecordBuilder};
use kafka_core::{ErrorKind, KafkaConsumer, KafkaEvent};
use kafka_json::JsonValue;
use kafka_vectors::registry::TestRegistry;
use serde_json::json;

#[tokio::test]
async fn payloads_matching_the_registrys_json_schema_decode_and_others_fail_alone() {
    let server = TestRegistry::start(kafka_vectors::confluent_registry());
    let schemas = cache(&server);
    let consumer = KafkaConsumer::new().value(JsonValue::new().validate_with_registry());
    let (input, expected) = kafka_vectors::vector("json_confluent_ids");
    let event = KafkaEvent::from_slice(&input).unwrap();
    assert_eq!(schemas.prepare(&consumer, &event).await.learned, 2);
    let records: Vec<_> = consumer.records(&event).collect();
    check_records(&records, &expected).unwrap();

    // An order whose total is text: the record fails, naming where, not what.
    let id = kafka_vectors::registered("orders-json-value")["id"]
        .as_u64()
        .unwrap();
    let id = u32::try_from(id).unwrap();
    let mut order = expected["records"][0]["value"].clone();
    order["total"] = json!("SECRET-TOTAL");
    let json = EventBuilder::msk()
        .record(
            RecordBuilder::new("orders-json", 0, 1)
                .value(confluent(id, order.to_string().as_bytes())),
        )
        .record(RecordBuilder::new("orders-json", 0, 2).value(b"{\"free\": 1}"))
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    schemas.prepare(&consumer, &event).await;
    let results: Vec<_> = consumer.records(&event).collect();
    let err = results[0].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Deserialization);
    assert!(
        err.to_string().ends_with(&format!(
            "does not match the registry's JSON Schema of Confluent schema id {id}: at \"/total\", the schema's \"type\" fails"
        )),
        "{err}"
    );
    assert!(!err.to_string().contains("SECRET"));
    // A payload that names no id is not checked.
    assert_eq!(results[1].as_ref().unwrap().value, Some(json!({"free": 1})));

    // Lent records are checked as owned ones are, before the borrowing type reads them.
    let mut lent = Vec::new();
    let failures = consumer.lend(&event, |record| {
        let value = record.value::<std::collections::BTreeMap<&str, i64>>();
        lent.push(
            value
                .map(|map| map.and_then(|m| m.get("free").copied()))
                .map_err(|e| e.to_string()),
        );
        Ok::<(), ()>(())
    });
    assert!(failures.is_empty());
    assert_eq!(lent[0].as_ref().unwrap_err(), &err.to_string());
    assert_eq!(lent[1], Ok(Some(1)));
}
