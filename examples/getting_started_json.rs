//! Getting started with JSON values: declare the fields you need, decode, use them.
//!
//! ```text
//! cargo run --example getting_started_json
//! ```

use lambda_kafka::prelude::*;
use serde::Deserialize;

/// Only the fields this consumer reads; the others in the payload are ignored.
#[derive(Debug, Deserialize)]
struct OrderSummary {
    order_id: String,
    total: f64,
}

fn main() -> Result<(), lambda_kafka::Error> {
    let input = include_str!("events/orders-json.json");

    let consumer = KafkaConsumer::new().value(Json::<OrderSummary>::new());
    let event = KafkaEvent::from_str(input)?;

    let mut revenue = 0.0;
    for record in consumer.records(&event) {
        let record = record?;
        if let Some(order) = record.value {
            println!("order {} for {:.2}", order.order_id, order.total);
            revenue += order.total;
        }
    }
    println!("total {revenue:.2}");
    Ok(())
}
