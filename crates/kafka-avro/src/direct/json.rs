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
            reader.enter()?;
            let mut out = Vec::new();
            loop {
                let count = reader.block(plan.empty[items], "an array")?;
                if count == 0 {
                    break;
                }
                for _ in 0..count {
                    out.push(read(reader, plan, items)?);
                }
            }
            reader.leave();
            Json::Array(out)
        }
        &Node::Map(values) => {
            reader.enter()?;
            let mut entries = Vec::new();
            loop {
                let count = reader.block(plan.empty[values], "a map")?;
                if count == 0 {
                    break;
                }
                for _ in 0..count {
                    let key = reader.string()?.to_owned();
                    entries.push((key, read(reader, plan, values)?));
                }
            }
            reader.leave();
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

#[cfg(test)]
mod tests {
    use apache_avro::types::Value;
    use kafka_core::testing::Encoder as _;
    use kafka_core::{Part, Payload};
    use proptest::prelude::*;

    use crate::AvroSchemas;
    use crate::codec::through_apache;
    use crate::encode::AvroEncoder;

    /// Every kind of node of the plan, logical types among them (shared with the JSON
    /// integration tests).
    const EVERYTHING: &str = include_str!("../../tests/data/everything.avsc");

    /// The payload read by the direct reader and through apache-avro, each `None` when
    /// refused. A varint whose tenth byte carries bits beyond 64 is refused by the direct
    /// reader alone (apache-avro drops those bits): such payloads are left out (`None` both).
    fn both(bytes: &[u8]) -> (Option<serde_json::Value>, Option<serde_json::Value>) {
        let schemas = AvroSchemas::builder().schema(EVERYTHING).build().unwrap();
        let payload = Payload::new(bytes, Part::Value);
        let (_, decoder) = schemas.decoder(&payload).unwrap();
        let plan = decoder.plan().expect("the direct reader reads this schema");
        let direct = schemas.read_direct_json(plan, &payload);
        if direct
            .as_ref()
            .is_err_and(|e| e.message().contains("overflows a long"))
        {
            return (None, None);
        }
        (
            direct.ok(),
            through_apache(&schemas, &decoder, &payload).ok(),
        )
    }

    fn arb_value() -> impl Strategy<Value = Value> {
        let float = any::<f32>().prop_map(Value::Float);
        let double = prop_oneof![
            any::<f64>(),
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(f64::NEG_INFINITY),
            Just(-0.0),
        ]
        .prop_map(Value::Double);
        let union = prop_oneof![
            Just(Value::Union(0, Box::new(Value::Null))),
            ".{0,6}".prop_map(|s| Value::Union(1, Box::new(Value::String(s)))),
            any::<i64>().prop_map(|n| Value::Union(2, Box::new(Value::Long(n)))),
        ];
        let map_value = prop_oneof![
            Just(Value::Union(0, Box::new(Value::Null))),
            ".{0,4}".prop_map(|s| Value::Union(1, Box::new(Value::String(s)))),
        ];
        (
            (any::<bool>(), any::<i32>(), any::<i64>(), float, double),
            (
                prop::collection::vec(any::<u8>(), 0..6),
                ".{0,10}",
                any::<[u8; 3]>(),
                0..3u32,
                prop::collection::vec(any::<i64>(), 0..4),
                prop::collection::hash_map(".{0,4}", map_value, 0..4),
            ),
            (union, any::<i32>(), any::<i64>(), any::<[u8; 3]>()),
        )
            .prop_map(|((b, i, l, f, d), (by, s, fx, e, a, m), (u, day, ts, x))| {
                let symbol = ["A", "B", "C"][e as usize];
                Value::Record(vec![
                    ("z".into(), Value::Null),
                    ("b".into(), Value::Boolean(b)),
                    ("i".into(), Value::Int(i)),
                    ("l".into(), Value::Long(l)),
                    ("f".into(), f),
                    ("d".into(), d),
                    ("by".into(), Value::Bytes(by)),
                    ("s".into(), Value::String(s)),
                    ("fx".into(), Value::Fixed(3, fx.to_vec())),
                    ("e".into(), Value::Enum(e, symbol.into())),
                    (
                        "a".into(),
                        Value::Array(a.into_iter().map(Value::Long).collect()),
                    ),
                    ("m".into(), Value::Map(m)),
                    ("u".into(), u),
                    ("day".into(), Value::Date(day)),
                    ("ts".into(), Value::TimestampMillis(ts)),
                    (
                        "in".into(),
                        Value::Record(vec![("x".into(), Value::Fixed(3, x.to_vec()))]),
                    ),
                ])
            })
    }

    proptest! {
        /// Whatever apache-avro writes reads as the same JSON both ways.
        #[test]
        fn written_values_give_the_same_json(value in arb_value()) {
            let bytes = AvroEncoder::new(EVERYTHING).unwrap().values().encode(&value).unwrap();
            let (direct, apache) = both(&bytes);
            prop_assert!(direct.is_some());
            prop_assert_eq!(direct, apache);
        }

        /// On arbitrary bytes, both accept the same payloads, as the same JSON; and a
        /// written value cut short or with a byte changed, which is mostly valid up to there.
        #[test]
        fn altered_bytes_give_the_same_json(
            value in arb_value(),
            cut in any::<prop::sample::Index>(),
            flip in any::<(prop::sample::Index, u8)>(),
            noise in prop::collection::vec(any::<u8>(), 0..96),
        ) {
            let bytes = AvroEncoder::new(EVERYTHING).unwrap().values().encode(&value).unwrap();
            let (direct, apache) = both(&bytes[..cut.index(bytes.len() + 1)]);
            prop_assert_eq!(direct, apache);
            let mut changed = bytes.clone();
            changed[flip.0.index(bytes.len())] ^= flip.1;
            let (direct, apache) = both(&changed);
            prop_assert_eq!(format!("{direct:?}"), format!("{apache:?}"));
            let (direct, apache) = both(&noise);
            prop_assert_eq!(direct, apache);
        }
    }
}
