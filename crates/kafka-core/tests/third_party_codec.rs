//! A codec written outside kafka-core, through its public API only, as a third party's
//! codec crate would be.

use kafka_core::testing::{EventBuilder, RecordBuilder};
use kafka_core::{
    Codec, DataFormat, DecodeError, ErrorKind, KafkaConsumer, KafkaEvent, Part, Payload,
};
use kafka_core::{FramingPolicy, SchemaAware, SchemaMetadata};

/// `name=value;name=value` pairs.
#[derive(Debug, Default)]
struct Pairs {
    separator: char,
}

impl Codec for Pairs {
    type Output = Vec<(String, String)>;

    fn decode(&self, payload: Payload<'_>) -> Result<Self::Output, DecodeError> {
        let text = std::str::from_utf8(payload.bytes).map_err(|_| DecodeError::new("not UTF-8"))?;
        text.split(self.separator)
            .enumerate()
            .map(|(i, pair)| {
                pair.split_once('=')
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .ok_or_else(|| DecodeError::new(format!("pair {i} has no '='")))
            })
            .collect()
    }
}

/// Records what it was given, to show the payload carries the part and metadata.
struct Inspecting;

impl Codec for Inspecting {
    type Output = String;

    fn decode(&self, payload: Payload<'_>) -> Result<String, DecodeError> {
        let id = payload.metadata.and_then(|m| m.schema_id()).unwrap_or("-");
        Ok(format!("{}:{}:{id}", payload.part, payload.bytes.len()))
    }

    fn schema_aware(&self) -> Option<&dyn SchemaAware> {
        Some(self)
    }
}

impl SchemaAware for Inspecting {
    fn format(&self) -> Option<DataFormat> {
        Some(DataFormat::Avro)
    }

    fn framing(&self, _: Option<&SchemaMetadata<'_>>) -> FramingPolicy {
        FramingPolicy::NONE
    }
}

#[test]
fn third_party_codec_through_the_consumer() {
    let json = EventBuilder::self_managed()
        .record(
            RecordBuilder::new("config", 0, 1)
                .key(b"a=1;b=2")
                .value(b"x=y"),
        )
        .record(
            RecordBuilder::new("config", 0, 2)
                .key(b"broken")
                .value(b"x=y"),
        )
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    let consumer = KafkaConsumer::new()
        .key(Pairs { separator: ';' })
        .value(Pairs { separator: ';' });
    let mut records = consumer.records(&event);
    let first = records.next().unwrap().unwrap();
    assert_eq!(
        first.key.unwrap(),
        [
            ("a".to_owned(), "1".to_owned()),
            ("b".to_owned(), "2".to_owned())
        ]
    );
    let err = records.next().unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Deserialization);
    assert_eq!(
        err.to_string(),
        "topic \"config\", partition 0, offset 2, key: cannot decode: pair 0 has no '='"
    );
}

#[test]
fn codec_sees_part_metadata_and_names_its_format_in_errors() {
    let json = r#"{"records":{"t-0":[{"topic":"t","partition":0,"offset":0,"timestamp":1,
        "key":"AAE=","value":"AAECAw==","valueSchemaMetadata":{"dataFormat":"AVRO","schemaId":"9"}}]}}"#;
    let event = KafkaEvent::from_str(json).unwrap();
    let consumer = KafkaConsumer::new().key(Inspecting).value(Inspecting);
    let record = consumer.decode_all(&event).unwrap().remove(0);
    assert_eq!(record.key.as_deref(), Some("key:2:-"));
    assert_eq!(record.value.as_deref(), Some("value:4:9"));

    // Called directly, as a codec's own unit tests would.
    let direct = Inspecting.decode(Payload::new(b"abc", Part::Key)).unwrap();
    assert_eq!(direct, "key:3:-");
}

#[test]
fn boxed_and_shared_codecs_are_codecs() {
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("t", 0, 0).value(b"k=v"))
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    let shared = std::sync::Arc::new(Pairs { separator: ',' });
    let consumer = KafkaConsumer::new().value(Box::new(std::sync::Arc::clone(&shared)));
    let record = consumer.decode_all(&event).unwrap().remove(0);
    assert_eq!(record.value.unwrap()[0].1, "v");
}
