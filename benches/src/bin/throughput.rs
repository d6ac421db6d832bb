//! Decoding throughput of one event file, in records per second.
//!
//! ```text
//! throughput --event FILE --value-format json|avro|protobuf [--value-schema P]
//!            [--value-message NAME] [--wire-format auto|plain|none|confluent|confluent-esm|glue]
//!            [--typed order | --borrowed order | --dynamic | --json | --floor | --envelope] [--parsed]
//!            [--vs-floor] [--iterations N] [--warmup N]
//! ```
//!
//! Each iteration parses the event from its bytes and decodes every key (as text) and
//! value, as a function does. `--floor` times the reference floor (`reference_floor`: the
//! event read by serde_json into borrowed types and the base64 of each key and value, the
//! same as `../shared/bench/floor`'s `floor` case); `--envelope` the library's envelope
//! parse alone (with `--vs-floor`, against the reference floor's envelope alone,
//! `reference_envelope`).
//! `--typed order` decodes values into the
//! vectors' `Order` types (serde for JSON and Avro, prost for Protobuf); `--borrowed order`
//! (JSON and Avro) lends each record (`KafkaConsumer::lend`) and decodes its key into a
//! `&str` and its value into the vectors' borrowing `OrderRef` / `AvroOrderRef`;
//! `--dynamic` (the default) into `serde_json::Value`, Avro's generic value or a
//! `DynamicMessage`; `--json` into `serde_json::Value` whatever the format (`AvroSchemas::json`,
//! `ProtoSchema::json`).
//! `--parsed` parses the event once before timing and times the decoding alone: what the
//! Powertools peers are timed on, since Lambda's runtime parses their event for them.
//! `--vs-floor` also times the reference floor before each run, and adds `floor_median_s` and
//! `vs_floor` (the median over runs of floor time ÷ run time) to the line: a ratio that
//! machine noise moves much less than two separate medians.
//!
//! The last line printed is one JSON object: `records`, `iterations`, `median_s`, `min_s`,
//! `records_per_sec`, and `median`, `min`, `max` in records per second (the shape the peer
//! harness reads), then `floor_median_s` and `vs_floor` with `--vs-floor`, and
//! `peak_rss_kb`, the process's peak resident set (the event file read included).

use std::hint::black_box;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use base64::engine::Simd;
use base64::engine::general_purpose::GeneralPurposeConfig;
use kafka_avro::AvroSchemas;
use kafka_core::{Codec, KafkaConsumer, KafkaEvent, Lent, RecordError, Utf8, WireFormat};
use kafka_json::{Json, JsonValue};
use kafka_protobuf::Proto;
use kafka_protobuf::dynamic::ProtoSchema;
use lambda_kafka_bench::{
    AvroOrder, AvroOrderRef, ORDER_AVSC, Order, OrderRef, order_proto_path, proto,
    reference_envelope, reference_floor,
};

const USAGE: &str = "usage: throughput --event FILE --value-format json|avro|protobuf \
[--value-schema P] [--value-message NAME] [--wire-format auto|plain|none|confluent|confluent-esm|glue] \
[--typed order | --borrowed order | --dynamic | --json | --floor | --envelope] [--parsed] [--vs-floor] \
[--iterations N] [--warmup N]";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Envelope,
    Floor,
    Typed,
    Borrowed,
    Dynamic,
    Json,
}

