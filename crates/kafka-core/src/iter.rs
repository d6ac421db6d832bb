//! Iterating a batch's records, decoded lazily: [`KafkaConsumer::records`],
//! [`KafkaConsumer::partitions`], [`KafkaConsumer::decode_all`] and [`Records`].

use crate::codec::Codec;
use crate::consumer::{Buffers, Decoded, KafkaConsumer};
use crate::error::RecordError;
use crate::event::{KafkaEvent, PartitionRecords, RawRecord};
use crate::record::ConsumerRecord;

impl<K: Codec, V: Codec> KafkaConsumer<K, V> {
    /// Every record of the event, in event order, each decoded when the iterator reaches
    /// it. A record that cannot be decoded is that record's `Err`; the next ones follow.
    pub fn records<'c, 'e>(&'c self, event: &'e KafkaEvent<'e>) -> Records<'c, 'e, K, V> {
        Records::new(self, event.partition_groups(), &[])
    }

    /// The records grouped by `"topic-partition"`, in event order; each group's records
    /// decode lazily as in [`KafkaConsumer::records`].
    pub fn partitions<'c, 'e>(
        &'c self,
        event: &'e KafkaEvent<'e>,
    ) -> impl ExactSizeIterator<Item = (&'e str, Records<'c, 'e, K, V>)> + use<'c, 'e, K, V> {
        event
            .partition_groups()
            .iter()
            .map(move |group| (group.name(), Records::new(self, &[], group.records())))
    }

    /// Every record decoded, or the first error (fail fast).
    ///
    /// # Errors
    /// The first record's error, in event order.
    pub fn decode_all<'e>(
        &self,
        event: &'e KafkaEvent<'e>,
    ) -> Result<Vec<Decoded<'e, K, V>>, RecordError> {
        self.records(event).collect()
    }
}

/// The decoded records of a batch or of one topic-partition, in event order.
///
/// Each `next` decodes one record: base64 into a buffer the iterator reuses, then the
/// key and value codecs.
pub struct Records<'c, 'e, K: Codec, V: Codec> {
    consumer: &'c KafkaConsumer<K, V>,
    groups: std::slice::Iter<'e, PartitionRecords<'e>>,
    current: std::slice::Iter<'e, RawRecord<'e>>,
    buffers: Buffers,
}

impl<'c, 'e, K: Codec, V: Codec> Records<'c, 'e, K, V> {
    fn new(
        consumer: &'c KafkaConsumer<K, V>,
        groups: &'e [PartitionRecords<'e>],
        current: &'e [RawRecord<'e>],
    ) -> Self {
        Self {
            consumer,
            groups: groups.iter(),
            current: current.iter(),
            buffers: Buffers::default(),
        }
    }
}

impl<'e, K: Codec, V: Codec> Iterator for Records<'_, 'e, K, V> {
    type Item = Result<ConsumerRecord<'e, K::Output, V::Output>, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(raw) = self.current.next() {
                return Some(
                    self.consumer
                        .decode_with(raw, &mut self.buffers)
                        .map_err(|e| *e),
                );
            }
            self.current = self.groups.next()?.records().iter();
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.current.len()
            + self
                .groups
                .clone()
                .map(|g| g.records().len())
                .sum::<usize>();
        (left, Some(left))
    }
}

impl<K: Codec, V: Codec> ExactSizeIterator for Records<'_, '_, K, V> {}

impl<K: Codec, V: Codec> std::fmt::Debug for Records<'_, '_, K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Records")
            .field("remaining", &self.len())
            .finish_non_exhaustive()
    }
}
