//! Parsed writer (and reader) schemas shared by the codecs made from them, and their
//! builder.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::{Arc, RwLock};

use apache_avro::Schema;
use kafka_core::{DataFormat, DecodeError, Error, Payload, RegisteredSchema, SchemaId};

use crate::decoder::{Decoder, Schemas};
use crate::direct::{self, Plan};
use crate::{SchemaStore, redact};

/// The default bound on one allocation while decoding: 16 MiB, above any payload of a
/// 6 MB Lambda event.
pub const DEFAULT_MAX_ALLOCATION: usize = 16 << 20;

/// Parsed Avro schemas and decoding options, shared by the codecs made from them.
#[derive(Clone)]
pub struct AvroSchemas {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// One decoder per writer schema: the codec's own first, when it has one, then the
    /// store's. A codec keeps what it learns about a writer schema by this slot.
    pub(crate) decoders: Vec<Decoder>,
    pub(crate) own: Option<usize>,
    pub(crate) store: HashMap<SchemaId, usize>,
    pub(crate) allow_trailing: bool,
    /// Writer schemas learned from a registry at run time, when the codec learns them.
    pub(crate) learning: Option<Learning>,
}

/// What a codec that learns writer schemas at run time keeps.
pub(crate) struct Learning {
    /// The reader schema each learned writer schema is resolved into, if any.
    reader: Option<Schema>,
    /// Named types given to the builder, for learned schemas to refer to.
    references: Vec<String>,
    /// By id: the compiled schema, or why it could not be had.
    learned: RwLock<HashMap<SchemaId, Learned>>,
}

/// A learned writer schema, compiled, or why it could not be had.
type Learned = Result<Arc<Decoder>, Arc<str>>;

impl Learning {
    /// A registry's Avro schema, its references and the builder's named types first.
    fn compile(&self, schema: &RegisteredSchema) -> Result<Decoder, String> {
        if schema.format != DataFormat::Avro {
            return Err(format!(
                "the registry's schema is {}, not AVRO",
                schema.format
            ));
        }
        let mut named: Vec<&str> = self.references.iter().map(String::as_str).collect();
        named.extend(schema.references.iter().map(|r| r.text.as_str()));
        let (writer, references) = Schema::parse_str_with_list(&schema.text, &named)
            .map_err(|e| format!("the registry's schema does not parse: {e}"))?;
        Decoder::build(Schemas {
            writer,
            references,
            reader: self.reader.clone(),
        })
        .map_err(|e| format!("the registry's schema does not resolve into the reader schema: {e}"))
    }
}

/// Which writer schema a payload is read with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Slot {
    /// One given when the codec was built (its own, or the store's), by index.
    Built(usize),
    /// One learned from a registry, by id.
    Learned(SchemaId),
}

/// A writer schema's decoder: one built with the codec, or a learned one.
pub(crate) enum Picked<'a> {
    Built(&'a Decoder),
    Learned(Arc<Decoder>),
}

