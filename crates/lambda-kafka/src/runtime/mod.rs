//! Lambda functions that receive decoded Kafka records (feature `runtime`).
//!
//! [`KafkaService`] is the function: a [`tower::Service`](Service) over Lambda's event
//! that decodes each batch with your consumer (built once, at cold start) and hands it to
//! your handler. Make it one of two ways, then [`run`](KafkaService::run) it:
//!
//! - [`KafkaService::per_record`]: your handler receives one record at a time, in order
//!   within each topic-partition, and the function answers Lambda with the partial batch
//!   response listing the records that failed to decode or whose handler failed;
//! - [`KafkaService::batch`]: your handler receives the whole decoded batch,
//!   [`ConsumerRecords`], and the Lambda [`Context`], and returns any serializable
//!   response.
//!
//! ```no_run
//! use lambda_kafka::prelude::*;
//! use lambda_kafka::runtime::{self, KafkaService};
//!
//! #[derive(serde::Deserialize)]
//! struct Order { id: String, total: f64 }
//!
//! #[tokio::main(flavor = "current_thread")]
//! async fn main() -> Result<(), runtime::Error> {
//!     let consumer = KafkaConsumer::new().value(Json::<Order>::new());
//!     KafkaService::per_record(consumer, |record| async move {
//!         let order = record.value.ok_or("tombstone")?;
//!         println!("{} {}", order.id, order.total);
//!         Ok::<(), &str>(())
//!     })
//!     .run()
//!     .await
//! }
//! ```
//!
//! The options have defaults that suit most functions: partitions one after another
//! ([`KafkaService::concurrent_partitions`]), failures reported per record
//! ([`KafkaService::fail_whole_batch`]), no schema registry (`KafkaService::registry`,
//! with a registry feature). The partial batch response is honoured only when the event
//! source mapping has `ReportBatchItemFailures` in its `FunctionResponseTypes`;
//! otherwise Lambda ignores it, and only a failed invocation makes it retry (the whole
//! batch).
//!
//! Being a `tower::Service`, the function composes with `lambda_runtime`'s layers and any
//! tower middleware: `lambda_runtime::Runtime::new(service).layer(...)` instead of
//! [`KafkaService::run`]. In tests, call it as a service: `service.call(LambdaEvent::new(
//! payload, Context::default()))`.
//!
//! An event that is not a Lambda Kafka event fails the invocation with the diagnostic
//! `errorType` `invalid-event`; a batch handler's error fails it with the handler's own
//! diagnostic.

#[cfg(feature = "metrics")]
mod metrics;
mod observe;
mod per_record;
mod records;
mod schemas;

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use futures_util::future::BoxFuture;
use kafka_core::{BatchItemFailures, Codec, ConsumerRecord, KafkaConsumer, KafkaEvent};
#[cfg(feature = "registry")]
use kafka_registry::SchemaCache;
/// The error type of `lambda_runtime` (a boxed error), for a function's `main` and a
/// handler's `?`.
pub use lambda_runtime::Error;
pub use lambda_runtime::{Context, Diagnostic, LambdaEvent, Service};
use serde::Serialize;
use serde_json::value::RawValue;
use tracing::Instrument as _;

use self::observe::Invocation;
use self::per_record::Options;
pub use self::records::ConsumerRecords;
use self::schemas::Schemas;

/// The handler, whichever way it was given, as the service calls it: the decoded batch,
/// the invocation's context and the options in, the response out.
type Handler<KO, VO, R> = dyn Fn(
        ConsumerRecords<KO, VO>,
        Context,
        Options,
        Arc<Invocation>,
    ) -> BoxFuture<'static, Result<R, Diagnostic>>
    + Send
    + Sync;

/// A Lambda function consuming Kafka: a [`tower::Service`](Service) from Lambda's event
/// (its JSON, as [`lambda_runtime`] hands it over) to the handler's response, or to the
/// partial batch response for a [per-record](KafkaService::per_record) handler.
///
/// Cloning it is cheap: the consumer, the registry and the handler are shared.
pub struct KafkaService<K: Codec, V: Codec, R> {
    consumer: Arc<KafkaConsumer<K, V>>,
    schemas: Arc<Schemas>,
    options: Options,
    observe: Arc<observe::Settings>,
    handler: Arc<Handler<K::Output, V::Output, R>>,
}

