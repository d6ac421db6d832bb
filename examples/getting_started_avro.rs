//! Getting started with Avro values: parse the schema once, decode each value into your
//! own type.
//!
//! ```text
//! cargo run --example getting_started_avro --features avro
//! ```

use lambda_kafka::prelude::*;
use serde::Deserialize;

/// The fields this consumer needs of `examples/schemas/order.avsc`; the others are
/// skipped. Rust names need not match the schema's record names.
#[derive(Debug, Deserialize)]
struct OrderSummary {
    order_id: String,
    total: f64,
    status: String,
    note: Option<String>,
}

fn main() -> Result<(), lambda_kafka::Error> {
    let input = include_str!("events/orders-avro.json");

    // At cold start: the schema is parsed here, once.
    let schemas = AvroSchemas::builder()
        .schema(include_str!("schemas/order.avsc"))
        .build()?;
    let consumer = KafkaConsumer::new().value(schemas.typed::<OrderSummary>());

    let event = KafkaEvent::from_str(input)?;
    for record in consumer.records(&event) {
        let record = record?;
        if let Some(order) = record.value {
            println!(
                "{} {} {:.2}{}",
                order.order_id,
                order.status,
                order.total,
                order.note.map(|n| format!(" ({n})")).unwrap_or_default()
            );
        }
    }
    Ok(())
}
