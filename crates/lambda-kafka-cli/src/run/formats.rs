//! Each schema id's `dataFormat` for the SOURCE shape, asked of the registry once.

use std::collections::HashMap;

use kafka_core::{DataFormat, SchemaId};
use lambda_kafka::registry::{ConfluentRegistry, GlueRegistry, SchemaRegistry};

use crate::args::{RegistryKind, RunArgs};

/// Each schema id's `dataFormat`, asked of the registry once.
pub(crate) struct Formats {
    runtime: Option<tokio::runtime::Runtime>,
    registry: Option<Box<dyn SchemaRegistry>>,
    known: HashMap<SchemaId, Option<DataFormat>>,
}

impl Formats {
    pub(crate) fn new(args: &RunArgs) -> Result<Self, String> {
        let none = Self {
            runtime: None,
            registry: None,
            known: HashMap::new(),
        };
        let Some(kind) = args.schema_registry else {
            if args.schema_registry_url.is_some() {
                return Err("--schema-registry-url needs --schema-registry confluent".to_owned());
            }
            return Ok(none);
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the schema lookups: {e}"))?;
        let registry: Box<dyn SchemaRegistry> = match kind {
            RegistryKind::Glue => {
                if args.schema_registry_url.is_some() {
                    return Err(
                        "--schema-registry-url is for --schema-registry confluent".to_owned()
                    );
                }
                Box::new(runtime.block_on(GlueRegistry::from_env()))
            }
            RegistryKind::Confluent => {
                let Some(urls) = &args.schema_registry_url else {
                    eprintln!(
                        "lambda-kafka run: without --schema-registry-url, *SchemaMetadata has no dataFormat"
                    );
                    return Ok(none);
                };
                let mut builder = ConfluentRegistry::builder().urls(urls);
                if let Some(pair) = &args.schema_registry_auth {
                    builder = builder
                        .basic_auth_pair(pair)
                        .map_err(|e| format!("--schema-registry-auth: {e}"))?;
                }
                Box::new(
                    builder
                        .build()
                        .map_err(|e| format!("--schema-registry-url: {e}"))?,
                )
            }
        };
        Ok(Self {
            runtime: Some(runtime),
            registry: Some(registry),
            known: HashMap::new(),
        })
    }

    pub(crate) fn of(&mut self, id: &SchemaId) -> Option<DataFormat> {
        let (Some(runtime), Some(registry)) = (&self.runtime, &self.registry) else {
            return None;
        };
        self.known
            .entry(*id)
            .or_insert_with(|| match runtime.block_on(registry.fetch(id)) {
                Ok(schema) => Some(schema.format),
                Err(e) => {
                    eprintln!("lambda-kafka run: no dataFormat for {}: {e}", id.describe());
                    None
                }
            })
            .clone()
    }
}
