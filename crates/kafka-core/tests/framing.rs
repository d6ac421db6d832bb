//! Framing through the consumer: detection per format, explicit settings, the ESM shape,
//! format mismatches, and what reaches the codec and the record.

use kafka_core::SchemaAware;
use kafka_core::testing::wire::{
    Framed, confluent, confluent_protobuf, glue, glue_protobuf, message_indexes,
};
use kafka_core::testing::{EventBuilder, RecordBuilder};
use kafka_core::{
    Codec, DataFormat, DecodeError, ErrorKind, KafkaConsumer, KafkaEvent, Part, Payload, SchemaId,
    SchemaMetadata, Utf8, WireFormat,
};
use kafka_core::{Compression, FramingPolicy, HeaderSource, Uuid};

const VERSION: Uuid = Uuid::from_u128(0x5a4b_1e2c_0d3f_4a5b_8c7d_9e0f_1a2b_3c4d);

/// A codec of a chosen format that reports what it was given.
struct Probe {
    format: Option<DataFormat>,
    known: Vec<SchemaId>,
}

impl Probe {
    fn new(format: Option<DataFormat>) -> Self {
        Self {
            format,
            known: Vec::new(),
        }
    }
}

impl Codec for Probe {
    type Output = String;

    fn decode(&self, payload: Payload<'_>) -> Result<String, DecodeError> {
        let framing = payload.framing;
        Ok(format!(
            "{} {} {} {:?} {} {}",
            framing.wire_format(),
            framing.source().as_str(),
            framing
                .schema_id()
                .map_or("-".to_owned(), ToString::to_string),
            framing.message_indexes().map(|m| m.as_slice().to_vec()),
            framing.compression().as_str(),
            String::from_utf8_lossy(payload.bytes)
        ))
    }

    fn schema_aware(&self) -> Option<&dyn SchemaAware> {
        Some(self)
    }
}

impl SchemaAware for Probe {
    fn format(&self) -> Option<DataFormat> {
        self.format.clone()
    }

    /// The policy the crate's own codecs of that format give.
    fn framing(&self, _: Option<&SchemaMetadata<'_>>) -> FramingPolicy {
        match self.format {
            Some(DataFormat::Json) => FramingPolicy::PREFIX,
            Some(DataFormat::Avro) => FramingPolicy::KNOWN_IDS,
            Some(DataFormat::Protobuf) => FramingPolicy::PROTOBUF,
            _ => FramingPolicy::NONE,
        }
    }

    fn knows_schema_id(&self, id: &SchemaId) -> bool {
        self.known.contains(id)
    }
}

fn decode_value(
    record: RecordBuilder,
    codec: Probe,
    wire: WireFormat,
) -> Result<String, kafka_core::RecordError> {
    let json = EventBuilder::msk().record(record).to_json();
    let event = KafkaEvent::from_str(&json).expect("the event parses");
    let consumer = KafkaConsumer::new().value(codec).value_wire_format(wire);
    let record = consumer.records(&event).next().expect("one record")?;
    Ok(record.value.expect("a value"))
}

fn with_value(bytes: &[u8]) -> RecordBuilder {
    RecordBuilder::new("orders", 0, 15).value(bytes)
}

#[test]
fn auto_detects_headers_for_json_and_protobuf() {
    let json = Probe::new(Some(DataFormat::Json));
    assert_eq!(
        decode_value(with_value(&confluent(3, b"{}")), json, WireFormat::Auto).unwrap(),
        "confluent payload 3 None none {}"
    );
    assert_eq!(
        decode_value(
            with_value(&glue(VERSION, b"{}", Compression::Zlib)),
            Probe::new(Some(DataFormat::Json)),
            WireFormat::Auto
        )
        .unwrap(),
        "glue payload 5a4b1e2c-0d3f-4a5b-8c7d-9e0f1a2b3c4d None zlib {}"
    );
    assert_eq!(
        decode_value(
            with_value(b"{}"),
            Probe::new(Some(DataFormat::Json)),
            WireFormat::Auto
        )
        .unwrap(),
        "plain payload - None none {}"
    );
    assert_eq!(
        decode_value(
            with_value(&confluent_protobuf(2, &[1, 0], b"M")),
            Probe::new(Some(DataFormat::Protobuf)),
            WireFormat::Auto
        )
        .unwrap(),
        "confluent payload 2 Some([1, 0]) none M"
    );
    assert_eq!(
        decode_value(
            with_value(&glue_protobuf(VERSION, 2, b"M", Compression::None)),
            Probe::new(Some(DataFormat::Protobuf)),
            WireFormat::Auto
        )
        .unwrap(),
        "glue payload 5a4b1e2c-0d3f-4a5b-8c7d-9e0f1a2b3c4d Some([2]) none M"
    );
}

