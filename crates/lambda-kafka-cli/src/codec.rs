//! The codec the CLI builds from `--key-format` / `--value-format` and their schema
//! options, with the CLI's own words for what is wrong.

use lambda_kafka::any::{AnyCodec, CodecSpec, FormatName, SpecError};

use crate::args::DecodeArgs;

/// The codec of one side, or a usage message naming the options.
pub(crate) fn build(args: &DecodeArgs, key: bool) -> Result<AnyCodec, String> {
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
    let name = format.as_str();
    let spec = CodecSpec {
        format,
        schema: schema.clone(),
        message: message.clone(),
        schema_dir: args.schema_dir.clone(),
        learn_from_registry: args.registry.any(),
    };
    AnyCodec::build(&spec).map_err(|error| match error {
        SpecError::MessageNotApplicable => {
            format!("--{side}-message applies to protobuf, not to --{side}-format {name}")
        }
        SpecError::SchemaNotApplicable => {
            format!("--{side}-schema applies to avro and protobuf, not to --{side}-format {name}")
        }
        SpecError::NeedsSchema if format == FormatName::Avro => format!(
            "--{side}-format avro needs a schema: --{side}-schema FILE.avsc, --schema-dir DIR of <id>.avsc writer schemas, or --schema-registry URL"
        ),
        SpecError::NeedsSchema => {
            format!("--{side}-format {name} needs --{side}-schema FILE.proto (or a FileDescriptorSet)")
        }
        SpecError::NotBuilt { .. } => {
            let (feature, codec) = if format == FormatName::Avro {
                ("avro", "Avro")
            } else {
                ("protobuf", "Protobuf")
            };
            format!(
                "--{side}-format {feature}: this lambda-kafka was built without the {codec} codec; \
                 build lambda-kafka-cli with the `{feature}` feature \
                 (cargo install lambda-kafka-cli --features {feature})"
            )
        }
        SpecError::Schema(e) => match schema {
            Some(path) => format!("--{side}-schema {}: {e}", path.display()),
            None => e.to_string(),
        },
        _ => format!("--{side}-format {name}: {error}"),
    })
}
