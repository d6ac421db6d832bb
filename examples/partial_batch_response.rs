//! A Lambda function that handles one record at a time and returns a partial batch
//! response, so that only the records that failed are retried (enable
//! `ReportBatchItemFailures` on the event source mapping).
//!
//! ```text
//! cargo lambda build --example partial_batch_response --features runtime
//! ```

use lambda_kafka::prelude::*;
use lambda_kafka::runtime::{self, KafkaService};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Order {
    order_id: String,
    total: f64,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), runtime::Error> {
    // Built once, at cold start.
    let consumer = KafkaConsumer::new().value(Json::<Order>::new());
    KafkaService::per_record(consumer, |record| async move {
        let order = record.value.ok_or("a tombstone has no order")?;
        if order.total < 0.0 {
            // This record lands in `batchItemFailures`; the others are done.
            return Err("a negative total");
        }
        println!("{} {:.2}", order.order_id, order.total);
        Ok(())
    })
    // Partitions run concurrently; the records of one partition stay in order.
    .concurrent_partitions(true)
    .run()
    .await
}
