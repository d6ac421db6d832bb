//! The Datadog trace headers, which no OpenTelemetry crate of this release reads.

use std::fmt::Write as _;
use std::sync::LazyLock;

use opentelemetry::Context;
use opentelemetry::propagation::text_map_propagator::FieldIter;
use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};
use opentelemetry::trace::{
    SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState,
};

const TRACE_ID: &str = "x-datadog-trace-id";
const PARENT_ID: &str = "x-datadog-parent-id";
const SAMPLING_PRIORITY: &str = "x-datadog-sampling-priority";
const TAGS: &str = "x-datadog-tags";
/// The tag that holds the upper 64 bits of a 128-bit trace id, in hex.
const UPPER_TRACE_ID_TAG: &str = "_dd.p.tid";

/// The trace context `dd-trace` writes into Kafka headers: `x-datadog-trace-id` and
/// `x-datadog-parent-id` (decimal, the lower 64 bits of the trace id and the span id),
/// `x-datadog-sampling-priority` (above 0: sampled) and `x-datadog-tags`, whose
/// `_dd.p.tid` holds the upper 64 bits of a 128-bit trace id in hex.
///
/// A [`TextMapPropagator`], for [`KafkaService::trace_carriers`] or any OpenTelemetry
/// composition. It reads and writes those four headers; a context it cannot read (a
/// missing or zero id, a number that does not parse) is left out.
///
/// [`KafkaService::trace_carriers`]: crate::runtime::KafkaService::trace_carriers
#[derive(Debug, Clone, Copy, Default)]
pub struct DatadogPropagator;

impl DatadogPropagator {
    /// The propagator.
    #[must_use]
    pub const fn new() -> Self {
        Self
    }

    fn span_context(extractor: &dyn Extractor) -> Option<SpanContext> {
        let decimal = |name| extractor.get(name)?.trim().parse::<u64>().ok();
        let lower = decimal(TRACE_ID).filter(|id| *id != 0)?;
        let span = decimal(PARENT_ID).filter(|id| *id != 0)?;
        let upper = extractor
            .get(TAGS)
            .and_then(|tags| {
                tags.split(',').find_map(|tag| {
                    let (name, value) = tag.split_once('=')?;
                    (name.trim() == UPPER_TRACE_ID_TAG).then_some(value.trim())
                })
            })
            .map_or(Some(0), |hex| {
                (hex.len() == 16)
                    .then(|| u64::from_str_radix(hex, 16).ok())
                    .flatten()
            })?;
        let sampled = extractor
            .get(SAMPLING_PRIORITY)
            .and_then(|p| p.trim().parse::<i32>().ok())
            .is_none_or(|priority| priority > 0);
        let flags = if sampled {
            TraceFlags::SAMPLED
        } else {
            TraceFlags::default()
        };
        let trace = (u128::from(upper) << 64) | u128::from(lower);
        Some(SpanContext::new(
            TraceId::from(trace),
            SpanId::from(span),
            flags,
            true,
            TraceState::NONE,
        ))
    }
}

impl TextMapPropagator for DatadogPropagator {
    fn inject_context(&self, cx: &Context, injector: &mut dyn Injector) {
        let span = cx.span();
        let context = span.span_context();
        if !context.is_valid() {
            return;
        }
        let trace = u128::from_be_bytes(context.trace_id().to_bytes());
        let span_id = u64::from_be_bytes(context.span_id().to_bytes());
        #[allow(clippy::cast_possible_truncation, reason = "the two halves of the id")]
        let (upper, lower) = ((trace >> 64) as u64, trace as u64);
        injector.set(TRACE_ID, lower.to_string());
        injector.set(PARENT_ID, span_id.to_string());
        let priority = if context.is_sampled() { "1" } else { "0" };
        injector.set(SAMPLING_PRIORITY, priority.to_owned());
        if upper != 0 {
            let mut tags = String::new();
            let _ = write!(tags, "{UPPER_TRACE_ID_TAG}={upper:016x}");
            injector.set(TAGS, tags);
        }
    }

    fn extract_with_context(&self, cx: &Context, extractor: &dyn Extractor) -> Context {
        Self::span_context(extractor).map_or_else(
            || cx.clone(),
            |context| cx.with_remote_span_context(context),
        )
    }

    fn fields(&self) -> FieldIter<'_> {
        FieldIter::new(DATADOG_FIELDS.as_slice())
    }
}

/// The header names, as `fields` lists them.
static DATADOG_FIELDS: LazyLock<[String; 4]> =
    LazyLock::new(|| [TRACE_ID, PARENT_ID, SAMPLING_PRIORITY, TAGS].map(str::to_owned));
