//! The event source mapping's controls in `lambda-kafka run`, against a real broker:
//! filters (records no filter delivers never reach the function, and their offsets are
//! committed with the others') and bisection of a failed batch. confluent-kafka's Python
//! producer writes the records to tansu; the function runs under cargo-lambda's emulator.
//!
//! Needs what `source.rs` needs; without it the tests say they were skipped, unless
//! `LAMBDA_KAFKA_BROKER=required` (as `.ci/run` sets).

mod common;

use std::collections::BTreeSet;

use common::broker::{Broker, broker_tools_available, ends, logged, produce, run_to_end, runner};
use common::start_logging;
use serde_json::Value;

/// What one filtered run gave.
struct Filtered {
    /// The (partition, offset) of each record the function got.
    got: BTreeSet<(i64, i64)>,
    /// Every record produced: partition, offset, value.
    all: Vec<(i64, i64, Value)>,
    /// The committed offsets, and the end of each partition.
    committed: Vec<i64>,
    ends: Vec<i64>,
    /// What the runner said.
    said: String,
}

/// Runs the topic of `format` (`count` records) through the mapping with `filters` and
/// `VALUE_FORMAT=value_format`.
fn filtered(format: &str, count: usize, value_format: &str, filters: &[&str]) -> Filtered {
    let broker = Broker::start(&format!("filter-{format}-{}", filters.len()));
    let topic = format!("orders-{format}");
    broker.create_topic(&topic, 2);
    let produced = produce(&broker, format, count);
    let log = broker.dir.join("function.log");
    let (guard, emulator, function, port) =
        start_logging(&[("VALUE_FORMAT", value_format)], Some(&log));
    let mut options = vec![
        "--batch-size",
        "50",
        "--batching-window-ms",
        "100",
        "--exit-when-idle",
        "2",
    ];
    for filter in filters {
        options.extend(["--filter", filter]);
    }
    let ran = run_to_end(runner(&broker, &topic, "filtered", port, &options));
    drop((function, emulator, guard));
    let got = logged(&log)
        .into_iter()
        .map(|((_, p, o), _, _)| (p, o))
        .collect();
    let all = produced
        .records
        .iter()
        .map(|((_, p, o), (_, value))| (*p, *o, value.clone()))
        .collect();
    Filtered {
        got,
        all,
        committed: broker.committed("filtered", &topic, 2),
        ends: ends(produced.records.keys().cloned(), 2),
        said: String::from_utf8_lossy(&ran.stderr).into_owned(),
    }
}

