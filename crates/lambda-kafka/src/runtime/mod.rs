//! Lambda functions that receive the decoded batch (feature `runtime`).
//!
//! The consumer (codecs, parsed schemas) is built once, at cold start, and reused by
//! every invocation. Two ways to write the function:
//!
//! - [`run`]: your handler receives the whole decoded batch, [`ConsumerRecords`], and the
//!   Lambda [`Context`], and returns any serializable response;
//! - [`run_per_record`]: your handler receives one record at a time, in order within each
//!   topic-partition, and the function returns the partial batch response listing the
//!   records that failed to decode or whose handler failed.
//!
//! ```no_run
//! use lambda_kafka::prelude::*;
//! use lambda_kafka::runtime::{self, PerRecord};
//!
//! #[derive(serde::Deserialize)]
//! struct Order { id: String, total: f64 }
//!
//! #[tokio::main(flavor = "current_thread")]
//! async fn main() -> Result<(), lambda_runtime::Error> {
//!     let consumer = KafkaConsumer::new().value(Json::<Order>::new());
//!     runtime::run_per_record(consumer, PerRecord::new(), |record| async move {
//!         let order = record.value.ok_or("tombstone")?;
//!         println!("{} {}", order.id, order.total);
//!         Ok::<(), &str>(())
//!     })
//!     .await
//! }
//! ```
//!
//! The partial batch response is honoured only when the event source mapping has
//! `ReportBatchItemFailures` in its `FunctionResponseTypes`; otherwise Lambda ignores it,
//! and only a failed invocation makes it retry (the whole batch). With
//! [`PerRecord::fail_whole_batch`], any failed record fails the invocation instead.

mod schemas;

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use self::schemas::Schemas;
#[cfg(any(feature = "confluent-registry", feature = "glue-registry"))]
pub use self::schemas::{run_per_record_with_schemas, run_with_schemas};

use kafka_core::{
    BatchItemFailures, Codec, ConsumerRecord, Error, KafkaConsumer, KafkaEvent, RecordError,
    RecordId,
};
pub use lambda_runtime::{Context, Diagnostic, LambdaEvent};
use serde::Serialize;
use serde_json::value::RawValue;

/// The diagnostic Lambda reports for an error: `errorType` is the error's kind
/// (`invalid-event`, `deserialization`, ...), `errorMessage` its message.
#[must_use]
pub fn diagnostic(error: &Error) -> Diagnostic {
    Diagnostic {
        error_type: error.kind().as_str().to_owned(),
        error_message: error.to_string(),
    }
}

/// One record's result in a decoded batch: the record, or why it could not be decoded.
pub type RecordResult<K, V> = Result<ConsumerRecord<'static, K, V>, RecordError>;

/// A decoded batch: where it came from, and every record's result, grouped by
/// `"topic-partition"` as the event groups them, in event order.
#[derive(Debug)]
pub struct ConsumerRecords<K, V> {
    source: Option<String>,
    source_arn: Option<String>,
    bootstrap_servers: Option<String>,
    groups: Vec<Group<K, V>>,
}

impl<K, V> ConsumerRecords<K, V> {
    /// Decodes a Lambda Kafka event's JSON with `consumer`.
    ///
    /// # Errors
    /// [`Error::InvalidEvent`] when the text is not a Lambda Kafka event; a record's own
    /// failure is that record's `Err`, not an error here.
    pub fn decode<KC, VC>(consumer: &KafkaConsumer<KC, VC>, json: &str) -> Result<Self, Error>
    where
        KC: Codec<Output = K>,
        VC: Codec<Output = V>,
    {
        let event = KafkaEvent::from_str(json)?;
        Ok(Self::of_event(consumer, &event))
    }

