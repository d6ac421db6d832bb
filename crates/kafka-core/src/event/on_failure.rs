//! The record an event source mapping writes to an on-failure destination when it
//! discards Kafka records: what failed, where, and (for S3 and Kafka-topic destinations)
//! the event itself.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::KafkaEvent;
use crate::error::Error;

/// What Lambda's Kafka event source mapping writes to an on-failure destination for
/// records it gave up on (after their retries, when they grew too old, or when one was
/// too large to send): the invocation's context, where the records were, and the event.
/// Each destination writes its own shape, and this type reads all three:
///
/// - Amazon S3: one per batch, `KafkaBatchInfo.recordsInfo` with each topic-partition's
///   offset range, and `payload`, the whole event as a JSON string;
/// - a Kafka topic: one per record, `KafkaBatchInfo.recordInfo` with its offset and
///   timestamp, and `payload`, the event of that record as a JSON object (kept here as
///   its text);
/// - Amazon SQS and SNS: one per batch, the offset ranges, no payload (fetch the records
///   again from the cluster); `responseContext` is null when the function was never
///   invoked (`MaximumPayloadSizeExceeded`).
///
/// Read one with [`OnFailureRecord::from_slice`]; [`OnFailureRecord::event`] gives back
/// the event to decode or replay, when the record holds one.
///
/// ```
/// use kafka_core::OnFailureRecord;
///
/// let json = br#"{"requestContext":{"requestId":"r-1","functionArn":"arn:aws:lambda:us-east-1:123456789012:function:orders",
///   "condition":"RetryAttemptsExhausted","approximateInvokeCount":3},
///   "responseContext":{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"},
///   "version":"1.0","timestamp":"2026-12-01T10:00:00.000Z",
///   "KafkaBatchInfo":{"batchSize":1,"bootstrapServers":"b-1:9092","payloadSize":120,
///     "recordsInfo":{"orders-0":{"firstRecordOffset":"7","lastRecordOffset":"7",
///       "firstRecordTimestamp":"2026-12-01T09:59:59.000Z","lastRecordTimestamp":"2026-12-01T09:59:59.000Z"}}},
///   "payload":"{\"eventSource\":\"SelfManagedKafka\",\"records\":{\"orders-0\":[{\"topic\":\"orders\",\"partition\":0,\"offset\":7,\"timestamp\":1,\"timestampType\":\"CREATE_TIME\",\"value\":\"e30=\",\"headers\":[]}]}}"}"#;
/// let record = OnFailureRecord::from_slice(json)?;
/// assert_eq!(record.request_context.condition, "RetryAttemptsExhausted");
/// let event = record.event()?;
/// assert_eq!(event.records().next().map(|r| r.offset()), Some(7));
/// # Ok::<(), kafka_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OnFailureRecord {
    /// The failed invocation: its id, function, why the batch was discarded, how often it
    /// was tried.
    pub request_context: RequestContext,
    /// The function's last answer; `None` (null) when it was never invoked.
    pub response_context: Option<ResponseContext>,
    /// The document's version (`"1.0"`).
    pub version: String,
    /// When the batch was discarded (ISO 8601, UTC, milliseconds).
    pub timestamp: String,
    /// The batch: its size, cluster and offset ranges.
    #[serde(rename = "KafkaBatchInfo")]
    pub kafka_batch_info: KafkaBatchInfo,
    /// The event the function was invoked with, as JSON text (S3: the text of the
    /// string; a Kafka topic: the object's text); `None` for SQS and SNS, which keep
    /// none.
    #[serde(
        default,
        deserialize_with = "payload_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub payload: Option<String>,
}

/// `payload` as S3 writes it (a JSON string) or as a Kafka topic does (an object).
fn payload_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let raw: Option<Box<serde_json::value::RawValue>> = Option::deserialize(d)?;
    match raw {
        None => Ok(None),
        Some(raw) if raw.get().trim_start().starts_with('"') => {
            serde_json::from_str(raw.get()).map_err(serde::de::Error::custom)
        }
        Some(raw) if raw.get() == "null" => Ok(None),
        Some(raw) => Ok(Some(raw.get().to_owned())),
    }
}

/// The invocation a discarded batch belonged to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestContext {
    /// The last invocation's request id.
    pub request_id: String,
    /// The function's ARN.
    pub function_arn: String,
    /// Why the batch was discarded: `RetryAttemptsExhausted`, `RecordAgeExceeded`, ...
    pub condition: String,
    /// How many times the batch was sent to the function.
    pub approximate_invoke_count: u32,
}

/// The function's last answer to a discarded batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseContext {
    /// The invocation's HTTP status (200 when the function ran, even if it failed).
    pub status_code: u16,
    /// The function version that ran.
    pub executed_version: String,
    /// The kind of failure (`Unhandled`, ...), absent when the function answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function_error: Option<String>,
}

