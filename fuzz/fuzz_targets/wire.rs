//! Every wire parser, and the whole framing step under every setting, on arbitrary bytes.
//!
//! The first byte picks the wire format, the codec's framing policy and the metadata; the rest
//! is the payload.

#![no_main]

use kafka_core::fuzzing;
use kafka_core::{DataFormat, FramingPolicy, SchemaMetadata, WireFormat};
use libfuzzer_sys::fuzz_target;

/// Small, so that inflating is bounded in time too.
const LIMIT: usize = 1 << 16;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    fuzzing::parse_all(bytes, LIMIT);

    let wire_format = lambda_kafka_fuzz::wire_format(selector);
    let policy = [
        FramingPolicy::PREFIX,
        FramingPolicy::KNOWN_IDS,
        FramingPolicy::PROTOBUF,
        FramingPolicy::NONE,
    ][usize::from((selector >> 2) & 3)];
    let schema_id = [
        None,
        Some("7"),
        Some("5a4b1e2c-0d3f-4a5b-8c7d-9e0f1a2b3c4d"),
        Some("zz"),
    ][usize::from((selector >> 4) & 3)];
    let metadata = SchemaMetadata::new(Some(DataFormat::Protobuf), schema_id);
    let knows = selector & 0x40 != 0;
    // With the metadata's bit clear, the first bytes double as a schema-id header.
    let header =
        (selector & 0x80 == 0 && selector & 0x01 != 0).then(|| &bytes[..bytes.len().min(20)]);
    let metadata = (selector & 0x80 != 0).then_some(&metadata);
    if let Some((framing, rest)) =
        fuzzing::unframe(bytes, wire_format, policy, metadata, header, knows, LIMIT)
    {
        assert_ne!(framing.wire_format(), WireFormat::Auto);
        assert!(rest <= bytes.len().max(LIMIT));
    }
});
