//! The mapping's bookkeeping, case by case.

use super::*;

fn limits() -> Limits {
    Limits {
        batch_size: 100,
        max_bytes: 1000,
        max_retries: Some(2),
        max_age: None,
        bisect: false,
    }
}

fn record(topic: &str, partition: i32, offset: i64) -> Stored {
    Stored {
        topic: topic.into(),
        partition,
        offset,
        timestamp: Some(1000 + offset),
        json: format!("{{\"offset\":{offset}}}"),
        attempts: 0,
    }
}

fn filled(limits: Limits, records: &[(&str, i32, i64)]) -> Mapping {
    let mut mapping = Mapping::new(limits);
    for (t, p, o) in records {
        mapping.push(record(t, *p, *o));
    }
    mapping
}

fn offsets(batch: &Batch) -> Vec<(String, i64)> {
    batch
        .records
        .iter()
        .map(|r| (name(&r.topic, r.partition), r.offset))
        .collect()
}

fn commits(mapping: &Mapping) -> Vec<(String, i64)> {
    mapping
        .to_commit()
        .into_iter()
        .map(|(t, p, o)| (name(&t, p), o))
        .collect()
}

fn later(now: Instant) -> Instant {
    now + MAX_BACKOFF
}

#[test]
fn a_batch_groups_partitions_in_offset_order_up_to_the_batch_size() {
    let limits = Limits {
        batch_size: 3,
        ..limits()
    };
    let mut mapping = filled(
        limits,
        &[("a", 0, 5), ("b", 1, 9), ("a", 0, 6), ("b", 1, 10)],
    );
    let now = Instant::now();
    let batch = mapping.next_batch(now);
    assert_eq!(
        offsets(&batch),
        [("a-0".into(), 5), ("a-0".into(), 6), ("b-1".into(), 9)]
    );
    assert!(mapping.full(now));
    mapping.settle(batch, &Outcome::Success, now);
    assert_eq!(commits(&mapping), [("a-0".into(), 7), ("b-1".into(), 10)]);
    assert_eq!(offsets(&mapping.next_batch(now)), [("b-1".into(), 10)]);
}

#[test]
fn a_batch_stops_before_the_payload_limit() {
    let limits = Limits {
        max_bytes: 45,
        ..limits()
    };
    // Each record is 12 bytes of JSON and a comma, its group `"a-0":[`...`],` at most
    // 17: two take 43 bytes, three 56.
    let mut mapping = filled(limits, &[("a", 0, 1), ("a", 0, 2)]);
    let now = Instant::now();
    assert_eq!(mapping.ready(now), (2, 43));
    assert!(!mapping.full(now));
    mapping.push(record("a", 0, 3));
    assert_eq!(mapping.ready(now), (3, 56));
    assert!(mapping.full(now));
    assert_eq!(mapping.next_batch(now).records.len(), 2);
}

#[test]
fn nothing_is_committed_past_a_failed_record() {
    let mut mapping = filled(
        limits(),
        &[("a", 0, 1), ("a", 0, 2), ("a", 0, 3), ("b", 0, 7)],
    );
    let now = Instant::now();
    let batch = mapping.next_batch(now);
    let outcome = Outcome::Partial(vec![("a-0".into(), 2)]);
    assert!(mapping.settle(batch, &outcome, now).is_empty());
    // a-0: 1 was processed, 2 failed, 3 was processed: the commit stops at 2.
    assert_eq!(commits(&mapping), [("a-0".into(), 2), ("b-0".into(), 8)]);
    let committed = mapping.to_commit();
    mapping.committed(&committed);
    assert!(mapping.to_commit().is_empty());
    // The failed partition waits out its backoff; then only the failed record is
    // retried.
    assert!(mapping.next_batch(now).is_empty());
    assert_eq!(mapping.next_retry(), Some(now + FIRST_BACKOFF));
    let retry = mapping.next_batch(later(now));
    assert_eq!(offsets(&retry), [("a-0".into(), 2)]);
    assert_eq!(retry.records[0].attempts, 2);
    mapping.settle(retry, &Outcome::Success, later(now));
    assert_eq!(commits(&mapping), [("a-0".into(), 4)]);
    assert!(mapping.is_idle());
}

