//! Confluent's newer schema-id carriers through the consumer: the `0x01` + GUID prefix and
//! the `__key_schema_id` / `__value_schema_id` record headers, for every kind of codec.

#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a failure is the test failing"
)]

use kafka_core::SchemaAware;
use kafka_core::testing::wire::{
    confluent, confluent_guid, confluent_guid_protobuf, message_indexes, schema_id_header,
};
use kafka_core::testing::{EventBuilder, RecordBuilder};
use kafka_core::{
    Codec, DecodeError, ErrorKind, KafkaConsumer, KafkaEvent, Part, Payload, RecordError, SchemaId,
    SchemaMetadata, Utf8, WireFormat,
};
use kafka_core::{FramingPolicy, HeaderSource, Uuid};

const GUID: Uuid = Uuid::from_u128(0x0f2e_e8c6_fb92_4a5a_a57e_db90_0b0e_85bc);

/// Reports the framing it was handed, under a chosen policy.
struct Probe {
    policy: FramingPolicy,
    known: Vec<SchemaId>,
}

impl Probe {
    fn new(policy: FramingPolicy) -> Self {
        Self {
            policy,
            known: Vec::new(),
        }
    }
}

impl Codec for Probe {
    type Output = String;

    fn decode(&self, payload: Payload<'_>) -> Result<String, DecodeError> {
        let framing = payload.framing;
        Ok(format!(
            "{} {} {} {:?} {}",
            framing.wire_format(),
            framing.source().as_str(),
            framing
                .schema_id()
                .map_or("-".to_owned(), ToString::to_string),
            framing.message_indexes().map(|m| m.as_slice().to_vec()),
            String::from_utf8_lossy(payload.bytes)
        ))
    }

    fn schema_aware(&self) -> Option<&dyn SchemaAware> {
        Some(self)
    }
}

impl SchemaAware for Probe {
    fn framing(&self, _: Option<&SchemaMetadata<'_>>) -> FramingPolicy {
        self.policy
    }

    fn knows_schema_id(&self, id: &SchemaId) -> bool {
        self.known.contains(id)
    }
}

fn value_of(record: RecordBuilder, codec: Probe, wire: WireFormat) -> Result<String, RecordError> {
    let json = EventBuilder::msk().record(record).to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    let consumer = KafkaConsumer::new().value(codec).value_wire_format(wire);
    let record = consumer.records(&event).next().unwrap()?;
    Ok(record.value.unwrap())
}

fn record() -> RecordBuilder {
    RecordBuilder::new("orders", 0, 15)
}

#[test]
fn a_guid_prefix_is_confluent_framing() {
    let json = Probe::new(FramingPolicy::PREFIX);
    assert_eq!(
        value_of(
            record().value(confluent_guid(GUID, b"{}")),
            json,
            WireFormat::Auto
        )
        .unwrap(),
        format!("confluent payload {GUID} None {{}}")
    );
    // Protobuf: the message-index path follows the GUID.
    let proto = Probe::new(FramingPolicy::PROTOBUF);
    assert_eq!(
        value_of(
            record().value(confluent_guid_protobuf(GUID, &[1, 0], b"\x08\x01")),
            proto,
            WireFormat::Confluent
        )
        .unwrap(),
        format!("confluent payload {GUID} Some([1, 0]) \x08\x01")
    );
    // Avro: only for a GUID the codec knows.
    let avro_bytes = confluent_guid(GUID, b"\x02x");
    let unknown = Probe::new(FramingPolicy::KNOWN_IDS);
    assert!(
        value_of(record().value(&avro_bytes), unknown, WireFormat::Auto)
            .unwrap()
            .starts_with("plain payload -")
    );
    let mut known = Probe::new(FramingPolicy::KNOWN_IDS);
    known.known.push(SchemaId::ConfluentGuid(GUID));
    assert_eq!(
        value_of(record().value(&avro_bytes), known, WireFormat::Auto).unwrap(),
        format!("confluent payload {GUID} None \x02x")
    );
}

