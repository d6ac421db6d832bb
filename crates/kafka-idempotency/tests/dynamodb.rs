//! The DynamoDB store against a real DynamoDB-compatible server: moto's, started here on
//! loopback (`pip install "moto[server]"`), the table created by the test.
//!
//! Without `moto_server` the test says it was skipped, unless
//! `LAMBDA_KAFKA_MOTO=required` (as `.ci/run` sets).

#![cfg(feature = "dynamodb")]
#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a failure is the test failing"
)]

use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
};
use kafka_idempotency::dynamodb::DynamoDbStore;
use kafka_idempotency::{DataRecord, Idempotency, IdempotencyError, Status, Store};
use kafka_vectors::moto::Moto;

async fn table(endpoint: &str) -> Client {
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "test"))
        .build();
    let client = Client::from_conf(config);
    client
        .create_table()
        .table_name("idempotency")
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("id")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("id")
                .key_type(KeyType::Hash)
                .build()
                .unwrap(),
        )
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .unwrap();
    client
}

const MINUTE: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "current_thread")]
async fn the_rules_hold_on_dynamodb() {
    let Some(moto) = Moto::start("the DynamoDB store") else {
        return;
    };
    let client = table(moto.endpoint()).await;
    let idempotency = Idempotency::new(DynamoDbStore::new(client.clone(), "idempotency"))
        .payload_validation(true);

    // Runs once; the replay returns the stored result.
    let runs = std::cell::Cell::new(0);
    for _ in 0..2 {
        let total: u32 = idempotency
            .run("orders-0-15", Some(b"{}"), MINUTE, || {
                runs.set(runs.get() + 1);
                async { Ok::<u32, String>(42) }
            })
            .await
            .unwrap();
        assert_eq!(total, 42);
    }
    assert_eq!(runs.get(), 1);
    // Stored with Powertools' attribute names.
    let item = client
        .get_item()
        .table_name("idempotency")
        .key(
            "id",
            aws_sdk_dynamodb::types::AttributeValue::S("orders-0-15".into()),
        )
        .send()
        .await
        .unwrap();
    let item = item.item().unwrap();
    assert_eq!(item["status"].as_s().unwrap(), "COMPLETED");
    assert_eq!(item["data"].as_s().unwrap(), "42");
    assert!(item["expiration"].as_n().unwrap().parse::<i64>().unwrap() > 1_700_000_000);
    assert!(item.contains_key("validation"));

    // Another payload under the same key.
    let err = idempotency
        .run("orders-0-15", Some(b"[]"), MINUTE, || async {
            Ok::<u32, String>(1)
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, IdempotencyError::PayloadMismatch { .. }),
        "{err}"
    );

    // A handler error deletes the entry; the retry runs.
    let err = idempotency
        .run("orders-0-16", None, MINUTE, || async {
            Err::<u32, _>("down")
        })
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "down");
    assert_eq!(
        idempotency
            .run("orders-0-16", None, MINUTE, || async { Ok::<u32, &str>(2) })
            .await
            .unwrap(),
        2
    );

    // In progress elsewhere, live: an error; expired: runs.
    let store = idempotency.store();
    let now_ms = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap();
    let held = |until: i64| DataRecord {
        id: "orders-0-17".into(),
        status: Status::InProgress,
        expiration: now_ms / 1000 + 3600,
        in_progress_expiration: Some(until),
        data: None,
        validation: None,
    };
    store.save(held(now_ms + 60_000)).await.unwrap();
    let err = idempotency
        .run("orders-0-17", None, MINUTE, || async {
            Ok::<u32, String>(3)
        })
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "idempotency key orders-0-17 is already in progress"
    );
    store.save(held(now_ms - 1)).await.unwrap();
    assert_eq!(
        idempotency
            .run("orders-0-17", None, MINUTE, || async {
                Ok::<u32, String>(3)
            })
            .await
            .unwrap(),
        3
    );
}
