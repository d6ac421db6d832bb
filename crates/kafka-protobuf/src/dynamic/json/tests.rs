//! The direct JSON reader against prost-reflect's reading (a `DynamicMessage`, then its
//! serializer) on written messages of every field kind and on altered bytes.

#![allow(
    clippy::cast_possible_truncation,
    reason = "the test's writer keeps the low bits on purpose"
)]

use proptest::prelude::*;
use prost_reflect::{DescriptorPool, DynamicMessage, SerializeOptions};

use super::*;

const PROTO: &str = r#"syntax = "proto3";
package t;
import "google/protobuf/timestamp.proto";
enum Colour { RED = 0; GREEN = 1; BLUE = 2; }
message Inner { string s = 1; int64 n = 2; repeated int32 r = 3; }
message All {
  bool b = 1; int32 i32 = 2; sint32 s32 = 3; uint32 u32 = 4; int64 i64 = 5; sint64 s64 = 6;
  uint64 u64 = 7; fixed32 f32 = 8; sfixed32 sf32 = 9; float fl = 10; fixed64 f64 = 11;
  sfixed64 sf64 = 12; double d = 13; string s = 14; bytes by = 15; Colour c = 16; Inner inner = 17;
  repeated int64 ri64 = 18; repeated string rs = 19; repeated Inner rinner = 20;
  repeated Colour rc = 21; repeated double rd = 22;
  map<string, int32> m1 = 23; map<int64, Inner> m2 = 24; map<bool, Colour> m3 = 25;
  map<uint32, bytes> m4 = 26;
  optional int32 opt = 27;
  oneof choice { string os = 28; Inner oi = 29; int32 on = 30; }
  repeated int32 unpacked = 31 [packed = false];
  string snake_case_name = 32;
  google.protobuf.Timestamp at = 33;
}
"#;

fn pool() -> DescriptorPool {
    super::super::learn::compile(PROTO, &[]).unwrap()
}

/// prost-reflect's reading: a `DynamicMessage`, then its serializer.
fn reference(message: &MessageDescriptor, bytes: &[u8]) -> Option<Json> {
    DynamicMessage::decode(message.clone(), bytes)
        .ok()?
        .serialize_with_options(serde_json::value::Serializer, &SerializeOptions::new())
        .ok()
}

fn key(number: u32, wire_type: u8, out: &mut Vec<u8>) {
    write_varint(u64::from(number) << 3 | u64::from(wire_type), out);
}

fn write_varint(mut value: u64, out: &mut Vec<u8>) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn delimited(body: &[u8], out: &mut Vec<u8>) {
    write_varint(body.len() as u64, out);
    out.extend_from_slice(body);
}

/// One field written with the wire type its kind has, from random material.
#[derive(Debug, Clone)]
struct Written {
    number: u32,
    raw: u64,
    text: String,
    packed: Vec<u64>,
}

fn value_bytes(kind: &Kind, w: &Written, out: &mut Vec<u8>) {
    match wire_of(kind) {
        FIXED64 => out.extend_from_slice(&w.raw.to_le_bytes()),
        FIXED32 => out.extend_from_slice(&(w.raw as u32).to_le_bytes()),
        LEN => match kind {
            Kind::Message(_) => {
                // An Inner: s, n, a packed r.
                let mut body = Vec::new();
                key(1, LEN, &mut body);
                delimited(w.text.as_bytes(), &mut body);
                key(2, VARINT, &mut body);
                write_varint(w.raw, &mut body);
                if !w.packed.is_empty() {
                    let mut items = Vec::new();
                    for &item in &w.packed {
                        write_varint(item, &mut items);
                    }
                    key(3, LEN, &mut body);
                    delimited(&items, &mut body);
                }
                delimited(&body, out);
            }
            _ => delimited(w.text.as_bytes(), out),
        },
        _ => write_varint(
            if matches!(kind, Kind::Enum(_)) {
                w.raw % 5
            } else {
                w.raw
            },
            out,
        ),
    }
}

fn encode(message: &MessageDescriptor, fields: &[Written]) -> Vec<u8> {
    let mut out = Vec::new();
    for w in fields {
        let Some(field) = message.get_field(w.number) else {
            // An unknown field.
            key(w.number, VARINT, &mut out);
            write_varint(w.raw, &mut out);
            continue;
        };
        let kind = field.kind();
        if field.is_map() {
            let Kind::Message(entry) = kind else {
                unreachable!()
            };
            let mut body = Vec::new();
            let (k, v) = (entry.map_entry_key_field(), entry.map_entry_value_field());
            key(1, wire_of(&k.kind()), &mut body);
            value_bytes(&k.kind(), w, &mut body);
            if w.raw % 3 != 0 {
                key(2, wire_of(&v.kind()), &mut body);
                value_bytes(&v.kind(), w, &mut body);
            }
            key(w.number, LEN, &mut out);
            delimited(&body, &mut out);
        } else if field.is_list() && packable(&kind) && w.raw % 2 == 0 {
            let mut items = Vec::new();
            for &item in &w.packed {
                let one = Written {
                    raw: item,
                    ..w.clone()
                };
                value_bytes(&kind, &one, &mut items);
            }
            key(w.number, LEN, &mut out);
            delimited(&items, &mut out);
        } else {
            key(w.number, wire_of(&kind), &mut out);
            value_bytes(&kind, w, &mut out);
        }
    }
    out
}

