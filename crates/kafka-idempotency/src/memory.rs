//! The embedded store: entries in a map, for tests and single-instance use.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::{DataRecord, Store, StoreError};

/// Keeps entries in memory, behind a lock. Entries live as long as the process (for a
/// Lambda function, its warm instance), so replays reaching another instance run again:
/// use a shared store (DynamoDB) for that.
#[derive(Debug, Default)]
pub struct InMemoryStore {
    entries: Mutex<HashMap<String, DataRecord>>,
}

impl InMemoryStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The entry of `id`, if any (expired ones included).
    #[must_use]
    pub fn get(&self, id: &str) -> Option<DataRecord> {
        self.lock().get(id).cloned()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, DataRecord>> {
        // A panic while holding the lock leaves the map itself intact.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Store for InMemoryStore {
    async fn put_if_absent(
        &self,
        record: DataRecord,
        now_ms: i64,
    ) -> Result<Option<DataRecord>, StoreError> {
        let mut entries = self.lock();
        match entries.get(&record.id) {
            Some(existing) if existing.is_live(now_ms) => Ok(Some(existing.clone())),
            _ => {
                entries.insert(record.id.clone(), record);
                Ok(None)
            }
        }
    }

    async fn save(&self, record: DataRecord) -> Result<(), StoreError> {
        self.lock().insert(record.id.clone(), record);
        Ok(())
    }

    async fn delete(&self, id: &str) -> Result<(), StoreError> {
        self.lock().remove(id);
        Ok(())
    }
}