#[test]
fn a_failed_invocation_retries_the_whole_batch_then_discards_it() {
    let mut mapping = filled(limits(), &[("a", 0, 1), ("b", 0, 1)]);
    let mut now = Instant::now();
    for attempt in 1..=3 {
        let batch = mapping.next_batch(now);
        assert_eq!(batch.records.len(), 2, "attempt {attempt}");
        assert!(batch.records.iter().all(|r| r.attempts == attempt));
        let discarded = mapping.settle(batch, &Outcome::Failed, now);
        if attempt < 3 {
            assert!(discarded.is_empty());
            assert_eq!(commits(&mapping), [("a-0".into(), 1), ("b-0".into(), 1)]);
        } else {
            // Two retries after the first attempt: the third failure gives up.
            assert_eq!(discarded.len(), 1);
            assert_eq!(discarded[0].condition, Condition::RetryAttemptsExhausted);
            assert_eq!(discarded[0].records.len(), 2);
        }
        now = later(now);
    }
    assert_eq!(commits(&mapping), [("a-0".into(), 2), ("b-0".into(), 2)]);
}

#[test]
fn backoff_doubles_and_is_bounded() {
    let mut mapping = filled(
        Limits {
            max_retries: None,
            ..limits()
        },
        &[("a", 0, 1)],
    );
    let mut now = Instant::now();
    let mut pauses = Vec::new();
    for _ in 0..8 {
        let batch = mapping.next_batch(now);
        assert_eq!(batch.records.len(), 1);
        assert!(mapping.settle(batch, &Outcome::Failed, now).is_empty());
        let at = mapping.next_retry().expect("a retry");
        pauses.push((at - now).as_millis());
        now = at;
    }
    assert_eq!(pauses, [100, 200, 400, 800, 1600, 3200, 5000, 5000]);
}

