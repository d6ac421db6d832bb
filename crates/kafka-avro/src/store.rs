//! The schema store: writer schemas by registry id, filled when the consumer is built.

use std::path::Path;

use kafka_core::{Error, SchemaId};

/// Writer schemas by schema-registry id (Confluent ids and GUIDs, AWS Glue schema-version
/// UUIDs), as `.avsc` text. The codec parses them once, when it is built (one text under
/// several ids, once); nothing is fetched from a registry.
///
/// ```
/// use kafka_avro::SchemaStore;
/// use kafka_core::SchemaId;
///
/// let store = SchemaStore::new()
///     .with_schema(SchemaId::Confluent(1), r#"{"type":"record","name":"A","fields":[]}"#);
/// assert!(store.contains(&SchemaId::Confluent(1)));
/// ```
#[derive(Debug, Clone, Default)]
pub struct SchemaStore {
    entries: Vec<(SchemaId, String)>,
}

impl SchemaStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the writer schema of an id.
    #[must_use]
    pub fn with_schema(mut self, id: SchemaId, avsc: impl Into<String>) -> Self {
        self.entries.retain(|(known, _)| *known != id);
        self.entries.push((id, avsc.into()));
        self
    }

    /// Reads every `<id>.avsc` file of a directory: `<id>` is a Confluent id (digits), or
    /// a UUID: an AWS Glue schema version or a Confluent schema GUID (UUIDs do not
    /// collide, so the file serves both).
    ///
    /// # Errors
    /// [`Error::Configuration`] when the directory or a file cannot be read, or an `.avsc`
    /// file's name is not an id.
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Self, Error> {
        let dir = dir.as_ref();
        let problem = |reason: String| Error::Configuration { reason };
        let entries = std::fs::read_dir(dir).map_err(|e| {
            problem(format!(
                "cannot read the schema directory {}: {e}",
                dir.display()
            ))
        })?;
        let mut store = Self::new();
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            if path.extension().is_none_or(|ext| ext != "avsc") {
                continue;
            }
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            let id = SchemaId::from_metadata(stem).map_err(|_| {
                problem(format!(
                    "{}: a schema file is named by its registry id (digits or a UUID), as in 12.avsc",
                    path.display()
                ))
            })?;
            let text = std::fs::read_to_string(&path)
                .map_err(|e| problem(format!("cannot read {}: {e}", path.display())))?;
            if let SchemaId::Glue(uuid) = id {
                store = store.with_schema(SchemaId::ConfluentGuid(uuid), text.clone());
            }
            store = store.with_schema(id, text);
        }
        Ok(store)
    }

    /// Whether the store has a schema for this id.
    #[must_use]
    pub fn contains(&self, id: &SchemaId) -> bool {
        self.entries.iter().any(|(known, _)| known == id)
    }

    /// How many schemas the store holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the store is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(crate) fn entries(&self) -> &[(SchemaId, String)] {
        &self.entries
    }
}
