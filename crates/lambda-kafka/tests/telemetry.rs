//! The producer's trace continued into each record: carriers read from record headers,
//! the batch and record spans with the messaging conventions' attributes and links, and
//! the log events of failed records, checked with the OpenTelemetry SDK's in-memory
//! exporter behind `tracing-opentelemetry`.

#![cfg(all(feature = "opentelemetry", feature = "testing", feature = "json"))]
#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a failure is the test failing"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::{Arc, Mutex};

use lambda_kafka::json::Json;
use lambda_kafka::runtime::{Context, KafkaService, LambdaEvent, Service as _};
use lambda_kafka::telemetry::DatadogPropagator;
use lambda_kafka::testing::{EventBuilder, RecordBuilder};
use lambda_kafka::{BatchItemFailures, KafkaConsumer};
use opentelemetry::Value;
use opentelemetry::baggage::BaggageExt as _;
use opentelemetry::trace::{SpanKind, Status, TracerProvider as _};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use serde_json::value::RawValue;
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::SubscriberExt as _;

const A: (&str, &str) = ("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7");
const B: (&str, &str) = ("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331");
const C: (&str, &str) = ("80f198ee56343ba864fe8b2a57d3eff7", "e457b5a2e4d86bd1");

fn traceparent((trace, span): (&str, &str)) -> String {
    format!("00-{trace}-{span}-01")
}

/// A log event's fields, as text.
type EventFields = BTreeMap<String, String>;

/// The log events seen, with their level and fields.
#[derive(Clone, Default)]
struct Events(Arc<Mutex<Vec<(tracing::Level, EventFields)>>>);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Events {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        self.0
            .lock()
            .unwrap()
            .push((*event.metadata().level(), fields));
    }
}

impl Events {
    fn at(&self, level: tracing::Level) -> Vec<BTreeMap<String, String>> {
        let events = self.0.lock().unwrap();
        events
            .iter()
            .filter(|(l, _)| *l == level)
            .map(|(_, f)| f.clone())
            .collect()
    }
}

/// Runs one invocation of `service` with `event` under a subscriber that exports spans to
/// memory; returns the response, the finished spans and the log events.
async fn traced<R: 'static>(
    service: &KafkaService<lambda_kafka::codec::Utf8, Json<serde_json::Value>, R>,
    event: &str,
) -> (R, Vec<SpanData>, Events) {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let events = Events::default();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("test")))
        .with(events.clone());
    let _guard = tracing::subscriber::set_default(subscriber);
    let payload = RawValue::from_string(event.to_owned()).unwrap();
    let response = service
        .clone()
        .call(LambdaEvent::new(payload, Context::default()))
        .await
        .unwrap_or_else(|e| panic!("invocation failed: {e:?}"));
    provider.force_flush().unwrap();
    (response, exporter.get_finished_spans().unwrap(), events)
}

fn attribute<'s>(span: &'s SpanData, name: &str) -> Option<&'s Value> {
    span.attributes
        .iter()
        .find(|kv| kv.key.as_str() == name)
        .map(|kv| &kv.value)
}

fn links(span: &SpanData) -> BTreeSet<(String, String)> {
    span.links
        .iter()
        .map(|l| {
            (
                l.span_context.trace_id().to_string(),
                l.span_context.span_id().to_string(),
            )
        })
        .collect()
}

fn ids(pairs: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    pairs
        .iter()
        .map(|(t, s)| ((*t).to_owned(), (*s).to_owned()))
        .collect()
}

fn batch_span(spans: &[SpanData]) -> &SpanData {
    let batch: Vec<_> = spans
        .iter()
        .filter(|s| attribute(s, "messaging.batch.message_count").is_some())
        .collect();
    assert_eq!(batch.len(), 1, "one batch span");
    batch[0]
}

/// The record span of `partition` and `offset`.
fn record_span<'s>(spans: &'s [SpanData], partition: &str, offset: i64) -> &'s SpanData {
    spans
        .iter()
        .find(|s| {
            attribute(s, "messaging.destination.partition.id")
                == Some(&Value::from(partition.to_owned()))
                && attribute(s, "messaging.kafka.offset") == Some(&Value::I64(offset))
        })
        .unwrap_or_else(|| panic!("no span for {partition}/{offset}"))
}

