//! The codecs: typed values, generic values and JSON.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::RwLock;
use std::sync::atomic::{AtomicBool, Ordering};

use kafka_core::{
    Codec, DataFormat, DecodeError, Error, FramingPolicy, Lend, Payload, RegisteredSchema,
    SchemaAware, SchemaId, SchemaMetadata,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::decoder::Decoder;
use crate::schemas::Slot;
use crate::{AvroSchemas, Value, json};

/// The codecs made of parsed schemas.
impl AvroSchemas {
    /// A codec decoding into `T` with serde.
    #[must_use]
    pub fn typed<T: DeserializeOwned>(&self) -> Avro<T> {
        Avro {
            direct: self
                .inner
                .decoders
                .iter()
                .map(|decoder| AtomicBool::new(decoder.plan().is_some()))
                .collect(),
            learned_direct: RwLock::new(HashMap::new()),
            schemas: self.clone(),
            _output: PhantomData,
        }
    }

    /// A codec decoding into Avro's generic [`Value`](crate::Value).
    #[must_use]
    pub fn generic(&self) -> AvroGeneric {
        AvroGeneric {
            schemas: self.clone(),
        }
    }

    /// A codec decoding into JSON (see the mapping in the crate docs). Without a reader
    /// schema, and for schemas without decimal, duration or uuid logical types, payloads
    /// are read straight into JSON, without apache-avro's [`Value`](crate::Value) in between.
    #[must_use]
    pub fn json(&self) -> AvroJson {
        AvroJson {
            schemas: self.clone(),
        }
    }
}

/// What every Avro codec tells the consumer: its format, that a header is read only for
/// a schema id its schemas know, and which ids those are.
impl SchemaAware for AvroSchemas {
    fn format(&self) -> Option<DataFormat> {
        Some(DataFormat::Avro)
    }

    fn framing(&self, _: Option<&SchemaMetadata<'_>>) -> FramingPolicy {
        FramingPolicy::KNOWN_IDS
    }

    fn knows_schema_id(&self, id: &SchemaId) -> bool {
        self.knows(id)
    }

    fn wants_schema(&self, id: &SchemaId) -> bool {
        self.wants(id)
    }

    fn learn_schema(&self, id: &SchemaId, schema: Result<&RegisteredSchema, &str>) {
        self.learn(id, schema);
    }
}

/// Adds, to a failure on bytes read as a bare datum that begin like a Glue header (or a
/// Confluent one with an id below 2^24), what those bytes look like and the setting that
/// reads them: under
/// [`WireFormat::Auto`](kafka_core::WireFormat::Auto) an Avro codec reads a header only
/// for a schema id it knows, since a datum can begin with those bytes too.
fn framing_hint(payload: &Payload<'_>, error: DecodeError) -> DecodeError {
    if payload.framing.wire_format() != kafka_core::WireFormat::Plain {
        return error;
    }
    let hint = match header_like(payload.received) {
        Some(SchemaId::Glue(version)) => format!(
            "; the bytes begin like an AWS Glue header (schema version {}), which this codec does not know: \
             if the payloads are framed, set the wire format to glue",
            version.hyphenated()
        ),
        // A datum often starts with one zero byte (a null branch, a zero); registry ids
        // are small, so a header has two.
        Some(SchemaId::Confluent(id)) if payload.received.starts_with(&[0, 0]) => format!(
            "; the bytes begin like a Confluent header (schema id {id}), which this codec does not know: \
             if the payloads are framed, set the wire format to confluent"
        ),
        _ => return error,
    };
    error.with_hint(&hint)
}

/// The schema id the first bytes would name if they were a header: a Glue one (`0x03`, the
/// compression byte `0x00` or `0x05`, the schema version's 16 bytes) or a Confluent one
/// (`0x00`, the id as a big-endian u32).
fn header_like(bytes: &[u8]) -> Option<SchemaId> {
    match bytes {
        [0x03, 0x00 | 0x05, version @ ..] => {
            let version: [u8; 16] = version.get(..16)?.try_into().ok()?;
            Some(SchemaId::Glue(kafka_core::Uuid::from_bytes(version)))
        }
        [0x00, a, b, c, d, ..] => Some(SchemaId::Confluent(u32::from_be_bytes([*a, *b, *c, *d]))),
        _ => None,
    }
}

/// Decodes Avro payloads into `T` with serde.
///
/// Each payload is read with the direct reader (straight from the bytes, strings lent,
/// see the crate docs) when its writer schema has a plan, or else with apache-avro's
/// reader (resolving into the reader schema when there is one). What the codec learns is
/// kept per writer schema: the first time `T` asks a schema's payload for something its
/// plan does not read (a union into a Rust enum), that schema is read by apache-avro for
/// this codec from then on, and every other schema keeps the direct reader.
pub struct Avro<T> {
    pub(crate) schemas: AvroSchemas,
    /// Per writer schema built with the codec (by its slot): whether to read it with the
    /// direct reader.
    pub(crate) direct: Box<[AtomicBool]>,
    /// The same, for writer schemas learned from a registry, by id; `false` once the
    /// direct reader left one to apache-avro.
    pub(crate) learned_direct: RwLock<HashMap<SchemaId, bool>>,
    pub(crate) _output: PhantomData<fn() -> T>,
}

impl<T> Clone for Avro<T> {
    fn clone(&self) -> Self {
        Self {
            schemas: self.schemas.clone(),
            direct: self
                .direct
                .iter()
                .map(|flag| AtomicBool::new(flag.load(Ordering::Relaxed)))
                .collect(),
            learned_direct: RwLock::new(
                self.learned_direct
                    .read()
                    .unwrap_or_else(|e| e.into_inner())
                    .clone(),
            ),
            _output: PhantomData,
        }
    }
}

impl<T> Avro<T> {
    /// Whether to try the direct reader on this writer schema.
    fn direct(&self, slot: Slot) -> bool {
        match slot {
            Slot::Built(slot) => self.direct[slot].load(Ordering::Relaxed),
            Slot::Learned(id) => self
                .learned_direct
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .get(&id)
                .copied()
                .unwrap_or(true),
        }
    }

    /// The direct reader left this writer schema to apache-avro, for this type.
    fn leave_direct(&self, slot: Slot) {
        match slot {
            Slot::Built(slot) => self.direct[slot].store(false, Ordering::Relaxed),
            Slot::Learned(id) => {
                self.learned_direct
                    .write()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(id, false);
            }
        }
    }
}

impl<T> fmt::Debug for Avro<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(&format!("Avro<{}>", std::any::type_name::<T>()))
            .field("schemas", &self.schemas)
            .finish()
    }
}

