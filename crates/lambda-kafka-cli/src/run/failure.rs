//! Discarded records kept as Lambda's on-failure destinations keep them: in a folder, one
//! JSON document per batch in the shape of an S3 destination (the whole event in
//! `payload`) or of an SQS or SNS one (no payload); or on a Kafka topic, one record per
//! discarded record, with its event as an object in `payload`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use kafka_core::{
    KafkaBatchInfo, OnFailureRecord, RecordInfo, RecordsInfo, RequestContext, ResponseContext,
};
use rdkafka::config::ClientConfig;
use rdkafka::producer::{BaseProducer, BaseRecord, Producer as _};

use super::envelope::Source;
use super::mapping::{Condition, Discarded, Stored, name};
use crate::args::{OnFailureShape, RunArgs};

/// How long a write to the on-failure topic may take.
const SEND: Duration = Duration::from_secs(30);

/// The function's last answer to a discarded batch.
#[derive(Debug, Clone, Default)]
pub(crate) struct LastAnswer {
    pub(crate) request_id: String,
    pub(crate) status: u16,
    pub(crate) function_error: Option<String>,
}

/// Where discarded records go.
pub(crate) enum Destination {
    /// Reported only.
    None,
    /// Files in a folder, in the shape of an S3 (with the event) or SQS/SNS destination.
    Folder { dir: PathBuf, with_payload: bool },
    /// A Kafka topic of the same cluster.
    Topic(TopicDestination),
}

impl Destination {
    /// The destination the options name; a Kafka topic must exist and must not be a
    /// source topic.
    pub(crate) fn new(args: &RunArgs) -> Result<Self, String> {
        match (&args.on_failure_dir, &args.on_failure_topic) {
            (Some(_), Some(_)) => Err(
                "--on-failure-dir and --on-failure-topic: a mapping has one on-failure destination; choose one".to_owned(),
            ),
            (Some(dir), None) => Ok(Self::Folder {
                dir: dir.clone(),
                with_payload: args.on_failure_destination == OnFailureShape::S3,
            }),
            (None, Some(topic)) => {
                if args.on_failure_destination != OnFailureShape::S3 {
                    return Err("--on-failure-destination describes the files of --on-failure-dir; a topic's records have their own shape".to_owned());
                }
                TopicDestination::new(args, topic).map(Self::Topic)
            }
            (None, None) => Ok(Self::None),
        }
    }

    /// Whether there is one (Lambda caps infinite retries at 10 when there is).
    pub(crate) fn exists(&self) -> bool {
        !matches!(self, Self::None)
    }
}

/// The on-failure topic, and the producer writing to it.
pub(crate) struct TopicDestination {
    topic: String,
    producer: BaseProducer,
    partitions: i32,
    /// The partition the next record without a key goes to (round-robin).
    next: i32,
}

impl TopicDestination {
    fn new(args: &RunArgs, topic: &str) -> Result<Self, String> {
        if args.topic.iter().any(|source| source == topic) {
            return Err(format!(
                "--on-failure-topic {topic}: the on-failure topic cannot be a source topic"
            ));
        }
        let mut config = ClientConfig::new();
        config.set("bootstrap.servers", &args.bootstrap_servers);
        for setting in &args.kafka_config {
            if let Some((key, value)) = setting.split_once('=') {
                config.set(key.trim(), value.trim());
            }
        }
        let producer: BaseProducer = config
            .create()
            .map_err(|e| format!("cannot create the Kafka producer of --on-failure-topic: {e}"))?;
        let metadata = producer
            .client()
            .fetch_metadata(Some(topic), SEND)
            .map_err(|e| format!("--on-failure-topic {topic}: {e}"))?;
        let partitions = metadata
            .topics()
            .iter()
            .find(|t| t.name() == topic && t.error().is_none())
            .map_or(0, |t| {
                i32::try_from(t.partitions().len()).unwrap_or(i32::MAX)
            });
        if partitions == 0 {
            return Err(format!(
                "--on-failure-topic {topic}: the topic does not exist on the cluster"
            ));
        }
        Ok(Self {
            topic: topic.to_owned(),
            producer,
            partitions,
            next: 0,
        })
    }

