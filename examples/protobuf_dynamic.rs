//! Decode a captured event with nothing but its `.proto`: the file is compiled at run time
//! (no `protoc`), and each payload's Confluent message-index path picks its message.
//!
//! ```text
//! cargo run --example protobuf_dynamic --features protobuf-dynamic [EVENT] [PROTO]
//! ```

use std::path::PathBuf;

use lambda_kafka::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let examples = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut args = std::env::args().skip(1);
    let event = args.next().map_or_else(
        || examples.join("events/orders-protobuf-confluent.json"),
        PathBuf::from,
    );
    let proto = args
        .next()
        .map_or_else(|| examples.join("schemas/order.proto"), PathBuf::from);
    let include = proto.parent().map(PathBuf::from).unwrap_or_default();

    // No message named: the path in front of each payload ([0] here) says which one it is.
    let schema = ProtoSchema::from_files(&[&proto], &[&include])?;
    let consumer = KafkaConsumer::new().value(schema.json());

    let input = std::fs::read(&event)?;
    let event = KafkaEvent::from_slice(&input)?;
    for record in consumer.records(&event) {
        let record = record?;
        let framing = record.value_framing().map(|f| {
            format!(
                "{} id {}, path {:?}",
                f.wire_format(),
                f.schema_id().map(ToString::to_string).unwrap_or_default(),
                f.message_indexes()
                    .map(|m| m.as_slice().to_vec())
                    .unwrap_or_default()
            )
        });
        println!(
            "{} [{}] {}",
            record.offset(),
            framing.unwrap_or_default(),
            record.value.unwrap_or_default()
        );
    }
    Ok(())
}
