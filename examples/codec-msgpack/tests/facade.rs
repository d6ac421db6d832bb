//! The MessagePack codec used through the facade, as a user of a third-party codec crate
//! would: in a consumer, and in a Lambda function.
//!
//! `orders-msgpack.json` holds values written by Python's `msgpack` 1.2.4 (`packb`), two
//! orders, one cut short and one with a byte after the value.

#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a failure is the test failing"
)]

use kafka_msgpack::MsgPack;
use lambda_kafka::runtime::{Context, KafkaService, LambdaEvent, Service as _};
use lambda_kafka::{KafkaConsumer, KafkaEvent};
use serde::Deserialize;

const EVENT: &str = include_str!("orders-msgpack.json");

#[derive(Debug, Deserialize, PartialEq)]
struct Order {
    order_id: String,
    quantity: u32,
    total: f64,
    tags: Vec<String>,
}

#[test]
fn records_decode_through_the_facades_consumer() {
    let consumer = KafkaConsumer::new().value(MsgPack::<Order>::new());
    let event = KafkaEvent::from_str(EVENT).unwrap();
    let results: Vec<_> = consumer.records(&event).collect();
    let first = results[0].as_ref().unwrap();
    assert_eq!(first.key.as_deref(), Some("customer-0"));
    assert_eq!(
        first.value,
        Some(Order {
            order_id: "ORD-1".into(),
            quantity: 3,
            total: 29.97,
            tags: vec!["gift".into()],
        })
    );
    assert_eq!(
        results[1]
            .as_ref()
            .unwrap()
            .value
            .as_ref()
            .unwrap()
            .order_id,
        "ORD-2"
    );
    // Each bad value fails its own record, with its coordinates and no payload bytes.
    let cut = results[2].as_ref().unwrap_err();
    assert_eq!(cut.kind().as_str(), "deserialization");
    assert_eq!(
        cut.to_string(),
        "topic \"orders\", partition 0, offset 2, value: cannot decode: IO error while reading data: unexpected end of file"
    );
    let trailing = results[3].as_ref().unwrap_err();
    assert_eq!(
        trailing.to_string(),
        "topic \"orders\", partition 0, offset 3, value: cannot decode: 1 bytes left after the MessagePack value (48 bytes in all)"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_function_answers_with_the_records_that_did_not_decode() {
    let consumer = KafkaConsumer::new().value(MsgPack::<Order>::new());
    let mut function = KafkaService::per_record(consumer, |record| async move {
        let order = record.value.ok_or("a tombstone")?;
        assert!(order.total > 0.0);
        Ok::<(), &str>(())
    });
    let payload = serde_json::value::RawValue::from_string(EVENT.to_owned()).unwrap();
    let failures = function
        .call(LambdaEvent::new(payload, Context::default()))
        .await
        .unwrap();
    let offsets: Vec<i64> = failures
        .iter()
        .map(|f| f.item_identifier().offset())
        .collect();
    assert_eq!(offsets, [2, 3]);
}
