//! The Protobuf codecs with the vectors' `order.proto`, on arbitrary payloads: prost types
//! and the dynamic codecs (message by name, by Confluent path, by Glue index), under every
//! wire format, with and without schema-registry metadata.
//!
//! The first byte picks the wire format and the metadata; the rest is the value.

#![no_main]

use std::sync::LazyLock;

use kafka_core::{DataFormat, KafkaConsumer};
use kafka_protobuf::Proto;
use kafka_protobuf::dynamic::ProtoSchema;
use lambda_kafka_bench::{order_proto_path, proto};
use lambda_kafka_fuzz::{raw, split, wire_format};
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
    let Some((selector, bytes)) = split(data) else {
        return;
    };
    let wire_format = wire_format(selector);
    let raw = raw(selector, bytes, DataFormat::Protobuf);
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
