//! Idempotent processing for [lambda-kafka](https://docs.rs/lambda-kafka): when Lambda
//! replays a batch, a record already handled returns its stored result instead of running
//! again.
//!
//! For each record, under a key (by default `topic-partition-offset`, or any key you derive
//! from the decoded record, an order id for instance):
//! - before running, the key is saved `INPROGRESS`, expiring with the invocation (the
//!   Lambda's remaining time);
//! - on success it is saved `COMPLETED` with the serialized result, for a time to live
//!   (one hour unless set);
//! - a key already `COMPLETED` returns the stored result without running;
//! - a key `INPROGRESS` and not expired is an "already in progress" error for that record
//!   (another invocation is handling it); an expired one runs again;
//! - a handler error deletes the in-progress entry, so that a retry runs;
//! - with payload validation, the same key with a different payload is an error.
//!
//! The [`Store`] trait keeps the entries; [`InMemoryStore`] is the embedded one (tests,
//! single-instance use), and `dynamodb::DynamoDbStore` (feature `dynamodb`) shares them
//! between instances, with conditional writes. Entries carry the attribute names Powertools' idempotency tables
//! use (`id`, `status`, `expiration` in epoch seconds, `in_progress_expiration` in epoch
//! milliseconds, `data`, `validation`).
//!
//! ```
//! use std::time::Duration;
//! use kafka_idempotency::{Idempotency, InMemoryStore};
//!
//! # tokio_test();
//! # fn tokio_test() { tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let idempotency = Idempotency::new(InMemoryStore::new());
//! let mut runs = 0;
//! for _ in 0..2 {
//!     let total: u64 = idempotency
//!         .run("orders-0-15", None, Duration::from_secs(60), || {
//!             runs += 1;
//!             async { Ok::<u64, String>(42) }
//!         })
//!         .await
//!         .unwrap();
//!     assert_eq!(total, 42);
//! }
//! assert_eq!(runs, 1); // the replay returned the stored result
//! # }) }
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "dynamodb")]
#[cfg_attr(docsrs, doc(cfg(feature = "dynamodb")))]
pub mod dynamodb;
mod memory;

use std::fmt;
use std::future::Future;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde::de::DeserializeOwned;

pub use crate::memory::InMemoryStore;

/// Where a key stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Being handled (`INPROGRESS`).
    InProgress,
    /// Handled, with its result stored (`COMPLETED`).
    Completed,
    /// Past its time (`EXPIRED`).
    Expired,
}

impl Status {
    /// The text stored in the `status` attribute.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InProgress => "INPROGRESS",
            Self::Completed => "COMPLETED",
            Self::Expired => "EXPIRED",
        }
    }
}

/// One idempotency entry, with Powertools' attribute names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataRecord {
    /// `id`: the idempotency key.
    pub id: String,
    /// `status`.
    pub status: Status,
    /// `expiration`: when the entry stops counting, in epoch seconds.
    pub expiration: i64,
    /// `in_progress_expiration`: when an in-progress entry stops counting, in epoch
    /// milliseconds.
    pub in_progress_expiration: Option<i64>,
    /// `data`: the serialized result of a completed entry.
    pub data: Option<String>,
    /// `validation`: the payload's hash, when payload validation is on.
    pub validation: Option<String>,
}

impl DataRecord {
    /// Whether the entry still counts at `now_ms` (epoch milliseconds).
    #[must_use]
    pub fn is_live(&self, now_ms: i64) -> bool {
        match self.status {
            Status::InProgress => {
                self.in_progress_expiration
                    .is_some_and(|until| until > now_ms)
                    && self.expiration.saturating_mul(1000) > now_ms
            }
            Status::Completed => self.expiration.saturating_mul(1000) > now_ms,
            Status::Expired => false,
        }
    }
}

/// A store's failure (a connection, a throttle, an unexpected answer).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("idempotency store: {0}")]
pub struct StoreError(pub String);

/// Keeps idempotency entries. Backends outside this crate implement it.
pub trait Store: Send + Sync {
    /// Saves `record` (in progress) unless a live entry has its key; returns that entry
    /// instead. An expired entry is replaced.
    fn put_if_absent(
        &self,
        record: DataRecord,
        now_ms: i64,
    ) -> impl Future<Output = Result<Option<DataRecord>, StoreError>> + Send;

    /// Saves `record` (completed), replacing the in-progress entry.
    fn save(&self, record: DataRecord) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Deletes the entry of `id`, so that a retry runs.
    fn delete(&self, id: &str) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// Why a record was not (or not again) handled.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IdempotencyError<E> {
    /// Another invocation is handling this key, and its entry has not expired.
    #[error("idempotency key {key} is already in progress")]
    AlreadyInProgress {
        /// The key.
        key: String,
    },
    /// The key was seen with another payload.
    #[error("idempotency key {key} was used with another payload")]
    PayloadMismatch {
        /// The key.
        key: String,
    },
    /// The stored result could not be written or read back as the result type.
    #[error("idempotency key {key}: the result cannot be stored or read back: {reason}")]
    Result {
        /// The key.
        key: String,
        /// Why.
        reason: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The handler failed (its in-progress entry was deleted).
    #[error("{0}")]
    Handler(E),
}

/// Runs handlers at most once per key, with a [`Store`].
#[derive(Debug)]
pub struct Idempotency<S> {
    store: S,
    ttl: Duration,
    validate_payload: bool,
    /// Completed entries this instance saw, so that a warm invocation's replay needs no
    /// store call.
    cache: Option<std::sync::Mutex<std::collections::HashMap<String, DataRecord>>>,
}

/// The default time a completed entry counts: one hour.
pub const DEFAULT_TTL: Duration = Duration::from_secs(3600);

impl<S: Store> Idempotency<S> {
    /// Idempotency over `store`, completed entries kept for [`DEFAULT_TTL`].
    pub fn new(store: S) -> Self {
        Self {
            store,
            ttl: DEFAULT_TTL,
            validate_payload: false,
            cache: None,
        }
    }

