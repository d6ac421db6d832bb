//! A fast reader for the shape Lambda writes, or nothing.
//!
//! Lambda's Kafka events have a fixed shape: a few top-level strings and `records`, an
//! object of `"topic-partition"` lists of flat record objects whose strings never need
//! escapes. This reader takes exactly that shape in one forward pass: strings found with
//! `memchr`, integers read in place, no intermediate values. Anything else (an escape, an
//! unknown field, a duplicate, a float, numeric text, a header of another shape, a
//! malformed byte) makes it give up and return `None`; the serde reader then reads the
//! event and says what is wrong, so results and messages are the same either way. The
//! fuzz target `envelope` checks that both readers agree on every input the fast one
//! takes.

use std::borrow::Cow;

use super::headers::{Header, Headers};
use super::record::{RawPayload, RawRecord};
use super::{KafkaEvent, PartitionRecords};
use crate::vocab::{DataFormat, SchemaMetadata, TimestampType};

/// Reads `text` if it has Lambda's shape; `None` otherwise.
pub(super) fn scan(text: &str) -> Option<KafkaEvent<'_>> {
    // Lambda writes compact JSON without escapes: with no control character (so no
    // whitespace but spaces) and no backslash anywhere, a string ends at the next quote.
    // A file may end with a newline.
    let text = text.trim_matches(|c| matches!(c, ' ' | '\n' | '\r' | '\t'));
    if !plain(text.as_bytes()) {
        return None;
    }
    let mut s = Scanner {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    let event = s.event()?;
    s.ws();
    (s.at == s.bytes.len()).then_some(event)
}

