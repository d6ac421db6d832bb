//! Validation of decoded JSON with `garde` and `validator`: rejections are that record's
//! output-serializer error, with the rules' messages and without the values.

use kafka_core::testing::{EventBuilder, RecordBuilder};
use kafka_core::{CodecExt, ErrorKind, KafkaConsumer, KafkaEvent, Part};
use kafka_json::Json;
use serde::Deserialize;

#[derive(Debug, Deserialize, garde::Validate)]
struct GardeOrder {
    #[garde(length(min = 3))]
    id: String,
    #[garde(range(min = 1, max = 100))]
    quantity: u32,
}

#[derive(Debug, Deserialize, validator::Validate)]
struct ValidatorOrder {
    #[validate(length(min = 3, message = "an order id has at least 3 characters"))]
    id: String,
    #[validate(range(min = 1, max = 100))]
    quantity: u32,
}

fn event() -> String {
    EventBuilder::msk()
        .record(
            RecordBuilder::new("orders", 0, 1)
                .key(br#"{"id":"ORD-1","quantity":1}"#)
                .value(br#"{"id":"ORD-1","quantity":5}"#),
        )
        .record(
            RecordBuilder::new("orders", 0, 2)
                .key(br#"{"id":"ORD-2","quantity":1}"#)
                .value(br#"{"id":"O2","quantity":500}"#),
        )
        .record(
            RecordBuilder::new("orders", 0, 3)
                .key(br#"{"id":"K","quantity":1}"#)
                .value(br#"{"id":"ORD-3","quantity":5}"#),
        )
        .to_json()
}

#[test]
fn garde_rejections_for_key_and_value() {
    let json = event();
    let event = KafkaEvent::from_str(&json).unwrap();
    let consumer = KafkaConsumer::new()
        .key(Json::<GardeOrder>::new().garde())
        .value(Json::<GardeOrder>::new().garde());
    let results: Vec<_> = consumer.records(&event).collect();
    assert_eq!(
        results[0]
            .as_ref()
            .unwrap()
            .value
            .as_ref()
            .unwrap()
            .quantity,
        5
    );
    let value = results[1].as_ref().unwrap_err();
    assert_eq!(value.kind(), ErrorKind::Validation);
    assert_eq!(value.part(), Some(Part::Value));
    assert_eq!(
        value.to_string(),
        "topic \"orders\", partition 0, offset 2, value: rejected by validation: id: length is lower than 3; quantity: greater than 100"
    );
    let key = results[2].as_ref().unwrap_err();
    assert_eq!(key.part(), Some(Part::Key));
    assert_eq!(
        key.to_string(),
        "topic \"orders\", partition 0, offset 3, key: rejected by validation: id: length is lower than 3"
    );
}

#[test]
fn validator_rejections_for_key_and_value() {
    let json = event();
    let event = KafkaEvent::from_str(&json).unwrap();
    let consumer = KafkaConsumer::new()
        .key(Json::<ValidatorOrder>::new().validator())
        .value(Json::<ValidatorOrder>::new().validator());
    let results: Vec<_> = consumer.records(&event).collect();
    assert!(results[0].is_ok());
    assert_eq!(
        results[1].as_ref().unwrap_err().to_string(),
        "topic \"orders\", partition 0, offset 2, value: rejected by validation: id: an order id has at least 3 characters; quantity: range"
    );
    assert_eq!(
        results[2].as_ref().unwrap_err().to_string(),
        "topic \"orders\", partition 0, offset 3, key: rejected by validation: id: an order id has at least 3 characters"
    );
}