#[derive(Debug)]
struct Options {
    event: PathBuf,
    format: String,
    schema: Option<PathBuf>,
    message: String,
    wire_format: WireFormat,
    mode: Mode,
    /// Time the floor too, in turn with each run, for a ratio less exposed to noise.
    vs_floor: bool,
    /// Parse the event once, before timing: time the decoding alone.
    parsed: bool,
    iterations: usize,
    warmup: usize,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut event = None;
    let mut format = None;
    let mut schema = None;
    let mut message = "orders.v1.Order".to_owned();
    let mut wire_format = WireFormat::Auto;
    let mut mode = Mode::Dynamic;
    let mut parsed = false;
    let mut vs_floor = false;
    let mut iterations = 20;
    let mut warmup = 2;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        let count = |text: String| {
            text.parse::<usize>()
                .map_err(|_| format!("{flag}: not a count: {text}"))
        };
        match flag.as_str() {
            "--event" => event = Some(PathBuf::from(value()?)),
            "--value-format" => format = Some(value()?),
            "--value-schema" => schema = Some(PathBuf::from(value()?)),
            "--value-message" => message = value()?,
            "--wire-format" => {
                wire_format = match value()?.as_str() {
                    // The event source mapping's shape of Confluent framing is read from
                    // the record's schema metadata.
                    "auto" | "confluent-esm" => WireFormat::Auto,
                    "plain" | "none" => WireFormat::Plain,
                    "confluent" => WireFormat::Confluent,
                    "glue" => WireFormat::Glue,
                    other => return Err(format!("--wire-format: unknown wire format {other}")),
                }
            }
            "--typed" => match value()?.as_str() {
                "order" => mode = Mode::Typed,
                other => return Err(format!("--typed: unknown type {other} (only order)")),
            },
            "--borrowed" => match value()?.as_str() {
                "order" => mode = Mode::Borrowed,
                other => return Err(format!("--borrowed: unknown type {other} (only order)")),
            },
            "--dynamic" => mode = Mode::Dynamic,
            "--json" => mode = Mode::Json,
            "--floor" => mode = Mode::Floor,
            "--envelope" => mode = Mode::Envelope,
            "--parsed" => parsed = true,
            "--vs-floor" => vs_floor = true,
            "--iterations" => iterations = count(value()?)?.max(1),
            "--warmup" => warmup = count(value()?)?,
            "--help" | "-h" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
    }
    Ok(Options {
        event: event.ok_or_else(|| format!("--event is required\n{USAGE}"))?,
        format: format.ok_or_else(|| format!("--value-format is required\n{USAGE}"))?,
        schema,
        message,
        wire_format,
        mode,
        vs_floor,
        parsed,
        iterations,
        warmup,
    })
}

/// The durations of the timed runs, and of the floor runs taken in turn with them.
#[derive(Debug, Default)]
struct Timing {
    runs: Vec<Duration>,
    floor: Vec<Duration>,
}

/// Times `iterations` runs of `once` after `warmup` untimed ones; with `--vs-floor`, a
/// floor run of the same input before each.
fn time(
    options: &Options,
    input: &[u8],
    mut once: impl FnMut() -> Result<usize, String>,
) -> Result<Timing, String> {
    let floor = |timing: &mut Timing| -> Result<(), String> {
        if options.vs_floor {
            let engine = Simd::standard(GeneralPurposeConfig::new());
            let mut buffer = Vec::new();
            let started = Instant::now();
            // The envelope alone is compared with the reference envelope alone.
            if options.mode == Mode::Envelope {
                black_box(reference_envelope(input));
            } else {
                black_box(reference_floor(input, &engine, &mut buffer));
            }
            timing.floor.push(started.elapsed());
        }
        Ok(())
    };
    let mut timing = Timing::default();
    for _ in 0..options.warmup {
        floor(&mut Timing::default())?;
        once()?;
    }
    for _ in 0..options.iterations {
        floor(&mut timing)?;
        let started = Instant::now();
        black_box(once()?);
        timing.runs.push(started.elapsed());
    }
    Ok(timing)
}

/// One pass over the event: parse it, decode every key and value; the record count.
fn decode_pass<V: Codec>(input: &[u8], consumer: &KafkaConsumer<Utf8, V>) -> Result<usize, String> {
    let event = KafkaEvent::from_slice(input).map_err(|e| e.to_string())?;
    decode_records(&event, consumer)
}