impl<T: DeserializeOwned> Avro<T> {
    /// A codec with one schema, the writer schema of every payload.
    ///
    /// # Errors
    /// [`Error::SchemaParse`] when the schema does not parse.
    pub fn new(avsc: &str) -> Result<Self, Error> {
        Ok(AvroSchemas::builder().schema(avsc).build()?.typed())
    }
}

impl<T: DeserializeOwned> Codec for Avro<T> {
    type Output = T;

    fn schema_aware(&self) -> Option<&dyn SchemaAware> {
        Some(&self.schemas)
    }

    fn decode(&self, payload: Payload<'_>) -> Result<T, DecodeError> {
        let (slot, decoder) = self.schemas.decoder(&payload)?;
        if self.direct(slot)
            && let Some(plan) = decoder.plan()
        {
            match self.schemas.read_direct::<T>(plan, &payload) {
                Some(result) => return result.map_err(|e| framing_hint(&payload, e)),
                // Not for this type: apache-avro reads this schema from now on.
                None => self.leave_direct(slot),
            }
        }
        self.schemas
            .read(&decoder, &payload, Decoder::read_typed)
            .map_err(|e| framing_hint(&payload, e))
    }
}

/// Any serde type, its strings and bytes lent from the payload, read with the direct
/// reader. A writer schema it does not read (a decimal, duration or UUID logical type, a
/// reader schema to resolve into) or a union read into a Rust enum is an error that says
/// so: apache-avro's reader cannot lend, and an owned type reads those.
impl<T: DeserializeOwned> Lend for Avro<T> {
    fn decode_as<'p, U: Deserialize<'p>>(&self, payload: Payload<'p>) -> Result<U, DecodeError> {
        lend(&self.schemas, payload)
    }
}

