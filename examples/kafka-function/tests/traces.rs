//! The producer's trace continued, as in production: a Python producer instrumented with
//! OpenTelemetry writes records inside its PRODUCER spans, the propagators putting the
//! span's context in each record's headers (W3C `traceparent`, or B3's `X-B3-*`); a real
//! broker (tansu) holds them; `lambda-kafka run` feeds them to `kafka-function` under
//! cargo-lambda's emulator; the function exports its spans over OTLP/HTTP to a real OTLP
//! receiver (`otlp_sink.py`, decoding opentelemetry-proto's `ExportTraceServiceRequest`),
//! prints EMF metrics and JSON logs. The test checks that every record's span links
//! exactly its producer's span, with the messaging attributes, and that the metrics and
//! the poison record's log line say what happened.
//!
//! Needs what `source.rs` needs, and Python's `opentelemetry-sdk`, `opentelemetry-proto`
//! and `opentelemetry-propagator-b3`. Without them the test says it was skipped, unless
//! `LAMBDA_KAFKA_BROKER=required` (as `.ci/run` sets).

mod common;

use std::collections::BTreeMap;
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::broker::{Broker, broker_tools_available, run_to_end, runner};
use common::{Running, free_port, start_logging};
use serde_json::Value;

/// Records produced; the fifth (offset order within its partition aside) is the poison.
const COUNT: usize = 9;
/// OTLP's `SPAN_KIND_CONSUMER`.
const CONSUMER: i64 = 5;

