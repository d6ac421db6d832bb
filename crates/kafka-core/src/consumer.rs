//! The consumer: key and value codecs built once, applied lazily to each record of a batch.

use std::sync::LazyLock;

use base64::Engine as _;
use base64::engine::general_purpose::GeneralPurposeConfig;
use base64::engine::{DecodePaddingMode, Simd};

use crate::batch::BatchItemFailures;
use crate::codec::{Codec, Payload, Utf8, format_of};
use crate::error::RecordError;
use crate::event::{KafkaEvent, RawPayload, RawRecord};
use crate::framing::{Detect, Framing, FramingPolicy, WireFormat};
use crate::record::ConsumerRecord;
use crate::vocab::{DataFormat, Part, RecordId, SchemaId, SchemaMetadata};
use crate::wire::{self, DEFAULT_MAX_DECOMPRESSED, FramingContext};

/// Standard-alphabet base64 with the SIMD engine the CPU supports, read as Python's,
/// Node's and Java's decoders read it: padding optional (some producers of test events
/// leave it out), and stray low bits in the last character ignored (AWS's own sample
/// key `abcDEFghiJKLmnoPQRstuVWXyz1234==` has them).
static BASE64: LazyLock<Simd> = LazyLock::new(|| {
    Simd::standard(
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    )
});

/// A record as a consumer with key codec `K` and value codec `V` decodes it.
pub(crate) type Decoded<'e, K, V> = ConsumerRecord<'e, <K as Codec>::Output, <V as Codec>::Output>;

/// Decodes batches of Lambda Kafka records with a key codec and a value codec.
///
/// Build it once (at cold start: schemas are parsed when codecs are built) and reuse it
/// for every invocation. Keys and values default to UTF-8 text ([`Utf8`]).
///
/// ```
/// use kafka_core::{KafkaConsumer, KafkaEvent, Parsed};
///
/// let json = r#"{"eventSource":"aws:kafka","records":{"orders-0":[
///   {"topic":"orders","partition":0,"offset":1,"timestamp":1,"key":"NDI=","value":"b2s="},
///   {"topic":"orders","partition":0,"offset":2,"timestamp":2,"key":"eA==","value":"b2s="}]}}"#;
/// let event = KafkaEvent::from_str(json)?;
/// let consumer = KafkaConsumer::new().key(Parsed::<i64>::new());
///
/// let mut records = consumer.records(&event);
/// assert_eq!(records.next().unwrap()?.key, Some(42));
/// let err = records.next().unwrap().unwrap_err(); // "x" is not a number: this record alone fails
/// assert_eq!(err.record().offset, 2);
/// assert!(records.next().is_none());
/// # Ok::<(), kafka_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct KafkaConsumer<K = Utf8, V = Utf8> {
    key: K,
    value: V,
    key_wire: WireFormat,
    value_wire: WireFormat,
    max_decompressed: usize,
}

impl KafkaConsumer {
    /// A consumer reading keys and values as UTF-8 text.
    #[must_use]
    pub fn new() -> Self {
        Self::with_codecs(Utf8, Utf8)
    }
}

impl Default for KafkaConsumer {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: Codec, V: Codec> KafkaConsumer<K, V> {
    /// A consumer with the given key and value codecs.
    pub fn with_codecs(key: K, value: V) -> Self {
        Self {
            key,
            value,
            key_wire: WireFormat::Auto,
            value_wire: WireFormat::Auto,
            max_decompressed: DEFAULT_MAX_DECOMPRESSED,
        }
    }

    /// The same consumer with another key codec.
    pub fn key<C: Codec>(self, codec: C) -> KafkaConsumer<C, V> {
        KafkaConsumer {
            key: codec,
            value: self.value,
            key_wire: self.key_wire,
            value_wire: self.value_wire,
            max_decompressed: self.max_decompressed,
        }
    }

    /// The same consumer with another value codec.
    pub fn value<C: Codec>(self, codec: C) -> KafkaConsumer<K, C> {
        KafkaConsumer {
            key: self.key,
            value: codec,
            key_wire: self.key_wire,
            value_wire: self.value_wire,
            max_decompressed: self.max_decompressed,
        }
    }

