//! The Avro vectors and the Avro fixtures of the other Powertools editions, decoded
//! through the library and compared with their expected decodings.

use std::path::Path;

use kafka_vectors::read;

use kafka_avro::{AvroSchemas, SchemaStore};
use kafka_core::Uuid;
use kafka_core::testing::vectors::check_records;
use kafka_core::{Codec, KafkaConsumer, KafkaEvent, SchemaId, WireFormat};
use serde_json::Value;

fn order_avsc() -> String {
    kafka_vectors::schema("order.avsc")
}

fn key_avsc() -> String {
    kafka_vectors::schema("order_key.avsc")
}

/// The Glue schema version of the vectors' value schema.
const GLUE_ORDER: Uuid = Uuid::from_u128(0x1936_667b_8b1e_4d57_b845_a964_6206_f334);

fn check<K: Codec, V: Codec>(dir: &Path, name: &str, consumer: &KafkaConsumer<K, V>)
where
    K::Output: serde::Serialize,
    V::Output: serde::Serialize,
{
    let input = std::fs::read(dir.join(format!("{name}.event.json"))).expect("event");
    let event = KafkaEvent::from_slice(&input).expect("event parses");
    let expected: Value =
        serde_json::from_str(&read(&dir.join(format!("{name}.expected.json")))).expect("JSON");
    let records: Vec<_> = consumer.records(&event).collect();
    check_records(&records, &expected).unwrap_or_else(|e| panic!("{name}: {e}"));
}

fn orders() -> AvroSchemas {
    AvroSchemas::builder()
        .schema(order_avsc())
        .build()
        .expect("order.avsc parses")
}

#[test]
fn raw_and_esm_shapes_with_the_codec_schema() {
    let consumer = KafkaConsumer::new().value(orders().json());
    for name in ["avro_raw", "avro_confluent_esm", "avro_glue_esm"] {
        check(&kafka_vectors::dir(), name, &consumer);
    }
}

#[test]
fn full_framing_when_configured() {
    let confluent = KafkaConsumer::new()
        .value(orders().json())
        .value_wire_format(WireFormat::Confluent);
    check(&kafka_vectors::dir(), "avro_confluent", &confluent);
    let glue = KafkaConsumer::new()
        .value(orders().json())
        .value_wire_format(WireFormat::Glue);
    check(&kafka_vectors::dir(), "avro_glue", &glue);
}

#[test]
fn full_framing_detected_from_a_store() {
    let store = SchemaStore::new()
        .with_schema(SchemaId::Confluent(1), order_avsc())
        .with_schema(SchemaId::Glue(GLUE_ORDER), order_avsc());
    let schemas = AvroSchemas::builder()
        .store(store)
        .build()
        .expect("store parses");
    let consumer = KafkaConsumer::new().value(schemas.json());
    for name in [
        "avro_confluent",
        "avro_glue",
        "avro_confluent_esm",
        "avro_glue_esm",
    ] {
        check(&kafka_vectors::dir(), name, &consumer);
    }
}

#[test]
fn avro_keys_and_values() {
    let keys = AvroSchemas::builder()
        .schema(key_avsc())
        .build()
        .expect("key schema");
    let consumer = KafkaConsumer::new().key(keys.json()).value(orders().json());
    check(&kafka_vectors::dir(), "avro_keyed", &consumer);

    let store = SchemaStore::new()
        .with_schema(SchemaId::Confluent(4), key_avsc())
        .with_schema(SchemaId::Confluent(1), order_avsc());
    let schemas = AvroSchemas::builder().store(store).build().expect("store");
    let consumer = KafkaConsumer::new()
        .key(schemas.json())
        .value(schemas.json());
    check(&kafka_vectors::dir(), "avro_keyed_confluent", &consumer);
}

