//! A deployable Lambda function: decodes every record of each Kafka batch with codecs
//! chosen by environment variables, logs it, and returns the partial batch response
//! listing exactly the records whose key or value failed to decode.
//!
//! | variable | values |
//! |---|---|
//! | `KEY_FORMAT`, `VALUE_FORMAT` | `string` (default), `json`, `avro`, `protobuf`, `bytes` |
//! | `KEY_SCHEMA`, `VALUE_SCHEMA` | a `.avsc`, a `.proto` or a `FileDescriptorSet` file |
//! | `KEY_MESSAGE`, `VALUE_MESSAGE` | a Protobuf message's full name |
//! | `SCHEMA_DIR` | Avro writer schemas by registry id (`<id>.avsc`) |
//! | `WIRE_FORMAT`, `KEY_WIRE_FORMAT`, `VALUE_WIRE_FORMAT` | `auto` (default), `plain`, `confluent`, `glue` |
//! | `SCHEMA_REGISTRY_URL` | a Confluent Schema Registry (comma-separated URLs): Avro writer schemas by id at run time; `*_SCHEMA` becomes the reader schema |
//! | `SCHEMA_REGISTRY_AUTH` | its credentials, `user:secret` (a Confluent Cloud API key and secret) |
//! | `SCHEMA_REGISTRY_SECRET` | or the ARN of the Secrets Manager secret holding them (`username`, `password`), as the event source mapping's |
//! | `GLUE_REGISTRY` | `true`: the AWS Glue Schema Registry, with the function's AWS configuration, instead |
//! | `SCHEMA_REGISTRY_TIMEOUT_MS` | the longest one schema fetch may take (5000 unless set) |
//! | `FAIL_WHOLE_BATCH` | `true`: a batch with a failed record fails the invocation instead of answering with a partial batch response (for a mapping without `ReportBatchItemFailures`) |
//! | `AWS_LAMBDA_LOG_FORMAT`, `AWS_LAMBDA_LOG_LEVEL` | `JSON` for JSON log lines; the log level (`INFO` unless set) |
//! | `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` | where spans go, over OTLP/HTTP (`OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf`); none: no export |
//! | `OTEL_SERVICE_NAME` | the service the spans belong to |
//! | `OTEL_PROPAGATORS` | the trace carriers read from record headers: `tracecontext`, `baggage`, `b3`, `b3multi`, `datadog`, `xray` (all unless set) |
//! | `POWERTOOLS_METRICS_NAMESPACE`, `POWERTOOLS_SERVICE_NAME` | the namespace and `service` dimension of the EMF metrics printed after each invocation |
//!
//! A bad setting fails the cold start with a message naming it.
//!
//! Features (all on by default): `avro`, `protobuf`, `registry` (the registry
//! variables) and `telemetry` (spans continuing each record's producer trace, exported
//! over OTLP, and EMF metrics). Built with `--no-default-features`, the function reads
//! JSON, text and bytes only, and a registry variable fails the cold start.

mod telemetry;

use lambda_kafka::any::{AnyCodec, CodecSpec, FormatName, SpecError};
#[cfg(feature = "registry")]
use lambda_kafka::registry::{RegistrySettings, SchemaCache};
use lambda_kafka::runtime::{self, KafkaService};
use lambda_kafka::{ConsumerRecord, KafkaConsumer, event::WireFormat};
use serde_json::Value;

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The codec of one side (`KEY` or `VALUE`) from its variables.
fn codec(side: &str) -> Result<AnyCodec, String> {
    let format_var = format!("{side}_FORMAT");
    let schema_var = format!("{side}_SCHEMA");
    let format: FormatName = var(&format_var)
        .unwrap_or_else(|| "string".to_owned())
        .parse()
        .map_err(|e| format!("{format_var}: {e}"))?;
    let spec = CodecSpec {
        format,
        schema: var(&schema_var).map(Into::into),
        message: var(&format!("{side}_MESSAGE")),
        schema_dir: var("SCHEMA_DIR").map(Into::into),
        learn_from_registry: var("SCHEMA_REGISTRY_URL").is_some()
            || matches!(var("GLUE_REGISTRY").as_deref(), Some("true" | "1")),
    };
    AnyCodec::build(&spec).map_err(|error| match error {
        SpecError::NeedsSchema => format!("{format_var}={format} needs {schema_var}"),
        SpecError::SchemaNotApplicable => {
            format!("{schema_var} does not apply to {format_var}={format}")
        }
        SpecError::MessageNotApplicable => {
            format!("{side}_MESSAGE applies to {format_var}=protobuf only")
        }
        SpecError::Schema(e) => format!("{schema_var}: {e}"),
        other => format!("{format_var}={format}: {other}"),
    })
}