/// As [`Avro`] lends.
impl Lend for AvroGeneric {
    fn decode_as<'p, U: Deserialize<'p>>(&self, payload: Payload<'p>) -> Result<U, DecodeError> {
        lend(&self.schemas, payload)
    }
}

/// As [`Avro`] lends.
impl Lend for AvroJson {
    fn decode_as<'p, U: Deserialize<'p>>(&self, payload: Payload<'p>) -> Result<U, DecodeError> {
        lend(&self.schemas, payload)
    }
}

/// A payload read with the direct reader into a type that may borrow from it.
fn lend<'p, U: Deserialize<'p>>(
    schemas: &AvroSchemas,
    payload: Payload<'p>,
) -> Result<U, DecodeError> {
    let (_, decoder) = schemas.decoder(&payload)?;
    let Some(plan) = decoder.plan() else {
        return Err(DecodeError::new(
            "this writer schema is read by apache-avro (a decimal, duration or uuid logical type, \
             or a reader schema to resolve into), which cannot lend: decode it into an owned type",
        ));
    };
    match schemas.read_direct::<U>(plan, &payload) {
        Some(result) => result.map_err(|e| framing_hint(&payload, e)),
        None => Err(DecodeError::new(
            "a union read into a Rust enum is read by apache-avro, which cannot lend: \
             decode it into an owned type",
        )),
    }
}

/// Decodes Avro payloads into Avro's generic [`Value`].
#[derive(Debug, Clone)]
pub struct AvroGeneric {
    pub(crate) schemas: AvroSchemas,
}

impl Codec for AvroGeneric {
    type Output = Value;

    fn schema_aware(&self) -> Option<&dyn SchemaAware> {
        Some(&self.schemas)
    }

    fn decode(&self, payload: Payload<'_>) -> Result<Value, DecodeError> {
        let (_, decoder) = self.schemas.decoder(&payload)?;
        self.schemas
            .read(&decoder, &payload, Decoder::read_value)
            .map_err(|e| framing_hint(&payload, e))
    }
}

/// Decodes Avro payloads into JSON, as the `lambda-kafka` CLI prints them (see the crate
/// docs for the mapping).
#[derive(Debug, Clone)]
pub struct AvroJson {
    pub(crate) schemas: AvroSchemas,
}

impl Codec for AvroJson {
    type Output = serde_json::Value;

    fn schema_aware(&self) -> Option<&dyn SchemaAware> {
        Some(&self.schemas)
    }

    fn decode(&self, payload: Payload<'_>) -> Result<serde_json::Value, DecodeError> {
        let (_, decoder) = self.schemas.decoder(&payload)?;
        if let Some(plan) = decoder.plan() {
            return self
                .schemas
                .read_direct_json(plan, &payload)
                .map_err(|e| framing_hint(&payload, e));
        }
        through_apache(&self.schemas, &decoder, &payload)
    }
}

/// A payload as JSON through apache-avro's generic value and the mapping: the reading of
/// the schemas the direct reader leaves to apache-avro.
pub(crate) fn through_apache(
    schemas: &AvroSchemas,
    decoder: &Decoder,
    payload: &Payload<'_>,
) -> Result<serde_json::Value, DecodeError> {
    let value = schemas
        .read(decoder, payload, Decoder::read_value)
        .map_err(|e| framing_hint(payload, e))?;
    let (schema, names) = decoder.output();
    Ok(json::to_json(&value, schema, names))
}

#[cfg(test)]
mod tests {
    use kafka_core::WireFormat;
    use kafka_core::testing::wire::confluent;
    use kafka_core::{KafkaConsumer, KafkaEvent};

    use super::*;
    use crate::SchemaStore;

