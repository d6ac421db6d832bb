//! Whole invocations of a per-record function (`KafkaService::per_record`, a handler that
//! does nothing) on one event: what the runtime's observation costs per record.
//!
//! ```text
//! service --event FILE [--traceparent] [--iterations N] [--warmup N]
//! ```
//!
//! `--traceparent` gives every record a W3C `traceparent` header of its own first (each
//! record then has a producer context to read and link).
//!
//! Prints one JSON line per mode on stderr, with the median (and the fastest) records per
//! second over the iterations:
//! `plain` (no subscriber: spans are disabled and no header is read); with the feature
//! `telemetry` (lambda-kafka's `opentelemetry` and `metrics`) also `otel`, under a
//! `tracing-opentelemetry` layer whose spans (sampled, every attribute and link) go to an
//! exporter that drops them, so that the spans' whole cost but no I/O is measured. Built
//! without the feature, `plain` is the function without any of it; compare the two
//! builds' `plain` lines to see what the features cost when nothing records. With
//! `telemetry` every invocation prints its EMF lines on stdout too: send stdout to a file.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use lambda_kafka::json::JsonValue;
use lambda_kafka::runtime::{Context, KafkaService, LambdaEvent, Service as _};
use lambda_kafka::{BatchItemFailures, KafkaConsumer};
use serde_json::value::RawValue;

const USAGE: &str = "usage: service --event FILE [--traceparent] [--iterations N] [--warmup N]";

/// The event with a `traceparent` header of its own added to each record.
fn with_traceparents(event: &str) -> Result<String, String> {
    let mut event: serde_json::Value = serde_json::from_str(event).map_err(|e| e.to_string())?;
    let groups = event["records"].as_object_mut().ok_or("no records")?;
    let mut n: u64 = 0;
    for record in groups
        .values_mut()
        .filter_map(serde_json::Value::as_array_mut)
        .flatten()
    {
        n += 1;
        let header = format!(
            "00-{:032x}-{:016x}-01",
            0x4bf9_2f35_77b3_4da6_u128 << 64 | u128::from(n),
            n
        );
        let headers = record
            .as_object_mut()
            .ok_or("a record is not an object")?
            .entry("headers")
            .or_insert_with(|| serde_json::json!([]));
        if let Some(list) = headers.as_array_mut() {
            list.push(serde_json::json!({ "traceparent": header.as_bytes() }));
        }
    }
    serde_json::to_string(&event).map_err(|e| e.to_string())
}

/// The median and fastest seconds of a mode, or why it could not be timed.
type Timing = Result<(f64, f64), String>;

type Function = KafkaService<lambda_kafka::codec::Utf8, JsonValue, BatchItemFailures>;

fn function() -> Function {
    KafkaService::per_record(KafkaConsumer::new().value(JsonValue::new()), |record| {
        std::hint::black_box(&record);
        async { Ok::<(), &str>(()) }
    })
}

/// The median and the fastest seconds of `iterations` invocations with `event`, after
/// `warmup`.
fn measure(function: &Function, event: &str, warmup: usize, iterations: usize) -> Timing {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| e.to_string())?;
    let mut times = Vec::with_capacity(iterations);
    for n in 0..warmup + iterations {
        let payload = RawValue::from_string(event.to_owned()).map_err(|e| e.to_string())?;
        let started = Instant::now();
        let failures = runtime
            .block_on(
                function
                    .clone()
                    .call(LambdaEvent::new(payload, Context::default())),
            )
            .map_err(|e| e.error_message)?;
        let took = started.elapsed();
        std::hint::black_box(failures);
        if n >= warmup {
            times.push(took);
        }
    }
    times.sort();
    let at = |i: usize| times.get(i).map_or(0.0, Duration::as_secs_f64);
    Ok((at(times.len() / 2), at(0)))
}

#[cfg(feature = "telemetry")]
mod otel {
    use opentelemetry::trace::TracerProvider as _;
    use opentelemetry_sdk::error::OTelSdkResult;
    use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};
    use tracing_subscriber::layer::SubscriberExt as _;

    /// Takes every span and drops it.
    #[derive(Debug)]
    struct Drop;

    impl SpanExporter for Drop {
        async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
            std::hint::black_box(batch);
            Ok(())
        }
    }

    /// Runs `work` under a subscriber recording every span to the dropping exporter.
    pub(super) fn traced<T>(work: impl FnOnce() -> T) -> T {
        let provider = SdkTracerProvider::builder()
            .with_simple_exporter(Drop)
            .build();
        let subscriber = tracing_subscriber::registry()
            .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("bench")));
        tracing::subscriber::with_default(subscriber, work)
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let Some(path) = value("--event") else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let number =
        |flag: &str, default: usize| value(flag).and_then(|v| v.parse().ok()).unwrap_or(default);
    let (iterations, warmup) = (number("--iterations", 20), number("--warmup", 3));
    let event = match std::fs::read_to_string(&path) {
        Ok(event) => event,
        Err(e) => {
            eprintln!("service: {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let event = if args.iter().any(|a| a == "--traceparent") {
        match with_traceparents(&event) {
            Ok(event) => event,
            Err(e) => {
                eprintln!("service: {path}: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        event
    };
    let records = match lambda_kafka::KafkaEvent::from_str(&event) {
        Ok(parsed) => parsed.record_count(),
        Err(e) => {
            eprintln!("service: {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let function = function();
    #[cfg_attr(not(feature = "telemetry"), allow(unused_mut))]
    let mut modes: Vec<(&str, Timing)> =
        vec![("plain", measure(&function, &event, warmup, iterations))];
    #[cfg(feature = "telemetry")]
    modes.push((
        "otel",
        otel::traced(|| measure(&function, &event, warmup, iterations)),
    ));
    for (mode, result) in modes {
        match result {
            Ok((median, fastest)) => {
                #[allow(clippy::cast_precision_loss, reason = "a rate")]
                let per_sec = |seconds: f64| records as f64 / seconds;
                eprintln!(
                    "{{\"mode\":\"{mode}\",\"telemetry\":{},\"records\":{records},\"iterations\":{iterations},\"median_s\":{median},\"min_s\":{fastest},\"records_per_sec\":{},\"max_records_per_sec\":{}}}",
                    cfg!(feature = "telemetry"),
                    per_sec(median),
                    per_sec(fastest),
                );
            }
            Err(e) => {
                eprintln!("service: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
