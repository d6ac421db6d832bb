//! Command-line arguments, per the project's fixed CLI contract.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use kafka_core::WireFormat;
use lambda_kafka::any::FormatName;
use lambda_kafka::registry::RegistrySettings;

/// Decode captured AWS Lambda Kafka events (Amazon MSK or self-managed Kafka).
#[derive(Debug, Parser)]
#[command(name = "lambda-kafka", version, about)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Decode every record's key and value; print one JSON line per record, in event order.
    Decode(Box<DecodeArgs>),
    /// Report each key's and value's framing (wire format, schema id, message indexes,
    /// compression) and first bytes; no schema needed.
    Inspect(InspectArgs),
    /// Apply Lambda's Kafka filter patterns to an event's records: print one JSON line per
    /// record, in event order, saying whether the mapping would deliver it.
    Filter(FilterArgs),
    /// A local event source mapping: read a Kafka broker, batch the records as Lambda's
    /// Kafka event source mapping does, invoke the function (or print each event), commit
    /// offsets after each success, retry failures.
    #[cfg(feature = "source")]
    Run(Box<RunArgs>),
}

#[derive(Debug, Args)]
pub(crate) struct FilterArgs {
    /// The event file; standard input when absent or "-".
    pub(crate) event: Option<PathBuf>,

    /// A filter pattern, the JSON text of a `FilterCriteria` filter's `Pattern`, such as
    /// '{"value": {"kind": ["order"]}}'; repeat for more (ORed, at most 10).
    #[arg(long, value_name = "PATTERN", required = true)]
    pub(crate) filter: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// The event file; standard input when absent or "-".
    pub(crate) event: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct DecodeArgs {
    /// The event file; standard input when absent or "-".
    pub(crate) event: Option<PathBuf>,

    /// How keys are decoded: string, json, avro, protobuf or bytes.
    #[arg(long, default_value = "string", value_name = "F", value_parser = parse_format)]
    pub(crate) key_format: FormatName,

    /// How values are decoded: string, json, avro, protobuf or bytes.
    #[arg(long, default_value = "string", value_name = "F", value_parser = parse_format)]
    pub(crate) value_format: FormatName,

    /// Schema of the keys: .avsc for avro, .proto or a FileDescriptorSet for protobuf.
    #[arg(long, value_name = "PATH")]
    pub(crate) key_schema: Option<PathBuf>,

    /// Schema of the values: .avsc for avro, .proto or a FileDescriptorSet for protobuf.
    #[arg(long, value_name = "PATH")]
    pub(crate) value_schema: Option<PathBuf>,

    /// Fully qualified protobuf message name of the keys.
    #[arg(long, value_name = "NAME")]
    pub(crate) key_message: Option<String>,

    /// Fully qualified protobuf message name of the values.
    #[arg(long, value_name = "NAME")]
    pub(crate) value_message: Option<String>,

    /// Writer schemas by registry id (`<id>.avsc` / `<uuid>.avsc`), for avro.
    #[arg(long, value_name = "DIR")]
    pub(crate) schema_dir: Option<PathBuf>,

    /// How keys and values are framed: auto, plain, confluent or glue.
    #[arg(long, default_value = "auto", value_name = "W", value_parser = parse_wire)]
    pub(crate) wire_format: WireFormat,

    /// How keys are framed (overrides --wire-format).
    #[arg(long, value_name = "W", value_parser = parse_wire)]
    pub(crate) key_wire_format: Option<WireFormat>,

    /// How values are framed (overrides --wire-format).
    #[arg(long, value_name = "W", value_parser = parse_wire)]
    pub(crate) value_wire_format: Option<WireFormat>,

    #[command(flatten)]
    pub(crate) registry: RegistryArgs,

    /// Report a failing record as a JSON line and go on (exit status 2 at the end).
    #[arg(long)]
    pub(crate) keep_going: bool,
}

/// The library's own names of formats, so that the command and the library agree.
fn parse_format(text: &str) -> Result<FormatName, String> {
    text.parse()
}

/// The library's own names of wire formats.
fn parse_wire(text: &str) -> Result<WireFormat, String> {
    text.parse()
}

/// Where a consumer group without committed offsets starts.
#[cfg(feature = "source")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum StartingPosition {
    /// The oldest record the broker keeps.
    TrimHorizon,
    /// Records produced from now on.
    Latest,
    /// The first record at or after `--starting-position-timestamp`.
    AtTimestamp,
}

/// How the mapping delivers keys and values framed for a schema registry.
#[cfg(feature = "source")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum RecordFormat {
    /// The bytes, the framing removed, with the schema's metadata.
    Source,
    /// Avro and Protobuf decoded with the registry's schema, as JSON text, with the
    /// schema's metadata.
    Json,
}

