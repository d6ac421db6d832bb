//! The function as a `tower::Service`, called as the runtime calls it: decoding a batch,
//! per-record handling with partial batch responses, batch handlers, registries, and
//! diagnostics.

#![cfg(all(feature = "runtime", feature = "testing", feature = "json"))]
#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a failure is the test failing"
)]

use std::sync::{Arc, Mutex};

use lambda_kafka::json::Json;
use lambda_kafka::runtime::{
    ConsumerRecords, Context, Diagnostic, KafkaService, LambdaEvent, Service as _,
};
use lambda_kafka::testing::{EventBuilder, RecordBuilder};
use lambda_kafka::{
    BatchItemFailures, KafkaConsumer,
    codec::{Codec, Parsed},
};
use serde_json::json;
use serde_json::value::RawValue;

/// One invocation of `service` with the event `json`, as the runtime makes it.
async fn invoke<K: Codec + 'static, V: Codec + 'static, R: 'static>(
    service: &KafkaService<K, V, R>,
    json: &str,
) -> Result<R, Diagnostic>
where
    K::Output: Send,
    V::Output: Send,
{
    let payload = RawValue::from_string(json.to_owned()).unwrap();
    service
        .clone()
        .call(LambdaEvent::new(payload, Context::default()))
        .await
}

