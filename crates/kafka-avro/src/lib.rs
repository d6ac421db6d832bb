//! The Avro codec of [lambda-kafka](https://docs.rs/lambda-kafka): Kafka keys and values
//! into your own serde types, into Avro's generic [`Value`], or into JSON, with schema
//! evolution and writer schemas found by registry id.
//!
//! Schemas are parsed once, when the codec is built ([`AvroSchemas::builder`]); each
//! payload then decodes without schema work.
//!
//! ```
//! use kafka_avro::{Avro, AvroSchemas};
//! use kafka_core::{Codec, Part, Payload};
//!
//! #[derive(serde::Deserialize, Debug, PartialEq)]
//! struct User { name: String, age: i32 }
//!
//! let schemas = AvroSchemas::builder()
//!     .schema(r#"{"type":"record","name":"User","fields":[
//!         {"name":"name","type":"string"},{"name":"age","type":"int"}]}"#)
//!     .build()?;
//! let codec: Avro<User> = schemas.typed();
//! let user = codec.decode(Payload::new(b"\x06Ada\x48", Part::Value)).unwrap();
//! assert_eq!(user, User { name: "Ada".into(), age: 36 });
//!
//! let json = schemas.json().decode(Payload::new(b"\x06Ada\x48", Part::Value)).unwrap();
//! assert_eq!(json, serde_json::json!({"name": "Ada", "age": 36}));
//! # Ok::<(), kafka_core::Error>(())
//! ```
//!
//! # Which schema decodes a payload
//!
//! - The **writer schema** is the one the payload was written with. When the payload's
//!   framing or metadata names a schema id (see [`kafka_core::wire`]) and the codec has a
//!   [`SchemaStore`], the store's schema for that id; an id the store lacks is an error.
//!   Otherwise the codec's own schema ([`AvroSchemasBuilder::schema`]).
//! - The **reader schema** ([`AvroSchemasBuilder::reader_schema`]) is the one you want to
//!   read into. When it differs from the writer's, values are resolved per the Avro
//!   specification: fields added with defaults, fields removed, `int`→`long`→`float`→
//!   `double` and `string`↔`bytes` promotions, enum defaults, unions.
//!
//! Typed decoding reads straight from the bytes into your type when no resolution is
//! needed, and through a resolved generic value when it is. The straight reading walks a
//! plan of the writer schema compiled once (named types resolved, logical types reduced
//! to what they are written as), lends strings and bytes from the payload, reads the
//! fields of a struct that follows the record's field order by position, and checks every
//! length and block count against the bytes left and nesting against a depth of 128.
//! Schemas with `decimal`, `duration` or `uuid`, and unions read into Rust enums, are read
//! by apache-avro's own deserializer instead.
//!
//! # Logical types
//!
//! | Avro | generic [`Value`] | typed (serde) | JSON |
//! |---|---|---|---|
//! | `decimal` | `Value::Decimal` | [`apache_avro::Decimal`] | digits as text, `"12.50"` |
//! | `uuid` | `Value::Uuid` | `String` or `uuid::Uuid` | text |
//! | `date` | `Value::Date` (days) | `i32` | days |
//! | `time-millis` / `time-micros` | `TimeMillis` / `TimeMicros` | `i32` / `i64` | integer |
//! | `timestamp-*`, `local-timestamp-*` (millis, micros, nanos) | the matching variant | `i64` | integer |
//! | `duration` | `Value::Duration` | [`apache_avro::Duration`] | `{"months","days","millis"}` |
//!
//! Bytes and fixed values read into `Vec<u8>` (bytes) or `serde_bytes::ByteBuf` (fixed);
//! JSON shows both as base64.
//!
//! # Bounds
//!
//! A datum followed by bytes it did not use is an error (it means a wrong schema), unless
//! [`AvroSchemasBuilder::allow_trailing_bytes`]. A corrupt length prefix cannot make the
//! decoder allocate more than [`AvroSchemasBuilder::max_allocation_bytes`] (16 MiB unless
//! set; apache-avro's own default is 512 MiB).
#![cfg_attr(docsrs, feature(doc_cfg))]

mod decoder;
mod direct;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod encode;
mod json;
mod redact;
mod rename;
mod store;

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub use apache_avro;
use apache_avro::Schema;
pub use apache_avro::types::Value;
use kafka_core::wire::{self, FramingPolicy};
use kafka_core::{Codec, DecodeError, Error, Format, Payload, SchemaId, SchemaMetadata};
use serde::de::DeserializeOwned;

use crate::decoder::{Decoder, Schemas};
use crate::direct::Plan;
pub use crate::store::SchemaStore;

/// The default bound on one allocation while decoding: 16 MiB, above any payload of a
/// 6 MB Lambda event.
pub const DEFAULT_MAX_ALLOCATION: usize = 16 << 20;

