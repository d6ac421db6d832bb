//! The whole path on one machine: confluent-kafka's Python producer and serializers write
//! records to a real Kafka-protocol broker (tansu, with its sqlite storage), `lambda-kafka
//! run` reads them as an event source mapping does and invokes `kafka-function` under
//! cargo-lambda's emulator, and the tests check what the function logged, what was kept
//! of the poison record, and the offsets committed to the broker.
//!
//! Needs `tansu` (`cargo install tansu --locked --features dynostore,libsql`), `cargo
//! lambda`, and Python's `confluent-kafka[avro,protobuf,json]` with `grpcio-tools`.
//! Without them the tests say they were skipped, unless `LAMBDA_KAFKA_BROKER=required` (as
//! `.ci/run` sets), which makes that a failure.
//!
//! The runner is the `lambda-kafka` binary the workspace's tests build beside the
//! function's (`cargo test --workspace`); run alone, this test builds it when it is
//! missing, so after changing the CLI run `cargo build -p lambda-kafka-cli` first.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::broker::{
    Broker, Coordinates, Produced, broker_tools_available, ends, logged, produce, run_to_end,
    runner, runner_binary,
};
use common::start_logging;
use serde_json::Value;

#[test]
fn every_format_arrives_decoded_once_and_the_poison_record_is_kept() {
    if !broker_tools_available() {
        return;
    }
    let broker = Broker::start("formats");
    let avro = vec![
        ("KEY_FORMAT", "avro"),
        ("VALUE_FORMAT", "avro"),
        ("WIRE_FORMAT", "confluent"),
    ];
    let mut produced_of: BTreeMap<&str, Produced> = BTreeMap::new();
    // (topic's format, case, the function's settings, the record format of the mapping's
    // Confluent registry integration, if it has one).
    for (format, case, env, record_format) in [
        ("json", "json", vec![("VALUE_FORMAT", "json")], None),
        ("avro", "avro", avro.clone(), None),
        (
            "protobuf",
            "protobuf",
            vec![("VALUE_FORMAT", "protobuf")],
            None,
        ),
        ("avro", "avro-source", avro, Some("source")),
        // The JSON record format hands Avro and Protobuf over as JSON text: the function
        // reads it with the JSON codec.
        (
            "avro",
            "avro-json",
            vec![("KEY_FORMAT", "json"), ("VALUE_FORMAT", "json")],
            Some("json"),
        ),
        (
            "protobuf",
            "protobuf-json",
            vec![("VALUE_FORMAT", "json")],
            Some("json"),
        ),
    ] {
        let source_shape = record_format == Some("source");
        let topic = format!("orders-{format}");
        if !produced_of.contains_key(format) {
            broker.create_topic(&topic, 2);
            produced_of.insert(format, produce(&broker, format, 0));
        }
        let produced = &produced_of[format];
        let registry = kafka_vectors::registry::TestRegistry::start(produced.registry.clone());
        let mut env = env;
        env.push(("SCHEMA_REGISTRY_URL", registry.url()));
        let log = broker.dir.join(format!("function-{case}.log"));
        let failures = broker.dir.join(format!("failed-{case}"));
        let (guard, emulator, function, port) = start_logging(&env, Some(&log));
        let group = format!("e2e-{case}");
        let failures_arg = failures.display().to_string();
        let mut options = vec![
            "--batch-size",
            "5",
            "--batching-window-ms",
            "100",
            "--max-retries",
            "2",
            "--on-failure-dir",
            &failures_arg,
            "--exit-when-idle",
            "2",
        ];
        if let Some(record_format) = record_format {
            options.extend([
                "--schema-registry",
                registry.url(),
                "--record-format",
                record_format,
            ]);
        }
        let output = run_to_end(runner(&broker, &topic, &group, port, &options));
        drop((function, emulator, guard));
        let said = String::from_utf8_lossy(&output.stderr);

        // Every record arrived decoded, exactly once; the poison record never decoded.
        let seen = logged(&log);
        let mut by_place: BTreeMap<Coordinates, (Value, Value)> = BTreeMap::new();
        for (place, key, value) in seen.clone() {
            assert!(
                by_place.insert(place.clone(), (key, value)).is_none(),
                "{case}: {place:?} was delivered twice\n{said}"
            );
        }
        assert_eq!(by_place.len(), produced.records.len(), "{case}: {said}");
        for (place, (key, value)) in &produced.records {
            let got = by_place
                .get(place)
                .unwrap_or_else(|| panic!("{case}: {place:?} never arrived\n{said}"));
            assert_eq!(&got.0, key, "{case}: the key of {place:?}");
            assert_eq!(&got.1, value, "{case}: the value of {place:?}");
        }
        // Records of one partition arrived in offset order.
        for partition in 0..2 {
            let offsets: Vec<i64> = seen
                .iter()
                .filter(|((_, p, _), _, _)| *p == partition)
                .map(|((_, _, o), _, _)| *o)
                .collect();
            assert!(
                offsets.is_sorted(),
                "{format}: partition {partition}: {offsets:?}"
            );
        }

        // The poison record: tried three times (two retries), then kept as the
        // on-failure destination keeps it; the others were not retried.
        let kept: Vec<PathBuf> = std::fs::read_dir(&failures)
            .map(|dir| dir.map(|e| e.expect("entry").path()).collect())
            .unwrap_or_default();
        match &produced.poison {
            None => assert!(kept.is_empty(), "{format}: {kept:?}"),
            Some((topic, partition, offset)) => {
                assert_eq!(kept.len(), 1, "{format}: {kept:?}\n{said}");
                let text = std::fs::read(&kept[0]).expect("the kept batch");
                let record =
                    lambda_kafka::event::OnFailureRecord::from_slice(&text).expect("a record");
                assert_eq!(record.request_context.condition, "RetryAttemptsExhausted");
                assert_eq!(record.request_context.approximate_invoke_count, 3);
                let info = &record.kafka_batch_info.records_info[&format!("{topic}-{partition}")];
                assert_eq!(info.first_record_offset, offset.to_string());
                let event = record.event().expect("its event");
                let held: Vec<_> = event
                    .records()
                    .map(|r| (r.topic().to_owned(), i64::from(r.partition()), r.offset()))
                    .collect();
                assert_eq!(held, [(topic.clone(), *partition, *offset)]);
                assert!(said.contains("(attempt 3): 1 failed"), "{said}");
                assert!(!said.contains("(attempt 4)"), "{said}");
            }
        }

        if source_shape {
            // What the function was given: the events printed by a runner of another group.
            let mut command = Command::new(runner_binary());
            command
                .args([
                    "run",
                    "--bootstrap-servers",
                    &broker.address,
                    "--topic",
                    &topic,
                ])
                .args([
                    "--consumer-group",
                    "e2e-print",
                    "--starting-position",
                    "trim-horizon",
                ])
                .args(["--print", "--exit-when-idle", "2"])
                .args(["--schema-registry", registry.url()])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            let printed = run_to_end(command);
            let mut with_metadata = 0;
            for line in String::from_utf8_lossy(&printed.stdout).lines() {
                let event = lambda_kafka::KafkaEvent::from_str(line).expect("an event");
                for record in event.records() {
                    let Some(meta) = record.schema_metadata(lambda_kafka::event::Part::Value)
                    else {
                        continue;
                    };
                    with_metadata += 1;
                    assert_eq!(
                        meta.data_format().map(ToString::to_string).as_deref(),
                        Some("AVRO")
                    );
                    assert!(meta.schema_id().is_some_and(|id| id.parse::<u32>().is_ok()));
                    // The header is gone: the datum starts at once.
                    let value = record.value().as_base64().expect("a value");
                    assert!(!value.starts_with("AA"), "{value}");
                }
            }
            // One record in three carries the classic id (the others a GUID, left as is).
            assert_eq!(with_metadata, produced.records.len() / 3);
            // A printed batch counts as processed: its offsets were committed.
            assert_eq!(
                broker.committed("e2e-print", &topic, 2),
                ends(produced.records.keys().cloned(), 2)
            );
        }

        // Committed: past every record, the discarded poison record included.
        let all = produced
            .records
            .keys()
            .cloned()
            .chain(produced.poison.clone());
        assert_eq!(
            broker.committed(&group, &topic, 2),
            ends(all, 2),
            "{format}: committed offsets\n{said}"
        );
    }
}

