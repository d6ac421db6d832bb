//! The codec the CLI builds from `--key-format` / `--value-format`: every format decodes
//! to JSON for printing.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use kafka_core::{Codec, DecodeError, Format, Payload, Utf8};
use kafka_json::JsonValue;
use serde_json::Value;

use crate::args::{DecodeArgs, FormatArg};

/// A format chosen on the command line.
#[derive(Debug, Clone, Copy)]
pub(crate) enum CliCodec {
    Text,
    Bytes,
    Json,
}

impl CliCodec {
    /// The codec for one side, or why the options cannot build it.
    pub(crate) fn build(args: &DecodeArgs, key: bool) -> Result<Self, String> {
        let (side, format, schema, message) = if key {
            ("key", args.key_format, &args.key_schema, &args.key_message)
        } else {
            (
                "value",
                args.value_format,
                &args.value_schema,
                &args.value_message,
            )
        };
        let flag = format!("--{side}-format");
        let codec = match format {
            FormatArg::String => Self::Text,
            FormatArg::Bytes => Self::Bytes,
            FormatArg::Json => Self::Json,
            FormatArg::Avro => return Err(not_built(&flag, "avro", "Avro")),
            FormatArg::Protobuf => return Err(not_built(&flag, "protobuf", "Protobuf")),
        };
        if schema.is_some() {
            return Err(format!(
                "--{side}-schema applies to avro and protobuf, not to {flag} {}",
                format_name(format)
            ));
        }
        if message.is_some() {
            return Err(format!(
                "--{side}-message applies to protobuf, not to {flag} {}",
                format_name(format)
            ));
        }
        Ok(codec)
    }
}

fn not_built(flag: &str, feature: &str, name: &str) -> String {
    format!(
        "{flag} {feature}: this lambda-kafka was built without the {name} codec; \
         build lambda-kafka-cli with the `{feature}` feature \
         (cargo install lambda-kafka-cli --features {feature})"
    )
}

fn format_name(format: FormatArg) -> &'static str {
    match format {
        FormatArg::String => "string",
        FormatArg::Json => "json",
        FormatArg::Avro => "avro",
        FormatArg::Protobuf => "protobuf",
        FormatArg::Bytes => "bytes",
    }
}

impl Codec for CliCodec {
    type Output = Value;

    fn format(&self) -> Format {
        match self {
            Self::Json => Format::Json,
            Self::Text | Self::Bytes => Format::Other,
        }
    }

    fn decode(&self, payload: Payload<'_>) -> Result<Value, DecodeError> {
        match self {
            Self::Text => Utf8.decode(payload).map(Value::String),
            Self::Bytes => Ok(Value::String(STANDARD.encode(payload.bytes))),
            Self::Json => JsonValue::new().decode(payload),
        }
    }
}
