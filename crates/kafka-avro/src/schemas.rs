//! Parsed writer (and reader) schemas shared by the codecs made from them, and their
//! builder.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use apache_avro::Schema;
use kafka_core::{DecodeError, Error, Format, Payload, SchemaId};
use serde::de::DeserializeOwned;

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
    pub(crate) fn decoder(&self, payload: &Payload<'_>) -> Result<(usize, &Decoder), DecodeError> {
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
    pub(crate) fn read_direct<T: DeserializeOwned>(
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
