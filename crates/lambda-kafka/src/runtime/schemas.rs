//! The runtime with a schema registry: each batch prepared (its writer schemas fetched,
//! within the invocation's remaining time) before it is decoded.

#[cfg(any(feature = "confluent-registry", feature = "glue-registry"))]
use std::fmt;
#[cfg(any(feature = "confluent-registry", feature = "glue-registry"))]
use std::future::Future;
#[cfg(any(feature = "confluent-registry", feature = "glue-registry"))]
use std::time::{Duration, Instant, SystemTime};

use kafka_core::{Codec, KafkaConsumer, KafkaEvent};
#[cfg(any(feature = "confluent-registry", feature = "glue-registry"))]
use kafka_registry::SchemaCache;
use lambda_runtime::Context;
#[cfg(any(feature = "confluent-registry", feature = "glue-registry"))]
use serde::Serialize;

#[cfg(any(feature = "confluent-registry", feature = "glue-registry"))]
use super::{ConsumerRecord, ConsumerRecords, Diagnostic, PerRecord, serve, serve_per_record};

/// What the function fetches schemas with, if anything.
pub(super) struct Schemas {
    #[cfg(any(feature = "confluent-registry", feature = "glue-registry"))]
    cache: Option<SchemaCache>,
}

/// The time kept, of an invocation's remaining time, to decode the batch and answer after
/// the schemas are fetched.
#[cfg(any(feature = "confluent-registry", feature = "glue-registry"))]
const MARGIN: Duration = Duration::from_millis(500);

impl Schemas {
    pub(super) fn none() -> Self {
        Self {
            #[cfg(any(feature = "confluent-registry", feature = "glue-registry"))]
            cache: None,
        }
    }

    /// Fetches what the batch needs, before it is decoded.
    pub(super) async fn prepare<K: Codec, V: Codec>(
        &self,
        consumer: &KafkaConsumer<K, V>,
        event: &KafkaEvent<'_>,
        context: &Context,
    ) {
        #[cfg(any(feature = "confluent-registry", feature = "glue-registry"))]
        if let Some(cache) = &self.cache {
            cache
                .prepare_until(consumer, event, deadline(context))
                .await;
        }
        #[cfg(not(any(feature = "confluent-registry", feature = "glue-registry")))]
        let _ = (consumer, event, context);
    }
}

/// The invocation's deadline (epoch milliseconds) as an instant, less the margin; `None`
/// when the runtime gave none in the future (an emulator may not), and the fetch timeout
/// alone bounds the fetches.
#[cfg(any(feature = "confluent-registry", feature = "glue-registry"))]
fn deadline(context: &Context) -> Option<Instant> {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    let remaining = Duration::from_millis(context.deadline).checked_sub(now)?;
    Some(Instant::now() + remaining.saturating_sub(MARGIN))
}

/// [`run`](super::run) with writer schemas fetched from a registry: before each batch is
/// decoded, `schemas` fetches the ids its records name that the codecs lack (Avro codecs
/// built with `learn_from_registry`), within the invocation's remaining time. A record
/// whose schema could not be had is that record's `schema-registry` error.
///
/// # Errors
/// The runtime's error when it cannot start or reach the Runtime API.
#[cfg(any(feature = "confluent-registry", feature = "glue-registry"))]
#[cfg_attr(
    docsrs,
    doc(cfg(any(feature = "confluent-registry", feature = "glue-registry")))
)]
pub async fn run_with_schemas<K, V, F, Fut, R, E>(
    consumer: KafkaConsumer<K, V>,
    schemas: SchemaCache,
    handler: F,
) -> Result<(), lambda_runtime::Error>
where
    K: Codec + 'static,
    V: Codec + 'static,
    K::Output: Send,
    V::Output: Send,
    F: Fn(ConsumerRecords<K::Output, V::Output>, Context) -> Fut,
    Fut: Future<Output = Result<R, E>>,
    R: Serialize,
    E: Into<Diagnostic>,
{
    let schemas = Schemas {
        cache: Some(schemas),
    };
    serve(consumer, schemas, handler).await
}

/// [`run_per_record`](super::run_per_record) with writer schemas fetched from a registry,
/// as [`run_with_schemas`] fetches them: a record whose schema could not be had lands in
/// the partial batch response, so Lambda retries it.
///
/// # Errors
/// The runtime's error when it cannot start or reach the Runtime API.
#[cfg(any(feature = "confluent-registry", feature = "glue-registry"))]
#[cfg_attr(
    docsrs,
    doc(cfg(any(feature = "confluent-registry", feature = "glue-registry")))
)]
pub async fn run_per_record_with_schemas<K, V, F, Fut, E>(
    consumer: KafkaConsumer<K, V>,
    schemas: SchemaCache,
    options: PerRecord,
    handler: F,
) -> Result<(), lambda_runtime::Error>
where
    K: Codec + 'static,
    V: Codec + 'static,
    K::Output: Send,
    V::Output: Send,
    F: Fn(ConsumerRecord<'static, K::Output, V::Output>) -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: fmt::Display,
{
    let schemas = Schemas {
        cache: Some(schemas),
    };
    serve_per_record(consumer, schemas, options, handler).await
}
