//! Hooks for the fuzz targets, into code that is not public. This module exists only in
//! builds with `--cfg fuzzing` (as `cargo fuzz` makes them): it is not part of the crate's
//! API, and may change with any release.

use crate::event::KafkaEvent;
use crate::framing::{Framing, FramingPolicy, WireFormat};
use crate::vocab::SchemaMetadata;
use crate::wire::{self, FramingContext};

/// Whether the envelope's fast reader (which takes the compact, escape-free JSON Lambda
/// writes) reads `json` exactly as the general reader does, wherever it takes it.
#[must_use]
pub fn fast_reader_agrees(json: &str) -> bool {
    KafkaEvent::readers_agree(json)
}

/// Runs every wire parser on `bytes`, and zlib with `limit`; panics if inflating grew its
/// buffer past the limit.
pub fn parse_all(bytes: &[u8], limit: usize) {
    let _ = wire::parse_confluent_id(bytes);
    let _ = wire::parse_glue(bytes);
    let _ = wire::parse_message_indexes(bytes);
    let _ = wire::parse_glue_index(bytes);
    let mut out = Vec::new();
    let _ = wire::decompress_zlib(bytes, limit, &mut out);
    assert!(out.capacity() <= limit);
}

/// The framing step on `bytes` under these settings: the framing found and the length of
/// the payload after it, or `None` when it fails; panics if inflating grew its buffer
/// past the limit.
#[must_use]
pub fn unframe(
    bytes: &[u8],
    wire_format: WireFormat,
    policy: FramingPolicy,
    metadata: Option<&SchemaMetadata<'_>>,
    header: Option<&[u8]>,
    knows_schema_ids: bool,
    limit: usize,
) -> Option<(Framing, usize)> {
    let context = FramingContext {
        wire_format,
        policy,
        metadata,
        header,
        knows_schema_id: &|_| knows_schema_ids,
        max_decompressed: limit,
    };
    let mut scratch = Vec::new();
    let found = wire::unframe(bytes, &context, &mut scratch)
        .ok()
        .map(|(framing, rest)| (framing, rest.len()));
    assert!(scratch.capacity() <= limit);
    found
}
