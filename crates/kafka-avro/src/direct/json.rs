//! The direct reader's JSON output: a payload walked over the plan straight into
//! `serde_json::Value`, with the mapping of `crate::json` and without apache-avro's `Value`
//! in between (one allocation per string, list and object of the output, none besides).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value as Json};

use super::plan::{Node, Plan};
use super::read::Reader;
use super::{DirectError, invalid};
use crate::json::float;

/// Reads one datum of the plan's schema from the front of `bytes` as JSON, leaving the rest.
pub(crate) fn to_json(plan: &Plan, bytes: &mut &[u8]) -> Result<Json, DirectError> {
    let mut reader = Reader { bytes, depth: 0 };
    let value = read(&mut reader, plan, 0)?;
    *bytes = reader.bytes;
    Ok(value)
}

fn read(reader: &mut Reader<'_>, plan: &Plan, mut node: usize) -> Result<Json, DirectError> {
    while let Node::Union(branches) = &plan.nodes[node] {
        node = reader.branch(branches)?;
    }
    Ok(match &plan.nodes[node] {
        Node::Null => Json::Null,
        Node::Boolean => match reader.byte("a boolean")? {
            0 => Json::Bool(false),
            1 => Json::Bool(true),
            other => return Err(invalid(format!("{other} is not a boolean (0 or 1)"))),
        },
        Node::Int => Json::from(reader.int("an int")?),
        Node::Long => Json::from(reader.long("a long")?),
        Node::Float => {
            let bytes = reader.take(4, "a float")?;
            float(f64::from(f32::from_le_bytes(
                bytes.try_into().unwrap_or_default(),
            )))
        }
        Node::Double => {
            let bytes = reader.take(8, "a double")?;
            float(f64::from_le_bytes(bytes.try_into().unwrap_or_default()))
        }
        Node::Bytes => Json::String(STANDARD.encode(reader.bytes()?)),
        Node::Fixed(size) => Json::String(STANDARD.encode(reader.take(*size, "a fixed")?)),
        Node::String => Json::String(reader.string()?.to_owned()),
        Node::Enum(symbols) => Json::String(reader.symbol(symbols)?.to_owned()),
        &Node::Array(items) => {
            let mut out = Vec::new();
            each_item(reader, plan.empty[items], "an array", |reader| {
                out.push(read(reader, plan, items)?);
                Ok(())
            })?;
            Json::Array(out)
        }
        &Node::Map(values) => {
            let mut entries = Vec::new();
            each_item(reader, plan.empty[values], "a map", |reader| {
                let key = reader.string()?.to_owned();
                entries.push((key, read(reader, plan, values)?));
                Ok(())
            })?;
            // Keys in order whatever the map keeps (serde_json's `preserve_order` keeps
            // insertion order); a stable sort keeps the last of a repeated key last, so
            // that it wins as it does in apache-avro's map.
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Json::Object(entries.into_iter().collect::<Map<_, _>>())
        }
        Node::Record(record) => {
            reader.enter()?;
            let mut out = Map::new();
            for (name, field) in &record.fields {
                let value = read(reader, plan, *field)?;
                out.insert(name.to_string(), value);
            }
            reader.leave();
            Json::Object(out)
        }
        // Followed above: a union is never the node read.
        Node::Union(_) => return Err(invalid("a union of unions")),
    })
}

/// Reads every item of an array or map, block after block, one level deeper.
fn each_item(
    reader: &mut Reader<'_>,
    item_empty: bool,
    what: &str,
    mut item: impl FnMut(&mut Reader<'_>) -> Result<(), DirectError>,
) -> Result<(), DirectError> {
    reader.enter()?;
    loop {
        let count = reader.block(item_empty, what)?;
        if count == 0 {
            break;
        }
        for _ in 0..count {
            item(reader)?;
        }
    }
    reader.leave();
    Ok(())
}
