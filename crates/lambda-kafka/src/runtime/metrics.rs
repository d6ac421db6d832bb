//! The invocation's metrics in CloudWatch's Embedded Metric Format (feature `metrics`),
//! formatted by `metrique`'s EMF writer and printed on stdout, where Lambda's log stream
//! takes them to CloudWatch Metrics.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use kafka_core::{KafkaEvent, RawPayload};
use metrique_writer_core::format::Format as _;
use metrique_writer_core::unit::{Byte, Count, Millisecond, WithUnit};
use metrique_writer_core::{Entry, EntryWriter};
use metrique_writer_format_emf::Emf;

use super::records::ConsumerRecords;

/// The dimension every document has, as the Powertools editions name it.
const SERVICE: &str = "service";
/// The dimension of the failures' documents: the record error's kind.
const ERROR_KIND: &str = "error_kind";
/// The dimension of the age documents: the topic.
const TOPIC: &str = "topic";

/// Where the metrics go: the CloudWatch namespace and the `service` dimension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MetricsSettings {
    pub(crate) namespace: String,
    pub(crate) service: String,
}

impl Default for MetricsSettings {
    fn default() -> Self {
        Self::from_env()
    }
}

impl MetricsSettings {
    /// `POWERTOOLS_METRICS_NAMESPACE` (or `lambda-kafka`) and `POWERTOOLS_SERVICE_NAME`
    /// (or the function's name, or `service_undefined`).
    pub(crate) fn from_env() -> Self {
        Self::from_vars(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            namespace: var("POWERTOOLS_METRICS_NAMESPACE")
                .unwrap_or_else(|| "lambda-kafka".to_owned()),
            service: var("POWERTOOLS_SERVICE_NAME")
                .or_else(|| var("AWS_LAMBDA_FUNCTION_NAME"))
                .unwrap_or_else(|| "service_undefined".to_owned()),
        }
    }
}

/// One invocation's metrics, gathered as it runs.
#[derive(Debug)]
pub(crate) struct Metrics {
    settings: MetricsSettings,
    received: u64,
    tombstones: u64,
    bytes: u64,
    /// The earliest record timestamp of each topic, in milliseconds since the epoch.
    oldest: BTreeMap<String, i64>,
    decoded: u64,
    failed: BTreeMap<&'static str, u64>,
    decode_time: Duration,
    handler_failures: AtomicU64,
}

/// How many bytes a base64 text of `len` characters ending in `padding` `=` holds.
fn decoded_len(text: &str) -> u64 {
    let padding = text.bytes().rev().take(2).filter(|b| *b == b'=').count();
    ((text.len() / 4 * 3).saturating_sub(padding)) as u64
}

fn payload_len(payload: &RawPayload<'_>) -> u64 {
    payload.as_base64().map_or(0, decoded_len)
}

impl Metrics {
    /// The counts the raw event gives: records, tombstones, bytes, timestamps.
    pub(crate) fn start(settings: &MetricsSettings, event: &KafkaEvent<'_>) -> Self {
        let mut metrics = Self {
            settings: settings.clone(),
            received: 0,
            tombstones: 0,
            bytes: 0,
            oldest: BTreeMap::new(),
            decoded: 0,
            failed: BTreeMap::new(),
            decode_time: Duration::ZERO,
            handler_failures: AtomicU64::new(0),
        };
        for record in event.records() {
            metrics.received += 1;
            if !record.value().is_present() {
                metrics.tombstones += 1;
            }
            metrics.bytes += payload_len(record.key()) + payload_len(record.value());
            if let Some(timestamp) = record.timestamp() {
                match metrics.oldest.get_mut(record.topic()) {
                    Some(oldest) => *oldest = (*oldest).min(timestamp),
                    None => {
                        metrics.oldest.insert(record.topic().to_owned(), timestamp);
                    }
                }
            }
        }
        metrics
    }

    /// The decoded batch's counts: records decoded, failed by kind, and the time it took.
    pub(crate) fn decoded<K, V>(&mut self, records: &ConsumerRecords<K, V>, took: Duration) {
        self.decode_time = took;
        for result in records.iter() {
            match result {
                Ok(_) => self.decoded += 1,
                Err(error) => *self.failed.entry(error.kind().as_str()).or_insert(0) += 1,
            }
        }
    }

    /// One record's handler failed.
    pub(crate) fn handler_failed(&self) {
        self.handler_failures.fetch_add(1, Ordering::Relaxed);
    }

