//! A writer schema compiled once into a flat list of nodes for the direct reader.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use apache_avro::Schema;
use apache_avro::schema::Name;

/// One node of a compiled schema; children are indexes into [`Plan::nodes`].
#[derive(Debug)]
pub(super) enum Node {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    String,
    Fixed(usize),
    Enum(Box<[Box<str>]>),
    Array(usize),
    Map(usize),
    Union(Box<[usize]>),
    Record(Record),
}

/// A record's fields, by name and node, in the order they are written.
#[derive(Debug)]
pub(super) struct Record {
    pub(super) fields: Box<[(Box<str>, usize)]>,
    /// The address of the last list of Rust field names found to be these fields, in
    /// this order: a struct with that list reads the fields by position, without
    /// matching their names (0 when none was).
    same_order: AtomicUsize,
}

impl Record {
    /// Whether a struct with these Rust field names (serde's list, in declaration
    /// order) can read this record's fields by position.
    pub(super) fn same_order(&self, names: &'static [&'static str]) -> bool {
        if names.len() != self.fields.len() {
            return false;
        }
        let address = names.as_ptr().addr();
        if self.same_order.load(Ordering::Relaxed) == address {
            return true;
        }
        let same = self
            .fields
            .iter()
            .zip(names)
            .all(|((field, _), name)| **field == **name);
        if same {
            self.same_order.store(address, Ordering::Relaxed);
        }
        same
    }
}

/// A writer schema compiled for [`from_slice`].
#[derive(Debug)]
pub(crate) struct Plan {
    pub(super) nodes: Vec<Node>,
    /// Whether each node can be written in zero bytes.
    pub(super) empty: Vec<bool>,
}

struct Compiler<'s> {
    names: &'s HashMap<Name, &'s Schema>,
    nodes: Vec<Node>,
    seen: HashMap<*const Schema, usize>,
}

impl<'s> Compiler<'s> {
    /// The node index of `schema`; `None` when the plan cannot read it as apache-avro does.
    fn compile(&mut self, schema: &'s Schema) -> Option<usize> {
        let key: *const Schema = schema;
        if let Some(&index) = self.seen.get(&key) {
            return Some(index);
        }
        let leaf = match schema {
            Schema::Null => Node::Null,
            Schema::Boolean => Node::Boolean,
            Schema::Int | Schema::Date | Schema::TimeMillis => Node::Int,
            Schema::Long
            | Schema::TimeMicros
            | Schema::TimestampMillis
            | Schema::TimestampMicros
            | Schema::TimestampNanos
            | Schema::LocalTimestampMillis
            | Schema::LocalTimestampMicros
            | Schema::LocalTimestampNanos => Node::Long,
            Schema::Float => Node::Float,
            Schema::Double => Node::Double,
            Schema::Bytes => Node::Bytes,
            Schema::String => Node::String,
            Schema::Fixed(fixed) => Node::Fixed(fixed.size),
            Schema::Enum(schema) => {
                Node::Enum(schema.symbols.iter().map(|s| s.as_str().into()).collect())
            }
            Schema::Ref { name } => {
                let target = self.names.get(name)?;
                return self.compile(target);
            }
            Schema::Array(_) | Schema::Map(_) | Schema::Union(_) | Schema::Record(_) => {
                return self.compile_compound(schema);
            }
            _ => return None,
        };
        Some(self.push(key, leaf))
    }

    fn push(&mut self, key: *const Schema, node: Node) -> usize {
        self.nodes.push(node);
        let index = self.nodes.len() - 1;
        self.seen.insert(key, index);
        index
    }

    /// Containers: the index is taken first, so that a recursive record finds itself.
    fn compile_compound(&mut self, schema: &'s Schema) -> Option<usize> {
        let index = self.push(schema, Node::Null);
        let node = match schema {
            Schema::Array(array) => Node::Array(self.compile(&array.items)?),
            Schema::Map(map) => Node::Map(self.compile(&map.types)?),
            Schema::Union(union) => Node::Union(
                union
                    .variants()
                    .iter()
                    .map(|variant| self.compile(variant))
                    .collect::<Option<_>>()?,
            ),
            Schema::Record(record) => Node::Record(Record {
                fields: record
                    .fields
                    .iter()
                    .map(|field| Some((field.name.as_str().into(), self.compile(&field.schema)?)))
                    .collect::<Option<_>>()?,
                same_order: AtomicUsize::new(0),
            }),
            _ => return None,
        };
        self.nodes[index] = node;
        Some(index)
    }
}

impl Plan {
    /// Compiles `schema`, following references through `names`; `None` when some part
    /// of it is left to apache-avro.
    pub(crate) fn compile(schema: &Schema, names: &HashMap<Name, &Schema>) -> Option<Self> {
        let mut compiler = Compiler {
            names,
            nodes: Vec::new(),
            seen: HashMap::new(),
        };
        let root = compiler.compile(schema)?;
        let mut nodes = compiler.nodes;
        // The root goes first, so that reading starts at index 0.
        if root != 0 {
            return None;
        }
        nodes.shrink_to_fit();
        let empty = zero_size(&nodes);
        Some(Self { nodes, empty })
    }
}

/// Which nodes can be written in zero bytes: `null`, empty fixed, and records of those.
fn zero_size(nodes: &[Node]) -> Vec<bool> {
    let mut empty: Vec<bool> = nodes
        .iter()
        .map(|node| matches!(node, Node::Null | Node::Fixed(0) | Node::Record(_)))
        .collect();
    // Records start as empty and lose it while a field of theirs is not: a fixed point.
    let mut changed = true;
    while changed {
        changed = false;
        for (index, node) in nodes.iter().enumerate() {
            if let Node::Record(record) = node
                && empty[index]
                && record.fields.iter().any(|&(_, field)| !empty[field])
            {
                empty[index] = false;
                changed = true;
            }
        }
    }
    empty
}