impl std::ops::Deref for Picked<'_> {
    type Target = Decoder;

    fn deref(&self) -> &Decoder {
        match self {
            Self::Built(decoder) => decoder,
            Self::Learned(decoder) => decoder,
        }
    }
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

    /// Whether a schema id has a writer schema in the store.
    #[must_use]
    pub fn knows(&self, id: &SchemaId) -> bool {
        self.inner.store.contains_key(id)
    }

    /// Picks the writer schema's decoder for a payload, with its slot.
    pub(crate) fn decoder(&self, payload: &Payload<'_>) -> Result<(Slot, Picked<'_>), DecodeError> {
        let inner = &self.inner;
        let id = payload.framing.schema_id();
        let by_id = !inner.store.is_empty() || inner.learning.is_some();
        let slot = match id {
            Some(id) if by_id => match inner.store.get(id) {
                Some(&slot) => slot,
                None => return self.learned(id),
            },
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
        Ok((Slot::Built(slot), Picked::Built(&inner.decoders[slot])))
    }

    /// A learned writer schema, or why there is none.
    fn learned(&self, id: &SchemaId) -> Result<(Slot, Picked<'_>), DecodeError> {
        let inner = &self.inner;
        let Some(learning) = &inner.learning else {
            return Err(DecodeError::new(format!(
                "no writer schema for {} in the schema store ({} schemas)",
                id.describe(),
                inner.store.len()
            )));
        };
        let learned = learning.learned.read().unwrap_or_else(|e| e.into_inner());
        match learned.get(id) {
            Some(Ok(decoder)) => Ok((Slot::Learned(*id), Picked::Learned(Arc::clone(decoder)))),
            Some(Err(reason)) => Err(DecodeError::schema_registry(reason.to_string())),
            None => Err(DecodeError::schema_registry(format!(
                "{} was not fetched from the registry (prepare the batch before decoding it)",
                id.describe()
            ))),
        }
    }

    /// Whether a payload framed with `id` needs a writer schema from the registry.
    pub(crate) fn wants(&self, id: &SchemaId) -> bool {
        let inner = &self.inner;
        let Some(learning) = &inner.learning else {
            return false;
        };
        !inner.store.contains_key(id)
            && !matches!(
                learning
                    .learned
                    .read()
                    .unwrap_or_else(|e| e.into_inner())
                    .get(id),
                Some(Ok(_))
            )
    }

    /// Compiles a registry's writer schema once, or keeps why it could not be had.
    pub(crate) fn learn(&self, id: &SchemaId, schema: Result<&RegisteredSchema, &str>) {
        let Some(learning) = &self.inner.learning else {
            return;
        };
        let mut learned = learning.learned.write().unwrap_or_else(|e| e.into_inner());
        if matches!(learned.get(id), Some(Ok(_))) {
            return;
        }
        // A fetch's reason names the id already; a compile error is named here.
        let entry = match schema {
            Ok(schema) => learning
                .compile(schema)
                .map(Arc::new)
                .map_err(|e| Arc::from(format!("{}: {e}", id.describe()))),
            Err(reason) => Err(Arc::from(reason)),
        };
        learned.insert(*id, entry);
    }

    /// Reads a `T` with the direct serde reader; `None` when the type asks for something
    /// the plan leaves to apache-avro (a union read into a Rust enum, for instance).
    pub(crate) fn read_direct<'p, T: serde::Deserialize<'p>>(
        &self,
        plan: &Plan,
        payload: &Payload<'p>,
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

    /// Reads a payload as JSON with the direct reader.
    pub(crate) fn read_direct_json(
        &self,
        plan: &Plan,
        payload: &Payload<'_>,
    ) -> Result<serde_json::Value, DecodeError> {
        let mut rest = payload.bytes;
        let value = direct::to_json(plan, &mut rest)
            .map_err(|e| DecodeError::from_serde(&e.to_string()))?;
        self.check_trailing(payload, rest).map(|()| value)
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
    pub(crate) fn read<T>(
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

/// Describes the schemas of an Avro codec; [`AvroSchemasBuilder::build`] parses them.
#[derive(Debug, Clone)]
pub struct AvroSchemasBuilder {
    schema: Option<Result<String, String>>,
    reader: Option<Result<String, String>>,
    references: Vec<String>,
    store: SchemaStore,
    allow_trailing: bool,
    max_allocation: usize,
    learn: bool,
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
            learn: false,
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

    /// Learn writer schemas from a schema registry at run time: a payload framed with an
    /// id the store lacks is read with the registry's schema of that id, which the step
    /// before decoding (`kafka_registry::SchemaCache::prepare`) fetches and hands over.
    /// With a reader schema, each learned writer schema is resolved into it.
    #[must_use]
    pub fn learn_from_registry(mut self, learn: bool) -> Self {
        self.learn = learn;
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
    /// - [`Error::MissingSchema`] when there is neither a schema nor a store, and the
    ///   codec does not learn schemas from a registry;
    /// - [`Error::SchemaParse`] when a schema does not parse, its source an
    ///   [`AvroSchemaError`] with the parser's reason;
    /// - [`Error::Configuration`] when a schema file cannot be read, or the process's
    ///   allocation bound is already above the one asked for.
    pub fn build(self) -> Result<AvroSchemas, Error> {
        let configuration = |reason: String| Error::Configuration { reason };
        if self.schema.is_none() && self.store.is_empty() && !self.learn {
            return Err(Error::MissingSchema {
                part: None,
                format: DataFormat::Avro,
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
            Schema::parse_str_with_list(avsc, &self.references)
                .map_err(|e| AvroSchemaError::error(format!("{what}: {e}")))
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
            .map_err(|e| AvroSchemaError::error(e.to_string()))
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
        // One text under several ids (a Confluent id and its GUID) is parsed once.
        let mut slots: HashMap<&str, usize> = HashMap::new();
        for (id, avsc) in self.store.entries() {
            let slot = match slots.get(avsc.as_str()) {
                Some(&slot) => slot,
                None => {
                    let parsed = parse(avsc, &format!("writer schema of {}", id.describe()))?;
                    decoders.push(decoder(parsed)?);
                    slots.insert(avsc, decoders.len() - 1);
                    decoders.len() - 1
                }
            };
            store.insert(*id, slot);
        }
        let learning = self.learn.then(|| Learning {
            reader: reader.map(|(schema, _)| schema),
            references: self.references.clone(),
            learned: RwLock::new(HashMap::new()),
        });
        Ok(AvroSchemas {
            inner: Arc::new(Inner {
                decoders,
                own,
                store,
                allow_trailing: self.allow_trailing,
                learning,
            }),
        })
    }
}

/// Why an Avro schema given to this crate could not be parsed: the source of the
/// [`Error::SchemaParse`] its builders return, with apache-avro's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvroSchemaError {
    reason: String,
}

impl AvroSchemaError {
    /// The core's error for a schema that does not parse.
    pub(crate) fn error(reason: String) -> Error {
        Error::schema_parse(None, kafka_core::DataFormat::Avro, Self { reason })
    }

    /// The parser's reason.
    #[must_use]
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl std::fmt::Display for AvroSchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for AvroSchemaError {}