    const PLAIN: &str = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"string"}]}"#;
    const DECIMAL: &str = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"string"},
        {"name":"d","type":{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}}]}"#;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct R {
        a: String,
    }

    fn direct_of(codec: &Avro<R>, id: u32) -> bool {
        let slot = codec.schemas.inner.store[&SchemaId::Confluent(id)];
        codec.direct[slot].load(Ordering::Relaxed)
    }

    #[test]
    fn an_unplannable_writer_schema_leaves_the_others_on_the_direct_reader() {
        let schemas = AvroSchemas::builder()
            .store(
                SchemaStore::new()
                    .with_schema(SchemaId::Confluent(1), PLAIN)
                    .with_schema(SchemaId::Confluent(2), DECIMAL),
            )
            .build()
            .unwrap();
        let codec = schemas.typed::<R>();
        assert!(direct_of(&codec, 1));
        assert!(!direct_of(&codec, 2), "a decimal has no plan");

        // A record of the decimal schema first, then one of the plain schema.
        let json = kafka_core::testing::EventBuilder::msk()
            .record(
                kafka_core::testing::RecordBuilder::new("t", 0, 1)
                    .value(confluent(2, &[0x02, b'x', 0x02, 0x01])),
            )
            .record(
                kafka_core::testing::RecordBuilder::new("t", 0, 2)
                    .value(confluent(1, &[0x02, b'y'])),
            )
            .to_json();
        let event = KafkaEvent::from_str(&json).unwrap();
        let consumer = KafkaConsumer::new()
            .value(codec)
            .value_wire_format(WireFormat::Confluent);
        let values: Vec<R> = consumer
            .records(&event)
            .map(|r| r.unwrap().value.unwrap())
            .collect();
        assert_eq!(values, [R { a: "x".into() }, R { a: "y".into() }]);
        assert!(
            direct_of(consumer.value_codec(), 1),
            "the plain schema is still read directly"
        );
    }

    #[test]
    fn one_text_under_two_ids_is_parsed_once() {
        let guid = kafka_core::Uuid::from_u128(7);
        let schemas = AvroSchemas::builder()
            .store(
                SchemaStore::new()
                    .with_schema(SchemaId::Confluent(1), PLAIN)
                    .with_schema(SchemaId::ConfluentGuid(guid), PLAIN)
                    .with_schema(SchemaId::Confluent(2), DECIMAL),
            )
            .build()
            .unwrap();
        let inner = &schemas.inner;
        assert_eq!(inner.decoders.len(), 2);
        assert_eq!(
            inner.store[&SchemaId::Confluent(1)],
            inner.store[&SchemaId::ConfluentGuid(guid)]
        );
    }

    #[test]
    fn a_type_the_plan_cannot_serve_moves_only_its_schema_to_apache_avro() {
        #[derive(Debug, PartialEq, serde::Deserialize)]
        enum Choice {
            Null,
            String(String),
        }
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct U {
            u: Choice,
        }
        let union =
            r#"{"type":"record","name":"U","fields":[{"name":"u","type":["null","string"]}]}"#;
        let both = r#"{"type":"record","name":"U","fields":[{"name":"u","type":["null","string"]},{"name":"a","type":"string"}]}"#;
        let schemas = AvroSchemas::builder()
            .store(
                SchemaStore::new()
                    .with_schema(SchemaId::Confluent(1), union)
                    .with_schema(SchemaId::Confluent(2), both),
            )
            .build()
            .unwrap();
        let json = kafka_core::testing::EventBuilder::msk()
            .record(
                kafka_core::testing::RecordBuilder::new("t", 0, 1)
                    .value(confluent(1, &[0x02, 0x02, b'z'])),
            )
            .to_json();
        let event = KafkaEvent::from_str(&json).unwrap();
        let consumer = KafkaConsumer::new()
            .value(schemas.typed::<U>())
            .value_wire_format(WireFormat::Confluent);
        let record = consumer.records(&event).next().unwrap().unwrap();
        assert_eq!(record.value.unwrap().u, Choice::String("z".into()));
        let codec = consumer.value_codec();
        let slot = |id| codec.schemas.inner.store[&SchemaId::Confluent(id)];
        assert!(!codec.direct[slot(1)].load(Ordering::Relaxed));
        assert!(codec.direct[slot(2)].load(Ordering::Relaxed));
    }
}
