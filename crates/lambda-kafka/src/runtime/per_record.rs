//! Per-record handling: the handler run on each decoded record, partitions one after
//! another or at the same time, and the partial batch response of what failed.

use std::future::Future;

use std::sync::Arc;

use kafka_core::{BatchItemFailures, ConsumerRecord};
use lambda_runtime::Diagnostic;
use tracing::Instrument as _;

use super::observe::Invocation;
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
/// `concurrent_partitions`, partitions run at the same time. Each record runs in its own
/// span; each failure is reported once.
pub(crate) async fn process<K, V, F, Fut>(
    records: ConsumerRecords<K, V>,
    options: Options,
    seen: Arc<Invocation>,
    handler: F,
) -> Result<BatchItemFailures, Diagnostic>
where
    F: Fn(ConsumerRecord<'static, K, V>) -> Fut,
    Fut: Future<Output = Result<(), String>>,
{
    let handler = &handler;
    let seen = &*seen;
    let run_group = |group: usize, members: Vec<RecordResult<K, V>>| async move {
        let mut failed = Vec::new();
        for (index, record) in members.into_iter().enumerate() {
            match record {
                Ok(record) => {
                    let id = record.id();
                    let span = seen.record_span(group, index, &id, record.value.is_none());
                    // The handler is called in its span, so that what it does before its
                    // first `await` is in the span too.
                    let work = span.in_scope(|| handler(record));
                    if let Err(error) = work.instrument(span.clone()).await {
                        seen.handler_failed(&span, (group, index), &id, &error);
                        failed.push(id);
                    }
                }
                Err(error) => {
                    let span = seen.record_span(group, index, error.record(), false);
                    seen.decode_failed(&span, (group, index), &error);
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
            groups
                .into_iter()
                .enumerate()
                .map(|(group, (_, members))| run_group(group, members)),
        )
        .await;
        for id in results.iter().flatten() {
            failures.push(id);
        }
    } else {
        for (group, (_, members)) in groups.into_iter().enumerate() {
            for id in run_group(group, members).await {
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
