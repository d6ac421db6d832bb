//! Idempotent processing: the bundled batch is delivered twice (as Lambda replays a failed
//! batch), and each order is charged once. Entries live in memory, or in the DynamoDB table
//! named by `IDEMPOTENCY_TABLE` when it is set (with the function's AWS configuration).
//!
//! ```text
//! cargo run --example idempotency --features dynamodb,runtime
//! IDEMPOTENCY_TABLE=idempotency cargo run --example idempotency --features dynamodb,runtime
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use lambda_kafka::idempotency::dynamodb::DynamoDbStore;
use lambda_kafka::idempotency::{Idempotency, InMemoryStore, Store};
use lambda_kafka::prelude::*;
use lambda_kafka::runtime::{Context, KafkaService, LambdaEvent, Service as _};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Order {
    order_id: String,
    total: f64,
}

async fn replay<S: Store + 'static>(
    idempotency: Idempotency<S>,
) -> Result<(), Box<dyn std::error::Error>> {
    let idempotency = Arc::new(idempotency);
    let charges = Arc::new(AtomicUsize::new(0));
    let consumer = KafkaConsumer::new().value(Json::<Order>::new());
    let (store, counter) = (Arc::clone(&idempotency), Arc::clone(&charges));
    // The function, as `.run()` would run it; here it is called as a tower service.
    let mut function = KafkaService::per_record(consumer, move |record| {
        let (idempotency, charges) = (Arc::clone(&store), Arc::clone(&counter));
        async move {
            // The invocation's remaining time bounds the in-progress entry.
            idempotency
                .run_record(&record, Duration::from_secs(60), || async {
                    let order = record.value.as_ref().ok_or("a tombstone")?;
                    charges.fetch_add(1, Ordering::Relaxed);
                    Ok::<_, &str>(format!("charged {} for {:.2}", order.order_id, order.total))
                })
                .await
                .map(|receipt| println!("{receipt}"))
        }
    });
    for delivery in 1..=2 {
        let event = serde_json::from_str(include_str!("events/orders-json.json"))?;
        let failures = function
            .call(LambdaEvent::new(event, Context::default()))
            .await
            .map_err(|d| d.error_message)?;
        println!("delivery {delivery}: {} failed", failures.len());
    }
    println!(
        "{} charges for two deliveries",
        charges.load(Ordering::Relaxed)
    );
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::var("IDEMPOTENCY_TABLE").is_ok() {
        replay(Idempotency::new(DynamoDbStore::from_env().await?).local_cache(true)).await
    } else {
        replay(Idempotency::new(InMemoryStore::new())).await
    }
}
