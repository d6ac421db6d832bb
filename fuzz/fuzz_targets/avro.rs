//! The Avro codecs (typed `Order`, generic, JSON) with the vectors' `order.avsc`, on
//! arbitrary payloads, under every wire format; schema id 1 and one Glue version are known.
//!
//! The first byte picks the wire format and the metadata; the rest is the value.

#![no_main]

use std::sync::LazyLock;

use kafka_avro::{AvroSchemas, SchemaStore};
use kafka_core::{DataFormat, KafkaConsumer, SchemaId};
use lambda_kafka_bench::{AvroOrder, ORDER_AVSC};
use lambda_kafka_fuzz::{GLUE_VERSION, raw, split, wire_format};
use libfuzzer_sys::fuzz_target;

static SCHEMAS: LazyLock<AvroSchemas> = LazyLock::new(|| {
    let glue: SchemaId = SchemaId::from_metadata(GLUE_VERSION).expect("a UUID");
    AvroSchemas::builder()
        .schema(ORDER_AVSC)
        .store(
            SchemaStore::new()
                .with_schema(SchemaId::Confluent(1), ORDER_AVSC)
                .with_schema(glue, ORDER_AVSC),
        )
        .max_allocation_bytes(1 << 20)
        .build()
        .expect("order.avsc parses")
});

fuzz_target!(|data: &[u8]| {
    let Some((selector, bytes)) = split(data) else {
        return;
    };
    let wire_format = wire_format(selector);
    let raw = raw(selector, bytes, DataFormat::Avro);
    let typed = KafkaConsumer::new()
        .value(SCHEMAS.typed::<AvroOrder>())
        .wire_format(wire_format);
    let typed_ok = typed.decode_record(&raw).is_ok();
    let generic = KafkaConsumer::new()
        .value(SCHEMAS.generic())
        .wire_format(wire_format);
    let generic_ok = generic.decode_record(&raw).is_ok();
    let json = KafkaConsumer::new()
        .value(SCHEMAS.json())
        .wire_format(wire_format);
    let json_ok = json.decode_record(&raw).is_ok();
    // The three readings of one datum agree on whether it is valid.
    assert_eq!(generic_ok, json_ok);
    if typed_ok {
        assert!(generic_ok);
    }
});
