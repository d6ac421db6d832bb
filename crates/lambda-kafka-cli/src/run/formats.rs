//! Each schema id's `dataFormat` for the SOURCE shape, asked of the registry once.

use std::collections::HashMap;

use kafka_core::{DataFormat, SchemaId};
use lambda_kafka::registry::SchemaCache;

use crate::args::RunArgs;

/// Each schema id's `dataFormat`, asked of the registry once.
pub(crate) struct Formats {
    runtime: Option<tokio::runtime::Runtime>,
    registry: Option<SchemaCache>,
    known: HashMap<SchemaId, Option<DataFormat>>,
}

impl Formats {
    pub(crate) fn new(args: &RunArgs) -> Result<Self, String> {
        let Some(settings) = args.registry.settings()? else {
            return Ok(Self {
                runtime: None,
                registry: None,
                known: HashMap::new(),
            });
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the schema lookups: {e}"))?;
        let registry = runtime
            .block_on(settings.cache())
            .map_err(|e| format!("--schema-registry: {e}"))?;
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
            .or_insert_with(|| match runtime.block_on(registry.get(*id, None)) {
                Ok(schema) => Some(schema.format.clone()),
                Err(e) => {
                    eprintln!("lambda-kafka run: no dataFormat for {}: {e}", id.describe());
                    None
                }
            })
            .clone()
    }
}
