//! What the codec targets share: the first input byte selects the wire format and the
//! schema metadata, the rest is the payload.

use kafka_core::testing::RecordBuilder;
use kafka_core::{DataFormat, Part, RawRecord, SchemaId, WireFormat};

/// A Glue schema version the targets' schema stores know.
pub const GLUE_VERSION: &str = "5a4b1e2c-0d3f-4a5b-8c7d-9e0f1a2b3c4d";

/// The wire format of bits 0-1 of `selector`.
#[must_use]
pub fn wire_format(selector: u8) -> WireFormat {
    [
        WireFormat::Auto,
        WireFormat::Plain,
        WireFormat::Confluent,
        WireFormat::Glue,
    ][usize::from(selector & 3)]
}

/// The schema id of bit 3 of `selector`: Confluent id 1, or [`GLUE_VERSION`].
///
/// # Panics
/// Never: [`GLUE_VERSION`] is a UUID.
#[must_use]
pub fn schema_id(selector: u8) -> SchemaId {
    if selector & 8 == 0 {
        SchemaId::Confluent(1)
    } else {
        SchemaId::from_metadata(GLUE_VERSION).expect("a UUID")
    }
}

/// A record at `orders`, partition 0, offset 7, whose value is `payload`; with bit 2 of
/// `selector`, the value carries the schema metadata of `data_format` and
/// [`schema_id`].
#[must_use]
pub fn record(selector: u8, payload: &[u8], data_format: DataFormat) -> RecordBuilder {
    let record = RecordBuilder::new("orders", 0, 7).value(payload);
    if selector & 4 == 0 {
        record
    } else {
        record.esm(Part::Value, data_format, schema_id(selector))
    }
}

/// Splits an input into its selector and payload; `None` when it is empty.
#[must_use]
pub fn split(data: &[u8]) -> Option<(u8, &[u8])> {
    data.split_first()
        .map(|(&selector, payload)| (selector, payload))
}

/// The built record, for targets that need nothing else.
#[must_use]
pub fn raw(selector: u8, payload: &[u8], data_format: DataFormat) -> RawRecord<'static> {
    record(selector, payload, data_format).build()
}
