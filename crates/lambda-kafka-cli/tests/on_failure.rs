//! `decode`, `inspect` and `filter` reading what an event source mapping's on-failure
//! destinations keep: an S3 or Kafka-topic record as the event it holds, an SQS or SNS
//! record (which holds none) as the offsets to fetch again.

mod common;

use common::{lines, run, stderr};
use serde_json::json;

const CONTEXT: &str = r#""requestContext":{"requestId":"r-1","functionArn":"arn:aws:lambda:us-east-1:123456789012:function:f","condition":"RetryAttemptsExhausted","approximateInvokeCount":3},"version":"1.0","timestamp":"2026-12-01T10:00:00.000Z""#;

const EVENT: &str = r#"{"eventSource":"SelfManagedKafka","records":{"orders-0":[{"topic":"orders","partition":0,"offset":7,"timestamp":1,"timestampType":"CREATE_TIME","key":"azE=","value":"eyJuIjoxfQ==","headers":[]}]}}"#;

fn sqs_record() -> String {
    format!(
        r#"{{{CONTEXT},"responseContext":{{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"}},"KafkaBatchInfo":{{"batchSize":2,"bootstrapServers":"b:9092","payloadSize":300,"recordsInfo":{{"orders-0":{{"firstRecordOffset":"5","lastRecordOffset":"6","firstRecordTimestamp":"2026-12-01T09:00:00.000Z","lastRecordTimestamp":"2026-12-01T09:00:01.000Z"}}}}}}}}"#
    )
}

fn topic_record() -> String {
    format!(
        r#"{{{CONTEXT},"responseContext":{{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"}},"KafkaBatchInfo":{{"batchSize":1,"bootstrapServers":"b:9092","payloadSize":190,"recordInfo":{{"offset":"7","timestamp":"1970-01-01T00:00:00.001Z"}}}},"payload":{EVENT}}}"#
    )
}

#[test]
fn an_sqs_or_sns_record_gives_the_offsets_to_fetch_again() {
    for command in ["decode", "inspect"] {
        let output = run(&[command], Some(&sqs_record()));
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert_eq!(
            lines(&output),
            [
                json!({"topic": "orders", "partition": 0, "firstOffset": 5, "lastOffset": 6,
                    "firstTimestamp": "2026-12-01T09:00:00.000Z",
                    "lastTimestamp": "2026-12-01T09:00:01.000Z",
                    "condition": "RetryAttemptsExhausted"})
            ]
        );
        assert_eq!(
            stderr(&output),
            "lambda-kafka: standard input is an on-failure record without a payload (an SQS or SNS destination keeps none): fetch orders-0 offsets 5 to 6 again from the cluster\n"
        );
    }
}

#[test]
fn a_kafka_topic_record_is_read_as_the_event_it_holds() {
    let output = run(&["decode", "--value-format", "json"], Some(&topic_record()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let decoded = lines(&output);
    assert_eq!(decoded.len(), 1);
    assert_eq!(decoded[0]["offset"], 7);
    assert_eq!(decoded[0]["key"], "k1");
    assert_eq!(decoded[0]["value"], json!({"n": 1}));
    let inspected = run(&["inspect"], Some(&topic_record()));
    assert_eq!(lines(&inspected)[0]["offset"], 7);
    let filtered = run(
        &["filter", "--filter", r#"{"value": {"n": [1]}}"#],
        Some(&topic_record()),
    );
    assert_eq!(lines(&filtered)[0]["delivered"], true);
}