    /// How keys are framed; [`WireFormat::Auto`] unless set.
    #[must_use]
    pub fn key_wire_format(mut self, wire_format: WireFormat) -> Self {
        self.key_wire = wire_format;
        self
    }

    /// How values are framed; [`WireFormat::Auto`] unless set.
    #[must_use]
    pub fn value_wire_format(mut self, wire_format: WireFormat) -> Self {
        self.value_wire = wire_format;
        self
    }

    /// How keys and values are framed.
    #[must_use]
    pub fn wire_format(self, wire_format: WireFormat) -> Self {
        self.key_wire_format(wire_format)
            .value_wire_format(wire_format)
    }

    /// The largest size a compressed (AWS Glue zlib) payload may inflate to; 16 MiB
    /// unless set. A larger one is that record's [`RecordError::WireFormat`], found without
    /// holding more than this many bytes.
    #[must_use]
    pub fn max_decompressed_size(mut self, bytes: usize) -> Self {
        self.max_decompressed = bytes;
        self
    }

    /// The wire format configured for one side.
    pub(crate) fn wire_format_of(&self, part: Part) -> WireFormat {
        match part {
            Part::Key => self.key_wire,
            Part::Value => self.value_wire,
        }
    }

    /// The key codec.
    pub fn key_codec(&self) -> &K {
        &self.key
    }

    /// The value codec.
    pub fn value_codec(&self) -> &V {
        &self.value
    }

    /// Runs `handler` on every record, in event order, and returns the partial batch
    /// response listing each record that failed: its key or value did not decode, or the
    /// handler returned `Err`. Records after a failure still run; with the `tracing`
    /// feature, each record that did not decode is logged at `warn` with its error.
    ///
    /// ```
    /// use kafka_core::testing::{EventBuilder, RecordBuilder};
    /// use kafka_core::{KafkaConsumer, KafkaEvent, Parsed};
    ///
    /// let json = EventBuilder::msk()
    ///     .record(RecordBuilder::new("orders", 0, 1).value(b"5"))
    ///     .record(RecordBuilder::new("orders", 0, 2).value(b"five")) // does not decode
    ///     .record(RecordBuilder::new("orders", 1, 3).value(b"-1"))   // the handler refuses it
    ///     .to_json();
    /// let event = KafkaEvent::from_str(&json)?;
    /// let consumer = KafkaConsumer::new().value(Parsed::<i64>::new());
    /// let failures = consumer.process(&event, |record| match record.value {
    ///     Some(n) if n < 0 => Err("negative"),
    ///     _ => Ok(()),
    /// });
    /// assert_eq!(
    ///     serde_json::to_string(&failures).unwrap(),
    ///     r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"orders-0","offset":2}},{"itemIdentifier":{"partition":"orders-1","offset":3}}]}"#
    /// );
    /// # Ok::<(), kafka_core::Error>(())
    /// ```
    pub fn process<'e, E>(
        &self,
        event: &'e KafkaEvent<'e>,
        mut handler: impl FnMut(Decoded<'e, K, V>) -> Result<(), E>,
    ) -> BatchItemFailures {
        let mut failures = BatchItemFailures::new();
        let mut buffers = Buffers::default();
        for raw in event.records() {
            let failed = match self.decode_with(raw, &mut buffers) {
                Ok(record) => handler(record).is_err(),
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

    /// Decodes one record of an event.
    ///
    /// # Errors
    /// [`RecordError::InvalidRecord`] when the record's fields or base64 cannot be read;
    /// [`RecordError::FormatMismatch`] and [`RecordError::WireFormat`] for metadata or
    /// framing that does not fit the codec; the codec's failure as
    /// [`RecordError::Deserialization`] or [`RecordError::Validation`].
    pub fn decode_record<'e>(
        &self,
        raw: &'e RawRecord<'e>,
    ) -> Result<ConsumerRecord<'e, K::Output, V::Output>, RecordError> {
        self.decode_with(raw, &mut Buffers::default())
            .map_err(|e| *e)
    }

    /// Decodes one record's key alone, with its framing; `Ok(None)` when it has none.
    /// The record's own [problems](RawRecord::problems) are not looked at here.
    ///
    /// # Errors
    /// As [`KafkaConsumer::decode_record`], for the key.
    pub fn decode_key(
        &self,
        raw: &RawRecord<'_>,
    ) -> Result<Option<(K::Output, Framing)>, RecordError> {
        self.decode_part(
            &self.key,
            self.key_wire,
            raw,
            Part::Key,
            &mut Buffers::default(),
        )
        .map_err(|e| *e)
    }

    /// Decodes one record's value alone, with its framing; `Ok(None)` for a tombstone.
    /// The record's own [problems](RawRecord::problems) are not looked at here.
    ///
    /// # Errors
    /// As [`KafkaConsumer::decode_record`], for the value.
    pub fn decode_value(
        &self,
        raw: &RawRecord<'_>,
    ) -> Result<Option<(V::Output, Framing)>, RecordError> {
        self.decode_part(
            &self.value,
            self.value_wire,
            raw,
            Part::Value,
            &mut Buffers::default(),
        )
        .map_err(|e| *e)
    }

    /// One record decoded with reused buffers. The error is boxed on the way, here and
    /// below: a record's result then moves as a pointer, not as the error's ~100 bytes,
    /// which measurably slows every record that decodes.
    pub(crate) fn decode_with<'e>(
        &self,
        raw: &'e RawRecord<'e>,
        buffers: &mut Buffers,
    ) -> Result<ConsumerRecord<'e, K::Output, V::Output>, Box<RecordError>> {
        fields_usable(raw)?;
        let key = self.decode_part(&self.key, self.key_wire, raw, Part::Key, buffers)?;
        let value = self.decode_part(&self.value, self.value_wire, raw, Part::Value, buffers)?;
        Ok(ConsumerRecord::new(raw, key, value))
    }

