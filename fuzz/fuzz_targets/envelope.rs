//! The event envelope on arbitrary bytes: parsing, grouping, and decoding every record's
//! key and value as bytes and as text, lazily, by partition and under `process`.

#![no_main]

use kafka_core::{Bytes, KafkaConsumer, KafkaEvent, Utf8};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(event) = KafkaEvent::from_slice(data) else {
        return;
    };
    let count = event.record_count();
    let bytes = KafkaConsumer::new().key(Bytes).value(Bytes);
    assert_eq!(bytes.records(&event).count(), count);
    let text = KafkaConsumer::new().key(Utf8).value(Utf8);
    let mut seen = 0;
    for (_, group) in text.partitions(&event) {
        for record in group {
            seen += 1;
            if let Ok(record) = record {
                let _ = record.headers().get_str("x");
            }
        }
    }
    assert_eq!(seen, count);
    let failures = text.process(&event, |_| Ok::<(), ()>(()));
    assert!(failures.len() <= count);
    let _ = event.into_owned();
});