#[test]
fn a_runner_killed_mid_stream_loses_nothing() {
    if !broker_tools_available() {
        return;
    }
    let broker = Broker::start("restart");
    broker.create_topic("orders-plain", 2);
    let produced = produce(&broker, "plain", 400);
    let log = broker.dir.join("function.log");
    let (_guard, _emulator, _function, port) =
        start_logging(&[("VALUE_FORMAT", "json")], Some(&log));
    let batch = ["--batch-size", "5", "--batching-window-ms", "0"];

    // The first runner is killed (no chance to commit anything more) mid-stream.
    let mut first = runner(&broker, "orders-plain", "restart", port, &batch)
        .spawn()
        .expect("lambda-kafka run starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while logged(&log).len() < 100 {
        assert!(Instant::now() < deadline, "the function got too little");
        assert!(
            first.try_wait().expect("runner").is_none(),
            "the runner stopped"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    first.kill().expect("killed");
    let _ = first.wait();
    let before = logged(&log).len();
    let committed = broker.committed("restart", "orders-plain", 2);
    assert!(
        before < produced.records.len(),
        "the runner was killed after the end ({before} records)"
    );
    assert!(committed.iter().sum::<i64>() <= i64::try_from(before).expect("count"));

    // The second goes on from the commit.
    let mut idle = batch.to_vec();
    idle.extend(["--exit-when-idle", "2"]);
    run_to_end(runner(&broker, "orders-plain", "restart", port, &idle));
    let seen = logged(&log);
    let mut count: BTreeMap<Coordinates, usize> = BTreeMap::new();
    for (place, _, _) in &seen {
        *count.entry(place.clone()).or_default() += 1;
    }
    for place in produced.records.keys() {
        assert!(count.contains_key(place), "{place:?} was lost");
    }
    // At most the batch in flight when the runner was killed came twice.
    let twice: Vec<_> = count.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.len() <= 5, "delivered again: {twice:?}");
    assert_eq!(
        broker.committed("restart", "orders-plain", 2),
        ends(produced.records.keys().cloned(), 2)
    );
}