    /// What the wire layer needs to read one side's framing.
    fn context<'r, C: Codec>(
        &self,
        codec: &C,
        wire_format: WireFormat,
        raw: &'r RawRecord<'_>,
        part: Part,
        knows: &'r dyn Fn(&SchemaId) -> bool,
    ) -> FramingContext<'r> {
        let metadata = raw.schema_metadata(part);
        let policy = codec
            .schema_aware()
            .map_or(FramingPolicy::NONE, |a| a.framing(metadata));
        // Only a codec that reads ids, or a side configured for Confluent, looks for the
        // schema-id header; most records have a few headers, so the scan is short.
        let header = match wire_format {
            WireFormat::Confluent => schema_id_header(raw, part),
            WireFormat::Auto if policy.detect != Detect::Never => schema_id_header(raw, part),
            _ => None,
        };
        FramingContext {
            wire_format,
            policy,
            metadata,
            header,
            knows_schema_id: knows,
            max_decompressed: self.max_decompressed,
        }
    }

    /// The schema ids the event's keys and values name that their codec wants from a
    /// registry ([`SchemaAware::wants_schema`](crate::SchemaAware::wants_schema)), each
    /// once, in the order first met: what the step before decoding fetches. Ids are read
    /// from the metadata, the schema-id headers, and the first bytes of each payload
    /// (never the whole of it).
    #[must_use]
    pub fn wanted_schemas(&self, event: &KafkaEvent<'_>) -> WantedSchemas {
        let mut wanted = WantedSchemas::default();
        for raw in event.records() {
            if let Some(id) = self.wanted(&self.key, self.key_wire, raw, Part::Key) {
                push_once(&mut wanted.key, id);
            }
            if let Some(id) = self.wanted(&self.value, self.value_wire, raw, Part::Value) {
                push_once(&mut wanted.value, id);
            }
        }
        wanted
    }

    fn wanted<C: Codec>(
        &self,
        codec: &C,
        wire_format: WireFormat,
        raw: &RawRecord<'_>,
        part: Part,
    ) -> Option<SchemaId> {
        let RawPayload::Base64(text) = raw.payload(part) else {
            return None;
        };
        // 24 characters are 18 bytes: enough for any header.
        let mut first = [0u8; 18];
        let head = &text.as_bytes()[..text.len().min(24)];
        let len = BASE64.decode_slice(head, &mut first).ok()?;
        let knows = |id: &SchemaId| codec.schema_aware().is_some_and(|a| a.knows_schema_id(id));
        let context = self.context(codec, wire_format, raw, part, &knows);
        wire::schema_id(&first[..len], &context)
            .filter(|id| codec.schema_aware().is_some_and(|a| a.wants_schema(id)))
    }

    /// Decodes one side of a record: base64 into a reused buffer, the framing off, then
    /// the codec.
    #[inline]
    fn decode_part<C: Codec>(
        &self,
        codec: &C,
        wire_format: WireFormat,
        raw: &RawRecord<'_>,
        part: Part,
        buffers: &mut Buffers,
    ) -> Result<Option<(C::Output, Framing)>, Box<RecordError>> {
        let Some(side) = self.unframe_part(codec, wire_format, raw, part, buffers)? else {
            return Ok(None);
        };
        match codec.decode(side.payload(raw, part)) {
            Ok(output) => Ok(Some((output, side.framing))),
            Err(e) => Err(Box::new(RecordError::decode(
                RecordId::of(raw),
                part,
                format_of(codec),
                e,
            ))),
        }
    }

    /// One side of a record up to its codec: base64 into `buffers`, the format checked
    /// against the schema metadata, the framing off. `Ok(None)` when the side is absent.
    pub(crate) fn unframe_part<'b, C: Codec>(
        &self,
        codec: &C,
        wire_format: WireFormat,
        raw: &RawRecord<'_>,
        part: Part,
        buffers: &'b mut Buffers,
    ) -> Result<Option<Unframed<'b>>, Box<RecordError>> {
        let RawPayload::Base64(text) = raw.payload(part) else {
            return Ok(None);
        };
        let Buffers { base64, inflated } = buffers;
        base64.clear();
        BASE64
            .decode_vec(text.as_bytes(), base64)
            .map_err(|e| RecordError::InvalidRecord {
                record: RecordId::of(raw),
                part: Some(part),
                reason: base64_reason(&e, text.len()),
            })?;
        let received: &'b [u8] = base64;
        let metadata = raw.schema_metadata(part);
        check_format(codec, metadata, received).map_err(|(configured, reported)| {
            RecordError::FormatMismatch {
                record: RecordId::of(raw),
                part,
                configured,
                reported: reported.clone(),
            }
        })?;
        let knows = |id: &SchemaId| codec.schema_aware().is_some_and(|a| a.knows_schema_id(id));
        let context = self.context(codec, wire_format, raw, part, &knows);
        let (framing, bytes) =
            wire::unframe(received, &context, inflated).map_err(|e| RecordError::WireFormat {
                record: RecordId::of(raw),
                part,
                reason: e.message().to_owned(),
            })?;
        Ok(Some(Unframed {
            received,
            bytes,
            framing,
        }))
    }
}