fn python_otel_available() -> bool {
    let found = Command::new("python3")
        .args([
            "-c",
            "import opentelemetry.sdk.trace, opentelemetry.proto, opentelemetry.propagators.b3",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        let missing =
            "opentelemetry-sdk, opentelemetry-proto and opentelemetry-propagator-b3 (pip)";
        assert!(
            std::env::var("LAMBDA_KAFKA_BROKER").as_deref() != Ok("required"),
            "{missing} are not installed"
        );
        eprintln!("SKIPPED: {missing} are not installed; the traces test did not run");
    }
    found
}

fn script(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(name)
        .display()
        .to_string()
}

/// The OTLP receiver on a free port, writing the spans it gets to `out`.
fn start_sink(out: &Path) -> (Running, u16) {
    let port = free_port();
    let sink = Running(
        Command::new("python3")
            .args([&script("otlp_sink.py"), &port.to_string()])
            .arg(out)
            .stdout(Stdio::null())
            .spawn()
            .expect("the OTLP sink starts"),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "the OTLP sink did not open {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (sink, port)
}

/// Each line of `path` that is a JSON object.
fn json_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(Value::is_object)
        .collect()
}

fn links(span: &Value) -> Vec<(String, String)> {
    span["links"]
        .as_array()
        .expect("links")
        .iter()
        .map(|l| {
            (
                l[0].as_str().expect("id").to_owned(),
                l[1].as_str().expect("id").to_owned(),
            )
        })
        .collect()
}

#[test]
fn every_record_span_links_its_producer_and_the_metrics_count_the_batch() {
    if !broker_tools_available() || !python_otel_available() {
        return;
    }
    let broker = Broker::start("traces");
    let topic = "orders-traced";
    broker.create_topic(topic, 2);
    let produced_file = broker.dir.join("produced-traced.json");
    let output = Command::new("python3")
        .args([&script("produce_traced.py"), &broker.address, topic])
        .arg(&produced_file)
        .arg(COUNT.to_string())
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "produce_traced.py: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let produced: Value =
        serde_json::from_str(&std::fs::read_to_string(&produced_file).expect("its output"))
            .expect("JSON");
    let produced = produced["records"].as_array().expect("records").clone();
    let producer_of: BTreeMap<(i64, i64), &Value> = produced
        .iter()
        .map(|r| {
            (
                (
                    r["partition"].as_i64().expect("p"),
                    r["offset"].as_i64().expect("o"),
                ),
                r,
            )
        })
        .collect();
    assert_eq!(producer_of.len(), COUNT);

    let spans_file = broker.dir.join("spans.jsonl");
    let (_sink, sink_port) = start_sink(&spans_file);
    let endpoint = format!("http://127.0.0.1:{sink_port}");
    let log = broker.dir.join("function-traced.log");
    let env = [
        ("VALUE_FORMAT", "json"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
        ("OTEL_SERVICE_NAME", "orders-consumer"),
        ("POWERTOOLS_METRICS_NAMESPACE", "shop"),
        ("POWERTOOLS_SERVICE_NAME", "orders-consumer"),
        ("AWS_LAMBDA_LOG_FORMAT", "JSON"),
    ];
    let (guard, emulator, function, port) = start_logging(&env, Some(&log));
    let failures = broker.dir.join("failed-traced").display().to_string();
    let options = [
        "--batch-size",
        "4",
        "--batching-window-ms",
        "100",
        "--max-retries",
        "0",
        "--on-failure-dir",
        &failures,
        "--exit-when-idle",
        "2",
    ];
    let ran = run_to_end(runner(&broker, topic, "e2e-traced", port, &options));
    let said = String::from_utf8_lossy(&ran.stderr).into_owned();

    // The spans are flushed after each invocation: wait until every record's is in.
    let record_spans = |spans: &[Value]| -> Vec<Value> {
        spans
            .iter()
            .filter(|s| !s["attributes"]["messaging.kafka.offset"].is_null())
            .cloned()
            .collect()
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut spans = json_lines(&spans_file);
    while record_spans(&spans).len() < COUNT && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        spans = json_lines(&spans_file);
    }
    drop((function, emulator, guard));
    let records = record_spans(&spans);
    assert_eq!(
        records.len(),
        COUNT,
        "one span per record\n{said}\n{spans:#?}"
    );

    let by_id: BTreeMap<&str, &Value> = spans
        .iter()
        .map(|s| (s["span_id"].as_str().expect("id"), s))
        .collect();
    for span in &records {
        let a = &span["attributes"];
        let place = (
            a["messaging.destination.partition.id"]
                .as_str()
                .expect("the partition id is a string")
                .parse::<i64>()
                .expect("a number"),
            a["messaging.kafka.offset"]
                .as_i64()
                .expect("the offset is an int"),
        );
        let producer = producer_of
            .get(&place)
            .unwrap_or_else(|| panic!("a span for a record never produced: {place:?}"));
        assert_eq!(
            links(span),
            [(
                producer["trace_id"].as_str().expect("id").to_owned(),
                producer["span_id"].as_str().expect("id").to_owned()
            )],
            "{place:?} ({}) links exactly its producer",
            producer["carrier"]
        );
        assert_eq!(span["name"], format!("process {topic}"));
        assert_eq!(span["kind"], CONSUMER);
        assert_eq!(span["service"], "orders-consumer");
        assert_eq!(a["messaging.system"], "kafka");
        assert_eq!(a["messaging.operation.name"], "process");
        assert_eq!(a["messaging.operation.type"], "process");
        assert_eq!(a["messaging.destination.name"], topic);
        if producer["poison"] == true {
            assert_eq!(a["error.type"], "deserialization", "{span}");
            assert_eq!(span["status"], 2, "STATUS_CODE_ERROR");
        } else {
            assert!(a["error.type"].is_null(), "{span}");
        }
        // The record's parent is its batch span, whose parent is the invocation's.
        let batch = by_id[span["parent_span_id"].as_str().expect("a parent")];
        assert_eq!(batch["kind"], CONSUMER);
        assert!(batch["attributes"]["messaging.batch.message_count"].as_i64() >= Some(1));
        assert_eq!(batch["attributes"]["faas.trigger"], "pubsub");
        assert!(
            links(batch).contains(&links(span)[0]),
            "the batch span links its records' producers"
        );
        // Above it, the runtime's request span and, at the root, the invocation span of
        // lambda_runtime's OpenTelemetryLayer.
        let mut ancestor = batch;
        while let Some(parent) = by_id.get(ancestor["parent_span_id"].as_str().unwrap_or_default())
        {
            ancestor = parent;
        }
        assert_eq!(
            ancestor["attributes"]["faas.trigger"], "pubsub",
            "{ancestor}"
        );
        assert_eq!(ancestor["trace_id"], span["trace_id"]);
    }

    // The metrics: one EMF batch document per invocation; together they count every
    // record, and the poison one as a deserialization failure.
    let lines = json_lines(&log);
    let emf: Vec<&Value> = lines.iter().filter(|l| !l["_aws"].is_null()).collect();
    let sum = |name: &str| -> i64 { emf.iter().filter_map(|d| d[name].as_i64()).sum() };
    assert_eq!(
        sum("RecordsReceived"),
        i64::try_from(COUNT).expect("count"),
        "{emf:#?}"
    );
    let batch_documents: Vec<_> = emf
        .iter()
        .filter(|d| !d["RecordsReceived"].is_null())
        .collect();
    assert_eq!(
        sum("RecordsDecoded"),
        i64::try_from(COUNT - 1).expect("count")
    );
    assert_eq!(
        emf.iter()
            .filter(|d| d["error_kind"] == "deserialization")
            .map(|d| d["RecordsFailed"].as_i64().expect("a count"))
            .sum::<i64>(),
        1
    );
    for document in &batch_documents {
        assert_eq!(
            document["_aws"]["CloudWatchMetrics"][0]["Namespace"],
            "shop"
        );
        assert_eq!(document["service"], "orders-consumer");
    }
    assert!(
        emf.iter()
            .any(|d| d["topic"] == topic && d["OldestRecordAge"].as_f64() >= Some(0.0))
    );

    // The log: the poison record named once, in JSON, with its producer's trace id.
    let poison = produced
        .iter()
        .find(|r| r["poison"] == true)
        .expect("a poison record");
    let warnings: Vec<&Value> = lines
        .iter()
        .filter(|l| l["level"] == "WARN" && !l["fields"]["kind"].is_null())
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    let fields = &warnings[0]["fields"];
    assert_eq!(fields["topic"], topic);
    assert_eq!(fields["partition"], poison["partition"]);
    assert_eq!(fields["offset"], poison["offset"]);
    assert_eq!(fields["side"], "value");
    assert_eq!(fields["kind"], "deserialization");
    assert_eq!(fields["trace_id"], poison["trace_id"]);
    assert!(
        !warnings[0].to_string().contains("not json"),
        "no payload bytes in the log"
    );

    println!("{}", render(&spans, &produced));
}

/// The trace as text: each invocation, its batch spans, their records with the producer
/// span each links.
fn render(spans: &[Value], produced: &[Value]) -> String {
    let children = |parent: &str| -> Vec<&Value> {
        spans
            .iter()
            .filter(|s| s["parent_span_id"] == parent)
            .collect()
    };
    let mut out = String::new();
    for invocation in children("")
        .iter()
        .filter(|s| !s["attributes"]["faas.trigger"].is_null())
    {
        out.push_str(&format!(
            "trace {}\n  {} (invocation, faas.trigger=pubsub)\n",
            invocation["trace_id"].as_str().unwrap_or_default(),
            invocation["name"].as_str().unwrap_or_default()
        ));
        let request = children(invocation["span_id"].as_str().unwrap_or_default());
        let Some(request) = request.first() else {
            continue;
        };
        out.push_str(&format!(
            "   {}\n",
            request["name"].as_str().unwrap_or_default()
        ));
        for batch in children(request["span_id"].as_str().unwrap_or_default()) {
            out.push_str(&format!(
                "    {} [CONSUMER] messaging.batch.message_count={} links={}\n",
                batch["name"].as_str().unwrap_or_default(),
                batch["attributes"]["messaging.batch.message_count"],
                links(batch).len()
            ));
            for record in children(batch["span_id"].as_str().unwrap_or_default()) {
                let link = links(record).first().cloned().unwrap_or_default();
                let carrier = produced
                    .iter()
                    .find(|p| p["span_id"] == link.1.as_str())
                    .map_or("?", |p| p["carrier"].as_str().unwrap_or("?"));
                let error = &record["attributes"]["error.type"];
                out.push_str(&format!(
                    "      {} [CONSUMER] partition={} offset={}{} -> link: producer span {} of trace {} ({carrier})\n",
                    record["name"].as_str().unwrap_or_default(),
                    record["attributes"]["messaging.destination.partition.id"].as_str().unwrap_or_default(),
                    record["attributes"]["messaging.kafka.offset"],
                    if error.is_null() { String::new() } else { format!(" error.type={}", error.as_str().unwrap_or_default()) },
                    link.1,
                    link.0,
                ));
            }
        }
    }
    out
}
