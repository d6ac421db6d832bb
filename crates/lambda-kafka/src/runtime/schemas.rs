//! The step before a batch is decoded: with a schema registry, the writer schemas its
//! records name fetched, within the invocation's remaining time.

#[cfg(feature = "registry")]
use std::time::{Duration, Instant, SystemTime};

use kafka_core::{Codec, KafkaConsumer, KafkaEvent};
#[cfg(feature = "registry")]
use kafka_registry::SchemaCache;
use lambda_runtime::Context;

/// What the function fetches schemas with, if anything.
#[derive(Default)]
pub(crate) struct Schemas {
    #[cfg(feature = "registry")]
    pub(crate) cache: Option<SchemaCache>,
}

/// The time kept, of an invocation's remaining time, to decode the batch and answer after
/// the schemas are fetched.
#[cfg(feature = "registry")]
const MARGIN: Duration = Duration::from_millis(500);

impl Schemas {
    /// Fetches what the batch needs, before it is decoded.
    pub(crate) async fn prepare<K: Codec, V: Codec>(
        &self,
        consumer: &KafkaConsumer<K, V>,
        event: &KafkaEvent<'_>,
        context: &Context,
    ) {
        #[cfg(feature = "registry")]
        if let Some(cache) = &self.cache {
            cache
                .prepare_until(consumer, event, deadline(context))
                .await;
        }
        #[cfg(not(feature = "registry"))]
        let _ = (consumer, event, context);
    }
}

/// The invocation's deadline (epoch milliseconds) as an instant, less the margin; `None`
/// when the runtime gave none in the future (an emulator may not), and the fetch timeout
/// alone bounds the fetches.
#[cfg(feature = "registry")]
fn deadline(context: &Context) -> Option<Instant> {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    let remaining = Duration::from_millis(context.deadline).checked_sub(now)?;
    Some(Instant::now() + remaining.saturating_sub(MARGIN))
}