fn arb_fields() -> impl Strategy<Value = Vec<Written>> {
    let raw = prop_oneof![
        Just(0u64),
        Just(1u64),
        0..300u64,
        any::<u64>(),
        Just(f64::NAN.to_bits()),
        Just(f64::INFINITY.to_bits()),
        Just((-0.0f64).to_bits()),
        Just(u64::from(f32::NEG_INFINITY.to_bits())),
    ];
    prop::collection::vec(
        (
            1..36u32,
            raw,
            "(|.{0,6})",
            prop::collection::vec(0..1000u64, 0..4),
        )
            .prop_map(|(number, raw, text, packed)| Written {
                number,
                raw,
                text,
                packed,
            }),
        0..12,
    )
}

/// Both readings, when the direct one reads the payload.
fn agree(message: &MessageDescriptor, bytes: &[u8]) -> Result<bool, TestCaseError> {
    let direct = to_json(message, bytes);
    if let Some(direct) = &direct {
        let reference = reference(message, bytes);
        // Compared as values: with serde_json's `preserve_order`, prost-reflect writes map
        // entries in its hash map's order, and objects compare without order. (JSON has no
        // NaN: both write it as text.)
        prop_assert_eq!(Some(direct), reference.as_ref());
    }
    Ok(direct.is_some())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Written messages read as prost-reflect reads them.
    #[test]
    fn written_messages_read_as_prost_reflect_reads_them(fields in arb_fields()) {
        let pool = pool();
        let message = pool.get_message_by_name("t.All").unwrap();
        let bytes = encode(&message, &fields);
        let direct = agree(&message, &bytes)?;
        // Only what it leaves to prost-reflect on purpose goes there.
        let merged = fields.iter().filter(|w| [17, 29].contains(&w.number)).count() > 1;
        let timestamp = fields.iter().any(|w| w.number == 33);
        prop_assert!(direct || merged || timestamp, "left to prost-reflect: {fields:?}");
    }

    /// Cut short, a byte changed, or random: never another answer than prost-reflect's.
    #[test]
    fn altered_bytes_never_disagree(
        fields in arb_fields(),
        cut in any::<prop::sample::Index>(),
        flip in any::<(prop::sample::Index, u8)>(),
        noise in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let pool = pool();
        let message = pool.get_message_by_name("t.All").unwrap();
        let bytes = encode(&message, &fields);
        agree(&message, &bytes[..cut.index(bytes.len() + 1)])?;
        if !bytes.is_empty() {
            let mut changed = bytes.clone();
            changed[flip.0.index(bytes.len())] ^= flip.1;
            agree(&message, &changed)?;
        }
        agree(&message, &noise)?;
    }
}

#[test]
fn a_message_in_canonical_json() {
    let pool = pool();
    let message = pool.get_message_by_name("t.All").unwrap();
    let fields = [
        Written {
            number: 5,
            raw: u64::MAX,
            text: String::new(),
            packed: vec![],
        },
        Written {
            number: 16,
            raw: 2,
            text: String::new(),
            packed: vec![],
        },
        Written {
            number: 23,
            raw: 7,
            text: "k".into(),
            packed: vec![],
        },
        Written {
            number: 32,
            raw: 0,
            text: "x".into(),
            packed: vec![],
        },
        Written {
            number: 2,
            raw: 0,
            text: String::new(),
            packed: vec![],
        },
        Written {
            number: 27,
            raw: 0,
            text: String::new(),
            packed: vec![],
        },
    ];
    let json = to_json(&message, &encode(&message, &fields)).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "i64": "-1", "c": "BLUE", "m1": {"k": 7}, "snakeCaseName": "x", "opt": 0
        })
    );
}

/// A message reaching a well-known type is left to prost-reflect before any reading: its
/// JSON form (an RFC 3339 timestamp here) is prost-reflect's.
#[test]
fn messages_with_well_known_types_go_through_a_dynamic_message() {
    use kafka_core::{Codec, Part, Payload};

    let pool = pool();
    assert!(!reads(&pool.get_message_by_name("t.All").unwrap()));
    assert!(reads(&pool.get_message_by_name("t.Inner").unwrap()));

    let schema = super::super::ProtoSchema::with_pool(&pool, "registered-schema.proto")
        .unwrap()
        .message("t.All")
        .unwrap();
    let codec = schema.json();
    // at = { seconds: 1 }, and an int32.
    let bytes = [0x8a, 0x02, 0x02, 0x08, 0x01, 0x10, 0x07];
    let json = codec.decode(Payload::new(&bytes, Part::Value)).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"at": "1970-01-01T00:00:01Z", "i32": 7})
    );
    let inner = schema.clone().message("t.Inner").unwrap().json();
    assert_eq!(
        inner
            .decode(Payload::new(&[0x10, 0x05], Part::Value))
            .unwrap(),
        serde_json::json!({"n": "5"})
    );
    assert!(inner.direct(&pool.get_message_by_name("t.Inner").unwrap()));
}
