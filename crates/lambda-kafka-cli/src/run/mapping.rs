//! The event source mapping's bookkeeping, without a broker or a function: which records
//! wait for the function, which batch goes next, what a batch's outcome does to them, and
//! which offsets may be committed.
//!
//! Each partition keeps its fetched records that are not settled yet, in offset order.
//! A batch takes a leading run of each ready partition's records. A record is settled when
//! the function took it, or when it was discarded (its retries spent, or too old); a
//! partition's offset to commit is its first unsettled record's, so a commit never passes
//! a record not yet processed.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The first pause before a failed partition is tried again; it doubles with each
/// consecutive failure, up to [`MAX_BACKOFF`].
pub(crate) const FIRST_BACKOFF: Duration = Duration::from_millis(100);
/// The longest pause between two attempts.
pub(crate) const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// One fetched record, already written as the JSON object the event carries.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub(crate) topic: Arc<str>,
    pub(crate) partition: i32,
    pub(crate) offset: i64,
    /// Epoch milliseconds, when the record has a timestamp.
    pub(crate) timestamp: Option<i64>,
    /// The record as the event writes it.
    pub(crate) json: String,
    /// How many invocations it was part of.
    pub(crate) attempts: u32,
}

/// Limits of the mapping, as its configuration sets them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// The most records in one batch.
    pub(crate) batch_size: usize,
    /// The most bytes of records and their groups in one batch (the event's fields
    /// outside `records` are counted apart).
    pub(crate) max_bytes: usize,
    /// Retries after the first attempt; `None` for no limit.
    pub(crate) max_retries: Option<u32>,
    /// The oldest a record may be, by its timestamp, when a batch is made.
    pub(crate) max_age: Option<Duration>,
    /// A batch the function failed as a whole is split in two, each half retried alone
    /// (`BisectBatchOnFunctionError`).
    pub(crate) bisect: bool,
}

/// Why records were given up on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Condition {
    /// They failed on every attempt the retries allow.
    RetryAttemptsExhausted,
    /// They were older than the maximum record age.
    RecordAgeExceeded,
    /// One record alone is larger than an invocation's payload: never sent.
    MaximumPayloadSizeExceeded,
    /// JSON record format: the registry has no schema for the record's id.
    SchemaNotFound,
    /// JSON record format: the key or value could not be decoded with its schema.
    DeserializationError,
}

impl Condition {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::RetryAttemptsExhausted => "RetryAttemptsExhausted",
            Self::RecordAgeExceeded => "RecordAgeExceeded",
            Self::MaximumPayloadSizeExceeded => "MaximumPayloadSizeExceeded",
            Self::SchemaNotFound => "SCHEMA_NOT_FOUND",
            Self::DeserializationError => "DESERIALIZATION_ERROR",
        }
    }
}

/// Records given up on together, for the on-failure destination.
#[derive(Debug)]
pub(crate) struct Discarded {
    pub(crate) condition: Condition,
    pub(crate) records: Vec<Stored>,
}

/// What the function made of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Every record was processed.
    Success,
    /// The records named (`topic-partition`, offset) failed; the rest were processed.
    Partial(Vec<(String, i64)>),
    /// The invocation failed as a whole.
    Failed,
}

/// A batch taken from the mapping: how many leading records of which partitions.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    /// (partition index, number of leading records).
    taken: Vec<(usize, usize)>,
    /// The records, in partition order then offset order.
    pub(crate) records: Vec<Stored>,
}

impl Batch {
    pub(crate) fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Whether the batch holds the record `topic-partition` at `offset`.
    pub(crate) fn contains(&self, topic_partition: &str, offset: i64) -> bool {
        self.records
            .iter()
            .any(|r| r.offset == offset && name(&r.topic, r.partition) == topic_partition)
    }
}

/// The bytes a partition's group adds to an event, at most: `"topic-partition":[` and
/// `],` (a partition number has at most 10 digits and a sign).
fn group_bytes(topic: &str) -> usize {
    topic.len() + 16
}