#[test]
fn a_json_filter_delivers_exactly_its_records_and_commits_them_all() {
    if !broker_tools_available() {
        return;
    }
    let Filtered {
        got,
        all,
        committed,
        ends,
        said,
    } = filtered("kinds", 300, "json", &[r#"{"value": {"kind": ["order"]}}"#]);
    let orders: BTreeSet<(i64, i64)> = all
        .iter()
        .filter(|(_, _, v)| v["kind"] == "order")
        .map(|(p, o, _)| (*p, *o))
        .collect();
    assert_eq!(orders.len(), 100);
    assert_eq!(got, orders, "{said}");
    assert_eq!(
        committed, ends,
        "every offset committed, the dropped ones too\n{said}"
    );
    assert!(
        said.contains("200 records passed no filter and were not sent"),
        "{said}"
    );
}

#[test]
fn a_string_filter_on_text_values_and_a_json_pattern_that_does_not_apply() {
    if !broker_tools_available() {
        return;
    }
    let Filtered {
        got,
        all,
        committed,
        ends,
        said,
    } = filtered(
        "text",
        30,
        "string",
        &[r#"{"value": [{"prefix": "ERROR"}]}"#],
    );
    let errors: BTreeSet<(i64, i64)> = all
        .iter()
        .filter(|(_, _, v)| v.as_str().is_some_and(|t| t.starts_with("ERROR")))
        .map(|(p, o, _)| (*p, *o))
        .collect();
    assert_eq!(errors.len(), 10);
    assert_eq!(got, errors, "{said}");
    assert_eq!(committed, ends, "{said}");

    // A JSON pattern on values that are not JSON does not apply: every record passes
    // (Lambda applies "metadata filters only", and a Kafka pattern has none).
    let Filtered {
        got,
        all,
        committed,
        ends,
        said,
    } = filtered(
        "text",
        30,
        "string",
        &[r#"{"value": {"level": ["ERROR"]}}"#],
    );
    assert_eq!(got.len(), all.len(), "{said}");
    assert_eq!(committed, ends, "{said}");
}

#[test]
fn bisection_isolates_one_poison_record_among_64_in_13_invocations() {
    if !broker_tools_available() {
        return;
    }
    let broker = Broker::start("bisect");
    let topic = "orders-bisect";
    broker.create_topic(topic, 1);
    let produced = produce(&broker, "bisect", 64);
    // A function without partial batch responses: a poison record fails its batch.
    let (guard, emulator, function, port) = start_logging(
        &[("VALUE_FORMAT", "json"), ("FAIL_WHOLE_BATCH", "true")],
        None,
    );
    let failures = broker.dir.join("failed");
    let failures_arg = failures.display().to_string();
    let options = [
        "--batch-size",
        "64",
        "--batching-window-ms",
        "2000",
        "--max-retries",
        "0",
        "--bisect-batch-on-function-error",
        "--on-failure-dir",
        &failures_arg,
        "--exit-when-idle",
        "2",
    ];
    let ran = run_to_end(runner(&broker, topic, "bisect", port, &options));
    drop((function, emulator, guard));
    let said = String::from_utf8_lossy(&ran.stderr);
    let sizes: Vec<usize> = said
        .lines()
        .filter_map(|l| {
            l.split_once("invocation of ")?
                .1
                .split_once(' ')?
                .0
                .parse()
                .ok()
        })
        .collect();
    // The whole batch, then each half of each of the six levels once (the half without
    // the poison record succeeds, the other is split), the poison record alone last.
    assert_eq!(
        sizes,
        [64, 32, 32, 16, 8, 4, 4, 2, 1, 1, 2, 8, 16],
        "{said}"
    );
    let kept: Vec<_> = std::fs::read_dir(&failures)
        .expect("the failure folder")
        .collect();
    assert_eq!(kept.len(), 1, "{said}");
    let text = std::fs::read(kept[0].as_ref().expect("an entry").path()).expect("the record");
    let record = lambda_kafka::event::OnFailureRecord::from_slice(&text).expect("a record");
    let held: Vec<i64> = record
        .event()
        .expect("its event")
        .records()
        .map(|r| r.offset())
        .collect();
    assert_eq!(held, [37]);
    assert_eq!(record.request_context.approximate_invoke_count, 1);
    assert_eq!(
        broker.committed("bisect", topic, 1),
        ends(produced.records.keys().cloned(), 1),
        "{said}"
    );
}

#[test]
fn at_timestamp_starts_at_the_first_record_at_or_after_it() {
    if !broker_tools_available() {
        return;
    }
    let broker = Broker::start("at-timestamp");
    let topic = "orders-plain";
    broker.create_topic(topic, 2);
    let before = produce(&broker, "plain", 6);
    // The next whole second, once it has begun: the later records are at or after it.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("a clock after 1970");
    let start = now.as_secs() + 1;
    std::thread::sleep(
        std::time::Duration::from_secs(start) - now + std::time::Duration::from_millis(50),
    );
    let after = produce(&broker, "plain", 6);
    let log = broker.dir.join("function.log");
    let (guard, emulator, function, port) = start_logging(&[("VALUE_FORMAT", "json")], Some(&log));
    let start_arg = start.to_string();
    let options = [
        "--batching-window-ms",
        "100",
        "--exit-when-idle",
        "2",
        "--starting-position",
        "at-timestamp",
        "--starting-position-timestamp",
        &start_arg,
    ];
    let command = runner(&broker, topic, "at-timestamp", port, &options);
    let ran = run_to_end(command);
    drop((function, emulator, guard));
    let said = String::from_utf8_lossy(&ran.stderr);
    let got: BTreeSet<(i64, i64)> = logged(&log)
        .into_iter()
        .map(|((_, p, o), _, _)| (p, o))
        .collect();
    let wanted: BTreeSet<(i64, i64)> = after.records.keys().map(|(_, p, o)| (*p, *o)).collect();
    assert_eq!(before.records.len(), 6);
    assert_eq!(
        got, wanted,
        "only the records at or after the timestamp\n{said}"
    );
}

/// The records of `topic`, read from its start: (key, value) pairs.
fn read_topic(broker: &Broker, topic: &str) -> Vec<(Option<Vec<u8>>, Vec<u8>)> {
    let script = "import sys, json, base64; from confluent_kafka import Consumer\n\
         c = Consumer({'bootstrap.servers': sys.argv[1], 'group.id': 'read-dlq', 'auto.offset.reset': 'earliest'})\n\
         c.subscribe([sys.argv[2]]); got = []; idle = 0\n\
         while idle < 5:\n    m = c.poll(1.0)\n    if m is None:\n        idle += 1; continue\n    if m.error(): continue\n    idle = 0; got.append([None if m.key() is None else base64.b64encode(m.key()).decode(), base64.b64encode(m.value()).decode()])\n\
         print(json.dumps(got)); c.close()";
    let pairs: Vec<(Option<String>, String)> =
        common::broker::python_json(script, &[&broker.address, topic]);
    let decode = |text: &str| {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .expect("base64")
    };
    pairs
        .into_iter()
        .map(|(k, v)| (k.as_deref().map(decode), decode(&v)))
        .collect()
}

#[test]
fn a_poison_record_lands_on_the_on_failure_topic_with_its_key() {
    if !broker_tools_available() {
        return;
    }
    let broker = Broker::start("on-failure-topic");
    let topic = "orders-json";
    broker.create_topic(topic, 2);
    broker.create_topic("orders-dlq", 2);
    let produced = produce(&broker, "json", 0);
    let (_, poison_partition, poison_offset) = produced.poison.clone().expect("a poison record");
    // A topic the cluster does not have is refused at start.
    let missing = runner(
        &broker,
        topic,
        "dlq",
        9,
        &["--on-failure-topic", "no-such-dlq"],
    )
    .output()
    .expect("the runner runs");
    assert_eq!(missing.status.code(), Some(64));
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains(
            "lambda-kafka: --on-failure-topic no-such-dlq: the topic does not exist on the cluster"
        ),
        "{}",
        String::from_utf8_lossy(&missing.stderr)
    );
    let (guard, emulator, function, port) = start_logging(&[("VALUE_FORMAT", "json")], None);
    let options = [
        "--batching-window-ms",
        "100",
        "--max-retries",
        "1",
        "--on-failure-topic",
        "orders-dlq",
        "--exit-when-idle",
        "2",
    ];
    let ran = run_to_end(runner(&broker, topic, "dlq", port, &options));
    drop((function, emulator, guard));
    let said = String::from_utf8_lossy(&ran.stderr);
    assert!(
        said.contains("written to --on-failure-topic orders-dlq"),
        "{said}"
    );
    let kept = read_topic(&broker, "orders-dlq");
    assert_eq!(kept.len(), 1, "one record per discarded record\n{said}");
    let (key, value) = &kept[0];
    assert_eq!(key.as_deref(), Some(&b"poison"[..]), "the original key");
    let document: Value = serde_json::from_slice(value).expect("a JSON document");
    assert_eq!(document["requestContext"]["condition"], "RetriesExhausted");
    assert_eq!(document["requestContext"]["approximateInvokeCount"], 2);
    assert_eq!(document["KafkaBatchInfo"]["batchSize"], 1);
    assert_eq!(
        document["KafkaBatchInfo"]["recordInfo"]["offset"],
        poison_offset.to_string()
    );
    assert!(document["payload"].is_object());
    // `lambda-kafka decode` reads it as the event it holds.
    let mut decode = std::process::Command::new(common::broker::runner_binary());
    decode
        .args(["decode", "--value-format", "bytes", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = decode.spawn().expect("decode runs");
    {
        use std::io::Write as _;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(value)
            .expect("written");
    }
    let output = child.wait_with_output().expect("decode ends");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let line: Value = serde_json::from_slice(&output.stdout).expect("one line");
    assert_eq!(line["partition"], poison_partition);
    assert_eq!(line["offset"], poison_offset);
    assert_eq!(line["key"], "poison");
}
