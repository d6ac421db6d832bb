//! One datum reader per writer schema, built once with the schemas it borrows.

use apache_avro::reader::datum::GenericDatumReader;
use apache_avro::schema::ResolvedSchema;
use apache_avro::types::Value;
use apache_avro::{AvroResult, Schema};
use serde::de::DeserializeOwned;

use crate::direct::Plan;
use crate::rename::AnyName;

/// The schemas a reader works with.
pub(crate) struct Schemas {
    /// The schema the payloads were written with.
    pub(crate) writer: Schema,
    /// Named types the writer and reader schemas refer to, defined on their own.
    pub(crate) references: Vec<Schema>,
    /// The schema to resolve into, when it differs from the writer's.
    pub(crate) reader: Option<Schema>,
}

/// A datum reader with what it borrows from [`Schemas`].
pub(crate) struct Reading<'s> {
    datum: GenericDatumReader<'s>,
    /// The schema decoded values follow: the reader's when resolving, else the writer's.
    output: &'s Schema,
    /// Its named types, to follow references when mapping values to JSON.
    names: ResolvedSchema<'s>,
    /// The writer schema compiled for the direct serde reader, when no resolution is
    /// needed and the reader handles every type in it.
    plan: Option<Plan>,
}

self_cell::self_cell!(
    /// Parsed schemas and the datum reader that borrows them, built once per writer schema.
    pub(crate) struct Decoder {
        owner: Schemas,

        #[covariant]
        dependent: Reading,
    }
);

impl std::fmt::Debug for Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoder")
            .field("writer", &self.borrow_owner().writer.canonical_form())
            .field("resolving", &self.resolving())
            .finish()
    }
}

/// The schemata to resolve names in: referenced types first, as names resolve in order.
fn with_references<'s>(root: &'s Schema, references: &'s [Schema]) -> Vec<&'s Schema> {
    references.iter().chain(std::iter::once(root)).collect()
}

impl Decoder {
    /// Builds the reader; the reader schema is dropped when it equals the writer's, so that
    /// the direct serde path can be used.
    pub(crate) fn build(mut schemas: Schemas) -> AvroResult<Self> {
        if schemas
            .reader
            .as_ref()
            .is_some_and(|reader| reader.canonical_form() == schemas.writer.canonical_form())
        {
            schemas.reader = None;
        }
        Self::try_new(schemas, |s| {
            let writer_names =
                ResolvedSchema::new_with_schemata(with_references(&s.writer, &s.references))?;
            let (output, names, reader_names) = match &s.reader {
                Some(reader) => {
                    let names =
                        ResolvedSchema::new_with_schemata(with_references(reader, &s.references))?;
                    let again =
                        ResolvedSchema::new_with_schemata(with_references(reader, &s.references))?;
                    (reader, names, Some(again))
                }
                None => (
                    &s.writer,
                    ResolvedSchema::new_with_schemata(with_references(&s.writer, &s.references))?,
                    None,
                ),
            };
            let datum = GenericDatumReader::builder(&s.writer)
                .resolved_writer_schemata(writer_names)
                .maybe_reader_schema(s.reader.as_ref())
                .maybe_resolved_reader_schemata(reader_names)
                .build()?;
            let plan = if s.reader.is_none() {
                Plan::compile(&s.writer, names.get_names())
            } else {
                None
            };
            Ok(Reading {
                datum,
                output,
                names,
                plan,
            })
        })
    }

    /// Whether values are resolved from the writer's schema into another.
    pub(crate) fn resolving(&self) -> bool {
        self.borrow_owner().reader.is_some()
    }

    /// A generic value (resolved into the reader schema when there is one).
    pub(crate) fn read_value(&self, bytes: &mut &[u8]) -> AvroResult<Value> {
        self.borrow_dependent().datum.read_value(bytes)
    }

    /// A typed value with apache-avro's reader: its serde deserializer over the bytes when
    /// no resolution is needed, every struct read whatever its name (see
    /// [`crate::rename`]); through a resolved generic value otherwise.
    pub(crate) fn read_typed<T: DeserializeOwned>(&self, bytes: &mut &[u8]) -> AvroResult<T> {
        if self.resolving() {
            // apache-avro's direct serde path panics with a reader schema: never take it then.
            let value = self.read_value(bytes)?;
            apache_avro::from_value(&value)
        } else {
            let AnyName(value) = self.borrow_dependent().datum.read_deser(bytes)?;
            Ok(value)
        }
    }

    /// The plan of the direct serde reader, if it reads this schema.
    pub(crate) fn plan(&self) -> Option<&Plan> {
        self.borrow_dependent().plan.as_ref()
    }

    /// The schema decoded values follow, and its named types.
    pub(crate) fn output(&self) -> (&Schema, &ResolvedSchema<'_>) {
        let reading = self.borrow_dependent();
        (reading.output, &reading.names)
    }
}
