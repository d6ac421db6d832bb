//! What the registry says of each schema id, for the SOURCE and JSON record formats: its
//! `dataFormat`, asked once, and (JSON) its writer schema, to decode with.

use std::collections::HashMap;
use std::sync::Arc;

use kafka_core::{DataFormat, KafkaEvent, Part, SchemaId};
use lambda_kafka::registry::SchemaCache;

use super::envelope::{Fetched, Registry};
use super::json_format::{self, JsonFormat, Transcoded};
use crate::args::{RecordFormat, RunArgs};

/// Each schema id's `dataFormat`, asked of the registry once, and the JSON record format's
/// decoders when it is asked for.
pub(crate) struct Formats {
    runtime: Option<tokio::runtime::Runtime>,
    registry: Option<SchemaCache>,
    known: HashMap<SchemaId, Option<DataFormat>>,
    json: Option<JsonFormat>,
}

impl Formats {
    pub(crate) fn new(args: &RunArgs, registry: Option<Registry>) -> Result<Self, String> {
        let json = match (args.record_format, registry) {
            (RecordFormat::Source, _) => None,
            (RecordFormat::Json, Some(registry)) => Some(JsonFormat::new(registry)?),
            (RecordFormat::Json, None) => {
                return Err(
                    "--record-format json needs a registry: --schema-registry URL or --glue-registry"
                        .to_owned(),
                );
            }
        };
        let Some(settings) = args.registry.settings()? else {
            return Ok(Self {
                runtime: None,
                registry: None,
                known: HashMap::new(),
                json,
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
            json,
        })
    }

    /// Whether records are delivered in the JSON record format.
    pub(crate) fn is_json(&self) -> bool {
        self.json.is_some()
    }

    /// One side of a record in the JSON record format (`AsIs` in SOURCE).
    pub(crate) fn transcode(
        &mut self,
        fetched: &Fetched<'_>,
        topic: &Arc<str>,
        part: Part,
    ) -> Transcoded {
        let (Some(json), Some(runtime), Some(cache)) = (&self.json, &self.runtime, &self.registry)
        else {
            return Transcoded::AsIs;
        };
        let known = &mut self.known;
        let mut format_of = |id: &SchemaId| lookup(known, runtime, cache, id);
        let mut prepare = |consumer: &json_format::Consumer, event: &KafkaEvent<'_>| {
            json_format::prepare(runtime, cache, consumer, event);
        };
        json.transcode(fetched, topic, part, &mut format_of, &mut prepare)
    }

    pub(crate) fn of(&mut self, id: &SchemaId) -> Option<DataFormat> {
        let (Some(runtime), Some(registry)) = (&self.runtime, &self.registry) else {
            return None;
        };
        lookup(&mut self.known, runtime, registry, id)
    }
}

/// The `dataFormat` of `id`, asked of `registry` the first time.
fn lookup(
    known: &mut HashMap<SchemaId, Option<DataFormat>>,
    runtime: &tokio::runtime::Runtime,
    registry: &SchemaCache,
    id: &SchemaId,
) -> Option<DataFormat> {
    known
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
