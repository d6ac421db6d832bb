//! A test server that answers the Confluent Schema Registry's REST API from the test
//! registry's content (or any entries), counts the requests, and misbehaves on demand.
//!
//! No Confluent-compatible registry installs here offline, so the client's tests talk to
//! this: `GET /schemas/ids/{id}`, `GET /schemas/guids/{guid}` and
//! `GET /subjects/{subject}/versions/{version}` answer as the registry documents them.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

/// What the server answers on a path instead of the registry's answer.
#[derive(Debug, Clone)]
pub enum Misbehave {
    /// This status and body.
    Status(u16, String),
    /// Nothing, for this long, then the connection is closed.
    Hang(Duration),
}

#[derive(Default)]
struct State {
    entries: Vec<Value>,
    overrides: Vec<(String, Misbehave)>,
    auth: Option<String>,
    requests: Vec<String>,
}

/// A running test registry; it stops with the test process.
#[derive(Clone)]
pub struct TestRegistry {
    url: String,
    state: Arc<Mutex<State>>,
}

impl TestRegistry {
    /// Serves `entries` (as in `testdata/registry/confluent.json`) on a free local port.
    ///
    /// # Panics
    /// When no local port can be had.
    #[must_use]
    pub fn start(entries: Vec<Value>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let state = Arc::new(Mutex::new(State {
            entries,
            ..State::default()
        }));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = Arc::clone(&shared);
                std::thread::spawn(move || serve(&stream, &state));
            }
        });
        Self { url, state }
    }

    /// The base URL (`http://127.0.0.1:PORT`).
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Registers one more schema, as a producer would after the consumer started.
    pub fn register(&self, entry: Value) {
        self.lock().entries.push(entry);
    }

    /// Answers paths starting with `prefix` with `how` from now on.
    pub fn misbehave(&self, prefix: &str, how: Misbehave) {
        self.lock().overrides.push((prefix.to_owned(), how));
    }

    /// Requires this `Authorization` header value (401 otherwise).
    pub fn require_auth(&self, header: &str) {
        self.lock().auth = Some(header.to_owned());
    }

    /// The paths requested so far, in order.
    #[must_use]
    pub fn requests(&self) -> Vec<String> {
        self.lock().requests.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn serve(stream: &TcpStream, state: &Mutex<State>) {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut authorization = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("authorization")
        {
            authorization = Some(value.trim().to_owned());
        }
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    let (status, body) = {
        let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
        state.requests.push(path.clone());
        let misbehave = state
            .overrides
            .iter()
            .rev()
            .find(|(prefix, _)| path.starts_with(prefix))
            .map(|(_, how)| how.clone());
        match misbehave {
            Some(Misbehave::Hang(time)) => {
                drop(state);
                std::thread::sleep(time);
                return;
            }
            Some(Misbehave::Status(status, body)) => (status, body),
            None if state.auth.is_some() && state.auth != authorization => (
                401,
                json!({"error_code": 401, "message": "Unauthorized"}).to_string(),
            ),
            None => answer(&state.entries, &path),
        }
    };
    let mut stream = stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: application/vnd.schemaregistry.v1+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.flush();
}

fn answer(entries: &[Value], path: &str) -> (u16, String) {
    let schema = |entry: &Value| {
        let mut out = json!({"schema": entry["schema"]});
        if entry["schemaType"] != "AVRO" && entry["schemaType"].is_string() {
            out["schemaType"] = entry["schemaType"].clone();
        }
        if entry["references"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
        {
            out["references"] = entry["references"].clone();
        }
        out
    };
    let not_found = |code: i64, message: String| {
        (
            404,
            json!({"error_code": code, "message": message}).to_string(),
        )
    };
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match parts.as_slice() {
        ["schemas", "ids", id] => entries
            .iter()
            .find(|e| e["id"].as_u64().is_some_and(|n| id.parse() == Ok(n)))
            .map_or_else(
                || not_found(40403, format!("Schema {id} not found")),
                |e| (200, schema(e).to_string()),
            ),
        ["schemas", "guids", guid] => entries.iter().find(|e| e["guid"] == *guid).map_or_else(
            || not_found(40403, format!("Schema {guid} not found")),
            |e| (200, schema(e).to_string()),
        ),
        ["subjects", subject, "versions", version] => {
            let subject = decode(subject);
            entries
                .iter()
                .find(|e| {
                    e["subject"] == subject.as_str()
                        && e["version"]
                            .as_u64()
                            .is_some_and(|n| version.parse() == Ok(n))
                })
                .map_or_else(
                    || not_found(40402, format!("Version {version} not found")),
                    |e| {
                        let mut out = schema(e);
                        out["subject"] = e["subject"].clone();
                        out["version"] = e["version"].clone();
                        out["id"] = e["id"].clone();
                        (200, out.to_string())
                    },
                )
        }
        _ => not_found(404, "not found".to_owned()),
    }
}

fn decode(segment: &str) -> String {
    let mut out = Vec::new();
    let bytes = segment.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = segment.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
