//! `lambda-kafka decode`: JSON Lines out, one per record, as records decode.

use std::io::{self, BufWriter, Read as _, Write};
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use kafka_core::{ConsumerRecord, Header, KafkaConsumer, KafkaEvent, OnFailureRecord, RecordError};
use serde::Serialize;
use serde_json::Value;

use crate::args::DecodeArgs;
use crate::codec;

/// Exit status when a record failed and decoding stopped.
const EXIT_RECORD_FAILED: u8 = 1;
/// Exit status when records failed under `--keep-going`.
const EXIT_KEPT_GOING: u8 = 2;

/// Decodes the event; `Err` is a usage problem (exit 64), `Ok` the exit status.
pub(crate) fn run(args: &DecodeArgs) -> Result<u8, String> {
    let key = codec::build(args, true)?;
    let value = codec::build(args, false)?;
    let consumer = KafkaConsumer::with_codecs(key, value)
        .key_wire_format(args.key_wire_format.unwrap_or(args.wire_format))
        .value_wire_format(args.value_wire_format.unwrap_or(args.wire_format));

    let Some(input) = read_event(args.event.as_deref())? else {
        return Ok(0);
    };
    let event = KafkaEvent::from_slice(&input.bytes).map_err(|e| format!("{}: {e}", input.name))?;
    if let Some(settings) = args.registry.settings()? {
        // Fetch the writer schemas the records name, before decoding them.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the schema fetches: {e}"))?;
        runtime.block_on(async {
            let schemas = settings
                .cache()
                .await
                .map_err(|e| format!("--schema-registry: {e}"))?;
            schemas.prepare(&consumer, &event).await;
            Ok::<(), String>(())
        })?;
    }

    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut failed = false;
    for record in consumer.records(&event) {
        let line = match record {
            Ok(record) => serde_json::to_string(&RecordLine::of(&record)),
            Err(error) if args.keep_going => {
                failed = true;
                serde_json::to_string(&ErrorLine::of(&error))
            }
            Err(error) => {
                finish(&mut out);
                eprintln!("lambda-kafka: {error}");
                return Ok(EXIT_RECORD_FAILED);
            }
        };
        let line = line.map_err(|e| format!("cannot write a record as JSON: {e}"))?;
        if writeln!(out, "{line}").is_err() {
            // The reader went away (a closed pipe): nothing more to say.
            return Ok(0);
        }
    }
    finish(&mut out);
    Ok(if failed { EXIT_KEPT_GOING } else { 0 })
}

fn finish(out: &mut impl Write) {
    let _ = out.flush();
}

/// An event read from a file or standard input.
pub(crate) struct Input {
    /// The event's JSON.
    pub(crate) bytes: Vec<u8>,
    /// Where it came from, for messages.
    pub(crate) name: String,
}

/// Reads the event from `path`, or standard input when absent or "-". An on-failure
/// record (what an event source mapping keeps of discarded records) gives the event it
/// holds: an S3 destination's string `payload`, a Kafka topic's object. An SQS or SNS
/// destination's record holds none: its offset ranges are printed, one JSON line each,
/// for the records to be fetched again, and there is no event (`None`).
pub(crate) fn read_event(path: Option<&Path>) -> Result<Option<Input>, String> {
    let (bytes, name) = match path {
        Some(path) if path != Path::new("-") => (
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?,
            path.display().to_string(),
        ),
        _ => {
            let mut input = Vec::new();
            io::stdin()
                .read_to_end(&mut input)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            (input, "standard input".to_owned())
        }
    };
    // No Lambda Kafka event has this field; an on-failure record always has.
    let marker: &[u8] = b"\"KafkaBatchInfo\"";
    if bytes.windows(marker.len()).any(|w| w == marker)
        && let Ok(record) = OnFailureRecord::from_slice(&bytes)
    {
        let Some(payload) = record.payload else {
            print_ranges(&name, &record);
            return Ok(None);
        };
        return Ok(Some(Input {
            bytes: payload.into_bytes(),
            name: format!("{name} (the on-failure record's payload)"),
        }));
    }
    Ok(Some(Input { bytes, name }))
}

/// The offset ranges of an on-failure record without a payload, one JSON line each, and
/// a note on standard error.
fn print_ranges(name: &str, record: &OnFailureRecord) {
    let mut out = io::stdout().lock();
    for (group, info) in &record.kafka_batch_info.records_info {
        let (topic, partition) = group
            .rsplit_once('-')
            .map_or((group.as_str(), None), |(t, p)| (t, p.parse::<i32>().ok()));
        let line = serde_json::json!({
            "topic": topic,
            "partition": partition,
            "firstOffset": info.first_record_offset.parse::<i64>().ok(),
            "lastOffset": info.last_record_offset.parse::<i64>().ok(),
            "firstTimestamp": info.first_record_timestamp,
            "lastTimestamp": info.last_record_timestamp,
            "condition": record.request_context.condition,
        });
        let _ = writeln!(out, "{line}");
    }
    let _ = out.flush();
    eprintln!(
        "lambda-kafka: {name} is an on-failure record without a payload (an SQS or SNS destination keeps none): fetch {} again from the cluster",
        record.offsets()
    );
}

/// One decoded record, in the contract's field order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RecordLine<'r> {
    topic: &'r str,
    partition: i32,
    offset: i64,
    timestamp: i64,
    timestamp_type: Option<&'r str>,
    headers: Vec<(&'r str, Value)>,
    key: &'r Option<Value>,
    value: &'r Option<Value>,
}

impl<'r> RecordLine<'r> {
    fn of(record: &'r ConsumerRecord<'_, Value, Value>) -> Self {
        Self {
            topic: record.topic(),
            partition: record.partition(),
            offset: record.offset(),
            timestamp: record.timestamp(),
            timestamp_type: record.timestamp_type().map(|t| t.as_str()),
            headers: record
                .headers()
                .iter()
                .map(|h| (h.name(), header_value(h)))
                .collect(),
            key: &record.key,
            value: &record.value,
        }
    }
}

/// A header value: text when it is UTF-8, `{"base64": ...}` otherwise, `null` when null.
fn header_value(header: &Header<'_>) -> Value {
    match (header.value_str(), header.value()) {
        (Some(text), _) => Value::String(text.to_owned()),
        (None, Some(bytes)) => serde_json::json!({ "base64": STANDARD.encode(bytes) }),
        (None, None) => Value::Null,
    }
}

/// A failed record under `--keep-going`.
#[derive(Serialize)]
struct ErrorLine<'r> {
    topic: &'r str,
    partition: i32,
    offset: i64,
    error: ErrorBody,
}

#[derive(Serialize)]
pub(crate) struct ErrorBody {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    part: Option<&'static str>,
    message: String,
}

impl<'r> ErrorLine<'r> {
    fn of(error: &'r RecordError) -> Self {
        let record = error.record();
        Self {
            topic: &record.topic,
            partition: record.partition,
            offset: record.offset,
            error: ErrorBody::of(error),
        }
    }
}

impl ErrorBody {
    pub(crate) fn of(error: &RecordError) -> Self {
        Self {
            kind: error.kind().as_str(),
            part: error.part().map(|p| p.as_str()),
            message: error.to_string(),
        }
    }
}
