//! Per-record handling: the handler run on each decoded record, partitions one after
//! another or at the same time, and the partial batch response of what failed.

use std::future::Future;

use kafka_core::{BatchItemFailures, ConsumerRecord, RecordError, RecordId};
use lambda_runtime::Diagnostic;

use super::records::{ConsumerRecords, RecordResult};

/// The options of per-record handling.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Options {
    pub(crate) concurrent_partitions: bool,
    pub(crate) fail_whole_batch: bool,
}

/// Runs `handler` on every decoded record of `records` and answers with the records that
/// failed: each whose key or value failed to decode, or whose handler returned `Err`,
/// once, in batch order. Records of one topic-partition run in order, one at a time; with
/// `concurrent_partitions`, partitions run at the same time.
pub(crate) async fn process<K, V, F, Fut>(
    records: ConsumerRecords<K, V>,
    options: Options,
    handler: F,
) -> Result<BatchItemFailures, Diagnostic>
where
    F: Fn(ConsumerRecord<'static, K, V>) -> Fut,
    Fut: Future<Output = Result<(), String>>,
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
                        failed.push(id);
                    }
                }
                Err(error) => {
                    report_decode(&error);
                    failed.push(error.record().clone());
                }
            }
        }
        failed
    };
    let groups = records.into_partitions();
    let mut failures = BatchItemFailures::new();
    if options.concurrent_partitions {
        let results = futures_util::future::join_all(
            groups.into_iter().map(|(_, members)| run_group(members)),
        )
        .await;
        for id in results.iter().flatten() {
            failures.push(id);
        }
    } else {
        for (_, members) in groups {
            for id in run_group(members).await {
                failures.push(&id);
            }
        }
    }
    if options.fail_whole_batch && !failures.is_empty() {
        return Err(Diagnostic {
            error_type: "record-failures".to_owned(),
            error_message: format!("{} records of the batch failed", failures.len()),
        });
    }
    Ok(failures)
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
fn report(id: &RecordId, error: &str) {
    tracing::warn!(topic = %id.topic, partition = id.partition, offset = id.offset, %error, "record failed");
}

#[cfg(not(feature = "tracing"))]
fn report(_: &RecordId, _: &str) {}

#[cfg(feature = "tracing")]
fn report_decode(error: &RecordError) {
    let id = error.record();
    tracing::warn!(topic = %id.topic, partition = id.partition, offset = id.offset, kind = error.kind().as_str(), %error, "record could not be decoded");
}

#[cfg(not(feature = "tracing"))]
fn report_decode(_: &RecordError) {}
