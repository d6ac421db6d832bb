//! The conformance check itself must notice a difference, or every vector test could pass
//! without comparing anything.

use kafka_core::testing::vectors::check_records;
use kafka_core::testing::{EventBuilder, RecordBuilder};
use kafka_core::{KafkaConsumer, KafkaEvent};
use serde_json::json;

fn expected(value: &str, key_state: &str) -> serde_json::Value {
    json!({"framing": "none", "records": [{
        "topic": "t", "partition": 0, "offset": 1, "timestamp": 1_700_000_000_000_i64,
        "timestampType": "CREATE_TIME", "key_state": key_state, "key": null,
        "value_state": "present", "value": value, "headers": [["h", "v"]]
    }]})
}

#[test]
fn check_records_passes_a_match_and_names_each_difference() {
    let json = EventBuilder::msk()
        .record(
            RecordBuilder::new("t", 0, 1)
                .value(b"hello")
                .header("h", b"v"),
        )
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    let records: Vec<_> = KafkaConsumer::new().records(&event).collect();

    assert_eq!(check_records(&records, &expected("hello", "absent")), Ok(1));
    assert_eq!(
        check_records(&records, &expected("bye", "absent")),
        Err(r#"offset 1, value: decoded "hello", expected "bye""#.to_owned())
    );
    assert_eq!(
        check_records(&records, &expected("hello", "null")),
        Err(r#"offset 1, key_state: decoded "absent", expected "null""#.to_owned())
    );
    let mut two = expected("hello", "absent");
    let first = two["records"][0].clone();
    two["records"].as_array_mut().unwrap().push(first);
    assert_eq!(
        check_records(&records, &two),
        Err("1 records decoded, 2 expected".to_owned())
    );
    let mut framed = expected("hello", "absent");
    framed["framing"] = json!("confluent");
    assert_eq!(
        check_records(&records, &framed),
        Err(r#"offset 1, value framing: decoded "none", expected "confluent""#.to_owned())
    );
}
