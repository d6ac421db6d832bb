//! A codec chosen at run time by name (`string`, `json`, `avro`, `protobuf`, `bytes`),
//! decoding to JSON: what a command line or a configured function needs.
//!
//! ```
//! use lambda_kafka::any::{AnyCodec, CodecSpec, FormatName};
//! use lambda_kafka::{codec::{Codec, Payload}, event::Part};
//!
//! let codec = AnyCodec::build(&CodecSpec::new("json".parse().unwrap())).unwrap();
//! let value = codec.decode(Payload::new(br#"{"n":1}"#, Part::Value)).unwrap();
//! assert_eq!(value, serde_json::json!({"n": 1}));
//! assert_eq!("avro".parse::<FormatName>().unwrap(), FormatName::Avro);
//! ```

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use kafka_core::{Codec, DecodeError, Error, Payload, SchemaAware, Utf8};
use kafka_json::JsonValue;
use serde_json::Value;

/// A format by the name users give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FormatName {
    /// UTF-8 text.
    String,
    /// JSON.
    Json,
    /// Avro (feature `avro`).
    Avro,
    /// Protobuf, decoded with a `.proto` or descriptor set (feature `protobuf-dynamic`).
    Protobuf,
    /// The bytes as they are, shown as base64.
    Bytes,
}

impl FormatName {
    /// `string`, `json`, `avro`, `protobuf` or `bytes`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Json => "json",
            Self::Avro => "avro",
            Self::Protobuf => "protobuf",
            Self::Bytes => "bytes",
        }
    }
}

impl fmt::Display for FormatName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FormatName {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "string" => Ok(Self::String),
            "json" => Ok(Self::Json),
            "avro" => Ok(Self::Avro),
            "protobuf" => Ok(Self::Protobuf),
            "bytes" => Ok(Self::Bytes),
            other => Err(format!(
                "unknown format \"{other}\": expected string, json, avro, protobuf or bytes"
            )),
        }
    }
}

/// What a codec is built from: its format and, for Avro and Protobuf, its schema.
#[derive(Debug, Clone)]
pub struct CodecSpec {
    /// The format.
    pub format: FormatName,
    /// A `.avsc` for Avro; a `.proto` or a `FileDescriptorSet` file for Protobuf.
    pub schema: Option<PathBuf>,
    /// The Protobuf message's full name; without it, each payload's index path picks it.
    pub message: Option<String>,
    /// Avro writer schemas by registry id (`<id>.avsc`).
    pub schema_dir: Option<PathBuf>,
    /// Learn writer schemas from a schema registry at run time: Avro resolves each into
    /// `schema` (the reader schema) when given; Protobuf compiles the registry's `.proto`
    /// of each id, and `schema` reads payloads that name no id.
    pub learn_from_registry: bool,
}

impl CodecSpec {
    /// A format with no schema.
    #[must_use]
    pub fn new(format: FormatName) -> Self {
        Self {
            format,
            schema: None,
            message: None,
            schema_dir: None,
            learn_from_registry: false,
        }
    }
}

/// Why a [`CodecSpec`] does not make a codec. Its message speaks of the spec's own
/// fields; a caller with options of its own (a command line) names them instead.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SpecError {
    /// A schema was given for a format that takes none.
    #[error("a schema applies to avro and protobuf only")]
    SchemaNotApplicable,
    /// A message name was given for a format other than Protobuf.
    #[error("a message name applies to protobuf only")]
    MessageNotApplicable,
    /// Avro or Protobuf without the schema it needs.
    #[error("this format needs a schema")]
    NeedsSchema,
    /// This build does not include the format; the feature that does.
    #[error("this build has no codec for the format: turn on the `{feature}` feature")]
    NotBuilt {
        /// The Cargo feature that builds it.
        feature: &'static str,
    },
    /// The schema could not be read or parsed.
    #[error(transparent)]
    Schema(Error),
}

/// A key or value codec chosen at run time; every format decodes to JSON (Avro with the
/// `AvroJson` mapping, Protobuf as canonical proto3 JSON, bytes as base64 text).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum AnyCodec {
    /// UTF-8 text.
    Text,
    /// The bytes, as base64 text.
    Bytes,
    /// JSON.
    Json,
    /// Avro.
    #[cfg(feature = "avro")]
    Avro(kafka_avro::AvroJson),
    /// Protobuf.
    #[cfg(feature = "protobuf-dynamic")]
    Protobuf(kafka_protobuf::dynamic::ProtoJson),
}

