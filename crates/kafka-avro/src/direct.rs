//! Avro binary straight into serde types, without apache-avro's deserializer.
//!
//! The writer schema is compiled once into a flat [`Plan`]: named types resolved, logical
//! types reduced to what they are written as. The deserializer walks the plan over the
//! payload and lends strings and bytes from it, so that the only allocations are the ones
//! the target type makes. Any struct reads any record, whatever their names; an enum reads
//! into a Rust enum or into text.
//!
//! The plan is only built for what it reads exactly as apache-avro does: schemas with
//! decimals, durations or UUIDs, and reading into a Rust enum from a union, are left to
//! apache-avro ([`DirectError::Unsupported`]).
//!
//! Bounds: lengths are checked against the bytes left before anything is lent, array and
//! map blocks cannot announce more items than the bytes left could hold, and nesting is
//! limited to [`MAX_DEPTH`] levels.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use apache_avro::Schema;
use apache_avro::schema::Name;
use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

/// Records, arrays, maps and unions nested deeper than this fail to decode.
pub(crate) const MAX_DEPTH: usize = 128;

/// Items of a zero-size type (`null`, an empty record) one array or map may hold.
const MAX_EMPTY_ITEMS: u64 = 1 << 16;

/// One node of a compiled schema; children are indexes into [`Plan::nodes`].
#[derive(Debug)]
enum Node {
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
struct Record {
    fields: Box<[(Box<str>, usize)]>,
    /// The address of the last list of Rust field names found to be these fields, in
    /// this order: a struct with that list reads the fields by position, without
    /// matching their names (0 when none was).
    same_order: AtomicUsize,
}

impl Record {
    /// Whether a struct with these Rust field names (serde's list, in declaration
    /// order) can read this record's fields by position.
    fn same_order(&self, names: &'static [&'static str]) -> bool {
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
    nodes: Vec<Node>,
    /// Whether each node can be written in zero bytes.
    empty: Vec<bool>,
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

/// Why a payload was not read.
#[derive(Debug)]
pub(crate) enum DirectError {
    /// The payload, or the target type, does not fit the schema.
    Invalid(String),
    /// A reading left to apache-avro.
    Unsupported,
}

impl fmt::Display for DirectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid(message) => f.write_str(message),
            Self::Unsupported => f.write_str("not supported by the direct reader"),
        }
    }
}

impl std::error::Error for DirectError {}

impl de::Error for DirectError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self::Invalid(message.to_string())
    }
}

fn invalid(message: impl Into<String>) -> DirectError {
    DirectError::Invalid(message.into())
}

/// Reads one datum of the plan's schema from the front of `bytes`, leaving the rest.
pub(crate) fn from_slice<'de, T: de::Deserialize<'de>>(
    plan: &Plan,
    bytes: &mut &'de [u8],
) -> Result<T, DirectError> {
    let mut reader = Reader { bytes, depth: 0 };
    let value = T::deserialize(Value {
        reader: &mut reader,
        plan,
        node: 0,
    })?;
    *bytes = reader.bytes;
    Ok(value)
}

struct Reader<'de> {
    bytes: &'de [u8],
    depth: usize,
}

impl<'de> Reader<'de> {
    fn eof(what: &str) -> DirectError {
        invalid(format!("the payload ends inside {what}"))
    }

    fn byte(&mut self, what: &str) -> Result<u8, DirectError> {
        let (&first, rest) = self.bytes.split_first().ok_or_else(|| Self::eof(what))?;
        self.bytes = rest;
        Ok(first)
    }

    /// A zigzag varint of at most 10 bytes.
    #[inline]
    fn long(&mut self, what: &str) -> Result<i64, DirectError> {
        // Small values (lengths, counts, indexes) take one byte.
        if let Some((&first, rest)) = self.bytes.split_first()
            && first < 0x80
        {
            self.bytes = rest;
            return Ok(i64::from(first >> 1) ^ -i64::from(first & 1));
        }
        self.long_slow(what)
    }

