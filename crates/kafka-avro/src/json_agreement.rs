//! The direct reader's JSON against apache-avro's reading followed by the mapping
//! (`codec::through_apache`), on written values of every kind and on altered bytes. A test
//! module of the crate's root, so that the direct reader depends on nothing above it.

use apache_avro::types::Value;
use kafka_core::testing::Encoder as _;
use kafka_core::{Part, Payload};
use proptest::prelude::*;

use crate::AvroSchemas;
use crate::codec::through_apache;
use crate::encode::AvroEncoder;

/// Every kind of node of the plan, logical types among them (shared with the JSON
/// integration tests).
const EVERYTHING: &str = include_str!("../tests/data/everything.avsc");

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