#[test]
fn glue_zlib_made_with_the_testing_kit() {
    use kafka_avro::encode::AvroEncoder;
    use kafka_core::Compression;
    use kafka_core::testing::wire::Framed;
    use kafka_core::testing::{EventBuilder, RecordBuilder};

    // Re-frame every value of the raw vector with compressed Glue framing.
    let dir = kafka_vectors::dir();
    let expected: Value =
        serde_json::from_str(&read(&dir.join("avro_raw.expected.json"))).expect("JSON");
    let encoder = Framed::glue(
        AvroEncoder::new(&order_avsc()).expect("schema").values(),
        GLUE_ORDER,
        Compression::Zlib,
    );
    let raw_input = read(&dir.join("avro_raw.event.json"));
    let raw = KafkaEvent::from_str(&raw_input).expect("event");
    let generic = KafkaConsumer::new().value(orders().generic());
    let mut builder = EventBuilder::msk();
    for record in generic.decode_all(&raw).expect("raw decodes") {
        let mut out = RecordBuilder::new(record.topic(), record.partition(), record.offset())
            .timestamp(record.timestamp());
        for header in record.headers() {
            out = out.header(header.name(), header.value().unwrap_or_default());
        }
        out = match record.original_key().as_base64() {
            Some(_) => out.key(record.key.as_deref().unwrap_or_default()),
            None if record.original_key() == &kafka_core::RawPayload::Null => out.null_key(),
            None => out,
        };
        builder = builder.record(
            out.value_encoded(&encoder, record.value.as_ref().expect("value"))
                .expect("encodes"),
        );
    }
    let json = builder.to_json();
    let event = KafkaEvent::from_str(&json).expect("event");
    let store = SchemaStore::new().with_schema(SchemaId::Glue(GLUE_ORDER), order_avsc());
    let consumer = KafkaConsumer::new().value(
        AvroSchemas::builder()
            .store(store)
            .build()
            .expect("store")
            .json(),
    );
    let records: Vec<_> = consumer.records(&event).collect();
    for record in &records {
        let framing = record
            .as_ref()
            .expect("decodes")
            .value_framing()
            .expect("framed");
        assert_eq!(framing.compression(), kafka_core::Compression::Zlib);
    }
    let mut expected = expected;
    expected["framing"] = "glue".into();
    check_records(&records, &expected).unwrap();
}

#[test]
fn powertools_avro_fixtures() {
    let Some(dir) = kafka_vectors::powertools() else {
        return;
    };
    let index: Value = serde_json::from_str(&read(&dir.join("index.json"))).expect("index");
    let mut checked = 0;
    for fixture in index.as_array().expect("list") {
        if fixture["value_format"] != "avro" {
            continue;
        }
        let schema_path = dir.join("..").join(
            fixture["peer_config"]["value"]["schema"]
                .as_str()
                .expect("schema"),
        );
        let schemas = AvroSchemas::builder()
            .schema_file(&schema_path)
            .build()
            .expect("fixture schema");
        let wire = if fixture["framing"] == "glue" {
            WireFormat::Glue
        } else {
            WireFormat::Auto
        };
        let consumer = KafkaConsumer::new()
            .value(schemas.json())
            .value_wire_format(wire);
        let input =
            std::fs::read(dir.join(fixture["event"].as_str().expect("event"))).expect("event");
        let event = KafkaEvent::from_slice(&input).expect("event parses");
        let expected: Value = serde_json::from_str(&read(
            &dir.join(fixture["expected"].as_str().expect("expected")),
        ))
        .expect("JSON");
        let records: Vec<_> = consumer.records(&event).collect();
        check_records(&records, &expected).unwrap_or_else(|e| panic!("{}: {e}", fixture["name"]));
        checked += 1;
    }
    assert_eq!(
        checked, 3,
        "ts_sample_avro_glue, java_avro, dotnet_customer_avro"
    );
}

/// The vectors' order, with Rust names unlike the Avro record names (`Order`, `Address`,
/// `LineItem`): typed decoding matches fields, not type names.
#[derive(Debug, serde::Deserialize, PartialEq)]
struct Purchase {
    order_id: String,
    customer_id: i64,
    total: f64,
    quantity: i32,
    gift_wrap: bool,
    status: Status,
    shipping_address: Destination,
    items: Vec<Line>,
    tags: std::collections::BTreeMap<String, String>,
    note: Option<String>,
    created_at: i64,
    checksum: serde_bytes::ByteBuf,
}

#[derive(Debug, serde::Deserialize, PartialEq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum Status {
    Pending,
    Paid,
    Shipped,
    Delivered,
    Cancelled,
}

