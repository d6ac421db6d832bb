//! A writer schema as a schema registry holds it, fetched at run time: what a codec that
//! learns schemas by id is given (see [`SchemaAware::learn_schema`](crate::SchemaAware::learn_schema)).

use crate::vocab::DataFormat;

/// A schema a registry returned for an id: its format, its text, and the schemas it
/// refers to, already fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredSchema {
    /// `AVRO`, `PROTOBUF` or `JSON` (a Confluent registry leaves Avro's type out).
    pub format: DataFormat,
    /// The schema text: `.avsc` JSON, `.proto` source, or a JSON Schema.
    pub text: String,
    /// The schemas it refers to, each under the name the reference gives it (an Avro full
    /// name, a `.proto` import path), those a reference refers to first.
    pub references: Vec<NamedSchema>,
}

/// A schema another one refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedSchema {
    /// The name the reference gives it.
    pub name: String,
    /// Its text.
    pub text: String,
}

impl RegisteredSchema {
    /// A schema without references.
    pub fn new(format: DataFormat, text: impl Into<String>) -> Self {
        Self {
            format,
            text: text.into(),
            references: Vec::new(),
        }
    }
}
