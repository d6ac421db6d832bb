//! JSON keys and JSON values, each decoded into its own type.
//!
//! ```text
//! cargo run --example key_and_value
//! ```

use lambda_kafka::prelude::*;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct CustomerKey {
    customer_id: u64,
    region: String,
}

#[derive(Debug, Deserialize)]
struct Order {
    order_id: String,
    total: f64,
    quantity: u32,
}

fn main() -> Result<(), lambda_kafka::Error> {
    let input = include_str!("events/orders-json-keys.json");

    let consumer = KafkaConsumer::new()
        .key(Json::<CustomerKey>::new())
        .value(Json::<Order>::new());
    let event = KafkaEvent::from_str(input)?;

    for record in consumer.decode_all(&event)? {
        let (Some(key), Some(order)) = (&record.key, &record.value) else {
            continue;
        };
        println!(
            "customer {} ({}) ordered {} x{} for {:.2}",
            key.customer_id, key.region, order.order_id, order.quantity, order.total
        );
    }
    Ok(())
}