#[test]
fn a_schema_id_header_names_the_schema_and_the_payload_has_no_prefix() {
    // The payload starts with 0x00, which would read as a classic header: the record
    // header wins.
    let payload = b"\x00\x02x";
    let framed = record()
        .header("__value_schema_id", schema_id_header(GUID, None))
        .value(payload);
    let avro = Probe::new(FramingPolicy::KNOWN_IDS);
    assert_eq!(
        value_of(framed.clone(), avro, WireFormat::Auto).unwrap(),
        format!("confluent header {GUID} None \x00\x02x")
    );
    let explicit = Probe::new(FramingPolicy::KNOWN_IDS);
    assert!(
        value_of(framed, explicit, WireFormat::Confluent)
            .unwrap()
            .starts_with("confluent header")
    );
    // Protobuf: the index path is in the header.
    let proto = record()
        .header("__value_schema_id", schema_id_header(GUID, Some(&[2])))
        .value(b"\x08\x01");
    assert_eq!(
        value_of(proto, Probe::new(FramingPolicy::PROTOBUF), WireFormat::Auto).unwrap(),
        format!("confluent header {GUID} Some([2]) \x08\x01")
    );
    // The classic id in a header is read too.
    let classic = record()
        .header("__value_schema_id", confluent(7, &[]))
        .value(b"{}");
    assert_eq!(
        value_of(classic, Probe::new(FramingPolicy::PREFIX), WireFormat::Auto).unwrap(),
        "confluent header 7 None {}"
    );
}

#[test]
fn the_key_header_is_the_keys_alone() {
    let json = EventBuilder::msk()
        .record(
            record()
                .header("__key_schema_id", schema_id_header(GUID, None))
                .key(b"k")
                .value(b"v"),
        )
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    let consumer = KafkaConsumer::new()
        .key(Probe::new(FramingPolicy::PREFIX))
        .value(Probe::new(FramingPolicy::PREFIX));
    let decoded = consumer.records(&event).next().unwrap().unwrap();
    assert_eq!(
        decoded.key.as_deref(),
        Some(format!("confluent header {GUID} None k").as_str())
    );
    assert_eq!(decoded.value.as_deref(), Some("plain payload - None v"));
    let framing = decoded.key_framing().unwrap();
    assert_eq!(framing.source(), HeaderSource::Header);
    assert_eq!(framing.schema_id(), Some(&SchemaId::ConfluentGuid(GUID)));
}

#[test]
fn codecs_that_read_no_ids_and_plain_and_glue_sides_ignore_the_header() {
    let framed = || {
        record()
            .header("__value_schema_id", b"\x01junk")
            .value(b"text")
    };
    let json = EventBuilder::msk().record(framed()).to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    let text = KafkaConsumer::new().value(Utf8);
    assert_eq!(
        text.records(&event)
            .next()
            .unwrap()
            .unwrap()
            .value
            .as_deref(),
        Some("text")
    );
    assert!(
        value_of(
            framed(),
            Probe::new(FramingPolicy::PREFIX),
            WireFormat::Plain
        )
        .unwrap()
        .starts_with("plain payload")
    );
}

#[test]
fn a_bad_schema_id_header_fails_the_record_naming_it() {
    let cases: [(&[u8], &str); 4] = [
        (
            b"\x01\x00\x01",
            "wire format: the schema-id record header (3 bytes): expected a Confluent GUID header (0x01 and a 16-byte schema GUID), found only 3 bytes",
        ),
        (
            b"\x07",
            "wire format: the schema-id record header (1 bytes): expected a Confluent header (magic byte 0x00, or 0x01 for a schema GUID), found first byte 0x07",
        ),
        (
            b"",
            "wire format: the schema-id record header (0 bytes): expected a Confluent header (0x00 and a 4-byte schema id, or 0x01 and a 16-byte GUID), found an empty payload",
        ),
        (
            &[schema_id_header(GUID, None), vec![9, 9]].concat(),
            "wire format: the schema-id record header has 2 bytes after the schema id",
        ),
    ];
    for (header, message) in cases {
        let err = value_of(
            record().header("__value_schema_id", header).value(b"{}"),
            Probe::new(FramingPolicy::PREFIX),
            WireFormat::Auto,
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WireFormat);
        assert_eq!(err.part(), Some(Part::Value));
        assert_eq!(
            err.to_string(),
            format!("topic \"orders\", partition 0, offset 15, value: {message}")
        );
    }
    // A truncated index path in the header.
    let err = value_of(
        record()
            .header(
                "__value_schema_id",
                [
                    confluent_guid(GUID, &[]),
                    message_indexes(&[1, 2])[..2].to_vec(),
                ]
                .concat(),
            )
            .value(b"\x08\x01"),
        Probe::new(FramingPolicy::PROTOBUF),
        WireFormat::Auto,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("the schema-id record header (19 bytes): message index"),
        "{err}"
    );
}

#[test]
fn an_explicit_confluent_side_names_both_magic_bytes() {
    let err = value_of(
        record().value(b"{}"),
        Probe::new(FramingPolicy::PREFIX),
        WireFormat::Confluent,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .ends_with("wire format: expected a Confluent header (magic byte 0x00, or 0x01 for a schema GUID), found first byte 0x7b"),
        "{err}"
    );
}