/// Parsed Avro schemas and decoding options, shared by the codecs made from them.
#[derive(Clone)]
pub struct AvroSchemas {
    inner: Arc<Inner>,
}

struct Inner {
    /// One decoder per writer schema: the codec's own first, when it has one, then the
    /// store's. A codec keeps what it learns about a writer schema by this slot.
    decoders: Vec<Decoder>,
    own: Option<usize>,
    store: HashMap<SchemaId, usize>,
    allow_trailing: bool,
}

impl fmt::Debug for AvroSchemas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AvroSchemas")
            .field(
                "own",
                &self.inner.own.map(|slot| &self.inner.decoders[slot]),
            )
            .field("store", &self.inner.store.keys().collect::<Vec<_>>())
            .field("allow_trailing", &self.inner.allow_trailing)
            .finish()
    }
}

impl AvroSchemas {
    /// Starts describing the schemas.
    #[must_use]
    pub fn builder() -> AvroSchemasBuilder {
        AvroSchemasBuilder::default()
    }

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
            schemas: self.clone(),
            _output: PhantomData,
        }
    }

    /// A codec decoding into Avro's generic [`Value`].
    #[must_use]
    pub fn generic(&self) -> AvroGeneric {
        AvroGeneric {
            schemas: self.clone(),
        }
    }

    /// A codec decoding into JSON (see the mapping in the crate docs).
    #[must_use]
    pub fn json(&self) -> AvroJson {
        AvroJson {
            schemas: self.clone(),
        }
    }

    /// Whether a schema id has a writer schema in the store.
    #[must_use]
    pub fn knows(&self, id: &SchemaId) -> bool {
        self.inner.store.contains_key(id)
    }

    /// Picks the writer schema's decoder for a payload, with its slot.
    fn decoder(&self, payload: &Payload<'_>) -> Result<(usize, &Decoder), DecodeError> {
        let inner = &self.inner;
        let id = payload.framing.schema_id();
        let slot = match id {
            Some(id) if !inner.store.is_empty() => *inner.store.get(id).ok_or_else(|| {
                DecodeError::new(format!(
                    "no writer schema for {} in the schema store ({} schemas)",
                    id.describe(),
                    inner.store.len()
                ))
            })?,
            _ => inner.own.ok_or_else(|| match id {
                Some(id) => DecodeError::new(format!(
                    "no writer schema for {}: the codec has no schema store and no schema of its own",
                    id.describe()
                )),
                None => DecodeError::new(
                    "the payload names no schema id, and the codec has no schema of its own to read it with",
                ),
            })?,
        };
        Ok((slot, &inner.decoders[slot]))
    }

    /// Reads a `T` with the direct serde reader; `None` when the type asks for something
    /// the plan leaves to apache-avro (a union read into a Rust enum, for instance).
    fn read_direct<T: DeserializeOwned>(
        &self,
        plan: &Plan,
        payload: &Payload<'_>,
    ) -> Option<Result<T, DecodeError>> {
        let mut rest = payload.bytes;
        let value = match direct::from_slice::<T>(plan, &mut rest) {
            Ok(value) => value,
            Err(direct::DirectError::Unsupported) => return None,
            Err(direct::DirectError::Invalid(message)) => {
                return Some(Err(DecodeError::from_serde(&message)));
            }
        };
        Some(self.check_trailing(payload, rest).map(|()| value))
    }

    fn check_trailing(&self, payload: &Payload<'_>, rest: &[u8]) -> Result<(), DecodeError> {
        if !rest.is_empty() && !self.inner.allow_trailing {
            return Err(DecodeError::new(format!(
                "{} bytes left after the datum ({} in all): the payload was not written with this schema",
                rest.len(),
                payload.bytes.len()
            )));
        }
        Ok(())
    }

    /// Runs `read` on the payload with `decoder` and checks that it used every byte.
    fn read<T>(
        &self,
        decoder: &Decoder,
        payload: &Payload<'_>,
        read: impl FnOnce(&Decoder, &mut &[u8]) -> apache_avro::AvroResult<T>,
    ) -> Result<T, DecodeError> {
        let mut rest = payload.bytes;
        let value = read(decoder, &mut rest).map_err(|e| redact::decode_error(&e))?;
        self.check_trailing(payload, rest)?;
        Ok(value)
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
    let hint = if let Ok((header, _)) = wire::parse_glue(payload.received) {
        format!(
            "; the bytes begin like an AWS Glue header (schema version {}), which this codec does not know: \
             if the payloads are framed, set the wire format to glue",
            header.schema_version.hyphenated()
        )
    } else if let (Ok((id, _)), [0, 0, ..]) =
        (wire::parse_confluent(payload.received), payload.received)
    {
        // A datum often starts with one zero byte (a null branch, a zero); registry ids
        // are small, so a header has two.
        format!(
            "; the bytes begin like a Confluent header (schema id {id}), which this codec does not know: \
             if the payloads are framed, set the wire format to confluent"
        )
    } else {
        return error;
    };
    error.with_hint(&hint)
}

