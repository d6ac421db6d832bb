//! Command-line arguments, per the project's fixed CLI contract.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use kafka_core::WireFormat;
use lambda_kafka::any::FormatName;

/// Decode captured AWS Lambda Kafka events (Amazon MSK or self-managed Kafka).
#[derive(Debug, Parser)]
#[command(name = "lambda-kafka", version, about)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Decode every record's key and value; print one JSON line per record, in event order.
    Decode(DecodeArgs),
    /// Report each key's and value's framing (wire format, schema id, message indexes,
    /// compression) and first bytes; no schema needed.
    Inspect(InspectArgs),
}

#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// The event file; standard input when absent or "-".
    pub(crate) event: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct DecodeArgs {
    /// The event file; standard input when absent or "-".
    pub(crate) event: Option<PathBuf>,

    /// How keys are decoded: string, json, avro, protobuf or bytes.
    #[arg(long, default_value = "string", value_name = "F", value_parser = parse_format)]
    pub(crate) key_format: FormatName,

    /// How values are decoded: string, json, avro, protobuf or bytes.
    #[arg(long, default_value = "string", value_name = "F", value_parser = parse_format)]
    pub(crate) value_format: FormatName,

    /// Schema of the keys: .avsc for avro, .proto or a FileDescriptorSet for protobuf.
    #[arg(long, value_name = "PATH")]
    pub(crate) key_schema: Option<PathBuf>,

    /// Schema of the values: .avsc for avro, .proto or a FileDescriptorSet for protobuf.
    #[arg(long, value_name = "PATH")]
    pub(crate) value_schema: Option<PathBuf>,

    /// Fully qualified protobuf message name of the keys.
    #[arg(long, value_name = "NAME")]
    pub(crate) key_message: Option<String>,

    /// Fully qualified protobuf message name of the values.
    #[arg(long, value_name = "NAME")]
    pub(crate) value_message: Option<String>,

    /// Writer schemas by registry id (`<id>.avsc` / `<uuid>.avsc`), for avro.
    #[arg(long, value_name = "DIR")]
    pub(crate) schema_dir: Option<PathBuf>,

    /// How keys and values are framed: auto, plain, confluent or glue.
    #[arg(long, default_value = "auto", value_name = "W", value_parser = parse_wire)]
    pub(crate) wire_format: WireFormat,

    /// How keys are framed (overrides --wire-format).
    #[arg(long, value_name = "W", value_parser = parse_wire)]
    pub(crate) key_wire_format: Option<WireFormat>,

    /// How values are framed (overrides --wire-format).
    #[arg(long, value_name = "W", value_parser = parse_wire)]
    pub(crate) value_wire_format: Option<WireFormat>,

    /// A Confluent Schema Registry (comma-separated URLs tried in turn): Avro writer
    /// schemas by id or GUID at run time; --*-schema becomes the reader schema.
    #[arg(long, value_name = "URL")]
    pub(crate) schema_registry: Option<String>,

    /// The AWS Glue Schema Registry: writer schemas by schema-version UUID at run time,
    /// with the AWS configuration of the environment (credentials, region,
    /// AWS_ENDPOINT_URL_GLUE).
    #[arg(long, conflicts_with = "schema_registry")]
    pub(crate) glue_registry: bool,

    /// The registry's credentials, USER:SECRET (a Confluent Cloud API key and secret);
    /// SCHEMA_REGISTRY_AUTH in the environment otherwise.
    #[arg(
        long,
        value_name = "USER:SECRET",
        env = "SCHEMA_REGISTRY_AUTH",
        hide_env_values = true
    )]
    pub(crate) schema_registry_auth: Option<String>,

    /// The longest a schema fetch may take, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0)]
    pub(crate) schema_registry_timeout: f64,

    /// Report a failing record as a JSON line and go on (exit status 2 at the end).
    #[arg(long)]
    pub(crate) keep_going: bool,
}

/// The library's own names of formats, so that the command and the library agree.
fn parse_format(text: &str) -> Result<FormatName, String> {
    text.parse()
}

/// The library's own names of wire formats.
fn parse_wire(text: &str) -> Result<WireFormat, String> {
    text.parse()
}
