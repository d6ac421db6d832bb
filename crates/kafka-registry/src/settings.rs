//! Which registry to read writer schemas from, and how: one description, read from the
//! environment or written in code, that builds the cache the runtime prepares batches
//! with.

use std::time::Duration;

use crate::{DEFAULT_TIMEOUT, RegistryError, SchemaCache};

/// A schema registry's settings: a Confluent Schema Registry (its URLs and credentials)
/// or the AWS Glue Schema Registry, and the longest one fetch may take.
///
/// Read them from the environment with [`RegistrySettings::from_env`] (the variables
/// below, the names the `lambda-kafka` command and the example function read too), or
/// write them in code; then [`RegistrySettings::cache`] builds the client and its cache.
///
/// | variable | meaning |
/// |---|---|
/// | `SCHEMA_REGISTRY_URL` | a Confluent Schema Registry: its URL, or several, comma-separated, tried in turn |
/// | `SCHEMA_REGISTRY_AUTH` | its credentials, `user:secret` (a Confluent Cloud API key and secret) |
/// | `SCHEMA_REGISTRY_SECRET` | or the ARN (or name) of the AWS Secrets Manager secret holding them as `username` and `password`, as the event source mapping keeps them |
/// | `GLUE_REGISTRY` | `true` (or `1`): the AWS Glue Schema Registry instead, with the environment's AWS configuration |
/// | `SCHEMA_REGISTRY_TIMEOUT_MS` | the longest one fetch may take, in milliseconds (5000 unless set) |
///
/// ```
/// use std::time::Duration;
/// use kafka_registry::RegistrySettings;
///
/// let settings = RegistrySettings::from_vars(|name| match name {
///     "SCHEMA_REGISTRY_URL" => Some("https://psrc-1234.eu-west-1.aws.confluent.cloud".into()),
///     "SCHEMA_REGISTRY_AUTH" => Some("API_KEY:API_SECRET".into()),
///     _ => None,
/// })?
/// .expect("a registry is set");
/// assert_eq!(settings.timeout(), Duration::from_secs(5));
/// // Nothing set: no registry.
/// assert!(RegistrySettings::from_vars(|_| None)?.is_none());
/// # Ok::<(), kafka_registry::RegistryError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct RegistrySettings {
    registry: Registry,
    timeout: Duration,
}

#[derive(Clone, PartialEq, Eq)]
enum Registry {
    Confluent {
        urls: String,
        credentials: Option<Credentials>,
    },
    Glue,
}

#[derive(Clone, PartialEq, Eq)]
enum Credentials {
    /// `user:secret`.
    Pair(String),
    /// A Secrets Manager secret's ARN or name.
    Secret(String),
}

/// Never shows credentials.
impl std::fmt::Debug for RegistrySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = f.debug_struct("RegistrySettings");
        match &self.registry {
            Registry::Confluent { urls, credentials } => out
                .field("confluent", &crate::without_credentials(urls))
                .field(
                    "credentials",
                    &match credentials {
                        None => "none",
                        Some(Credentials::Pair(_)) => "user:secret",
                        Some(Credentials::Secret(_)) => "secrets manager",
                    },
                ),
            Registry::Glue => out.field("glue", &true),
        };
        out.field("timeout", &self.timeout).finish()
    }
}