fn listed(failures: &BatchItemFailures) -> Vec<(String, i64)> {
    failures
        .iter()
        .map(|f| {
            (
                f.item_identifier().partition().to_owned(),
                f.item_identifier().offset(),
            )
        })
        .collect()
}

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
    let offset = |r: &Result<lambda_kafka::ConsumerRecord<'static, String, i64>, _>| {
        r.as_ref().map_or_else(
            |e: &lambda_kafka::RecordError| e.record().offset,
            lambda_kafka::ConsumerRecord::offset,
        )
    };
    let groups: Vec<(&str, Vec<i64>)> = records
        .partitions()
        .map(|(name, members)| (name, members.iter().map(offset).collect()))
        .collect();
    assert_eq!(
        groups,
        [("orders-0", vec![1, 2, 3]), ("orders-1", vec![1, 2])]
    );
    // Flat, the records come in event order.
    let flat: Vec<i64> = records.iter().map(offset).collect();
    assert_eq!(flat, [1, 2, 3, 1, 2]);
    let err = ConsumerRecords::decode(&consumer, r#"{"Records":[]}"#).unwrap_err();
    assert_eq!(err.kind().as_str(), "invalid-event");
    assert_eq!(
        err.to_string(),
        "not a Lambda Kafka event: missing field `records` at line 1 column 14"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn an_event_that_is_not_a_kafka_event_fails_the_invocation_with_its_kind() {
    let service = KafkaService::per_record(KafkaConsumer::new(), |_| async { Ok::<(), &str>(()) });
    let err = invoke(&service, r#"{"Records":[]}"#).await.unwrap_err();
    assert_eq!(err.error_type, "invalid-event");
    assert_eq!(
        err.error_message,
        "not a Lambda Kafka event: missing field `records` at line 1 column 14"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn per_record_handling_reports_exactly_the_failures_in_order() {
    for concurrent in [false, true] {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let seen_by_handler = Arc::clone(&seen);
        let consumer = KafkaConsumer::new().value(Parsed::<i64>::new());
        let service = KafkaService::per_record(consumer, move |record| {
            seen_by_handler
                .lock()
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
        })
        .concurrent_partitions(concurrent);
        let failures = invoke(&service, &batch()).await.unwrap();
        assert_eq!(
            serde_json::to_value(&failures).unwrap(),
            json!({"batchItemFailures": [
                {"itemIdentifier": {"partition": "orders-0", "offset": 2}},
                {"itemIdentifier": {"partition": "orders-1", "offset": 1}}
            ]}),
            "concurrent: {concurrent}"
        );
        let seen = seen.lock().unwrap().clone();
        // The record that did not decode never reached the handler.
        assert_eq!(seen.len(), 4);
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
    use lambda_kafka::codec::CodecExt as _;
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
    let event = lambda_kafka::KafkaEvent::from_str(&json).unwrap();
    let err = consumer.records(&event).nth(1).unwrap().unwrap_err();
    assert_eq!(err.kind().as_str(), "output-serializer");
    let service = KafkaService::per_record(consumer, |_| async { Ok::<(), &str>(()) });
    let failures = invoke(&service, &json).await.unwrap();
    assert_eq!(listed(&failures), [("orders-0".to_owned(), 2)]);
}

#[tokio::test(flavor = "current_thread")]
async fn fail_whole_batch_turns_failures_into_a_failed_invocation() {
    let service = |whole: bool| {
        let consumer = KafkaConsumer::new().value(Parsed::<i64>::new());
        KafkaService::per_record(consumer, |record| {
            let negative = record.value == Some(-1);
            async move { if negative { Err("negative") } else { Ok(()) } }
        })
        .fail_whole_batch(whole)
    };
    let partial = invoke(&service(false), &batch()).await.unwrap();
    assert_eq!(partial.len(), 2);
    let err = invoke(&service(true), &batch()).await.unwrap_err();
    assert_eq!(err.error_type, "record-failures");
    assert_eq!(err.error_message, "2 records of the batch failed");

    // With nothing failing, even fail_whole_batch answers with an empty response.
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("orders", 0, 1).value(b"1"))
        .to_json();
    assert!(invoke(&service(true), &json).await.unwrap().is_empty());
}

#[tokio::test(flavor = "current_thread")]
async fn a_batch_handler_gets_the_batch_and_the_context_and_answers_anything_serializable() {
    let consumer = KafkaConsumer::new().value(Parsed::<i64>::new());
    let service = KafkaService::batch(consumer, |records, context: Context| async move {
        if records.is_empty() {
            return Err(Diagnostic {
                error_type: "empty".to_owned(),
                error_message: "no records".to_owned(),
            });
        }
        let sum: i64 = records.iter().filter_map(|r| r.as_ref().ok()?.value).sum();
        Ok(json!({"sum": sum, "request": context.request_id, "records": records.len()}))
    });
    let answer = invoke(&service, &batch()).await.unwrap();
    assert_eq!(answer, json!({"sum": 9, "request": "", "records": 5}));
    let empty = EventBuilder::msk().to_json();
    let err = invoke(&service, &empty).await.unwrap_err();
    assert_eq!(
        (err.error_type.as_str(), err.error_message.as_str()),
        ("empty", "no records")
    );
}

#[tokio::test(flavor = "current_thread")]
async fn the_service_composes_with_tower_middleware() {
    use lambda_runtime::tower::{ServiceBuilder, ServiceExt as _};
    let consumer = KafkaConsumer::new().value(Parsed::<i64>::new());
    let kafka = KafkaService::per_record(consumer, |_| async { Ok::<(), &str>(()) });
    let calls = Arc::new(Mutex::new(0));
    let counted = Arc::clone(&calls);
    let service = ServiceBuilder::new()
        .map_request(move |event: LambdaEvent<Box<RawValue>>| {
            *counted.lock().unwrap() += 1;
            event
        })
        .map_response(|failures: BatchItemFailures| failures.len())
        .service(kafka.clone());
    let payload = RawValue::from_string(batch()).unwrap();
    let failed = service
        .oneshot(LambdaEvent::new(payload, Context::default()))
        .await
        .unwrap();
    assert_eq!(failed, 1, "the record that does not decode");
    assert_eq!(*calls.lock().unwrap(), 1);
    // And with lambda_runtime's own layers: this compiles (it is not run, for want of a
    // Runtime API; the end-to-end tests of examples/kafka-function run one).
    #[allow(dead_code, reason = "a check that it compiles")]
    fn with_runtime_layers<R: serde::Serialize + 'static>(
        kafka: KafkaService<lambda_kafka::codec::Utf8, Parsed<i64>, R>,
    ) -> impl std::future::Future<Output = Result<(), lambda_kafka::runtime::Error>> {
        lambda_runtime::Runtime::new(kafka)
            .layer(lambda_runtime::layers::TracingLayer::new())
            .run()
    }
    drop(kafka);
}

/// Counts records in flight, overall and per partition, while a handler waits.
#[derive(Default)]
struct InFlight {
    counts: Mutex<Counts>,
}

#[derive(Default)]
struct Counts {
    now: usize,
    most: usize,
    per_partition: std::collections::HashMap<i32, (usize, usize)>,
}

impl InFlight {
    async fn around(&self, partition: i32) {
        {
            let mut c = self.counts.lock().unwrap();
            c.now += 1;
            c.most = c.most.max(c.now);
            let (now, most) = c.per_partition.entry(partition).or_default();
            *now += 1;
            *most = (*most).max(*now);
        }
        // Give the other futures their turn while this record is in flight.
        for _ in 0..3 {
            tokio::task::yield_now().await;
        }
        let mut c = self.counts.lock().unwrap();
        c.now -= 1;
        c.per_partition.get_mut(&partition).expect("entered").0 -= 1;
    }

    fn most(&self) -> usize {
        self.counts.lock().unwrap().most
    }

    fn most_in_one_partition(&self) -> usize {
        let c = self.counts.lock().unwrap();
        c.per_partition
            .values()
            .map(|(_, most)| *most)
            .max()
            .unwrap_or(0)
    }
}

#[tokio::test(flavor = "current_thread")]
async fn concurrent_partitions_overlap_and_records_of_one_partition_never_do() {
    for concurrent in [true, false] {
        let flight = Arc::new(InFlight::default());
        let in_handler = Arc::clone(&flight);
        let consumer = KafkaConsumer::new().value(Parsed::<i64>::new());
        let service = KafkaService::per_record(consumer, move |record| {
            let flight = Arc::clone(&in_handler);
            async move {
                flight.around(record.partition()).await;
                Ok::<(), &str>(())
            }
        })
        .concurrent_partitions(concurrent);
        invoke(&service, &batch()).await.unwrap();
        assert_eq!(
            flight.most_in_one_partition(),
            1,
            "two records of one partition overlapped (concurrent: {concurrent})"
        );
        if concurrent {
            assert_eq!(flight.most(), 2, "the two partitions did not run at once");
        } else {
            assert_eq!(flight.most(), 1, "partitions overlapped without the option");
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
        let service = KafkaService::per_record(consumer, |record| {
            let refused = record.value == Some(-1);
            async move { if refused { Err("refused") } else { Ok(()) } }
        })
        .concurrent_partitions(concurrent);
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let failures = runtime.block_on(invoke(&service, &builder.to_json())).unwrap();
        let listed = listed(&failures);
        let unique: std::collections::BTreeSet<_> = listed.iter().cloned().collect();
        proptest::prop_assert_eq!(listed.len(), unique.len());
        proptest::prop_assert_eq!(unique, expected);
    }
}

#[cfg(feature = "idempotency")]
#[tokio::test(flavor = "current_thread")]
async fn replays_are_skipped_and_in_progress_records_land_in_the_response() {
    use lambda_kafka::idempotency::{DataRecord, Idempotency, InMemoryStore, Status, Store};

    let idempotency = Arc::new(Idempotency::new(InMemoryStore::new()));
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
    let charged = Arc::new(Mutex::new(Vec::new()));
    let consumer = KafkaConsumer::new().value(Parsed::<i64>::new());
    let (store, ledger) = (Arc::clone(&idempotency), Arc::clone(&charged));
    let service = KafkaService::per_record(consumer, move |record| {
        let key = record.idempotency_key();
        let amount = record.value.unwrap_or_default();
        let (idempotency, charged) = (Arc::clone(&store), Arc::clone(&ledger));
        async move {
            idempotency
                .run(&key, None, std::time::Duration::from_secs(60), || async {
                    charged.lock().unwrap().push(amount);
                    Ok::<i64, String>(amount)
                })
                .await
                .map(|_| ())
        }
    });
    for _replay in 0..2 {
        let failures = invoke(&service, &json).await.unwrap();
        assert_eq!(
            serde_json::to_value(&failures).unwrap(),
            json!({"batchItemFailures": [{"itemIdentifier": {"partition": "orders-0", "offset": 3}}]})
        );
    }
    // Each record charged once across the replay; the one in progress elsewhere not at all.
    assert_eq!(*charged.lock().unwrap(), [10, 20]);
}

#[cfg(all(feature = "avro", feature = "registry"))]
#[tokio::test(flavor = "current_thread")]
async fn with_a_registry_each_batch_is_prepared_before_it_is_decoded() {
    use futures_util::future::BoxFuture;
    use lambda_kafka::avro::AvroSchemas;
    use lambda_kafka::registry::{
        RegisteredSchema, RegistryError, SchemaCache, SchemaId, SchemaRegistry,
    };
    use lambda_kafka::testing::wire::confluent;
    use lambda_kafka::{codec::DataFormat, event::WireFormat};

    /// A registry holding one schema, id 7, `"long"`; counts its fetches.
    struct OneSchema(Arc<Mutex<usize>>);
    impl SchemaRegistry for OneSchema {
        fn serves(&self, _: &SchemaId) -> bool {
            true
        }
        fn fetch<'a>(
            &'a self,
            id: &'a SchemaId,
        ) -> BoxFuture<'a, Result<RegisteredSchema, RegistryError>> {
            *self.0.lock().unwrap() += 1;
            Box::pin(async move {
                match id {
                    SchemaId::Confluent(7) => {
                        Ok(RegisteredSchema::new(DataFormat::Avro, "\"long\""))
                    }
                    other => Err(RegistryError::new(format!("schema {other} not found"))),
                }
            })
        }
    }

    // 21 and -1 as Avro longs (zigzag varints), framed with ids 7 and 8.
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("orders", 0, 1).value(confluent(7, &[42])))
        .record(RecordBuilder::new("orders", 0, 2).value(confluent(8, &[1])))
        .to_json();
    let fetches = Arc::new(Mutex::new(0));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let service = |registry: bool| {
        let consumer = KafkaConsumer::new()
            .value(
                AvroSchemas::builder()
                    .learn_from_registry(true)
                    .build()
                    .unwrap()
                    .json(),
            )
            .value_wire_format(WireFormat::Confluent);
        let seen = Arc::clone(&seen);
        let service = KafkaService::per_record(consumer, move |record| {
            seen.lock().unwrap().push(record.value.clone());
            async { Ok::<(), &str>(()) }
        });
        // The one call that differs between a function with a registry and one without.
        if registry {
            service.registry(SchemaCache::new(OneSchema(Arc::clone(&fetches))))
        } else {
            service
        }
    };
    // Without the registry, neither record can be decoded.
    let failures = invoke(&service(false), &json).await.unwrap();
    assert_eq!(listed(&failures).len(), 2);
    assert_eq!(*fetches.lock().unwrap(), 0);
    // With it, the record whose schema the registry has decodes; the other fails alone.
    let failures = invoke(&service(true), &json).await.unwrap();
    assert_eq!(listed(&failures), [("orders-0".to_owned(), 2)]);
    assert_eq!(*seen.lock().unwrap(), [Some(json!(21))]);
    assert_eq!(*fetches.lock().unwrap(), 2);
}
