//! The idempotency rules, each with its own test, over the in-memory store.

#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a failure is the test failing"
)]

use std::cell::Cell;
use std::time::Duration;

use kafka_idempotency::{DataRecord, Idempotency, IdempotencyError, InMemoryStore, Status, Store};

const MINUTE: Duration = Duration::from_secs(60);

fn now_ms() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn a_completed_key_returns_its_result_without_running() {
    let idempotency = Idempotency::new(InMemoryStore::new());
    let runs = Cell::new(0);
    for _ in 0..3 {
        let result: Vec<String> = idempotency
            .run("orders-0-15", None, MINUTE, || {
                runs.set(runs.get() + 1);
                async { Ok::<_, String>(vec!["charged".to_owned()]) }
            })
            .await
            .unwrap();
        assert_eq!(result, ["charged"]);
    }
    assert_eq!(runs.get(), 1);
    let stored = idempotency.store().get("orders-0-15").unwrap();
    assert_eq!(stored.status, Status::Completed);
    assert_eq!(stored.status.as_str(), "COMPLETED");
    assert_eq!(stored.data.as_deref(), Some(r#"["charged"]"#));
    assert_eq!(stored.in_progress_expiration, None);
    // Expires an hour from now (epoch seconds).
    let in_an_hour = now_ms() / 1000 + 3600;
    assert!(
        (in_an_hour - 2..=in_an_hour).contains(&stored.expiration),
        "{}",
        stored.expiration
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_live_in_progress_key_is_an_error_and_an_expired_one_runs() {
    let store = InMemoryStore::new();
    let now = now_ms();
    let in_progress = |until: i64| DataRecord {
        id: "k".into(),
        status: Status::InProgress,
        expiration: now / 1000 + 3600,
        in_progress_expiration: Some(until),
        data: None,
        validation: None,
    };
    store.save(in_progress(now + 60_000)).await.unwrap();
    let idempotency = Idempotency::new(store);
    let err = idempotency
        .run("k", None, MINUTE, || async { Ok::<u8, String>(1) })
        .await
        .unwrap_err();
    assert!(matches!(err, IdempotencyError::AlreadyInProgress { .. }));
    assert_eq!(err.to_string(), "idempotency key k is already in progress");

    // The invocation that held it timed out: its entry expired, the record runs.
    idempotency
        .store()
        .save(in_progress(now - 1))
        .await
        .unwrap();
    let value = idempotency
        .run("k", None, MINUTE, || async { Ok::<u8, String>(7) })
        .await
        .unwrap();
    assert_eq!(value, 7);
}

#[tokio::test(flavor = "current_thread")]
async fn a_handler_error_deletes_the_entry_so_a_retry_runs() {
    let idempotency = Idempotency::new(InMemoryStore::new());
    let err = idempotency
        .run("k", None, MINUTE, || async {
            Err::<u8, _>("payment gateway down")
        })
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "payment gateway down");
    assert_eq!(idempotency.store().get("k"), None);
    let value = idempotency
        .run("k", None, MINUTE, || async { Ok::<u8, &str>(3) })
        .await
        .unwrap();
    assert_eq!(value, 3);
}

#[tokio::test(flavor = "current_thread")]
async fn a_completed_entry_expires_after_its_ttl() {
    let idempotency = Idempotency::new(InMemoryStore::new()).ttl(Duration::ZERO);
    let runs = Cell::new(0);
    for _ in 0..2 {
        idempotency
            .run("k", None, MINUTE, || {
                runs.set(runs.get() + 1);
                async { Ok::<u8, String>(1) }
            })
            .await
            .unwrap();
    }
    assert_eq!(runs.get(), 2);
}

#[tokio::test(flavor = "current_thread")]
async fn the_same_key_with_another_payload_is_an_error() {
    let idempotency = Idempotency::new(InMemoryStore::new()).payload_validation(true);
    idempotency
        .run("order-7", Some(b"{\"total\":10}"), MINUTE, || async {
            Ok::<u8, String>(1)
        })
        .await
        .unwrap();
    let same = idempotency
        .run("order-7", Some(b"{\"total\":10}"), MINUTE, || async {
            Ok::<u8, String>(2)
        })
        .await
        .unwrap();
    assert_eq!(same, 1);
    let err = idempotency
        .run("order-7", Some(b"{\"total\":99}"), MINUTE, || async {
            Ok::<u8, String>(3)
        })
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "idempotency key order-7 was used with another payload"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_stored_result_of_another_type_is_an_error() {
    let idempotency = Idempotency::new(InMemoryStore::new());
    idempotency
        .run("k", None, MINUTE, || async {
            Ok::<String, String>("text".to_owned())
        })
        .await
        .unwrap();
    let err = idempotency
        .run("k", None, MINUTE, || async { Ok::<u32, String>(1) })
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("idempotency key k: the result cannot be stored or read back: "),
        "{err}"
    );
}

/// Counts the store calls of an in-memory store.
#[derive(Default)]
struct Counting {
    inner: InMemoryStore,
    calls: std::sync::atomic::AtomicUsize,
}

impl Store for Counting {
    async fn put_if_absent(
        &self,
        record: DataRecord,
        now_ms: i64,
    ) -> Result<Option<DataRecord>, kafka_idempotency::StoreError> {
        self.calls
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.inner.put_if_absent(record, now_ms).await
    }

    async fn save(&self, record: DataRecord) -> Result<(), kafka_idempotency::StoreError> {
        self.calls
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.inner.save(record).await
    }

    async fn delete(&self, id: &str) -> Result<(), kafka_idempotency::StoreError> {
        self.calls
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.inner.delete(id).await
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_local_cache_answers_warm_replays_without_the_store() {
    let idempotency = Idempotency::new(Counting::default()).local_cache(true);
    for _ in 0..3 {
        let n: u8 = idempotency
            .run("k", None, MINUTE, || async { Ok::<u8, String>(5) })
            .await
            .unwrap();
        assert_eq!(n, 5);
    }
    // One put (in progress) and one save (completed); the replays hit the cache.
    assert_eq!(
        idempotency
            .store()
            .calls
            .load(std::sync::atomic::Ordering::Relaxed),
        2
    );
    let uncached = Idempotency::new(Counting::default());
    for _ in 0..3 {
        uncached
            .run("k", None, MINUTE, || async { Ok::<u8, String>(5) })
            .await
            .unwrap();
    }
    assert_eq!(
        uncached
            .store()
            .calls
            .load(std::sync::atomic::Ordering::Relaxed),
        4
    );
}

#[tokio::test(flavor = "current_thread")]
async fn records_run_under_their_coordinates_and_original_value() {
    use kafka_core::testing::{EventBuilder, RecordBuilder};
    use kafka_core::{KafkaConsumer, KafkaEvent};

    let first = EventBuilder::msk()
        .record(RecordBuilder::new("orders", 2, 9).value(b"10"))
        .to_json();
    let changed = EventBuilder::msk()
        .record(RecordBuilder::new("orders", 2, 9).value(b"99"))
        .to_json();
    let idempotency = Idempotency::new(InMemoryStore::new()).payload_validation(true);
    let consumer = KafkaConsumer::new();
    let event = KafkaEvent::from_str(&first).unwrap();
    let record = consumer.decode_all(&event).unwrap().remove(0);
    let n: u8 = idempotency
        .run_record(&record, MINUTE, || async { Ok::<u8, String>(1) })
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(
        idempotency.store().get("orders-2-9").unwrap().status,
        Status::Completed
    );
    let event = KafkaEvent::from_str(&changed).unwrap();
    let record = consumer.decode_all(&event).unwrap().remove(0);
    let err = idempotency
        .run_record(&record, MINUTE, || async { Ok::<u8, String>(2) })
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "idempotency key orders-2-9 was used with another payload"
    );
}
