//! The runtime helpers without a runtime: decoding a batch, per-record processing with
//! partial batch responses, and diagnostics.

#![cfg(all(feature = "runtime", feature = "testing", feature = "json"))]

use std::sync::Mutex;

use lambda_kafka::json::Json;
use lambda_kafka::runtime::{ConsumerRecords, Failure, PerRecord, diagnostic, process};
use lambda_kafka::testing::{EventBuilder, RecordBuilder};
use lambda_kafka::{KafkaConsumer, KafkaEvent, Parsed};
use serde_json::json;

fn batch() -> String {
    EventBuilder::msk()
        .record(RecordBuilder::new("orders", 0, 1).value(b"1"))
        .record(RecordBuilder::new("orders", 1, 1).value(b"-1"))
        .record(RecordBuilder::new("orders", 0, 2).value(b"two"))
        .record(RecordBuilder::new("orders", 1, 2).value(b"4"))
        .record(RecordBuilder::new("orders", 0, 3).value(b"5"))
        .to_json()
}

#[test]
fn decode_keeps_the_event_facts_and_groups() {
    let consumer = KafkaConsumer::new().value(Parsed::<i64>::new());
    let records = ConsumerRecords::decode(&consumer, &batch()).unwrap();
    assert_eq!(records.source(), Some("aws:kafka"));
    assert!(records.source_arn().is_some());
    assert!(records.bootstrap_servers().is_some());
    assert_eq!(records.len(), 5);
    let groups: Vec<(&str, Vec<i64>)> = records
        .partitions()
        .map(|(name, members)| {
            let offsets = members
                .iter()
                .map(|r| {
                    r.as_ref()
                        .map_or_else(|e| e.record().offset, lambda_kafka::ConsumerRecord::offset)
                })
                .collect();
            (name, offsets)
        })
        .collect();
    assert_eq!(
        groups,
        [("orders-0", vec![1, 2, 3]), ("orders-1", vec![1, 2])]
    );
    // Flat, the records come in event order.
    let flat: Vec<i64> = records
        .iter()
        .map(|r| {
            r.as_ref()
                .map_or_else(|e| e.record().offset, |r| r.offset())
        })
        .collect();
    assert_eq!(flat, [1, 2, 3, 1, 2]);
    let err = ConsumerRecords::decode(&consumer, r#"{"Records":[]}"#).unwrap_err();
    assert_eq!(diagnostic(&err).error_type, "invalid-event");
    assert_eq!(
        diagnostic(&err).error_message,
        "not a Lambda Kafka event: missing field `records` at line 1 column 14"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn per_record_processing_reports_exactly_the_failures_in_order() {
    let consumer = KafkaConsumer::new().value(Parsed::<i64>::new());
    for concurrent in [false, true] {
        let seen = Mutex::new(Vec::new());
        let records = ConsumerRecords::decode(&consumer, &batch()).unwrap();
        let outcome = process(
            records,
            PerRecord::new().concurrent_partitions(concurrent),
            |record| {
                seen.lock()
                    .unwrap()
                    .push((record.partition(), record.offset()));
                let value = record.value;
                async move {
                    if value == Some(-1) {
                        Err("negative")
                    } else {
                        Ok(())
                    }
                }
            },
        )
        .await;
        assert_eq!(
            serde_json::to_value(outcome.failures()).unwrap(),
            json!({"batchItemFailures": [
                {"itemIdentifier": {"partition": "orders-0", "offset": 2}},
                {"itemIdentifier": {"partition": "orders-1", "offset": 1}}
            ]}),
            "concurrent: {concurrent}"
        );
        // Why each failed: a decode error with its kind, and the handler's message.
        let why: Vec<String> = outcome
            .failed()
            .iter()
            .map(|f| match &f.failure {
                Failure::Decode(e) => format!("{} {}", f.record.offset, e.kind()),
                Failure::Handler(message) => format!("{} {message}", f.record.offset),
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(why, ["2 deserialization", "1 negative"]);
        let seen = seen.into_inner().unwrap();
        for partition in [0, 1] {
            let offsets: Vec<i64> = seen
                .iter()
                .filter(|(p, _)| *p == partition)
                .map(|(_, o)| *o)
                .collect();
            let mut sorted = offsets.clone();
            sorted.sort_unstable();
            assert_eq!(
                offsets, sorted,
                "records of partition {partition} ran in order"
            );
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn validation_rejections_land_in_the_response() {
    #[derive(Debug, serde::Deserialize)]
    struct Order {
        quantity: u32,
    }
    use lambda_kafka::CodecExt as _;
    let consumer = KafkaConsumer::new().value(Json::<Order>::new().parse_with(|o: Order| {
        if o.quantity == 0 {
            Err("quantity: must be positive")
        } else {
            Ok(o)
        }
    }));
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("orders", 0, 1).value(br#"{"quantity":1}"#))
        .record(RecordBuilder::new("orders", 0, 2).value(br#"{"quantity":0}"#))
        .to_json();
    let records = ConsumerRecords::decode(&consumer, &json).unwrap();
    let outcome = process(records, PerRecord::new(), |_| async { Ok::<(), &str>(()) }).await;
    let failures = outcome.failures();
    assert_eq!(failures.len(), 1);
    assert_eq!(
        failures.iter().next().unwrap().item_identifier().offset(),
        2
    );
    let event = KafkaEvent::from_str(&json).unwrap();
    let err = consumer.records(&event).nth(1).unwrap().unwrap_err();
    assert_eq!(
        diagnostic(&lambda_kafka::Error::from(err)).error_type,
        "output-serializer"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn the_response_is_a_value_and_fail_whole_batch_turns_failures_into_an_error() {
    let consumer = KafkaConsumer::new().value(Parsed::<i64>::new());
    let run = |options: PerRecord| {
        let records = ConsumerRecords::decode(&consumer, &batch()).unwrap();
        process(records, options, |record| {
            let negative = record.value == Some(-1);
            async move { if negative { Err("negative") } else { Ok(()) } }
        })
    };
    let partial = run(PerRecord::new())
        .await
        .response(PerRecord::new())
        .unwrap();
    assert_eq!(partial.len(), 2);
    let whole = PerRecord::new().fail_whole_batch(true);
    let err = run(whole).await.response(whole).unwrap_err();
    assert_eq!(err.error_type, "record-failures");
    assert_eq!(err.error_message, "2 records of the batch failed");

    // With nothing failing, even fail_whole_batch answers with an empty response.
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("orders", 0, 1).value(b"1"))
        .to_json();
    let records = ConsumerRecords::decode(&consumer, &json).unwrap();
    let outcome = process(records, whole, |_| async { Ok::<(), &str>(()) }).await;
    assert!(outcome.failed().is_empty());
    assert!(outcome.response(whole).unwrap().is_empty());
}

/// Counts records in flight, overall and per partition, while a handler waits.
#[derive(Default)]
struct InFlight {
    now: std::cell::Cell<usize>,
    most: std::cell::Cell<usize>,
    per_partition: std::cell::RefCell<std::collections::HashMap<i32, (usize, usize)>>,
}

impl InFlight {
    async fn around(&self, partition: i32) {
        self.now.set(self.now.get() + 1);
        self.most.set(self.most.get().max(self.now.get()));
        {
            let mut map = self.per_partition.borrow_mut();
            let (now, most) = map.entry(partition).or_default();
            *now += 1;
            *most = (*most).max(*now);
        }
        // Give the other futures their turn while this record is in flight.
        for _ in 0..3 {
            tokio::task::yield_now().await;
        }
        self.now.set(self.now.get() - 1);
        self.per_partition
            .borrow_mut()
            .get_mut(&partition)
            .expect("entered")
            .0 -= 1;
    }

    fn most_in_one_partition(&self) -> usize {
        self.per_partition
            .borrow()
            .values()
            .map(|(_, most)| *most)
            .max()
            .unwrap_or(0)
    }
}

#[tokio::test(flavor = "current_thread")]
async fn concurrent_partitions_overlap_and_records_of_one_partition_never_do() {
    let consumer = KafkaConsumer::new().value(Parsed::<i64>::new());
    for concurrent in [true, false] {
        let flight = InFlight::default();
        let records = ConsumerRecords::decode(&consumer, &batch()).unwrap();
        let flight_ref = &flight;
        process(
            records,
            PerRecord::new().concurrent_partitions(concurrent),
            |record| async move {
                flight_ref.around(record.partition()).await;
                Ok::<(), &str>(())
            },
        )
        .await;
        assert_eq!(
            flight.most_in_one_partition(),
            1,
            "two records of one partition overlapped (concurrent: {concurrent})"
        );
        if concurrent {
            assert_eq!(
                flight.most.get(),
                2,
                "the two partitions did not run at once"
            );
        } else {
            assert_eq!(
                flight.most.get(),
                1,
                "partitions overlapped without the option"
            );
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Any batch, any records failing to decode or in the handler, partitions run one after
    /// another or concurrently: the response lists exactly those records, each once.
    #[test]
    fn runtime_response_lists_exactly_the_failed_records(
        records in proptest::collection::vec((0u8..4, proptest::prelude::any::<bool>(), proptest::prelude::any::<bool>()), 0..40),
        concurrent in proptest::prelude::any::<bool>(),
    ) {
        let mut builder = EventBuilder::msk();
        let mut expected = std::collections::BTreeSet::new();
        let mut next = [0i64; 4];
        for (partition, undecodable, refused) in &records {
            let offset = next[usize::from(*partition)];
            next[usize::from(*partition)] += 1;
            let value: &[u8] = if *undecodable { b"x" } else if *refused { b"-1" } else { b"1" };
            builder = builder.record(RecordBuilder::new("t", i32::from(*partition), offset).value(value));
            if *undecodable || *refused {
                expected.insert((format!("t-{partition}"), offset));
            }
        }
        let consumer = KafkaConsumer::new().value(Parsed::<i64>::new());
        let batch = ConsumerRecords::decode(&consumer, &builder.to_json()).unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let outcome = runtime.block_on(process(batch, PerRecord::new().concurrent_partitions(concurrent), |record| {
            let refused = record.value == Some(-1);
            async move { if refused { Err("refused") } else { Ok(()) } }
        }));
        let failures = outcome.failures();
        let listed: Vec<(String, i64)> = failures
            .iter()
            .map(|f| (f.item_identifier().partition().to_owned(), f.item_identifier().offset()))
            .collect();
        let unique: std::collections::BTreeSet<_> = listed.iter().cloned().collect();
        proptest::prop_assert_eq!(listed.len(), unique.len());
        proptest::prop_assert_eq!(unique, expected);
    }
}

#[cfg(feature = "idempotency")]
#[tokio::test(flavor = "current_thread")]
async fn replays_are_skipped_and_in_progress_records_land_in_the_response() {
    use lambda_kafka::idempotency::{DataRecord, Idempotency, InMemoryStore, Status, Store};

    let idempotency = Idempotency::new(InMemoryStore::new());
    // Another invocation holds orders-0-3.
    let far = i64::MAX / 2;
    idempotency
        .store()
        .save(DataRecord {
            id: "orders-0-3".into(),
            status: Status::InProgress,
            expiration: far / 1000,
            in_progress_expiration: Some(far),
            data: None,
            validation: None,
        })
        .await
        .unwrap();
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("orders", 0, 1).value(b"10"))
        .record(RecordBuilder::new("orders", 0, 2).value(b"20"))
        .record(RecordBuilder::new("orders", 0, 3).value(b"30"))
        .to_json();
    let consumer = KafkaConsumer::new().value(Parsed::<i64>::new());
    let charged = Mutex::new(Vec::new());
    for _replay in 0..2 {
        let records = ConsumerRecords::decode(&consumer, &json).unwrap();
        let outcome = process(records, PerRecord::new(), |record| {
            let key = record.idempotency_key();
            let amount = record.value.unwrap_or_default();
            let (idempotency, charged) = (&idempotency, &charged);
            async move {
                idempotency
                    .run(&key, None, std::time::Duration::from_secs(60), || async {
                        charged.lock().unwrap().push(amount);
                        Ok::<i64, String>(amount)
                    })
                    .await
                    .map(|_| ())
            }
        })
        .await;
        assert_eq!(
            serde_json::to_value(outcome.failures()).unwrap(),
            json!({"batchItemFailures": [{"itemIdentifier": {"partition": "orders-0", "offset": 3}}]})
        );
    }
    // Each record charged once across the replay; the one in progress elsewhere not at all.
    assert_eq!(charged.into_inner().unwrap(), [10, 20]);
}