#[test]
fn auto_leaves_avro_and_text_alone_unless_the_id_is_known() {
    let framed = confluent(1, b"\x02a");
    // An Avro datum may start with 0x00: no guessing without a known id.
    assert_eq!(
        decode_value(
            with_value(&framed),
            Probe::new(Some(DataFormat::Avro)),
            WireFormat::Auto
        )
        .unwrap(),
        "plain payload - None none \0\0\0\0\u{1}\u{2}a"
    );
    let knowing = Probe {
        format: Some(DataFormat::Avro),
        known: vec![SchemaId::Confluent(1)],
    };
    assert_eq!(
        decode_value(with_value(&framed), knowing, WireFormat::Auto).unwrap(),
        "confluent payload 1 None none \u{2}a"
    );
    let knowing_glue = Probe {
        format: Some(DataFormat::Avro),
        known: vec![SchemaId::Glue(VERSION)],
    };
    assert_eq!(
        decode_value(
            with_value(&glue(VERSION, b"\x02a", Compression::None)),
            knowing_glue,
            WireFormat::Auto
        )
        .unwrap(),
        "glue payload 5a4b1e2c-0d3f-4a5b-8c7d-9e0f1a2b3c4d None none \u{2}a"
    );
    // Text and third-party formats: the bytes are the payload.
    assert!(
        decode_value(with_value(&framed), Probe::new(None), WireFormat::Auto)
            .unwrap()
            .starts_with("plain payload")
    );
}

#[test]
fn esm_shape_from_metadata() {
    let confluent_esm = with_value(&message_indexes(&[1])).esm(
        Part::Value,
        DataFormat::Protobuf,
        SchemaId::Confluent(7),
    );
    assert_eq!(
        decode_value(
            confluent_esm.clone(),
            Probe::new(Some(DataFormat::Protobuf)),
            WireFormat::Auto
        )
        .unwrap(),
        "confluent metadata 7 Some([1]) none "
    );
    // An explicit Confluent setting agrees with the metadata.
    assert_eq!(
        decode_value(
            confluent_esm,
            Probe::new(Some(DataFormat::Protobuf)),
            WireFormat::Confluent
        )
        .unwrap(),
        "confluent metadata 7 Some([1]) none "
    );
    let glue_esm =
        with_value(b"\x01M").esm(Part::Value, DataFormat::Protobuf, SchemaId::Glue(VERSION));
    assert_eq!(
        decode_value(
            glue_esm,
            Probe::new(Some(DataFormat::Protobuf)),
            WireFormat::Glue
        )
        .unwrap(),
        "glue metadata 5a4b1e2c-0d3f-4a5b-8c7d-9e0f1a2b3c4d Some([1]) none M"
    );
    // JSON in the ESM shape: nothing in front of the document.
    let json_esm = with_value(b"{}").esm(Part::Value, DataFormat::Json, SchemaId::Confluent(3));
    assert_eq!(
        decode_value(
            json_esm,
            Probe::new(Some(DataFormat::Json)),
            WireFormat::Auto
        )
        .unwrap(),
        "confluent metadata 3 None none {}"
    );
    // Metadata with a format and no id says nothing about framing.
    let raw_meta = with_value(b"\x08\x01").schema_metadata(
        Part::Value,
        SchemaMetadata::new(Some(DataFormat::Protobuf), None::<String>),
    );
    assert_eq!(
        decode_value(
            raw_meta,
            Probe::new(Some(DataFormat::Protobuf)),
            WireFormat::Auto
        )
        .unwrap(),
        "plain payload - None none \u{8}\u{1}"
    );
}

