//! `.proto` schemas learned from a registry at run time, by id.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use kafka_core::WireFormat;
use kafka_core::{DataFormat, DecodeError, Payload, RegisteredSchema, SchemaId};
use prost_reflect::{DescriptorPool, FileDescriptor, MessageDescriptor};
use protox::file::{ChainFileResolver, File, FileResolver, GoogleFileResolver};

/// The name the registry's own file is compiled under (its references keep theirs).
const MAIN: &str = "registered-schema.proto";

/// One learned `.proto`: its file, its messages in Glue's order, and the fixed message.
#[derive(Debug)]
pub(super) struct Compiled {
    file: FileDescriptor,
    glue_order: Vec<MessageDescriptor>,
    fixed: Option<MessageDescriptor>,
}

/// What a learning schema keeps, by id.
#[derive(Debug, Default)]
pub(super) struct Learned {
    /// The message every payload is, by full name, when fixed.
    fixed: Option<String>,
    by_id: RwLock<HashMap<SchemaId, Entry>>,
}

/// A learned `.proto`, compiled, or why it could not be had.
type Entry = Result<Arc<Compiled>, Arc<str>>;

/// `.proto` sources held in memory, by the name imports use.
struct Sources(HashMap<String, String>);

impl FileResolver for Sources {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        match self.0.get(name) {
            Some(source) => File::from_source(name, source),
            None => Err(protox::Error::file_not_found(name)),
        }
    }
}

/// Compiles a `.proto` text with its references (by import name) and the well-known types.
pub(super) fn compile(main: &str, references: &[(&str, &str)]) -> Result<DescriptorPool, String> {
    let mut sources: HashMap<String, String> = references
        .iter()
        .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
        .collect();
    sources.insert(MAIN.to_owned(), main.to_owned());
    let mut resolver = ChainFileResolver::new();
    resolver.add(Sources(sources));
    resolver.add(GoogleFileResolver::new());
    let mut compiler = protox::Compiler::with_file_resolver(resolver);
    compiler.include_imports(true);
    compiler.open_file(MAIN).map_err(|e| e.to_string())?;
    Ok(compiler.descriptor_pool())
}

impl Learned {
    /// Learning, every payload read as the message `fixed` names when it is given.
    pub(super) fn new(fixed: Option<&str>) -> Self {
        Self {
            fixed: fixed.map(str::to_owned),
            by_id: RwLock::default(),
        }
    }

    pub(super) fn wants(&self, id: &SchemaId) -> bool {
        !matches!(
            self.by_id.read().unwrap_or_else(|e| e.into_inner()).get(id),
            Some(Ok(_))
        )
    }

    pub(super) fn learn(&self, id: &SchemaId, schema: Result<&RegisteredSchema, &str>) {
        let mut by_id = self.by_id.write().unwrap_or_else(|e| e.into_inner());
        if matches!(by_id.get(id), Some(Ok(_))) {
            return;
        }
        let entry = match schema {
            Ok(schema) => Compiled::of(schema, self.fixed.as_deref())
                .map(Arc::new)
                .map_err(|e| Arc::from(format!("{}: {e}", id.describe()))),
            // A fetch's reason names the id already.
            Err(reason) => Err(Arc::from(reason)),
        };
        by_id.insert(*id, entry);
    }

    pub(super) fn get(&self, id: &SchemaId) -> Result<Arc<Compiled>, DecodeError> {
        match self.by_id.read().unwrap_or_else(|e| e.into_inner()).get(id) {
            Some(Ok(compiled)) => Ok(Arc::clone(compiled)),
            Some(Err(reason)) => Err(DecodeError::schema_registry(reason.to_string())),
            None => Err(DecodeError::schema_registry(format!(
                "{} was not fetched from the registry (prepare the batch before decoding it)",
                id.describe()
            ))),
        }
    }
}

impl Compiled {
    fn of(schema: &RegisteredSchema, fixed: Option<&str>) -> Result<Self, String> {
        if schema.format != DataFormat::Protobuf {
            return Err(format!(
                "the registry's schema is {}, not PROTOBUF",
                schema.format
            ));
        }
        let references: Vec<(&str, &str)> = schema
            .references
            .iter()
            .map(|r| (r.name.as_str(), r.text.as_str()))
            .collect();
        let pool = compile(&schema.text, &references)
            .map_err(|e| format!("the registry's .proto does not compile: {e}"))?;
        let file = pool
            .get_file_by_name(MAIN)
            .ok_or_else(|| "the registry's .proto compiled to no file".to_owned())?;
        let glue_order = glue_order(&file);
        let fixed = match fixed {
            Some(name) => Some(
                pool.get_message_by_name(name)
                    .ok_or_else(|| format!("the registry's .proto has no message {name}"))?,
            ),
            None => None,
        };
        Ok(Self {
            file,
            glue_order,
            fixed,
        })
    }

    /// The message a payload is: the fixed one, else the one its index path names.
    pub(super) fn select_in(
        &self,
        payload: &Payload<'_>,
    ) -> Result<MessageDescriptor, DecodeError> {
        if let Some(message) = &self.fixed {
            return Ok(message.clone());
        }
        let framing = payload.framing;
        let path = framing.message_indexes().map_or(&[0][..], |m| m.as_slice());
        let found = match framing.wire_format() {
            WireFormat::Glue => path
                .first()
                .and_then(|&i| self.glue_order.get(usize::try_from(i).ok()?).cloned()),
            _ => by_path(&self.file, path),
        };
        found.ok_or_else(|| {
            DecodeError::new(format!(
                "message-index path {path:?} names no message of the registry's schema"
            ))
        })
    }
}

/// Every message of a file, nested ones included (map entries not), in lexicographic
/// order of full names: how AWS Glue numbers them.
pub(super) fn glue_order(file: &FileDescriptor) -> Vec<MessageDescriptor> {
    let mut order: Vec<MessageDescriptor> = Vec::new();
    let mut stack: Vec<MessageDescriptor> = file.messages().collect();
    while let Some(message) = stack.pop() {
        stack.extend(message.child_messages());
        if !message.is_map_entry() {
            order.push(message);
        }
    }
    order.sort_by(|a, b| a.full_name().cmp(b.full_name()));
    order
}

/// Confluent's path: top-level messages in declaration order, then nested ones.
pub(super) fn by_path(file: &FileDescriptor, path: &[u32]) -> Option<MessageDescriptor> {
    let (&first, rest) = path.split_first()?;
    let mut message = file.messages().nth(usize::try_from(first).ok()?)?;
    for &index in rest {
        let child = message.child_messages().nth(usize::try_from(index).ok()?)?;
        message = child;
    }
    Some(message)
}
