//! Avro encoders for building test events (feature `testing`).
//!
//! ```
//! use kafka_avro::encode::AvroEncoder;
//! use kafka_core::testing::wire::Framed;
//! use kafka_core::testing::{EventBuilder, RecordBuilder};
//!
//! #[derive(serde::Serialize)]
//! struct User { name: String, age: i32 }
//!
//! let encoder = AvroEncoder::new(r#"{"type":"record","name":"User","fields":[
//!     {"name":"name","type":"string"},{"name":"age","type":"int"}]}"#)?;
//! let user = User { name: "Ada".into(), age: 36 };
//! let json = EventBuilder::msk()
//!     .record(RecordBuilder::new("users", 0, 1).value_encoded(&encoder, &user)?)
//!     .record(RecordBuilder::new("users", 0, 2).value_encoded(&Framed::confluent(encoder.clone(), 7), &user)?)
//!     .to_json();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use apache_avro::Schema;
use apache_avro::schema::ResolvedSchema;
use apache_avro::types::Value;
use apache_avro::writer::datum::GenericDatumWriter;
use kafka_core::Error;
use kafka_core::testing::{EncodeError, Encoder};
use serde::Serialize;

/// Writes values as Avro datums of one schema: serde types through [`Encoder<T>`], and
/// generic values through [`AvroValueEncoder`].
#[derive(Debug, Clone)]
pub struct AvroEncoder {
    schema: Schema,
    references: Vec<Schema>,
}

impl AvroEncoder {
    /// An encoder for a schema.
    ///
    /// # Errors
    /// [`Error::SchemaParse`] when the schema does not parse.
    pub fn new(avsc: &str) -> Result<Self, Error> {
        Self::with_references(avsc, &[] as &[&str])
    }

    /// An encoder for a schema that refers to named types defined in `references`.
    ///
    /// # Errors
    /// [`Error::SchemaParse`] when a schema does not parse.
    pub fn with_references(avsc: &str, references: &[impl AsRef<str>]) -> Result<Self, Error> {
        let (schema, references) = Schema::parse_str_with_list(avsc, references)
            .map_err(|e| crate::schemas::AvroSchemaError::error(e.to_string()))?;
        Ok(Self { schema, references })
    }

    /// The same schema, for generic [`Value`]s.
    #[must_use]
    pub fn values(&self) -> AvroValueEncoder {
        AvroValueEncoder(self.clone())
    }

    fn writer(&self) -> Result<GenericDatumWriter<'_>, EncodeError> {
        // Referenced types first: names resolve in order.
        let schemata = self
            .references
            .iter()
            .chain(std::iter::once(&self.schema))
            .collect();
        let resolved = ResolvedSchema::new_with_schemata(schemata).map_err(failed)?;
        GenericDatumWriter::builder(&self.schema)
            .resolved_schemata(resolved)
            .human_readable(false)
            .build()
            .map_err(failed)
    }
}

#[allow(
    clippy::needless_pass_by_value,
    reason = "taken by value to serve as map_err(failed)"
)]
fn failed(e: apache_avro::Error) -> EncodeError {
    EncodeError::new(e.to_string())
}

impl<T: Serialize + ?Sized> Encoder<T> for AvroEncoder {
    fn encode(&self, value: &T) -> Result<Vec<u8>, EncodeError> {
        self.writer()?.write_ser_to_vec(&value).map_err(failed)
    }
}

/// Writes generic Avro [`Value`]s (from [`AvroEncoder::values`]).
#[derive(Debug, Clone)]
pub struct AvroValueEncoder(AvroEncoder);

impl Encoder<Value> for AvroValueEncoder {
    fn encode(&self, value: &Value) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::new();
        self.0
            .writer()?
            .write_value_ref(&mut out, value)
            .map_err(failed)?;
        Ok(out)
    }
}
