//! A deployable Lambda function: decodes every record of each Kafka batch with codecs
//! chosen by environment variables, logs it, and returns the partial batch response
//! listing exactly the records whose key or value failed to decode.
//!
//! | variable | values |
//! |---|---|
//! | `KEY_FORMAT`, `VALUE_FORMAT` | `string` (default), `json`, `avro`, `protobuf`, `bytes` |
//! | `KEY_SCHEMA`, `VALUE_SCHEMA` | a `.avsc`, a `.proto` or a `FileDescriptorSet` file |
//! | `KEY_MESSAGE`, `VALUE_MESSAGE` | a Protobuf message's full name |
//! | `SCHEMA_DIR` | Avro writer schemas by registry id (`<id>.avsc`) |
//! | `WIRE_FORMAT`, `KEY_WIRE_FORMAT`, `VALUE_WIRE_FORMAT` | `auto` (default), `plain`, `confluent`, `glue` |
//!
//! A bad setting fails the cold start with a message naming it.

use std::path::PathBuf;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use lambda_kafka::avro::{AvroJson, AvroSchemas, SchemaStore};
use lambda_kafka::json::JsonValue;
use lambda_kafka::protobuf::dynamic::{ProtoJson, ProtoSchema};
use lambda_kafka::runtime::{self, PerRecord};
use lambda_kafka::{
    Codec, DecodeError, Format, KafkaConsumer, Payload, SchemaId, Utf8, WireFormat,
};
use serde_json::Value;

/// A key or value codec chosen by name; every format decodes to JSON for logging.
enum AnyCodec {
    Text,
    Bytes,
    Json,
    Avro(AvroJson),
    Protobuf(ProtoJson),
}

impl Codec for AnyCodec {
    type Output = Value;

    fn format(&self) -> Format {
        match self {
            Self::Json => Format::Json,
            Self::Avro(_) => Format::Avro,
            Self::Protobuf(_) => Format::Protobuf,
            Self::Text | Self::Bytes => Format::Other,
        }
    }

    fn knows_schema_id(&self, id: &SchemaId) -> bool {
        match self {
            Self::Avro(codec) => codec.knows_schema_id(id),
            _ => false,
        }
    }

    fn decode(&self, payload: Payload<'_>) -> Result<Value, DecodeError> {
        match self {
            Self::Text => Utf8.decode(payload).map(Value::String),
            Self::Bytes => Ok(Value::String(STANDARD.encode(payload.bytes))),
            Self::Json => JsonValue::new().decode(payload),
            Self::Avro(codec) => codec.decode(payload),
            Self::Protobuf(codec) => codec.decode(payload),
        }
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The codec of one side (`KEY` or `VALUE`) from its variables.
fn codec(side: &str) -> Result<AnyCodec, String> {
    let format_var = format!("{side}_FORMAT");
    let schema_var = format!("{side}_SCHEMA");
    let format = var(&format_var).unwrap_or_else(|| "string".to_owned());
    let schema = var(&schema_var).map(PathBuf::from);
    let message = var(&format!("{side}_MESSAGE"));
    let codec = match format.as_str() {
        "string" => AnyCodec::Text,
        "bytes" => AnyCodec::Bytes,
        "json" => AnyCodec::Json,
        "avro" => {
            let mut builder = AvroSchemas::builder();
            if let Some(path) = &schema {
                builder = builder.schema_file(path);
            }
            if let Some(dir) = var("SCHEMA_DIR") {
                builder = builder
                    .store(SchemaStore::from_dir(dir).map_err(|e| format!("SCHEMA_DIR: {e}"))?);
            }
            let schemas = builder
                .build()
                .map_err(|e| format!("{format_var}=avro: {e}"))?;
            AnyCodec::Avro(schemas.json())
        }
        "protobuf" => {
            let path = schema
                .as_ref()
                .ok_or_else(|| format!("{format_var}=protobuf needs {schema_var}"))?;
            let parsed = if path.extension().is_some_and(|e| e == "proto") {
                let folder = path.parent().map(PathBuf::from).unwrap_or_default();
                ProtoSchema::from_files(&[path], &[folder])
            } else {
                let bytes = std::fs::read(path).map_err(|e| format!("{schema_var}: {e}"))?;
                ProtoSchema::from_descriptor_set(&bytes)
            };
            let parsed = match &message {
                Some(name) => parsed.and_then(|s| s.message(name)),
                None => parsed,
            };
            AnyCodec::Protobuf(parsed.map_err(|e| format!("{schema_var}: {e}"))?.json())
        }
        other => {
            return Err(format!(
                "{format_var}={other}: expected string, json, avro, protobuf or bytes"
            ));
        }
    };
    Ok(codec)
}

fn wire_format(name: &str, default: WireFormat) -> Result<WireFormat, String> {
    var(name).map_or(Ok(default), |text| {
        text.parse().map_err(|e| format!("{name}: {e}"))
    })
}

/// The consumer the variables describe, or the first thing wrong with them.
fn consumer() -> Result<KafkaConsumer<AnyCodec, AnyCodec>, String> {
    let both = wire_format("WIRE_FORMAT", WireFormat::Auto)?;
    Ok(KafkaConsumer::with_codecs(codec("KEY")?, codec("VALUE")?)
        .key_wire_format(wire_format("KEY_WIRE_FORMAT", both)?)
        .value_wire_format(wire_format("VALUE_WIRE_FORMAT", both)?))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    tracing_subscriber::fmt()
        .with_target(false)
        .without_time()
        .with_ansi(false)
        .init();
    // At cold start: a bad setting stops the function here, with its message.
    let consumer = consumer().map_err(|message| {
        tracing::error!(%message, "bad configuration");
        message
    })?;
    runtime::run_per_record(consumer, PerRecord::new(), |record| async move {
        let text = |v: Option<&Value>| v.map_or_else(|| "null".to_owned(), ToString::to_string);
        tracing::info!(
            topic = record.topic(),
            partition = record.partition(),
            offset = record.offset(),
            key = %text(record.key.as_ref()),
            value = %text(record.value.as_ref()),
            "record"
        );
        Ok::<(), String>(())
    })
    .await
}
