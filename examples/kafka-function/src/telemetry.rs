//! The function's logs, traces and metrics.
//!
//! - Logs: text, or JSON objects when `AWS_LAMBDA_LOG_FORMAT=JSON`, at the level
//!   `AWS_LAMBDA_LOG_LEVEL` (or `RUST_LOG`, or `INFO`) says, as `lambda_runtime`'s own
//!   subscriber does.
//! - Traces (feature `telemetry`): when `OTEL_EXPORTER_OTLP_ENDPOINT` or
//!   `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set, spans go over OTLP/HTTP with protobuf
//!   bodies (`opentelemetry-otlp`, which reads the standard variables), named by
//!   `OTEL_SERVICE_NAME`, flushed after each invocation by `lambda_runtime`'s
//!   `OpenTelemetryLayer`. The carriers read from record headers are those
//!   `OTEL_PROPAGATORS` names (lambda-kafka reads it). Without an endpoint nothing is
//!   exported and no OpenTelemetry layer is installed.
//! - Metrics (feature `telemetry`): lambda-kafka prints CloudWatch EMF after each
//!   invocation, under `POWERTOOLS_METRICS_NAMESPACE` and `POWERTOOLS_SERVICE_NAME`.

use lambda_kafka::BatchItemFailures;
use lambda_kafka::codec::Codec;
use lambda_kafka::runtime::{self, KafkaService};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// What the function exports to, once the subscriber is installed.
pub(crate) struct Telemetry {
    #[cfg(feature = "telemetry")]
    provider: Option<opentelemetry_sdk::trace::SdkTracerProvider>,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Installs the subscriber (and the OTLP exporter when an endpoint is set). Call it before
/// the async runtime starts: the exporter's blocking client runs in a thread of its own.
pub(crate) fn init() -> Result<Telemetry, String> {
    let level = var("AWS_LAMBDA_LOG_LEVEL")
        .or_else(|| var("RUST_LOG"))
        .and_then(|level| level.parse::<LevelFilter>().ok())
        .unwrap_or(LevelFilter::INFO);
    let filter = EnvFilter::builder()
        .with_default_directive(level.into())
        .from_env_lossy();
    let json = var("AWS_LAMBDA_LOG_FORMAT").is_some_and(|f| f.eq_ignore_ascii_case("json"));
    let text = (!json).then(|| {
        tracing_subscriber::fmt::layer()
            .with_target(false)
            .without_time()
            .with_ansi(false)
    });
    let json = json.then(|| {
        tracing_subscriber::fmt::layer()
            .json()
            .with_target(false)
            .without_time()
    });
    let registry = tracing_subscriber::registry()
        .with(filter)
        .with(text)
        .with(json);
    #[cfg(feature = "telemetry")]
    {
        let provider = exporter()?;
        let otel = provider.as_ref().map(|provider| {
            use opentelemetry::trace::TracerProvider as _;
            tracing_opentelemetry::layer().with_tracer(provider.tracer("kafka-function"))
        });
        registry.with(otel).init();
        Ok(Telemetry { provider })
    }
    #[cfg(not(feature = "telemetry"))]
    {
        registry.init();
        Ok(Telemetry {})
    }
}

/// The OTLP/HTTP exporter the standard variables describe, if they name an endpoint.
#[cfg(feature = "telemetry")]
fn exporter() -> Result<Option<opentelemetry_sdk::trace::SdkTracerProvider>, String> {
    use opentelemetry_otlp::{Protocol, WithExportConfig as _};

    if var("OTEL_EXPORTER_OTLP_ENDPOINT").is_none()
        && var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").is_none()
    {
        return Ok(None);
    }
    let protocol = var("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
        .or_else(|| var("OTEL_EXPORTER_OTLP_PROTOCOL"))
        .unwrap_or_else(|| "http/protobuf".to_owned());
    if protocol != "http/protobuf" {
        return Err(format!(
            "OTEL_EXPORTER_OTLP_PROTOCOL={protocol}: this function exports over http/protobuf only"
        ));
    }
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary)
        .build()
        .map_err(|e| format!("the OTLP exporter: {e}"))?;
    Ok(Some(
        opentelemetry_sdk::trace::SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .build(),
    ))
}

impl Telemetry {
    /// Runs `function` on `lambda_runtime`: with an exporter, under `OpenTelemetryLayer`
    /// (the invocation span, `faas.trigger = pubsub`, a flush after each invocation).
    pub(crate) async fn run<K, V>(
        self,
        function: KafkaService<K, V, BatchItemFailures>,
    ) -> Result<(), runtime::Error>
    where
        K: Codec + 'static,
        V: Codec + 'static,
        K::Output: Send + 'static,
        V::Output: Send + 'static,
    {
        #[cfg(feature = "telemetry")]
        if let Some(provider) = self.provider {
            use lambda_runtime::layers::{
                OpenTelemetryFaasTrigger, OpenTelemetryLayer, TracingLayer,
            };
            let flush = move || {
                if let Err(error) = provider.force_flush() {
                    tracing::warn!(%error, "spans could not be exported");
                }
            };
            return lambda_runtime::Runtime::new(function)
                .layer(TracingLayer::new())
                .layer(
                    OpenTelemetryLayer::new(flush).with_trigger(OpenTelemetryFaasTrigger::PubSub),
                )
                .run()
                .await;
        }
        function.run().await
    }
}
