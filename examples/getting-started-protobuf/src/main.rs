//! Getting started with Protobuf: prost types generated at build time from
//! `examples/schemas/order.proto` (see `build.rs`: no `protoc` needed), decoded from the
//! bundled event.
//!
//! ```text
//! cargo run -p getting-started-protobuf
//! ```

use lambda_kafka::prelude::*;

/// The types prost-build generated from `order.proto` (package `orders.v1`).
mod orders {
    #![allow(
        missing_docs,
        dead_code,
        unreachable_pub,
        clippy::all,
        clippy::pedantic,
        reason = "generated code"
    )]
    include!(concat!(env!("OUT_DIR"), "/orders.v1.rs"));
}

fn main() -> Result<(), lambda_kafka::Error> {
    let input = include_str!("../../events/orders-protobuf.json");

    let consumer = KafkaConsumer::new().value(Proto::<orders::Order>::new());
    let event = KafkaEvent::from_str(input)?;
    for record in consumer.records(&event) {
        let record = record?;
        let Some(order) = record.value else { continue };
        let status = orders::OrderStatus::try_from(order.status)
            .map_or("unknown status", |s| s.as_str_name());
        let city = order
            .shipping_address
            .as_ref()
            .map_or("-", |a| a.city.as_str());
        println!(
            "{} {status} {:.2} to {city}, {} items{}",
            order.order_id,
            order.total,
            order.items.len(),
            order.note.map(|n| format!(" ({n})")).unwrap_or_default()
        );
    }
    Ok(())
}
