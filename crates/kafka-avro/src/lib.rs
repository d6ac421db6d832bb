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
use kafka_core::wire::FramingPolicy;
use kafka_core::{Codec, DecodeError, Error, Format, Payload, SchemaId, SchemaMetadata};
use serde::de::DeserializeOwned;

use crate::decoder::{Decoder, Schemas};
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
    own: Option<Decoder>,
    store: HashMap<SchemaId, Decoder>,
    allow_trailing: bool,
}

impl fmt::Debug for AvroSchemas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AvroSchemas")
            .field("own", &self.inner.own)
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
            schemas: self.clone(),
            exact: AtomicBool::new(true),
            direct: AtomicBool::new(true),
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

    /// Picks the writer schema's decoder for a payload.
    fn decoder(&self, payload: &Payload<'_>) -> Result<&Decoder, DecodeError> {
        let id = payload.framing.schema_id();
        match id {
            Some(id) if !self.inner.store.is_empty() => self.inner.store.get(id).ok_or_else(|| {
                DecodeError::new(format!(
                    "no writer schema for {} in the schema store ({} schemas)",
                    describe(id),
                    self.inner.store.len()
                ))
            }),
            _ => self.inner.own.as_ref().ok_or_else(|| match id {
                Some(id) => DecodeError::new(format!(
                    "no writer schema for {}: the codec has no schema store and no schema of its own",
                    describe(id)
                )),
                None => DecodeError::new(
                    "the payload names no schema id, and the codec has no schema of its own to read it with",
                ),
            }),
        }
    }

    /// Reads a `T` with the direct serde reader; `None` when that reader does not handle
    /// the payload's schema or the type, and apache-avro's must be used.
    fn read_direct<T: DeserializeOwned>(
        &self,
        payload: &Payload<'_>,
    ) -> Option<Result<T, DecodeError>> {
        let decoder = match self.decoder(payload) {
            Ok(decoder) => decoder,
            Err(e) => return Some(Err(e)),
        };
        let plan = decoder.plan()?;
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

    /// Runs `read` on the payload and checks that it used every byte.
    fn read<T>(
        &self,
        payload: &Payload<'_>,
        read: impl FnOnce(&Decoder, &mut &[u8]) -> apache_avro::AvroResult<T>,
    ) -> Result<(T, &Decoder), DecodeError> {
        let decoder = self.decoder(payload)?;
        let mut rest = payload.bytes;
        let value = read(decoder, &mut rest).map_err(|e| redact::decode_error(&e))?;
        self.check_trailing(payload, rest)?;
        Ok((value, decoder))
    }
}

fn describe(id: &SchemaId) -> String {
    match id {
        SchemaId::Confluent(id) => format!("Confluent schema id {id}"),
        SchemaId::Glue(uuid) => format!("Glue schema version {}", uuid.hyphenated()),
    }
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
        let own = schema
            .map(|avsc| parse(&avsc, "schema").and_then(decoder))
            .transpose()?;
        let mut store = HashMap::with_capacity(self.store.len());
        for (id, avsc) in self.store.entries() {
            let parsed = parse(avsc, &format!("writer schema of {}", describe(id)))?;
            store.insert(*id, decoder(parsed)?);
        }
        Ok(AvroSchemas {
            inner: Arc::new(Inner {
                own,
                store,
                allow_trailing: self.allow_trailing,
            }),
        })
    }
}

/// Decodes Avro payloads into `T` with serde.
pub struct Avro<T> {
    schemas: AvroSchemas,
    /// Whether `T` reads through apache-avro's deserializer as it is, which is faster but
    /// needs struct names equal to record names; cleared for good the first time the
    /// name-agnostic reading succeeds where it failed.
    exact: AtomicBool,
    /// Whether to try the direct reader first; cleared for good the first time it
    /// leaves a payload to apache-avro (a union read into a Rust enum, for instance), so
    /// that later payloads do not start a reading that cannot finish.
    direct: AtomicBool,
    _output: PhantomData<fn() -> T>,
}

impl<T> Clone for Avro<T> {
    fn clone(&self) -> Self {
        Self {
            schemas: self.schemas.clone(),
            exact: AtomicBool::new(self.exact.load(Ordering::Relaxed)),
            direct: AtomicBool::new(self.direct.load(Ordering::Relaxed)),
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
        if self.direct.load(Ordering::Relaxed) {
            match self.schemas.read_direct::<T>(&payload) {
                Some(result) => return result,
                None => self.direct.store(false, Ordering::Relaxed),
            }
        }
        let read = |exact| {
            self.schemas
                .read(&payload, |decoder, bytes| decoder.read_typed(bytes, exact))
                .map(|(value, _)| value)
        };
        if !self.exact.load(Ordering::Relaxed) {
            return read(false);
        }
        // The exact reading fails on a struct named unlike its record (or an enum read as
        // text, or an enum field the type skips): read this payload again without names,
        // and if that works, read every later one that way.
        read(true).or_else(|_| {
            let value = read(false)?;
            self.exact.store(false, Ordering::Relaxed);
            Ok(value)
        })
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
        self.schemas
            .read(&payload, Decoder::read_value)
            .map(|(value, _)| value)
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
        let (value, decoder) = self.schemas.read(&payload, Decoder::read_value)?;
        let (schema, names) = decoder.output();
        Ok(json::to_json(&value, schema, names))
    }
}
