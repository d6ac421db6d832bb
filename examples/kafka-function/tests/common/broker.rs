//! A tansu broker for the tests that need one, and `lambda-kafka run` feeding the function
//! from it.

use std::collections::BTreeMap;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{Running, emulator_available, free_port};

/// What the tests need besides the emulator; `false` (said SKIPPED) when one is missing
/// and not required.
pub(crate) fn broker_tools_available() -> bool {
    let tansu = Command::new("tansu")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let python = Command::new("python3")
        .args([
            "-c",
            "import confluent_kafka.schema_registry.avro, grpc_tools",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let missing = match (tansu, python) {
        (true, true) => return emulator_available(),
        (false, _) => "tansu (cargo install tansu --locked --features dynostore,libsql)",
        (true, false) => "confluent-kafka[avro,protobuf,json] and grpcio-tools (pip)",
    };
    assert!(
        std::env::var("LAMBDA_KAFKA_BROKER").as_deref() != Ok("required"),
        "{missing} is not installed"
    );
    eprintln!("SKIPPED: {missing} is not installed; the broker tests did not run");
    false
}

/// A tansu broker on a free port, storing in a fresh sqlite file.
pub(crate) struct Broker {
    _process: Running,
    pub(crate) address: String,
    pub(crate) dir: PathBuf,
}

impl Broker {
    pub(crate) fn start(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("lambda-kafka-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a scratch folder");
        let port = free_port();
        let address = format!("127.0.0.1:{port}");
        let url = format!("tcp://{address}");
        let log = std::fs::File::create(dir.join("broker.log")).expect("a log");
        let process = Running(
            Command::new("tansu")
                .args(["broker", "--storage-engine", "sqlite://tansu.db"])
                .args(["--listener-url", &url, "--advertised-listener-url", &url])
                .current_dir(&dir)
                .stdout(Stdio::from(log.try_clone().expect("log")))
                .stderr(Stdio::from(log))
                .spawn()
                .expect("tansu starts"),
        );
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(&address).is_err() {
            assert!(Instant::now() < deadline, "tansu did not open {address}");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self {
            _process: process,
            address,
            dir,
        }
    }

    pub(crate) fn create_topic(&self, topic: &str, partitions: u32) {
        let status = Command::new("tansu")
            .args([
                "topic",
                "create",
                topic,
                "--partitions",
                &partitions.to_string(),
            ])
            .args(["--broker", &format!("tcp://{}", self.address)])
            .stdout(Stdio::null())
            .status()
            .expect("tansu topic create runs");
        assert!(status.success(), "topic {topic} was not created");
    }

    /// The group's committed offset of each partition, as the broker answers
    /// (OffsetFetch); -1001 when none.
    pub(crate) fn committed(&self, group: &str, topic: &str, partitions: i32) -> Vec<i64> {
        let script = "import sys, json; from confluent_kafka import Consumer, TopicPartition\n\
             c = Consumer({'bootstrap.servers': sys.argv[1], 'group.id': sys.argv[2]})\n\
             got = c.committed([TopicPartition(sys.argv[3], p) for p in range(int(sys.argv[4]))], timeout=20)\n\
             print(json.dumps([tp.offset for tp in got])); c.close()";
        python_json(
            script,
            &[&self.address, group, topic, &partitions.to_string()],
        )
    }
}

/// The `lambda-kafka` binary: beside the function's when the workspace's tests built it,
/// built otherwise.
pub(crate) fn runner_binary() -> PathBuf {
    let beside = Path::new(env!("CARGO_BIN_EXE_kafka-function")).with_file_name("lambda-kafka");
    if !beside.exists() {
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args([
                "build",
                "--quiet",
                "-p",
                "lambda-kafka-cli",
                "--features",
                "source",
                "--bin",
                "lambda-kafka",
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("cargo runs");
        assert!(status.success(), "lambda-kafka was not built");
    }
    beside
}

/// `lambda-kafka run` invoking the function on `port`, with `extra` options, from the
/// oldest record unless `extra` has a `--starting-position`.
pub(crate) fn runner(
    broker: &Broker,
    topic: &str,
    group: &str,
    port: u16,
    extra: &[&str],
) -> Command {
    let mut command = Command::new(runner_binary());
    command
        .args([
            "run",
            "--bootstrap-servers",
            &broker.address,
            "--topic",
            topic,
        ])
        .args(["--consumer-group", group])
        .args([
            "--invoke",
            &format!("http://127.0.0.1:{port}/2015-03-31/functions/kafka-function/invocations"),
        ])
        .args(["--function-timeout", "30"])
        // A killed member is let go of sooner (librdkafka's default is 45 s).
        .args(["--kafka-config", "session.timeout.ms=6000"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // From the oldest record, unless `extra` says where.
    if !extra.contains(&"--starting-position") {
        command.args(["--starting-position", "trim-horizon"]);
    }
    command
}

/// Runs the runner to its end (`--exit-when-idle`), or fails after a minute.
pub(crate) fn run_to_end(mut command: Command) -> Output {
    let mut child = command.spawn().expect("lambda-kafka run starts");
    let deadline = Instant::now() + Duration::from_secs(90);
    while child.try_wait().expect("the runner").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let output = child.wait_with_output().expect("its output");
            panic!(
                "lambda-kafka run did not stop: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().expect("its output");
    assert!(
        output.status.success(),
        "lambda-kafka run failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A record's place: topic, partition, offset.
pub(crate) type Coordinates = (String, i64, i64);

pub(crate) fn coordinates(topic: &Value, partition: &Value, offset: &Value) -> Coordinates {
    (
        topic.as_str().expect("topic").to_owned(),
        partition.as_i64().expect("partition"),
        offset.as_i64().expect("offset"),
    )
}

/// The records the function logged decoded, in the order it logged them.
pub(crate) fn logged(log: &Path) -> Vec<(Coordinates, Value, Value)> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.lines()
        .filter_map(|line| {
            let rest = &line[line.find(" record topic=\"")? + " record topic=\"".len()..];
            let (topic, rest) = rest.split_once("\" partition=")?;
            let (partition, rest) = rest.split_once(" offset=")?;
            let (offset, rest) = rest.split_once(" key=")?;
            let (key, value) = rest.split_once(" value=")?;
            Some((
                (
                    topic.to_owned(),
                    partition.parse().ok()?,
                    offset.parse().ok()?,
                ),
                serde_json::from_str(key).ok()?,
                serde_json::from_str(value).ok()?,
            ))
        })
        .collect()
}

/// The offset after each partition's last record.
pub(crate) fn ends(records: impl Iterator<Item = Coordinates>, partitions: i32) -> Vec<i64> {
    let mut ends = vec![0; usize::try_from(partitions).expect("partitions")];
    for (_, partition, offset) in records {
        let slot = &mut ends[usize::try_from(partition).expect("partition")];
        *slot = (*slot).max(offset + 1);
    }
    ends
}

/// Produces the records of `format` with produce.py; returns what it wrote.
pub(crate) fn produce(broker: &Broker, format: &str, count: usize) -> Produced {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/produce.py");
    let output = Command::new("python3")
        .arg(&script)
        .args([&broker.address, &broker.dir.display().to_string(), format])
        .arg(count.to_string())
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "produce.py {format}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let read = |name: &str| -> Value {
        let text = std::fs::read_to_string(broker.dir.join(format!("{name}-{format}.json")))
            .expect("produce.py's output");
        serde_json::from_str(&text).expect("JSON")
    };
    let expected = read("expected");
    Produced {
        records: expected["records"]
            .as_array()
            .expect("records")
            .iter()
            .map(|r| {
                (
                    coordinates(&r["topic"], &r["partition"], &r["offset"]),
                    (r["key"].clone(), r["value"].clone()),
                )
            })
            .collect(),
        poison: (!expected["poison"].is_null()).then(|| {
            let p = &expected["poison"];
            coordinates(&p["topic"], &p["partition"], &p["offset"])
        }),
        registry: read("registry").as_array().cloned().unwrap_or_default(),
    }
}

/// What produce.py wrote.
pub(crate) struct Produced {
    /// Each record's place and its key and value as the function logs them.
    pub(crate) records: BTreeMap<Coordinates, (Value, Value)>,
    pub(crate) poison: Option<Coordinates>,
    pub(crate) registry: Vec<Value>,
}

/// Runs a Python `script` with `args` and reads the JSON it prints.
pub(crate) fn python_json<T: serde::de::DeserializeOwned>(script: &str, args: &[&str]) -> T {
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the script's JSON")
}
