//! Any message of a `.proto`, decoded at run time (feature `dynamic`).
//!
//! The `.proto` files are compiled in pure Rust when the schema is built (no `protoc`),
//! with their imports; the well-known types (`google/protobuf/*.proto`) need no files.
//!
//! ```
//! use kafka_core::{Codec, Part, Payload};
//! use kafka_protobuf::dynamic::ProtoSchema;
//!
//! let dir = std::env::temp_dir().join(format!("proto-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! std::fs::write(dir.join("shop.proto"), r#"syntax = "proto3"; package shop;
//!     message Product { int64 id = 1; string name = 2; }"#).unwrap();
//!
//! let schema = ProtoSchema::from_files(&[dir.join("shop.proto")], &[&dir])?.message("shop.Product")?;
//! let json = schema.json().decode(Payload::new(b"\x08\x07\x12\x03pen", Part::Value)).unwrap();
//! assert_eq!(json, serde_json::json!({"id": "7", "name": "pen"}));
//! # std::fs::remove_dir_all(dir).unwrap();
//! # Ok::<(), kafka_core::Error>(())
//! ```

use std::path::Path;
use std::sync::{Arc, RwLock};

use self::learn::Learned;
use kafka_core::SchemaAware;
use kafka_core::{
    Codec, DataFormat, DecodeError, Error, Payload, RegisteredSchema, SchemaId, SchemaMetadata,
};
use kafka_core::{FramingPolicy, WireFormat};

mod json;
mod learn;

/// A payload decoded into a `DynamicMessage` of `message`.
fn decode_as(
    message: MessageDescriptor,
    payload: &Payload<'_>,
) -> Result<DynamicMessage, DecodeError> {
    DynamicMessage::decode(message, payload.bytes).map_err(|e| DecodeError::new(e.to_string()))
}

use prost_reflect::{DescriptorPool, FileDescriptor, SerializeOptions};
/// prost-reflect's message of a schema read at run time, and its descriptor.
pub use prost_reflect::{DynamicMessage, MessageDescriptor};

/// A compiled `.proto` (or `FileDescriptorSet`), and optionally the one message to read.
#[derive(Debug, Clone)]
pub struct ProtoSchema {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// The file whose messages index paths count.
    file: FileDescriptor,
    /// The message every payload is, when fixed.
    message: Option<MessageDescriptor>,
    /// Every message of the file, nested ones included, in lexicographic order of full
    /// names: how AWS Glue numbers them.
    glue_order: Vec<MessageDescriptor>,
    /// Schemas learned from a registry by id, when the schema learns them.
    learned: Option<Arc<Learned>>,
}

fn schema_error(reason: String) -> Error {
    Error::Configuration { reason }
}

impl ProtoSchema {
    /// Compiles `.proto` files; the first one's messages are the ones the schema reads.
    /// `includes` are the directories imports are looked up in (the files must be in one of
    /// them).
    ///
    /// # Errors
    /// [`Error::Configuration`] with the compiler's message when a file cannot be read or
    /// does not compile.
    pub fn from_files(
        files: &[impl AsRef<Path>],
        includes: &[impl AsRef<Path>],
    ) -> Result<Self, Error> {
        let first = files
            .first()
            .ok_or_else(|| schema_error("no .proto file given".to_owned()))?
            .as_ref()
            .to_owned();
        let mut compiler = protox::Compiler::new(includes.iter().map(AsRef::as_ref))
            .map_err(|e| schema_error(format!("cannot compile {}: {e}", first.display())))?;
        compiler.include_imports(true);
        compiler
            .open_files(files.iter().map(AsRef::as_ref))
            .map_err(|e| schema_error(format!("cannot compile {}: {e}", first.display())))?;
        let pool = compiler.descriptor_pool();
        let main = compiler
            .files()
            .find(|f| files.iter().any(|p| p.as_ref().ends_with(f.name())))
            .map(|f| f.name().to_owned())
            .ok_or_else(|| schema_error(format!("{} compiled to no file", first.display())))?;
        Self::with_pool(&pool, &main)
    }

    /// Reads a serialized `FileDescriptorSet` (as `protoc --descriptor_set_out
    /// --include_imports` writes it); the last file's messages are the ones the schema
    /// reads.
    ///
    /// # Errors
    /// [`Error::Configuration`] when the bytes are not a valid descriptor set.
    pub fn from_descriptor_set(bytes: &[u8]) -> Result<Self, Error> {
        let pool = DescriptorPool::decode(bytes)
            .map_err(|e| schema_error(format!("invalid FileDescriptorSet: {e}")))?;
        let main = pool
            .files()
            .last()
            .map(|f| f.name().to_owned())
            .ok_or_else(|| schema_error("the FileDescriptorSet has no file".to_owned()))?;
        Self::with_pool(&pool, &main)
    }

