//! The serde accesses the direct reader hands visitors: enum symbols, record fields (by
//! name or in order), array items and map entries.

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

use super::plan::Plan;
use super::read::{Reader, Value};
use super::{DirectError, invalid};

/// An enum symbol, for a Rust enum of unit variants.
pub(super) struct Symbol<'a>(pub(super) &'a str);

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
pub(super) struct Fields<'a, 'de> {
    pub(super) reader: &'a mut Reader<'de>,
    pub(super) plan: &'a Plan,
    pub(super) fields: &'a [(Box<str>, usize)],
    pub(super) next: usize,
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
pub(super) struct InOrder<'a, 'de> {
    pub(super) reader: &'a mut Reader<'de>,
    pub(super) plan: &'a Plan,
    pub(super) fields: &'a [(Box<str>, usize)],
    pub(super) next: usize,
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
pub(super) struct FieldName<'a>(pub(super) &'a str);

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
pub(super) struct Items<'a, 'de> {
    pub(super) reader: &'a mut Reader<'de>,
    pub(super) plan: &'a Plan,
    pub(super) items: usize,
    pub(super) left: u64,
    pub(super) done: bool,
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
pub(super) struct Entries<'a, 'de> {
    pub(super) reader: &'a mut Reader<'de>,
    pub(super) plan: &'a Plan,
    pub(super) values: usize,
    pub(super) left: u64,
    pub(super) done: bool,
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
