//! Protobuf payloads read straight into their canonical proto3 JSON, without a
//! `DynamicMessage` in between: one pass over the payload with the message's descriptor,
//! building the `serde_json::Value` as prost-reflect's serializer would write it (field
//! JSON names, 64-bit integers as text, enums by name, bytes as base64, fields without
//! presence left out at their default, in field-number order).
//!
//! Anything this reader is not sure to read as prost-reflect does gives `None`, and the
//! caller decodes the payload through a `DynamicMessage` instead, which has the last word
//! on values and errors: malformed input of any kind, groups, extensions, well-known types
//! (their JSON forms are special), a singular message met twice (merged on the wire) and
//! nesting past prost's limit.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use prost_reflect::{FieldDescriptor, Kind, MessageDescriptor};
use serde_json::{Map, Value as Json};

/// prost's recursion limit.
const MAX_DEPTH: u32 = 100;

const VARINT: u8 = 0;
const FIXED64: u8 = 1;
const LEN: u8 = 2;
const FIXED32: u8 = 5;

/// Whether the reader can read `message` at all: no well-known type, group or
/// `google.protobuf.NullValue` among the messages it reaches. (Extensions are checked as
/// their numbers are met.) The codec asks once per message and remembers the answer, so
/// that a schema with a `Timestamp` goes to the `DynamicMessage` without a first try here.
pub(super) fn reads(message: &MessageDescriptor) -> bool {
    let mut seen = vec![message.clone()];
    let mut next = 0;
    while let Some(message) = seen.get(next).cloned() {
        next += 1;
        if message.full_name().starts_with("google.protobuf.") {
            return false;
        }
        for field in message.fields() {
            if field.is_group() {
                return false;
            }
            match field.kind() {
                Kind::Message(inner) if !seen.contains(&inner) => seen.push(inner),
                Kind::Enum(values) if values.full_name() == "google.protobuf.NullValue" => {
                    return false;
                }
                _ => {}
            }
        }
    }
    true
}

/// The payload as JSON, or `None` to leave it to a `DynamicMessage`.
pub(super) fn to_json(message: &MessageDescriptor, bytes: &[u8]) -> Option<Json> {
    let mut input = bytes;
    read_message(message, &mut input, 0)
}

/// One field's value as the message is read: the last value of a singular field, or every
/// item of a list or map.
enum Slot {
    Single(Json, bool),
    List(Vec<Json>),
    Map(Map<String, Json>),
}

fn varint(input: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for (i, &byte) in input.iter().enumerate().take(10) {
        if i == 9 && byte > 1 {
            return None;
        }
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte < 0x80 {
            *input = &input[i + 1..];
            return Some(value);
        }
    }
    None
}

fn take<'a>(input: &mut &'a [u8], len: usize) -> Option<&'a [u8]> {
    if len > input.len() {
        return None;
    }
    let (taken, rest) = input.split_at(len);
    *input = rest;
    Some(taken)
}

fn delimited<'a>(input: &mut &'a [u8]) -> Option<&'a [u8]> {
    let len = usize::try_from(varint(input)?).ok()?;
    take(input, len)
}

/// A field's key: its number (1 to 2^29 - 1, as prost checks) and wire type.
fn read_key(input: &mut &[u8]) -> Option<(u32, u8)> {
    let key = varint(input)?;
    let wire_type = u8::try_from(key & 7).ok()?;
    let number = u32::try_from(key >> 3)
        .ok()
        .filter(|n| (1..1 << 29).contains(n))?;
    Some((number, wire_type))
}

/// Skips an unknown field; groups are left to prost-reflect.
fn skip(wire_type: u8, input: &mut &[u8]) -> Option<()> {
    match wire_type {
        VARINT => varint(input).map(drop),
        FIXED64 => take(input, 8).map(drop),
        LEN => delimited(input).map(drop),
        FIXED32 => take(input, 4).map(drop),
        _ => None,
    }
}