    fn long_slow(&mut self, what: &str) -> Result<i64, DirectError> {
        let mut value: u64 = 0;
        for shift in (0..70).step_by(7) {
            let byte = self.byte(what)?;
            if shift == 63 && byte > 1 {
                return Err(invalid(format!("{what} overflows a long")));
            }
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                #[allow(clippy::cast_possible_wrap)]
                return Ok((value >> 1) as i64 ^ -((value & 1) as i64));
            }
        }
        Err(invalid(format!("{what} overflows a long")))
    }

    fn int(&mut self, what: &str) -> Result<i32, DirectError> {
        let value = self.long(what)?;
        i32::try_from(value).map_err(|_| invalid(format!("{what} {value} does not fit an int")))
    }

    fn take(&mut self, len: usize, what: &str) -> Result<&'de [u8], DirectError> {
        if len > self.bytes.len() {
            return Err(invalid(format!(
                "{what} of {len} bytes is longer than the {} bytes left",
                self.bytes.len()
            )));
        }
        let (taken, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        Ok(taken)
    }

    fn length(&mut self, what: &str) -> Result<usize, DirectError> {
        let len = self.long(what)?;
        usize::try_from(len).map_err(|_| invalid(format!("{what} has a negative length ({len})")))
    }

    fn bytes(&mut self) -> Result<&'de [u8], DirectError> {
        let len = self.length("bytes")?;
        self.take(len, "bytes")
    }

    fn string(&mut self) -> Result<&'de str, DirectError> {
        let len = self.length("a string")?;
        let bytes = self.take(len, "a string")?;
        std::str::from_utf8(bytes).map_err(|e| {
            invalid(format!(
                "a string of {len} bytes is not UTF-8 (invalid byte at {})",
                e.valid_up_to()
            ))
        })
    }

    fn enter(&mut self) -> Result<(), DirectError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(invalid(format!(
                "the datum nests deeper than {MAX_DEPTH} levels"
            )));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// The item count of the next array or map block, 0 at the end.
    fn block(&mut self, item_empty: bool, what: &str) -> Result<u64, DirectError> {
        let count = self.long(what)?;
        let count = if count < 0 {
            // A negative count is followed by the block's size in bytes.
            self.long(what)?;
            count.unsigned_abs()
        } else {
            count.unsigned_abs()
        };
        let left = self.bytes.len() as u64;
        if (item_empty && count > MAX_EMPTY_ITEMS) || (!item_empty && count > left) {
            return Err(invalid(format!(
                "{what} announces a block of {count} items, more than the {left} bytes left can hold"
            )));
        }
        Ok(count)
    }
}

/// A deserializer for one value of one node.
struct Value<'a, 'de> {
    reader: &'a mut Reader<'de>,
    plan: &'a Plan,
    node: usize,
}

impl<'a, 'de> Value<'a, 'de> {
    fn node(&self) -> &'a Node {
        &self.plan.nodes[self.node]
    }

    fn at(self, node: usize) -> Self {
        Self { node, ..self }
    }

    /// Follows a union to the branch the payload names.
    #[inline]
    fn branch(self) -> Result<Self, DirectError> {
        if matches!(self.node(), Node::Union(_)) {
            self.union_branch()
        } else {
            Ok(self)
        }
    }

    fn union_branch(self) -> Result<Self, DirectError> {
        let mut value = self;
        while let Node::Union(branches) = value.node() {
            let index = value.reader.int("a union branch index")?;
            let branch = usize::try_from(index)
                .ok()
                .and_then(|i| branches.get(i))
                .copied()
                .ok_or_else(|| {
                    invalid(format!(
                        "union branch {index} is out of range ({} branches)",
                        branches.len()
                    ))
                })?;
            value = value.at(branch);
        }
        Ok(value)
    }

    fn symbol(self, symbols: &'a [Box<str>]) -> Result<&'a str, DirectError> {
        let index = self.reader.int("an enum index")?;
        usize::try_from(index)
            .ok()
            .and_then(|i| symbols.get(i))
            .map(AsRef::as_ref)
            .ok_or_else(|| {
                invalid(format!(
                    "enum index {index} is out of range ({} symbols)",
                    symbols.len()
                ))
            })
    }

    fn nested<T>(
        self,
        read: impl FnOnce(&mut Reader<'de>, &'a Plan) -> Result<T, DirectError>,
    ) -> Result<T, DirectError> {
        self.reader.enter()?;
        let value = read(self.reader, self.plan)?;
        self.reader.leave();
        Ok(value)
    }
}

