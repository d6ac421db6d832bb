//! The direct reader: a serde `Deserializer` that walks a [`Plan`] over the payload.

use serde::de::{self, Deserializer, Visitor};

use super::access::{Entries, Fields, InOrder, Items, Symbol};
use super::plan::{Node, Plan};
use super::{DirectError, MAX_DEPTH, invalid};

/// Items of a zero-size type (`null`, an empty record) one array or map may hold.
const MAX_EMPTY_ITEMS: u64 = 1 << 16;

pub(super) struct Reader<'de> {
    pub(super) bytes: &'de [u8],
    pub(super) depth: usize,
}

impl<'de> Reader<'de> {
    pub(super) fn eof(what: &str) -> DirectError {
        invalid(format!("the payload ends inside {what}"))
    }

    pub(super) fn byte(&mut self, what: &str) -> Result<u8, DirectError> {
        let (&first, rest) = self.bytes.split_first().ok_or_else(|| Self::eof(what))?;
        self.bytes = rest;
        Ok(first)
    }

    /// A zigzag varint of at most 10 bytes.
    #[inline]
    pub(super) fn long(&mut self, what: &str) -> Result<i64, DirectError> {
        // Small values (lengths, counts, indexes) take one byte.
        if let Some((&first, rest)) = self.bytes.split_first()
            && first < 0x80
        {
            self.bytes = rest;
            return Ok(i64::from(first >> 1) ^ -i64::from(first & 1));
        }
        self.long_slow(what)
    }

    pub(super) fn long_slow(&mut self, what: &str) -> Result<i64, DirectError> {
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

    pub(super) fn int(&mut self, what: &str) -> Result<i32, DirectError> {
        let value = self.long(what)?;
        i32::try_from(value).map_err(|_| invalid(format!("{what} {value} does not fit an int")))
    }

    pub(super) fn take(&mut self, len: usize, what: &str) -> Result<&'de [u8], DirectError> {
        if len > self.bytes.len() {
            // The length is not quoted: read with the wrong schema, it is payload data.
            return Err(invalid(format!(
                "{what} is longer than the {} bytes left",
                self.bytes.len()
            )));
        }
        let (taken, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        Ok(taken)
    }

    pub(super) fn length(&mut self, what: &str) -> Result<usize, DirectError> {
        let len = self.long(what)?;
        usize::try_from(len).map_err(|_| invalid(format!("{what} has a negative length ({len})")))
    }

    pub(super) fn bytes(&mut self) -> Result<&'de [u8], DirectError> {
        let len = self.length("bytes")?;
        self.take(len, "bytes")
    }

    pub(super) fn string(&mut self) -> Result<&'de str, DirectError> {
        let len = self.length("a string")?;
        let bytes = self.take(len, "a string")?;
        std::str::from_utf8(bytes).map_err(|e| {
            invalid(format!(
                "a string of {len} bytes is not UTF-8 (invalid byte at {})",
                e.valid_up_to()
            ))
        })
    }

    /// The node of the union branch the payload names.
    pub(super) fn branch(&mut self, branches: &[usize]) -> Result<usize, DirectError> {
        let index = self.int("a union branch index")?;
        usize::try_from(index)
            .ok()
            .and_then(|i| branches.get(i))
            .copied()
            .ok_or_else(|| {
                invalid(format!(
                    "union branch {index} is out of range ({} branches)",
                    branches.len()
                ))
            })
    }

    /// The enum symbol the payload names.
    pub(super) fn symbol<'s>(&mut self, symbols: &'s [Box<str>]) -> Result<&'s str, DirectError> {
        let index = self.int("an enum index")?;
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

    pub(super) fn enter(&mut self) -> Result<(), DirectError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(invalid(format!(
                "the datum nests deeper than {MAX_DEPTH} levels"
            )));
        }
        Ok(())
    }

    pub(super) fn leave(&mut self) {
        self.depth -= 1;
    }

    /// The item count of the next array or map block, 0 at the end.
    pub(super) fn block(&mut self, item_empty: bool, what: &str) -> Result<u64, DirectError> {
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
            // The count is not quoted either.
            return Err(invalid(format!(
                "{what} announces a block of more items than the {left} bytes left can hold"
            )));
        }
        Ok(count)
    }
}

/// A deserializer for one value of one node.
pub(super) struct Value<'a, 'de> {
    pub(super) reader: &'a mut Reader<'de>,
    pub(super) plan: &'a Plan,
    pub(super) node: usize,
}

impl<'a, 'de> Value<'a, 'de> {
    pub(super) fn node(&self) -> &'a Node {
        &self.plan.nodes[self.node]
    }

    pub(super) fn at(self, node: usize) -> Self {
        Self { node, ..self }
    }

    /// Follows a union to the branch the payload names.
    #[inline]
    pub(super) fn branch(self) -> Result<Self, DirectError> {
        if matches!(self.node(), Node::Union(_)) {
            self.union_branch()
        } else {
            Ok(self)
        }
    }

    pub(super) fn union_branch(self) -> Result<Self, DirectError> {
        let mut value = self;
        while let Node::Union(branches) = value.node() {
            let branch = value.reader.branch(branches)?;
            value = value.at(branch);
        }
        Ok(value)
    }

    pub(super) fn symbol(self, symbols: &'a [Box<str>]) -> Result<&'a str, DirectError> {
        self.reader.symbol(symbols)
    }

    pub(super) fn nested<T>(
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
