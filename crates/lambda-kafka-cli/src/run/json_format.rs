//! The mapping's JSON record format (`--record-format json`): each key and value whose
//! framing names a schema the registry holds is decoded with that writer schema (Avro,
//! Protobuf) and handed over as JSON text, with the schema metadata SOURCE writes; a JSON
//! Schema payload is handed over as its text. The decoding is the library's own: the codecs
//! `decode --schema-registry` uses, learning each schema from the registry.

use std::borrow::Cow;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use kafka_core::{
    DataFormat, FramingPolicy, Header, Headers, KafkaConsumer, KafkaEvent, Part, PartitionRecords,
    RawPayload, RawRecord, RecordError, SchemaId, WireFormat,
};
use lambda_kafka::any::{AnyCodec, CodecSpec, FormatName};
use lambda_kafka::registry::SchemaCache;

use super::envelope::{Fetched, Registry};
use super::mapping::Condition;

/// A side as the JSON record format delivers it.
#[derive(Debug)]
pub(crate) enum Transcoded {
    /// JSON text, and the schema's id and format for the metadata.
    Json {
        text: Vec<u8>,
        id: SchemaId,
        format: Option<DataFormat>,
    },
    /// Not framed with a schema id: delivered as it is.
    AsIs,
    /// Framed, but it could not be had as JSON: the record goes to the on-failure
    /// destination with this condition.
    Failed {
        condition: Condition,
        reason: String,
    },
}

/// One consumer per format, each side learning its schemas from the registry.
pub(crate) type Consumer = KafkaConsumer<AnyCodec, AnyCodec>;

/// The JSON record format's decoders.
pub(crate) struct JsonFormat {
    avro: Consumer,
    protobuf: Consumer,
    wire: WireFormat,
}

fn codec(format: FormatName) -> Result<AnyCodec, String> {
    AnyCodec::build(&CodecSpec {
        format,
        schema: None,
        message: None,
        schema_dir: None,
        learn_from_registry: true,
    })
    .map_err(|e| format!("--record-format json: the {} codec: {e}", format.as_str()))
}

impl JsonFormat {
    pub(crate) fn new(registry: Registry) -> Result<Self, String> {
        let wire = match registry {
            Registry::Confluent => WireFormat::Confluent,
            Registry::Glue => WireFormat::Glue,
        };
        let consumer = |format| -> Result<Consumer, String> {
            Ok(KafkaConsumer::with_codecs(codec(format)?, codec(format)?).wire_format(wire))
        };
        Ok(Self {
            avro: consumer(FormatName::Avro)?,
            protobuf: consumer(FormatName::Protobuf)?,
            wire,
        })
    }

    /// One side of `fetched` as JSON text, when its framing names a schema; `format_of`
    /// says the schema's format, `prepare` fetches the schemas an event needs.
    pub(crate) fn transcode(
        &self,
        fetched: &Fetched<'_>,
        topic: &Arc<str>,
        part: Part,
        format_of: &mut dyn FnMut(&SchemaId) -> Option<DataFormat>,
        prepare: &mut dyn FnMut(&Consumer, &KafkaEvent<'_>),
    ) -> Transcoded {
        let bytes = match part {
            Part::Key => fetched.key,
            Part::Value => fetched.value,
        };
        let Some(bytes) = bytes else {
            return Transcoded::AsIs;
        };
        let raw = RawRecord::new(&**topic, fetched.partition, fetched.offset, 0)
            .with_headers(
                fetched
                    .headers
                    .iter()
                    .map(|(name, value)| Header::new(*name, value.map(<[u8]>::to_vec)))
                    .collect::<Headers<'_>>(),
            )
            .with_payload(part, RawPayload::Base64(Cow::Owned(STANDARD.encode(bytes))));
        // The id, read as a JSON or Avro codec reads it, or as a Protobuf one (whose
        // schema-id header carries message indexes after the id).
        let policies = if self.wire == WireFormat::Glue {
            [FramingPolicy::KNOWN_IDS, FramingPolicy::KNOWN_IDS]
        } else {
            [FramingPolicy::PREFIX, FramingPolicy::PROTOBUF]
        };
        let id = policies
            .into_iter()
            .find_map(|policy| match raw.unframe(part, policy) {
                Ok(Some((framing, _))) => framing.schema_id().copied(),
                _ => None,
            });
        let Some(id) =
            id.or_else(|| super::envelope::unframe(registry_of(self.wire), bytes).map(|u| u.id))
        else {
            return Transcoded::AsIs;
        };
        let format = format_of(&id);
        let consumer = match format {
            Some(DataFormat::Avro) => &self.avro,
            Some(DataFormat::Protobuf) => &self.protobuf,
            Some(DataFormat::Json) => {
                // Already JSON text: its framing goes, as SOURCE removes it.
                return match raw.unframe(part, FramingPolicy::PREFIX) {
                    Ok(Some((_, payload))) => Transcoded::Json {
                        text: payload.to_vec(),
                        id,
                        format,
                    },
                    _ => Transcoded::AsIs,
                };
            }
            _ => {
                return Transcoded::Failed {
                    condition: Condition::SchemaNotFound,
                    reason: format!("the registry has no schema {}", id.describe()),
                };
            }
        };
        let event = KafkaEvent::new(
            None,
            None,
            None,
            vec![PartitionRecords::new(
                format!("{topic}-{}", fetched.partition),
                vec![raw.clone()],
            )],
        );
        // A schema that cannot be had fails the decoding below (`schema-registry`).
        prepare(consumer, &event);
        let decoded = match part {
            Part::Key => consumer.decode_key(&raw),
            Part::Value => consumer.decode_value(&raw),
        };
        match decoded {
            Ok(Some((value, _))) => match serde_json::to_vec(&value) {
                Ok(text) => Transcoded::Json { text, id, format },
                Err(e) => failed(&e.to_string(), false),
            },
            Ok(None) => Transcoded::AsIs,
            Err(error) => failed(
                &error.to_string(),
                matches!(error, RecordError::SchemaRegistry { .. }),
            ),
        }
    }
}

fn registry_of(wire: WireFormat) -> Registry {
    if wire == WireFormat::Glue {
        Registry::Glue
    } else {
        Registry::Confluent
    }
}

fn failed(reason: &str, schema: bool) -> Transcoded {
    Transcoded::Failed {
        condition: if schema {
            Condition::SchemaNotFound
        } else {
            Condition::DeserializationError
        },
        reason: reason.to_owned(),
    }
}

/// Fetches, with `cache` on `runtime`, the schemas `consumer` needs for `event`.
pub(crate) fn prepare(
    runtime: &tokio::runtime::Runtime,
    cache: &SchemaCache,
    consumer: &Consumer,
    event: &KafkaEvent<'_>,
) {
    runtime.block_on(cache.prepare(consumer, event));
}
