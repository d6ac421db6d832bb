//! No byte string makes the Avro codecs panic or allocate past their bound.

use kafka_avro::AvroSchemas;
use kafka_core::{Codec, Part, Payload};
use proptest::prelude::*;

const ORDER: &str = include_str!("../../../testdata/vectors/schemas/order.avsc");

#[derive(serde::Deserialize)]
#[allow(dead_code, reason = "decoded to be dropped")]
struct Order {
    order_id: String,
    customer_id: i64,
    items: Vec<serde_json::Value>,
    tags: std::collections::HashMap<String, String>,
    note: Option<String>,
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3_000))]

    #[test]
    fn any_bytes_decode_or_fail_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let schemas = AvroSchemas::builder().schema(ORDER).build().unwrap();
        let payload = Payload::new(&bytes, Part::Value);
        let _ = schemas.json().decode(payload);
        let _ = schemas.generic().decode(payload);
        let _ = schemas.typed::<Order>().decode(payload);
    }
}
