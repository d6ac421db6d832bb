//! JSON payloads validated with the JSON Schema a registry holds for their id.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::{Arc, RwLock};

use kafka_core::FramingPolicy;
use kafka_core::SchemaAware;
use kafka_core::{
    Codec, DataFormat, DecodeError, Lend, Payload, RegisteredSchema, SchemaId, SchemaMetadata,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::{Json, json_text};

/// A learned JSON Schema, compiled, or why it could not be had.
type Entry = Result<Arc<jsonschema::Validator>, Arc<str>>;

/// A JSON codec that checks each payload framed with a registry id against the JSON
/// Schema the registry holds for that id, before deserializing it (see
/// [`Json::validate_with_registry`]). Payloads that name no id are not checked.
pub struct JsonWithSchemas<T> {
    learned: Arc<RwLock<HashMap<SchemaId, Entry>>>,
    _output: PhantomData<fn() -> T>,
}

impl<T> Clone for JsonWithSchemas<T> {
    fn clone(&self) -> Self {
        Self {
            learned: Arc::clone(&self.learned),
            _output: PhantomData,
        }
    }
}

impl<T> std::fmt::Debug for JsonWithSchemas<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JsonWithSchemas<{}>", std::any::type_name::<T>())
    }
}

impl<T> Json<T> {
    /// The same codec, checking each payload framed with a registry id against the JSON
    /// Schema the registry holds for it (fetched and compiled once by the step before
    /// decoding, `kafka_registry::SchemaCache::prepare`). A payload that does not match
    /// is that record's `deserialization` error, naming where it fails (the path, the
    /// keyword), never its values.
    #[must_use]
    pub fn validate_with_registry(self) -> JsonWithSchemas<T> {
        JsonWithSchemas {
            learned: Arc::new(RwLock::new(HashMap::new())),
            _output: PhantomData,
        }
    }
}

fn compile(schema: &RegisteredSchema) -> Result<jsonschema::Validator, String> {
    if schema.format != DataFormat::Json {
        return Err(format!(
            "the registry's schema is {}, not JSON",
            schema.format
        ));
    }
    let document: serde_json::Value = serde_json::from_str(&schema.text)
        .map_err(|e| format!("the registry's JSON Schema is not JSON: {e}"))?;
    jsonschema::validator_for(&document)
        .map_err(|e| format!("the registry's JSON Schema does not compile: {e}"))
}

impl<T: DeserializeOwned> Codec for JsonWithSchemas<T> {
    type Output = T;

    fn decode(&self, payload: Payload<'_>) -> Result<T, DecodeError> {
        let text = json_text(&payload)?;
        let Some(id) = payload.framing.schema_id() else {
            return serde_json::from_str(text).map_err(|e| DecodeError::from_serde(&e));
        };
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| DecodeError::from_serde(&e))?;
        self.validate(id, &value)?;
        serde_json::from_value(value).map_err(|e| DecodeError::from_serde(&e))
    }

    fn schema_aware(&self) -> Option<&dyn SchemaAware> {
        Some(self)
    }
}

impl<T: DeserializeOwned> SchemaAware for JsonWithSchemas<T> {
    fn format(&self) -> Option<DataFormat> {
        Some(DataFormat::Json)
    }

    fn framing(&self, _: Option<&SchemaMetadata<'_>>) -> FramingPolicy {
        FramingPolicy::PREFIX
    }

    fn wants_schema(&self, id: &SchemaId) -> bool {
        !matches!(
            self.learned
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .get(id),
            Some(Ok(_))
        )
    }

    fn learn_schema(&self, id: &SchemaId, schema: Result<&RegisteredSchema, &str>) {
        let mut learned = self.learned.write().unwrap_or_else(|e| e.into_inner());
        if matches!(learned.get(id), Some(Ok(_))) {
            return;
        }
        let entry = match schema {
            Ok(schema) => compile(schema)
                .map(Arc::new)
                .map_err(|e| Arc::from(format!("{}: {e}", id.describe()))),
            Err(reason) => Err(Arc::from(reason)),
        };
        learned.insert(*id, entry);
    }
}

/// Validated as [`Codec::decode`] validates, then read again from the text into the
/// borrowing type.
impl<T: DeserializeOwned> Lend for JsonWithSchemas<T> {
    fn decode_as<'p, U: Deserialize<'p>>(&self, payload: Payload<'p>) -> Result<U, DecodeError> {
        let text = json_text(&payload)?;
        if let Some(id) = payload.framing.schema_id() {
            let value: serde_json::Value =
                serde_json::from_str(text).map_err(|e| DecodeError::from_serde(&e))?;
            self.validate(id, &value)?;
        }
        serde_json::from_str(text).map_err(|e| DecodeError::from_serde(&e))
    }
}

impl<T> JsonWithSchemas<T> {
    /// Checks a value against the registry's JSON Schema of `id`.
    fn validate(&self, id: &SchemaId, value: &serde_json::Value) -> Result<(), DecodeError> {
        let validator = match self
            .learned
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
        {
            Some(Ok(validator)) => Arc::clone(validator),
            Some(Err(reason)) => return Err(DecodeError::schema_registry(reason.to_string())),
            None => {
                return Err(DecodeError::schema_registry(format!(
                    "{} was not fetched from the registry (prepare the batch before decoding it)",
                    id.describe()
                )));
            }
        };
        if let Some(error) = validator.iter_errors(value).next() {
            // The path and the keyword say where and what; the values stay out.
            return Err(DecodeError::new(format!(
                "does not match the registry's JSON Schema of {}: at \"{}\", the schema's \"{}\" fails",
                id.describe(),
                error.instance_path,
                keyword(&error.schema_path.to_string())
            )));
        }
        Ok(())
    }
}

/// The last keyword of a schema path (`/properties/total/type` → `type`).
fn keyword(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}
