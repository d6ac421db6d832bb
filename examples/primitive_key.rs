//! A key that is a number written as text (`"1001"`), read as an `i64` with `Parsed`;
//! values as untyped JSON.
//!
//! ```text
//! cargo run --example primitive_key
//! ```

use lambda_kafka::prelude::*;

fn main() -> Result<(), lambda_kafka::Error> {
    let input = include_str!("events/customers-int-keys.json");

    let consumer = KafkaConsumer::new()
        .key(Parsed::<i64>::new())
        .value(JsonValue::new());
    let event = KafkaEvent::from_str(input)?;

    for record in consumer.records(&event) {
        let record = record?;
        let id: Option<i64> = record.key;
        let value = record.value.unwrap_or_default();
        println!(
            "customer {} -> name {} tier {}",
            id.map_or_else(|| "(no key)".to_owned(), |id| id.to_string()),
            value["name"],
            value["tier"]
        );
    }
    Ok(())
}
