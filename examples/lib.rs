//! lambda-kafka's runnable examples, one file each beside this one: `cargo run --example
//! quickstart`, or with the features an example names, `cargo run --features avro
//! --example getting_started_avro`.
