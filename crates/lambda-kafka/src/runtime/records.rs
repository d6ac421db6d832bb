//! A decoded batch, as a batch handler receives it.

use kafka_core::{Codec, ConsumerRecord, Error, KafkaConsumer, KafkaEvent, RecordError};

/// One record's result in a decoded batch: the record, or why it could not be decoded.
pub(crate) type RecordResult<K, V> = Result<ConsumerRecord<'static, K, V>, RecordError>;

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
    pub(crate) fn of_event<KC, VC>(consumer: &KafkaConsumer<KC, VC>, event: &KafkaEvent<'_>) -> Self
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