impl<'de> Deserializer<'de> for Value<'_, 'de> {
    type Error = DirectError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DirectError> {
        let value = self.branch()?;
        let plan = value.plan;
        match value.node() {
            Node::Null => visitor.visit_unit(),
            Node::Boolean => match value.reader.byte("a boolean")? {
                0 => visitor.visit_bool(false),
                1 => visitor.visit_bool(true),
                other => Err(invalid(format!("{other} is not a boolean (0 or 1)"))),
            },
            Node::Int => visitor.visit_i32(value.reader.int("an int")?),
            Node::Long => visitor.visit_i64(value.reader.long("a long")?),
            Node::Float => {
                let bytes = value.reader.take(4, "a float")?;
                visitor.visit_f32(f32::from_le_bytes(bytes.try_into().unwrap_or_default()))
            }
            Node::Double => {
                let bytes = value.reader.take(8, "a double")?;
                visitor.visit_f64(f64::from_le_bytes(bytes.try_into().unwrap_or_default()))
            }
            Node::Bytes => visitor.visit_borrowed_bytes(value.reader.bytes()?),
            Node::String => visitor.visit_borrowed_str(value.reader.string()?),
            Node::Fixed(size) => visitor.visit_borrowed_bytes(value.reader.take(*size, "a fixed")?),
            Node::Enum(symbols) => visitor.visit_str(value.symbol(symbols)?),
            &Node::Array(items) => value.nested(|reader, plan| {
                visitor.visit_seq(Items {
                    reader,
                    plan,
                    items,
                    left: 0,
                    done: false,
                })
            }),
            &Node::Map(values) => value.nested(|reader, plan| {
                visitor.visit_map(Entries {
                    reader,
                    plan,
                    values,
                    left: 0,
                    done: false,
                })
            }),
            Node::Record(record) => value.nested(|reader, _| {
                visitor.visit_map(Fields {
                    reader,
                    plan,
                    fields: &record.fields,
                    next: 0,
                })
            }),
            Node::Union(_) => Err(DirectError::Unsupported),
        }
    }

    // The methods a type asks for check for the node they expect first: one predictable
    // branch per call site instead of the dispatch over every kind of node.
    #[inline]
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DirectError> {
        if let Node::String = self.node() {
            return visitor.visit_borrowed_str(self.reader.string()?);
        }
        self.deserialize_any(visitor)
    }

    #[inline]
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DirectError> {
        self.deserialize_string(visitor)
    }

    #[inline]
    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DirectError> {
        if let Node::Long = self.node() {
            return visitor.visit_i64(self.reader.long("a long")?);
        }
        self.deserialize_any(visitor)
    }

    #[inline]
    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DirectError> {
        if let Node::Int = self.node() {
            return visitor.visit_i32(self.reader.int("an int")?);
        }
        self.deserialize_any(visitor)
    }

    #[inline]
    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DirectError> {
        if let Node::Double = self.node() {
            let bytes = self.reader.take(8, "a double")?;
            return visitor.visit_f64(f64::from_le_bytes(bytes.try_into().unwrap_or_default()));
        }
        self.deserialize_any(visitor)
    }