#[derive(Debug, serde::Deserialize, PartialEq)]
struct Destination {
    street: String,
    city: String,
    postal_code: String,
    country: String,
}

#[derive(Debug, serde::Deserialize, PartialEq)]
struct Line {
    sku: String,
    quantity: i32,
    unit_price: f64,
}

#[test]
fn typed_orders_from_every_framing() {
    use base64::Engine as _;
    let dir = kafka_vectors::dir();
    let expected: Value =
        serde_json::from_str(&read(&dir.join("avro_raw.expected.json"))).expect("JSON");
    let store = SchemaStore::new()
        .with_schema(SchemaId::Confluent(1), order_avsc())
        .with_schema(SchemaId::Glue(GLUE_ORDER), order_avsc());
    let schemas = AvroSchemas::builder()
        .schema(order_avsc())
        .store(store)
        .build()
        .expect("schemas");
    let consumer = KafkaConsumer::new().value(schemas.typed::<Purchase>());
    for name in [
        "avro_raw",
        "avro_confluent",
        "avro_confluent_esm",
        "avro_glue",
        "avro_glue_esm",
    ] {
        let input = read(&dir.join(format!("{name}.event.json")));
        let event = KafkaEvent::from_str(&input).expect("event");
        let orders = consumer
            .decode_all(&event)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        for (got, want) in orders
            .iter()
            .zip(expected["records"].as_array().expect("records"))
        {
            let got = got.value.as_ref().expect("value");
            let want = &want["value"];
            assert_eq!(got.order_id, want["order_id"].as_str().unwrap(), "{name}");
            assert_eq!(
                got.customer_id,
                want["customer_id"].as_i64().unwrap(),
                "{name}"
            );
            assert_eq!(
                got.items.len(),
                want["items"].as_array().unwrap().len(),
                "{name}"
            );
            assert_eq!(got.note.as_deref(), want["note"].as_str(), "{name}");
            assert_eq!(
                got.shipping_address.city,
                want["shipping_address"]["city"].as_str().unwrap(),
                "{name}"
            );
            let checksum = base64::engine::general_purpose::STANDARD
                .decode(want["checksum"].as_str().unwrap())
                .unwrap();
            assert_eq!(got.checksum.as_slice(), checksum.as_slice(), "{name}");
        }
    }
}

/// A store holding a registered schema under both its classic id and its GUID.
fn store_of(subject: &str) -> SchemaStore {
    let entry = kafka_vectors::registered(subject);
    let schema = entry["schema"].as_str().expect("schema text");
    let id = u32::try_from(entry["id"].as_u64().expect("id")).expect("u32");
    let guid = Uuid::parse_str(entry["guid"].as_str().expect("guid")).expect("GUID");
    SchemaStore::new()
        .with_schema(SchemaId::Confluent(id), schema)
        .with_schema(SchemaId::ConfluentGuid(guid), schema)
}

/// confluent-kafka's serializers with the schema id of keys and values in record headers,
/// as GUID prefixes, or as classic id prefixes: writer schemas found in a store by id or
/// GUID, under `auto` and under `confluent`.
#[test]
fn confluent_ids_vector_keys_and_values() {
    let keys = AvroSchemas::builder()
        .store(store_of("orders-key"))
        .build()
        .expect("key schemas");
    let values = AvroSchemas::builder()
        .store(store_of("orders-value"))
        .build()
        .expect("value schemas");
    for wire in [WireFormat::Auto, WireFormat::Confluent] {
        let consumer = KafkaConsumer::new()
            .key(keys.json())
            .value(values.json())
            .wire_format(wire);
        check(&kafka_vectors::dir(), "avro_confluent_ids", &consumer);
    }
    // Typed values through the direct reader, found by GUID too.
    let typed = KafkaConsumer::new()
        .key(keys.json())
        .value(values.typed::<kafka_vectors::AvroOrder>());
    let (input, _) = kafka_vectors::vector("avro_confluent_ids");
    let event = KafkaEvent::from_slice(&input).expect("event");
    assert_eq!(
        typed
            .records(&event)
            .filter(|r| r.as_ref().is_ok_and(|r| r.value.is_some()))
            .count(),
        6
    );
}
