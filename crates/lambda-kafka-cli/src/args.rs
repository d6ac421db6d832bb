//! Command-line arguments, per the project's fixed CLI contract.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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

/// How keys or values are framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum WireArg {
    /// Find out per record from metadata and leading bytes.
    Auto,
    /// No header.
    Plain,
    /// Confluent Schema Registry framing (or the ESM shape of it).
    Confluent,
    /// AWS Glue Schema Registry framing (or the ESM shape of it).
    Glue,
}

impl From<WireArg> for kafka_core::WireFormat {
    fn from(arg: WireArg) -> Self {
        match arg {
            WireArg::Auto => Self::Auto,
            WireArg::Plain => Self::Plain,
            WireArg::Confluent => Self::Confluent,
            WireArg::Glue => Self::Glue,
        }
    }
}

/// How a key or value is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    /// UTF-8 text (invalid UTF-8 is an error).
    String,
    /// JSON (a leading UTF-8 BOM is skipped; integers stay exact).
    Json,
    /// Avro (needs the `avro` feature of lambda-kafka-cli).
    Avro,
    /// Protocol Buffers (needs the `protobuf` feature of lambda-kafka-cli).
    Protobuf,
    /// The raw bytes, printed as base64.
    Bytes,
}

#[derive(Debug, Args)]
pub(crate) struct DecodeArgs {
    /// The event file; standard input when absent or "-".
    pub(crate) event: Option<PathBuf>,

    /// How keys are decoded.
    #[arg(long, value_enum, default_value = "string")]
    pub(crate) key_format: FormatArg,

    /// How values are decoded.
    #[arg(long, value_enum, default_value = "string")]
    pub(crate) value_format: FormatArg,

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

    /// How keys and values are framed.
    #[arg(long, value_enum, default_value = "auto", value_name = "W")]
    pub(crate) wire_format: WireArg,

    /// How keys are framed (overrides --wire-format).
    #[arg(long, value_enum, value_name = "W")]
    pub(crate) key_wire_format: Option<WireArg>,

    /// How values are framed (overrides --wire-format).
    #[arg(long, value_enum, value_name = "W")]
    pub(crate) value_wire_format: Option<WireArg>,

    /// Report a failing record as a JSON line and go on (exit status 2 at the end).
    #[arg(long)]
    pub(crate) keep_going: bool,
}
