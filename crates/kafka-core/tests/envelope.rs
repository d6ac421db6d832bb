//! The event envelope, read exactly as Lambda sends it.

use std::borrow::Cow;

use kafka_core::{
    DataFormat, EventSource, KafkaConsumer, KafkaEvent, Part, RawPayload, SchemaMetadata,
    TimestampType,
};

/// An MSK event with one record per entry of `records_json` in group `orders-0`.
fn event_with(record_fields: &str) -> String {
    format!(
        r#"{{"eventSource":"aws:kafka","eventSourceArn":"arn:aws:kafka:eu-west-1:1:cluster/c/1",
        "bootstrapServers":"b-1:9092,b-2:9092",
        "records":{{"orders-0":[{{"topic":"orders","partition":0,"offset":15,
        "timestamp":1545084650987,"timestampType":"CREATE_TIME"{record_fields}}}]}}}}"#
    )
}

#[test]
fn msk_event_fields() {
    let json = event_with("");
    let event = KafkaEvent::from_str(&json).unwrap();
    assert_eq!(event.source(), Some(EventSource::Msk));
    assert_eq!(event.source().unwrap().as_str(), "aws:kafka");
    assert_eq!(
        event.source_arn(),
        Some("arn:aws:kafka:eu-west-1:1:cluster/c/1")
    );
    assert_eq!(event.bootstrap_servers(), Some("b-1:9092,b-2:9092"));
    assert_eq!(event.record_count(), 1);
}

#[test]
fn self_managed_event_has_no_arn() {
    let json = r#"{"eventSource":"SelfManagedKafka","bootstrapServers":"kafka:9092",
        "records":{"t-3":[{"topic":"t","partition":3,"offset":7,"timestamp":1,"timestampType":"LOG_APPEND_TIME","value":"eA=="}]}}"#;
    let event = KafkaEvent::from_str(json).unwrap();
    assert_eq!(event.source(), Some(EventSource::SelfManagedKafka));
    assert_eq!(event.source_arn(), None);
    let record = event.records().next().unwrap();
    assert_eq!(record.partition(), 3);
    assert_eq!(record.timestamp_type(), Some(&TimestampType::LogAppendTime));
}

#[test]
fn unknown_event_source_and_timestamp_type_are_kept_as_text() {
    let json = r#"{"eventSource":"aws:kafka:new","records":{"t-0":[{"topic":"t","partition":0,
        "offset":0,"timestamp":0,"timestampType":"NO_TIMESTAMP_TYPE"}]}}"#;
    let event = KafkaEvent::from_str(json).unwrap();
    assert_eq!(event.source(), Some(EventSource::Other("aws:kafka:new")));
    let record = event.records().next().unwrap();
    assert_eq!(
        record.timestamp_type(),
        Some(&TimestampType::Other("NO_TIMESTAMP_TYPE".into()))
    );
    assert_eq!(
        record.timestamp_type().unwrap().as_str(),
        "NO_TIMESTAMP_TYPE"
    );
}

#[test]
fn timestamp_is_kept_to_the_millisecond() {
    let json = event_with("");
    let event = KafkaEvent::from_str(&json).unwrap();
    let record = event.records().next().unwrap();
    assert_eq!(record.timestamp(), Some(1_545_084_650_987));
    // Large values that an f64 would round are exact too.
    let json = json.replace("1545084650987", "9007199254740993");
    let event = KafkaEvent::from_str(&json).unwrap();
    assert_eq!(
        event.records().next().unwrap().timestamp(),
        Some(9_007_199_254_740_993)
    );
}