fn read_message(message: &MessageDescriptor, input: &mut &[u8], depth: u32) -> Option<Json> {
    if depth >= MAX_DEPTH || message.full_name().starts_with("google.protobuf.") {
        return None;
    }
    // By field number; a message has few fields, so a list searched from the front.
    let mut slots: Vec<(u32, FieldDescriptor, Slot)> = Vec::new();
    while !input.is_empty() {
        let key = varint(input)?;
        let wire_type = u8::try_from(key & 7).ok()?;
        let number = u32::try_from(key >> 3)
            .ok()
            .filter(|n| (1..1 << 29).contains(n))?;
        let Some(field) = message.get_field(number) else {
            if message.get_extension(number).is_some() {
                return None;
            }
            skip(wire_type, input)?;
            continue;
        };
        if field.is_group() {
            return None;
        }
        let kind = field.kind();
        if field.is_map() {
            let Kind::Message(entry) = &kind else {
                return None;
            };
            if wire_type != LEN {
                return None;
            }
            let (key, value) = read_entry(entry, delimited(input)?, depth)?;
            let Slot::Map(map) = slot(&mut slots, number, field, || Slot::Map(Map::new())) else {
                return None;
            };
            map.insert(key, value);
        } else if field.is_list() {
            let Slot::List(items) = slot(&mut slots, number, field, || Slot::List(Vec::new()))
            else {
                return None;
            };
            if wire_type == LEN && packable(&kind) {
                let mut packed = delimited(input)?;
                while !packed.is_empty() {
                    items.push(read_value(&kind, wire_of(&kind), &mut packed, depth)?.0);
                }
            } else {
                items.push(read_value(&kind, wire_type, input, depth)?.0);
            }
        } else {
            let (value, default) = read_value(&kind, wire_type, input, depth)?;
            let is_message = matches!(kind, Kind::Message(_));
            if let Some(oneof) = field.containing_oneof() {
                slots.retain(|(other, _, _)| {
                    *other == number || !oneof.fields().any(|member| member.number() == *other)
                });
            }
            let shown = field.supports_presence() || !default;
            match slots.iter_mut().find(|(other, _, _)| *other == number) {
                // A singular message met again is merged into the first: prost-reflect's job.
                Some(_) if is_message => return None,
                Some((_, _, slot)) => *slot = Slot::Single(value, shown),
                None => slots.push((number, field, Slot::Single(value, shown))),
            }
        }
    }
    slots.sort_unstable_by_key(|(number, _, _)| *number);
    let mut object = Map::new();
    for (_, field, slot) in slots {
        let value = match slot {
            Slot::Single(value, true) => value,
            Slot::List(items) if !items.is_empty() => Json::Array(items),
            Slot::Map(map) if !map.is_empty() => Json::Object(map),
            _ => continue,
        };
        object.insert(field.json_name().to_owned(), value);
    }
    Some(Json::Object(object))
}

/// The slot of a list or map field, made on its first item.
fn slot(
    slots: &mut Vec<(u32, FieldDescriptor, Slot)>,
    number: u32,
    field: FieldDescriptor,
    empty: impl FnOnce() -> Slot,
) -> &mut Slot {
    let index = match slots.iter().position(|(other, _, _)| *other == number) {
        Some(index) => index,
        None => {
            slots.push((number, field, empty()));
            slots.len() - 1
        }
    };
    &mut slots[index].2
}

/// A map entry's key (as JSON object keys are: text) and value, defaults for what is absent.
fn read_entry(entry: &MessageDescriptor, mut input: &[u8], depth: u32) -> Option<(String, Json)> {
    let key_field = entry.map_entry_key_field();
    let value_field = entry.map_entry_value_field();
    let key_kind = key_field.kind();
    let value_kind = value_field.kind();
    let mut key = None;
    let mut value = None;
    while !input.is_empty() {
        let (number, wire_type) = read_key(&mut input)?;
        match number {
            1 => key = Some(read_value(&key_kind, wire_type, &mut input, depth)?.0),
            2 => {
                if value.is_some() && matches!(value_kind, Kind::Message(_)) {
                    return None;
                }
                value = Some(read_value(&value_kind, wire_type, &mut input, depth)?.0);
            }
            _ => skip(wire_type, &mut input)?,
        }
    }
    let key = match key {
        Some(Json::String(text)) => text,
        Some(Json::Bool(b)) => b.to_string(),
        Some(Json::Number(n)) => n.to_string(),
        Some(_) => return None,
        None => match key_kind {
            Kind::String => String::new(),
            Kind::Bool => "false".to_owned(),
            _ => "0".to_owned(),
        },
    };
    let value = match value {
        Some(value) => value,
        None => default_of(&value_kind)?,
    };
    Some((key, value))
}

/// The JSON of a field's default value, for a map entry without its value.
fn default_of(kind: &Kind) -> Option<Json> {
    Some(match kind {
        Kind::Message(message) => {
            if message.full_name().starts_with("google.protobuf.") {
                return None;
            }
            Json::Object(Map::new())
        }
        Kind::Enum(values) => enum_json(values, values.default_value().number())?,
        other => read_value(other, wire_of(other), &mut default_bytes(other), 0)?.0,
    })
}