    /// Prints the invocation's documents on stdout, one a line.
    pub(crate) fn emit(&self) {
        let mut out = Vec::new();
        self.write(SystemTime::now(), &mut out);
        // `print!`, not a write to the handle: a test's harness captures it.
        print!("{}", String::from_utf8_lossy(&out));
    }

    /// Writes the documents, one JSON object a line: the batch's counts by `service`,
    /// the failures by `service` and `error_kind`, the oldest record's age by `service`
    /// and `topic`. Each document holds at most 7 metrics and 2 dimensions, well within
    /// EMF's 100 and 30: a dimension value is a document of its own.
    pub(crate) fn write(&self, now: SystemTime, out: &mut Vec<u8>) {
        let now_ms = now
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        let failed: u64 = self.failed.values().sum();
        let batch = Document {
            timestamp: now,
            service: &self.settings.service,
            dimension: None,
            counts: vec![
                ("RecordsReceived", self.received),
                ("RecordsDecoded", self.decoded),
                ("RecordsFailed", failed),
                (
                    "HandlerFailures",
                    self.handler_failures.load(Ordering::Relaxed),
                ),
                ("Tombstones", self.tombstones),
            ],
            bytes: Some(self.bytes),
            millis: vec![("DecodeTime", self.decode_time)],
        };
        self.format(&[SERVICE], &batch, out);
        for (kind, count) in &self.failed {
            let document = Document {
                timestamp: now,
                service: &self.settings.service,
                dimension: Some((ERROR_KIND, kind)),
                counts: vec![("RecordsFailed", *count)],
                bytes: None,
                millis: Vec::new(),
            };
            self.format(&[SERVICE, ERROR_KIND], &document, out);
        }
        for (topic, oldest) in &self.oldest {
            let age = u64::try_from(now_ms.saturating_sub(*oldest)).unwrap_or(0);
            let document = Document {
                timestamp: now,
                service: &self.settings.service,
                dimension: Some((TOPIC, topic)),
                counts: Vec::new(),
                bytes: None,
                millis: vec![("OldestRecordAge", Duration::from_millis(age))],
            };
            self.format(&[SERVICE, TOPIC], &document, out);
        }
    }

    fn format(&self, dimensions: &[&str], document: &Document<'_>, out: &mut Vec<u8>) {
        let dimensions = vec![dimensions.iter().map(|d| (*d).to_owned()).collect()];
        let mut emf = Emf::builder(self.settings.namespace.clone(), dimensions).build();
        if emf.format(document, out).is_ok() && !out.ends_with(b"\n") {
            out.push(b'\n');
        }
    }
}

