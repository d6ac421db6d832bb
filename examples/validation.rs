//! Validation ("output parsing"): decode each order, check it with `garde` rules, turn
//! the key into a domain type with a closure, and report the records that fail in the
//! partial batch response Lambda retries.
//!
//! ```text
//! cargo run --example validation --features garde
//! ```

use garde::Validate;
use lambda_kafka::prelude::*;
use serde::Deserialize;

/// An order that must have items and a positive total to be processed.
#[derive(Debug, Deserialize, Validate)]
struct Order {
    #[garde(length(min = 1))]
    order_id: String,
    #[garde(range(min = 1))]
    quantity: u32,
    #[garde(skip)]
    total: f64,
}

/// A customer id: the digits after `customer-`.
#[derive(Debug)]
struct CustomerId(u64);

fn main() -> Result<(), lambda_kafka::Error> {
    let input = include_str!("events/orders-json.json");

    let consumer = KafkaConsumer::new()
        .key(Utf8.parse_with(|key: String| {
            key.strip_prefix("customer-")
                .and_then(|digits| digits.parse().ok())
                .map(CustomerId)
                .ok_or("a key is customer-<digits>")
        }))
        .value(Json::<Order>::new().garde());

    let event = KafkaEvent::from_str(input)?;
    for record in consumer.records(&event) {
        match record {
            Ok(record) => {
                let customer = record.key.as_ref().map_or(0, |id| id.0);
                let order = record.value.as_ref();
                println!(
                    "ok: customer {customer}, order {} of {} items for {:.2}",
                    order.map_or("-", |o| o.order_id.as_str()),
                    order.map_or(0, |o| o.quantity),
                    order.map_or(0.0, |o| o.total)
                );
            }
            Err(error) => println!("rejected: {error}"),
        }
    }

    // The same, as a function would answer Lambda: the records to retry.
    let failures = consumer.process(&event, |record| {
        println!(
            "processing order {}",
            record.value.as_ref().map_or("-", |o| o.order_id.as_str())
        );
        Ok::<(), String>(())
    });
    println!("{}", serde_json::to_string(&failures).unwrap_or_default());
    Ok(())
}
