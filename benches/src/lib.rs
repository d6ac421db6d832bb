//! Benchmark support: the `Order` type of the project's test vectors and a generator of big
//! events of the same shape as the peer harness's (`big_json_<N>.event.json`): `N` orders
//! over four partitions, string keys `customer-<id>`, one `correlation-id` header each.

mod floor;

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

pub use floor::{reference_envelope, reference_floor};
pub use kafka_vectors::{
    Address, AvroOrder, AvroOrderRef, LineItem, Order, OrderRef, Status, proto,
};

/// A small deterministic generator (SplitMix64), so events are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        &items[i]
    }
}

const STREETS: &[&str] = &[
    "1 Main St",
    "742 Evergreen Terrace",
    "Königstraße 12",
    "Rua Augusta 1500",
    "2-1 Marunouchi",
    "10 Rue de Rivoli",
    "Bahnhofstrasse 7",
    "221B Baker Street",
];
const CITIES: &[(&str, &str, &str)] = &[
    ("Seattle", "98101", "US"),
    ("München", "80331", "DE"),
    ("São Paulo", "01310-100", "BR"),
    ("東京", "100-0001", "JP"),
    ("Paris", "75001", "FR"),
    ("Zürich", "8001", "CH"),
    ("London", "NW1 6XE", "GB"),
];
const NOTES: &[&str] = &[
    "leave at the door",
    "call on arrival ☎",
    "gift for Zoë 🎁",
    "fragile — handle with care",
];
const TAG_KEYS: &[&str] = &["channel", "campaign", "priority", "warehouse", "région"];
const TAG_VALUES: &[&str] = &[
    "web",
    "mobile",
    "spring-sale",
    "high",
    "low",
    "FRA-1",
    "naïve",
];
const STATUSES: &[Status] = &[
    Status::Pending,
    Status::Paid,
    Status::Shipped,
    Status::Delivered,
    Status::Cancelled,
];

/// The `i`-th order of a generated event.
fn make_order(rng: &mut Rng, i: u64) -> Order {
    let order_id = format!("ORD-{:08x}-{i:06}", rng.below(1 << 32));
    let n_items = if i.is_multiple_of(17) {
        0
    } else {
        rng.below(6)
    };
    let items: Vec<LineItem> = (0..n_items)
        .map(|_| LineItem {
            sku: format!("SKU-{}", 1000 + rng.below(99_000)),
            quantity: i32::try_from(1 + rng.below(5)).unwrap_or(1),
            unit_price: f64::from(u32::try_from(50 + rng.below(25_000)).unwrap_or(0)) / 100.0,
        })
        .collect();
    let (city, postal, country) = *rng.pick(CITIES);
    let tags = (0..rng.below(4))
        .map(|_| {
            (
                (*rng.pick(TAG_KEYS)).to_owned(),
                (*rng.pick(TAG_VALUES)).to_owned(),
            )
        })
        .collect();
    let total = items
        .iter()
        .map(|it| f64::from(it.quantity) * it.unit_price)
        .sum::<f64>();
    let mut checksum = [0u8; 16];
    for chunk in checksum.chunks_mut(8) {
        chunk.copy_from_slice(&rng.next().to_le_bytes());
    }
    Order {
        order_id,
        customer_id: i64::try_from(1 + rng.below(1_000_000_000_000)).unwrap_or(1),
        total: (total * 100.0).round() / 100.0,
        quantity: items.iter().map(|it| it.quantity).sum(),
        gift_wrap: rng.below(5) == 0,
        status: *rng.pick(STATUSES),
        shipping_address: Address {
            street: (*rng.pick(STREETS)).to_owned(),
            city: city.to_owned(),
            postal_code: postal.to_owned(),
            country: country.to_owned(),
        },
        items,
        tags,
        note: (rng.below(5) < 2).then(|| (*rng.pick(NOTES)).to_owned()),
        created_at: 1_735_689_600_000 + i64::try_from(i * 1_250 + rng.below(1000)).unwrap_or(0),
        checksum: STANDARD.encode(checksum),
    }
}