/// One EMF document: the `service` dimension, at most one more, and the metrics.
struct Document<'a> {
    timestamp: SystemTime,
    service: &'a str,
    dimension: Option<(&'static str, &'a str)>,
    counts: Vec<(&'static str, u64)>,
    bytes: Option<u64>,
    millis: Vec<(&'static str, Duration)>,
}

impl Entry for Document<'_> {
    fn write<'a>(&'a self, writer: &mut impl EntryWriter<'a>) {
        writer.timestamp(self.timestamp);
        writer.value(SERVICE, self.service);
        if let Some((name, value)) = self.dimension {
            writer.value(name, value);
        }
        for (name, count) in &self.counts {
            writer.value(*name, &WithUnit::<u64, Count>::from(*count));
        }
        if let Some(bytes) = self.bytes {
            writer.value("Bytes", &WithUnit::<u64, Byte>::from(bytes));
        }
        for (name, time) in &self.millis {
            writer.value(*name, &WithUnit::<Duration, Millisecond>::from(*time));
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use std::time::{Duration, UNIX_EPOCH};

    use kafka_core::{Codec, DecodeError, KafkaConsumer, KafkaEvent, Payload};
    use serde_json::{Value, json};

    use super::{Metrics, MetricsSettings};
    use crate::runtime::records::ConsumerRecords;

    /// A value codec that accepts `ok` and refuses anything else.
    struct OnlyOk;

    impl Codec for OnlyOk {
        type Output = ();
        fn decode(&self, payload: Payload<'_>) -> Result<(), DecodeError> {
            if payload.bytes == b"ok" {
                Ok(())
            } else {
                Err(DecodeError::new("not ok"))
            }
        }
    }

    // Values: "ok" (b2s=), "bad" (YmFk), a tombstone; key "k1" (azE=) on the first.
    const EVENT: &str = r#"{"eventSource":"aws:kafka","records":{
        "orders-0":[
            {"topic":"orders","partition":0,"offset":1,"timestamp":1000,"timestampType":"CREATE_TIME","key":"azE=","value":"b2s="},
            {"topic":"orders","partition":0,"offset":2,"timestamp":4000,"timestampType":"CREATE_TIME","value":"YmFk"}],
        "refunds-0":[
            {"topic":"refunds","partition":0,"offset":9,"timestamp":2500,"timestampType":"CREATE_TIME","value":null}]}}"#;

    fn documents(metrics: &Metrics, now_ms: u64) -> Vec<Value> {
        let mut out = Vec::new();
        metrics.write(UNIX_EPOCH + Duration::from_millis(now_ms), &mut out);
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    #[test]
    fn one_invocation_writes_its_counts_failures_and_ages_as_emf() {
        let settings = MetricsSettings {
            namespace: "shop".to_owned(),
            service: "orders-consumer".to_owned(),
        };
        let event = KafkaEvent::from_str(EVENT).unwrap();
        let mut metrics = Metrics::start(&settings, &event);
        let consumer = KafkaConsumer::with_codecs(kafka_core::Bytes, OnlyOk);
        let records = ConsumerRecords::of_event(&consumer, &event);
        metrics.decoded(&records, Duration::from_micros(1500));
        metrics.handler_failed();
        let docs = documents(&metrics, 10_000);
        assert_eq!(docs.len(), 4, "{docs:#?}");

        let batch = &docs[0];
        assert_eq!(batch["_aws"]["Timestamp"], 10_000);
        let directive = &batch["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(directive["Namespace"], "shop");
        assert_eq!(directive["Dimensions"], json!([["service"]]));
        let units: Vec<(String, String)> = directive["Metrics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["Name"].as_str().unwrap().to_owned(),
                    m["Unit"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let unit = |name: &str| {
            units
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, u)| u.as_str())
        };
        assert_eq!(unit("RecordsReceived"), Some("Count"));
        assert_eq!(unit("Bytes"), Some("Bytes"));
        assert_eq!(unit("DecodeTime"), Some("Milliseconds"));
        assert_eq!(batch["service"], "orders-consumer");
        assert_eq!(batch["RecordsReceived"], 3);
        // The tombstone decodes (to no value); "bad" fails.
        assert_eq!(batch["RecordsDecoded"], 2);
        assert_eq!(batch["RecordsFailed"], 1);
        assert_eq!(batch["HandlerFailures"], 1);
        assert_eq!(batch["Tombstones"], 1);
        // "k1" + "ok" + "bad" = 2 + 2 + 3 bytes.
        assert_eq!(batch["Bytes"], 7);
        assert_eq!(batch["DecodeTime"], 1.5);

        let failed = &docs[1];
        assert_eq!(
            failed["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            json!([["service", "error_kind"]])
        );
        assert_eq!(failed["error_kind"], "deserialization");
        assert_eq!(failed["RecordsFailed"], 1);

        let ages: Vec<(&str, &Value)> = docs[2..]
            .iter()
            .map(|d| (d["topic"].as_str().unwrap(), &d["OldestRecordAge"]))
            .collect();
        assert_eq!(ages, [("orders", &json!(9000)), ("refunds", &json!(7500))]);
        assert_eq!(
            docs[2]["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            json!([["service", "topic"]])
        );
    }

    #[test]
    fn a_service_takes_its_namespace_and_service_dimension_from_code() {
        let consumer = KafkaConsumer::with_codecs(kafka_core::Bytes, OnlyOk);
        let service =
            crate::runtime::KafkaService::per_record(consumer, |_| async { Ok::<(), &str>(()) })
                .metrics("shop", "orders");
        assert_eq!(
            service.observe.metrics,
            MetricsSettings {
                namespace: "shop".to_owned(),
                service: "orders".to_owned()
            }
        );
    }

    #[test]
    fn the_namespace_and_service_come_from_the_powertools_variables() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let set = MetricsSettings::from_vars(vars(&[
            ("POWERTOOLS_METRICS_NAMESPACE", "shop"),
            ("POWERTOOLS_SERVICE_NAME", "orders"),
            ("AWS_LAMBDA_FUNCTION_NAME", "fn"),
        ]));
        assert_eq!(
            (set.namespace.as_str(), set.service.as_str()),
            ("shop", "orders")
        );
        let function = MetricsSettings::from_vars(vars(&[("AWS_LAMBDA_FUNCTION_NAME", "fn")]));
        assert_eq!(
            (function.namespace.as_str(), function.service.as_str()),
            ("lambda-kafka", "fn")
        );
        let none = MetricsSettings::from_vars(vars(&[]));
        assert_eq!(none.service, "service_undefined");
    }
}