    /// Decodes a parsed event with `consumer`.
    pub fn of_event<KC, VC>(consumer: &KafkaConsumer<KC, VC>, event: &KafkaEvent<'_>) -> Self
    where
        KC: Codec<Output = K>,
        VC: Codec<Output = V>,
    {
        let groups = consumer
            .partitions(event)
            .map(|(name, records)| {
                let records = records
                    .map(|record| record.map(ConsumerRecord::into_owned))
                    .collect();
                (name.to_owned(), records)
            })
            .collect();
        Self {
            source: event.source().map(|s| s.as_str().to_owned()),
            source_arn: event.source_arn().map(str::to_owned),
            bootstrap_servers: event.bootstrap_servers().map(str::to_owned),
            groups,
        }
    }

    /// The event's `eventSource` (`aws:kafka` or `SelfManagedKafka`).
    #[must_use]
    pub fn source(&self) -> Option<&str> {
        self.source.as_deref()
    }

    /// The MSK cluster's ARN.
    #[must_use]
    pub fn source_arn(&self) -> Option<&str> {
        self.source_arn.as_deref()
    }

    /// The bootstrap servers.
    #[must_use]
    pub fn bootstrap_servers(&self) -> Option<&str> {
        self.bootstrap_servers.as_deref()
    }

    /// How many records the batch has.
    #[must_use]
    pub fn len(&self) -> usize {
        self.groups.iter().map(|(_, records)| records.len()).sum()
    }

    /// Whether the batch is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.groups.iter().all(|(_, records)| records.is_empty())
    }

    /// Every record's result, in event order.
    pub fn iter(&self) -> impl Iterator<Item = &RecordResult<K, V>> {
        self.groups.iter().flat_map(|(_, records)| records)
    }

    /// Each `"topic-partition"` group with its records' results, in event order: the
    /// same shape as [`KafkaEvent::partitions`] and [`KafkaConsumer::partitions`].
    #[must_use]
    pub fn partitions(&self) -> impl ExactSizeIterator<Item = (&str, &[RecordResult<K, V>])> {
        self.groups
            .iter()
            .map(|(name, records)| (name.as_str(), records.as_slice()))
    }

    /// The groups themselves, taken out of the batch.
    #[must_use]
    pub fn into_partitions(self) -> Vec<(String, Vec<RecordResult<K, V>>)> {
        self.groups
    }
}

/// One `"topic-partition"` group of a decoded batch.
type Group<K, V> = (String, Vec<RecordResult<K, V>>);

/// Every record's result, in event order.
impl<K, V> IntoIterator for ConsumerRecords<K, V> {
    type Item = RecordResult<K, V>;
    type IntoIter = std::iter::FlatMap<
        std::vec::IntoIter<Group<K, V>>,
        Vec<RecordResult<K, V>>,
        fn(Group<K, V>) -> Vec<RecordResult<K, V>>,
    >;

    fn into_iter(self) -> Self::IntoIter {
        fn records<R>((_, records): (String, Vec<R>)) -> Vec<R> {
            records
        }
        self.groups
            .into_iter()
            .flat_map(records::<RecordResult<K, V>>)
    }
}

/// How [`run_per_record`] and [`process`] handle a batch.
#[derive(Debug, Clone, Copy, Default)]
pub struct PerRecord {
    concurrent_partitions: bool,
    fail_whole_batch: bool,
}

impl PerRecord {
    /// One record after another, in event order; failures reported per record.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Process topic-partitions concurrently (records of one partition stay in order,
    /// one at a time).
    #[must_use]
    pub fn concurrent_partitions(mut self, yes: bool) -> Self {
        self.concurrent_partitions = yes;
        self
    }

    /// Fail the whole invocation when any record fails, instead of returning a partial
    /// batch response (for mappings without `ReportBatchItemFailures`).
    #[must_use]
    pub fn fail_whole_batch(mut self, yes: bool) -> Self {
        self.fail_whole_batch = yes;
        self
    }
}

/// Why one record of a batch failed under [`process`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// Its key or value could not be decoded (or was rejected by validation).
    Decode(RecordError),
    /// The handler returned `Err`; its message.
    Handler(String),
}

/// A record of the batch that failed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedRecord {
    /// The record.
    pub record: RecordId,
    /// Why it failed.
    pub failure: Failure,
}

/// What [`process`] made of a batch: every record that failed, in the order the batch
/// lists them, and the answer the function gives Lambda.
#[derive(Debug, Clone, Default)]
pub struct BatchOutcome {
    failed: Vec<FailedRecord>,
    failures: BatchItemFailures,
}

