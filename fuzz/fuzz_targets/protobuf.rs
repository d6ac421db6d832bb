//! The Protobuf codecs with the vectors' `order.proto`, on arbitrary payloads: prost types
//! and the dynamic codecs (message by name, by Confluent path, by Glue index), under every
//! wire format, with and without schema-registry metadata.
//!
//! The first byte picks the wire format and the metadata; the rest is the value.

#![no_main]

use std::sync::LazyLock;

use kafka_core::testing::RecordBuilder;
use kafka_core::{DataFormat, KafkaConsumer, Part, SchemaId, WireFormat};
use kafka_protobuf::Proto;
use kafka_protobuf::dynamic::ProtoSchema;
use lambda_kafka_bench::{order_proto_path, proto};
use libfuzzer_sys::fuzz_target;

static BY_NAME: LazyLock<ProtoSchema> = LazyLock::new(|| {
    let path = order_proto_path();
    let dir = path.parent().expect("a folder").to_owned();
    ProtoSchema::from_files(&[path], &[dir])
        .expect("order.proto compiles")
        .message("orders.v1.Order")
        .expect("the message exists")
});

static BY_FRAMING: LazyLock<ProtoSchema> = LazyLock::new(|| {
    let path = order_proto_path();
    let dir = path.parent().expect("a folder").to_owned();
    ProtoSchema::from_files(&[path], &[dir]).expect("order.proto compiles")
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
            SchemaId::from_metadata("5a4b1e2c-0d3f-4a5b-8c7d-9e0f1a2b3c4d").expect("a UUID")
        } else {
            SchemaId::Confluent(1)
        };
        record = record.esm(Part::Value, DataFormat::Protobuf, id);
    }
    let raw = record.build();
    let prost = KafkaConsumer::new()
        .value(Proto::<proto::Order>::new())
        .wire_format(wire_format);
    let _ = prost.decode_record(&raw);
    for schema in [&*BY_NAME, &*BY_FRAMING] {
        let dynamic = KafkaConsumer::new()
            .value(schema.dynamic())
            .wire_format(wire_format);
        let _ = dynamic.decode_record(&raw);
        let json = KafkaConsumer::new()
            .value(schema.json())
            .wire_format(wire_format);
        if let Ok(decoded) = json.decode_record(&raw) {
            let _ = serde_json::to_vec(&decoded.value).expect("a decoded value serializes");
        }
    }
});
