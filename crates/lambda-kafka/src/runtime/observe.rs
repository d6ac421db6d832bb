//! What a service records of each invocation: the batch and record spans with the
//! messaging conventions' attributes (through `tracing`), the producers' contexts as their
//! links (feature `opentelemetry`), the failed records' log events, and the metrics
//! (feature `metrics`). Every attribute name lives here.

use kafka_core::{KafkaEvent, RecordError, RecordId};
use tracing::Span;
use tracing::field::Empty;

#[cfg(feature = "metrics")]
use super::metrics::{Metrics, MetricsSettings};

/// How a service observes its invocations, set when it is built.
#[derive(Debug, Clone, Default)]
pub(crate) struct Settings {
    #[cfg(feature = "opentelemetry")]
    pub(crate) trace: TraceSettings,
    #[cfg(feature = "metrics")]
    pub(crate) metrics: MetricsSettings,
}

/// The trace settings: which carriers are read, whether text keys become attributes,
/// whether record spans are parented on the producer.
#[cfg(feature = "opentelemetry")]
#[derive(Debug, Clone)]
pub(crate) struct TraceSettings {
    pub(crate) carriers: std::sync::Arc<crate::telemetry::Carriers>,
    pub(crate) record_keys: bool,
    pub(crate) parent_on_producer: bool,
}

#[cfg(feature = "opentelemetry")]
impl Default for TraceSettings {
    fn default() -> Self {
        Self {
            carriers: std::sync::Arc::new(crate::telemetry::Carriers::from_env()),
            record_keys: false,
            parent_on_producer: false,
        }
    }
}

/// What one record brought for its span: the producer's context and its text key.
#[cfg(feature = "opentelemetry")]
#[derive(Debug, Default)]
struct RecordTrace {
    producer: Option<opentelemetry::Context>,
    key: Option<String>,
}

/// One invocation as it is observed: its batch span, the records' producer contexts by
/// group and position, and the metrics gathered so far.
#[derive(Debug)]
pub(crate) struct Invocation {
    span: Span,
    #[cfg(feature = "opentelemetry")]
    traces: Vec<Vec<RecordTrace>>,
    #[cfg(feature = "opentelemetry")]
    parent_on_producer: bool,
    #[cfg(feature = "metrics")]
    pub(crate) metrics: Metrics,
}

/// The `otel.name` of a span over `topics`: `process orders`, or `process` when the
/// batch has records of more than one topic.
fn span_name(topic: Option<&str>) -> String {
    topic.map_or_else(|| "process".to_owned(), |topic| format!("process {topic}"))
}

/// The one topic of an event's records, if they have one.
fn single_topic<'e>(event: &'e KafkaEvent<'_>) -> Option<&'e str> {
    let mut topics = event.records().map(kafka_core::RawRecord::topic);
    let first = topics.next()?;
    topics.all(|t| t == first).then_some(first)
}

impl Invocation {
    /// Starts observing the invocation of `event`: its batch span, with the producer
    /// contexts its records carry as links when an OpenTelemetry layer records it.
    #[cfg_attr(
        not(any(feature = "opentelemetry", feature = "metrics")),
        allow(clippy::unused_self, unused_variables)
    )]
    pub(crate) fn start(settings: &Settings, event: &KafkaEvent<'_>) -> Self {
        let topic = single_topic(event);
        let span = tracing::info_span!(
            "kafka_batch",
            otel.name = %span_name(topic),
            otel.kind = "consumer",
            otel.status_code = Empty,
            messaging.system = "kafka",
            messaging.operation.name = "process",
            messaging.operation.type = "process",
            messaging.destination.name = topic,
            messaging.batch.message_count = i64::try_from(event.record_count()).unwrap_or(i64::MAX),
            faas.trigger = "pubsub",
            error.type = Empty,
        );
        #[cfg(feature = "opentelemetry")]
        let (traces, parent_on_producer) = if links::recorded(&span) {
            let trace = &settings.trace;
            (links::gather(trace, event, &span), trace.parent_on_producer)
        } else {
            (Vec::new(), false)
        };
        Self {
            span,
            #[cfg(feature = "opentelemetry")]
            traces,
            #[cfg(feature = "opentelemetry")]
            parent_on_producer,
            #[cfg(feature = "metrics")]
            metrics: Metrics::start(&settings.metrics, event),
        }
    }

    /// The batch span, for the invocation's work to run in.
    pub(crate) fn span(&self) -> &Span {
        &self.span
    }

    /// Marks the batch failed with `error_type` (the invocation's diagnostic type).
    pub(crate) fn batch_failed(&self, error_type: &str) {
        self.span.record("otel.status_code", "error");
        self.span.record("error.type", error_type);
    }

    /// The span of the record at `index` of the group at `group` (a child of the batch
    /// span, linked to its producer).
    #[cfg_attr(
        not(feature = "opentelemetry"),
        allow(clippy::unused_self, unused_variables)
    )]
    pub(crate) fn record_span(
        &self,
        group: usize,
        index: usize,
        id: &RecordId,
        tombstone: bool,
    ) -> Span {
        let span = self.span.in_scope(|| {
            tracing::info_span!(
                "kafka_record",
                otel.name = %span_name(Some(&id.topic)),
                otel.kind = "consumer",
                otel.status_code = Empty,
                messaging.system = "kafka",
                messaging.operation.name = "process",
                messaging.operation.type = "process",
                messaging.destination.name = %id.topic,
                messaging.destination.partition.id = %id.partition,
                messaging.kafka.offset = id.offset,
                messaging.kafka.message.key = Empty,
                messaging.kafka.message.tombstone = tombstone.then_some(true),
                error.type = Empty,
            )
        });
        #[cfg(feature = "opentelemetry")]
        if let Some(trace) = self.traces.get(group).and_then(|g| g.get(index)) {
            links::record(&span, &self.span, trace, self.parent_on_producer);
        }
        span
    }

    /// The producer's trace id of the record at `index` of the group at `group`, in hex,
    /// when it carried one.
    #[cfg_attr(
        not(feature = "opentelemetry"),
        allow(clippy::unused_self, unused_variables)
    )]
    fn producer_trace_id(&self, group: usize, index: usize) -> Option<String> {
        #[cfg(feature = "opentelemetry")]
        {
            use opentelemetry::trace::TraceContextExt as _;
            let producer = self.traces.get(group)?.get(index)?.producer.as_ref()?;
            let context = producer.span().span_context().clone();
            context.is_valid().then(|| context.trace_id().to_string())
        }
        #[cfg(not(feature = "opentelemetry"))]
        None
    }

    /// Reports a record whose handler failed: its span gets `error.type = handler`, and
    /// one warning names it.
    pub(crate) fn handler_failed(
        &self,
        span: &Span,
        place: (usize, usize),
        id: &RecordId,
        error: &str,
    ) {
        #[cfg(feature = "metrics")]
        self.metrics.handler_failed();
        self.failed(span, place, id, ("handler", "handler"), &error);
    }

    /// Reports a record that could not be decoded: its span gets the error's kind as
    /// `error.type`, and one warning names it and the side that failed.
    pub(crate) fn decode_failed(&self, span: &Span, place: (usize, usize), error: &RecordError) {
        let side = error.part().map_or("record", |part| part.as_str());
        let kind = error.kind().as_str();
        self.failed(span, place, error.record(), (side, kind), error);
    }

    /// Marks the record's span failed with `kind` as `error.type`, and logs the record
    /// once, by its coordinates, the `side` that failed, the kind, the producer's trace id
    /// when known, and the error's message (never payload bytes).
    fn failed(
        &self,
        span: &Span,
        (group, index): (usize, usize),
        id: &RecordId,
        (side, kind): (&str, &str),
        error: &dyn std::fmt::Display,
    ) {
        span.record("otel.status_code", "error");
        span.record("error.type", kind);
        let trace_id = self.producer_trace_id(group, index);
        span.in_scope(|| {
            tracing::warn!(
                topic = %id.topic,
                partition = id.partition,
                offset = id.offset,
                side,
                kind,
                trace_id,
                %error,
                "record failed"
            );
        });
    }
}