impl AnyCodec {
    /// Builds the codec a spec describes; schemas are read and parsed here, once.
    ///
    /// # Errors
    /// A [`SpecError`] saying what is missing or wrong.
    pub fn build(spec: &CodecSpec) -> Result<Self, SpecError> {
        if spec.message.is_some() && spec.format != FormatName::Protobuf {
            return Err(SpecError::MessageNotApplicable);
        }
        let takes_schema = matches!(spec.format, FormatName::Avro | FormatName::Protobuf);
        if spec.schema.is_some() && !takes_schema {
            return Err(SpecError::SchemaNotApplicable);
        }
        match spec.format {
            FormatName::String => Ok(Self::Text),
            FormatName::Bytes => Ok(Self::Bytes),
            FormatName::Json => Ok(Self::Json),
            FormatName::Avro => avro(spec),
            FormatName::Protobuf => protobuf(spec),
        }
    }
}

#[cfg(feature = "avro")]
fn avro(spec: &CodecSpec) -> Result<AnyCodec, SpecError> {
    use kafka_avro::{AvroSchemas, SchemaStore};

    let mut builder = AvroSchemas::builder().learn_from_registry(spec.learn_from_registry);
    if let Some(path) = &spec.schema {
        builder = if spec.learn_from_registry {
            builder.reader_schema_file(path)
        } else {
            builder.schema_file(path)
        };
    }
    if let Some(dir) = &spec.schema_dir {
        builder = builder.store(SchemaStore::from_dir(dir).map_err(SpecError::Schema)?);
    }
    match builder.build() {
        Ok(schemas) => Ok(AnyCodec::Avro(schemas.json())),
        Err(Error::MissingSchema { .. }) => Err(SpecError::NeedsSchema),
        Err(e) => Err(SpecError::Schema(e)),
    }
}

#[cfg(not(feature = "avro"))]
fn avro(_: &CodecSpec) -> Result<AnyCodec, SpecError> {
    Err(SpecError::NotBuilt { feature: "avro" })
}

#[cfg(feature = "protobuf-dynamic")]
fn protobuf(spec: &CodecSpec) -> Result<AnyCodec, SpecError> {
    use kafka_protobuf::dynamic::ProtoSchema;

    let Some(path) = spec.schema.as_deref() else {
        if !spec.learn_from_registry {
            return Err(SpecError::NeedsSchema);
        }
        let schema = ProtoSchema::from_registry();
        let schema = match &spec.message {
            Some(name) => schema.message(name).map_err(SpecError::Schema)?,
            None => schema,
        };
        return Ok(AnyCodec::Protobuf(schema.json()));
    };
    let schema = if path.extension().is_some_and(|ext| ext == "proto") {
        let folder = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        ProtoSchema::from_files(&[path], &[folder])
    } else {
        std::fs::read(path)
            .map_err(|e| Error::Configuration {
                reason: format!("cannot read {}: {e}", path.display()),
            })
            .and_then(|bytes| ProtoSchema::from_descriptor_set(&bytes))
    };
    let schema = if spec.learn_from_registry {
        schema.map(ProtoSchema::learn_from_registry)
    } else {
        schema
    };
    let schema = match &spec.message {
        Some(name) => schema.and_then(|s| s.message(name)),
        None => schema,
    };
    schema
        .map(|s| AnyCodec::Protobuf(s.json()))
        .map_err(SpecError::Schema)
}

#[cfg(not(feature = "protobuf-dynamic"))]
fn protobuf(_: &CodecSpec) -> Result<AnyCodec, SpecError> {
    Err(SpecError::NotBuilt {
        feature: "protobuf-dynamic",
    })
}

impl Codec for AnyCodec {
    type Output = Value;

    fn decode(&self, payload: Payload<'_>) -> Result<Value, DecodeError> {
        match self {
            Self::Text => Utf8.decode(payload).map(Value::String),
            Self::Bytes => Ok(Value::String(STANDARD.encode(payload.bytes))),
            Self::Json => JsonValue::new().decode(payload),
            #[cfg(feature = "avro")]
            Self::Avro(codec) => codec.decode(payload),
            #[cfg(feature = "protobuf-dynamic")]
            Self::Protobuf(codec) => codec.decode(payload),
        }
    }

    fn schema_aware(&self) -> Option<&dyn SchemaAware> {
        /// The JSON codec's answers (it keeps no state).
        static JSON: JsonValue = JsonValue::new();
        match self {
            Self::Text | Self::Bytes => None,
            Self::Json => JSON.schema_aware(),
            #[cfg(feature = "avro")]
            Self::Avro(codec) => codec.schema_aware(),
            #[cfg(feature = "protobuf-dynamic")]
            Self::Protobuf(codec) => codec.schema_aware(),
        }
    }
}
