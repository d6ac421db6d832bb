//! A record's key or value unframed without a codec, as the consumer would unframe it for
//! a codec of a given framing policy: for tools that report framing instead of decoding.

use crate::codec::{Codec, Payload, SchemaAware};
use crate::consumer::{Buffers, KafkaConsumer};
use crate::decode_error::DecodeError;
use crate::error::RecordError;
use crate::event::RawRecord;
use crate::framing::{Framing, FramingPolicy, WireFormat};
use crate::vocab::{Part, SchemaMetadata};

/// A codec that decodes nothing and frames as its policy says.
struct Policy(FramingPolicy);

impl Codec for Policy {
    type Output = ();

    fn decode(&self, _: Payload<'_>) -> Result<(), DecodeError> {
        Ok(())
    }

    fn schema_aware(&self) -> Option<&dyn SchemaAware> {
        Some(self)
    }
}

impl SchemaAware for Policy {
    fn framing(&self, _: Option<&SchemaMetadata<'_>>) -> FramingPolicy {
        self.0
    }
}

impl RawRecord<'_> {
    /// One side of the record as the consumer hands it to a codec whose framing policy is
    /// `policy`, under [`WireFormat::Auto`]: its base64 decoded, then the schema-registry
    /// framing found (in the schema metadata, a schema-id record header, or the payload's
    /// prefix) and taken off, a zlib payload inflated. `Ok(None)` when the side is absent.
    /// For tools that report framing rather than decode (the `lambda-kafka inspect`
    /// command); the consumer does this itself.
    ///
    /// ```
    /// use kafka_core::testing::{EventBuilder, RecordBuilder, wire};
    /// use kafka_core::{FramingPolicy, KafkaEvent, Part, WireFormat};
    ///
    /// let json = EventBuilder::msk()
    ///     .record(RecordBuilder::new("orders", 0, 1).value(wire::confluent(7, b"{}")))
    ///     .to_json();
    /// let event = KafkaEvent::from_str(&json)?;
    /// let record = event.records().next().unwrap();
    /// let (framing, payload) = record.unframe(Part::Value, FramingPolicy::PREFIX)?.unwrap();
    /// assert_eq!(framing.wire_format(), WireFormat::Confluent);
    /// assert_eq!(framing.schema_id().unwrap().to_string(), "7");
    /// assert_eq!(payload, b"{}");
    /// # Ok::<(), kafka_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`RecordError::InvalidRecord`] when the side's base64 is not valid,
    /// [`RecordError::WireFormat`] when its framing cannot be read.
    pub fn unframe(
        &self,
        part: Part,
        policy: FramingPolicy,
    ) -> Result<Option<(Framing, Vec<u8>)>, RecordError> {
        let consumer = KafkaConsumer::with_codecs(Policy(policy), Policy(policy));
        let mut buffers = Buffers::default();
        let codec = match part {
            Part::Key => consumer.key_codec(),
            Part::Value => consumer.value_codec(),
        };
        let side = consumer
            .unframe_part(codec, WireFormat::Auto, self, part, &mut buffers)
            .map_err(|e| *e)?;
        Ok(side.map(|side| (side.framing, side.bytes.to_vec())))
    }
}
