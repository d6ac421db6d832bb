//! Everything a record carries besides its key and value: coordinates, timestamp and its
//! type, headers, the original base64, schema-registry metadata, and the keys used for
//! idempotency and partial batch responses.
//!
//! ```text
//! cargo run --example record_metadata
//! ```

use lambda_kafka::prelude::*;

fn main() -> Result<(), lambda_kafka::Error> {
    // An event from an event source mapping with a schema registry: every value has
    // `valueSchemaMetadata`.
    let input = include_str!("events/orders-json-registry.json");
    let event = KafkaEvent::from_str(input)?;
    println!(
        "source {:?}, ARN {:?}, brokers {:?}",
        event.source(),
        event.source_arn(),
        event.bootstrap_servers()
    );

    let consumer = KafkaConsumer::new().value(JsonValue::new());
    for (topic_partition, records) in consumer.partitions(&event) {
        println!("== {topic_partition}");
        for record in records {
            let record = record?;
            println!("offset {} ({})", record.offset(), record.idempotency_key());
            println!(
                "  timestamp {} ms = {:?}, type {:?}",
                record.timestamp(),
                record.system_time(),
                record.timestamp_type().map(|t| t.as_str())
            );
            println!(
                "  key {:?}, original {:?}",
                record.key,
                record.original_key().as_base64()
            );
            let original = record.original_value().as_base64().unwrap_or_default();
            println!("  original value: {} base64 characters", original.len());
            for header in record.headers() {
                match header.value_str() {
                    Some(text) => println!("  header {} = {text}", header.name()),
                    None => println!("  header {} = {:?} (bytes)", header.name(), header.value()),
                }
            }
            if let Some(retries) = record.headers().get_str("retry-count") {
                println!("  retried {retries} times");
            }
            if let Some(meta) = record.value_schema_metadata() {
                println!(
                    "  value schema: format {:?}, id {:?}",
                    meta.data_format().map(|f| f.as_str()),
                    meta.schema_id()
                );
            }
        }
    }
    Ok(())
}
