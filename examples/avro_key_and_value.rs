//! Avro keys and Avro values, each with its own schema: the key into a typed struct, the
//! value into JSON.
//!
//! ```text
//! cargo run --example avro_key_and_value --features avro
//! ```

use lambda_kafka::prelude::*;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct OrderKey {
    order_id: String,
    region: String,
}

fn main() -> Result<(), lambda_kafka::Error> {
    let input = include_str!("events/orders-avro-keyed.json");

    let keys = AvroSchemas::builder()
        .schema(include_str!("schemas/order_key.avsc"))
        .build()?;
    let values = AvroSchemas::builder()
        .schema(include_str!("schemas/order.avsc"))
        .build()?;
    let consumer = KafkaConsumer::new()
        .key(keys.typed::<OrderKey>())
        .value(values.json());

    let event = KafkaEvent::from_str(input)?;
    for record in consumer.records(&event) {
        let record = record?;
        let key = record.key.as_ref().map_or_else(
            || "(no key)".to_owned(),
            |k| format!("{} in {}", k.order_id, k.region),
        );
        let value = record.value.unwrap_or_default();
        println!("{key}: status {} total {}", value["status"], value["total"]);
    }
    Ok(())
}