/// The floor every consumer pays: parse the envelope and decode the base64 of every key
/// and value, with the SIMD engine the library uses; returns the decoded byte count.
///
/// # Panics
/// When the input is not an event with valid base64 (benchmark inputs are).
pub fn envelope_and_base64(
    input: &str,
    engine: &base64::engine::Simd,
    buffer: &mut Vec<u8>,
) -> usize {
    let event = kafka_core::KafkaEvent::from_str(input).expect("event");
    let mut bytes = 0;
    for record in event.records() {
        for payload in [record.key(), record.value()] {
            if let kafka_core::RawPayload::Base64(text) = payload {
                buffer.clear();
                engine.decode_vec(text.as_bytes(), buffer).expect("base64");
                bytes += buffer.len();
            }
        }
    }
    bytes
}

/// The loop a hand-written consumer runs: parse the envelope, decode each key's base64
/// into a `String`, and hand each value's bytes to `value`; returns the sum of what
/// `value` returns.
///
/// # Panics
/// When the input is not an event with valid base64 and UTF-8 keys (benchmark inputs are).
pub fn by_hand(
    input: &str,
    engine: &base64::engine::Simd,
    buffer: &mut Vec<u8>,
    mut value: impl FnMut(&[u8]) -> usize,
) -> usize {
    let event = kafka_core::KafkaEvent::from_str(input).expect("event");
    let mut n = 0;
    for record in event.records() {
        if let kafka_core::RawPayload::Base64(text) = record.key() {
            buffer.clear();
            engine.decode_vec(text.as_bytes(), buffer).expect("base64");
            std::hint::black_box(String::from_utf8(buffer.clone()).expect("UTF-8"));
        }
        if let kafka_core::RawPayload::Base64(text) = record.value() {
            buffer.clear();
            engine.decode_vec(text.as_bytes(), buffer).expect("base64");
            n += value(buffer);
        }
    }
    n
}

/// The vectors' Avro schema of an order.
pub const ORDER_AVSC: &str = include_str!("../../testdata/vectors/schemas/order.avsc");

/// How the values of a generated event are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payloads {
    /// JSON text.
    Json,
    /// Avro datums of [`ORDER_AVSC`].
    Avro,
    /// Avro datums with Confluent framing, schema id 1.
    AvroConfluent,
    /// Protobuf messages of [`ORDER_PROTO`], bare.
    Protobuf,
    /// Protobuf messages as the event source mapping leaves Confluent framing: the index
    /// byte `0x00` in front, `valueSchemaMetadata {PROTOBUF, "1"}`.
    ProtobufConfluentEsm,
}

/// The vectors' `.proto` of an order.
pub const ORDER_PROTO: &str = include_str!("../../testdata/vectors/schemas/order.proto");

/// The path of [`ORDER_PROTO`], for the dynamic codec.
#[must_use]
pub fn order_proto_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/vectors/schemas/order.proto")
}

/// A compact MSK event of `n` JSON orders over partitions `orders-0..3`.
///
/// # Panics
/// Never in practice: writing JSON into a `String` cannot fail.
#[must_use]
pub fn big_json_event(n: u64, seed: u64) -> String {
    big_event(n, seed, Payloads::Json)
}