#[test]
fn old_and_oversized_records_are_discarded_before_a_batch() {
    let limits = Limits {
        max_age: Some(Duration::from_secs(1)),
        // A 12-byte record takes 30 bytes with its comma and group: it fits; 30 bytes
        // of record do not.
        max_bytes: 45,
        ..limits()
    };
    let mut mapping = Mapping::new(limits);
    let mut old = record("a", 0, 1);
    old.timestamp = Some(0);
    mapping.push(old);
    let mut large = record("a", 0, 2);
    large.json = "x".repeat(30);
    mapping.push(large);
    mapping.push(record("a", 0, 3));
    let discarded = mapping.discard_unsendable(Instant::now(), 2000);
    let summary: Vec<_> = discarded
        .iter()
        .map(|d| {
            (
                d.condition,
                d.records.iter().map(|r| r.offset).collect::<Vec<_>>(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (Condition::RecordAgeExceeded, vec![1]),
            (Condition::MaximumPayloadSizeExceeded, vec![2])
        ]
    );
    assert_eq!(commits(&mapping), [("a-0".into(), 3)]);
}

#[test]
fn refetched_records_are_not_delivered_twice() {
    let mut mapping = filled(limits(), &[("a", 0, 1), ("a", 0, 2), ("a", 0, 1)]);
    assert_eq!(mapping.waiting("a", 0), 2);
    mapping.revoke("a", 0);
    assert_eq!(mapping.waiting("a", 0), 0);
    assert!(mapping.to_commit().is_empty());
}

#[test]
fn no_event_is_larger_than_the_limit() {
    use super::super::envelope::Source;
    let source = Source {
        event_source: "aws:kafka",
        arn: Some("arn:aws:kafka:us-east-1:000000000000:cluster/c/1".into()),
        bootstrap_servers: "b-1:9092".into(),
    };
    let limits = Limits {
        max_bytes: 2000,
        ..limits()
    };
    let mut mapping = Mapping::new(limits);
    for partition in 0..40 {
        let topic = format!("orders-with-a-long-name-{partition}");
        for offset in 0..5 {
            let mut r = record(&topic, partition * 100_000, offset);
            r.json = "y".repeat(usize::try_from(offset * 37 + 3).expect("size"));
            mapping.push(r);
        }
    }
    let now = Instant::now();
    let mut sent = 0;
    while !mapping.is_idle() {
        let batch = mapping.next_batch(now);
        assert!(!batch.is_empty());
        let event = source.event(&batch.records);
        assert!(
            event.len() <= source.overhead() + 2000,
            "{} bytes",
            event.len()
        );
        sent += batch.records.len();
        mapping.settle(batch, &Outcome::Success, now);
    }
    assert_eq!(sent, 200);
}

#[test]
fn a_filtered_record_is_committed_once_the_records_before_it_are_settled() {
    let now = Instant::now();
    let mut mapping = filled(limits(), &[("t", 0, 10)]);
    mapping.skip(&Arc::from("t"), 0, 11);
    mapping.push(record("t", 0, 12));
    mapping.skip(&Arc::from("t"), 0, 13);
    // Nothing settled yet: the commit stays before 10.
    assert_eq!(commits(&mapping), [("t-0".to_owned(), 10)]);
    let batch = mapping.next_batch(now);
    assert_eq!(
        offsets(&batch),
        [("t-0".to_owned(), 10), ("t-0".to_owned(), 12)]
    );
    assert!(mapping.settle(batch, &Outcome::Success, now).is_empty());
    // Both delivered records done: past the filtered ones too.
    assert_eq!(commits(&mapping), [("t-0".to_owned(), 14)]);
    // A partition whose records are all filtered commits past them.
    mapping.skip(&Arc::from("u"), 1, 5);
    assert!(mapping.is_idle());
    assert!(commits(&mapping).contains(&("u-1".to_owned(), 6)));
}

/// Runs every batch to its end, the function failing any batch that holds `poison`;
/// returns the sizes of the invocations and what was discarded.
fn bisected(records: usize, poison: i64, max_retries: u32) -> (Vec<usize>, Vec<i64>) {
    let limits = Limits {
        batch_size: records,
        max_bytes: usize::MAX,
        max_retries: Some(max_retries),
        bisect: true,
        ..limits()
    };
    let count = i64::try_from(records).expect("a count");
    let offsets: Vec<(&str, i32, i64)> = (0..count).map(|o| ("t", 0, o)).collect();
    let mut mapping = filled(limits, &offsets);
    let mut now = Instant::now();
    let (mut sizes, mut discarded) = (Vec::new(), Vec::new());
    while !mapping.is_idle() {
        now = later(now);
        let batch = mapping.next_batch(now);
        sizes.push(batch.records.len());
        let outcome = if batch.records.iter().any(|r| r.offset == poison) {
            Outcome::Failed
        } else {
            Outcome::Success
        };
        for gone in mapping.settle(batch, &outcome, now) {
            assert_eq!(gone.condition, Condition::RetryAttemptsExhausted);
            discarded.extend(gone.records.iter().map(|r| r.offset));
        }
        assert!(sizes.len() < 100, "bisection does not end: {sizes:?}");
    }
    (sizes, discarded)
}

#[test]
fn bisection_isolates_a_poison_record_before_retries_count() {
    // 64 records: the whole batch, then each half of each level once (6 levels), the
    // poison record's own attempt last: 1 + 2 * 6 = 13 invocations.
    // Offsets 0-31 succeed; 32-63 fail; 32-47; 32-39; 32-35 succeed; 36-39 fail; 36-37;
    // 36 succeeds; 37 fails alone and is discarded; then 38-39, 40-47, 48-63 succeed.
    let (sizes, discarded) = bisected(64, 37, 0);
    assert_eq!(sizes, [64, 32, 32, 16, 8, 4, 4, 2, 1, 1, 2, 8, 16]);
    assert_eq!(discarded, [37]);
    // Two retries: the lone poison record is tried twice more, alone.
    let (sizes, discarded) = bisected(64, 37, 2);
    assert_eq!(sizes.len(), 15, "{sizes:?}");
    assert_eq!(sizes.iter().filter(|s| **s == 1).count(), 4, "{sizes:?}");
    assert_eq!(discarded, [37]);
    // Every other record was delivered in a batch that succeeded.
    let (sizes, _) = bisected(5, 0, 0);
    assert_eq!(sizes, [5, 3, 2, 1, 1, 1, 2], "{sizes:?}");
}