impl RegistrySettings {
    /// A Confluent Schema Registry at `urls` (comma-separated, tried in turn), without
    /// credentials.
    #[must_use]
    pub fn confluent(urls: impl Into<String>) -> Self {
        Self {
            registry: Registry::Confluent {
                urls: urls.into(),
                credentials: None,
            },
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The AWS Glue Schema Registry, with the environment's AWS configuration.
    #[must_use]
    pub fn glue() -> Self {
        Self {
            registry: Registry::Glue,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The Confluent registry's credentials, `user:secret`.
    ///
    /// # Errors
    /// A [`RegistryError`] when there is no `:`, or the settings are Glue's.
    pub fn basic_auth(self, pair: &str) -> Result<Self, RegistryError> {
        if !pair.contains(':') {
            return Err(RegistryError::new(
                "the registry credentials are not of the form user:secret",
            ));
        }
        self.credentials(Credentials::Pair(pair.to_owned()))
    }

    /// The Confluent registry's credentials from an AWS Secrets Manager secret (its ARN or
    /// name) holding `username` and `password`, read when the cache is built (feature
    /// `secrets-manager`).
    ///
    /// # Errors
    /// A [`RegistryError`] when the settings are Glue's.
    pub fn basic_auth_from_secret(self, secret: &str) -> Result<Self, RegistryError> {
        self.credentials(Credentials::Secret(secret.to_owned()))
    }

    fn credentials(mut self, given: Credentials) -> Result<Self, RegistryError> {
        match &mut self.registry {
            Registry::Confluent { credentials, .. } => {
                *credentials = Some(given);
                Ok(self)
            }
            Registry::Glue => Err(RegistryError::new(
                "credentials are for a Confluent registry; AWS Glue uses the AWS configuration",
            )),
        }
    }

    /// The longest one fetch may take (its references included).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The longest one fetch may take.
    #[must_use]
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The settings the environment's variables give (see the table above); `None` when
    /// neither `SCHEMA_REGISTRY_URL` nor `GLUE_REGISTRY` asks for a registry.
    ///
    /// # Errors
    /// A [`RegistryError`] naming the first variable that is wrong, never its value when it
    /// holds credentials.
    pub fn from_env() -> Result<Option<Self>, RegistryError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// [`RegistrySettings::from_env`], with the variables looked up by `vars` (another
    /// source of configuration, or a test's); an empty value counts as unset.
    ///
    /// # Errors
    /// As [`RegistrySettings::from_env`].
    pub fn from_vars(vars: impl Fn(&str) -> Option<String>) -> Result<Option<Self>, RegistryError> {
        let var = |name: &str| vars(name).filter(|value| !value.is_empty());
        let named = |name: &str, e: RegistryError| RegistryError::new(format!("{name}: {e}"));
        let glue = match var("GLUE_REGISTRY").as_deref() {
            None | Some("false" | "0") => false,
            Some("true" | "1") => true,
            Some(other) => {
                return Err(RegistryError::new(format!(
                    "GLUE_REGISTRY: {other} is not true or false"
                )));
            }
        };
        let settings = match (var("SCHEMA_REGISTRY_URL"), glue) {
            (Some(_), true) => {
                return Err(RegistryError::new(
                    "SCHEMA_REGISTRY_URL and GLUE_REGISTRY: choose one registry",
                ));
            }
            (Some(urls), false) => Self::confluent(urls),
            (None, true) => Self::glue(),
            (None, false) => {
                // Credentials without a registry are a mistake worth saying.
                for name in ["SCHEMA_REGISTRY_AUTH", "SCHEMA_REGISTRY_SECRET"] {
                    if var(name).is_some() {
                        return Err(RegistryError::new(format!(
                            "{name} is set, but SCHEMA_REGISTRY_URL is not"
                        )));
                    }
                }
                return Ok(None);
            }
        };
        let mut settings = match (var("SCHEMA_REGISTRY_AUTH"), var("SCHEMA_REGISTRY_SECRET")) {
            (Some(_), Some(_)) => {
                return Err(RegistryError::new(
                    "SCHEMA_REGISTRY_AUTH and SCHEMA_REGISTRY_SECRET: choose one",
                ));
            }
            (Some(pair), None) => settings
                .basic_auth(&pair)
                .map_err(|e| named("SCHEMA_REGISTRY_AUTH", e))?,
            (None, Some(secret)) => settings
                .basic_auth_from_secret(&secret)
                .map_err(|e| named("SCHEMA_REGISTRY_SECRET", e))?,
            (None, None) => settings,
        };
        if let Some(ms) = var("SCHEMA_REGISTRY_TIMEOUT_MS") {
            let timeout = ms
                .parse::<u64>()
                .ok()
                .filter(|ms| *ms > 0)
                .map(Duration::from_millis)
                .ok_or_else(|| {
                    RegistryError::new(format!(
                        "SCHEMA_REGISTRY_TIMEOUT_MS: {ms} is not a positive number of milliseconds"
                    ))
                })?;
            settings = settings.with_timeout(timeout);
        }
        Ok(Some(settings))
    }

    /// The registry's client in a [`SchemaCache`] with the timeout: what
    /// `KafkaService::registry` and [`SchemaCache::prepare`] take. Secrets Manager is read
    /// here, once.
    ///
    /// # Errors
    /// A [`RegistryError`] when the client cannot be built (a URL that is not `http(s)`,
    /// a secret that cannot be read), or this build lacks the client the settings name
    /// (features `confluent`, `glue`, `secrets-manager`).
    pub async fn cache(&self) -> Result<SchemaCache, RegistryError> {
        match &self.registry {
            Registry::Confluent { urls, credentials } => {
                confluent(urls, credentials.as_ref(), self.timeout).await
            }
            Registry::Glue => glue(self.timeout).await,
        }
    }
}

#[cfg(feature = "confluent")]
async fn confluent(
    urls: &str,
    credentials: Option<&Credentials>,
    timeout: Duration,
) -> Result<SchemaCache, RegistryError> {
    let builder = crate::ConfluentRegistry::builder()
        .urls(urls)
        .request_timeout(timeout);
    let builder = match credentials {
        None => builder,
        Some(Credentials::Pair(pair)) => builder.basic_auth_pair(pair)?,
        Some(Credentials::Secret(secret)) => from_secret(builder, secret).await?,
    };
    Ok(SchemaCache::new(builder.build()?).timeout(timeout))
}

#[cfg(not(feature = "confluent"))]
#[allow(clippy::unused_async, reason = "the same call as with the feature")]
async fn confluent(
    _: &str,
    _: Option<&Credentials>,
    _: Duration,
) -> Result<SchemaCache, RegistryError> {
    Err(not_built("a Confluent registry", "confluent"))
}

#[cfg(feature = "secrets-manager")]
async fn from_secret(
    builder: crate::ConfluentBuilder,
    secret: &str,
) -> Result<crate::ConfluentBuilder, RegistryError> {
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let client = aws_sdk_secretsmanager::Client::new(&config);
    builder.basic_auth_from_secret(&client, secret).await
}

#[cfg(all(feature = "confluent", not(feature = "secrets-manager")))]
#[allow(clippy::unused_async, reason = "the same call as with the feature")]
async fn from_secret(
    _: crate::ConfluentBuilder,
    _: &str,
) -> Result<crate::ConfluentBuilder, RegistryError> {
    Err(not_built(
        "credentials from Secrets Manager",
        "secrets-manager",
    ))
}

#[cfg(feature = "glue")]
async fn glue(timeout: Duration) -> Result<SchemaCache, RegistryError> {
    Ok(SchemaCache::new(crate::GlueRegistry::from_env().await).timeout(timeout))
}

#[cfg(not(feature = "glue"))]
#[allow(clippy::unused_async, reason = "the same call as with the feature")]
async fn glue(_: Duration) -> Result<SchemaCache, RegistryError> {
    Err(not_built("the AWS Glue Schema Registry", "glue"))
}

#[cfg(not(all(feature = "confluent", feature = "glue", feature = "secrets-manager")))]
fn not_built(what: &str, feature: &str) -> RegistryError {
    RegistryError::new(format!(
        "{what} is not in this build (kafka-registry's feature `{feature}`)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(set: &[(&str, &str)]) -> Result<Option<RegistrySettings>, RegistryError> {
        let set: Vec<(String, String)> = set
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        RegistrySettings::from_vars(|name| {
            set.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    fn message(set: &[(&str, &str)]) -> String {
        vars(set).unwrap_err().to_string()
    }

    #[test]
    fn the_environment_names_one_registry() {
        assert_eq!(vars(&[]).unwrap(), None);
        assert_eq!(vars(&[("SCHEMA_REGISTRY_URL", "")]).unwrap(), None);
        assert_eq!(
            vars(&[("SCHEMA_REGISTRY_URL", "http://r:8081")]).unwrap(),
            Some(RegistrySettings::confluent("http://r:8081"))
        );
        assert_eq!(
            vars(&[("GLUE_REGISTRY", "1")]).unwrap(),
            Some(RegistrySettings::glue())
        );
        assert_eq!(vars(&[("GLUE_REGISTRY", "false")]).unwrap(), None);
        let with_all = vars(&[
            ("SCHEMA_REGISTRY_URL", "http://r:8081"),
            (
                "SCHEMA_REGISTRY_SECRET",
                "arn:aws:secretsmanager:eu-west-1:1:secret:sr",
            ),
            ("SCHEMA_REGISTRY_TIMEOUT_MS", "250"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(with_all.timeout(), Duration::from_millis(250));
        assert_eq!(
            format!("{with_all:?}"),
            "RegistrySettings { confluent: \"http://r:8081\", credentials: \"secrets manager\", timeout: 250ms }"
        );
    }

    #[test]
    fn each_mistake_names_its_variable_and_never_a_secret() {
        assert_eq!(
            message(&[("GLUE_REGISTRY", "yes")]),
            "GLUE_REGISTRY: yes is not true or false"
        );
        assert_eq!(
            message(&[
                ("SCHEMA_REGISTRY_URL", "http://r"),
                ("GLUE_REGISTRY", "true")
            ]),
            "SCHEMA_REGISTRY_URL and GLUE_REGISTRY: choose one registry"
        );
        assert_eq!(
            message(&[
                ("SCHEMA_REGISTRY_URL", "http://r"),
                ("SCHEMA_REGISTRY_AUTH", "key-no-colon")
            ]),
            "SCHEMA_REGISTRY_AUTH: the registry credentials are not of the form user:secret"
        );
        assert_eq!(
            message(&[
                ("SCHEMA_REGISTRY_URL", "http://r"),
                ("SCHEMA_REGISTRY_AUTH", "u:s"),
                ("SCHEMA_REGISTRY_SECRET", "arn")
            ]),
            "SCHEMA_REGISTRY_AUTH and SCHEMA_REGISTRY_SECRET: choose one"
        );
        assert_eq!(
            message(&[("GLUE_REGISTRY", "true"), ("SCHEMA_REGISTRY_AUTH", "u:s")]),
            "SCHEMA_REGISTRY_AUTH: credentials are for a Confluent registry; AWS Glue uses the AWS configuration"
        );
        assert_eq!(
            message(&[("SCHEMA_REGISTRY_AUTH", "u:s")]),
            "SCHEMA_REGISTRY_AUTH is set, but SCHEMA_REGISTRY_URL is not"
        );
        assert_eq!(
            message(&[
                ("SCHEMA_REGISTRY_URL", "http://r"),
                ("SCHEMA_REGISTRY_TIMEOUT_MS", "0")
            ]),
            "SCHEMA_REGISTRY_TIMEOUT_MS: 0 is not a positive number of milliseconds"
        );
        // Credentials in the URL are not shown either.
        let settings = RegistrySettings::confluent("https://user:pw@r:8081");
        assert!(!format!("{settings:?}").contains("pw"), "{settings:?}");
    }
}
