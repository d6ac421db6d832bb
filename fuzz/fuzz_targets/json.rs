//! The JSON codec on arbitrary payloads, typed (`Order`) and untyped, under every wire
//! format, with and without schema-registry metadata.
//!
//! The first byte picks the wire format and the metadata; the rest is the value.

#![no_main]

use kafka_core::{DataFormat, KafkaConsumer, Utf8};
use kafka_json::Json;
use lambda_kafka_bench::Order;
use lambda_kafka_fuzz::{record, split, wire_format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((selector, bytes)) = split(data) else {
        return;
    };
    let wire_format = wire_format(selector);
    let raw = record(selector, bytes, DataFormat::Json).key(bytes).build();
    let typed = KafkaConsumer::new()
        .key(Utf8)
        .value(Json::<Order>::new())
        .wire_format(wire_format);
    let _ = typed.decode_record(&raw);
    let untyped = KafkaConsumer::new()
        .key(Json::<serde_json::Value>::new())
        .value(Json::<serde_json::Value>::new())
        .wire_format(wire_format);
    if let Ok(decoded) = untyped.decode_record(&raw) {
        // What decodes must also serialize back.
        let _ = serde_json::to_vec(&decoded.value).expect("a decoded value serializes");
    }
});
