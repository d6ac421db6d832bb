//! The AWS Glue Schema Registry: `GetSchemaVersion` by schema-version UUID.

use aws_sdk_glue::error::ProvideErrorMetadata as _;
use futures_util::FutureExt as _;
use futures_util::future::BoxFuture;
use kafka_core::{DataFormat, RegisteredSchema, SchemaId};

use crate::{RegistryError, SchemaRegistry};

/// The AWS Glue Schema Registry, through the AWS SDK: writer schemas by the schema-version
/// UUID that Glue framing (or the event source mapping's metadata) names. Glue schemas
/// have no references.
///
/// The function's role needs `glue:GetSchemaVersion`. Errors name the version and Glue's
/// answer (its error code and message), never credentials.
#[derive(Debug, Clone)]
pub struct GlueRegistry {
    client: aws_sdk_glue::Client,
}

impl GlueRegistry {
    /// A registry client of an SDK client you configured.
    #[must_use]
    pub fn new(client: aws_sdk_glue::Client) -> Self {
        Self { client }
    }

    /// A registry client with the AWS configuration of the environment (in a function,
    /// its role and region; `AWS_ENDPOINT_URL_GLUE` points it elsewhere).
    pub async fn from_env() -> Self {
        let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        Self::new(aws_sdk_glue::Client::new(&config))
    }

    async fn fetch_version(&self, id: &SchemaId) -> Result<RegisteredSchema, RegistryError> {
        let SchemaId::Glue(version) = id else {
            return Err(RegistryError::new(format!(
                "{}: not an AWS Glue schema version",
                id.describe()
            )));
        };
        let answer = self
            .client
            .get_schema_version()
            .schema_version_id(version.hyphenated().to_string())
            .send()
            .await
            .map_err(|e| {
                let code = e.code().unwrap_or("no error code");
                let message: String = e.message().unwrap_or_default().chars().take(200).collect();
                RegistryError::new(format!(
                    "{}: AWS Glue answered GetSchemaVersion with {code}{}",
                    id.describe(),
                    if message.is_empty() {
                        String::new()
                    } else {
                        format!(": {message}")
                    }
                ))
            })?;
        let text = answer.schema_definition().ok_or_else(|| {
            RegistryError::new(format!(
                "{}: AWS Glue's answer has no schema definition",
                id.describe()
            ))
        })?;
        let format = answer
            .data_format()
            .map_or(DataFormat::Avro, |f| DataFormat::from(f.as_str()));
        Ok(RegisteredSchema::new(format, text))
    }
}

impl SchemaRegistry for GlueRegistry {
    fn serves(&self, id: &SchemaId) -> bool {
        matches!(id, SchemaId::Glue(_))
    }

    fn fetch<'a>(
        &'a self,
        id: &'a SchemaId,
    ) -> BoxFuture<'a, Result<RegisteredSchema, RegistryError>> {
        self.fetch_version(id).boxed()
    }
}
