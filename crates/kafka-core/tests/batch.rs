//! Partial batch responses: exactly the failed records, each once; validation of keys and
//! values with its messages.

use std::collections::BTreeSet;

use kafka_core::testing::{EventBuilder, RecordBuilder};
use kafka_core::{
    BatchItemFailures, CodecExt, ErrorKind, KafkaConsumer, KafkaEvent, Parsed, Part, RecordId, Utf8,
};
use proptest::prelude::*;
use serde_json::{Value, json};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Any batch, any records failing to decode or in the handler: the response lists
    /// exactly those records, each once, and nothing else.
    #[test]
    fn response_lists_exactly_the_failed_records(
        records in proptest::collection::vec((0u8..4, any::<bool>(), any::<bool>()), 0..60),
    ) {
        let mut builder = EventBuilder::msk();
        let mut expected = BTreeSet::new();
        let mut next_offset = [0i64; 4];
        for (partition, undecodable, handler_fails) in &records {
            let p = usize::from(*partition);
            let offset = next_offset[p];
            next_offset[p] += 1;
            let value: &[u8] = match (undecodable, handler_fails) {
                (true, _) => b"not a number",
                (false, true) => b"-1",
                (false, false) => b"1",
            };
            builder = builder.record(RecordBuilder::new("orders", i32::from(*partition), offset).value(value));
            if *undecodable || *handler_fails {
                expected.insert((format!("orders-{partition}"), offset));
            }
        }
        let json = builder.to_json();
        let event = KafkaEvent::from_str(&json).unwrap();
        let consumer = KafkaConsumer::new().value(Parsed::<i64>::new());
        let mut ran = 0;
        let failures = consumer.process(&event, |record| {
            ran += 1;
            if record.value == Some(-1) { Err("refused") } else { Ok(()) }
        });
        let listed: Vec<(String, i64)> = failures
            .iter()
            .map(|f| (f.item_identifier().partition().to_owned(), f.item_identifier().offset()))
            .collect();
        let unique: BTreeSet<_> = listed.iter().cloned().collect();
        prop_assert_eq!(listed.len(), unique.len());
        prop_assert_eq!(unique, expected.clone());
        prop_assert_eq!(ran, records.iter().filter(|(_, undecodable, _)| !undecodable).count());
        // The JSON is exactly Lambda's shape.
        let value: Value = serde_json::to_value(&failures).unwrap();
        let items = value["batchItemFailures"].as_array().unwrap();
        prop_assert_eq!(items.len(), expected.len());
        for item in items {
            prop_assert_eq!(item.as_object().unwrap().len(), 1);
            prop_assert!(item["itemIdentifier"]["partition"].is_string());
            prop_assert!(item["itemIdentifier"]["offset"].is_i64());
        }
    }
}

#[test]
fn an_empty_response_is_an_empty_list() {
    assert_eq!(
        serde_json::to_value(BatchItemFailures::new()).unwrap(),
        json!({"batchItemFailures": []})
    );
    let id = RecordId {
        topic: "t".into(),
        partition: 3,
        offset: 9,
    };
    let mut failures = BatchItemFailures::new();
    failures.push(&id);
    assert_eq!(failures.len(), 1);
    assert_eq!(
        failures
            .iter()
            .next()
            .unwrap()
            .item_identifier()
            .partition(),
        "t-3"
    );
}

/// A positive amount, the domain type of the values.
#[derive(Debug, PartialEq)]
struct Amount(u64);

impl TryFrom<i64> for Amount {
    type Error = String;

    fn try_from(n: i64) -> Result<Self, String> {
        u64::try_from(n)
            .ok()
            .filter(|n| *n > 0)
            .map(Amount)
            .ok_or_else(|| "amount: must be positive".to_owned())
    }
}

#[test]
fn validation_failures_for_key_and_value() {
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("pay", 0, 1).key(b"acct-1").value(b"10"))
        .record(RecordBuilder::new("pay", 0, 2).key(b"x").value(b"10"))
        .record(RecordBuilder::new("pay", 0, 3).key(b"acct-3").value(b"0"))
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    let consumer = KafkaConsumer::new()
        .key(Utf8.parse_with(|k: String| {
            if k.starts_with("acct-") {
                Ok(k)
            } else {
                Err("key: must start with acct-")
            }
        }))
        .value(Parsed::<i64>::new().try_into_type::<Amount>());
    let results: Vec<_> = consumer.records(&event).collect();
    assert_eq!(results[0].as_ref().unwrap().value, Some(Amount(10)));
    let key_err = results[1].as_ref().unwrap_err();
    assert_eq!(key_err.kind(), ErrorKind::Validation);
    assert_eq!(key_err.part(), Some(Part::Key));
    assert_eq!(
        key_err.to_string(),
        "topic \"pay\", partition 0, offset 2, key: rejected by validation: key: must start with acct-"
    );
    let value_err = results[2].as_ref().unwrap_err();
    assert_eq!(value_err.part(), Some(Part::Value));
    assert_eq!(
        value_err.to_string(),
        "topic \"pay\", partition 0, offset 3, value: rejected by validation: amount: must be positive"
    );
    // A value that does not decode at all is a deserialization error, not a rejection.
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("pay", 0, 4).value(b"ten"))
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    assert_eq!(
        consumer.records(&event).next().unwrap().unwrap_err().kind(),
        ErrorKind::Deserialization
    );
}
