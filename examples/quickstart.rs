//! Decode the bundled event of orders into a typed `Order` and print each record with its
//! metadata.
//!
//! ```text
//! cargo run --example quickstart [EVENT]
//! ```
//!
//! Without an argument it reads `examples/events/orders-json.json`: ten orders on two
//! partitions, with string keys (some absent or null) and headers.

use std::collections::BTreeMap;

use lambda_kafka::json::Json;
use lambda_kafka::{KafkaConsumer, KafkaEvent, codec::Utf8};
use serde::Deserialize;

/// An order as the producer writes it (`testdata/vectors/schemas/order.schema.json`).
#[derive(Debug, Deserialize)]
struct Order {
    order_id: String,
    customer_id: i64,
    total: f64,
    quantity: i32,
    gift_wrap: bool,
    status: Status,
    shipping_address: Address,
    items: Vec<LineItem>,
    tags: BTreeMap<String, String>,
    note: Option<String>,
    created_at: i64,
    checksum: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum Status {
    Pending,
    Paid,
    Shipped,
    Delivered,
    Cancelled,
}

#[derive(Debug, Deserialize)]
struct Address {
    street: String,
    city: String,
    postal_code: String,
    country: String,
}

#[derive(Debug, Deserialize)]
struct LineItem {
    sku: String,
    quantity: i32,
    unit_price: f64,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/events/orders-json.json").to_owned()
    });
    let input = std::fs::read(&path)?;

    // Built once; in a Lambda function, at cold start.
    let consumer = KafkaConsumer::new().key(Utf8).value(Json::<Order>::new());

    let event = KafkaEvent::from_slice(&input)?;
    println!(
        "{} records from {}",
        event.record_count(),
        event.source().map_or("an unknown source", |s| s.as_str())
    );
    for record in consumer.records(&event) {
        // A record that cannot be decoded is an error for that record alone.
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                eprintln!("skipped: {error}");
                continue;
            }
        };
        let Some(order) = &record.value else {
            println!("{}: tombstone", record.idempotency_key());
            continue;
        };
        println!(
            "{}-{} @{} ts={} key={} {} {:?} customer={} total={:.2} qty={} items={} to {}, {} {} {}{}{}",
            record.topic(),
            record.partition(),
            record.offset(),
            record.timestamp(),
            record.key.as_deref().unwrap_or("(none)"),
            order.order_id,
            order.status,
            order.customer_id,
            order.total,
            order.quantity,
            order
                .items
                .iter()
                .map(|i| format!("{}x{}@{}", i.quantity, i.sku, i.unit_price))
                .collect::<Vec<_>>()
                .join(","),
            order.shipping_address.street,
            order.shipping_address.postal_code,
            order.shipping_address.city,
            order.shipping_address.country,
            if order.gift_wrap { " gift-wrapped" } else { "" },
            order
                .note
                .as_deref()
                .map(|n| format!(" note={n:?}"))
                .unwrap_or_default(),
        );
        println!(
            "    created_at={} checksum={} tags={:?} correlation-id={}",
            order.created_at,
            order.checksum,
            order.tags,
            record.headers().get_str("correlation-id").unwrap_or("-"),
        );
    }
    Ok(())
}