fn wire_format(name: &str, default: WireFormat) -> Result<WireFormat, String> {
    var(name).map_or(Ok(default), |text| {
        text.parse().map_err(|e| format!("{name}: {e}"))
    })
}

/// The consumer the variables describe, or the first thing wrong with them.
fn consumer() -> Result<KafkaConsumer<AnyCodec, AnyCodec>, String> {
    let both = wire_format("WIRE_FORMAT", WireFormat::Auto)?;
    Ok(KafkaConsumer::with_codecs(codec("KEY")?, codec("VALUE")?)
        .key_wire_format(wire_format("KEY_WIRE_FORMAT", both)?)
        .value_wire_format(wire_format("VALUE_WIRE_FORMAT", both)?))
}

/// Without the `registry` feature, a registry variable is a bad setting.
#[cfg(not(feature = "registry"))]
#[allow(clippy::unused_async, reason = "the same call as with the feature")]
async fn schemas() -> Result<Option<std::convert::Infallible>, String> {
    no_registry(var).map(|()| None)
}

/// Fails on the first registry variable that is set, in a build without registries.
#[cfg(not(feature = "registry"))]
fn no_registry(var: impl Fn(&str) -> Option<String>) -> Result<(), String> {
    let names = [
        "SCHEMA_REGISTRY_URL",
        "GLUE_REGISTRY",
        "SCHEMA_REGISTRY_SECRET",
    ];
    match names.into_iter().find(|name| var(name).is_some()) {
        Some(name) => Err(format!(
            "{name}: this build has no schema registry (its `registry` feature is off)"
        )),
        None => Ok(()),
    }
}

#[cfg(all(test, not(feature = "registry")))]
mod tests {
    #[test]
    fn a_registry_variable_stops_a_build_without_registries() {
        let set = |name: &str| (name == "GLUE_REGISTRY").then(|| "true".to_owned());
        assert_eq!(
            super::no_registry(set).unwrap_err(),
            "GLUE_REGISTRY: this build has no schema registry (its `registry` feature is off)"
        );
        assert_eq!(super::no_registry(|_| None), Ok(()));
    }
}

/// The schema registry the variables describe, if any: the library's
/// `RegistrySettings::from_env` reads them.
#[cfg(feature = "registry")]
async fn schemas() -> Result<Option<SchemaCache>, String> {
    match RegistrySettings::from_env().map_err(|e| e.to_string())? {
        Some(settings) => settings.cache().await.map(Some).map_err(|e| e.to_string()),
        None => Ok(None),
    }
}

fn main() -> Result<(), runtime::Error> {
    // Before the async runtime: the span exporter's client runs in a thread of its own.
    let telemetry = telemetry::init().map_err(|message| {
        eprintln!("bad configuration: {message}");
        message
    })?;
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(serve(telemetry))
}

async fn serve(telemetry: telemetry::Telemetry) -> Result<(), runtime::Error> {
    // At cold start: a bad setting stops the function here, with its message.
    let configured = match consumer() {
        Ok(consumer) => schemas().await.map(|schemas| (consumer, schemas)),
        Err(e) => Err(e),
    };
    let (consumer, schemas) = configured.map_err(|message| {
        tracing::error!(%message, "bad configuration");
        message
    })?;
    let handler = |record: ConsumerRecord<'static, Value, Value>| async move {
        let text = |v: Option<&Value>| v.map_or_else(|| "null".to_owned(), ToString::to_string);
        tracing::info!(
            topic = record.topic(),
            partition = record.partition(),
            offset = record.offset(),
            key = %text(record.key.as_ref()),
            value = %text(record.value.as_ref()),
            "record"
        );
        Ok::<(), String>(())
    };
    let whole = matches!(var("FAIL_WHOLE_BATCH").as_deref(), Some("true" | "1"));
    let function = KafkaService::per_record(consumer, handler).fail_whole_batch(whole);
    let function = match schemas {
        #[cfg(feature = "registry")]
        Some(schemas) => function.registry(schemas),
        #[cfg(not(feature = "registry"))]
        Some(never) => match never {},
        None => function,
    };
    telemetry.run(function).await
}
