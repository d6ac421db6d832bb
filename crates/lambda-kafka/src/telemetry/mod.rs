//! The producer's trace continued into each record (feature `opentelemetry`).
//!
//! Producers instrumented with OpenTelemetry, Brave/Zipkin or Datadog write their trace
//! context into every record's headers. A [`KafkaService`] reads it and makes the spans
//! OpenTelemetry's messaging conventions describe, through `tracing` and
//! `tracing-opentelemetry` (your subscriber stays yours):
//!
//! - one `process` span per batch (kind CONSUMER, `messaging.batch.message_count`),
//!   linked to every producer context its records carry;
//! - for a [per-record](crate::runtime::KafkaService::per_record) handler, one `process` span per record
//!   (kind CONSUMER), a child of the batch span, linked to its producer's context, with
//!   `messaging.destination.name`, `messaging.destination.partition.id`,
//!   `messaging.kafka.offset`, `messaging.kafka.message.tombstone` (when true) and, when
//!   it failed, `error.type` (the error kind, or `handler`). The producer's baggage is in
//!   the OpenTelemetry context while your handler runs.
//!
//! Export the spans with any `tracing-opentelemetry` layer, and flush them after each
//! invocation with `lambda_runtime`'s `OpenTelemetryLayer` (feature `opentelemetry` of
//! `lambda_runtime`); `examples/kafka-function` does both, over OTLP.
//!
//! # Carriers
//!
//! Unless [`KafkaService::trace_carriers`] says otherwise, the carriers read are those
//! `OTEL_PROPAGATORS` names, in its order of preference (`tracecontext`, `baggage`, `b3`,
//! `b3multi`, `datadog`, `xray`; `none` for none), or, without it, all of them: W3C
//! `traceparent` and `tracestate` (`opentelemetry_sdk`), `baggage` (`opentelemetry_sdk`),
//! B3 single and multiple headers (`opentelemetry-propagator-b3`), Datadog's `x-datadog-*`
//! ([`DatadogPropagator`]) and X-Ray's `X-Amzn-Trace-Id` (`opentelemetry-aws`). Header
//! names match whatever their case; a record whose carrier is malformed is processed all
//! the same, without a producer context, and a `debug` event says which header was
//! ignored.
//!
//! In a [batch](crate::runtime::KafkaService::batch) handler, read a record's context yourself:
//!
//! ```
//! use lambda_kafka::event::{Header, Headers};
//! use lambda_kafka::telemetry::HeaderExtractor;
//! use opentelemetry::propagation::TextMapPropagator as _;
//! use opentelemetry::trace::TraceContextExt as _;
//! use opentelemetry_sdk::propagation::TraceContextPropagator;
//!
//! let mut headers = Headers::default(); // a record's `headers`
//! headers.push(Header::new(
//!     "TraceParent",
//!     Some(b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_vec()),
//! ));
//! let producer = TraceContextPropagator::new().extract(&HeaderExtractor::new(&headers));
//! assert_eq!(
//!     producer.span().span_context().trace_id().to_string(),
//!     "4bf92f3577b34da6a3ce929d0e0e4736"
//! );
//! ```
//!
//! [`KafkaService`]: crate::runtime::KafkaService
//! [`KafkaService::trace_carriers`]: crate::runtime::KafkaService::trace_carriers

mod datadog;

use std::fmt;

use kafka_core::{Headers, RecordId};
use opentelemetry::Context;
use opentelemetry::baggage::BaggageExt as _;
use opentelemetry::propagation::{Extractor, TextMapPropagator};
use opentelemetry::trace::TraceContextExt as _;

pub use self::datadog::DatadogPropagator;

/// A record's headers as an OpenTelemetry [`Extractor`]: names match whatever their case
/// (the propagators ask for lower-case names; producers write `X-B3-TraceId`), values are
/// the first header's value as UTF-8 (a value that is not UTF-8 or null is absent).
#[derive(Debug, Clone, Copy)]
pub struct HeaderExtractor<'h, 'a>(&'h Headers<'a>);

impl<'h, 'a> HeaderExtractor<'h, 'a> {
    /// Reads `headers`.
    #[must_use]
    pub const fn new(headers: &'h Headers<'a>) -> Self {
        Self(headers)
    }

    fn has(&self, name: &str) -> bool {
        self.0.iter().any(|h| h.name().eq_ignore_ascii_case(name))
    }
}

impl Extractor for HeaderExtractor<'_, '_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|h| h.name().eq_ignore_ascii_case(key))
            .and_then(|h| h.value_str())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.iter().map(kafka_core::Header::name).collect()
    }
}

/// `base` with the baggage of `from` (its span context stays `base`'s).
pub(crate) fn with_baggage_of(base: &Context, from: &Context) -> Context {
    let entries: Vec<_> = from
        .baggage()
        .iter()
        .map(|(k, (v, _))| opentelemetry::KeyValue::new(k.clone(), v.clone()))
        .collect();
    base.with_baggage(entries)
}

/// A propagator that can be shared by the service's clones and invocations.
pub(crate) type Carrier = Box<dyn TextMapPropagator + Send + Sync>;

/// The carriers a service reads, in order of preference: the first valid span context
/// wins; baggage is gathered from all.
pub(crate) struct Carriers(Vec<Carrier>);

impl fmt::Debug for Carriers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|c| c.fields().next().unwrap_or("?")))
            .finish()
    }
}

impl Carriers {
    pub(crate) fn new(carriers: Vec<Carrier>) -> Self {
        Self(carriers)
    }