    /// Writes one record per discarded record, keyed by the original record's key (the
    /// partitioner places it), round-robin over the partitions when it had none.
    pub(crate) fn write(
        &mut self,
        discarded: &Discarded,
        source: &Source,
        function_arn: &str,
        answer: &LastAnswer,
        now_millis: i64,
    ) -> Result<(), String> {
        for stored in &discarded.records {
            let (key, document) = topic_record(
                stored,
                discarded.condition,
                source,
                function_arn,
                answer,
                now_millis,
            )?;
            let mut record = BaseRecord::<[u8], [u8]>::to(&self.topic).payload(document.as_bytes());
            if let Some(key) = &key {
                record = record.key(key.as_slice());
            } else {
                record = record.partition(self.next);
                self.next = (self.next + 1) % self.partitions;
            }
            self.producer.send(record).map_err(|(e, _)| {
                format!("cannot write to --on-failure-topic {}: {e}", self.topic)
            })?;
        }
        self.producer
            .flush(SEND)
            .map_err(|e| format!("cannot write to --on-failure-topic {}: {e}", self.topic))
    }
}

/// The condition as a Kafka-topic destination writes it: the documentation's example
/// reads `RetriesExhausted` where the other destinations write `RetryAttemptsExhausted`.
fn topic_condition(condition: Condition) -> &'static str {
    match condition {
        Condition::RetryAttemptsExhausted => "RetriesExhausted",
        other => other.as_str(),
    }
}

/// One discarded record as a Kafka-topic destination writes it: its key, and the JSON
/// document (`KafkaBatchInfo.recordInfo`, the record's event as an object in `payload`).
fn topic_record(
    stored: &Stored,
    condition: Condition,
    source: &Source,
    function_arn: &str,
    answer: &LastAnswer,
    now_millis: i64,
) -> Result<(Option<Vec<u8>>, String), String> {
    let one = Discarded {
        condition,
        records: vec![stored.clone()],
    };
    let mut record = self::record(&one, source, function_arn, answer, now_millis, true);
    record.request_context.condition = topic_condition(condition).to_owned();
    record.kafka_batch_info.records_info.clear();
    record.kafka_batch_info.record_info = Some(RecordInfo {
        offset: stored.offset.to_string(),
        timestamp: iso8601_millis(stored.timestamp.unwrap_or(0)),
    });
    let event = record.payload.take().unwrap_or_default();
    let mut document = serde_json::to_value(&record).map_err(|e| e.to_string())?;
    let event: serde_json::Value = serde_json::from_str(&event).map_err(|e| e.to_string())?;
    if let Some(fields) = document.as_object_mut() {
        fields.insert("payload".to_owned(), event);
    }
    let fields: serde_json::Value =
        serde_json::from_str(&stored.json).map_err(|e| e.to_string())?;
    let key = fields
        .get("key")
        .and_then(serde_json::Value::as_str)
        .and_then(|text| base64::engine::general_purpose::STANDARD.decode(text).ok());
    Ok((key, document.to_string()))
}

/// The on-failure record of a discarded batch, with the event in `payload` when the
/// destination keeps it (S3), without when it does not (SQS, SNS). A record that was
/// never sent (`MaximumPayloadSizeExceeded`) has no answer: `responseContext` is null.
pub(crate) fn record(
    discarded: &Discarded,
    source: &Source,
    function_arn: &str,
    answer: &LastAnswer,
    now_millis: i64,
    with_payload: bool,
) -> OnFailureRecord {
    let payload = source.event(&discarded.records);
    let mut records_info: BTreeMap<String, RecordsInfo> = BTreeMap::new();
    for r in &discarded.records {
        let time = iso8601_millis(r.timestamp.unwrap_or(0));
        records_info
            .entry(name(&r.topic, r.partition))
            .and_modify(|info| {
                info.last_record_offset = r.offset.to_string();
                info.last_record_timestamp.clone_from(&time);
            })
            .or_insert_with(|| RecordsInfo {
                first_record_offset: r.offset.to_string(),
                last_record_offset: r.offset.to_string(),
                first_record_timestamp: time.clone(),
                last_record_timestamp: time,
            });
    }
    OnFailureRecord {
        request_context: RequestContext {
            request_id: answer.request_id.clone(),
            function_arn: function_arn.to_owned(),
            condition: discarded.condition.as_str().to_owned(),
            approximate_invoke_count: discarded
                .records
                .iter()
                .map(|r: &Stored| r.attempts)
                .max()
                .unwrap_or(0),
        },
        response_context: (discarded.condition != Condition::MaximumPayloadSizeExceeded).then(
            || ResponseContext {
                status_code: answer.status,
                executed_version: "$LATEST".to_owned(),
                function_error: answer.function_error.clone(),
            },
        ),
        version: "1.0".to_owned(),
        timestamp: iso8601_millis(now_millis),
        kafka_batch_info: KafkaBatchInfo {
            batch_size: discarded.records.len(),
            event_source_arn: source.arn.clone(),
            bootstrap_servers: Some(source.bootstrap_servers.clone()),
            payload_size: payload.len(),
            records_info,
            record_info: None,
        },
        payload: with_payload.then_some(payload),
    }
}