    /// Keep completed entries in this instance's memory too, in front of the store:
    /// replays reaching a warm instance are answered without a store call.
    #[must_use]
    pub fn local_cache(mut self, yes: bool) -> Self {
        self.cache = yes.then(Default::default);
        self
    }

    fn cached(&self, key: &str, now_ms: i64) -> Option<DataRecord> {
        let cache = self.cache.as_ref()?;
        let mut entries = cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match entries.get(key) {
            Some(entry) if entry.is_live(now_ms) => Some(entry.clone()),
            Some(_) => {
                entries.remove(key);
                None
            }
            None => None,
        }
    }

    fn remember(&self, entry: &DataRecord) {
        if let Some(cache) = &self.cache {
            let mut entries = cache
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            entries.insert(entry.id.clone(), entry.clone());
        }
    }

    /// Runs `handler` for a Kafka record under its `topic-partition-offset` key, the
    /// record's original value being the payload that validation compares. For another
    /// key (an order id, say), call [`Idempotency::run`] with it.
    ///
    /// # Errors
    /// See [`IdempotencyError`].
    pub async fn run_record<K, V, T, E, F, Fut>(
        &self,
        record: &kafka_core::ConsumerRecord<'_, K, V>,
        remaining: Duration,
        handler: F,
    ) -> Result<T, IdempotencyError<E>>
    where
        T: Serialize + DeserializeOwned,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let payload = record.original_value().as_base64().map(str::as_bytes);
        self.run(&record.idempotency_key(), payload, remaining, handler)
            .await
    }

    /// How long a completed entry counts.
    #[must_use]
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// Refuse a key seen with another payload (compares a hash of the payload bytes).
    #[must_use]
    pub fn payload_validation(mut self, yes: bool) -> Self {
        self.validate_payload = yes;
        self
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Runs `handler` unless `key` was already handled: then its stored result comes back.
    /// `payload` is what payload validation compares; `remaining` is the invocation's
    /// remaining time, which bounds the in-progress entry.
    ///
    /// # Errors
    /// See [`IdempotencyError`].
    pub async fn run<T, E, F, Fut>(
        &self,
        key: &str,
        payload: Option<&[u8]>,
        remaining: Duration,
        handler: F,
    ) -> Result<T, IdempotencyError<E>>
    where
        T: Serialize + DeserializeOwned,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let now_ms = now_ms();
        let validation = (self.validate_payload).then(|| payload.map(hash)).flatten();
        if let Some(done) = self.cached(key, now_ms)
            && (validation.is_none() || done.validation.is_none() || done.validation == validation)
        {
            let data = done.data.unwrap_or_else(|| "null".to_owned());
            return serde_json::from_str(&data).map_err(|e| IdempotencyError::Result {
                key: key.to_owned(),
                reason: e.to_string(),
            });
        }
        let entry = DataRecord {
            id: key.to_owned(),
            status: Status::InProgress,
            expiration: (now_ms / 1000).saturating_add(seconds(self.ttl)),
            in_progress_expiration: Some(now_ms.saturating_add(millis(remaining))),
            data: None,
            validation: validation.clone(),
        };
        if let Some(existing) = self.store.put_if_absent(entry, now_ms).await? {
            if validation.is_some()
                && existing.validation.is_some()
                && existing.validation != validation
            {
                return Err(IdempotencyError::PayloadMismatch {
                    key: key.to_owned(),
                });
            }
            return match existing.status {
                Status::Completed => {
                    self.remember(&existing);
                    let data = existing.data.unwrap_or_else(|| "null".to_owned());
                    serde_json::from_str(&data).map_err(|e| IdempotencyError::Result {
                        key: key.to_owned(),
                        reason: e.to_string(),
                    })
                }
                Status::InProgress | Status::Expired => Err(IdempotencyError::AlreadyInProgress {
                    key: key.to_owned(),
                }),
            };
        }
        match handler().await {
            Ok(result) => {
                let data =
                    serde_json::to_string(&result).map_err(|e| IdempotencyError::Result {
                        key: key.to_owned(),
                        reason: e.to_string(),
                    })?;
                let now_ms = self::now_ms();
                let done = DataRecord {
                    id: key.to_owned(),
                    status: Status::Completed,
                    expiration: (now_ms / 1000).saturating_add(seconds(self.ttl)),
                    in_progress_expiration: None,
                    data: Some(data),
                    validation,
                };
                self.store.save(done.clone()).await?;
                self.remember(&done);
                Ok(result)
            }
            Err(error) => {
                self.store.delete(key).await?;
                Err(IdempotencyError::Handler(error))
            }
        }
    }
}

fn now_ms() -> i64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

fn seconds(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// A stable 64-bit FNV-1a hash of the payload, as hex.
fn hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