    fn with_pool(pool: &DescriptorPool, main: &str) -> Result<Self, Error> {
        let file = pool
            .get_file_by_name(main)
            .ok_or_else(|| schema_error(format!("no file {main} in the schema")))?;
        let glue_order = learn::glue_order(&file);
        Ok(Self {
            inner: Arc::new(Inner {
                file,
                message: None,
                glue_order,
                learned: None,
            }),
        })
    }

    /// Reads every payload as this message (full name, `package.Message`), whatever index
    /// path the framing carries.
    ///
    /// # Errors
    /// [`Error::Configuration`] naming the messages the schema has, when it has no such
    /// message.
    pub fn message(self, full_name: &str) -> Result<Self, Error> {
        let own = self.inner.file.parent_pool().get_message_by_name(full_name);
        if own.is_none() && self.inner.learned.is_some() {
            // Learned schemas are looked in for it when they are compiled.
            return Ok(Self {
                inner: Arc::new(Inner {
                    file: self.inner.file.clone(),
                    message: None,
                    glue_order: self.inner.glue_order.clone(),
                    learned: Some(Arc::new(Learned::new(Some(full_name)))),
                }),
            });
        }
        let found = own.ok_or_else(|| {
            let known: Vec<&str> = self
                .inner
                .glue_order
                .iter()
                .map(MessageDescriptor::full_name)
                .collect();
            schema_error(format!(
                "no message {full_name} in {}; it has {}",
                self.inner.file.name(),
                known.join(", ")
            ))
        })?;
        Ok(Self {
            inner: Arc::new(Inner {
                file: self.inner.file.clone(),
                message: Some(found),
                glue_order: self.inner.glue_order.clone(),
                learned: self
                    .inner
                    .learned
                    .as_ref()
                    .map(|_| Arc::new(Learned::new(Some(full_name)))),
            }),
        })
    }

    /// The message every payload is read as, when one was named.
    #[must_use]
    pub fn message_descriptor(&self) -> Option<&MessageDescriptor> {
        self.inner.message.as_ref()
    }

    /// A codec giving [`DynamicMessage`]s.
    #[must_use]
    pub fn dynamic(&self) -> ProtoDynamic {
        ProtoDynamic {
            schema: self.clone(),
        }
    }

    /// A codec giving the canonical proto3 JSON mapping (lowerCamelCase names, 64-bit
    /// integers as text, enums by name, bytes as base64, default values left out). Payloads
    /// are read straight into JSON, without a [`DynamicMessage`] in between, except those
    /// with well-known types, groups or extensions, a message field repeated on the wire
    /// (which merges) or any malformation: those go through a [`DynamicMessage`], whose
    /// reading has the last word.
    #[must_use]
    pub fn json(&self) -> ProtoJson {
        ProtoJson {
            schema: self.clone(),
            direct: Arc::default(),
        }
    }

    /// The message a payload is: the fixed one, else the one its index path names.
    fn select(&self, payload: &Payload<'_>) -> Result<MessageDescriptor, DecodeError> {
        if let Some(message) = &self.inner.message {
            return Ok(message.clone());
        }
        let framing = payload.framing;
        let Some(path) = framing.message_indexes() else {
            let mut all = self.inner.file.messages();
            return match (all.next(), all.next()) {
                (Some(only), None) => Ok(only),
                _ => Err(DecodeError::new(format!(
                    "no message to read: {} has several, and the payload carries no message index; name the message",
                    self.inner.file.name()
                ))),
            };
        };
        let path = path.as_slice();
        let found = match framing.wire_format() {
            WireFormat::Glue => path
                .first()
                .and_then(|&i| self.inner.glue_order.get(usize::try_from(i).ok()?).cloned()),
            _ => learn::by_path(&self.inner.file, path),
        };
        found.ok_or_else(|| {
            DecodeError::new(format!(
                "message-index path {path:?} names no message of {}",
                self.inner.file.name()
            ))
        })
    }

    /// The message a payload is.
    fn descriptor(&self, payload: &Payload<'_>) -> Result<MessageDescriptor, DecodeError> {
        // A payload framed with an id the registry gave a schema for is read with it.
        match (&self.inner.learned, payload.framing.schema_id()) {
            (Some(learned), Some(id)) => learned.get(id)?.select_in(payload),
            _ => self.select(payload),
        }
    }

    fn decode(&self, payload: &Payload<'_>) -> Result<DynamicMessage, DecodeError> {
        decode_as(self.descriptor(payload)?, payload)
    }

