//! Records lent to a closure one at a time, their keys and values decoded into types that
//! borrow from them.

use serde::Deserialize;

use crate::batch::BatchItemFailures;
use crate::codec::{Codec, Lend};
use crate::consumer::{Buffers, KafkaConsumer, Unframed, fields_usable, trace_failure};
use crate::error::RecordError;
use crate::event::{Headers, KafkaEvent, RawRecord};
use crate::framing::Framing;
use crate::vocab::{Part, RecordId};

/// A record lent to the closure of [`KafkaConsumer::lend`]: its key and value decoded from
/// base64 and unframed into buffers the consumer reuses, ready to decode into types that
/// borrow from them. It lives for one call of the closure: what borrows from it cannot
/// be kept past that call, since the next record reuses the buffers.
///
/// ```compile_fail,E0521
/// use kafka_core::{KafkaConsumer, KafkaEvent};
///
/// let event = KafkaEvent::from_str(r#"{"records":{}}"#).unwrap();
/// let mut kept: Vec<&str> = Vec::new();
/// KafkaConsumer::new().lend(&event, |record| {
///     kept.extend(record.value::<&str>().unwrap()); // error: the text would outlive the record
///     Ok::<(), ()>(())
/// });
/// ```
pub struct Lent<'a, K, V> {
    raw: &'a RawRecord<'a>,
    key: Option<&'a Unframed<'a>>,
    value: Option<&'a Unframed<'a>>,
    consumer: &'a KafkaConsumer<K, V>,
}

impl<'a, K: Lend, V: Lend> Lent<'a, K, V> {
    /// The key decoded into `T`, which may borrow from it; `Ok(None)` when the record has
    /// no key.
    ///
    /// # Errors
    /// The key codec's failure, as [`RecordError::Deserialization`] (or
    /// [`RecordError::Validation`] for a rejection), naming the record.
    pub fn key<T: Deserialize<'a>>(&self) -> Result<Option<T>, RecordError> {
        self.decode(self.consumer.key_codec(), self.key, Part::Key)
    }

    /// The value decoded into `T`, which may borrow from it; `Ok(None)` for a tombstone.
    ///
    /// # Errors
    /// The value codec's failure, as [`RecordError::Deserialization`] (or
    /// [`RecordError::Validation`] for a rejection), naming the record.
    pub fn value<T: Deserialize<'a>>(&self) -> Result<Option<T>, RecordError> {
        self.decode(self.consumer.value_codec(), self.value, Part::Value)
    }

    fn decode<C: Lend, T: Deserialize<'a>>(
        &self,
        codec: &C,
        side: Option<&'a Unframed<'a>>,
        part: Part,
    ) -> Result<Option<T>, RecordError> {
        let Some(side) = side else {
            return Ok(None);
        };
        codec
            .decode_as(side.payload(self.raw, part))
            .map(Some)
            .map_err(|e| {
                RecordError::decode(
                    RecordId::of(self.raw),
                    part,
                    crate::codec::format_of(codec),
                    e,
                )
            })
    }
}

impl<'a, K, V> Lent<'a, K, V> {
    /// The event's record: coordinates, timestamp, headers, schema metadata, the base64
    /// originals.
    #[must_use]
    pub fn record(&self) -> &'a RawRecord<'a> {
        self.raw
    }

    /// The record's topic.
    #[must_use]
    pub fn topic(&self) -> &'a str {
        self.raw.topic()
    }

    /// The record's partition.
    #[must_use]
    pub fn partition(&self) -> i32 {
        self.raw.partition()
    }

    /// The record's offset.
    #[must_use]
    pub fn offset(&self) -> i64 {
        self.raw.offset()
    }

    /// The record's headers.
    #[must_use]
    pub fn headers(&self) -> &'a Headers<'a> {
        self.raw.headers()
    }

    /// Topic, partition and offset, as a partial batch response names the record.
    #[must_use]
    pub fn id(&self) -> RecordId {
        RecordId::of(self.raw)
    }

    /// The key's bytes after base64 and framing; `None` when the record has no key.
    #[must_use]
    pub fn key_bytes(&self) -> Option<&'a [u8]> {
        self.key.map(|side| side.bytes)
    }

    /// The value's bytes after base64 and framing; `None` for a tombstone.
    #[must_use]
    pub fn value_bytes(&self) -> Option<&'a [u8]> {
        self.value.map(|side| side.bytes)
    }

    /// The framing found in front of the key.
    #[must_use]
    pub fn key_framing(&self) -> Option<&'a Framing> {
        self.key.map(|side| &side.framing)
    }

    /// The framing found in front of the value.
    #[must_use]
    pub fn value_framing(&self) -> Option<&'a Framing> {
        self.value.map(|side| &side.framing)
    }
}