/// Decodes every key and value of a parsed event; the record count.
fn decode_records<V: Codec>(
    event: &KafkaEvent<'_>,
    consumer: &KafkaConsumer<Utf8, V>,
) -> Result<usize, String> {
    let mut n = 0;
    for record in consumer.records(event) {
        black_box(record.map_err(|e| e.to_string())?);
        n += 1;
    }
    Ok(n)
}

fn measure<V: Codec>(options: &Options, input: &[u8], value: V) -> Result<Timing, String> {
    let consumer = KafkaConsumer::new()
        .key(Utf8)
        .value(value)
        .value_wire_format(options.wire_format);
    if options.parsed {
        let event = KafkaEvent::from_slice(input).map_err(|e| e.to_string())?;
        return time(options, input, || decode_records(&event, &consumer));
    }
    time(options, input, || decode_pass(input, &consumer))
}

/// Lends every record of a parsed event to `handler`; the record count.
fn lend_records<V: Codec>(
    event: &KafkaEvent<'_>,
    consumer: &KafkaConsumer<Utf8, V>,
    handler: &impl Fn(&Lent<'_, Utf8, V>) -> Result<(), RecordError>,
) -> Result<usize, String> {
    let mut n = 0;
    let mut first_error = None;
    let failures = consumer.lend(event, |record| {
        n += 1;
        handler(&record).map_err(|e| {
            first_error.get_or_insert_with(|| e.to_string());
        })
    });
    match first_error {
        Some(error) => Err(error),
        None if !failures.is_empty() => Err(format!("{} records failed", failures.len())),
        None => Ok(n),
    }
}

fn measure_lent<V: Codec>(
    options: &Options,
    input: &[u8],
    value: V,
    handler: impl Fn(&Lent<'_, Utf8, V>) -> Result<(), RecordError>,
) -> Result<Timing, String> {
    let consumer = KafkaConsumer::new()
        .key(Utf8)
        .value(value)
        .value_wire_format(options.wire_format);
    if options.parsed {
        let event = KafkaEvent::from_slice(input).map_err(|e| e.to_string())?;
        return time(options, input, || lend_records(&event, &consumer, &handler));
    }
    time(options, input, || {
        let event = KafkaEvent::from_slice(input).map_err(|e| e.to_string())?;
        lend_records(&event, &consumer, &handler)
    })
}

fn schema_text(options: &Options) -> Result<String, String> {
    match &options.schema {
        Some(path) => std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display())),
        None => Ok(ORDER_AVSC.to_owned()),
    }
}

fn proto_schema(options: &Options) -> Result<ProtoSchema, String> {
    let path = options.schema.clone().unwrap_or_else(order_proto_path);
    let dir = path.parent().map(PathBuf::from).unwrap_or_default();
    ProtoSchema::from_files(&[&path], &[&dir])
        .and_then(|schema| schema.message(&options.message))
        .map_err(|e| e.to_string())
}