    /// Reads payloads framed with a registry id with the registry's `.proto` of that id
    /// (and its references), compiled once when the step before decoding
    /// (`kafka_registry::SchemaCache::prepare`) hands it over; the message is the one named
    /// with [`ProtoSchema::message`], or the one the payload's index path names in that
    /// file. Payloads without an id are read with this schema's own file.
    #[must_use]
    pub fn learn_from_registry(self) -> Self {
        Self {
            inner: Arc::new(Inner {
                file: self.inner.file.clone(),
                message: self.inner.message.clone(),
                glue_order: self.inner.glue_order.clone(),
                learned: Some(Arc::new(Learned::new(
                    self.inner
                        .message
                        .as_ref()
                        .map(MessageDescriptor::full_name),
                ))),
            }),
        }
    }

    /// A schema with no file of its own, that reads only what a registry gives it (see
    /// [`ProtoSchema::learn_from_registry`]).
    ///
    /// # Panics
    /// Never: the empty file it starts from always compiles.
    #[must_use]
    pub fn from_registry() -> Self {
        let pool = learn::compile("syntax = \"proto3\";", &[]).unwrap_or_default();
        let file = pool
            .files()
            .next()
            .map(|f| f.name().to_owned())
            .unwrap_or_default();
        Self::with_pool(&pool, &file)
            .map(Self::learn_from_registry)
            .unwrap_or_else(|_| unreachable!("an empty file compiles"))
    }

    fn wants(&self, id: &SchemaId) -> bool {
        self.inner.learned.as_ref().is_some_and(|l| l.wants(id))
    }

    fn learn(&self, id: &SchemaId, schema: Result<&RegisteredSchema, &str>) {
        if let Some(learned) = &self.inner.learned {
            learned.learn(id, schema);
        }
    }
}

/// Decodes Protobuf payloads into [`DynamicMessage`]s of a [`ProtoSchema`].
#[derive(Debug, Clone)]
pub struct ProtoDynamic {
    schema: ProtoSchema,
}

impl Codec for ProtoDynamic {
    type Output = DynamicMessage;

    fn decode(&self, payload: Payload<'_>) -> Result<DynamicMessage, DecodeError> {
        self.schema.decode(&payload)
    }

    fn schema_aware(&self) -> Option<&dyn SchemaAware> {
        Some(self)
    }
}

impl SchemaAware for ProtoDynamic {
    fn format(&self) -> Option<DataFormat> {
        Some(DataFormat::Protobuf)
    }

    fn framing(&self, _: Option<&SchemaMetadata<'_>>) -> FramingPolicy {
        FramingPolicy::PROTOBUF
    }

    fn wants_schema(&self, id: &SchemaId) -> bool {
        self.schema.wants(id)
    }

    fn learn_schema(&self, id: &SchemaId, schema: Result<&RegisteredSchema, &str>) {
        self.schema.learn(id, schema);
    }
}

/// Decodes Protobuf payloads into their canonical proto3 JSON.
#[derive(Debug, Clone)]
pub struct ProtoJson {
    schema: ProtoSchema,
    /// Per message met, whether the direct JSON reader reads it (`json::reads`).
    direct: Arc<RwLock<Vec<(MessageDescriptor, bool)>>>,
}

impl ProtoJson {
    fn direct(&self, message: &MessageDescriptor) -> bool {
        let known = self.direct.read().unwrap_or_else(|e| e.into_inner());
        if let Some((_, reads)) = known.iter().find(|(m, _)| m == message) {
            return *reads;
        }
        drop(known);
        let reads = json::reads(message);
        self.direct
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .push((message.clone(), reads));
        reads
    }
}

impl Codec for ProtoJson {
    type Output = serde_json::Value;

    fn decode(&self, payload: Payload<'_>) -> Result<serde_json::Value, DecodeError> {
        let descriptor = self.schema.descriptor(&payload)?;
        // Straight into JSON when the reader is sure to read it as prost-reflect does.
        if self.direct(&descriptor)
            && let Some(json) = json::to_json(&descriptor, payload.bytes)
        {
            return Ok(json);
        }
        let message = decode_as(descriptor, &payload)?;
        message
            .serialize_with_options(serde_json::value::Serializer, &SerializeOptions::new())
            .map_err(|e| DecodeError::new(format!("cannot write the message as JSON: {e}")))
    }

    fn schema_aware(&self) -> Option<&dyn SchemaAware> {
        Some(self)
    }
}

impl SchemaAware for ProtoJson {
    fn format(&self) -> Option<DataFormat> {
        Some(DataFormat::Protobuf)
    }

    fn framing(&self, _: Option<&SchemaMetadata<'_>>) -> FramingPolicy {
        FramingPolicy::PROTOBUF
    }

    fn wants_schema(&self, id: &SchemaId) -> bool {
        self.schema.wants(id)
    }

    fn learn_schema(&self, id: &SchemaId, schema: Result<&RegisteredSchema, &str>) {
        self.schema.learn(id, schema);
    }
}
