//! Decoded records: coordinates, headers, originals, iteration flat and by partition.

use std::time::{Duration, SystemTime};

use kafka_core::testing::{EventBuilder, RecordBuilder};
use kafka_core::{Bytes, KafkaConsumer, KafkaEvent, Parsed, TimestampType};

fn sample() -> String {
    EventBuilder::msk()
        .record(
            RecordBuilder::new("orders", 0, 15)
                .timestamp(1_545_084_650_987)
                .key(b"42")
                .value(b"first")
                .header("traceparent", b"00-abc")
                .header("retry", b"1")
                .header("retry", [0xff, 0x00])
                .null_header("empty"),
        )
        .record(RecordBuilder::new("orders", 1, 3).key(b"7").tombstone())
        .record(
            RecordBuilder::new("orders", 0, 16)
                .null_key()
                .value(b"third"),
        )
        .to_json()
}

#[test]
fn coordinates_timestamp_and_metadata() {
    let json = sample();
    let event = KafkaEvent::from_str(&json).unwrap();
    let consumer = KafkaConsumer::new().key(Parsed::<i64>::new());
    let records = consumer.decode_all(&event).unwrap();

    let first = &records[0];
    assert_eq!(
        (first.topic(), first.partition(), first.offset()),
        ("orders", 0, 15)
    );
    assert_eq!(first.timestamp(), 1_545_084_650_987);
    assert_eq!(
        first.system_time(),
        Some(SystemTime::UNIX_EPOCH + Duration::from_millis(1_545_084_650_987))
    );
    assert_eq!(first.timestamp_type(), Some(&TimestampType::CreateTime));
    assert_eq!(first.key, Some(42));
    assert_eq!(first.value.as_deref(), Some("first"));
    assert_eq!(first.original_key().as_base64(), Some("NDI="));
    assert_eq!(first.original_value().as_base64(), Some("Zmlyc3Q="));
    assert_eq!(first.idempotency_key(), "orders-0-15");
    assert_eq!(first.topic_partition(), "orders-0");
    assert_eq!(
        first.id().to_string(),
        "topic \"orders\", partition 0, offset 15"
    );
}

#[test]
fn header_lookup_first_and_all() {
    let json = sample();
    let event = KafkaEvent::from_str(&json).unwrap();
    let records = KafkaConsumer::new().decode_all(&event).unwrap();
    let headers = records[0].headers();
    assert_eq!(headers.get_str("traceparent"), Some("00-abc"));
    assert_eq!(headers.get("retry"), Some(&b"1"[..]));
    assert_eq!(
        headers.get_all("retry").collect::<Vec<_>>(),
        [Some(&b"1"[..]), Some(&[0xff, 0x00][..])]
    );
    // Not UTF-8: no text, but the bytes are there.
    assert_eq!(
        headers.get_all_str("retry").collect::<Vec<_>>(),
        [Some("1"), None]
    );
    assert_eq!(headers.first("empty").unwrap().value(), None);
    assert_eq!(headers.get("absent"), None);
    assert!(records[2].headers().is_empty());
}

#[test]
fn tombstones_and_missing_keys_are_none() {
    let json = sample();
    let event = KafkaEvent::from_str(&json).unwrap();
    let records = KafkaConsumer::new().decode_all(&event).unwrap();
    // Event order: orders-0 (offsets 15, 16), then orders-1.
    assert_eq!(records[1].key, None);
    assert_eq!(records[1].value.as_deref(), Some("third"));
    assert_eq!(records[2].key.as_deref(), Some("7"));
    assert_eq!(records[2].value, None);
}

#[test]
fn negative_timestamps_convert_to_system_time() {
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("t", 0, 0).timestamp(-1_000))
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    let record = KafkaConsumer::new().decode_all(&event).unwrap().remove(0);
    assert_eq!(
        record.system_time(),
        Some(SystemTime::UNIX_EPOCH - Duration::from_secs(1))
    );
}

#[test]
fn grouped_by_topic_partition_in_event_order() {
    let json = sample();
    let event = KafkaEvent::from_str(&json).unwrap();
    let consumer = KafkaConsumer::new();
    let groups: Vec<(String, Vec<i64>)> = consumer
        .partitions(&event)
        .map(|(name, records)| {
            (
                name.to_owned(),
                records.map(|r| r.unwrap().offset()).collect(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        [
            ("orders-0".to_owned(), vec![15, 16]),
            ("orders-1".to_owned(), vec![3])
        ]
    );
    // Flat iteration follows the same order and knows its length.
    let flat = consumer.records(&event);
    assert_eq!(flat.len(), 3);
    let offsets: Vec<_> = flat.map(|r| r.unwrap().offset()).collect();
    assert_eq!(offsets, [15, 16, 3]);
}

#[test]
fn bytes_codec_and_owned_records() {
    let owned = {
        let json = EventBuilder::msk()
            .record(
                RecordBuilder::new("bin", 0, 0)
                    .value([0u8, 159, 146, 150])
                    .header("h", b"v"),
            )
            .to_json();
        let event = KafkaEvent::from_str(&json).unwrap();
        let consumer = KafkaConsumer::new().value(Bytes);
        consumer.decode_all(&event).unwrap().remove(0).into_owned()
    };
    assert_eq!(owned.value.as_deref(), Some(&[0u8, 159, 146, 150][..]));
    assert_eq!(owned.headers().get_str("h"), Some("v"));
    assert_eq!(owned.topic(), "bin");
}

#[test]
fn map_value_keeps_the_record() {
    let json = sample();
    let event = KafkaEvent::from_str(&json).unwrap();
    let record = KafkaConsumer::new().decode_all(&event).unwrap().remove(0);
    let mapped = record.map_value(|v| v.len());
    assert_eq!(mapped.value, Some(5));
    assert_eq!(mapped.offset(), 15);
}

#[test]
fn built_events_round_trip_through_json_value() {
    let builder = EventBuilder::self_managed()
        .bootstrap_servers("kafka:9092")
        .record(RecordBuilder::new("t", 2, 9).key(b"").value(b"v"));
    let value = builder.to_value();
    assert_eq!(value["eventSource"], "SelfManagedKafka");
    assert!(value.get("eventSourceArn").is_none());
    assert_eq!(value["records"]["t-2"][0]["key"], "");
    let event = KafkaEvent::from_value(&value).unwrap();
    assert_eq!(event, builder.build());
}