/// A compact MSK event of `n` orders written as `payloads`, over partitions `orders-0..3`.
///
/// # Panics
/// Never in practice: the schema is valid and every order fits it.
#[must_use]
pub fn big_event(n: u64, seed: u64, payloads: Payloads) -> String {
    let schema = apache_avro::Schema::parse_str(ORDER_AVSC).expect("order.avsc parses");
    let writer = apache_avro::writer::datum::GenericDatumWriter::builder(&schema)
        .human_readable(false)
        .build()
        .expect("a writer");
    let mut rng = Rng(seed);
    let mut groups: [Vec<String>; 4] = Default::default();
    for i in 0..n {
        let order = make_order(&mut rng, i);
        let payload = match payloads {
            Payloads::Json => serde_json::to_vec(&order).expect("an order serializes"),
            Payloads::Avro | Payloads::AvroConfluent => {
                let datum = writer
                    .write_ser_to_vec(&AvroOrder::from(order.clone()))
                    .expect("an order fits the schema");
                if payloads == Payloads::AvroConfluent {
                    [&[0, 0, 0, 0, 1][..], &datum].concat()
                } else {
                    datum
                }
            }
            Payloads::Protobuf => prost::Message::encode_to_vec(&proto::Order::from(order.clone())),
            Payloads::ProtobufConfluentEsm => [
                &[0][..],
                &prost::Message::encode_to_vec(&proto::Order::from(order.clone())),
            ]
            .concat(),
        };
        let metadata = if payloads == Payloads::ProtobufConfluentEsm {
            r#","valueSchemaMetadata":{"dataFormat":"PROTOBUF","schemaId":"1"}"#
        } else {
            ""
        };
        let partition = usize::try_from(i % 4).unwrap_or(0);
        let correlation: Vec<String> = format!("corr-{i:08}")
            .bytes()
            .map(|b| b.to_string())
            .collect();
        let mut record = String::new();
        write!(
            record,
            r#"{{"topic":"orders","partition":{partition},"offset":{},"timestamp":{},"timestampType":"CREATE_TIME","key":"{}","value":"{}","headers":[{{"correlation-id":[{}]}}]{metadata}}}"#,
            i / 4,
            order.created_at,
            STANDARD.encode(format!("customer-{}", order.customer_id)),
            STANDARD.encode(payload),
            correlation.join(",")
        )
        .expect("writing to a String");
        groups[partition].push(record);
    }
    let records: Vec<String> = groups
        .iter()
        .enumerate()
        .map(|(p, recs)| format!(r#""orders-{p}":[{}]"#, recs.join(",")))
        .collect();
    format!(
        r#"{{"eventSource":"aws:kafka","eventSourceArn":"arn:aws:kafka:us-east-1:123456789012:cluster/bench/1","bootstrapServers":"b-1:9092","records":{{{}}}}}"#,
        records.join(",")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_core::{KafkaConsumer, KafkaEvent};
    use kafka_json::Json;

    #[test]
    fn generated_avro_event_decodes_into_orders() {
        let schemas = kafka_avro::AvroSchemas::builder()
            .schema(ORDER_AVSC)
            .build()
            .unwrap();
        for payloads in [Payloads::Avro, Payloads::AvroConfluent] {
            let json = big_event(50, 7, payloads);
            let event = KafkaEvent::from_str(&json).unwrap();
            let consumer = KafkaConsumer::new()
                .value(schemas.typed::<AvroOrder>())
                .value_wire_format(if payloads == Payloads::Avro {
                    kafka_core::WireFormat::Plain
                } else {
                    kafka_core::WireFormat::Confluent
                });
            let orders = consumer.decode_all(&event).unwrap();
            assert_eq!(orders.len(), 50);
            assert_eq!(orders[3].value.as_ref().unwrap().checksum.len(), 16);
        }
    }

    #[test]
    fn generated_protobuf_events_decode() {
        for payloads in [Payloads::Protobuf, Payloads::ProtobufConfluentEsm] {
            let json = big_event(20, 7, payloads);
            let event = KafkaEvent::from_str(&json).unwrap();
            let consumer = KafkaConsumer::new().value(kafka_protobuf::Proto::<proto::Order>::new());
            let orders = consumer.decode_all(&event).unwrap();
            assert_eq!(orders.len(), 20);
            assert_eq!(orders[1].value.as_ref().unwrap().checksum.len(), 16);
        }
    }

    #[test]
    fn generated_event_decodes_into_orders() {
        let json = big_json_event(100, 7);
        let event = KafkaEvent::from_str(&json).unwrap();
        assert_eq!(event.record_count(), 100);
        assert_eq!(event.partitions().count(), 4);
        let consumer = KafkaConsumer::new().value(Json::<Order>::new());
        let orders = consumer.decode_all(&event).unwrap();
        assert!(
            orders
                .iter()
                .all(|r| r.key.as_deref().is_some_and(|k| k.starts_with("customer-")))
        );
        assert_eq!(
            orders[0].headers().get_str("correlation-id"),
            Some("corr-00000000")
        );
    }
}