fn consumer() -> KafkaConsumer<lambda_kafka::codec::Utf8, Json<serde_json::Value>> {
    KafkaConsumer::new().value(Json::<serde_json::Value>::new())
}

/// A function whose handler fails the records whose value is `"fail"`.
fn per_record()
-> KafkaService<lambda_kafka::codec::Utf8, Json<serde_json::Value>, BatchItemFailures> {
    KafkaService::per_record(consumer(), |record| async move {
        if record.value == Some(serde_json::json!("fail")) {
            Err("the order was refused")
        } else {
            Ok(())
        }
    })
}

fn mixed_batch() -> String {
    EventBuilder::msk()
        .record(
            RecordBuilder::new("orders", 0, 1)
                .key(b"customer-7")
                .header("traceparent", traceparent(A))
                .value(br#"{"id":1}"#),
        )
        .record(
            RecordBuilder::new("orders", 0, 2)
                .header("TraceParent", traceparent(B))
                .value(b"{not json"),
        )
        .record(RecordBuilder::new("orders", 0, 3).tombstone())
        .record(
            RecordBuilder::new("orders", 1, 1)
                .header("b3", format!("{}-{}-1", C.0, C.1))
                .value(br#""fail""#),
        )
        .to_json()
}

#[tokio::test(flavor = "current_thread")]
async fn the_batch_span_links_every_producer_and_each_record_span_its_own() {
    let (response, spans, _) = traced(&per_record(), &mixed_batch()).await;
    assert_eq!(response.len(), 2);

    let batch = batch_span(&spans);
    assert_eq!(batch.name, "process orders");
    assert_eq!(batch.span_kind, SpanKind::Consumer);
    for (name, value) in [
        ("messaging.system", "kafka"),
        ("messaging.operation.name", "process"),
        ("messaging.operation.type", "process"),
        ("messaging.destination.name", "orders"),
        ("faas.trigger", "pubsub"),
    ] {
        assert_eq!(attribute(batch, name), Some(&Value::from(value)), "{name}");
    }
    assert_eq!(
        attribute(batch, "messaging.batch.message_count"),
        Some(&Value::I64(4))
    );
    assert_eq!(attribute(batch, "error.type"), None);
    assert_eq!(links(batch), ids(&[A, B, C]));

    let records: Vec<_> = spans
        .iter()
        .filter(|s| attribute(s, "messaging.kafka.offset").is_some())
        .collect();
    assert_eq!(records.len(), 4, "one span per record");
    for span in &records {
        assert_eq!(span.name, "process orders");
        assert_eq!(span.span_kind, SpanKind::Consumer);
        assert_eq!(span.parent_span_id, batch.span_context.span_id());
        assert_eq!(span.span_context.trace_id(), batch.span_context.trace_id());
        assert_eq!(
            attribute(span, "messaging.system"),
            Some(&Value::from("kafka"))
        );
        assert_eq!(attribute(span, "messaging.batch.message_count"), None);
        // Keys are not attributes unless asked for.
        assert_eq!(attribute(span, "messaging.kafka.message.key"), None);
    }

    let first = record_span(&spans, "0", 1);
    assert_eq!(links(first), ids(&[A]));
    assert_eq!(attribute(first, "error.type"), None);
    assert_eq!(attribute(first, "messaging.kafka.message.tombstone"), None);
    assert_eq!(first.status, Status::Unset);

    let poison = record_span(&spans, "0", 2);
    assert_eq!(
        links(poison),
        ids(&[B]),
        "the header name's case does not matter"
    );
    assert_eq!(
        attribute(poison, "error.type"),
        Some(&Value::from("deserialization"))
    );
    assert!(matches!(poison.status, Status::Error { .. }));

    let tombstone = record_span(&spans, "0", 3);
    assert!(links(tombstone).is_empty());
    assert_eq!(
        attribute(tombstone, "messaging.kafka.message.tombstone"),
        Some(&Value::Bool(true))
    );

    let refused = record_span(&spans, "1", 1);
    assert_eq!(links(refused), ids(&[C]));
    assert_eq!(
        attribute(refused, "error.type"),
        Some(&Value::from("handler"))
    );
    assert!(matches!(refused.status, Status::Error { .. }));
}

#[tokio::test(flavor = "current_thread")]
async fn each_failed_record_is_logged_once_by_its_coordinates_without_its_bytes() {
    let (_, _, events) = traced(&per_record(), &mixed_batch()).await;
    let warnings = events.at(tracing::Level::WARN);
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    let field = |event: &BTreeMap<String, String>, name: &str| event.get(name).cloned();
    let poison = &warnings[0];
    assert_eq!(field(poison, "topic").as_deref(), Some("orders"));
    assert_eq!(field(poison, "partition").as_deref(), Some("0"));
    assert_eq!(field(poison, "offset").as_deref(), Some("2"));
    assert_eq!(field(poison, "side").as_deref(), Some("value"));
    assert_eq!(field(poison, "kind").as_deref(), Some("deserialization"));
    assert_eq!(field(poison, "trace_id").as_deref(), Some(B.0));
    let refused = &warnings[1];
    assert_eq!(field(refused, "partition").as_deref(), Some("1"));
    assert_eq!(field(refused, "offset").as_deref(), Some("1"));
    assert_eq!(field(refused, "side").as_deref(), Some("handler"));
    assert_eq!(field(refused, "kind").as_deref(), Some("handler"));
    assert_eq!(field(refused, "trace_id").as_deref(), Some(C.0));
    assert_eq!(
        field(refused, "error").as_deref(),
        Some("the order was refused")
    );
    for event in &warnings {
        for value in event.values() {
            assert!(
                !value.contains("{not json"),
                "payload bytes in a log: {value}"
            );
        }
    }
}

/// The producer context a single record with `headers` gets under `service`.
async fn link_of(
    service: &KafkaService<lambda_kafka::codec::Utf8, Json<serde_json::Value>, BatchItemFailures>,
    headers: &[(&str, &str)],
) -> BTreeSet<(String, String)> {
    let mut record = RecordBuilder::new("orders", 0, 1).value(b"{}");
    for (name, value) in headers {
        record = record.header(*name, value);
    }
    let event = EventBuilder::msk().record(record).to_json();
    let (failures, spans, _) = traced(service, &event).await;
    assert!(failures.is_empty(), "a carrier never fails a record");
    links(record_span(&spans, "0", 1))
}

#[tokio::test(flavor = "current_thread")]
async fn every_carrier_is_read_whatever_the_case_of_its_names() {
    let service = per_record();
    let b3_single = format!("{}-{}-1", A.0, A.1);
    let w3c = traceparent(A);
    type Ids<'a> = (&'a str, &'a str);
    let cases: Vec<(&str, Vec<Ids<'_>>, Ids<'_>)> = vec![
        ("w3c", vec![("traceparent", &w3c)], A),
        ("w3c upper", vec![("TRACEPARENT", &w3c)], A),
        ("b3 single", vec![("b3", &b3_single)], A),
        (
            "b3 multi",
            vec![
                ("X-B3-TraceId", B.0),
                ("X-B3-SpanId", B.1),
                ("X-B3-Sampled", "1"),
            ],
            B,
        ),
        (
            "b3 multi lower",
            vec![("x-b3-traceid", B.0), ("x-b3-spanid", B.1)],
            B,
        ),
        (
            // 64-bit ids, in decimal: trace 0x8448eb211c80319c, span 0xb7ad6b7169203331.
            "datadog 64-bit",
            vec![
                ("x-datadog-trace-id", "9532127138774266268"),
                ("x-datadog-parent-id", "13235353014750950193"),
                ("x-datadog-sampling-priority", "1"),
            ],
            ("00000000000000008448eb211c80319c", "b7ad6b7169203331"),
        ),
        (
            "datadog 128-bit",
            vec![
                ("X-Datadog-Trace-Id", "9532127138774266268"),
                ("X-Datadog-Parent-Id", "13235353014750950193"),
                ("X-Datadog-Tags", "_dd.p.dm=-1,_dd.p.tid=0af7651916cd43dd"),
            ],
            B,
        ),
        (
            "x-ray",
            vec![(
                "X-Amzn-Trace-Id",
                "Root=1-80f198ee-56343ba864fe8b2a57d3eff7;Parent=e457b5a2e4d86bd1;Sampled=1",
            )],
            C,
        ),
    ];
    for (case, headers, expected) in cases {
        assert_eq!(
            link_of(&service, &headers).await,
            ids(&[expected]),
            "{case}"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_malformed_carrier_is_ignored_with_a_debug_event() {
    let service = per_record();
    for (name, value) in [
        ("traceparent", "00-not-a-trace-01"),
        ("b3", "nonsense"),
        ("x-datadog-trace-id", "abc"),
        ("X-Amzn-Trace-Id", "Root=garbage"),
    ] {
        let event = EventBuilder::msk()
            .record(
                RecordBuilder::new("orders", 0, 9)
                    .header(name, value)
                    .value(b"{}"),
            )
            .to_json();
        let (failures, spans, events) = traced(&service, &event).await;
        assert!(failures.is_empty(), "{name}: the record is processed");
        assert!(links(record_span(&spans, "0", 9)).is_empty(), "{name}");
        assert!(links(batch_span(&spans)).is_empty(), "{name}");
        let debug = events.at(tracing::Level::DEBUG);
        let ignored: Vec<_> = debug.iter().filter(|e| e.contains_key("header")).collect();
        assert_eq!(ignored.len(), 1, "{name}: {debug:#?}");
        assert_eq!(ignored[0].get("offset").map(String::as_str), Some("9"));
        assert!(
            ignored[0]["header"].eq_ignore_ascii_case(name)
                || name == "x-datadog-trace-id" && ignored[0]["header"].starts_with("x-datadog"),
            "{name}: {:?}",
            ignored[0]
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_carriers_and_their_order_are_configurable() {
    let both = [
        ("traceparent", traceparent(A)),
        ("x-datadog-trace-id", "9532127138774266268".to_owned()),
        ("x-datadog-parent-id", "13235353014750950193".to_owned()),
        ("x-datadog-tags", "_dd.p.tid=0af7651916cd43dd".to_owned()),
    ];
    let headers: Vec<(&str, &str)> = both.iter().map(|(n, v)| (*n, v.as_str())).collect();
    // By default W3C comes first.
    assert_eq!(link_of(&per_record(), &headers).await, ids(&[A]));
    let datadog_first = per_record().trace_carriers(vec![
        Box::new(DatadogPropagator::new()),
        Box::new(opentelemetry_sdk::propagation::TraceContextPropagator::new()),
    ]);
    assert_eq!(link_of(&datadog_first, &headers).await, ids(&[B]));
    let none = per_record().trace_carriers(Vec::new());
    assert!(link_of(&none, &headers).await.is_empty());
}

#[tokio::test(flavor = "current_thread")]
async fn text_keys_become_attributes_when_asked_for() {
    let service = per_record().trace_keys(true);
    let event = EventBuilder::msk()
        .record(
            RecordBuilder::new("orders", 0, 1)
                .key(b"customer-7")
                .value(b"{}"),
        )
        .record(
            RecordBuilder::new("orders", 0, 2)
                .key([0xff, 0x00, 0x01])
                .value(b"{}"),
        )
        .to_json();
    let (_, spans, _) = traced(&service, &event).await;
    assert_eq!(
        attribute(record_span(&spans, "0", 1), "messaging.kafka.message.key"),
        Some(&Value::from("customer-7"))
    );
    assert_eq!(
        attribute(record_span(&spans, "0", 2), "messaging.kafka.message.key"),
        None,
        "a binary key is not an attribute"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn record_spans_can_continue_the_producer_trace() {
    let service = per_record().trace_producer_as_parent(true);
    let event = EventBuilder::msk()
        .record(
            RecordBuilder::new("orders", 0, 1)
                .header("traceparent", traceparent(A))
                .value(b"{}"),
        )
        .to_json();
    let (_, spans, _) = traced(&service, &event).await;
    let batch = batch_span(&spans);
    let record = record_span(&spans, "0", 1);
    assert_eq!(record.span_context.trace_id().to_string(), A.0);
    assert_eq!(record.parent_span_id.to_string(), A.1);
    assert_eq!(
        links(record),
        ids(&[(
            &batch.span_context.trace_id().to_string(),
            &batch.span_context.span_id().to_string()
        )]),
        "the ambient batch span becomes a link"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn the_producer_baggage_is_in_the_handler_context_from_signed_or_unsigned_bytes() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen_by_handler = Arc::clone(&seen);
    let service = KafkaService::per_record(consumer(), move |_| {
        let tenant = opentelemetry::Context::current()
            .baggage()
            .get("tenant")
            .map(ToString::to_string);
        seen_by_handler.lock().unwrap().push(tenant);
        async { Ok::<(), &str>(()) }
    });
    // "tenant=café": Lambda writes header bytes as signed or unsigned numbers.
    let unsigned = "[116,101,110,97,110,116,61,99,97,102,195,169]";
    let signed = "[116,101,110,97,110,116,61,99,97,102,-61,-87]";
    for bytes in [unsigned, signed] {
        let event = format!(
            r#"{{"eventSource":"aws:kafka","records":{{"orders-0":[{{"topic":"orders","partition":0,"offset":1,"timestamp":1,"timestampType":"CREATE_TIME","value":"e30=","headers":[{{"traceparent":{tp}}},{{"baggage":{bytes}}}]}}]}}}}"#,
            tp = serde_json::to_string(traceparent(A).as_bytes()).unwrap(),
        );
        let (failures, spans, _) = traced(&service, &event).await;
        assert!(failures.is_empty());
        assert_eq!(links(record_span(&spans, "0", 1)), ids(&[A]));
    }
    assert_eq!(
        *seen.lock().unwrap(),
        [Some("café".to_owned()), Some("café".to_owned())]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_failed_batch_handler_marks_the_batch_span() {
    let service = KafkaService::batch(consumer(), |records, _| async move {
        if records.len() > 1 {
            Err(lambda_kafka::runtime::Diagnostic {
                error_type: "too-many".to_owned(),
                error_message: "no".to_owned(),
            })
        } else {
            Ok(())
        }
    });
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("test")));
    let _guard = tracing::subscriber::set_default(subscriber);
    let payload = RawValue::from_string(mixed_batch()).unwrap();
    let error = service
        .clone()
        .call(LambdaEvent::new(payload, Context::default()))
        .await
        .unwrap_err();
    assert_eq!(error.error_type, "too-many");
    provider.force_flush().unwrap();
    let spans = exporter.get_finished_spans().unwrap();
    let batch = batch_span(&spans);
    assert_eq!(
        attribute(batch, "error.type"),
        Some(&Value::from("too-many"))
    );
    assert_eq!(links(batch), ids(&[A, B, C]));
    assert_eq!(
        spans.len(),
        1,
        "a batch handler's records have no spans of ours"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn without_an_opentelemetry_layer_no_header_is_read() {
    // Only a log layer: a malformed carrier would say so at `debug` if it were read.
    let events = Events::default();
    let _guard =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(events.clone()));
    let event = EventBuilder::msk()
        .record(
            RecordBuilder::new("orders", 0, 9)
                .header("traceparent", "00-not-a-trace-01")
                .value(b"{}"),
        )
        .to_json();
    let payload = RawValue::from_string(event).unwrap();
    let failures = per_record()
        .call(LambdaEvent::new(payload, Context::default()))
        .await
        .unwrap();
    assert!(failures.is_empty());
    assert!(
        events
            .at(tracing::Level::DEBUG)
            .iter()
            .all(|e| !e.contains_key("header")),
        "{:#?}",
        events.at(tracing::Level::DEBUG)
    );
}
