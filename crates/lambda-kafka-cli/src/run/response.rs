//! The function's answer read as Lambda's Kafka event source mapping reads it, with
//! `ReportBatchItemFailures` on.
//!
//! - An error (a status other than 200, an `X-Amz-Function-Error` header, or an answer
//!   that is not JSON) fails the whole batch.
//! - No answer, `null`, `{}`, or an empty or `null` `batchItemFailures`: every record was
//!   processed. So is any other JSON without a `batchItemFailures` field (a misspelled
//!   field name loses the failures: the runner warns about it).
//! - `batchItemFailures` naming records: those failed. An item without an
//!   `itemIdentifier`, with a `partition` or an `offset` missing or of the wrong type, or
//!   naming a record that was not in the batch fails the whole batch.

use serde_json::Value;

use super::mapping::{Batch, Outcome};

/// How the answer was read, with what to tell the developer.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Reading {
    pub(crate) outcome: Outcome,
    /// Why the batch failed as a whole, or what looked wrong in a successful answer.
    pub(crate) note: Option<String>,
}

fn failed(note: String) -> Reading {
    Reading {
        outcome: Outcome::Failed,
        note: Some(note),
    }
}

/// Reads the function's answer to `batch`.
pub(crate) fn read(
    status: u16,
    function_error: Option<&str>,
    body: &[u8],
    batch: &Batch,
) -> Reading {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if status != 200 || function_error.is_some() {
        let kind = function_error.unwrap_or("Unhandled");
        return failed(format!(
            "the function failed ({kind}, status {status}): {}",
            summary(text)
        ));
    }
    if text.is_empty() {
        return Reading {
            outcome: Outcome::Success,
            note: None,
        };
    }
    let answer: Value = match serde_json::from_str(text) {
        Ok(answer) => answer,
        Err(e) => return failed(format!("the function's answer is not JSON: {e}")),
    };
    let Some(object) = answer.as_object() else {
        return Reading {
            outcome: Outcome::Success,
            note: (!answer.is_null()).then(|| {
                "the answer is not an object: every record counts as processed".to_owned()
            }),
        };
    };
    let items = match object.get("batchItemFailures") {
        None => {
            return Reading {
                outcome: Outcome::Success,
                note: (!object.is_empty()).then(|| {
                    "the answer has no batchItemFailures field: every record counts as processed"
                        .to_owned()
                }),
            };
        }
        Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.clone(),
        Some(_) => return failed("batchItemFailures is not a list".to_owned()),
    };
    let mut named = Vec::with_capacity(items.len());
    for (n, item) in items.iter().enumerate() {
        let Some(id) = item.get("itemIdentifier").filter(|id| id.is_object()) else {
            return failed(format!(
                "batchItemFailures[{n}] has no itemIdentifier object"
            ));
        };
        let Some(partition) = id.get("partition").and_then(Value::as_str) else {
            return failed(format!(
                "batchItemFailures[{n}].itemIdentifier.partition is missing or not text"
            ));
        };
        let offset = match id.get("offset") {
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.parse().ok(),
            _ => None,
        };
        let Some(offset) = offset else {
            return failed(format!(
                "batchItemFailures[{n}].itemIdentifier.offset is missing or not an integer"
            ));
        };
        if !batch.contains(partition, offset) {
            return failed(format!(
                "batchItemFailures[{n}] names {partition} offset {offset}, which is not in the batch"
            ));
        }
        named.push((partition.to_owned(), offset));
    }
    Reading {
        outcome: if named.is_empty() {
            Outcome::Success
        } else {
            Outcome::Partial(named)
        },
        note: None,
    }
}

/// The first line of an answer, shortened, for a log line.
fn summary(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    match line.char_indices().nth(300) {
        Some((cut, _)) => format!("{}...", &line[..cut]),
        None if line.is_empty() => "no answer".to_owned(),
        None => line.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::mapping::{Limits, Mapping, Stored};
    use super::*;
    use std::time::Instant;

    fn batch() -> Batch {
        let mut mapping = Mapping::new(Limits {
            batch_size: 10,
            max_bytes: 1000,
            max_retries: None,
            max_age: None,
            bisect: false,
        });
        for offset in [4, 5] {
            mapping.push(Stored {
                topic: "orders".into(),
                partition: 0,
                offset,
                timestamp: None,
                json: "{}".into(),
                attempts: 0,
            });
        }
        mapping.next_batch(Instant::now())
    }

    fn outcome(body: &str) -> Reading {
        read(200, None, body.as_bytes(), &batch())
    }

    #[test]
    fn empty_answers_are_successes() {
        for body in [
            "",
            "null",
            "{}",
            r#"{"batchItemFailures":[]}"#,
            r#"{"batchItemFailures":null}"#,
        ] {
            assert_eq!(
                outcome(body),
                Reading {
                    outcome: Outcome::Success,
                    note: None
                },
                "{body}"
            );
        }
    }

    #[test]
    fn named_records_fail_alone() {
        let reading = outcome(
            r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"orders-0","offset":5}},
                {"itemIdentifier":{"partition":"orders-0","offset":"4"}}]}"#,
        );
        assert_eq!(
            reading.outcome,
            Outcome::Partial(vec![("orders-0".into(), 5), ("orders-0".into(), 4)])
        );
    }

    #[test]
    fn a_misspelled_field_counts_as_success_with_a_warning() {
        let reading = outcome(
            r#"{"batchItemFailure":[{"itemIdentifier":{"partition":"orders-0","offset":5}}]}"#,
        );
        assert_eq!(reading.outcome, Outcome::Success);
        assert_eq!(
            reading.note.as_deref(),
            Some("the answer has no batchItemFailures field: every record counts as processed")
        );
    }

    #[test]
    fn malformed_items_and_strangers_fail_the_whole_batch() {
        let cases = [
            (
                "not json",
                "the function's answer is not JSON: expected ident at line 1 column 2",
            ),
            (
                r#"{"batchItemFailures":{}}"#,
                "batchItemFailures is not a list",
            ),
            (
                r#"{"batchItemFailures":[{}]}"#,
                "batchItemFailures[0] has no itemIdentifier object",
            ),
            (
                r#"{"batchItemFailures":[{"itemIdentifier":{"offset":5}}]}"#,
                "batchItemFailures[0].itemIdentifier.partition is missing or not text",
            ),
            (
                r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"orders-0","offset":5.5}}]}"#,
                "batchItemFailures[0].itemIdentifier.offset is missing or not an integer",
            ),
            (
                r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"orders-1","offset":5}}]}"#,
                "batchItemFailures[0] names orders-1 offset 5, which is not in the batch",
            ),
        ];
        for (body, note) in cases {
            assert_eq!(
                outcome(body),
                Reading {
                    outcome: Outcome::Failed,
                    note: Some(note.to_owned())
                },
                "{body}"
            );
        }
    }

    #[test]
    fn function_errors_fail_the_whole_batch() {
        let body = br#"{"errorType":"invalid-event","errorMessage":"boom"}"#;
        assert_eq!(
            read(500, None, body, &batch()).note.as_deref(),
            Some(
                r#"the function failed (Unhandled, status 500): {"errorType":"invalid-event","errorMessage":"boom"}"#
            )
        );
        let reading = read(200, Some("Unhandled"), b"", &batch());
        assert_eq!(reading.outcome, Outcome::Failed);
        assert_eq!(
            reading.note.as_deref(),
            Some("the function failed (Unhandled, status 200): no answer")
        );
    }
}
