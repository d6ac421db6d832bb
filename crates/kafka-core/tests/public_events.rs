//! Events in the shapes other tools and AWS's documentation ship: a byte order mark,
//! base64 with stray low bits, partitions and offsets as numeric text, and the
//! EventBridge Pipes list of Kafka records.

use kafka_core::{Bytes, EventSource, KafkaConsumer, KafkaEvent, Part, RecordError, Utf8};

/// AWS's documentation sample key: its last character carries bits past the data.
const SAMPLE_KEY: &str = "abcDEFghiJKLmnoPQRstuVWXyz1234==";

fn one_record(fields: &str) -> String {
    format!(
        r#"{{"eventSource":"aws:kafka","records":{{"mytopic-0":[{{"topic":"mytopic",{fields}}}]}}}}"#
    )
}

/// The error of the event's first record, which must fail.
fn first_error(json: &str) -> RecordError {
    let event = KafkaEvent::from_str(json).expect("an event");
    KafkaConsumer::new()
        .records(&event)
        .next()
        .expect("a record")
        .expect_err("the record fails")
}

#[test]
fn a_leading_byte_order_mark_is_skipped() {
    let json = one_record(r#""partition":0,"offset":1,"timestamp":1,"value":"b2s=""#);
    let with_bom = format!("\u{feff}{json}");
    let event = KafkaEvent::from_slice(with_bom.as_bytes()).expect("BOM skipped");
    assert_eq!(event.record_count(), 1);
    let event = KafkaEvent::from_str(&with_bom).expect("BOM skipped");
    let record = KafkaConsumer::new()
        .records(&event)
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(record.value.as_deref(), Some("ok"));
}

#[test]
fn stray_low_bits_in_the_last_base64_character_decode_as_other_sdks_do() {
    let json = one_record(&format!(
        r#""partition":0,"offset":1,"timestamp":1,"key":"{SAMPLE_KEY}""#
    ));
    let event = KafkaEvent::from_str(&json).unwrap();
    let record = KafkaConsumer::new()
        .key(Bytes)
        .records(&event)
        .next()
        .unwrap()
        .expect("decodes as Python's b64decode does");
    // Python: base64.b64decode("abcDEFghiJKLmnoPQRstuVWXyz1234==").hex()
    let python = "69b70310582188928b9a7a0f411b2db95597cb3d76df";
    let hex: String = record
        .key
        .unwrap()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(hex, python);
    // A character that is not base64 still fails the record.
    let json = one_record(r#""partition":0,"offset":1,"timestamp":1,"key":"ab*d""#);
    let err = first_error(&json);
    assert_eq!(
        err.to_string(),
        "topic \"mytopic\", partition 0, offset 1, key: invalid record: invalid base64 (4 characters): a character that is not base64 at position 2"
    );
}

#[test]
fn partition_and_offset_as_numeric_text() {
    let json = one_record(r#""partition":"3","offset":"15","timestamp":1545084650987"#);
    let event = KafkaEvent::from_str(&json).expect("numeric text accepted");
    let record = event.records().next().unwrap();
    assert_eq!((record.partition(), record.offset()), (3, 15));

    let json = one_record(r#""partition":"3","offset":"fifteen","timestamp":1"#);
    let err = KafkaEvent::from_str(&json).unwrap_err();
    assert_eq!(
        err.to_string(),
        "not a Lambda Kafka event: offset is text that is not an integer (7 characters) at line 1 column 104"
    );
    // A partition out of range fails its record alone, reported under its group.
    let json = one_record(r#""partition":"99999999999","offset":1,"timestamp":1"#);
    let err = first_error(&json);
    assert_eq!(
        err.to_string(),
        "topic \"mytopic\", partition 0, offset 1: invalid record: partition is beyond the i32 range"
    );
}

/// The batch EventBridge Pipes hands a Lambda target from an MSK source, in the shape of
/// AWS's documentation: flat records, partition as text.
const PIPES_MSK: &str = r#"[
  {"eventSource":"aws:kafka",
   "eventSourceArn":"arn:aws:kafka:sa-east-1:123456789012:cluster/demo/751d2973-a626-431c-9d4e-d7975eb44dd7-2",
   "eventSourceKey":"mytopic-0","topic":"mytopic","partition":"0","offset":15,
   "timestamp":1545084650987,"timestampType":"CREATE_TIME",
   "key":"abcDEFghiJKLmnoPQRstuVWXyz1234==","value":"SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==",
   "headers":[{"headerKey":[104,101,97,100,101,114,86,97,108,117,101]}]},
  {"eventSource":"aws:kafka","eventSourceKey":"mytopic-1","topic":"mytopic","partition":"1",
   "offset":3,"timestamp":1545084650988,"timestampType":"CREATE_TIME","value":"b25l"},
  {"eventSource":"aws:kafka","eventSourceKey":"mytopic-0","topic":"mytopic","partition":"0",
   "offset":16,"timestamp":1545084650989,"timestampType":"CREATE_TIME","value":"dHdv"}
]"#;

#[test]
fn an_eventbridge_pipes_list_is_read_as_a_batch() {
    let event = KafkaEvent::from_str(PIPES_MSK).expect("a Pipes batch");
    assert_eq!(event.source(), Some(EventSource::Msk));
    assert!(event.source_arn().unwrap().ends_with("d7975eb44dd7-2"));
    let groups: Vec<(&str, Vec<i64>)> = event
        .partitions()
        .map(|(name, records)| (name, records.iter().map(|r| r.offset()).collect()))
        .collect();
    assert_eq!(
        groups,
        [("mytopic-0", vec![15, 16]), ("mytopic-1", vec![3])]
    );

    let consumer = KafkaConsumer::new().key(Bytes).value(Utf8);
    let first = consumer.records(&event).next().unwrap().unwrap();
    assert_eq!(first.value.as_deref(), Some("Hello, this is a test."));
    assert_eq!(first.headers().get_str("headerKey"), Some("headerValue"));
    assert_eq!(first.timestamp(), 1_545_084_650_987);
    assert!(first.raw().schema_metadata(Part::Value).is_none());

    // Written back, it is a Lambda event object that reads the same.
    let written = serde_json::to_string(&event).unwrap();
    assert!(written.starts_with(r#"{"eventSource":"aws:kafka""#));
    let again = KafkaEvent::from_str(&written).unwrap();
    assert_eq!(again.record_count(), 3);
    assert_eq!(again.partitions().next().unwrap().0, "mytopic-0");
}

#[test]
fn a_self_managed_pipes_list_without_event_source_keys_groups_by_topic_partition() {
    let json = r#"[{"eventSource":"SelfManagedKafka","bootstrapServers":"b-1:9092",
        "topic":"t","partition":2,"offset":1,"timestamp":1,"value":"eA=="}]"#;
    let event = KafkaEvent::from_str(json).unwrap();
    assert_eq!(event.source(), Some(EventSource::SelfManagedKafka));
    assert_eq!(event.bootstrap_servers(), Some("b-1:9092"));
    assert_eq!(event.partitions().next().unwrap().0, "t-2");
}

#[test]
fn text_and_bytes_codecs_do_not_read_schema_ids() {
    // A schemaId that is no registry id: only codecs that read ids would look at it.
    let json = one_record(
        r#""partition":0,"offset":1,"timestamp":1,"value":"b2s=",
        "valueSchemaMetadata":{"dataFormat":"JSON","schemaId":"not-an-id"}"#,
    );
    let event = KafkaEvent::from_str(&json).unwrap();
    let record = KafkaConsumer::new()
        .value(Bytes)
        .records(&event)
        .next()
        .unwrap()
        .expect("bytes ignore the metadata's id");
    assert_eq!(record.value.as_deref(), Some(&b"ok"[..]));
    let record = KafkaConsumer::new().records(&event).next().unwrap();
    assert_eq!(record.unwrap().value.as_deref(), Some("ok"));
}

#[test]
fn a_pipes_record_without_a_topic_takes_it_from_its_event_source_key() {
    // The topic's name has a dash of its own: the partition is after the last one.
    let json = r#"[{"eventSource":"aws:kafka","eventSourceKey":"orders-eu-3",
        "partition":3,"offset":7,"timestamp":1,"value":"eA=="},
        {"eventSource":"aws:kafka","eventSourceKey":"orders-eu-3",
        "offset":8,"timestamp":1,"value":"eQ=="}]"#;
    let event = KafkaEvent::from_str(json).unwrap();
    let records: Vec<_> = KafkaConsumer::new()
        .records(&event)
        .map(Result::unwrap)
        .collect();
    assert_eq!(records.len(), 2);
    for record in &records {
        assert_eq!((record.topic(), record.partition()), ("orders-eu", 3));
    }
    assert_eq!(records[1].value.as_deref(), Some("y"));
    assert_eq!(event.partitions().next().unwrap().0, "orders-eu-3");

    // Without the key there is nothing to name it by: the event cannot be read.
    let json = r#"[{"eventSource":"aws:kafka","partition":3,"offset":7,"timestamp":1}]"#;
    let err = KafkaEvent::from_str(json).unwrap_err();
    assert_eq!(
        err.to_string(),
        "not a Lambda Kafka event: item 0: topic is missing, and it has no eventSourceKey to name its topic and partition at line 1 column 68"
    );
}

#[test]
fn an_event_source_mapping_record_with_a_bad_coordinate_fails_alone_under_its_group() {
    // Its group names topic and partition, but a record of this shape takes nothing from
    // it: the record fails, reported under the group, and its neighbours decode.
    let json = r#"{"eventSource":"aws:kafka","records":{"orders-0":[
        {"topic":"orders","partition":0,"offset":1,"timestamp":1,"value":"YQ=="},
        {"partition":0,"offset":2,"timestamp":1,"value":"Yg=="},
        {"topic":"orders","partition":"zero","offset":3,"timestamp":1,"value":"Yw=="},
        {"topic":["orders"],"partition":0,"offset":4,"timestamp":1,"value":"ZA=="},
        {"topic":"orders","partition":0,"offset":5,"timestamp":1,"value":"ZQ=="}]}}"#;
    let event = KafkaEvent::from_str(json).unwrap();
    let results: Vec<_> = KafkaConsumer::new().records(&event).collect();
    let messages: Vec<String> = results
        .iter()
        .map(|r| match r {
            Ok(record) => format!("ok {}", record.offset()),
            Err(e) => format!("{}: {e}", e.kind()),
        })
        .collect();
    assert_eq!(
        messages,
        [
            "ok 1",
            "invalid-record: topic \"orders\", partition 0, offset 2: invalid record: topic is missing",
            "invalid-record: topic \"orders\", partition 0, offset 3: invalid record: partition is text that is not an integer (4 characters)",
            "invalid-record: topic \"orders\", partition 0, offset 4: invalid record: topic is a list, not text",
            "ok 5",
        ]
    );
    // The partial batch response names them as Lambda does.
    let failed = results[1].as_ref().unwrap_err().record();
    assert_eq!(failed.topic_partition(), "orders-0");
    // And the raw record says what is wrong.
    let raw = event.records().nth(1).unwrap();
    assert_eq!(raw.problem().unwrap().reason, "topic is missing");

    // A record without an offset cannot be named: the event cannot be read.
    let json = r#"{"records":{"orders-0":[{"topic":"orders","partition":0,"timestamp":1}]}}"#;
    let err = KafkaEvent::from_str(json).unwrap_err();
    assert!(err.to_string().contains("missing field `offset`"), "{err}");
    // Nor one whose group's name does not give its missing coordinates.
    let json = r#"{"records":{"orders":[{"partition":0,"offset":9,"timestamp":1}]}}"#;
    let err = KafkaEvent::from_str(json).unwrap_err();
    assert!(
        err.to_string().starts_with(
            "not a Lambda Kafka event: the record at offset 9 has no coordinates (topic is missing), and \"orders\" does not give them"
        ),
        "{err}"
    );
}