/// The producers' contexts: read from each record's headers, linked from the batch span
/// and each record's span.
#[cfg(feature = "opentelemetry")]
mod links {
    use std::collections::HashSet;

    use base64::Engine as _;
    use kafka_core::{KafkaEvent, RawRecord, RecordId};
    use opentelemetry::baggage::BaggageExt as _;
    use opentelemetry::trace::TraceContextExt as _;
    use tracing::Span;
    use tracing_opentelemetry::OpenTelemetrySpanExt as _;

    use super::{RecordTrace, TraceSettings};

    /// Whether an OpenTelemetry layer records `span` (else there is nothing to link, and
    /// the headers are not read).
    pub(super) fn recorded(span: &Span) -> bool {
        !span.is_disabled() && span.context().span().span_context().is_valid()
    }

    /// Every record's producer context and text key, by group and position, with each
    /// distinct producer context linked from the batch span.
    pub(super) fn gather(
        settings: &TraceSettings,
        event: &KafkaEvent<'_>,
        batch: &Span,
    ) -> Vec<Vec<RecordTrace>> {
        let mut linked = HashSet::new();
        event
            .partitions()
            .map(|(_, records)| {
                records
                    .iter()
                    .map(|record| {
                        let trace = RecordTrace {
                            producer: settings
                                .carriers
                                .extract(record.headers(), &|| RecordId::of(record)),
                            key: if settings.record_keys {
                                text_key(record)
                            } else {
                                None
                            },
                        };
                        if let Some(producer) = &trace.producer {
                            let context = producer.span().span_context().clone();
                            if context.is_valid()
                                && linked.insert((context.trace_id(), context.span_id()))
                            {
                                batch.add_link(context);
                            }
                        }
                        trace
                    })
                    .collect()
            })
            .collect()
    }

    /// The record's key as text: its bytes when they are UTF-8 without control
    /// characters (a key in a binary format is not an attribute).
    fn text_key(record: &RawRecord<'_>) -> Option<String> {
        let text = record.key().as_base64()?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text)
            .ok()?;
        let key = String::from_utf8(bytes).ok()?;
        (!key.chars().any(char::is_control)).then_some(key)
    }

    /// Links (or parents) a record's span to its producer, and puts the producer's
    /// baggage in the context the handler runs in.
    pub(super) fn record(span: &Span, batch: &Span, trace: &RecordTrace, parent_on_producer: bool) {
        if let Some(key) = &trace.key {
            span.record("messaging.kafka.message.key", key.as_str());
        }
        let Some(producer) = &trace.producer else {
            return;
        };
        let context = producer.span().span_context().clone();
        if parent_on_producer && context.is_valid() {
            // The producer becomes the parent; the batch span, the ambient one, a link.
            let _ = span.set_parent(producer.clone());
            span.add_link(batch.context().span().span_context().clone());
            return;
        }
        span.add_link(context);
        if !producer.baggage().is_empty() {
            let _ = span.set_parent(crate::telemetry::with_baggage_of(
                &batch.context(),
                producer,
            ));
        }
    }
}
