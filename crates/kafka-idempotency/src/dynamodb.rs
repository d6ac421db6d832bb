//! Entries in a DynamoDB table (feature `dynamodb`), shareable with the idempotency
//! utility of the other Powertools editions: same attribute names, conditional writes.

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::AttributeValue;

use crate::{DataRecord, Status, Store, StoreError};

/// The environment variable [`DynamoDbStore::from_env`] reads the table name from.
pub const TABLE_VARIABLE: &str = "IDEMPOTENCY_TABLE";

/// The table's attribute names; the defaults are those of the Powertools editions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeNames {
    /// The key (`id`).
    pub key: String,
    /// `status`.
    pub status: String,
    /// `expiration` (epoch seconds; make it the table's TTL attribute).
    pub expiration: String,
    /// `in_progress_expiration` (epoch milliseconds).
    pub in_progress_expiration: String,
    /// `data`.
    pub data: String,
    /// `validation`.
    pub validation: String,
}

impl Default for AttributeNames {
    fn default() -> Self {
        Self {
            key: "id".to_owned(),
            status: "status".to_owned(),
            expiration: "expiration".to_owned(),
            in_progress_expiration: "in_progress_expiration".to_owned(),
            data: "data".to_owned(),
            validation: "validation".to_owned(),
        }
    }
}

/// Keeps entries in a DynamoDB table whose partition key is [`AttributeNames::key`]
/// (a string).
#[derive(Debug, Clone)]
pub struct DynamoDbStore {
    client: Client,
    table: String,
    names: AttributeNames,
}

impl DynamoDbStore {
    /// A store on `table` through `client`.
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
            names: AttributeNames::default(),
        }
    }

    /// A store with the AWS configuration of the environment (the function's role and
    /// region) and the table named by `IDEMPOTENCY_TABLE`.
    ///
    /// # Errors
    /// A [`StoreError`] when the variable is not set.
    pub async fn from_env() -> Result<Self, StoreError> {
        let table = std::env::var(TABLE_VARIABLE)
            .map_err(|_| StoreError(format!("{TABLE_VARIABLE} names no DynamoDB table")))?;
        let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        Ok(Self::new(Client::new(&config), table))
    }

    /// Other attribute names than the defaults.
    #[must_use]
    pub fn attribute_names(mut self, names: AttributeNames) -> Self {
        self.names = names;
        self
    }

    fn item(&self, record: &DataRecord) -> HashMap<String, AttributeValue> {
        let n = &self.names;
        let mut item = HashMap::from([
            (n.key.clone(), AttributeValue::S(record.id.clone())),
            (
                n.status.clone(),
                AttributeValue::S(record.status.as_str().to_owned()),
            ),
            (
                n.expiration.clone(),
                AttributeValue::N(record.expiration.to_string()),
            ),
        ]);
        if let Some(until) = record.in_progress_expiration {
            item.insert(
                n.in_progress_expiration.clone(),
                AttributeValue::N(until.to_string()),
            );
        }
        if let Some(data) = &record.data {
            item.insert(n.data.clone(), AttributeValue::S(data.clone()));
        }
        if let Some(hash) = &record.validation {
            item.insert(n.validation.clone(), AttributeValue::S(hash.clone()));
        }
        item
    }

    fn record(&self, item: &HashMap<String, AttributeValue>) -> Result<DataRecord, StoreError> {
        let n = &self.names;
        let text = |name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
        let number = |name: &str| {
            item.get(name)
                .and_then(|v| v.as_n().ok())
                .and_then(|v| v.parse::<i64>().ok())
        };
        let status = match text(&n.status).as_deref() {
            Some("INPROGRESS") => Status::InProgress,
            Some("COMPLETED") => Status::Completed,
            Some("EXPIRED") => Status::Expired,
            other => return Err(StoreError(format!("unknown status {other:?} in the table"))),
        };
        Ok(DataRecord {
            id: text(&n.key).ok_or_else(|| StoreError("an item without its key".to_owned()))?,
            status,
            expiration: number(&n.expiration).unwrap_or(0),
            in_progress_expiration: number(&n.in_progress_expiration),
            data: text(&n.data),
            validation: text(&n.validation),
        })
    }
}

fn failed(e: &impl std::error::Error) -> StoreError {
    // The SDK's Display is terse; its source chain says what happened.
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    StoreError(message)
}

impl Store for DynamoDbStore {
    async fn put_if_absent(
        &self,
        record: DataRecord,
        now_ms: i64,
    ) -> Result<Option<DataRecord>, StoreError> {
        let n = &self.names;
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(self.item(&record)))
            // Absent, or past its time: completed entries by `expiration` (seconds),
            // in-progress ones by `in_progress_expiration` (milliseconds) as well.
            .condition_expression(
                "attribute_not_exists(#id) OR #exp < :now_s OR (#status = :in_progress AND #ipexp < :now_ms)",
            )
            .expression_attribute_names("#id", &n.key)
            .expression_attribute_names("#exp", &n.expiration)
            .expression_attribute_names("#status", &n.status)
            .expression_attribute_names("#ipexp", &n.in_progress_expiration)
            .expression_attribute_values(":now_s", AttributeValue::N((now_ms / 1000).to_string()))
            .expression_attribute_values(":now_ms", AttributeValue::N(now_ms.to_string()))
            .expression_attribute_values(":in_progress", AttributeValue::S(Status::InProgress.as_str().to_owned()))
            .send()
            .await;
        match put {
            Ok(_) => Ok(None),
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                let existing = self
                    .client
                    .get_item()
                    .table_name(&self.table)
                    .key(&n.key, AttributeValue::S(record.id.clone()))
                    .consistent_read(true)
                    .send()
                    .await
                    .map_err(|e| failed(&e))?;
                match existing.item() {
                    Some(item) => self.record(item).map(Some),
                    // Deleted in between: it may run.
                    None => Ok(None),
                }
            }
            Err(error) => Err(failed(&error)),
        }
    }

    async fn save(&self, record: DataRecord) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(self.item(&record)))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| failed(&e))
    }

    async fn delete(&self, id: &str) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key(&self.names.key, AttributeValue::S(id.to_owned()))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| failed(&e))
    }
}