/// `topic-partition`, as the event names a partition.
pub(crate) fn name(topic: &str, partition: i32) -> String {
    format!("{topic}-{partition}")
}

#[derive(Debug)]
struct Partition {
    topic: Arc<str>,
    partition: i32,
    /// Fetched records not settled yet, in offset order.
    waiting: VecDeque<Stored>,
    /// The bytes of `waiting`'s records.
    bytes: usize,
    /// The offset after the last record fetched.
    next_offset: i64,
    /// The last offset committed (or known committed), if any.
    committed: Option<i64>,
    /// Not before then: the partition failed and waits to be retried.
    retry_at: Option<Instant>,
    /// Failures in a row, for the backoff.
    failures: u32,
    /// With bisection, the sizes of the next batches' shares of this partition, the
    /// first one next: the halves of a failed batch still to be tried.
    segments: VecDeque<usize>,
}

impl Partition {
    fn ready(&self, now: Instant) -> bool {
        !self.waiting.is_empty() && self.retry_at.is_none_or(|at| at <= now)
    }

    /// Where the group's offset should stand: the first unsettled record.
    fn position(&self) -> i64 {
        self.waiting.front().map_or(self.next_offset, |r| r.offset)
    }

    /// `count` records of the first segment were settled (or are to be tried again in
    /// segments of their own).
    fn done_in_segment(&mut self, count: usize) {
        if let Some(first) = self.segments.pop_front()
            && first > count
        {
            self.segments.push_front(first - count);
        }
    }

    fn backoff(&mut self, now: Instant) {
        self.failures += 1;
        let factor = 1u32 << self.failures.saturating_sub(1).min(16);
        self.retry_at = Some(now + (FIRST_BACKOFF * factor).min(MAX_BACKOFF));
    }
}

/// The mapping's state over every partition it was given.
#[derive(Debug)]
pub(crate) struct Mapping {
    limits: Limits,
    partitions: Vec<Partition>,
}

impl Mapping {
    pub(crate) fn new(limits: Limits) -> Self {
        Self {
            limits,
            partitions: Vec::new(),
        }
    }

    fn index(&mut self, topic: &str, partition: i32) -> Option<usize> {
        self.partitions
            .iter()
            .position(|p| p.partition == partition && &*p.topic == topic)
    }

    /// The partition of `topic` and `partition`, made when first seen at `offset`.
    fn partition_at(&mut self, topic: &Arc<str>, partition: i32, offset: i64) -> &mut Partition {
        let index = match self.index(topic, partition) {
            Some(index) => index,
            None => {
                self.partitions.push(Partition {
                    topic: Arc::clone(topic),
                    partition,
                    waiting: VecDeque::new(),
                    bytes: 0,
                    next_offset: offset,
                    committed: None,
                    retry_at: None,
                    failures: 0,
                    segments: VecDeque::new(),
                });
                self.partitions.len() - 1
            }
        };
        &mut self.partitions[index]
    }

    /// Passes over a fetched record that no filter delivers: it is never sent, and its
    /// offset is committed once the records before it are settled (with the next commit
    /// after them, as Lambda commits unmatched records with matched ones).
    pub(crate) fn skip(&mut self, topic: &Arc<str>, partition: i32, offset: i64) {
        let partition = self.partition_at(topic, partition, offset);
        if offset >= partition.next_offset {
            partition.next_offset = offset + 1;
        }
    }

    /// Takes a fetched record. A record at or below one already fetched (the consumer
    /// fetched it again) is dropped.
    pub(crate) fn push(&mut self, record: Stored) {
        let partition = self.partition_at(&record.topic, record.partition, record.offset);
        if record.offset < partition.next_offset {
            return;
        }
        partition.next_offset = record.offset + 1;
        partition.bytes += record.json.len();
        partition.waiting.push_back(record);
    }

    /// Forgets a partition the consumer no longer owns: its unsettled records are left to
    /// the group's next owner, which starts at the last commit.
    pub(crate) fn revoke(&mut self, topic: &str, partition: i32) {
        if let Some(index) = self.index(topic, partition) {
            self.partitions.remove(index);
        }
    }

