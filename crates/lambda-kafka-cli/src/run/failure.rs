//! Discarded batches kept as Lambda's S3 on-failure destination keeps them: one JSON
//! document per batch, with the whole event in `payload`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kafka_core::{KafkaBatchInfo, OnFailureRecord, RecordsInfo, RequestContext, ResponseContext};

use super::envelope::Source;
use super::mapping::{Discarded, Stored, name};

/// The function's last answer to a discarded batch.
#[derive(Debug, Clone, Default)]
pub(crate) struct LastAnswer {
    pub(crate) request_id: String,
    pub(crate) status: u16,
    pub(crate) function_error: Option<String>,
}

/// The on-failure record of a discarded batch.
pub(crate) fn record(
    discarded: &Discarded,
    source: &Source,
    function_arn: &str,
    answer: &LastAnswer,
    now_millis: i64,
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
        response_context: ResponseContext {
            status_code: answer.status,
            executed_version: "$LATEST".to_owned(),
            function_error: answer.function_error.clone(),
        },
        version: "1.0".to_owned(),
        timestamp: iso8601_millis(now_millis),
        kafka_batch_info: KafkaBatchInfo {
            batch_size: discarded.records.len(),
            event_source_arn: source.arn.clone(),
            bootstrap_servers: Some(source.bootstrap_servers.clone()),
            payload_size: payload.len(),
            records_info,
        },
        payload,
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
    use super::super::mapping::Condition;
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
        );
        assert_eq!(record.request_context.approximate_invoke_count, 3);
        let info = &record.kafka_batch_info;
        assert_eq!(info.batch_size, 3);
        assert_eq!(info.payload_size, record.payload.len());
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
}