/// The on-failure destination whose records `--on-failure-dir` holds.
#[cfg(feature = "source")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum OnFailureShape {
    /// Amazon S3: the whole event in `payload`.
    S3,
    /// Amazon SQS: the offset ranges, no payload.
    Sqs,
    /// Amazon SNS: as SQS.
    Sns,
}

/// The kind of cluster the events say they come from.
#[cfg(feature = "source")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum EventSourceKind {
    /// Amazon MSK: `"eventSource":"aws:kafka"` and an `eventSourceArn`.
    Msk,
    /// Self-managed Kafka: `"eventSource":"SelfManagedKafka"`.
    SelfManaged,
}

/// A schema registry: the same flags for `decode` and `run`, read into the library's
/// `RegistrySettings` (credentials also from `SCHEMA_REGISTRY_AUTH` or
/// `SCHEMA_REGISTRY_SECRET`, the variables it reads).
#[derive(Debug, Args)]
pub(crate) struct RegistryArgs {
    /// A Confluent Schema Registry (comma-separated URLs tried in turn). `decode`: Avro
    /// writer schemas by id or GUID at run time, --*-schema becoming the reader schema.
    /// `run`: records delivered as a mapping with this registry does with record format
    /// SOURCE, the registry saying each id's dataFormat.
    #[arg(long, value_name = "URL")]
    pub(crate) schema_registry: Option<String>,

    /// The AWS Glue Schema Registry instead, with the AWS configuration of the environment
    /// (credentials, region, AWS_ENDPOINT_URL_GLUE).
    #[arg(long, conflicts_with = "schema_registry")]
    pub(crate) glue_registry: bool,

    /// The registry's credentials, USER:SECRET (a Confluent Cloud API key and secret).
    #[arg(
        long,
        value_name = "USER:SECRET",
        env = "SCHEMA_REGISTRY_AUTH",
        hide_env_values = true
    )]
    pub(crate) schema_registry_auth: Option<String>,

    /// Or the AWS Secrets Manager secret (ARN or name) holding them as username and
    /// password, as the event source mapping keeps them.
    #[arg(long, value_name = "ARN", env = "SCHEMA_REGISTRY_SECRET")]
    pub(crate) schema_registry_secret: Option<String>,

    /// The longest a schema fetch may take, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0)]
    pub(crate) schema_registry_timeout: f64,
}

impl RegistryArgs {
    /// Whether a registry was asked for.
    pub(crate) fn any(&self) -> bool {
        self.schema_registry.is_some() || self.glue_registry
    }

    /// The registry's settings, or `None` without one; `Err` names the flag that is wrong.
    pub(crate) fn settings(&self) -> Result<Option<RegistrySettings>, String> {
        let timeout = Duration::try_from_secs_f64(self.schema_registry_timeout)
            .ok()
            .filter(|t| !t.is_zero())
            .ok_or_else(|| {
                "--schema-registry-timeout takes a positive number of seconds".to_owned()
            })?;
        let settings = match (&self.schema_registry, self.glue_registry) {
            (Some(urls), _) => RegistrySettings::confluent(urls.as_str()),
            (None, true) => RegistrySettings::glue(),
            // Credentials alone may come from the environment of a shell that also runs
            // commands without a registry: they are not used, and not a mistake.
            (None, false) => return Ok(None),
        };
        let settings = match (&self.schema_registry_auth, &self.schema_registry_secret) {
            (Some(_), Some(_)) => {
                return Err(
                    "--schema-registry-auth and --schema-registry-secret (or SCHEMA_REGISTRY_AUTH and SCHEMA_REGISTRY_SECRET): choose one"
                        .to_owned(),
                );
            }
            (Some(pair), None) => settings
                .basic_auth(pair)
                .map_err(|e| format!("--schema-registry-auth: {e}"))?,
            (None, Some(secret)) => settings
                .basic_auth_from_secret(secret)
                .map_err(|e| format!("--schema-registry-secret: {e}"))?,
            (None, None) => settings,
        };
        Ok(Some(settings.with_timeout(timeout)))
    }
}

#[cfg(feature = "source")]
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("target").required(true).args(["invoke", "print"]))]
pub(crate) struct RunArgs {
    /// The brokers to bootstrap from, `host:port[,host:port...]`.
    #[arg(long, value_name = "SERVERS")]
    pub(crate) bootstrap_servers: String,

    /// A topic to read; repeat the option (or separate with commas) for more.
    #[arg(long, value_name = "TOPIC", required = true, value_delimiter = ',')]
    pub(crate) topic: Vec<String>,

    /// The consumer group whose offsets the mapping commits.
    #[arg(long, value_name = "GROUP", default_value = "lambda-kafka-run")]
    pub(crate) consumer_group: String,

    /// Where the group starts when it has no committed offset.
    #[arg(long, value_enum, default_value = "latest")]
    pub(crate) starting_position: StartingPosition,