/// Describes the schemas of an Avro codec; [`AvroSchemasBuilder::build`] parses them.
#[derive(Debug, Clone)]
pub struct AvroSchemasBuilder {
    schema: Option<Result<String, String>>,
    reader: Option<Result<String, String>>,
    references: Vec<String>,
    store: SchemaStore,
    allow_trailing: bool,
    max_allocation: usize,
}

impl Default for AvroSchemasBuilder {
    fn default() -> Self {
        Self {
            schema: None,
            reader: None,
            references: Vec::new(),
            store: SchemaStore::new(),
            allow_trailing: false,
            max_allocation: DEFAULT_MAX_ALLOCATION,
        }
    }
}

fn read_file(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

impl AvroSchemasBuilder {
    /// The codec's schema (`.avsc` text): the writer schema of payloads that name no
    /// schema id, or when there is no store.
    #[must_use]
    pub fn schema(mut self, avsc: impl Into<String>) -> Self {
        self.schema = Some(Ok(avsc.into()));
        self
    }

    /// The codec's schema from an `.avsc` file (read when the schemas are built).
    #[must_use]
    pub fn schema_file(mut self, path: impl AsRef<Path>) -> Self {
        self.schema = Some(read_file(path.as_ref()));
        self
    }

    /// The schema to read into; values are resolved from each writer schema into it.
    #[must_use]
    pub fn reader_schema(mut self, avsc: impl Into<String>) -> Self {
        self.reader = Some(Ok(avsc.into()));
        self
    }

    /// The reader schema from an `.avsc` file.
    #[must_use]
    pub fn reader_schema_file(mut self, path: impl AsRef<Path>) -> Self {
        self.reader = Some(read_file(path.as_ref()));
        self
    }

    /// Named types (records, enums, fixed) defined in schemas of their own, that the other
    /// schemas refer to by name.
    #[must_use]
    pub fn references<S: Into<String>>(mut self, avsc: impl IntoIterator<Item = S>) -> Self {
        self.references.extend(avsc.into_iter().map(Into::into));
        self
    }

    /// Writer schemas by registry id.
    #[must_use]
    pub fn store(mut self, store: SchemaStore) -> Self {
        self.store = store;
        self
    }

    /// Accept a datum followed by bytes it did not use (an error unless set).
    #[must_use]
    pub fn allow_trailing_bytes(mut self, allow: bool) -> Self {
        self.allow_trailing = allow;
        self
    }

    /// The most one allocation may take while decoding (16 MiB unless set). apache-avro
    /// keeps this bound once per process, fixed by the first codec built (or the first
    /// decode, at 512 MiB, when Avro was used before any codec was built).
    #[must_use]
    pub fn max_allocation_bytes(mut self, bytes: usize) -> Self {
        self.max_allocation = bytes;
        self
    }

    /// Parses every schema.
    ///
    /// # Errors
    /// - [`Error::MissingSchema`] when there is neither a schema nor a store;
    /// - [`Error::AvroSchemaParse`] when a schema does not parse, with the parser's reason;
    /// - [`Error::Configuration`] when a schema file cannot be read, or the process's
    ///   allocation bound is already above the one asked for.
    pub fn build(self) -> Result<AvroSchemas, Error> {
        let configuration = |reason: String| Error::Configuration { reason };
        if self.schema.is_none() && self.store.is_empty() {
            return Err(Error::MissingSchema {
                part: None,
                format: Format::Avro,
            });
        }
        let effective = apache_avro::util::max_allocation_bytes(self.max_allocation);
        if effective > self.max_allocation {
            return Err(configuration(format!(
                "apache-avro's allocation bound is already {effective} bytes in this process, above the {} asked for",
                self.max_allocation
            )));
        }
        let schema = self.schema.transpose().map_err(configuration)?;
        let reader = self.reader.transpose().map_err(configuration)?;
        let parse = |avsc: &str, what: &str| -> Result<(Schema, Vec<Schema>), Error> {
            Schema::parse_str_with_list(avsc, &self.references).map_err(|e| {
                Error::AvroSchemaParse {
                    part: None,
                    reason: format!("{what}: {e}"),
                }
            })
        };
        let reader = reader
            .map(|avsc| parse(&avsc, "reader schema"))
            .transpose()?;
        let decoder = |writer: (Schema, Vec<Schema>)| {
            Decoder::build(Schemas {
                writer: writer.0,
                references: writer.1,
                reader: reader.as_ref().map(|(schema, _)| schema.clone()),
            })
            .map_err(|e| Error::AvroSchemaParse {
                part: None,
                reason: e.to_string(),
            })
        };
        let mut decoders = Vec::with_capacity(1 + self.store.len());
        let own = match schema {
            Some(avsc) => {
                decoders.push(parse(&avsc, "schema").and_then(decoder)?);
                Some(0)
            }
            None => None,
        };
        let mut store = HashMap::with_capacity(self.store.len());
        for (id, avsc) in self.store.entries() {
            let parsed = parse(avsc, &format!("writer schema of {}", id.describe()))?;
            decoders.push(decoder(parsed)?);
            store.insert(*id, decoders.len() - 1);
        }
        Ok(AvroSchemas {
            inner: Arc::new(Inner {
                decoders,
                own,
                store,
                allow_trailing: self.allow_trailing,
            }),
        })
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
    schemas: AvroSchemas,
    /// Per writer schema (by its slot): whether to read it with the direct reader.
    direct: Box<[AtomicBool]>,
    _output: PhantomData<fn() -> T>,
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
            _output: PhantomData,
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
    /// [`Error::AvroSchemaParse`] when the schema does not parse.
    pub fn new(avsc: &str) -> Result<Self, Error> {
        Ok(AvroSchemas::builder().schema(avsc).build()?.typed())
    }
}

impl<T: DeserializeOwned> Codec for Avro<T> {
    type Output = T;

    fn format(&self) -> Format {
        Format::Avro
    }

    fn framing(&self, _: Option<&SchemaMetadata<'_>>) -> FramingPolicy {
        FramingPolicy::KNOWN_IDS
    }

    fn knows_schema_id(&self, id: &SchemaId) -> bool {
        self.schemas.knows(id)
    }

    fn decode(&self, payload: Payload<'_>) -> Result<T, DecodeError> {
        let (slot, decoder) = self.schemas.decoder(&payload)?;
        if self.direct[slot].load(Ordering::Relaxed)
            && let Some(plan) = decoder.plan()
        {
            match self.schemas.read_direct::<T>(plan, &payload) {
                Some(result) => return result.map_err(|e| framing_hint(&payload, e)),
                // Not for this type: apache-avro reads this schema from now on.
                None => self.direct[slot].store(false, Ordering::Relaxed),
            }
        }
        self.schemas
            .read(decoder, &payload, Decoder::read_typed)
            .map_err(|e| framing_hint(&payload, e))
    }
}

/// Decodes Avro payloads into Avro's generic [`Value`].
#[derive(Debug, Clone)]
pub struct AvroGeneric {
    schemas: AvroSchemas,
}

impl Codec for AvroGeneric {
    type Output = Value;

    fn format(&self) -> Format {
        Format::Avro
    }

    fn framing(&self, _: Option<&SchemaMetadata<'_>>) -> FramingPolicy {
        FramingPolicy::KNOWN_IDS
    }

    fn knows_schema_id(&self, id: &SchemaId) -> bool {
        self.schemas.knows(id)
    }

    fn decode(&self, payload: Payload<'_>) -> Result<Value, DecodeError> {
        let (_, decoder) = self.schemas.decoder(&payload)?;
        self.schemas
            .read(decoder, &payload, Decoder::read_value)
            .map_err(|e| framing_hint(&payload, e))
    }
}

/// Decodes Avro payloads into JSON, as the `lambda-kafka` CLI prints them (see the crate
/// docs for the mapping).
#[derive(Debug, Clone)]
pub struct AvroJson {
    schemas: AvroSchemas,
}

impl Codec for AvroJson {
    type Output = serde_json::Value;

    fn format(&self) -> Format {
        Format::Avro
    }

    fn framing(&self, _: Option<&SchemaMetadata<'_>>) -> FramingPolicy {
        FramingPolicy::KNOWN_IDS
    }

    fn knows_schema_id(&self, id: &SchemaId) -> bool {
        self.schemas.knows(id)
    }

    fn decode(&self, payload: Payload<'_>) -> Result<serde_json::Value, DecodeError> {
        let (_, decoder) = self.schemas.decoder(&payload)?;
        let value = self
            .schemas
            .read(decoder, &payload, Decoder::read_value)
            .map_err(|e| framing_hint(&payload, e))?;
        let (schema, names) = decoder.output();
        Ok(json::to_json(&value, schema, names))
    }
}

#[cfg(test)]
mod tests {
    use kafka_core::testing::wire::confluent;
    use kafka_core::wire::WireFormat;
    use kafka_core::{KafkaConsumer, KafkaEvent};

    use super::*;

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