/// One side of a record, decoded from base64 and unframed, in buffers of the caller's.
#[derive(Debug)]
pub(crate) struct Unframed<'b> {
    /// The bytes after base64, header included.
    pub(crate) received: &'b [u8],
    /// The payload after the header (inflated when it was compressed).
    pub(crate) bytes: &'b [u8],
    pub(crate) framing: Framing,
}

impl<'b> Unframed<'b> {
    /// The payload handed to the codec.
    pub(crate) fn payload<'p>(&'p self, raw: &'p RawRecord<'_>, part: Part) -> Payload<'p>
    where
        'b: 'p,
    {
        Payload::new(self.bytes, part)
            .with_received(self.received)
            .with_metadata(raw.schema_metadata(part))
            .with_framing(&self.framing)
    }
}

/// The value of a side's schema-id record header (Confluent's newer clients).
fn schema_id_header<'r>(raw: &'r RawRecord<'_>, part: Part) -> Option<&'r [u8]> {
    let name = match part {
        Part::Key => wire::KEY_SCHEMA_ID_HEADER,
        Part::Value => wire::VALUE_SCHEMA_ID_HEADER,
    };
    raw.headers().get(name)
}

/// Checks that schema metadata does not contradict the codec's format: a codec of a known
/// format refuses a record whose metadata reports another known one. One exception: a
/// JSON codec takes JSON text (an object or a list) whose metadata says `AVRO` or
/// `PROTOBUF`, as a mapping's JSON record format delivers it (the schema's own format
/// in the metadata, the record decoded to JSON).
fn check_format<'m, C: Codec>(
    codec: &C,
    metadata: Option<&'m SchemaMetadata<'_>>,
    received: &[u8],
) -> Result<(), (DataFormat, &'m DataFormat)> {
    let Some(reported) = metadata.and_then(SchemaMetadata::data_format) else {
        return Ok(());
    };
    if !reported.is_known() {
        return Ok(());
    }
    // Asked only of records whose metadata names a known format.
    match format_of(codec) {
        Some(DataFormat::Json) if is_json_text(received) => Ok(()),
        Some(configured) if configured.is_known() && configured != *reported => {
            Err((configured, reported))
        }
        _ => Ok(()),
    }
}