impl BatchOutcome {
    /// The records that failed, each once, in batch order.
    #[must_use]
    pub fn failed(&self) -> &[FailedRecord] {
        &self.failed
    }

    /// The partial batch response listing them.
    #[must_use]
    pub fn failures(&self) -> &BatchItemFailures {
        &self.failures
    }

    /// The function's answer to Lambda: the partial batch response, or, with
    /// [`PerRecord::fail_whole_batch`] and any failure, a failed invocation whose
    /// `errorType` is `record-failures`.
    ///
    /// # Errors
    /// The diagnostic of a failed invocation, as above.
    pub fn response(self, options: PerRecord) -> Result<BatchItemFailures, Diagnostic> {
        if options.fail_whole_batch && !self.failures.is_empty() {
            return Err(Diagnostic {
                error_type: "record-failures".to_owned(),
                error_message: format!("{} records of the batch failed", self.failures.len()),
            });
        }
        Ok(self.failures)
    }

    fn push(&mut self, failed: FailedRecord) {
        self.failures.push(&failed.record);
        self.failed.push(failed);
    }
}

/// Runs `handler` on every decoded record of `records` and says which failed: each record
/// whose key or value failed to decode, or whose handler returned `Err`, once. Records of
/// one topic-partition run in order, one at a time; with
/// [`PerRecord::concurrent_partitions`], partitions run at the same time.
pub async fn process<K, V, F, Fut, E>(
    records: ConsumerRecords<K, V>,
    options: PerRecord,
    handler: F,
) -> BatchOutcome
where
    F: Fn(ConsumerRecord<'static, K, V>) -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: fmt::Display,
{
    let handler = &handler;
    let run_group = |members: Vec<RecordResult<K, V>>| async move {
        let mut failed = Vec::new();
        for record in members {
            match record {
                Ok(record) => {
                    let id = record.id();
                    if let Err(error) = observe(&id, handler(record)).await {
                        report(&id, &error);
                        failed.push(FailedRecord {
                            record: id,
                            failure: Failure::Handler(error.to_string()),
                        });
                    }
                }
                Err(error) => {
                    report_decode(&error);
                    failed.push(FailedRecord {
                        record: error.record().clone(),
                        failure: Failure::Decode(error),
                    });
                }
            }
        }
        failed
    };
    let groups = records.into_partitions();
    let mut outcome = BatchOutcome::default();
    if options.concurrent_partitions {
        let results = futures_util::future::join_all(
            groups.into_iter().map(|(_, members)| run_group(members)),
        )
        .await;
        for failed in results.into_iter().flatten() {
            outcome.push(failed);
        }
    } else {
        for (_, members) in groups {
            for failed in run_group(members).await {
                outcome.push(failed);
            }
        }
    }
    outcome
}

#[cfg(feature = "tracing")]
async fn observe<T>(id: &RecordId, work: impl Future<Output = T>) -> T {
    use tracing::Instrument as _;
    let span = tracing::info_span!("kafka_record", topic = %id.topic, partition = id.partition, offset = id.offset);
    work.instrument(span).await
}

#[cfg(not(feature = "tracing"))]
async fn observe<T>(_: &RecordId, work: impl Future<Output = T>) -> T {
    work.await
}

#[cfg(feature = "tracing")]
fn report(id: &RecordId, error: &impl fmt::Display) {
    tracing::warn!(topic = %id.topic, partition = id.partition, offset = id.offset, %error, "record failed");
}

#[cfg(not(feature = "tracing"))]
fn report(_: &RecordId, _: &impl fmt::Display) {}

#[cfg(feature = "tracing")]
fn report_decode(error: &RecordError) {
    let id = error.record();
    tracing::warn!(topic = %id.topic, partition = id.partition, offset = id.offset, kind = error.kind().as_str(), %error, "record could not be decoded");
}

#[cfg(not(feature = "tracing"))]
fn report_decode(_: &RecordError) {}

/// Runs a Lambda function whose `handler` receives each invocation's decoded batch and the
/// Lambda context. An event that is not a Lambda Kafka event fails the invocation with
/// `errorType` `invalid-event`; the handler's errors fail it with their own diagnostic.
///
/// # Errors
/// The runtime's error when it cannot start or reach the Runtime API.
pub async fn run<K, V, F, Fut, R, E>(
    consumer: KafkaConsumer<K, V>,
    handler: F,
) -> Result<(), lambda_runtime::Error>
where
    K: Codec + 'static,
    V: Codec + 'static,
    K::Output: Send,
    V::Output: Send,
    F: Fn(ConsumerRecords<K::Output, V::Output>, Context) -> Fut,
    Fut: Future<Output = Result<R, E>>,
    R: Serialize,
    E: Into<Diagnostic>,
{
    serve(consumer, Schemas::none(), handler).await
}

/// The function's loop: each event parsed, prepared (the registry's schemas fetched,
/// when there is a registry), decoded, and handed to `handler`.
async fn serve<K, V, F, Fut, R, E>(
    consumer: KafkaConsumer<K, V>,
    schemas: Schemas,
    handler: F,
) -> Result<(), lambda_runtime::Error>
where
    K: Codec + 'static,
    V: Codec + 'static,
    K::Output: Send,
    V::Output: Send,
    F: Fn(ConsumerRecords<K::Output, V::Output>, Context) -> Fut,
    Fut: Future<Output = Result<R, E>>,
    R: Serialize,
    E: Into<Diagnostic>,
{
    let consumer = Arc::new(consumer);
    let handler = Arc::new(handler);
    let schemas = Arc::new(schemas);
    lambda_runtime::run(lambda_runtime::service_fn(
        move |event: LambdaEvent<Box<RawValue>>| {
            let consumer = Arc::clone(&consumer);
            let handler = Arc::clone(&handler);
            let schemas = Arc::clone(&schemas);
            async move {
                let json = event.payload.get();
                let parsed = KafkaEvent::from_str(json).map_err(|e| diagnostic(&e))?;
                schemas.prepare(&consumer, &parsed, &event.context).await;
                let records = ConsumerRecords::of_event(&consumer, &parsed);
                observe_batch(records.len(), handler(records, event.context))
                    .await
                    .map_err(Into::into)
            }
        },
    ))
    .await
}

/// Runs a Lambda function whose `handler` receives one decoded record at a time (see
/// [`process`]) and that returns the partial batch response.
///
/// # Errors
/// The runtime's error when it cannot start or reach the Runtime API.
pub async fn run_per_record<K, V, F, Fut, E>(
    consumer: KafkaConsumer<K, V>,
    options: PerRecord,
    handler: F,
) -> Result<(), lambda_runtime::Error>
where
    K: Codec + 'static,
    V: Codec + 'static,
    K::Output: Send,
    V::Output: Send,
    F: Fn(ConsumerRecord<'static, K::Output, V::Output>) -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: fmt::Display,
{
    serve_per_record(consumer, Schemas::none(), options, handler).await
}

async fn serve_per_record<K, V, F, Fut, E>(
    consumer: KafkaConsumer<K, V>,
    schemas: Schemas,
    options: PerRecord,
    handler: F,
) -> Result<(), lambda_runtime::Error>
where
    K: Codec + 'static,
    V: Codec + 'static,
    K::Output: Send,
    V::Output: Send,
    F: Fn(ConsumerRecord<'static, K::Output, V::Output>) -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: fmt::Display,
{
    let handler = Arc::new(handler);
    serve(consumer, schemas, move |records, _context| {
        let handler = Arc::clone(&handler);
        async move {
            process(records, options, |record| handler(record))
                .await
                .response(options)
        }
    })
    .await
}

#[cfg(feature = "tracing")]
async fn observe_batch<T>(records: usize, work: impl Future<Output = T>) -> T {
    use tracing::Instrument as _;
    work.instrument(tracing::info_span!("kafka_batch", records))
        .await
}

#[cfg(not(feature = "tracing"))]
async fn observe_batch<T>(_: usize, work: impl Future<Output = T>) -> T {
    work.await
}