/// The encoding of a scalar's zero value.
fn default_bytes(kind: &Kind) -> &'static [u8] {
    match wire_of(kind) {
        FIXED64 => &[0; 8],
        FIXED32 => &[0; 4],
        // A zero varint, or an empty string or bytes.
        _ => &[0],
    }
}

fn packable(kind: &Kind) -> bool {
    !matches!(kind, Kind::String | Kind::Bytes | Kind::Message(_))
}

fn wire_of(kind: &Kind) -> u8 {
    match kind {
        Kind::Double | Kind::Fixed64 | Kind::Sfixed64 => FIXED64,
        Kind::Float | Kind::Fixed32 | Kind::Sfixed32 => FIXED32,
        Kind::String | Kind::Bytes | Kind::Message(_) => LEN,
        _ => VARINT,
    }
}

fn enum_json(values: &prost_reflect::EnumDescriptor, number: i32) -> Option<Json> {
    if values.full_name() == "google.protobuf.NullValue" {
        return None;
    }
    Some(match values.get_value(number) {
        Some(value) => Json::String(value.name().to_owned()),
        None => Json::from(number),
    })
}

fn float(x: f64) -> Json {
    if x.is_finite() {
        Json::from(x)
    } else if x.is_nan() {
        Json::String("NaN".to_owned())
    } else if x > 0.0 {
        Json::String("Infinity".to_owned())
    } else {
        Json::String("-Infinity".to_owned())
    }
}

fn fixed<const N: usize>(input: &mut &[u8]) -> Option<[u8; N]> {
    take(input, N)?.try_into().ok()
}

/// One value of `kind`, and whether it is the kind's default (zero, empty).
#[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
fn read_value(kind: &Kind, wire_type: u8, input: &mut &[u8], depth: u32) -> Option<(Json, bool)> {
    if wire_type != wire_of(kind) {
        return None;
    }
    Some(match kind {
        Kind::Bool => {
            let v = varint(input)? != 0;
            (Json::Bool(v), !v)
        }
        Kind::Int32 => {
            let v = varint(input)? as i32;
            (Json::from(v), v == 0)
        }
        Kind::Sint32 => {
            let raw = varint(input)? as u32;
            let v = (raw >> 1) as i32 ^ -((raw & 1) as i32);
            (Json::from(v), v == 0)
        }
        Kind::Uint32 => {
            let v = varint(input)? as u32;
            (Json::from(v), v == 0)
        }
        Kind::Int64 => {
            let v = varint(input)? as i64;
            (Json::String(v.to_string()), v == 0)
        }
        Kind::Sint64 => {
            let raw = varint(input)?;
            let v = (raw >> 1) as i64 ^ -((raw & 1) as i64);
            (Json::String(v.to_string()), v == 0)
        }
        Kind::Uint64 => {
            let v = varint(input)?;
            (Json::String(v.to_string()), v == 0)
        }
        Kind::Enum(values) => {
            let v = varint(input)? as i32;
            (enum_json(values, v)?, v == 0)
        }
        Kind::Fixed32 => {
            let v = u32::from_le_bytes(fixed(input)?);
            (Json::from(v), v == 0)
        }
        Kind::Sfixed32 => {
            let v = i32::from_le_bytes(fixed(input)?);
            (Json::from(v), v == 0)
        }
        Kind::Float => {
            let v = f32::from_le_bytes(fixed(input)?);
            (float(f64::from(v)), v == 0.0)
        }
        Kind::Fixed64 => {
            let v = u64::from_le_bytes(fixed(input)?);
            (Json::String(v.to_string()), v == 0)
        }
        Kind::Sfixed64 => {
            let v = i64::from_le_bytes(fixed(input)?);
            (Json::String(v.to_string()), v == 0)
        }
        Kind::Double => {
            let v = f64::from_le_bytes(fixed(input)?);
            (float(v), v == 0.0)
        }
        Kind::String => {
            let text = std::str::from_utf8(delimited(input)?).ok()?;
            (Json::String(text.to_owned()), text.is_empty())
        }
        Kind::Bytes => {
            let bytes = delimited(input)?;
            (Json::String(STANDARD.encode(bytes)), bytes.is_empty())
        }
        Kind::Message(message) => {
            let mut body = delimited(input)?;
            (read_message(message, &mut body, depth + 1)?, false)
        }
    })
}

#[cfg(test)]
mod tests;