#[test]
fn partition_groups_keep_event_order() {
    let record = |p: u32| {
        format!(r#"[{{"topic":"orders","partition":{p},"offset":1,"timestamp":1,"value":"eA=="}}]"#)
    };
    let json = format!(
        r#"{{"eventSource":"aws:kafka","records":{{"orders-2":{},"orders-10":{},"audit-1":{},"orders-1":{}}}}}"#,
        record(2),
        record(10),
        record(1).replace("orders", "audit"),
        record(1)
    );
    let event = KafkaEvent::from_str(&json).unwrap();
    let names: Vec<_> = event.partitions().map(|(name, _)| name).collect();
    assert_eq!(names, ["orders-2", "orders-10", "audit-1", "orders-1"]);
    let consumer = KafkaConsumer::new();
    let flat: Vec<_> = consumer
        .records(&event)
        .map(|r| r.unwrap().topic_partition())
        .collect();
    assert_eq!(flat, ["orders-2", "orders-10", "audit-1", "orders-1"]);
}

#[test]
fn records_within_a_group_keep_event_order() {
    let json = r#"{"records":{"t-0":[
        {"topic":"t","partition":0,"offset":9,"timestamp":1},
        {"topic":"t","partition":0,"offset":3,"timestamp":1},
        {"topic":"t","partition":0,"offset":5,"timestamp":1}]}}"#;
    let event = KafkaEvent::from_str(json).unwrap();
    let offsets: Vec<_> = event.records().map(|r| r.offset()).collect();
    assert_eq!(offsets, [9, 3, 5]);
}

#[test]
fn key_and_value_absent_null_empty_and_base64_are_distinct() {
    let json = r#"{"records":{"t-0":[
        {"topic":"t","partition":0,"offset":0,"timestamp":1},
        {"topic":"t","partition":0,"offset":1,"timestamp":1,"key":null,"value":null},
        {"topic":"t","partition":0,"offset":2,"timestamp":1,"key":"","value":""},
        {"topic":"t","partition":0,"offset":3,"timestamp":1,"key":"aw==","value":"dg=="}]}}"#;
    let event = KafkaEvent::from_str(json).unwrap();
    let raw: Vec<_> = event.records().collect();
    assert_eq!(raw[0].key(), &RawPayload::Absent);
    assert_eq!(raw[0].value(), &RawPayload::Absent);
    assert_eq!(raw[1].key(), &RawPayload::Null);
    assert_eq!(raw[1].value(), &RawPayload::Null);
    assert_eq!(raw[2].key().as_base64(), Some(""));
    assert_eq!(raw[3].value().as_base64(), Some("dg=="));

    let decoded = KafkaConsumer::new().decode_all(&event).unwrap();
    assert_eq!(
        (decoded[0].key.as_deref(), decoded[0].value.as_deref()),
        (None, None)
    );
    assert_eq!(
        (decoded[1].key.as_deref(), decoded[1].value.as_deref()),
        (None, None)
    );
    assert_eq!(
        (decoded[2].key.as_deref(), decoded[2].value.as_deref()),
        (Some(""), Some(""))
    );
    assert_eq!(
        (decoded[3].key.as_deref(), decoded[3].value.as_deref()),
        (Some("k"), Some("v"))
    );
}

