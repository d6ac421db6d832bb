//! Interop with `aws_lambda_events`' Kafka event (feature `aws-lambda-events`).

use std::borrow::Cow;

use aws_lambda_events::event::kafka::{KafkaEvent as AwsEvent, KafkaRecord as AwsRecord};

use crate::error::Error;
use crate::event::{Header, Headers, KafkaEvent, PartitionRecords, RawPayload, RawRecord};
use crate::vocab::{Part, TimestampType};

/// Converts an event parsed by `aws_lambda_events`.
///
/// That type has already lost what this crate keeps, so the result has it too:
/// - group order: its `records` is a `HashMap`, so groups come out sorted by topic, then
///   partition number (records within a group keep their order);
/// - `"key": null` and a missing key are both `None` there, and come out as null;
/// - its timestamp went through `f64` and may be off by a millisecond;
/// - it has no schema metadata.
///
/// Parse the event with [`KafkaEvent::from_slice`] instead whenever you can.
///
/// # Errors
/// [`Error::InvalidEvent`] when a partition number does not fit Kafka's `i32`.
impl TryFrom<AwsEvent> for KafkaEvent<'static> {
    type Error = Error;

    fn try_from(event: AwsEvent) -> Result<Self, Error> {
        let mut groups = event
            .records
            .into_iter()
            .map(|(name, records)| {
                let records = records
                    .into_iter()
                    .map(convert_record)
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(PartitionRecords::new(name, records))
            })
            .collect::<Result<Vec<_>, Error>>()?;
        groups.sort_by(|a, b| {
            let first = |g: &PartitionRecords<'_>| {
                g.records()
                    .first()
                    .map(|r| (r.topic().to_owned(), r.partition()))
            };
            first(a).cmp(&first(b)).then_with(|| a.name().cmp(b.name()))
        });
        Ok(KafkaEvent::new(
            event.event_source.map(Cow::Owned),
            event.event_source_arn.map(Cow::Owned),
            event.bootstrap_servers.map(Cow::Owned),
            groups,
        ))
    }
}

fn convert_record(record: AwsRecord) -> Result<RawRecord<'static>, Error> {
    let partition = i32::try_from(record.partition).map_err(|_| Error::InvalidEvent {
        reason: format!("partition {} is outside Kafka's range", record.partition),
    })?;
    let payload = |text: Option<String>| match text {
        Some(text) => RawPayload::Base64(Cow::Owned(text)),
        None => RawPayload::Null,
    };
    let headers: Headers<'static> = record
        .headers
        .into_iter()
        .flat_map(|entry| {
            // Each entry is a one-entry map in practice; sort for a stable order otherwise.
            let mut entry: Vec<_> = entry.into_iter().collect();
            entry.sort_by(|a, b| a.0.cmp(&b.0));
            entry
        })
        .map(|(name, bytes)| {
            Header::new(
                name,
                Some(bytes.into_iter().map(i8::cast_unsigned).collect()),
            )
        })
        .collect();
    Ok(RawRecord::new(
        record.topic.unwrap_or_default(),
        partition,
        record.offset,
        record.timestamp.0.timestamp_millis(),
    )
    .with_timestamp_type(record.timestamp_type.as_deref().map(TimestampType::from))
    .with_payload(Part::Key, payload(record.key))
    .with_payload(Part::Value, payload(record.value))
    .with_headers(headers))
}
