//! The partial batch response: which records Lambda should retry.

use std::collections::HashSet;

use serde::Serialize;

use crate::vocab::RecordId;

/// The response that tells Lambda which records of a batch failed, so that only those are
/// retried: `{"batchItemFailures":[{"itemIdentifier":{"partition":"orders-0","offset":15}}]}`.
///
/// Lambda reads it only when the event source mapping has `ReportBatchItemFailures` in its
/// `FunctionResponseTypes`; without it, a returned response is ignored and a batch fails or
/// succeeds as a whole. A malformed response is read as success, losing the failed records,
/// so this type can only be built from records' coordinates, each listed once, in the order
/// they were added.
///
/// ```
/// use kafka_core::{BatchItemFailures, RecordId};
///
/// let mut failures = BatchItemFailures::new();
/// let id = RecordId { topic: "orders".into(), partition: 0, offset: 15 };
/// failures.push(&id);
/// failures.push(&id); // listed once
/// assert_eq!(
///     serde_json::to_string(&failures).unwrap(),
///     r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"orders-0","offset":15}}]}"#
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchItemFailures {
    batch_item_failures: Vec<BatchItemFailure>,
    #[serde(skip)]
    seen: HashSet<(String, i64)>,
}

/// One failed record of a [`BatchItemFailures`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchItemFailure {
    item_identifier: ItemIdentifier,
}

impl BatchItemFailure {
    /// The failed record's identifier.
    #[must_use]
    pub fn item_identifier(&self) -> &ItemIdentifier {
        &self.item_identifier
    }
}

/// A record as Lambda identifies it in a partial batch response: its `"topic-partition"`
/// and offset.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ItemIdentifier {
    partition: String,
    offset: i64,
}

impl ItemIdentifier {
    /// The `"topic-partition"` text.
    #[must_use]
    pub fn partition(&self) -> &str {
        &self.partition
    }

    /// The offset.
    #[must_use]
    pub fn offset(&self) -> i64 {
        self.offset
    }
}

impl From<&RecordId> for ItemIdentifier {
    fn from(id: &RecordId) -> Self {
        Self {
            partition: id.topic_partition(),
            offset: id.offset,
        }
    }
}

impl BatchItemFailures {
    /// No failures: the whole batch succeeded.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a failed record, unless it is already listed.
    pub fn push(&mut self, record: &RecordId) {
        let identifier = ItemIdentifier::from(record);
        if self
            .seen
            .insert((identifier.partition.clone(), identifier.offset))
        {
            self.batch_item_failures.push(BatchItemFailure {
                item_identifier: identifier,
            });
        }
    }

    /// The failed records, in the order they were added.
    pub fn iter(&self) -> std::slice::Iter<'_, BatchItemFailure> {
        self.batch_item_failures.iter()
    }

    /// How many records failed.
    #[must_use]
    pub fn len(&self) -> usize {
        self.batch_item_failures.len()
    }

    /// Whether every record succeeded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.batch_item_failures.is_empty()
    }
}

impl<'a> IntoIterator for &'a BatchItemFailures {
    type Item = &'a BatchItemFailure;
    type IntoIter = std::slice::Iter<'a, BatchItemFailure>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}