/// Writes the record into `dir` as `<time>-<first topic-partition>-<first offset>.json`;
/// returns its path.
pub(crate) fn write(dir: &Path, record: &OnFailureRecord) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let first = record
        .kafka_batch_info
        .records_info
        .iter()
        .next()
        .map_or_else(String::new, |(partition, info)| {
            format!("-{partition}-{}", info.first_record_offset)
        });
    let stem = format!("{}{first}", record.timestamp.replace(':', "."));
    let mut path = dir.join(format!("{stem}.json"));
    let mut n = 1;
    while path.exists() {
        n += 1;
        path = dir.join(format!("{stem}-{n}.json"));
    }
    let text = serde_json::to_string_pretty(record)
        .map_err(|e| format!("cannot write an on-failure record: {e}"))?;
    std::fs::write(&path, text + "\n")
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// Epoch milliseconds as ISO 8601 text in UTC with milliseconds
/// (`2026-12-01T10:00:00.000Z`), as Lambda's on-failure records write times.
pub(crate) fn iso8601_millis(epoch_millis: i64) -> String {
    let days = epoch_millis.div_euclid(86_400_000);
    let in_day = epoch_millis.rem_euclid(86_400_000);
    // Days since 1970-01-01 to a civil date (proleptic Gregorian).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn times_are_written_in_utc_with_milliseconds() {
        assert_eq!(iso8601_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            iso8601_millis(1_545_084_650_987),
            "2018-12-17T22:10:50.987Z"
        );
        assert_eq!(iso8601_millis(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(iso8601_millis(-1), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn a_discarded_batch_keeps_its_event_and_offset_ranges() {
        let topic: Arc<str> = "orders".into();
        let records = [(0, 5, 1000), (0, 6, 2000), (1, 9, 1500)]
            .into_iter()
            .map(|(partition, offset, timestamp)| Stored {
                topic: Arc::clone(&topic),
                partition,
                offset,
                timestamp: Some(timestamp),
                json: format!(
                    r#"{{"topic":"orders","partition":{partition},"offset":{offset},"timestamp":{timestamp},"timestampType":"CREATE_TIME","value":"e30=","headers":[]}}"#
                ),
                attempts: 3,
            })
            .collect();
        let discarded = Discarded {
            condition: Condition::RetryAttemptsExhausted,
            records,
        };
        let source = Source {
            event_source: "SelfManagedKafka",
            arn: None,
            bootstrap_servers: "127.0.0.1:9092".into(),
        };
        let answer = LastAnswer {
            request_id: "r-1".into(),
            status: 200,
            function_error: Some("Unhandled".into()),
        };
        let record = record(
            &discarded,
            &source,
            "arn:aws:lambda:us-east-1:000000000000:function:f",
            &answer,
            0,
            true,
        );
        assert_eq!(record.request_context.approximate_invoke_count, 3);
        let info = &record.kafka_batch_info;
        assert_eq!(info.batch_size, 3);
        assert_eq!(
            Some(info.payload_size),
            record.payload.as_deref().map(str::len)
        );
        let ranges: Vec<_> = info
            .records_info
            .iter()
            .map(|(p, i)| {
                (
                    p.as_str(),
                    i.first_record_offset.as_str(),
                    i.last_record_offset.as_str(),
                    i.last_record_timestamp.as_str(),
                )
            })
            .collect();
        assert_eq!(
            ranges,
            [
                ("orders-0", "5", "6", "1970-01-01T00:00:02.000Z"),
                ("orders-1", "9", "9", "1970-01-01T00:00:01.500Z")
            ]
        );
        let dir = std::env::temp_dir().join(format!("on-failure-{}", std::process::id()));
        let path = write(&dir, &record).expect("written");
        assert!(
            path.ends_with("1970-01-01T00.00.00.000Z-orders-0-5.json"),
            "{}",
            path.display()
        );
        let again = write(&dir, &record).expect("written");
        assert!(again.ends_with("1970-01-01T00.00.00.000Z-orders-0-5-2.json"));
        let read =
            OnFailureRecord::from_slice(&std::fs::read(&path).expect("read")).expect("a record");
        let event = read.event().expect("its event");
        assert_eq!(event.record_count(), 3);
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn stored(offset: i64, key: Option<&str>) -> Stored {
        let key = key.map_or(String::new(), |k| format!(r#""key":"{k}","#));
        Stored {
            topic: "orders".into(),
            partition: 0,
            offset,
            timestamp: Some(1000),
            json: format!(
                r#"{{"topic":"orders","partition":0,"offset":{offset},"timestamp":1000,"timestampType":"CREATE_TIME",{key}"value":"e30=","headers":[]}}"#
            ),
            attempts: 1,
        }
    }

    fn source() -> Source {
        Source {
            event_source: "SelfManagedKafka",
            arn: None,
            bootstrap_servers: "127.0.0.1:9092".into(),
        }
    }

    #[test]
    fn sqs_and_sns_records_hold_no_payload_and_an_unsent_record_no_answer() {
        let discarded = Discarded {
            condition: Condition::MaximumPayloadSizeExceeded,
            records: vec![stored(4, None)],
        };
        let record = record(
            &discarded,
            &source(),
            "arn",
            &LastAnswer::default(),
            0,
            false,
        );
        let json = serde_json::to_value(&record).expect("JSON");
        assert!(json.get("payload").is_none(), "{json}");
        assert_eq!(json["responseContext"], serde_json::Value::Null);
        assert_eq!(
            json["requestContext"]["condition"],
            "MaximumPayloadSizeExceeded"
        );
        assert_eq!(
            json["KafkaBatchInfo"]["recordsInfo"]["orders-0"]["firstRecordOffset"],
            "4"
        );
        let read = OnFailureRecord::from_slice(json.to_string().as_bytes()).expect("read back");
        assert_eq!(
            read.event().expect_err("no event").to_string(),
            "not a Lambda Kafka event: the on-failure record holds no payload (an SQS or SNS destination keeps none): fetch orders-0 offset 4 again"
        );
    }

    #[test]
    fn a_topic_record_holds_one_record_its_key_and_its_event_as_an_object() {
        let answer = LastAnswer {
            request_id: "r-2".into(),
            status: 200,
            function_error: Some("Unhandled".into()),
        };
        // "k1" in base64.
        let (key, text) = topic_record(
            &stored(9, Some("azE=")),
            Condition::RetryAttemptsExhausted,
            &source(),
            "arn",
            &answer,
            0,
        )
        .expect("a record");
        assert_eq!(key.as_deref(), Some(&b"k1"[..]));
        let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(json["requestContext"]["condition"], "RetriesExhausted");
        let info = &json["KafkaBatchInfo"];
        assert_eq!(info["batchSize"], 1);
        assert_eq!(info["recordInfo"]["offset"], "9");
        assert_eq!(info["recordInfo"]["timestamp"], "1970-01-01T00:00:01.000Z");
        assert!(info.get("recordsInfo").is_none(), "{json}");
        assert!(json["payload"].is_object(), "{json}");
        assert_eq!(json["payload"]["records"]["orders-0"][0]["offset"], 9);
        // Read back, the payload is the event.
        let read = OnFailureRecord::from_slice(text.as_bytes()).expect("read back");
        assert_eq!(
            read.event()
                .expect("its event")
                .records()
                .next()
                .map(|r| r.offset()),
            Some(9)
        );
        let (none, _) = topic_record(
            &stored(10, None),
            Condition::RecordAgeExceeded,
            &source(),
            "arn",
            &answer,
            0,
        )
        .expect("a record");
        assert_eq!(none, None);
    }
}
