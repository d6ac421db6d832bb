//! Property tests: no byte string makes a wire parser panic, and written paths read back.

use crate::framing::{FramingPolicy, WireFormat};
use crate::testing::wire::{glue_index, message_indexes};
use crate::vocab::{DataFormat, SchemaMetadata};
use crate::wire::FramingContext;
use crate::wire::{
    decompress_zlib, parse_confluent, parse_glue, parse_glue_index, parse_message_indexes,
};
use proptest::prelude::*;

/// Bytes that often start like a header, so the deeper branches are reached.
fn framed_bytes() -> impl Strategy<Value = Vec<u8>> {
    (
        prop_oneof![
            Just(vec![0x00]),
            Just(vec![0x03, 0x00]),
            Just(vec![0x03, 0x05]),
            Just(vec![])
        ],
        proptest::collection::vec(any::<u8>(), 0..96),
    )
        .prop_map(|(head, tail)| [head, tail].concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn parsers_never_panic(bytes in framed_bytes()) {
        let _ = parse_confluent(&bytes);
        let _ = parse_glue(&bytes);
        let _ = parse_message_indexes(&bytes);
        let _ = parse_glue_index(&bytes);
        let mut out = Vec::new();
        let _ = decompress_zlib(&bytes, 4096, &mut out);
        prop_assert!(out.capacity() <= 4096);
    }

    #[test]
    fn unframe_never_panics(
        bytes in framed_bytes(),
        wire_format in prop_oneof![
            Just(WireFormat::Auto), Just(WireFormat::Plain), Just(WireFormat::Confluent), Just(WireFormat::Glue)
        ],
        policy in prop_oneof![Just(FramingPolicy::PREFIX), Just(FramingPolicy::KNOWN_IDS), Just(FramingPolicy::PROTOBUF), Just(FramingPolicy::NONE)],
        schema_id in prop_oneof![
            Just(None), Just(Some("12")), Just(Some("5a4b1e2c-0d3f-4a5b-8c7d-9e0f1a2b3c4d")),
            Just(Some("99999999999")), Just(Some("x"))
        ],
        knows in any::<bool>(),
        header in prop_oneof![
            Just(None),
            Just(Some(vec![0x01; 17])),
            Just(Some(vec![0x01, 0x02])),
            proptest::collection::vec(any::<u8>(), 0..24).prop_map(Some),
        ],
    ) {
        let metadata = SchemaMetadata::new(Some(DataFormat::Protobuf), schema_id);
        let context = FramingContext {
            wire_format,
            policy,
            metadata: Some(&metadata),
            header: header.as_deref(),
            knows_schema_id: &|_| knows,
            max_decompressed: 4096,
        };
        let mut scratch = Vec::new();
        if let Ok((framing, rest)) = crate::wire::unframe(&bytes, &context, &mut scratch) {
            prop_assert!(framing.wire_format() != WireFormat::Auto);
            prop_assert!(rest.len() <= 4096.max(bytes.len()));
        }
    }

    #[test]
    fn message_index_paths_read_back(path in proptest::collection::vec(0u32..=i32::MAX as u32, 1..=64), tail in proptest::collection::vec(any::<u8>(), 0..8)) {
        let mut bytes = message_indexes(&path);
        bytes.extend_from_slice(&tail);
        let (parsed, rest) = parse_message_indexes(&bytes).unwrap();
        prop_assert_eq!(parsed.as_slice(), &path[..]);
        prop_assert_eq!(rest, &tail[..]);
    }

    #[test]
    fn glue_indexes_read_back(index in any::<u32>()) {
        let bytes = glue_index(index);
        prop_assert_eq!(parse_glue_index(&bytes).unwrap(), (index, &[][..]));
    }
}
