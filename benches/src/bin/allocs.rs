//! Heap allocations per record, owned against borrowed decoding, counted by a wrapper of
//! the system allocator.
//!
//! ```text
//! allocs --event FILE --value-format json|avro
//! ```
//!
//! Counts, for one pass after a warm-up pass (so that buffers the consumer reuses have
//! grown): the envelope parse of the event; then, on the parsed event, typed decoding into
//! the vectors' owned `Order` (`KafkaConsumer::records`), lent decoding into the borrowing
//! `OrderRef` / `AvroOrderRef` (`KafkaConsumer::lend`), and dynamic decoding. Keys are
//! decoded as text in each (`String` owned, `&str` lent). Prints one JSON line per case:
//! `case`, `records`, `allocations_per_record`, `bytes_per_record`.
//!
//! The counting costs every allocation an atomic add, so this binary is not timed: the
//! `throughput` binary is.

use std::alloc::System;
use std::hint::black_box;
use std::path::PathBuf;
use std::process::ExitCode;

use kafka_avro::AvroSchemas;
use kafka_core::{Codec, KafkaConsumer, KafkaEvent, Lent, RecordError, Utf8};
use kafka_json::{Json, JsonValue};
use lambda_kafka_bench::{AvroOrder, AvroOrderRef, ORDER_AVSC, Order, OrderRef};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Allocations and bytes allocated while `pass` runs, after one untimed warm-up call.
fn count(mut pass: impl FnMut() -> Result<usize, String>) -> Result<(usize, usize, usize), String> {
    pass()?;
    let region = Region::new(GLOBAL);
    let records = pass()?;
    let change = region.change();
    Ok((
        records,
        change.allocations + change.reallocations,
        change.bytes_allocated,
    ))
}

fn print(case: &str, (records, allocations, bytes): (usize, usize, usize)) {
    #[allow(clippy::cast_precision_loss)]
    let per = |n: usize| n as f64 / records.max(1) as f64;
    println!(
        "{{\"case\":\"{case}\",\"records\":{records},\"allocations_per_record\":{:.2},\"bytes_per_record\":{:.0}}}",
        per(allocations),
        per(bytes)
    );
}

fn owned<V: Codec>(event: &KafkaEvent<'_>, value: V) -> impl FnMut() -> Result<usize, String> {
    let consumer = KafkaConsumer::new().key(Utf8).value(value);
    move || {
        let mut n = 0;
        for record in consumer.records(event) {
            black_box(record.map_err(|e| e.to_string())?);
            n += 1;
        }
        Ok(n)
    }
}

fn lent<V: Codec>(
    event: &KafkaEvent<'_>,
    value: V,
    handler: impl Fn(&Lent<'_, Utf8, V>) -> Result<(), RecordError>,
) -> impl FnMut() -> Result<usize, String> {
    let consumer = KafkaConsumer::new().key(Utf8).value(value);
    move || {
        let mut n = 0;
        let failures = consumer.lend(event, |record| {
            n += 1;
            handler(&record)
        });
        if failures.is_empty() {
            Ok(n)
        } else {
            Err(format!("{} records failed", failures.len()))
        }
    }
}

fn run(path: &PathBuf, format: &str) -> Result<(), String> {
    let input = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    print(
        "envelope",
        count(|| {
            let event = KafkaEvent::from_slice(&input).map_err(|e| e.to_string())?;
            Ok(black_box(event).record_count())
        })?,
    );
    let event = KafkaEvent::from_slice(&input).map_err(|e| e.to_string())?;
    match format {
        "json" => {
            print("typed", count(owned(&event, Json::<Order>::new()))?);
            print(
                "borrowed",
                count(lent(&event, JsonValue::new(), |record| {
                    black_box(record.key::<&str>()?);
                    black_box(record.value::<OrderRef<'_>>()?);
                    Ok(())
                }))?,
            );
            print("dynamic", count(owned(&event, JsonValue::new()))?);
        }
        "avro" => {
            let schemas = AvroSchemas::builder()
                .schema(ORDER_AVSC)
                .build()
                .map_err(|e| e.to_string())?;
            print("typed", count(owned(&event, schemas.typed::<AvroOrder>()))?);
            print(
                "borrowed",
                count(lent(&event, schemas.generic(), |record| {
                    black_box(record.key::<&str>()?);
                    black_box(record.value::<AvroOrderRef<'_>>()?);
                    Ok(())
                }))?,
            );
            print("dynamic", count(owned(&event, schemas.generic()))?);
        }
        other => return Err(format!("--value-format: json or avro, not {other}")),
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mut event, mut format) = (None, None);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        match (flag.as_str(), it.next()) {
            ("--event", Some(path)) => event = Some(PathBuf::from(path)),
            ("--value-format", Some(name)) => format = Some(name.clone()),
            _ => {
                eprintln!("usage: allocs --event FILE --value-format json|avro");
                return ExitCode::from(2);
            }
        }
    }
    let (Some(event), Some(format)) = (event, format) else {
        eprintln!("usage: allocs --event FILE --value-format json|avro");
        return ExitCode::from(2);
    };
    match run(&event, &format) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("allocs: {message}");
            ExitCode::FAILURE
        }
    }
}