impl<K: Codec, V: Codec, R> Clone for KafkaService<K, V, R> {
    fn clone(&self) -> Self {
        Self {
            consumer: Arc::clone(&self.consumer),
            schemas: Arc::clone(&self.schemas),
            options: self.options,
            observe: Arc::clone(&self.observe),
            handler: Arc::clone(&self.handler),
        }
    }
}

impl<K: Codec, V: Codec, R> fmt::Debug for KafkaService<K, V, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KafkaService")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<K, V> KafkaService<K, V, BatchItemFailures>
where
    K: Codec + 'static,
    V: Codec + 'static,
    K::Output: Send + 'static,
    V::Output: Send + 'static,
{
    /// A function whose `handler` receives one decoded record at a time and that answers
    /// with the partial batch response: each record whose key or value failed to decode,
    /// or whose handler returned `Err`, listed once, in batch order. The records of one
    /// topic-partition run in order, one at a time.
    pub fn per_record<F, Fut, E>(consumer: KafkaConsumer<K, V>, handler: F) -> Self
    where
        F: Fn(ConsumerRecord<'static, K::Output, V::Output>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: fmt::Display,
    {
        let handler = Arc::new(handler);
        Self::new(consumer, move |records, _context, options, seen| {
            let handler = Arc::clone(&handler);
            Box::pin(per_record::process(records, options, seen, move |record| {
                let work = handler(record);
                async move { work.await.map_err(|error| error.to_string()) }
            }))
        })
    }

    /// Runs topic-partitions at the same time (the records of one partition stay in
    /// order, one at a time). Off unless set. For a [`per_record`](Self::per_record)
    /// handler; a [`batch`](Self::batch) handler has the batch to itself.
    #[must_use]
    pub fn concurrent_partitions(mut self, yes: bool) -> Self {
        self.options.concurrent_partitions = yes;
        self
    }

    /// Fails the whole invocation when any record fails (`errorType`
    /// `record-failures`), instead of answering with a partial batch response: for
    /// mappings without `ReportBatchItemFailures`. Off unless set. For a
    /// [`per_record`](Self::per_record) handler, as above.
    #[must_use]
    pub fn fail_whole_batch(mut self, yes: bool) -> Self {
        self.options.fail_whole_batch = yes;
        self
    }
}

impl<K, V, R> KafkaService<K, V, R>
where
    K: Codec + 'static,
    V: Codec + 'static,
    K::Output: Send + 'static,
    V::Output: Send + 'static,
    R: 'static,
{
    /// A function whose `handler` receives each invocation's decoded batch and the Lambda
    /// context, and answers with any serializable response; its error fails the
    /// invocation with the error's diagnostic.
    pub fn batch<F, Fut, E>(consumer: KafkaConsumer<K, V>, handler: F) -> Self
    where
        F: Fn(ConsumerRecords<K::Output, V::Output>, Context) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, E>> + Send + 'static,
        E: Into<Diagnostic>,
    {
        Self::new(consumer, move |records, context, _options, _seen| {
            let work = handler(records, context);
            Box::pin(async move { work.await.map_err(Into::into) })
        })
    }

    fn new(
        consumer: KafkaConsumer<K, V>,
        handler: impl Fn(
            ConsumerRecords<K::Output, V::Output>,
            Context,
            Options,
            Arc<Invocation>,
        ) -> BoxFuture<'static, Result<R, Diagnostic>>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        Self {
            consumer: Arc::new(consumer),
            schemas: Arc::new(Schemas::default()),
            options: Options::default(),
            observe: Arc::new(observe::Settings::default()),
            handler: Arc::new(handler),
        }
    }

    /// Writer schemas fetched from a registry: before each batch is decoded, `schemas`
    /// fetches the ids its records name that the codecs lack (Avro codecs built with
    /// `learn_from_registry`, JSON checked against its registered schema), within the
    /// invocation's remaining time. A record whose schema could not be had fails with
    /// the kind `schema-registry`, so that it lands in the partial batch response and
    /// Lambda retries it.
    #[cfg(feature = "registry")]
    #[cfg_attr(docsrs, doc(cfg(feature = "registry")))]
    #[must_use]
    pub fn registry(mut self, schemas: SchemaCache) -> Self {
        self.schemas = Arc::new(Schemas {
            cache: Some(schemas),
        });
        self
    }

    /// The trace carriers read from each record's headers, in order of preference: the
    /// first that holds a valid context is the record's producer context; baggage is
    /// taken from all. Any OpenTelemetry propagator fits, with
    /// [`DatadogPropagator`](crate::telemetry::DatadogPropagator) for Datadog's headers.
    /// Without it, the carriers `OTEL_PROPAGATORS` names, or all of them (see
    /// [`telemetry`](crate::telemetry)).
    #[cfg(feature = "opentelemetry")]
    #[cfg_attr(docsrs, doc(cfg(feature = "opentelemetry")))]
    #[must_use]
    pub fn trace_carriers(
        mut self,
        carriers: Vec<Box<dyn opentelemetry::propagation::TextMapPropagator + Send + Sync>>,
    ) -> Self {
        let carriers = crate::telemetry::Carriers::new(carriers);
        Arc::make_mut(&mut self.observe).trace.carriers = Arc::new(carriers);
        self
    }

    /// Puts each record's key on its span as `messaging.kafka.message.key`, when the key
    /// is text (UTF-8 without control characters). Off unless set: keys can be personal
    /// data.
    #[cfg(feature = "opentelemetry")]
    #[cfg_attr(docsrs, doc(cfg(feature = "opentelemetry")))]
    #[must_use]
    pub fn trace_keys(mut self, yes: bool) -> Self {
        Arc::make_mut(&mut self.observe).trace.record_keys = yes;
        self
    }

    /// Makes each record's span a child of its producer's span, in the producer's trace,
    /// with the batch span as a link, as the messaging conventions allow for spans of one
    /// message. Off unless set: record spans are children of the batch span, in the
    /// invocation's trace, linked to their producer.
    #[cfg(feature = "opentelemetry")]
    #[cfg_attr(docsrs, doc(cfg(feature = "opentelemetry")))]
    #[must_use]
    pub fn trace_producer_as_parent(mut self, yes: bool) -> Self {
        Arc::make_mut(&mut self.observe).trace.parent_on_producer = yes;
        self
    }

    /// The CloudWatch namespace of the invocation's metrics and their `service`
    /// dimension. Without it, `POWERTOOLS_METRICS_NAMESPACE` (or `lambda-kafka`) and
    /// `POWERTOOLS_SERVICE_NAME` (or the function's name).
    #[cfg(feature = "metrics")]
    #[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
    #[must_use]
    pub fn metrics(mut self, namespace: impl Into<String>, service: impl Into<String>) -> Self {
        let settings = &mut Arc::make_mut(&mut self.observe).metrics;
        settings.namespace = namespace.into();
        settings.service = service.into();
        self
    }

    /// Runs the function on `lambda_runtime` (with its tracing layer) until the Runtime
    /// API stops answering.
    ///
    /// # Errors
    /// The runtime's error when it cannot start or reach the Runtime API.
    pub async fn run(self) -> Result<(), Error>
    where
        R: Serialize,
    {
        lambda_runtime::run(self).await
    }
}