    /// Records of a partition waiting (unsettled), for pausing the fetch of a backlog.
    pub(crate) fn waiting(&self, topic: &str, partition: i32) -> usize {
        self.partitions
            .iter()
            .find(|p| p.partition == partition && &*p.topic == topic)
            .map_or(0, |p| p.waiting.len())
    }

    /// Whether any record is unsettled.
    pub(crate) fn is_idle(&self) -> bool {
        self.partitions.iter().all(|p| p.waiting.is_empty())
    }

    /// Records that could go in a batch now, and the bytes they take in an event with
    /// their groups and commas (summed per partition, so that asking after each fetched
    /// record stays cheap).
    pub(crate) fn ready(&self, now: Instant) -> (usize, usize) {
        self.partitions
            .iter()
            .filter(|p| p.ready(now))
            .fold((0, 0), |(count, bytes), p| {
                let n = p.waiting.len();
                (count + n, bytes + p.bytes + n + group_bytes(&p.topic))
            })
    }

    /// Whether a batch made now would be full: the batch size reached, or more bytes
    /// waiting than one invocation takes.
    pub(crate) fn full(&self, now: Instant) -> bool {
        let (count, bytes) = self.ready(now);
        count >= self.limits.batch_size || bytes > self.limits.max_bytes
    }

    /// The earliest time a partition waiting out its backoff becomes ready.
    pub(crate) fn next_retry(&self) -> Option<Instant> {
        self.partitions
            .iter()
            .filter(|p| !p.waiting.is_empty())
            .filter_map(|p| p.retry_at)
            .min()
    }

    /// Gives up on records too old for the maximum record age and on records too large
    /// for any invocation, at the front of each ready partition.
    pub(crate) fn discard_unsendable(&mut self, now: Instant, now_millis: i64) -> Vec<Discarded> {
        let oldest = self.limits.max_age.map(|age| {
            now_millis.saturating_sub(i64::try_from(age.as_millis()).unwrap_or(i64::MAX))
        });
        let mut too_old = Vec::new();
        let mut too_large = Vec::new();
        for p in self.partitions.iter_mut().filter(|p| p.ready(now)) {
            while let Some(front) = p.waiting.front() {
                let old = oldest.is_some_and(|limit| front.timestamp.is_some_and(|t| t < limit));
                let large = group_bytes(&p.topic) + front.json.len() + 1 > self.limits.max_bytes;
                if !old && !large {
                    break;
                }
                let Some(record) = p.waiting.pop_front() else {
                    break;
                };
                p.bytes -= record.json.len();
                p.done_in_segment(1);
                if old {
                    too_old.push(record);
                } else {
                    too_large.push(record);
                }
            }
        }
        [
            (Condition::RecordAgeExceeded, too_old),
            (Condition::MaximumPayloadSizeExceeded, too_large),
        ]
        .into_iter()
        .filter(|(_, records)| !records.is_empty())
        .map(|(condition, records)| Discarded { condition, records })
        .collect()
    }