#[test]
fn plain_takes_bytes_as_they_are() {
    assert_eq!(
        decode_value(
            with_value(&confluent(3, b"{}")),
            Probe::new(Some(DataFormat::Json)),
            WireFormat::Plain
        )
        .unwrap(),
        "plain payload - None none \0\0\0\0\u{3}{}"
    );
}

#[test]
fn explicit_setting_with_missing_or_bad_header() {
    let cases = [
        (
            with_value(b"{}"),
            WireFormat::Confluent,
            "expected a Confluent header (magic byte 0x00, or 0x01 for a schema GUID), found first byte 0x7b",
        ),
        (
            with_value(b"{}"),
            WireFormat::Glue,
            "expected an AWS Glue header (version byte 0x03), found first byte 0x7b",
        ),
        (
            with_value(b"\x00\x00"),
            WireFormat::Confluent,
            "expected a Confluent header (0x00 and a 4-byte schema id), found only 2 bytes",
        ),
        (
            with_value(b""),
            WireFormat::Glue,
            "expected an AWS Glue header (0x03, compression, 16-byte UUID), found an empty payload",
        ),
        (
            with_value(b"{}").esm(Part::Value, DataFormat::Json, SchemaId::Glue(VERSION)),
            WireFormat::Confluent,
            "configured for Confluent framing, but the metadata's schemaId \"5a4b1e2c-0d3f-4a5b-8c7d-9e0f1a2b3c4d\" is a Glue UUID",
        ),
        (
            with_value(b"{}").esm(Part::Value, DataFormat::Json, SchemaId::Confluent(3)),
            WireFormat::Glue,
            "configured for AWS Glue framing, but the metadata's schemaId \"3\" is a Confluent id",
        ),
    ];
    for (record, wire, reason) in cases {
        let err = decode_value(record, Probe::new(Some(DataFormat::Json)), wire).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WireFormat);
        assert_eq!(err.kind().as_str(), "wire-format");
        assert_eq!(err.part(), Some(Part::Value));
        assert_eq!(
            err.to_string(),
            format!("topic \"orders\", partition 0, offset 15, value: wire format: {reason}")
        );
    }
}

#[test]
fn bad_schema_id_in_metadata() {
    let record = with_value(b"{}").schema_metadata(
        Part::Value,
        SchemaMetadata::new(Some(DataFormat::Json), Some("v1-orders")),
    );
    let err =
        decode_value(record, Probe::new(Some(DataFormat::Json)), WireFormat::Auto).unwrap_err();
    assert_eq!(
        err.to_string(),
        "topic \"orders\", partition 0, offset 15, value: wire format: schemaId \"v1-orders\" in the \
         metadata is neither a Confluent id (digits) nor a Glue UUID"
    );
}

#[test]
fn broken_protobuf_indexes_and_zlib_fail_the_record() {
    let err = decode_value(
        with_value(&confluent(2, &[0x02, 0x01, 0x00])),
        Probe::new(Some(DataFormat::Protobuf)),
        WireFormat::Auto,
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WireFormat);
    let mut bomb = glue(VERSION, &vec![b' '; 1 << 20], Compression::Zlib);
    bomb.truncate(bomb.len() - 4);
    let err = decode_value(
        with_value(&bomb),
        Probe::new(Some(DataFormat::Json)),
        WireFormat::Auto,
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WireFormat);
    assert!(err.to_string().contains("corrupt zlib stream"), "{err}");
}

#[test]
fn decompression_limit_is_configurable() {
    let json = EventBuilder::msk()
        .record(with_value(&glue(
            VERSION,
            &vec![b' '; 4096],
            Compression::Zlib,
        )))
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    let small = KafkaConsumer::new()
        .value(Probe::new(Some(DataFormat::Json)))
        .max_decompressed_size(1024);
    let err = small.records(&event).next().unwrap().unwrap_err();
    assert!(
        err.to_string()
            .contains("inflates to more than the limit of 1024 bytes"),
        "{err}"
    );
    let default = KafkaConsumer::new().value(Probe::new(Some(DataFormat::Json)));
    assert!(default.records(&event).next().unwrap().is_ok());
}

