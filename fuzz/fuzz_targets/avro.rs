//! The Avro codecs (typed `Order`, generic, JSON) with the vectors' `order.avsc`, on
//! arbitrary payloads, under every wire format; schema id 1 and one Glue version are known.
//!
//! The first byte picks the wire format and the metadata; the rest is the value.

#![no_main]

use std::sync::LazyLock;

use kafka_avro::{AvroSchemas, SchemaStore};
use kafka_core::testing::RecordBuilder;
use kafka_core::{DataFormat, KafkaConsumer, Part, SchemaId, WireFormat};
use lambda_kafka_bench::{AvroOrder, ORDER_AVSC};
use libfuzzer_sys::fuzz_target;

const GLUE_VERSION: &str = "5a4b1e2c-0d3f-4a5b-8c7d-9e0f1a2b3c4d";

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
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let wire_format = [
        WireFormat::Auto,
        WireFormat::Plain,
        WireFormat::Confluent,
        WireFormat::Glue,
    ][usize::from(selector & 3)];
    let mut record = RecordBuilder::new("orders", 0, 7).value(bytes);
    if selector & 4 != 0 {
        let id = if selector & 8 != 0 {
            SchemaId::from_metadata(GLUE_VERSION).expect("a UUID")
        } else {
            SchemaId::Confluent(1)
        };
        record = record.esm(Part::Value, DataFormat::Avro, id);
    }
    let raw = record.build();
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
