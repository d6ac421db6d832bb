//! Writer schemas by id at run time, for [lambda-kafka](https://docs.rs/lambda-kafka).
//!
//! Producers register a new schema version whenever they like; a consumer that knows only
//! the schemas it was deployed with fails every record written with the new one. This
//! crate fetches what a batch needs before the batch is decoded:
//!
//! 1. [`KafkaConsumer::wanted_schemas`](kafka_core::KafkaConsumer::wanted_schemas) names
//!    the ids the batch's keys and values carry (payload prefix, schema-id header,
//!    metadata) that their codecs lack;
//! 2. [`SchemaCache::prepare`] fetches those from a [`SchemaRegistry`], concurrently, once
//!    per id for the life of the instance (concurrent requests for one id share one
//!    fetch), each within a timeout and the invocation's deadline;
//! 3. each codec is given its schemas ([`SchemaAware::learn_schema`](kafka_core::SchemaAware::learn_schema))
//!    and compiles them once; decoding then stays synchronous.
//!
//! A schema id is immutable in every registry, so a fetched schema is kept; a failure
//! (a timeout, a refusal, an unknown id, an answer that is not a schema) is kept only
//! briefly ([`SchemaCache::retry_after`]), and the records that need it fail with the
//! kind `schema-registry`: they land in the partial batch response, Lambda retries them,
//! and the next batch fetches again.
//!
//! ```no_run
//! # #[cfg(feature = "confluent")]
//! # async fn example(json: &str) -> Result<(), Box<dyn std::error::Error>> {
//! use kafka_core::{KafkaConsumer, KafkaEvent};
//! use kafka_registry::{ConfluentRegistry, SchemaCache};
//!
//! let registry = ConfluentRegistry::builder()
//!     .url("https://psrc-1234.eu-west-1.aws.confluent.cloud")
//!     .basic_auth("API_KEY", "API_SECRET")
//!     .build()?;
//! let schemas = SchemaCache::new(registry);
//! # let consumer = KafkaConsumer::new();
//! let event = KafkaEvent::from_str(json)?;
//! schemas.prepare(&consumer, &event).await;
//! for record in consumer.records(&event) {
//!     // ...
//! #   let _ = record;
//! }
//! # Ok(()) }
//! ```
//!
//! # Features
//! - `confluent`: [`ConfluentRegistry`], the Confluent Schema Registry REST client
//!   (Confluent Platform and Confluent Cloud), over rustls with the platform's roots.
//! - `glue`: [`GlueRegistry`], the AWS Glue Schema Registry (`GetSchemaVersion` by
//!   schema-version UUID), with the function's AWS configuration.
//! - `secrets-manager`: Confluent credentials from the AWS Secrets Manager secret the event
//!   source mapping uses (`ConfluentBuilder::basic_auth_from_secret`).
#![cfg_attr(docsrs, feature(doc_cfg))]

mod cache;
#[cfg(feature = "confluent")]
#[cfg_attr(docsrs, doc(cfg(feature = "confluent")))]
mod confluent;
#[cfg(feature = "glue")]
#[cfg_attr(docsrs, doc(cfg(feature = "glue")))]
mod glue;
mod settings;

use futures_util::future::BoxFuture;
pub use kafka_core::{NamedSchema, RegisteredSchema, SchemaId};

pub use crate::cache::{DEFAULT_RETRY_AFTER, DEFAULT_TIMEOUT, Prepared, SchemaCache};
#[cfg(feature = "confluent")]
#[cfg_attr(docsrs, doc(cfg(feature = "confluent")))]
pub use crate::confluent::{ConfluentBuilder, ConfluentRegistry};
#[cfg(feature = "glue")]
#[cfg_attr(docsrs, doc(cfg(feature = "glue")))]
pub use crate::glue::GlueRegistry;
pub use crate::settings::RegistrySettings;

/// A schema registry: the registered schema of an id, its references fetched.
///
/// Implement it for another registry, or a cache in front of one (S3, a file); wrap it in
/// a [`SchemaCache`] to use it.
pub trait SchemaRegistry: Send + Sync {
    /// Whether ids of this kind are this registry's (a Confluent registry serves
    /// Confluent ids and GUIDs, not Glue schema versions).
    fn serves(&self, id: &SchemaId) -> bool;

    /// Fetches the schema registered under `id`, with the schemas it refers to.
    ///
    /// # Errors
    /// A [`RegistryError`] naming the id and the registry's answer, never credentials.
    fn fetch<'a>(
        &'a self,
        id: &'a SchemaId,
    ) -> BoxFuture<'a, Result<RegisteredSchema, RegistryError>>;
}

/// Why a registry did not give a schema: it timed out, refused, does not know the id, or
/// answered something that is not a schema. The message names the id and the answer,
/// never credentials.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RegistryError {
    message: String,
}

impl RegistryError {
    /// An error in the registry client's own words (no credentials).
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// The message.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// A URL as messages show it: without the `user:secret@` some write into it.
pub(crate) fn without_credentials(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('/') {
            Some((authority, path)) => format!(
                "{scheme}://{}/{path}",
                authority.rsplit('@').next().unwrap_or(authority)
            ),
            None => format!("{scheme}://{}", rest.rsplit('@').next().unwrap_or(rest)),
        },
        None => url.to_owned(),
    }
}