    /// A filter pattern, as `lambda-kafka filter` takes it; repeat for more (ORed, at most
    /// 10). Records no filter delivers are not sent; their offsets are committed with
    /// the others'.
    #[arg(long, value_name = "PATTERN")]
    pub(crate) filter: Vec<String>,

    /// Where `at-timestamp` starts: Unix seconds.
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(i64).range(0..))]
    pub(crate) starting_position_timestamp: Option<i64>,

    /// The most records in one invocation (1 to 10,000).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub(crate) batch_size: u32,

    /// The longest the mapping gathers records before invoking, in milliseconds
    /// (at most 300,000).
    #[arg(long, value_name = "MS", default_value_t = 500, value_parser = clap::value_parser!(u64).range(0..=300_000))]
    pub(crate) batching_window_ms: u64,

    /// The envelope: msk (`aws:kafka` with an `eventSourceArn`) or self-managed.
    #[arg(long, value_enum, default_value = "self-managed")]
    pub(crate) event_source: EventSourceKind,

    /// The `eventSourceArn` of MSK events.
    #[arg(
        long,
        value_name = "ARN",
        default_value = "arn:aws:kafka:us-east-1:000000000000:cluster/local/00000000-0000-0000-0000-000000000000-1"
    )]
    pub(crate) event_source_arn: String,

    /// Invoke the function at this URL (cargo lambda watch's
    /// `http://127.0.0.1:9000/2015-03-31/functions/NAME/invocations`, or any
    /// Lambda-compatible invoke URL over HTTP).
    #[arg(long, value_name = "URL")]
    pub(crate) invoke: Option<String>,

    /// Print each event as one JSON line instead of invoking; a printed batch counts as
    /// processed.
    #[arg(long)]
    pub(crate) print: bool,

    /// Retries of a failed batch or record after its first attempt; -1 for no limit
    /// (Lambda's default; 10 with an on-failure destination, as Lambda caps infinite
    /// retries then).
    #[arg(long, default_value_t = -1, allow_negative_numbers = true, value_parser = clap::value_parser!(i64).range(-1..=10_000))]
    pub(crate) max_retries: i64,

    /// Split a batch the function fails as a whole in two and retry each half alone,
    /// down to single records, before retries count (`BisectBatchOnFunctionError`).
    #[arg(long)]
    pub(crate) bisect_batch_on_function_error: bool,

    /// The oldest a record may be, by its timestamp, when it is sent, in seconds; -1 for
    /// no limit (Lambda's default).
    #[arg(long, value_name = "SECONDS", default_value_t = -1, allow_negative_numbers = true, value_parser = clap::value_parser!(i64).range(-1..=604_800))]
    pub(crate) maximum_record_age: i64,

    /// Keep each discarded batch here, as Lambda's S3 on-failure destination does (or
    /// an SQS or SNS one, with --on-failure-destination); without a destination a
    /// discarded batch is only reported.
    #[arg(long, value_name = "DIR")]
    pub(crate) on_failure_dir: Option<PathBuf>,

    /// The shape of --on-failure-dir's files: s3 (with the event), sqs or sns (the offset
    /// ranges only).
    #[arg(long, value_enum, value_name = "KIND", default_value = "s3")]
    pub(crate) on_failure_destination: OnFailureShape,

    /// Write each discarded record to this topic of the same cluster, as a Kafka-topic
    /// on-failure destination does: one record each, with the original key.
    #[arg(long, value_name = "TOPIC")]
    pub(crate) on_failure_topic: Option<String>,

    #[command(flatten)]
    pub(crate) registry: RegistryArgs,

    /// With a registry: how framed keys and values are delivered, as the mapping's
    /// `EventRecordFormat`: source (the framing removed) or json (decoded, as JSON text).
    #[arg(long, value_enum, value_name = "FORMAT", default_value = "source")]
    pub(crate) record_format: RecordFormat,

    /// The longest one invocation may take, in seconds; a slower one fails its batch.
    #[arg(long, value_name = "SECONDS", default_value_t = 900.0)]
    pub(crate) function_timeout: f64,

    /// The `functionArn` written in on-failure records.
    #[arg(
        long,
        value_name = "ARN",
        default_value = "arn:aws:lambda:us-east-1:000000000000:function:local"
    )]
    pub(crate) function_arn: String,

    /// A librdkafka setting, KEY=VALUE (`security.protocol=SASL_SSL`, ...); repeatable.
    #[arg(long = "kafka-config", value_name = "KEY=VALUE")]
    pub(crate) kafka_config: Vec<String>,

    /// Stop (exit status 0) once nothing has arrived and nothing waits for this many
    /// seconds; without it the mapping runs until interrupted.
    #[arg(long, value_name = "SECONDS")]
    pub(crate) exit_when_idle: Option<f64>,
}
