//! moto's AWS server on loopback, for the tests of the DynamoDB store and the Glue
//! registry client, and records the AWS Glue Schema Registry's own Python SerDe writes
//! against it.
//!
//! Without `moto_server` (`pip install "moto[server]"`) or the SerDe (`pip install
//! aws-glue-schema-registry kafka-python`) a test says it was skipped, unless
//! `LAMBDA_KAFKA_MOTO=required` (as `.ci/run` sets), which makes that a failure.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A running moto server; stopped when dropped.
pub struct Moto {
    child: Child,
    endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn required() -> bool {
    std::env::var("LAMBDA_KAFKA_MOTO").as_deref() == Ok("required")
}

impl Moto {
    /// Starts `moto_server` on a free loopback port; `None` after printing `SKIPPED` when
    /// it is not installed.
    ///
    /// # Panics
    /// When it is missing and `LAMBDA_KAFKA_MOTO=required`, or does not open its port.
    #[must_use]
    pub fn start(what: &str) -> Option<Self> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let Ok(child) = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        else {
            assert!(
                !required(),
                "moto_server is not installed (pip install \"moto[server]\")"
            );
            eprintln!("SKIPPED: moto_server is not installed; {what} was not tested");
            return None;
        };
        let moto = Self {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "moto_server did not open port {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(moto)
    }

    /// `http://127.0.0.1:PORT`.
    #[must_use]
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Avro orders written by the AWS Glue SerDe (`testdata/generate/glue_serde.py`)
    /// against this server, in a registry it creates: `(schema version, payload,
    /// expected JSON)` each; `None` after printing `SKIPPED` when the SerDe is missing.
    ///
    /// # Panics
    /// When the SerDe is missing and `LAMBDA_KAFKA_MOTO=required`.
    #[must_use]
    pub fn glue_serde_records(&self, registry: &str, count: usize) -> Option<Vec<Value>> {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../testdata/generate/glue_serde.py"
        );
        let output = Command::new("python3")
            .args([script, &self.endpoint, registry, &count.to_string()])
            .output()
            .ok()
            .filter(|o| o.status.success());
        let Some(output) = output else {
            assert!(
                !required(),
                "the AWS Glue SerDe did not run (pip install aws-glue-schema-registry kafka-python)"
            );
            eprintln!(
                "SKIPPED: the AWS Glue SerDe (Python) is not installed; its records were not decoded"
            );
            return None;
        };
        match serde_json::from_slice(&output.stdout) {
            Ok(Value::Array(records)) => Some(records),
            _ => panic!("glue_serde.py printed no list of records"),
        }
    }
}
