//! Dynamic Protobuf codecs that compile the registry's `.proto` of each id at run time, on
//! the records confluent-kafka's ProtobufSerializer wrote, against the test registry.

#![cfg(feature = "confluent")]
#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a failure is the test failing"
)]

mod common;

use common::cache;

use kafka_core::FramingPolicy;
use kafka_core::SchemaAware;
use kafka_core::testing::vectors::check_records;
use kafka_core::testing::wire::confluent_protobuf;
use kafka_core::testing::{EventBuilder, RecordBuilder};
use kafka_core::{
    Codec, DataFormat, DecodeError, ErrorKind, KafkaConsumer, KafkaEvent, Payload,
    RegisteredSchema, SchemaId, SchemaMetadata,
};
use kafka_protobuf::dynamic::{ProtoDynamic, ProtoSchema};
use kafka_protobuf::testing::canonical_json;
use kafka_vectors::registry::TestRegistry;
use serde_json::{Value, json};

/// The dynamic codec giving the vectors' canonical form.
struct Canonical(ProtoDynamic);

impl Codec for Canonical {
    type Output = Value;

    fn decode(&self, payload: Payload<'_>) -> Result<Value, DecodeError> {
        self.0.decode(payload).map(|m| canonical_json(&m))
    }

    fn schema_aware(&self) -> Option<&dyn SchemaAware> {
        Some(self)
    }
}

impl SchemaAware for Canonical {
    fn format(&self) -> Option<DataFormat> {
        Some(DataFormat::Protobuf)
    }

    fn framing(&self, metadata: Option<&SchemaMetadata<'_>>) -> FramingPolicy {
        self.0.framing(metadata)
    }

    fn wants_schema(&self, id: &SchemaId) -> bool {
        self.0.wants_schema(id)
    }

    fn learn_schema(&self, id: &SchemaId, schema: Result<&RegisteredSchema, &str>) {
        self.0.learn_schema(id, schema);
    }
}

#[tokio::test]
async fn messages_decode_with_the_registrys_proto_picked_by_index_path_or_name() {
    let server = TestRegistry::start(kafka_vectors::confluent_registry());
    let schemas = cache(&server);
    let (input, expected) = kafka_vectors::vector("protobuf_confluent_ids");
    let event = KafkaEvent::from_slice(&input).unwrap();
    for schema in [
        ProtoSchema::from_registry(),
        ProtoSchema::from_registry()
            .message("orders.v1.Order")
            .unwrap(),
    ] {
        let consumer = KafkaConsumer::new().value(Canonical(schema.dynamic()));
        let prepared = schemas.prepare(&consumer, &event).await;
        assert_eq!(prepared.failed, 0);
        let records: Vec<_> = consumer.records(&event).collect();
        check_records(&records, &expected).unwrap();
    }
    // The GUID and the classic id, fetched once for both consumers.
    assert_eq!(server.requests().len(), 2, "{:?}", server.requests());
}

#[tokio::test]
async fn a_proto_that_does_not_compile_or_lacks_the_message_fails_its_records() {
    let server = TestRegistry::start(vec![
        json!({"subject": "a", "version": 1, "id": 31, "guid": "00000000-0000-4000-8000-000000000031",
               "schemaType": "PROTOBUF", "schema": "syntax = \"proto3\"; message M { strin x = 1; }", "references": []}),
        json!({"subject": "b", "version": 1, "id": 32, "guid": "00000000-0000-4000-8000-000000000032",
               "schemaType": "PROTOBUF", "schema": "syntax = \"proto3\"; package p; message Other { string x = 1; }", "references": []}),
        json!({"subject": "c", "version": 1, "id": 33, "guid": "00000000-0000-4000-8000-000000000033",
               "schemaType": "AVRO", "schema": "\"long\"", "references": []}),
    ]);
    let schemas = cache(&server);
    let consumer = KafkaConsumer::new().value(
        ProtoSchema::from_registry()
            .message("p.Wanted")
            .unwrap()
            .json(),
    );
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("t", 0, 1).value(confluent_protobuf(31, &[0], b"")))
        .record(RecordBuilder::new("t", 0, 2).value(confluent_protobuf(32, &[0], b"")))
        .record(RecordBuilder::new("t", 0, 3).value(confluent_protobuf(33, &[0], b"")))
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    assert_eq!(
        schemas.prepare(&consumer, &event).await.failed,
        0,
        "fetched, not compiled"
    );
    let errors: Vec<String> = consumer
        .records(&event)
        .map(|r| {
            let e = r.unwrap_err();
            assert_eq!(e.kind(), ErrorKind::SchemaRegistry);
            e.to_string()
        })
        .collect();
    assert!(
        errors[0].contains("Confluent schema id 31: the registry's .proto does not compile"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1]
            .ends_with("Confluent schema id 32: the registry's .proto has no message p.Wanted"),
        "{}",
        errors[1]
    );
    assert!(
        errors[2].ends_with("Confluent schema id 33: the registry's schema is AVRO, not PROTOBUF"),
        "{}",
        errors[2]
    );
}

#[tokio::test]
async fn a_proto_importing_another_compiles_with_its_reference() {
    let server = TestRegistry::start(vec![
        json!({"subject": "money.proto", "version": 1, "id": 51, "guid": "00000000-0000-4000-8000-000000000051",
               "schemaType": "PROTOBUF", "schema": "syntax = \"proto3\"; package shop; message Money { int64 cents = 1; }", "references": []}),
        json!({"subject": "prices-value", "version": 1, "id": 52, "guid": "00000000-0000-4000-8000-000000000052",
               "schemaType": "PROTOBUF",
               "schema": "syntax = \"proto3\"; package shop; import \"shop/money.proto\"; message Price { string sku = 1; Money price = 2; }",
               "references": [{"name": "shop/money.proto", "subject": "money.proto", "version": 1}]}),
    ]);
    let consumer = KafkaConsumer::new().value(ProtoSchema::from_registry().json());
    // Price { sku: "A", price: Money { cents: 250 } }, index path [0].
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("t", 0, 1).value(confluent_protobuf(
            52,
            &[0],
            b"\x0a\x01A\x12\x03\x08\xfa\x01",
        )))
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    assert_eq!(cache(&server).prepare(&consumer, &event).await.learned, 1);
    let record = consumer.records(&event).next().unwrap().unwrap();
    assert_eq!(
        record.value,
        Some(json!({"sku": "A", "price": {"cents": "250"}}))
    );
    assert_eq!(
        server.requests(),
        ["/schemas/ids/52", "/subjects/money.proto/versions/1"]
    );
}