#[test]
fn base64_text_is_borrowed_from_the_input() {
    let json = event_with(r#","key":"a2V5","value":"eyJhIjoxfQ==""#);
    let event = KafkaEvent::from_str(&json).unwrap();
    let record = event.records().next().unwrap();
    assert!(matches!(
        record.value(),
        RawPayload::Base64(Cow::Borrowed("eyJhIjoxfQ=="))
    ));
    assert!(matches!(record.key(), RawPayload::Base64(Cow::Borrowed(_))));
}

#[test]
fn escaped_text_is_read_too() {
    // JSON may escape `/` as `\/`; such a string cannot be borrowed and is copied.
    let json = event_with(r#","value":"YS9i\/w==""#);
    let event = KafkaEvent::from_str(&json).unwrap();
    let record = event.records().next().unwrap();
    assert_eq!(record.value().as_base64(), Some("YS9i/w=="));
}

#[test]
fn header_bytes_signed_or_unsigned() {
    let json = event_with(r#","headers":[{"unsigned":[200,0,255]},{"signed":[-56,0,-1]}]"#);
    let event = KafkaEvent::from_str(&json).unwrap();
    let headers = event.records().next().unwrap().headers();
    assert_eq!(headers.get("unsigned"), Some(&[200, 0, 255][..]));
    assert_eq!(headers.get("signed"), Some(&[200, 0, 255][..]));
}

#[test]
fn headers_keep_order_duplicates_and_null_values() {
    let json = event_with(r#","headers":[{"b":[49]},{"a":[50]},{"b":[51]},{"n":null},{"b":[]}]"#);
    let event = KafkaEvent::from_str(&json).unwrap();
    let headers = event.records().next().unwrap().headers();
    let names: Vec<_> = headers.iter().map(|h| h.name()).collect();
    assert_eq!(names, ["b", "a", "b", "n", "b"]);
    assert_eq!(headers.get_str("b"), Some("1"));
    assert_eq!(
        headers.get_all_str("b").collect::<Vec<_>>(),
        [Some("1"), Some("3"), Some("")]
    );
    assert_eq!(headers.first("n").map(|h| h.value()), Some(None));
    assert_eq!(headers.get("n"), None);
    assert_eq!(headers.len(), 5);
}

#[test]
fn null_or_missing_headers_mean_none() {
    for fields in ["", r#","headers":null"#, r#","headers":[]"#] {
        let json = event_with(fields);
        let event = KafkaEvent::from_str(&json).unwrap();
        assert!(
            event.records().next().unwrap().headers().is_empty(),
            "{fields}"
        );
    }
}

#[test]
fn schema_metadata_for_key_and_value() {
    let json = event_with(
        r#","keySchemaMetadata":{"dataFormat":"PROTOBUF"},
           "valueSchemaMetadata":{"dataFormat":"AVRO","schemaId":"12","extra":true}"#,
    );
    let event = KafkaEvent::from_str(&json).unwrap();
    let record = event.records().next().unwrap();
    let key = record.schema_metadata(Part::Key).unwrap();
    assert_eq!(key.data_format(), Some(&DataFormat::Protobuf));
    assert_eq!(key.schema_id(), None);
    let value = record.schema_metadata(Part::Value).unwrap();
    assert_eq!(value.data_format(), Some(&DataFormat::Avro));
    assert_eq!(value.schema_id(), Some("12"));

    let glue = event_with(
        r#","valueSchemaMetadata":{"dataFormat":"JSON","schemaId":"5a4b1e2c-0d3f-4a5b-8c7d-9e0f1a2b3c4d"}"#,
    );
    let event = KafkaEvent::from_str(&glue).unwrap();
    let meta = event
        .records()
        .next()
        .unwrap()
        .schema_metadata(Part::Value)
        .unwrap();
    assert_eq!(meta.data_format(), Some(&DataFormat::Json));
    assert_eq!(
        meta.schema_id(),
        Some("5a4b1e2c-0d3f-4a5b-8c7d-9e0f1a2b3c4d")
    );

    // A bare number as schema id is read as its digits.
    let numeric = event_with(r#","valueSchemaMetadata":{"dataFormat":"AVRO","schemaId":7}"#);
    let event = KafkaEvent::from_str(&numeric).unwrap();
    let meta = event
        .records()
        .next()
        .unwrap()
        .schema_metadata(Part::Value)
        .unwrap();
    assert_eq!(meta.schema_id(), Some("7"));

    // Schema metadata read on its own follows the same rule, and names a wrong shape.
    let alone: SchemaMetadata<'_> =
        serde_json::from_str(r#"{"dataFormat":"AVRO","schemaId":7}"#).unwrap();
    assert_eq!(alone.schema_id(), Some("7"));
    let err = serde_json::from_str::<SchemaMetadata<'_>>(r#"{"schemaId":[7]}"#).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("schemaId is neither text nor a number"),
        "{err}"
    );
}

#[test]
fn unknown_fields_are_ignored_everywhere() {
    let json = r#"{"eventSource":"aws:kafka","newTopLevel":{"x":[1,2]},"records":{"t-0":[
        {"topic":"t","partition":0,"offset":0,"timestamp":1,"leaderEpoch":4,"value":"eA==",
         "future":{"nested":[null,true]}}]},"trailer":null}"#;
    let event = KafkaEvent::from_str(json).unwrap();
    let record = KafkaConsumer::new().decode_all(&event).unwrap().remove(0);
    assert_eq!(record.value.as_deref(), Some("x"));
}

#[test]
fn from_value_and_from_slice_agree() {
    let json = event_with(r#","key":"a2V5","headers":[{"h":[1,2]}]"#);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let from_value = KafkaEvent::from_value(&value).unwrap();
    let from_slice = KafkaEvent::from_slice(json.as_bytes()).unwrap();
    assert_eq!(from_value, from_slice);
}

#[test]
fn into_owned_outlives_the_input() {
    let owned = {
        let json = event_with(r#","key":"a2V5","value":"dg==","headers":[{"h":[104]}]"#);
        KafkaEvent::from_str(&json).unwrap().into_owned()
    };
    let record = owned.records().next().unwrap();
    assert_eq!(record.key().as_base64(), Some("a2V5"));
    assert_eq!(record.headers().get_str("h"), Some("h"));
}

#[test]
fn serializing_writes_the_same_event_back() {
    let json = event_with(
        r#","key":null,"value":"dg==","headers":[{"h":[200]}],"valueSchemaMetadata":{"dataFormat":"AVRO","schemaId":"1"}"#,
    );
    let event = KafkaEvent::from_str(&json).unwrap();
    let written = serde_json::to_string(&event).unwrap();
    assert_eq!(KafkaEvent::from_str(&written).unwrap(), event);
    assert!(written.contains(r#""key":null"#), "{written}");
    assert!(written.contains(r#"{"h":[200]}"#), "{written}");
}

#[test]
fn records_null_is_an_empty_batch() {
    let event = KafkaEvent::from_str(r#"{"eventSource":"aws:kafka","records":null}"#).unwrap();
    assert_eq!(event.record_count(), 0);
}

#[cfg(feature = "aws-lambda-events")]
#[test]
fn from_aws_lambda_events() {
    use aws_lambda_events::event::kafka::KafkaEvent as AwsEvent;
    let json = r#"{"eventSource":"aws:kafka","eventSourceArn":"arn","bootstrapServers":"b:9092",
      "records":{"t-1":[{"topic":"t","partition":1,"offset":4,"timestamp":1545084650987,
        "timestampType":"CREATE_TIME","key":"aw==","value":"dg==","headers":[{"h":[-56,65]}]}],
        "t-0":[{"topic":"t","partition":0,"offset":2,"timestamp":1,"timestampType":"CREATE_TIME",
        "key":null,"value":"dg==","headers":[]}]}}"#;
    let aws: AwsEvent = serde_json::from_str(json).unwrap();
    let event = KafkaEvent::try_from(aws).unwrap();
    assert_eq!(event.source(), Some(EventSource::Msk));
    assert_eq!(event.source_arn(), Some("arn"));
    // Groups are sorted: the HashMap of aws_lambda_events has no order to keep.
    let names: Vec<_> = event.partitions().map(|(n, _)| n).collect();
    assert_eq!(names, ["t-0", "t-1"]);
    let records = KafkaConsumer::new().decode_all(&event).unwrap();
    assert_eq!(records[0].key, None);
    assert_eq!(records[1].key.as_deref(), Some("k"));
    assert_eq!(records[1].headers().get("h"), Some(&[200, 65][..]));
    assert_eq!(
        records[1].timestamp_type(),
        Some(&TimestampType::CreateTime)
    );
}