/// Whether `bytes` start as a JSON object or list would (after white space).
fn is_json_text(bytes: &[u8]) -> bool {
    matches!(
        bytes.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'{' | b'[')
    )
}

#[cfg(feature = "tracing")]
pub(crate) fn trace_failure(error: &RecordError) {
    let id = error.record();
    tracing::warn!(topic = %id.topic, partition = id.partition, offset = id.offset, kind = error.kind().as_str(), %error, "record could not be decoded");
}

#[cfg(not(feature = "tracing"))]
pub(crate) fn trace_failure(_: &RecordError) {}

/// The schema ids a batch names that its codecs want (see
/// [`KafkaConsumer::wanted_schemas`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WantedSchemas {
    /// The ids the key codec wants, in the order first met.
    pub key: Vec<SchemaId>,
    /// The ids the value codec wants, in the order first met.
    pub value: Vec<SchemaId>,
}

impl WantedSchemas {
    /// Whether no codec wants anything.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.key.is_empty() && self.value.is_empty()
    }
}

fn push_once(ids: &mut Vec<SchemaId>, id: SchemaId) {
    if !ids.contains(&id) {
        ids.push(id);
    }
}

/// Buffers an iterator reuses from record to record.
#[derive(Debug, Default)]
pub(crate) struct Buffers {
    /// Base64-decoded bytes.
    base64: Vec<u8>,
    /// Inflated bytes of a compressed payload.
    inflated: Vec<u8>,
}

/// Says what is wrong with base64 text without quoting it.
fn base64_reason(error: &base64::DecodeError, len: usize) -> String {
    use base64::DecodeError as E;
    let what = match error {
        E::InvalidByte(at, _) => format!("a character that is not base64 at position {at}"),
        E::InvalidLength(_) => "a length that is not a whole number of base64 groups".to_owned(),
        E::InvalidLastSymbol { offset, .. } => {
            format!("a last character with stray bits at position {offset}")
        }
        E::InvalidPadding => "misplaced padding".to_owned(),
    };
    format!("invalid base64 ({len} characters): {what}")
}

/// The record's first field problem (a bad timestamp, headers, key or value text, or
/// schema metadata) as the error that fails the record, before any decoding.
pub(crate) fn fields_usable(raw: &RawRecord<'_>) -> Result<(), Box<RecordError>> {
    match raw.problem() {
        None => Ok(()),
        Some(problem) => Err(Box::new(RecordError::InvalidRecord {
            record: RecordId::of(raw),
            part: problem.part,
            reason: problem.reason.to_owned(),
        })),
    }
}
