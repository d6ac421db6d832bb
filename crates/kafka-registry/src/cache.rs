//! The cache of fetched schemas and the step before a batch is decoded.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::FutureExt as _;
use futures_util::future::{BoxFuture, Shared};
use kafka_core::{Codec, KafkaConsumer, KafkaEvent, RegisteredSchema, SchemaId};

use crate::SchemaRegistry;

/// What one fetch gives: the schema, or the reason it could not be had.
type Fetched = Result<Arc<RegisteredSchema>, Arc<str>>;

enum Entry {
    Ready(Arc<RegisteredSchema>),
    Failed { reason: Arc<str>, at: Instant },
    Fetching(Shared<BoxFuture<'static, Fetched>>),
}

/// Schemas fetched from a registry by id, kept for the life of the instance; a failure is
/// kept only for [`SchemaCache::retry_after`]. Build one at cold start, beside the
/// consumer, and share it (it is `Send + Sync`).
pub struct SchemaCache {
    registry: Arc<dyn SchemaRegistry>,
    entries: Mutex<HashMap<SchemaId, Entry>>,
    timeout: Duration,
    retry_after: Duration,
}

impl std::fmt::Debug for SchemaCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchemaCache")
            .field("timeout", &self.timeout)
            .field("retry_after", &self.retry_after)
            .finish_non_exhaustive()
    }
}

/// What [`SchemaCache::prepare`] did for a batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Prepared {
    /// Ids whose schema the codecs were given.
    pub learned: usize,
    /// Ids whose schema could not be had; their records fail with `schema-registry`.
    pub failed: usize,
}

/// The default bound on one fetch.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// The default time a failed fetch is remembered before it is tried again.
pub const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(10);

impl SchemaCache {
    /// A cache in front of `registry`, with a fetch timeout of 5 s and failures
    /// remembered for 10 s.
    pub fn new(registry: impl SchemaRegistry + 'static) -> Self {
        Self {
            registry: Arc::new(registry),
            entries: Mutex::new(HashMap::new()),
            timeout: DEFAULT_TIMEOUT,
            retry_after: DEFAULT_RETRY_AFTER,
        }
    }

    /// The longest one fetch may take (its references included).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long a failed fetch is remembered: the records that need the id fail at once
    /// meanwhile, and the next batch after it tries again.
    #[must_use]
    pub fn retry_after(mut self, retry_after: Duration) -> Self {
        self.retry_after = retry_after;
        self
    }

    /// Fetches the schemas `event`'s records need that `consumer`'s codecs lack, and
    /// gives each codec its own. See [`SchemaCache::prepare_until`].
    pub async fn prepare<K: Codec, V: Codec>(
        &self,
        consumer: &KafkaConsumer<K, V>,
        event: &KafkaEvent<'_>,
    ) -> Prepared {
        self.prepare_until(consumer, event, None).await
    }

    /// [`SchemaCache::prepare`], each fetch bounded by `deadline` too (in a Lambda
    /// function: the invocation's, less a margin to decode and answer).
    pub async fn prepare_until<K: Codec, V: Codec>(
        &self,
        consumer: &KafkaConsumer<K, V>,
        event: &KafkaEvent<'_>,
        deadline: Option<Instant>,
    ) -> Prepared {
        let wanted = consumer.wanted_schemas(event);
        if wanted.is_empty() {
            return Prepared::default();
        }
        let mut ids: Vec<SchemaId> = wanted.key.clone();
        ids.extend(wanted.value.iter().filter(|id| !wanted.key.contains(id)));
        let results =
            futures_util::future::join_all(ids.iter().map(|id| self.get(*id, deadline))).await;
        let found: HashMap<SchemaId, Fetched> = ids.into_iter().zip(results).collect();
        let mut prepared = Prepared::default();
        let mut give = |codec: &dyn Fn(&SchemaId, Result<&RegisteredSchema, &str>),
                        list: &[SchemaId]| {
            for id in list {
                match &found[id] {
                    Ok(schema) => {
                        codec(id, Ok(schema));
                        prepared.learned += 1;
                    }
                    Err(reason) => {
                        codec(id, Err(reason));
                        prepared.failed += 1;
                    }
                }
            }
        };
        give(
            &|id, s| {
                if let Some(codec) = consumer.key_codec().schema_aware() {
                    codec.learn_schema(id, s);
                }
            },
            &wanted.key,
        );
        give(
            &|id, s| {
                if let Some(codec) = consumer.value_codec().schema_aware() {
                    codec.learn_schema(id, s);
                }
            },
            &wanted.value,
        );
        prepared
    }

    /// The schema of one id: kept, being fetched (the same fetch is awaited), failed
    /// recently (the same reason), or fetched now.
    ///
    /// # Errors
    /// Why it could not be had, naming the id.
    pub async fn get(&self, id: SchemaId, deadline: Option<Instant>) -> Fetched {
        let fetch = {
            let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            match entries.get(&id) {
                Some(Entry::Ready(schema)) => return Ok(Arc::clone(schema)),
                Some(Entry::Failed { reason, at }) if at.elapsed() < self.retry_after => {
                    return Err(Arc::clone(reason));
                }
                Some(Entry::Fetching(fetch)) => fetch.clone(),
                _ => {
                    let fetch = self.start(id, deadline);
                    entries.insert(id, Entry::Fetching(fetch.clone()));
                    fetch
                }
            }
        };
        let result = fetch.await;
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        // The first to finish records the outcome; the others find it there.
        if matches!(entries.get(&id), Some(Entry::Fetching(_))) {
            entries.insert(
                id,
                match &result {
                    Ok(schema) => Entry::Ready(Arc::clone(schema)),
                    Err(reason) => Entry::Failed {
                        reason: Arc::clone(reason),
                        at: Instant::now(),
                    },
                },
            );
        }
        result
    }

    fn start(
        &self,
        id: SchemaId,
        deadline: Option<Instant>,
    ) -> Shared<BoxFuture<'static, Fetched>> {
        let registry = Arc::clone(&self.registry);
        let mut bound = self.timeout;
        if let Some(deadline) = deadline {
            bound = bound.min(deadline.saturating_duration_since(Instant::now()));
        }
        async move {
            if !registry.serves(&id) {
                return Err(Arc::from(format!(
                    "{}: not an id of the configured registry",
                    id.describe()
                )));
            }
            match tokio::time::timeout(bound, registry.fetch(&id)).await {
                Ok(Ok(schema)) => Ok(Arc::new(schema)),
                Ok(Err(error)) => Err(Arc::from(error.message())),
                Err(_) => Err(Arc::from(format!(
                    "{}: the registry did not answer within {} ms",
                    id.describe(),
                    bound.as_millis()
                ))),
            }
        }
        .boxed()
        .shared()
    }
}
