//! The guide: one page per task, from the first consumer to deploying, each example
//! compiled with the crate.
//!
//! - [`getting_started`]: the consumer, the event, the records
//! - [`keys_and_values`]: the codecs, primitive keys, borrowed records
//! - [`avro`] and [`protobuf`]: those formats, typed or dynamic
//! - [`schema_registries`]: Confluent and AWS Glue framing, writer schemas at run time
//! - [`validation`]: refusing decoded values, and partial batch responses
//! - [`lambda_functions`]: `KafkaService`, per record or per batch
//! - [`idempotency`]: each record's effect once across retries
//! - [`tracing_and_metrics`]: the producer's trace continued, EMF metrics, logs
//! - [`running_against_kafka`]: `lambda-kafka run`, filters, bisection, on-failure
//!   destinations
//! - [`command_line`]: `decode`, `inspect` and `filter`
//! - [`testing`]: events built in your tests
//! - [`deploy`]: the SAM template and `cargo lambda`
//! - [`errors`]: every error kind, and troubleshooting
//! - [`migrating`]: from the Powertools editions

macro_rules! page {
    ($name:ident, $file:literal) => {
        #[doc = include_str!(concat!("../guide/", $file))]
        pub mod $name {}
    };
}

page!(getting_started, "getting_started.md");
page!(keys_and_values, "keys_and_values.md");
page!(avro, "avro.md");
page!(protobuf, "protobuf.md");
page!(schema_registries, "schema_registries.md");
page!(validation, "validation.md");
page!(lambda_functions, "lambda_functions.md");
page!(idempotency, "idempotency.md");
page!(tracing_and_metrics, "tracing_and_metrics.md");
page!(running_against_kafka, "running_against_kafka.md");
page!(command_line, "command_line.md");
page!(testing, "testing.md");
page!(deploy, "deploy.md");
page!(errors, "errors.md");
page!(migrating, "migrating.md");