    #[inline]
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        names: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DirectError> {
        if let Node::Record(record) = self.node() {
            let plan = self.plan;
            let fields = &record.fields;
            return if record.same_order(names) {
                self.nested(|reader, _| {
                    visitor.visit_seq(InOrder {
                        reader,
                        plan,
                        fields,
                        next: 0,
                    })
                })
            } else {
                self.nested(|reader, _| {
                    visitor.visit_map(Fields {
                        reader,
                        plan,
                        fields,
                        next: 0,
                    })
                })
            };
        }
        self.deserialize_any(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DirectError> {
        let value = self.branch()?;
        if matches!(value.node(), Node::Null) {
            visitor.visit_none()
        } else {
            visitor.visit_some(value)
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DirectError> {
        match self.node() {
            Node::Enum(symbols) => {
                let symbol = self.symbol(symbols)?;
                visitor.visit_enum(Symbol(symbol))
            }
            // Which Rust variant a union branch is, is apache-avro's convention.
            Node::Union(_) => Err(DirectError::Unsupported),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DirectError> {
        let value = self.branch()?;
        match value.node() {
            // Bytes into a sequence of u8 (a `Vec<u8>` without serde_bytes).
            Node::Bytes => visitor.visit_seq(byte_seq(value.reader.bytes()?)),
            Node::Fixed(size) => visitor.visit_seq(byte_seq(value.reader.take(*size, "a fixed")?)),
            _ => value.deserialize_any(visitor),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DirectError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DirectError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DirectError> {
        self.deserialize_any(de::IgnoredAny)?;
        visitor.visit_unit()
    }

    fn is_human_readable(&self) -> bool {
        // As apache-avro's deserializer answers by default.
        false
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i128 u8 u16 u32 u64 u128 f32 char
        bytes byte_buf unit unit_struct tuple_struct map identifier
    }
}

fn byte_seq(
    bytes: &[u8],
) -> de::value::SeqDeserializer<std::iter::Copied<std::slice::Iter<'_, u8>>, DirectError> {
    de::value::SeqDeserializer::new(bytes.iter().copied())
}

/// An enum symbol, for a Rust enum of unit variants.
struct Symbol<'a>(&'a str);

impl<'de> EnumAccess<'de> for Symbol<'_> {
    type Error = DirectError;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self), DirectError> {
        let variant = seed.deserialize(self.0.into_deserializer())?;
        Ok((variant, self))
    }
}

impl<'de> VariantAccess<'de> for Symbol<'_> {
    type Error = DirectError;

    fn unit_variant(self) -> Result<(), DirectError> {
        Ok(())
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(
        self,
        _seed: S,
    ) -> Result<S::Value, DirectError> {
        Err(invalid(format!(
            "enum symbol {} read as a newtype variant",
            self.0
        )))
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value, DirectError> {
        Err(invalid(format!(
            "enum symbol {} read as a tuple variant",
            self.0
        )))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, DirectError> {
        Err(invalid(format!(
            "enum symbol {} read as a struct variant",
            self.0
        )))
    }
}

/// The fields of a record, as a map from field name to value.
struct Fields<'a, 'de> {
    reader: &'a mut Reader<'de>,
    plan: &'a Plan,
    fields: &'a [(Box<str>, usize)],
    next: usize,
}

impl<'de> MapAccess<'de> for Fields<'_, 'de> {
    type Error = DirectError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DirectError> {
        match self.fields.get(self.next) {
            Some((name, _)) => seed.deserialize(FieldName(name)).map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<S::Value, DirectError> {
        let (_, node) = self.fields[self.next];
        self.next += 1;
        seed.deserialize(Value {
            reader: self.reader,
            plan: self.plan,
            node,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.fields.len() - self.next)
    }
}

/// The fields of a record, in order, for a struct whose fields are the same.
struct InOrder<'a, 'de> {
    reader: &'a mut Reader<'de>,
    plan: &'a Plan,
    fields: &'a [(Box<str>, usize)],
    next: usize,
}

impl<'de> SeqAccess<'de> for InOrder<'_, 'de> {
    type Error = DirectError;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, DirectError> {
        let Some(&(_, node)) = self.fields.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        seed.deserialize(Value {
            reader: self.reader,
            plan: self.plan,
            node,
        })
        .map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.fields.len() - self.next)
    }
}

/// A field name, lent to the visitor as text.
struct FieldName<'a>(&'a str);

impl<'de> Deserializer<'de> for FieldName<'_> {
    type Error = DirectError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DirectError> {
        visitor.visit_str(self.0)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// The items of an array, block by block.
struct Items<'a, 'de> {
    reader: &'a mut Reader<'de>,
    plan: &'a Plan,
    items: usize,
    left: u64,
    done: bool,
}

impl<'de> SeqAccess<'de> for Items<'_, 'de> {
    type Error = DirectError;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, DirectError> {
        if self.left == 0 {
            if self.done {
                return Ok(None);
            }
            self.left = self.reader.block(self.plan.empty[self.items], "an array")?;
            if self.left == 0 {
                self.done = true;
                return Ok(None);
            }
        }
        self.left -= 1;
        seed.deserialize(Value {
            reader: self.reader,
            plan: self.plan,
            node: self.items,
        })
        .map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        usize::try_from(self.left).ok()
    }
}

/// The entries of a map, block by block; keys are strings.
struct Entries<'a, 'de> {
    reader: &'a mut Reader<'de>,
    plan: &'a Plan,
    values: usize,
    left: u64,
    done: bool,
}

impl<'de> MapAccess<'de> for Entries<'_, 'de> {
    type Error = DirectError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DirectError> {
        if self.left == 0 {
            if self.done {
                return Ok(None);
            }
            // Every entry has a key of at least one byte.
            self.left = self.reader.block(false, "a map")?;
            if self.left == 0 {
                self.done = true;
                return Ok(None);
            }
        }
        self.left -= 1;
        let key = self.reader.string()?;
        seed.deserialize(de::value::BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<S::Value, DirectError> {
        seed.deserialize(Value {
            reader: self.reader,
            plan: self.plan,
            node: self.values,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        usize::try_from(self.left).ok()
    }
}