impl<K, V> std::fmt::Debug for Lent<'_, K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lent")
            .field("record", &RecordId::of(self.raw))
            .field("key", &self.key.map(|side| side.bytes.len()))
            .field("value", &self.value.map(|side| side.bytes.len()))
            .finish_non_exhaustive()
    }
}

impl<K: Codec, V: Codec> KafkaConsumer<K, V> {
    /// Lends every record to `handler`, in event order, with its key and value decoded
    /// from base64 and unframed, and returns the partial batch response listing each
    /// record that failed: its base64, framing or format check failed (the handler does
    /// not see it; with the `tracing` feature it is logged at `warn`), or the handler
    /// returned `Err`.
    ///
    /// In the handler, [`Lent::key`] and [`Lent::value`] decode into any serde type, and
    /// one that borrows its strings and bytes (`&str`, `Cow<str>` with
    /// `#[serde(borrow)]`, `&[u8]`) makes no allocation for them: they point into the
    /// consumer's buffers, which every record reuses. A decode error carries `?` out of
    /// the handler, and fails that record alone.
    ///
    /// ```
    /// use std::borrow::Cow;
    ///
    /// use kafka_core::testing::{EventBuilder, RecordBuilder};
    /// use kafka_core::{KafkaConsumer, KafkaEvent, RecordError, Utf8};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Text<'a>(#[serde(borrow)] Cow<'a, str>);
    ///
    /// let json = EventBuilder::msk()
    ///     .record(RecordBuilder::new("orders", 0, 1).key(b"k1").value(b"first"))
    ///     .record(RecordBuilder::new("orders", 0, 2).key(b"k2").value(b"\xff")) // not UTF-8
    ///     .to_json();
    /// let event = KafkaEvent::from_str(&json)?;
    /// let consumer = KafkaConsumer::new();
    /// let mut seen = Vec::new();
    /// let failures = consumer.lend(&event, |record| -> Result<(), RecordError> {
    ///     let key: &str = record.key()?.unwrap_or_default();
    ///     let Some(Text(value)) = record.value()? else { return Ok(()) };
    ///     seen.push(format!("{key}={value}"));
    ///     Ok(())
    /// });
    /// assert_eq!(seen, ["k1=first"]);
    /// assert_eq!(failures.len(), 1); // orders-0 at offset 2
    /// # Ok::<(), kafka_core::Error>(())
    /// ```
    pub fn lend<E>(
        &self,
        event: &KafkaEvent<'_>,
        mut handler: impl FnMut(Lent<'_, K, V>) -> Result<(), E>,
    ) -> BatchItemFailures {
        let mut failures = BatchItemFailures::new();
        let mut key_buffers = Buffers::default();
        let mut value_buffers = Buffers::default();
        for raw in event.records() {
            let failed = match self.unframe_record(raw, &mut key_buffers, &mut value_buffers) {
                Ok((key, value)) => handler(Lent {
                    raw,
                    key: key.as_ref(),
                    value: value.as_ref(),
                    consumer: self,
                })
                .is_err(),
                Err(error) => {
                    trace_failure(&error);
                    true
                }
            };
            if failed {
                failures.push(&RecordId::of(raw));
            }
        }
        failures
    }

    /// A record's key and value up to their codecs.
    fn unframe_record<'b>(
        &self,
        raw: &RawRecord<'_>,
        key_buffers: &'b mut Buffers,
        value_buffers: &'b mut Buffers,
    ) -> Result<(Option<Unframed<'b>>, Option<Unframed<'b>>), Box<RecordError>> {
        fields_usable(raw)?;
        let key = self.unframe_part(
            self.key_codec(),
            self.wire_format_of(Part::Key),
            raw,
            Part::Key,
            key_buffers,
        )?;
        let value = self.unframe_part(
            self.value_codec(),
            self.wire_format_of(Part::Value),
            raw,
            Part::Value,
            value_buffers,
        )?;
        Ok((key, value))
    }
}
