//! The reference floor, in process: what `../shared/bench/floor` times as its `floor`
//! case, so that every ratio is taken against a fixed reference and not against the
//! library's own envelope (which would hide a faster envelope).
//!
//! The event is read with `serde_json::from_slice` into borrowed types (`&str` fields,
//! records in a `HashMap` by partition, each header's bytes as a `Vec<u8>`, the schema
//! metadata borrowed), then every key and value is decoded with base64's SIMD engine into
//! one reused buffer. Nothing else.

use std::collections::HashMap;
use std::fmt;

use base64::engine::Simd;
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FloorEvent<'a> {
    #[serde(default)]
    event_source: Option<&'a str>,
    #[serde(default)]
    event_source_arn: Option<&'a str>,
    #[serde(default)]
    bootstrap_servers: Option<&'a str>,
    #[serde(borrow)]
    records: HashMap<&'a str, Vec<FloorRecord<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FloorRecord<'a> {
    topic: &'a str,
    partition: i32,
    offset: i64,
    timestamp: i64,
    timestamp_type: &'a str,
    #[serde(default)]
    key: Option<&'a str>,
    #[serde(default)]
    value: Option<&'a str>,
    #[serde(default, borrow)]
    headers: Vec<FloorHeader<'a>>,
    #[serde(default, borrow)]
    key_schema_metadata: Option<FloorMetadata<'a>>,
    #[serde(default, borrow)]
    value_schema_metadata: Option<FloorMetadata<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FloorMetadata<'a> {
    #[serde(default)]
    data_format: Option<&'a str>,
    #[serde(default)]
    schema_id: Option<&'a str>,
}

/// `{"name": [bytes]}`: the first entry kept, any other skipped.
struct FloorHeader<'a> {
    name: &'a str,
    bytes: Vec<u8>,
}

impl<'de: 'a, 'a> Deserialize<'de> for FloorHeader<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entry;
        impl<'de> Visitor<'de> for Entry {
            type Value = FloorHeader<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a header object of one entry")
            }

            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let Some((name, bytes)) = map.next_entry::<&'de str, Vec<u8>>()? else {
                    return Err(de::Error::custom("a header object without an entry"));
                };
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(FloorHeader { name, bytes })
            }
        }
        deserializer.deserialize_map(Entry)
    }
}

fn metadata_len(metadata: Option<&FloorMetadata<'_>>) -> usize {
    metadata.map_or(0, |m| {
        m.data_format.map_or(0, str::len) + m.schema_id.map_or(0, str::len)
    })
}

impl FloorRecord<'_> {
    /// A digest of every field but the key and value, `extra` added to its lengths: a
    /// use of each field that the optimizer cannot drop.
    fn digest(&self, extra: usize) -> u64 {
        let headers: usize = self
            .headers
            .iter()
            .map(|h| h.name.len() + h.bytes.len())
            .sum();
        let lengths = self.topic.len()
            + self.timestamp_type.len()
            + headers
            + extra
            + metadata_len(self.key_schema_metadata.as_ref())
            + metadata_len(self.value_schema_metadata.as_ref());
        #[allow(clippy::cast_sign_loss)]
        let coordinates = (self.partition as u64) ^ (self.offset as u64) ^ (self.timestamp as u64);
        lengths as u64 ^ coordinates
    }
}

/// Parses the event and decodes every key and value into `buffer`; a digest of what was
/// read, so that nothing is optimised away.
///
/// # Panics
/// When the input is not an event with valid base64 (benchmark inputs are).
pub fn reference_floor(input: &[u8], engine: &Simd, buffer: &mut Vec<u8>) -> u64 {
    let event: FloorEvent<'_> = serde_json::from_slice(input).expect("event");
    let mut digest = [
        event.event_source,
        event.event_source_arn,
        event.bootstrap_servers,
    ]
    .iter()
    .map(|s| s.map_or(0, str::len) as u64)
    .sum::<u64>();
    for record in event.records.values().flatten() {
        digest = digest.wrapping_add(record.digest(0));
        for text in [record.key, record.value].into_iter().flatten() {
            buffer.clear();
            base64::Engine::decode_vec(engine, text, buffer).expect("base64");
            digest =
                digest.wrapping_add(buffer.len() as u64 + u64::from(*buffer.last().unwrap_or(&0)));
        }
    }
    digest
}

/// The reference floor's envelope alone: the event read into the same borrowed types, and
/// a digest of them (`../shared/bench/floor`'s `envelope` case).
///
/// # Panics
/// When the input is not an event (benchmark inputs are).
pub fn reference_envelope(input: &[u8]) -> u64 {
    let event: FloorEvent<'_> = serde_json::from_slice(input).expect("event");
    let mut digest = 0_u64;
    for record in event.records.values().flatten() {
        let texts = record.key.map_or(0, str::len) + record.value.map_or(0, str::len);
        digest = digest.wrapping_add(record.digest(texts));
    }
    digest
}