fn run(options: &Options) -> Result<(usize, Timing), String> {
    let bytes =
        std::fs::read(&options.event).map_err(|e| format!("{}: {e}", options.event.display()))?;
    let input = bytes.as_slice();
    let records = KafkaEvent::from_slice(input)
        .map_err(|e| format!("{}: {e}", options.event.display()))?
        .record_count();
    if matches!(options.mode, Mode::Floor | Mode::Envelope) && options.parsed {
        return Err(
            "--parsed does not apply to --floor and --envelope, which time the envelope parse"
                .into(),
        );
    }
    if options.mode == Mode::Floor && options.vs_floor {
        return Err("--vs-floor does not apply to --floor, which is the floor".into());
    }
    let times = match (options.mode, options.format.as_str()) {
        (Mode::Envelope, _) => time(options, input, || {
            let event = KafkaEvent::from_slice(input).map_err(|e| e.to_string())?;
            Ok(event.record_count())
        })?,
        (Mode::Floor, _) => {
            let engine = Simd::standard(GeneralPurposeConfig::new());
            let mut buffer = Vec::new();
            time(options, input, || {
                Ok(usize::from(
                    black_box(reference_floor(input, &engine, &mut buffer)) > 0,
                ))
            })?
        }
        (Mode::Typed, "json") => measure(options, input, Json::<Order>::new())?,
        (Mode::Borrowed, "json") => measure_lent(options, input, JsonValue::new(), |record| {
            black_box(record.key::<&str>()?);
            black_box(record.value::<OrderRef<'_>>()?);
            Ok(())
        })?,
        (Mode::Dynamic | Mode::Json, "json") => {
            measure(options, input, Json::<serde_json::Value>::new())?
        }
        (mode, "avro") => {
            let schemas = AvroSchemas::builder()
                .schema(schema_text(options)?)
                .build()
                .map_err(|e| e.to_string())?;
            if mode == Mode::Typed {
                measure(options, input, schemas.typed::<AvroOrder>())?
            } else if mode == Mode::Json {
                measure(options, input, schemas.json())?
            } else if mode == Mode::Borrowed {
                measure_lent(options, input, schemas.generic(), |record| {
                    black_box(record.key::<&str>()?);
                    black_box(record.value::<AvroOrderRef<'_>>()?);
                    Ok(())
                })?
            } else {
                measure(options, input, schemas.generic())?
            }
        }
        (Mode::Borrowed, other) => {
            return Err(format!(
                "--borrowed: JSON and Avro values lend, {other} values do not"
            ));
        }
        (Mode::Typed, "protobuf") => measure(options, input, Proto::<proto::Order>::new())?,
        (Mode::Dynamic, "protobuf") => measure(options, input, proto_schema(options)?.dynamic())?,
        (Mode::Json, "protobuf") => measure(options, input, proto_schema(options)?.json())?,
        (_, other) => return Err(format!("--value-format: unknown format {other}\n{USAGE}")),
    };
    Ok((records, times))
}

/// The process's peak resident set, in KiB (`VmHWM`), where Linux reports it.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The median of sorted durations, in seconds.
fn median_of(sorted: &[Duration]) -> f64 {
    sorted[sorted.len() / 2].as_secs_f64()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match parse_args(&args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok((records, timing)) => {
            // Floor time over run time, run by run, before sorting.
            let mut vs_floor: Vec<f64> = timing
                .floor
                .iter()
                .zip(&timing.runs)
                .map(|(floor, run)| floor.as_secs_f64() / run.as_secs_f64())
                .collect();
            vs_floor.sort_by(f64::total_cmp);
            let mut floor = timing.floor;
            floor.sort();
            let mut times = timing.runs;
            times.sort();
            let seconds = |d: Duration| d.as_secs_f64();
            let median = seconds(times[times.len() / 2]);
            let min = seconds(times[0]);
            let max = seconds(times[times.len() - 1]);
            #[allow(clippy::cast_precision_loss)]
            let per_sec = |s: f64| records as f64 / s;
            // The fields in the order of the documented shape.
            let line = format!(
                "{{\"records\":{records},\"iterations\":{},\"median_s\":{median},\"min_s\":{min},\
                 \"records_per_sec\":{},\"median\":{},\"min\":{},\"max\":{}}}",
                times.len(),
                per_sec(median),
                per_sec(median),
                per_sec(max),
                per_sec(min),
            );
            let line = if vs_floor.is_empty() {
                line
            } else {
                format!(
                    "{},\"floor_median_s\":{},\"vs_floor\":{}}}",
                    line.trim_end_matches('}'),
                    median_of(&floor),
                    vs_floor[vs_floor.len() / 2]
                )
            };
            let line = match peak_rss_kb() {
                Some(kb) => format!("{},\"peak_rss_kb\":{kb}}}", line.trim_end_matches('}')),
                None => line,
            };
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("throughput: {message}");
            ExitCode::FAILURE
        }
    }
}
