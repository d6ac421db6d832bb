//! What the registry tests share: a client and a cache of the test registry.

#![allow(dead_code, reason = "each test file uses its own part")]

use kafka_registry::{ConfluentRegistry, SchemaCache};
use kafka_vectors::registry::TestRegistry;

/// A Confluent client of the test registry.
pub(crate) fn registry_of(server: &TestRegistry) -> ConfluentRegistry {
    ConfluentRegistry::builder()
        .url(server.url())
        .build()
        .expect("a client of the test registry")
}

/// A schema cache in front of the test registry.
pub(crate) fn cache(server: &TestRegistry) -> SchemaCache {
    SchemaCache::new(registry_of(server))
}
