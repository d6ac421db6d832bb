//! `json-parsers EVENT`: every value of a Lambda Kafka event (base64-decoded once, before
//! timing) parsed by serde_json, sonic-rs and simd-json into the vectors' `Order` type, into
//! `serde_json::Value`, and into `IgnoredAny` (syntax alone); the best of 25 passes of each.
//! Every parser's `Order`s and `Value`s are checked equal to serde_json's first.

use std::hint::black_box;
use std::time::{Duration, Instant};

use base64::Engine as _;
use kafka_vectors::order::Order;
use serde::de::{DeserializeOwned, IgnoredAny};

/// The best of 25 passes over every value.
fn best(mut pass: impl FnMut()) -> Duration {
    (0..25)
        .map(|_| {
            let started = Instant::now();
            pass();
            started.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn serde_json_all<T: DeserializeOwned>(values: &[Vec<u8>]) -> Vec<T> {
    values
        .iter()
        .map(|v| serde_json::from_slice(v).expect("serde_json"))
        .collect()
}

fn sonic_all<T: DeserializeOwned>(values: &[Vec<u8>]) -> Vec<T> {
    values
        .iter()
        .map(|v| sonic_rs::from_slice(v).expect("sonic-rs"))
        .collect()
}

/// simd-json parses in place: each value is copied into one reused buffer first, as a
/// codec given a shared payload would have to.
fn simd_all<T: DeserializeOwned>(values: &[Vec<u8>], buffer: &mut Vec<u8>) -> Vec<T> {
    values
        .iter()
        .map(|v| {
            buffer.clear();
            buffer.extend_from_slice(v);
            simd_json::serde::from_slice(buffer).expect("simd-json")
        })
        .collect()
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: json-parsers EVENT");
    let text = std::fs::read(&path).expect("the event file");
    let event: serde_json::Value = serde_json::from_slice(&text).expect("the event is JSON");
    let values: Vec<Vec<u8>> = event["records"]
        .as_object()
        .expect("records")
        .values()
        .flat_map(|records| records.as_array().expect("a list of records"))
        .map(|record| {
            let value = record["value"].as_str().expect("a value");
            base64::engine::general_purpose::STANDARD
                .decode(value)
                .expect("base64")
        })
        .collect();
    let bytes: usize = values.iter().map(Vec::len).sum();
    let mut buffer = Vec::new();

    let orders: Vec<Order> = serde_json_all(&values);
    assert!(
        sonic_all::<Order>(&values) == orders,
        "sonic-rs reads other orders"
    );
    assert!(
        simd_all::<Order>(&values, &mut buffer) == orders,
        "simd-json reads other orders"
    );
    let dynamic: Vec<serde_json::Value> = serde_json_all(&values);
    assert!(
        sonic_all::<serde_json::Value>(&values) == dynamic,
        "sonic-rs reads other values"
    );
    assert!(
        simd_all::<serde_json::Value>(&values, &mut buffer) == dynamic,
        "simd-json reads other values"
    );

    println!(
        "{} values, {} bytes on average; ns per value, best of 25 passes",
        values.len(),
        bytes / values.len()
    );
    println!("| into | serde_json | sonic-rs | simd-json |");
    println!("|---|---|---|---|");
    let per_value = |d: Duration| format!("{:.0}", d.as_secs_f64() * 1e9 / values.len() as f64);
    let mut row = |name: &str, a: Duration, b: Duration, c: Duration| {
        println!(
            "| {name} | {} | {} | {} |",
            per_value(a),
            per_value(b),
            per_value(c)
        );
    };
    row(
        "`Order` (owned)",
        best(|| drop(black_box(serde_json_all::<Order>(&values)))),
        best(|| drop(black_box(sonic_all::<Order>(&values)))),
        best(|| drop(black_box(simd_all::<Order>(&values, &mut buffer)))),
    );
    row(
        "`serde_json::Value`",
        best(|| drop(black_box(serde_json_all::<serde_json::Value>(&values)))),
        best(|| drop(black_box(sonic_all::<serde_json::Value>(&values)))),
        best(|| {
            drop(black_box(simd_all::<serde_json::Value>(
                &values,
                &mut buffer,
            )))
        }),
    );
    row(
        "`IgnoredAny` (syntax alone)",
        best(|| drop(black_box(serde_json_all::<IgnoredAny>(&values)))),
        best(|| drop(black_box(sonic_all::<IgnoredAny>(&values)))),
        best(|| drop(black_box(simd_all::<IgnoredAny>(&values, &mut buffer)))),
    );
}
