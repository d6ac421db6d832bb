//! No byte string makes the Protobuf codecs panic.

use kafka_core::{Codec, Part, Payload};
use kafka_protobuf::Proto;
use kafka_protobuf::dynamic::ProtoSchema;
use proptest::prelude::*;

#[derive(Clone, PartialEq, prost::Message)]
struct Order {
    #[prost(string, tag = "1")]
    order_id: String,
    #[prost(int64, tag = "2")]
    customer_id: i64,
    #[prost(map = "string, string", tag = "9")]
    tags: std::collections::HashMap<String, String>,
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3_000))]

    #[test]
    fn any_bytes_decode_or_fail_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/vectors/schemas");
        let schema = ProtoSchema::from_files(&[dir.join("order.proto")], &[&dir]).unwrap();
        let order = schema.clone().message("orders.v1.Order").unwrap();
        let payload = Payload::new(&bytes, Part::Value);
        let _ = order.json().decode(payload);
        let _ = order.dynamic().decode(payload);
        let _ = schema.dynamic().decode(payload);
        let _ = Proto::<Order>::new().decode(payload);
    }
}
