//! The codec the CLI builds from `--key-format` / `--value-format`: every format decodes
//! to JSON for printing.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use kafka_core::{Codec, DecodeError, Format, Payload, SchemaId, Utf8};
use kafka_json::JsonValue;
use serde_json::Value;

use crate::args::{DecodeArgs, FormatArg};

/// A format chosen on the command line.
#[derive(Debug, Clone)]
pub(crate) enum CliCodec {
    Text,
    Bytes,
    Json,
    #[cfg(feature = "avro")]
    Avro(kafka_avro::AvroJson),
    #[cfg(feature = "protobuf")]
    Protobuf(kafka_protobuf::dynamic::ProtoJson),
}

/// The options of one side of the record.
struct Side<'a> {
    name: &'static str,
    format: FormatArg,
    schema: Option<&'a std::path::Path>,
    message: Option<&'a str>,
}

impl CliCodec {
    /// The codec for one side, or why the options cannot build it.
    pub(crate) fn build(args: &DecodeArgs, key: bool) -> Result<Self, String> {
        let side = if key {
            Side {
                name: "key",
                format: args.key_format,
                schema: args.key_schema.as_deref(),
                message: args.key_message.as_deref(),
            }
        } else {
            Side {
                name: "value",
                format: args.value_format,
                schema: args.value_schema.as_deref(),
                message: args.value_message.as_deref(),
            }
        };
        let flag = format!("--{}-format", side.name);
        if side.message.is_some() && side.format != FormatArg::Protobuf {
            return Err(format!(
                "--{}-message applies to protobuf, not to {flag} {}",
                side.name,
                format_name(side.format)
            ));
        }
        let takes_schema = matches!(side.format, FormatArg::Avro | FormatArg::Protobuf);
        if side.schema.is_some() && !takes_schema {
            return Err(format!(
                "--{}-schema applies to avro and protobuf, not to {flag} {}",
                side.name,
                format_name(side.format)
            ));
        }
        match side.format {
            FormatArg::String => Ok(Self::Text),
            FormatArg::Bytes => Ok(Self::Bytes),
            FormatArg::Json => Ok(Self::Json),
            FormatArg::Avro => avro(&side, args.schema_dir.as_deref()),
            FormatArg::Protobuf => protobuf(&side),
        }
    }
}

#[cfg(feature = "avro")]
fn avro(side: &Side<'_>, schema_dir: Option<&std::path::Path>) -> Result<CliCodec, String> {
    use kafka_avro::{AvroSchemas, SchemaStore};
    use kafka_core::ErrorKind;

    let mut builder = AvroSchemas::builder();
    if let Some(path) = side.schema {
        builder = builder.schema_file(path);
    }
    if let Some(dir) = schema_dir {
        builder = builder.store(SchemaStore::from_dir(dir).map_err(|e| e.to_string())?);
    }
    let schemas = builder.build().map_err(|e| match e.kind() {
        ErrorKind::MissingSchema => format!(
            "--{0}-format avro needs a schema: --{0}-schema FILE.avsc, or --schema-dir DIR of <id>.avsc writer schemas",
            side.name
        ),
        _ => match side.schema {
            Some(path) => format!("--{}-schema {}: {e}", side.name, path.display()),
            None => e.to_string(),
        },
    })?;
    Ok(CliCodec::Avro(schemas.json()))
}

#[cfg(not(feature = "avro"))]
fn avro(side: &Side<'_>, _: Option<&std::path::Path>) -> Result<CliCodec, String> {
    Err(not_built(
        &format!("--{}-format", side.name),
        "avro",
        "Avro",
    ))
}

#[cfg(feature = "protobuf")]
fn protobuf(side: &Side<'_>) -> Result<CliCodec, String> {
    use kafka_protobuf::dynamic::ProtoSchema;

    let Some(path) = side.schema else {
        return Err(format!(
            "--{0}-format protobuf needs --{0}-schema FILE.proto (or a FileDescriptorSet)",
            side.name
        ));
    };
    let schema = if path.extension().is_some_and(|ext| ext == "proto") {
        let folder = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        ProtoSchema::from_files(&[path], &[folder])
    } else {
        std::fs::read(path)
            .map_err(|e| kafka_core::Error::Configuration {
                reason: format!("cannot read {}: {e}", path.display()),
            })
            .and_then(|bytes| ProtoSchema::from_descriptor_set(&bytes))
    };
    let schema = match side.message {
        Some(name) => schema.and_then(|s| s.message(name)),
        None => schema,
    }
    .map_err(|e| format!("--{}-schema {}: {e}", side.name, path.display()))?;
    Ok(CliCodec::Protobuf(schema.json()))
}

#[cfg(not(feature = "protobuf"))]
fn protobuf(side: &Side<'_>) -> Result<CliCodec, String> {
    Err(not_built(
        &format!("--{}-format", side.name),
        "protobuf",
        "Protobuf",
    ))
}

#[cfg(any(not(feature = "avro"), not(feature = "protobuf")))]
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
            #[cfg(feature = "avro")]
            Self::Avro(_) => Format::Avro,
            #[cfg(feature = "protobuf")]
            Self::Protobuf(_) => Format::Protobuf,
            Self::Text | Self::Bytes => Format::Other,
        }
    }

    fn knows_schema_id(&self, id: &SchemaId) -> bool {
        match self {
            #[cfg(feature = "avro")]
            Self::Avro(codec) => codec.knows_schema_id(id),
            _ => {
                let _ = id;
                false
            }
        }
    }

    fn decode(&self, payload: Payload<'_>) -> Result<Value, DecodeError> {
        match self {
            Self::Text => Utf8.decode(payload).map(Value::String),
            Self::Bytes => Ok(Value::String(STANDARD.encode(payload.bytes))),
            Self::Json => JsonValue::new().decode(payload),
            #[cfg(feature = "avro")]
            Self::Avro(codec) => codec.decode(payload),
            #[cfg(feature = "protobuf")]
            Self::Protobuf(codec) => codec.decode(payload),
        }
    }
}