/// The discarded batch: its size, cluster and per topic-partition offset ranges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KafkaBatchInfo {
    /// The number of records in the batch.
    pub batch_size: usize,
    /// The MSK cluster's ARN; absent for self-managed Kafka.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_source_arn: Option<String>,
    /// The cluster's bootstrap servers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bootstrap_servers: Option<String>,
    /// The size of `payload` in bytes.
    pub payload_size: usize,
    /// Per `topic-partition`: the first and last offsets and timestamps of its records
    /// (S3, SQS and SNS destinations).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub records_info: BTreeMap<String, RecordsInfo>,
    /// The one record's offset and timestamp (a Kafka-topic destination).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_info: Option<RecordInfo>,
}

/// The record a Kafka-topic destination's record is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordInfo {
    /// Its offset, as decimal text.
    pub offset: String,
    /// Its timestamp (ISO 8601, UTC).
    pub timestamp: String,
}

/// The records of one topic-partition in a discarded batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordsInfo {
    /// The first record's offset, as decimal text.
    pub first_record_offset: String,
    /// The last record's offset, as decimal text.
    pub last_record_offset: String,
    /// The first record's timestamp (ISO 8601, UTC).
    pub first_record_timestamp: String,
    /// The last record's timestamp (ISO 8601, UTC).
    pub last_record_timestamp: String,
}

impl OnFailureRecord {
    /// The records it is about, as text: `orders-0 offsets 5 to 6, orders-1 offset 9`.
    #[must_use]
    pub fn offsets(&self) -> String {
        let info = &self.kafka_batch_info;
        let ranges = info.records_info.iter().map(|(partition, r)| {
            if r.first_record_offset == r.last_record_offset {
                format!("{partition} offset {}", r.first_record_offset)
            } else {
                format!(
                    "{partition} offsets {} to {}",
                    r.first_record_offset, r.last_record_offset
                )
            }
        });
        let one = info
            .record_info
            .iter()
            .map(|r| format!("offset {}", r.offset));
        ranges.chain(one).collect::<Vec<_>>().join(", ")
    }

    /// Reads an on-failure record.
    ///
    /// # Errors
    /// [`Error::InvalidEvent`] when the JSON is not such a record.
    pub fn from_slice(json: &[u8]) -> Result<Self, Error> {
        serde_json::from_slice(json).map_err(|e| Error::InvalidEvent {
            reason: format!(
                "on-failure record: {}",
                crate::redact::redact(&e.to_string())
            ),
        })
    }

    /// The event the record holds (its `payload`).
    ///
    /// # Errors
    /// [`Error::InvalidEvent`] when there is no `payload` (an SQS or SNS destination's
    /// record: the message says which offsets to fetch again), or when it is not a Lambda
    /// Kafka event.
    pub fn event(&self) -> Result<KafkaEvent<'_>, Error> {
        let Some(payload) = &self.payload else {
            return Err(Error::InvalidEvent {
                reason: format!(
                    "the on-failure record holds no payload (an SQS or SNS destination keeps none): fetch {} again",
                    self.offsets()
                ),
            });
        };
        KafkaEvent::from_str(payload).map_err(|e| match e {
            Error::InvalidEvent { reason } => Error::InvalidEvent {
                reason: format!("the on-failure record's payload: {reason}"),
            },
            other => other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_that_is_no_event_says_so() {
        let record = OnFailureRecord {
            request_context: RequestContext {
                request_id: "r".into(),
                function_arn: "f".into(),
                condition: "RetryAttemptsExhausted".into(),
                approximate_invoke_count: 1,
            },
            response_context: Some(ResponseContext {
                status_code: 200,
                executed_version: "$LATEST".into(),
                function_error: None,
            }),
            version: "1.0".into(),
            timestamp: "1970-01-01T00:00:00.000Z".into(),
            kafka_batch_info: KafkaBatchInfo {
                batch_size: 0,
                event_source_arn: None,
                bootstrap_servers: None,
                payload_size: 2,
                records_info: BTreeMap::new(),
                record_info: None,
            },
            payload: Some("{}".into()),
        };
        let error = record.event().expect_err("no records");
        assert_eq!(
            error.to_string(),
            "not a Lambda Kafka event: the on-failure record's payload: missing field `records` at line 1 column 2"
        );
        let text = serde_json::to_string(&record).expect("written");
        assert!(
            text.contains(r#""KafkaBatchInfo":{"batchSize":0,"payloadSize":2}"#),
            "{text}"
        );
        assert_eq!(
            OnFailureRecord::from_slice(text.as_bytes()).expect("read"),
            record
        );
        let error = OnFailureRecord::from_slice(b"{\"records\":{}}").expect_err("an event");
        assert!(
            error.to_string().starts_with(
                "not a Lambda Kafka event: on-failure record: missing field `requestContext`"
            ),
            "{error}"
        );
    }
}
