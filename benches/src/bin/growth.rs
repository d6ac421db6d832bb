//! How the cost of decoding grows with the batch and the value: records/s and value
//! bytes/s over batch sizes (1, 100, 10,000 records) and value sizes (100 B, 10 KB, 1 MB).
//!
//! ```text
//! growth [--max-event-mb N]    (200 by default: bigger events are not made)
//! ```
//!
//! Each event is made in memory with `kafka_core::testing::EventBuilder`: records over
//! four partitions (one for a batch of one), string keys, one header each, and JSON values `{"id":N,"text":"…"}` padded to the value
//! size. Each case parses the event from its bytes and decodes every key and value, as a
//! function does: `floor` is the reference floor (`reference_floor`), `typed` decodes
//! into an owned struct (`String` text), `borrowed` lends each record and decodes into a
//! struct borrowing its text. A case runs until half a second has passed (at least 3
//! runs); the median run is reported. Events over Lambda's 6 MB are marked: Lambda never
//! sends them, they show how the cost grows.
//!
//! Prints a Markdown table; the first row (one record of 100 B) is the per-invocation
//! fixed cost.

use std::fmt::Write as _;
use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use base64::engine::Simd;
use base64::engine::general_purpose::GeneralPurposeConfig;
use kafka_core::testing::{EventBuilder, RecordBuilder};
use kafka_core::{KafkaConsumer, KafkaEvent, RecordError, Utf8};
use kafka_json::{Json, JsonValue};
use lambda_kafka_bench::reference_floor;

#[derive(serde::Deserialize)]
struct Owned {
    id: u64,
    text: String,
}

#[derive(serde::Deserialize)]
struct Borrowed<'a> {
    id: u64,
    text: &'a str,
}

const LAMBDA_MAX: usize = 6 * 1024 * 1024;

/// An event of `records` records with values of `value_size` bytes.
fn event(records: usize, value_size: usize) -> String {
    let partitions = if records == 1 { 1 } else { 4 };
    let mut event = EventBuilder::msk();
    for i in 0..records {
        let mut value = format!("{{\"id\":{i},\"text\":\"");
        let fill = value_size.saturating_sub(value.len() + 2);
        value.extend("lorem ipsum ".chars().cycle().take(fill));
        value.push_str("\"}");
        let (partition, offset) = (i % partitions, i / partitions);
        let record = RecordBuilder::new(
            "orders",
            i32::try_from(partition).unwrap_or(0),
            i64::try_from(offset).unwrap_or(0),
        )
        .key(format!("customer-{i}"))
        .value(value)
        .header("correlation-id", format!("c-{i}"));
        event = event.record(record);
    }
    event.to_json()
}

/// The median time of `once`, run until half a second has passed (3 runs at least).
fn time(mut once: impl FnMut() -> Result<(), String>) -> Result<Duration, String> {
    once()?;
    let mut runs = Vec::new();
    let started = Instant::now();
    while runs.len() < 3 || (started.elapsed() < Duration::from_millis(500) && runs.len() < 100_000)
    {
        let run = Instant::now();
        once()?;
        runs.push(run.elapsed());
    }
    runs.sort();
    Ok(runs[runs.len() / 2])
}

fn size(bytes: usize) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{} MB", b >> 20),
        b if b >= 1 << 10 => format!("{} KB", b >> 10),
        b => format!("{b} B"),
    }
}

#[allow(clippy::cast_precision_loss)]
fn rate(count: f64, d: Duration) -> String {
    let per_sec = count / d.as_secs_f64();
    if per_sec >= 1e6 {
        format!("{:.2}M", per_sec / 1e6)
    } else if per_sec >= 1e3 {
        format!("{:.1}k", per_sec / 1e3)
    } else {
        format!("{per_sec:.0}")
    }
}

fn mb_per_sec(megabytes: f64, d: Duration) -> String {
    format!("{:.0}", megabytes / d.as_secs_f64())
}

#[allow(clippy::cast_precision_loss)]
fn run(max_event: usize) -> Result<String, String> {
    let typed = KafkaConsumer::new().key(Utf8).value(Json::<Owned>::new());
    let lending = KafkaConsumer::new().key(Utf8).value(JsonValue::new());
    let engine = Simd::standard(GeneralPurposeConfig::new());
    let mut table = String::from(
        "| records | value | event | floor records/s | typed records/s | typed value MB/s | \
         borrowed records/s | borrowed value MB/s | typed per event | borrowed per event |\n\
         |---|---|---|---|---|---|---|---|---|---|\n",
    );
    for records in [1_usize, 100, 10_000] {
        for value_size in [100_usize, 10 * 1024, 1024 * 1024] {
            // The base64 of the values alone is 4/3 of them.
            if records * value_size * 4 / 3 > max_event {
                let _ = writeln!(
                    table,
                    "| {records} | {} | over {} MB: not made | | | | | | | |",
                    size(value_size),
                    max_event >> 20
                );
                continue;
            }
            let json = event(records, value_size);
            let input = json.as_bytes();
            eprintln!(
                "==> {records} records of {}: {} event",
                size(value_size),
                size(input.len())
            );
            let mut buffer = Vec::new();
            let floor = time(|| {
                black_box(reference_floor(input, &engine, &mut buffer));
                Ok(())
            })?;
            let owned = time(|| {
                let event = KafkaEvent::from_slice(input).map_err(|e| e.to_string())?;
                for record in typed.records(&event) {
                    let record = record.map_err(|e| e.to_string())?;
                    black_box((record.key, record.value.map(|v| (v.id, v.text))));
                }
                Ok(())
            })?;
            let lent = time(|| {
                let event = KafkaEvent::from_slice(input).map_err(|e| e.to_string())?;
                let failures = lending.lend(&event, |record| -> Result<(), RecordError> {
                    let key: Option<&str> = record.key()?;
                    let value: Option<Borrowed<'_>> = record.value()?;
                    black_box((key, value.map(|v| (v.id, v.text))));
                    Ok(())
                });
                if failures.is_empty() {
                    Ok(())
                } else {
                    Err("a record failed".to_owned())
                }
            })?;
            let values = (records * value_size) as f64 / 1e6;
            let over = if input.len() > LAMBDA_MAX {
                " (over Lambda's 6 MB)"
            } else {
                ""
            };
            let micros = |d: Duration| format!("{:.1} µs", d.as_secs_f64() * 1e6);
            let _ = writeln!(
                table,
                "| {records} | {} | {}{over} | {} | {} | {} | {} | {} | {} | {} |",
                size(value_size),
                size(input.len()),
                rate(records as f64, floor),
                rate(records as f64, owned),
                mb_per_sec(values, owned),
                rate(records as f64, lent),
                mb_per_sec(values, lent),
                micros(owned),
                micros(lent),
            );
        }
    }
    Ok(table)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let max_event = match args.as_slice() {
        [] => 200,
        [flag, n] if flag == "--max-event-mb" => match n.parse::<usize>() {
            Ok(n) => n,
            Err(_) => {
                eprintln!("--max-event-mb: not a number: {n}");
                return ExitCode::from(2);
            }
        },
        _ => {
            eprintln!("usage: growth [--max-event-mb N]");
            return ExitCode::from(2);
        }
    };
    match run(max_event << 20) {
        Ok(table) => {
            println!("{table}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("growth: {message}");
            ExitCode::FAILURE
        }
    }
}