    /// The carriers `OTEL_PROPAGATORS` names, or all of them without it.
    pub(crate) fn from_env() -> Self {
        let names = std::env::var("OTEL_PROPAGATORS").ok();
        let (carriers, unknown) = Self::named(names.as_deref());
        for name in unknown {
            tracing::warn!(
                name,
                "OTEL_PROPAGATORS names a carrier this function cannot read; ignored"
            );
        }
        carriers
    }

    /// The carriers a comma-separated list names (every one when `None`), and the names
    /// it does not know.
    pub(crate) fn named(names: Option<&str>) -> (Self, Vec<String>) {
        let names = names
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or("tracecontext,baggage,b3,datadog,xray");
        let mut carriers: Vec<Carrier> = Vec::new();
        let mut unknown = Vec::new();
        let mut seen = Vec::new();
        for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let name = name.to_ascii_lowercase();
            // `b3` and `b3multi` share one reader: it takes either encoding.
            let key = if name == "b3multi" {
                "b3"
            } else {
                name.as_str()
            };
            if seen.iter().any(|s| s == key) {
                continue;
            }
            seen.push(key.to_owned());
            match key {
                "tracecontext" => carriers.push(Box::new(
                    opentelemetry_sdk::propagation::TraceContextPropagator::new(),
                )),
                "baggage" => carriers.push(Box::new(
                    opentelemetry_sdk::propagation::BaggagePropagator::new(),
                )),
                "b3" => carriers.push(Box::new(
                    opentelemetry_propagator_b3::Propagator::with_encoding(
                        opentelemetry_propagator_b3::B3Encoding::SingleAndMultiHeader,
                    ),
                )),
                "datadog" => carriers.push(Box::new(DatadogPropagator)),
                "xray" => carriers.push(Box::new(opentelemetry_aws::trace::XrayPropagator::new())),
                "none" => {}
                _ => unknown.push(name),
            }
        }
        (Self(carriers), unknown)
    }

    /// The producer's context in `headers`: the span context of the first carrier that
    /// holds a valid one, with the baggage of every carrier. `None` when there is no span
    /// context and no baggage. A carrier whose headers are present but yield nothing is
    /// reported as a `debug` event naming the record.
    pub(crate) fn extract(
        &self,
        headers: &Headers<'_>,
        record: &dyn Fn() -> RecordId,
    ) -> Option<Context> {
        if headers.is_empty() {
            return None;
        }
        let extractor = HeaderExtractor::new(headers);
        let mut found: Option<Context> = None;
        for carrier in &self.0 {
            let Some(header) = carrier.fields().find(|f| extractor.has(f)) else {
                continue;
            };
            let base = found.clone().unwrap_or_default();
            let next = carrier.extract_with_context(&base, &extractor);
            let span_found = found
                .as_ref()
                .is_some_and(|cx| cx.span().span_context().is_valid());
            if !span_found && next.span().span_context().is_valid() {
                found = Some(next);
            } else if next.baggage().len() > base.baggage().len() {
                found = Some(with_baggage_of(&base, &next));
            } else if !span_found {
                let id = record();
                tracing::debug!(
                    topic = %id.topic,
                    partition = id.partition,
                    offset = id.offset,
                    header,
                    "trace context header could not be read; the record has no producer context"
                );
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use std::collections::HashMap;

    use opentelemetry::propagation::TextMapPropagator as _;
    use opentelemetry::trace::{
        SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState,
    };

    use super::{Carriers, DatadogPropagator};

    fn first_fields(carriers: &Carriers) -> Vec<String> {
        carriers
            .0
            .iter()
            .map(|c| c.fields().next().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn otel_propagators_names_the_carriers_in_order() {
        let (carriers, unknown) = Carriers::named(Some("datadog, TraceContext,b3multi,b3,jaeger"));
        assert_eq!(
            first_fields(&carriers),
            ["x-datadog-trace-id", "traceparent", "b3"]
        );
        assert_eq!(unknown, ["jaeger"]);
        let (none, unknown) = Carriers::named(Some("none"));
        assert!(none.0.is_empty() && unknown.is_empty());
        let (all, _) = Carriers::named(None);
        assert_eq!(
            first_fields(&all),
            [
                "traceparent",
                "baggage",
                "b3",
                "x-datadog-trace-id",
                "x-amzn-trace-id"
            ]
        );
    }

    #[test]
    fn datadog_writes_what_it_reads() {
        let context = SpanContext::new(
            TraceId::from_hex("0af7651916cd43dd8448eb211c80319c").unwrap(),
            SpanId::from_hex("b7ad6b7169203331").unwrap(),
            TraceFlags::SAMPLED,
            true,
            TraceState::NONE,
        );
        let cx = opentelemetry::Context::new().with_remote_span_context(context.clone());
        let mut headers = HashMap::new();
        DatadogPropagator.inject_context(&cx, &mut headers);
        assert_eq!(headers["x-datadog-trace-id"], "9532127138774266268");
        assert_eq!(headers["x-datadog-parent-id"], "13235353014750950193");
        assert_eq!(headers["x-datadog-sampling-priority"], "1");
        assert_eq!(headers["x-datadog-tags"], "_dd.p.tid=0af7651916cd43dd");
        let back = DatadogPropagator.extract(&headers);
        assert_eq!(back.span().span_context(), &context);
        // A priority of 0 or below is not sampled; a zero id is no context.
        headers.insert("x-datadog-sampling-priority".to_owned(), "-1".to_owned());
        assert!(
            !DatadogPropagator
                .extract(&headers)
                .span()
                .span_context()
                .is_sampled()
        );
        headers.insert("x-datadog-parent-id".to_owned(), "0".to_owned());
        assert!(
            !DatadogPropagator
                .extract(&headers)
                .span()
                .span_context()
                .is_valid()
        );
    }
}