    /// The next batch: the leading records of each ready partition, in partition order,
    /// up to the batch size and the payload limit. The records stay unsettled until
    /// [`Mapping::settle`].
    pub(crate) fn next_batch(&mut self, now: Instant) -> Batch {
        let mut batch = Batch::default();
        let mut bytes = 0;
        'partitions: for (index, p) in self.partitions.iter().enumerate() {
            if !p.ready(now) {
                continue;
            }
            let mut taken = 0;
            let share = p.segments.front().copied().unwrap_or(usize::MAX);
            for r in &p.waiting {
                if taken == share {
                    break;
                }
                // The record and its comma, and its group's bytes with the first one.
                let cost = r.json.len() + 1 + if taken == 0 { group_bytes(&p.topic) } else { 0 };
                if batch.records.len() == self.limits.batch_size
                    || bytes + cost > self.limits.max_bytes
                {
                    if taken > 0 {
                        batch.taken.push((index, taken));
                    }
                    break 'partitions;
                }
                bytes += cost;
                taken += 1;
                batch.records.push(r.clone());
            }
            if taken > 0 {
                batch.taken.push((index, taken));
            }
        }
        for r in &mut batch.records {
            r.attempts += 1;
        }
        batch
    }

    /// Applies the function's outcome to the batch's records: those processed are settled,
    /// the failed ones wait for their retry (their partition backs off), and those whose
    /// retries are spent are returned, discarded.
    pub(crate) fn settle(
        &mut self,
        batch: Batch,
        outcome: &Outcome,
        now: Instant,
    ) -> Vec<Discarded> {
        let failed: Option<HashSet<(&str, i64)>> = match outcome {
            Outcome::Success => Some(HashSet::new()),
            Outcome::Partial(items) => Some(items.iter().map(|(p, o)| (p.as_str(), *o)).collect()),
            Outcome::Failed => None,
        };
        let mut given_up = Vec::new();
        let mut records = batch.records.into_iter();
        let whole_failure = matches!(outcome, Outcome::Failed);
        for (index, count) in batch.taken {
            let Some(p) = self.partitions.get_mut(index) else {
                continue;
            };
            // A failed batch's share of more than one record is split in two, each half
            // tried alone; the attempt does not count against the retries.
            let split = whole_failure && self.limits.bisect && count > 1;
            let partition_name = name(&p.topic, p.partition);
            let mut kept = VecDeque::new();
            let mut any_failed = false;
            for _ in 0..count {
                // The batch's copy carries the attempt count.
                let (Some(mut record), Some(settled)) = (records.next(), p.waiting.pop_front())
                else {
                    break;
                };
                p.bytes -= settled.json.len();
                if split {
                    record.attempts = record.attempts.saturating_sub(1);
                    kept.push_back(record);
                    continue;
                }
                let record_failed = failed
                    .as_ref()
                    .is_none_or(|set| set.contains(&(partition_name.as_str(), record.offset)));
                if !record_failed {
                    continue;
                }
                any_failed = true;
                let spent = self
                    .limits
                    .max_retries
                    .is_some_and(|retries| record.attempts > retries);
                if spent {
                    given_up.push(record);
                } else {
                    kept.push_back(record);
                }
            }
            let retried = kept.len();
            // The failed records go back in front, in their order.
            while let Some(record) = kept.pop_back() {
                p.bytes += record.json.len();
                p.waiting.push_front(record);
            }
            if split {
                p.done_in_segment(count);
                p.segments.push_front(count / 2);
                p.segments.push_front(count - count / 2);
            } else if !(whole_failure && retried > 0 && !p.segments.is_empty()) {
                // A lone record of a bisected batch that failed is tried alone again;
                // otherwise its share of the segment is done.
                p.done_in_segment(count);
            }
            if any_failed {
                p.backoff(now);
            } else {
                p.failures = 0;
                p.retry_at = None;
            }
        }
        if given_up.is_empty() {
            Vec::new()
        } else {
            vec![Discarded {
                condition: Condition::RetryAttemptsExhausted,
                records: given_up,
            }]
        }
    }

    /// The offsets to commit: each partition whose first unsettled offset moved since the
    /// last commit, as (topic, partition, next offset to read).
    pub(crate) fn to_commit(&self) -> Vec<(Arc<str>, i32, i64)> {
        self.partitions
            .iter()
            .filter(|p| p.committed != Some(p.position()))
            .map(|p| (Arc::clone(&p.topic), p.partition, p.position()))
            .collect()
    }

    /// Records that the offsets were committed.
    pub(crate) fn committed(&mut self, offsets: &[(Arc<str>, i32, i64)]) {
        for (topic, partition, offset) in offsets {
            if let Some(index) = self.index(topic, *partition) {
                self.partitions[index].committed = Some(*offset);
            }
        }
    }
}

#[cfg(test)]
mod tests;