#[test]
fn format_mismatch_fails_the_record() {
    let cases: [(DataFormat, DataFormat, &[u8], &str); 3] = [
        (
            DataFormat::Avro,
            DataFormat::Json,
            b"\x02\x06abc",
            "the schema metadata says AVRO but the value codec reads JSON",
        ),
        (
            DataFormat::Json,
            DataFormat::Protobuf,
            b"{}",
            "the schema metadata says JSON but the value codec reads Protobuf",
        ),
        (
            DataFormat::Protobuf,
            DataFormat::Avro,
            b"{}",
            "the schema metadata says PROTOBUF but the value codec reads Avro",
        ),
    ];
    for (reported, configured, value, message) in cases {
        let record = with_value(value)
            .schema_metadata(Part::Value, SchemaMetadata::new(Some(reported), Some("1")));
        let err = decode_value(record, Probe::new(Some(configured)), WireFormat::Auto).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::FormatMismatch);
        assert_eq!(err.kind().as_str(), "format-mismatch");
        assert_eq!(
            err.to_string(),
            format!("topic \"orders\", partition 0, offset 15, value: format mismatch: {message}")
        );
    }
    // JSON text labelled with its schema's format, as a mapping's JSON record format
    // delivers Avro and Protobuf records, is JSON to a JSON codec.
    for reported in [DataFormat::Avro, DataFormat::Protobuf] {
        let record = with_value(b" {\"id\": 1}")
            .schema_metadata(Part::Value, SchemaMetadata::new(Some(reported), Some("1")));
        assert!(decode_value(record, Probe::new(Some(DataFormat::Json)), WireFormat::Auto).is_ok());
    }
    // Text and bytes codecs read anything; unknown formats are not compared.
    let record = with_value(b"{}").schema_metadata(
        Part::Value,
        SchemaMetadata::new(Some(DataFormat::Avro), None::<String>),
    );
    assert!(decode_value(record, Probe::new(None), WireFormat::Auto).is_ok());
    let record = with_value(b"{}").schema_metadata(
        Part::Value,
        SchemaMetadata::new(Some(DataFormat::Other("XML".into())), None::<String>),
    );
    assert!(decode_value(record, Probe::new(Some(DataFormat::Json)), WireFormat::Auto).is_ok());
}

#[test]
fn framing_travels_onto_the_record_for_key_and_value() {
    let json = EventBuilder::msk()
        .record(
            RecordBuilder::new("orders", 1, 2)
                .key(confluent(4, b"\"k\""))
                .value_encoded(
                    &Framed::glue(Raw, VERSION, Compression::None),
                    b"{}".as_slice(),
                )
                .unwrap(),
        )
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    let consumer = KafkaConsumer::new()
        .key(Probe::new(Some(DataFormat::Json)))
        .value(Probe::new(Some(DataFormat::Json)))
        .key_wire_format(WireFormat::Confluent);
    let record = consumer.decode_all(&event).unwrap().remove(0);
    let key = record.key_framing().unwrap();
    assert_eq!(key.wire_format(), WireFormat::Confluent);
    assert_eq!(key.schema_id(), Some(&SchemaId::Confluent(4)));
    assert_eq!(key.source(), HeaderSource::Payload);
    let value = record.value_framing().unwrap();
    assert_eq!(value.wire_format(), WireFormat::Glue);
    assert_eq!(value.schema_id(), Some(&SchemaId::Glue(VERSION)));
    assert_eq!(
        record.value.as_deref(),
        Some("glue payload 5a4b1e2c-0d3f-4a5b-8c7d-9e0f1a2b3c4d None none {}")
    );

    // A text key is not unframed under Auto: its bytes are the text, header and all.
    let consumer = KafkaConsumer::new()
        .key(Utf8)
        .value(Probe::new(Some(DataFormat::Json)));
    let record = consumer.decode_all(&event).unwrap().remove(0);
    assert_eq!(record.key.as_deref(), Some("\0\0\0\0\u{4}\"k\""));
    assert_eq!(
        record.key_framing().unwrap().wire_format(),
        WireFormat::Plain
    );
}

/// Writes bytes as they are.
struct Raw;

impl kafka_core::testing::Encoder<[u8]> for Raw {
    fn encode(&self, value: &[u8]) -> Result<Vec<u8>, kafka_core::testing::EncodeError> {
        Ok(value.to_vec())
    }
}