/// Whether the bytes hold neither a control character nor a backslash. In blocks without
/// an early exit, so that the compiler checks many bytes at a time.
fn plain(bytes: &[u8]) -> bool {
    let flag = |found: u8, &b: &u8| found | u8::from(b < 0x20) | u8::from(b == b'\\');
    let mut blocks = bytes.chunks_exact(64);
    for block in &mut blocks {
        if block.iter().fold(0, flag) != 0 {
            return false;
        }
    }
    blocks.remainder().iter().fold(0, flag) == 0
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

/// The most records Lambda puts in one event (a batch size of at most 10,000).
const MAX_BATCH: usize = 10_000;

/// The record fields, one bit each, for finding duplicates and missing ones.
const TOPIC: u16 = 1;
const PARTITION: u16 = 1 << 1;
const OFFSET: u16 = 1 << 2;
const TIMESTAMP: u16 = 1 << 3;
const TIMESTAMP_TYPE: u16 = 1 << 4;
const KEY: u16 = 1 << 5;
const VALUE: u16 = 1 << 6;
const HEADERS: u16 = 1 << 7;
const KEY_META: u16 = 1 << 8;
const VALUE_META: u16 = 1 << 9;

impl<'a> Scanner<'a> {
    /// Skips spaces (the only whitespace a plain input has).
    #[inline]
    fn ws(&mut self) {
        while self.bytes.get(self.at) == Some(&b' ') {
            self.at += 1;
        }
    }

    /// The next byte after whitespace, consumed.
    #[inline]
    fn next(&mut self) -> Option<u8> {
        self.ws();
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    /// The next byte after whitespace, not consumed.
    #[inline]
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.bytes.get(self.at).copied()
    }

    #[inline]
    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.next()? == byte).then_some(())
    }

    /// A string, borrowed (a plain input has no escapes); the opening quote is next.
    #[inline]
    fn string(&mut self) -> Option<&'a str> {
        self.expect(b'"')?;
        let start = self.at;
        let len = memchr::memchr(b'"', self.bytes.get(start..)?)?;
        self.at = start + len + 1;
        // Quotes are ASCII: both ends fall on character boundaries.
        self.text.get(start..start + len)
    }

    /// An object's field name: short, so found byte by byte (a call to memchr costs more
    /// than the few bytes it would skip); the opening quote is next.
    #[inline]
    fn name(&mut self) -> Option<&'a str> {
        self.expect(b'"')?;
        let start = self.at;
        let rest = self.bytes.get(start..)?;
        let len = match rest.iter().take(24).position(|&b| b == b'"') {
            Some(len) => len,
            None => memchr::memchr(b'"', rest)?,
        };
        self.at = start + len + 1;
        self.text.get(start..start + len)
    }

    /// `null`, consumed; `None` when it is not next.
    #[inline]
    fn null(&mut self) -> Option<()> {
        self.ws();
        if self.bytes.get(self.at..self.at + 4) == Some(b"null") {
            self.at += 4;
            self.delimited()
        } else {
            None
        }
    }

    /// What follows a number or literal is a delimiter.
    #[inline]
    fn delimited(&self) -> Option<()> {
        match self.bytes.get(self.at) {
            None | Some(b',' | b'}' | b']' | b' ') => Some(()),
            _ => None,
        }
    }

    /// A JSON integer (no fraction, no exponent, no leading zero) in `i64`.
    #[inline]
    fn integer(&mut self) -> Option<i64> {
        self.ws();
        let bytes = self.bytes;
        let mut i = self.at;
        let negative = bytes.get(i) == Some(&b'-');
        if negative {
            i += 1;
        }
        let start = i;
        let mut magnitude: u64 = 0;
        while let Some(&d) = bytes.get(i) {
            let digit = d.wrapping_sub(b'0');
            if digit > 9 {
                break;
            }
            // 19 digits always fit in a u64; more never fit in an i64.
            if i - start == 19 {
                return None;
            }
            magnitude = magnitude * 10 + u64::from(digit);
            i += 1;
        }
        let digits = i - start;
        if digits == 0 || (digits > 1 && bytes[start] == b'0') {
            return None;
        }
        self.at = i;
        self.delimited()?;
        if negative {
            // `-0` is read as a float by serde_json: left to it.
            if magnitude == 0 {
                return None;
            }
            0i64.checked_sub_unsigned(magnitude)
        } else {
            i64::try_from(magnitude).ok()
        }
    }

    /// A string or `null`.
    #[inline]
    fn optional_string(&mut self) -> Option<Option<&'a str>> {
        if self.peek()? == b'n' {
            self.null()?;
            Some(None)
        } else {
            self.string().map(Some)
        }
    }

    /// `,` then more, or the closing byte: whether more follows.
    #[inline]
    fn more(&mut self, close: u8) -> Option<bool> {
        match self.next()? {
            b',' => Some(true),
            b if b == close => Some(false),
            _ => None,
        }
    }

    /// Whether the container just opened is empty (its closing byte consumed).
    #[inline]
    fn empty(&mut self, close: u8) -> Option<bool> {
        if self.peek()? == close {
            self.at += 1;
            Some(true)
        } else {
            Some(false)
        }
    }

    fn event(&mut self) -> Option<KafkaEvent<'a>> {
        self.expect(b'{')?;
        let mut source = None;
        let mut arn = None;
        let mut servers = None;
        let mut records = None;
        let mut seen = 0u8;
        if !self.empty(b'}')? {
            loop {
                let key = self.name()?;
                self.expect(b':')?;
                let bit = match key {
                    "eventSource" => {
                        source = self.optional_string()?;
                        1
                    }
                    "eventSourceArn" => {
                        arn = self.optional_string()?;
                        2
                    }
                    "bootstrapServers" => {
                        servers = self.optional_string()?;
                        4
                    }
                    "records" => {
                        records = Some(self.groups()?);
                        8
                    }
                    _ => return None,
                };
                if seen & bit != 0 {
                    return None;
                }
                seen |= bit;
                if !self.more(b'}')? {
                    break;
                }
            }
        }
        Some(KafkaEvent {
            event_source: source.map(Cow::Borrowed),
            event_source_arn: arn.map(Cow::Borrowed),
            bootstrap_servers: servers.map(Cow::Borrowed),
            records: records?,
        })
    }

    fn groups(&mut self) -> Option<Vec<PartitionRecords<'a>>> {
        if self.peek()? == b'n' {
            self.null()?;
            return Some(Vec::new());
        }
        self.expect(b'{')?;
        let mut groups = Vec::new();
        if self.empty(b'}')? {
            return Some(groups);
        }
        loop {
            let name = self.string()?;
            self.expect(b':')?;
            self.expect(b'[')?;
            let mut records = Vec::new();
            if !self.empty(b']')? {
                let first = self.at;
                records.push(self.record()?);
                // Room for as many more records of the first one's length as the rest of
                // the event could hold (at most a batch's 10,000), so that the list never
                // moves as it grows; what is not used is given back below.
                let record_len = (self.at - first).max(1);
                let room = (self.bytes.len() - self.at) / record_len;
                records.reserve_exact(room.min(MAX_BATCH));
                while self.more(b']')? {
                    records.push(self.record()?);
                }
                if records.capacity() > records.len() + records.len() / 8 {
                    records.shrink_to_fit();
                }
            }
            groups.push(PartitionRecords {
                name: Cow::Borrowed(name),
                records,
            });
            if !self.more(b'}')? {
                return Some(groups);
            }
        }
    }

    fn payload(&mut self) -> Option<RawPayload<'a>> {
        Some(match self.optional_string()? {
            Some(text) => RawPayload::Base64(Cow::Borrowed(text)),
            None => RawPayload::Null,
        })
    }

    fn record(&mut self) -> Option<RawRecord<'a>> {
        self.expect(b'{')?;
        let mut seen = 0u16;
        let mut topic = "";
        let (mut partition, mut offset, mut timestamp) = (0i32, 0i64, 0i64);
        let mut timestamp_type = None;
        let (mut key, mut value) = (RawPayload::Absent, RawPayload::Absent);
        let mut headers = Headers::new();
        let (mut key_meta, mut value_meta) = (None, None);
        if self.empty(b'}')? {
            return None;
        }
        loop {
            let name = self.name()?;
            self.expect(b':')?;
            let bit = match name {
                "topic" => {
                    topic = self.string()?;
                    TOPIC
                }
                "partition" => {
                    partition = i32::try_from(self.integer()?).ok()?;
                    PARTITION
                }
                "offset" => {
                    offset = self.integer()?;
                    OFFSET
                }
                "timestamp" => {
                    timestamp = self.integer()?;
                    TIMESTAMP
                }
                "timestampType" => {
                    timestamp_type = self.optional_string()?.map(TimestampType::from);
                    TIMESTAMP_TYPE
                }
                "key" => {
                    key = self.payload()?;
                    KEY
                }
                "value" => {
                    value = self.payload()?;
                    VALUE
                }
                "headers" => {
                    headers = self.headers()?;
                    HEADERS
                }
                "keySchemaMetadata" => {
                    key_meta = self.metadata()?;
                    KEY_META
                }
                "valueSchemaMetadata" => {
                    value_meta = self.metadata()?;
                    VALUE_META
                }
                _ => return None,
            };
            if seen & bit != 0 {
                return None;
            }
            seen |= bit;
            if !self.more(b'}')? {
                break;
            }
        }
        // Without these the serde reader says which is missing.
        let required = TOPIC | PARTITION | OFFSET | TIMESTAMP;
        if seen & required != required {
            return None;
        }
        Some(RawRecord {
            topic: Ok(Cow::Borrowed(topic)),
            partition,
            offset,
            timestamp: Ok(timestamp),
            timestamp_type,
            key: Ok(key),
            value: Ok(value),
            headers: Ok(headers),
            key_schema_metadata: Ok(key_meta.map(Box::new)),
            value_schema_metadata: Ok(value_meta.map(Box::new)),
        })
    }

    /// A list of one-entry objects of byte lists (or `null` values), or `null`.
    fn headers(&mut self) -> Option<Headers<'a>> {
        if self.peek()? == b'n' {
            self.null()?;
            return Some(Headers::new());
        }
        self.expect(b'[')?;
        let mut headers = Headers::new();
        if self.empty(b']')? {
            return Some(headers);
        }
        loop {
            self.expect(b'{')?;
            let name = self.string()?;
            self.expect(b':')?;
            let value = if self.peek()? == b'n' {
                self.null()?;
                None
            } else {
                Some(self.bytes_list()?)
            };
            self.expect(b'}')?;
            headers.push(Header::new(name, value));
            if !self.more(b']')? {
                return Some(headers);
            }
        }
    }

    /// `[n, ...]` of bytes, written signed (-128..-1) or unsigned (0..255).
    fn bytes_list(&mut self) -> Option<Vec<u8>> {
        self.expect(b'[')?;
        if self.empty(b']')? {
            return Some(Vec::new());
        }
        // One more byte than commas before the closing bracket: room for exactly them.
        let list = self.bytes.get(self.at..)?;
        let end = memchr::memchr(b']', list)?;
        let mut out = Vec::with_capacity(memchr::memchr_iter(b',', &list[..end]).count() + 1);
        loop {
            out.push(self.byte()?);
            match self.bytes.get(self.at) {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Some(out);
                }
                _ => {
                    if !self.more(b']')? {
                        return Some(out);
                    }
                }
            }
        }
    }

    /// One byte of a header's list: an integer of 0..=255, or of -128..=-1 for the byte
    /// 256 less; anything else (more digits, a leading zero, a fraction, `-0`) is left to
    /// the serde reader.
    #[inline]
    fn byte(&mut self) -> Option<u8> {
        self.ws();
        let bytes = self.bytes;
        let mut i = self.at;
        let negative = bytes.get(i) == Some(&b'-');
        i += usize::from(negative);
        let first = bytes.get(i)?.wrapping_sub(b'0');
        if first > 9 {
            return None;
        }
        i += 1;
        let mut n = u32::from(first);
        if first != 0 {
            for _ in 0..2 {
                match bytes.get(i) {
                    Some(&d) if d.is_ascii_digit() => {
                        n = n * 10 + u32::from(d - b'0');
                        i += 1;
                    }
                    _ => break,
                }
            }
        }
        self.at = i;
        self.delimited()?;
        match (negative, n) {
            (false, 0..=255) => u8::try_from(n).ok(),
            (true, 1..=128) => u8::try_from(256 - n).ok(),
            _ => None,
        }
    }

    /// `{"dataFormat": ..., "schemaId": ...}` (either may be absent or null), or `null`.
    fn metadata(&mut self) -> Option<Option<SchemaMetadata<'a>>> {
        if self.peek()? == b'n' {
            self.null()?;
            return Some(None);
        }
        self.expect(b'{')?;
        let (mut format, mut id) = (None, None);
        let mut seen = 0u8;
        if !self.empty(b'}')? {
            loop {
                let name = self.name()?;
                self.expect(b':')?;
                let bit = match name {
                    "dataFormat" => {
                        format = self.optional_string()?.map(DataFormat::from);
                        1
                    }
                    "schemaId" => {
                        id = self.optional_string()?;
                        2
                    }
                    _ => return None,
                };
                if seen & bit != 0 {
                    return None;
                }
                seen |= bit;
                if !self.more(b'}')? {
                    break;
                }
            }
        }
        Some(Some(SchemaMetadata::new(format, id)))
    }
}

#[cfg(test)]
mod tests;