impl<K, V, R> Service<LambdaEvent<Box<RawValue>>> for KafkaService<K, V, R>
where
    K: Codec + 'static,
    V: Codec + 'static,
    K::Output: Send + 'static,
    V::Output: Send + 'static,
    R: 'static,
{
    type Response = R;
    type Error = Diagnostic;
    type Future = BoxFuture<'static, Result<R, Diagnostic>>;

    fn poll_ready(&mut self, _: &mut TaskContext<'_>) -> Poll<Result<(), Diagnostic>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, event: LambdaEvent<Box<RawValue>>) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            let LambdaEvent { payload, context } = event;
            let parsed = KafkaEvent::from_str(payload.get()).map_err(|e| Diagnostic {
                error_type: e.kind().as_str().to_owned(),
                error_message: e.to_string(),
            })?;
            #[cfg_attr(not(feature = "metrics"), allow(unused_mut))]
            let mut seen = Invocation::start(&this.observe, &parsed);
            let span = seen.span().clone();
            let records = async {
                this.schemas
                    .prepare(&this.consumer, &parsed, &context)
                    .await;
                #[cfg(feature = "metrics")]
                let started = std::time::Instant::now();
                let records = ConsumerRecords::of_event(&this.consumer, &parsed);
                #[cfg(feature = "metrics")]
                seen.metrics.decoded(&records, started.elapsed());
                records
            }
            .instrument(span.clone())
            .await;
            drop(parsed);
            drop(payload);
            let seen = Arc::new(seen);
            let result = (this.handler)(records, context, this.options, Arc::clone(&seen))
                .instrument(span)
                .await;
            if let Err(diagnostic) = &result {
                seen.batch_failed(&diagnostic.error_type);
            }
            #[cfg(feature = "metrics")]
            seen.metrics.emit();
            result
        })
    }
}
