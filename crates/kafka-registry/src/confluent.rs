//! The Confluent Schema Registry REST API: `GET /schemas/ids/{id}`,
//! `GET /schemas/guids/{guid}`, and `GET /subjects/{subject}/versions/{version}` for
//! references.

use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use futures_util::FutureExt as _;
use futures_util::future::BoxFuture;
use kafka_core::{DataFormat, NamedSchema, RegisteredSchema, SchemaId};
use serde::Deserialize;

use crate::{RegistryError, SchemaRegistry, without_credentials};

/// The media type the registry's clients ask for.
const ACCEPT: &str = "application/vnd.schemaregistry.v1+json";
/// The largest answer read: schemas are kilobytes; anything near this is not one.
const MAX_BODY: usize = 8 << 20;
/// The most references one schema may pull in, all levels together.
const MAX_REFERENCES: usize = 256;

/// A Confluent Schema Registry (Confluent Platform, Confluent Cloud, or any registry that
/// speaks its REST API): writer schemas by id and by GUID, their references resolved.
///
/// Several base URLs are tried in turn when one cannot be reached or answers 5xx.
/// Credentials (basic auth: a Confluent Cloud API key and secret; or a bearer token) are
/// sent with every request and never appear in errors; neither do credentials written in
/// a URL.
#[derive(Debug, Clone)]
pub struct ConfluentRegistry {
    client: reqwest::Client,
    urls: Vec<String>,
    auth: Option<String>,
}

/// Describes a [`ConfluentRegistry`]; [`ConfluentBuilder::build`] makes it.
#[derive(Debug, Clone, Default)]
pub struct ConfluentBuilder {
    urls: Vec<String>,
    auth: Option<String>,
    ca_file: Option<PathBuf>,
    timeout: Option<Duration>,
}

impl ConfluentRegistry {
    /// Starts describing a registry.
    #[must_use]
    pub fn builder() -> ConfluentBuilder {
        ConfluentBuilder::default()
    }
}

impl ConfluentBuilder {
    /// Adds a base URL (`https://registry:8081`); several are tried in turn.
    #[must_use]
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.urls.push(url.into().trim_end_matches('/').to_owned());
        self
    }

    /// Adds the base URLs of a comma-separated list, as Confluent's clients take them.
    #[must_use]
    pub fn urls(self, list: &str) -> Self {
        list.split(',')
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .fold(self, Self::url)
    }

    /// HTTP basic auth: for Confluent Cloud, the API key and its secret.
    #[must_use]
    pub fn basic_auth(mut self, user: &str, secret: &str) -> Self {
        self.auth = Some(format!(
            "Basic {}",
            STANDARD.encode(format!("{user}:{secret}"))
        ));
        self
    }

    /// `user:secret` as in `SCHEMA_REGISTRY_AUTH`, for [`ConfluentBuilder::basic_auth`].
    ///
    /// # Errors
    /// A [`RegistryError`] when there is no `:` (the text is not repeated).
    pub fn basic_auth_pair(self, pair: &str) -> Result<Self, RegistryError> {
        let (user, secret) = pair.split_once(':').ok_or_else(|| {
            RegistryError::new("the registry credentials are not of the form user:secret")
        })?;
        Ok(self.basic_auth(user, secret))
    }

    /// HTTP basic auth from an AWS Secrets Manager secret whose JSON holds `username` and
    /// `password`: the secret the event source mapping itself uses for its registry
    /// (`BASIC_AUTH`). `client` is an SDK client you configured; `secret` the secret's
    /// ARN or name. Read once, when the registry client is built.
    ///
    /// # Errors
    /// A [`RegistryError`] naming the secret (never its value) when it cannot be read or
    /// lacks either key.
    #[cfg(feature = "secrets-manager")]
    #[cfg_attr(docsrs, doc(cfg(feature = "secrets-manager")))]
    pub async fn basic_auth_from_secret(
        self,
        client: &aws_sdk_secretsmanager::Client,
        secret: &str,
    ) -> Result<Self, RegistryError> {
        use aws_sdk_secretsmanager::error::ProvideErrorMetadata as _;

        let answer = client
            .get_secret_value()
            .secret_id(secret)
            .send()
            .await
            .map_err(|e| {
                RegistryError::new(format!(
                    "cannot read the registry credentials from the secret {secret}: {}",
                    e.code().unwrap_or("no error code")
                ))
            })?;
        let text = answer.secret_string().unwrap_or_default();
        let fields: serde_json::Value = serde_json::from_str(text).map_err(|_| {
            RegistryError::new(format!(
                "the secret {secret} is not JSON with username and password"
            ))
        })?;
        match (fields["username"].as_str(), fields["password"].as_str()) {
            (Some(user), Some(password)) => Ok(self.basic_auth(user, password)),
            _ => Err(RegistryError::new(format!(
                "the secret {secret} has no username and password"
            ))),
        }
    }

    /// A bearer token (OAuth), sent as `Authorization: Bearer ...`.
    #[must_use]
    pub fn bearer_token(mut self, token: &str) -> Self {
        self.auth = Some(format!("Bearer {token}"));
        self
    }

    /// A PEM file of CA certificates trusted beside the platform's roots (a private
    /// registry's CA).
    #[must_use]
    pub fn ca_file(mut self, path: impl AsRef<Path>) -> Self {
        self.ca_file = Some(path.as_ref().to_owned());
        self
    }

    /// The longest one HTTP request may take (10 s unless set).
    #[must_use]
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The registry client.
    ///
    /// # Errors
    /// A [`RegistryError`] without any URL, with a URL that is not `http` or `https`, or a
    /// CA file that cannot be read or parsed.
    pub fn build(self) -> Result<ConfluentRegistry, RegistryError> {
        if self.urls.is_empty() {
            return Err(RegistryError::new("no schema registry URL was given"));
        }
        for url in &self.urls {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(RegistryError::new(format!(
                    "the schema registry URL {} is not http:// or https://",
                    without_credentials(url)
                )));
            }
        }
        let mut client = reqwest::Client::builder()
            .timeout(self.timeout.unwrap_or(Duration::from_secs(10)))
            .connect_timeout(Duration::from_secs(5));
        if let Some(path) = &self.ca_file {
            let pem = std::fs::read(path).map_err(|e| {
                RegistryError::new(format!("cannot read the CA file {}: {e}", path.display()))
            })?;
            for certificate in reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                RegistryError::new(format!("the CA file {} is not PEM: {e}", path.display()))
            })? {
                client = client.add_root_certificate(certificate);
            }
        }
        let client = client.build().map_err(|e| {
            RegistryError::new(format!("cannot build the HTTP client: {}", e.without_url()))
        })?;
        Ok(ConfluentRegistry {
            client,
            urls: self.urls,
            auth: self.auth,
        })
    }
}

/// Percent-encodes one path segment (a subject may hold any character).
fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `/schemas/ids/{id}`, `/schemas/guids/{guid}` and `/subjects/../versions/..` answers.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    schema: String,
    #[serde(default)]
    schema_type: Option<String>,
    #[serde(default)]
    references: Vec<Reference>,
}

#[derive(Deserialize)]
struct Reference {
    name: String,
    subject: String,
    version: i64,
}

/// A registry's error body.
#[derive(Deserialize)]
struct Refusal {
    #[serde(default)]
    error_code: Option<i64>,
    #[serde(default)]
    message: Option<String>,
}

fn format_of(schema_type: Option<&str>) -> DataFormat {
    // The registry leaves the type out for Avro.
    schema_type.map_or(DataFormat::Avro, DataFormat::from)
}

impl ConfluentRegistry {
    /// One GET, tried on each base URL in turn while they cannot be reached or answer 5xx.
    async fn get(&self, path: &str, what: &str) -> Result<Answer, RegistryError> {
        let mut last = None;
        for base in &self.urls {
            let shown = without_credentials(base);
            let mut request = self
                .client
                .get(format!("{base}{path}"))
                .header("Accept", ACCEPT);
            if let Some(auth) = &self.auth {
                request = request.header("Authorization", auth);
            }
            let response = match request.send().await {
                Ok(response) => response,
                Err(e) => {
                    last = Some(format!(
                        "{what}: the registry {shown} could not be reached: {}",
                        e.without_url()
                    ));
                    continue;
                }
            };
            let status = response.status();
            let body = match read_body(response).await {
                Ok(body) => body,
                Err(reason) => {
                    last = Some(format!("{what}: the registry {shown} {reason}"));
                    continue;
                }
            };
            if status.is_success() {
                return serde_json::from_slice(&body).map_err(|e| {
                    RegistryError::new(format!(
                        "{what}: the registry {shown} answered GET {path} with what is not a schema ({} bytes): {e}",
                        body.len()
                    ))
                });
            }
            let refusal = serde_json::from_slice::<Refusal>(&body).ok();
            let detail = match refusal {
                Some(Refusal {
                    error_code: Some(code),
                    message,
                }) => {
                    let message: String = message.unwrap_or_default().chars().take(200).collect();
                    format!(" (error_code {code}: {message})")
                }
                _ => String::new(),
            };
            let said = format!(
                "{what}: the registry {shown} answered GET {path} with {}{detail}",
                status.as_u16()
            );
            if status.is_server_error() {
                last = Some(said);
                continue;
            }
            return Err(RegistryError::new(said));
        }
        Err(RegistryError::new(
            last.unwrap_or_else(|| format!("{what}: no registry URL")),
        ))
    }

    async fn fetch_id(&self, id: &SchemaId) -> Result<RegisteredSchema, RegistryError> {
        let what = id.describe();
        let path = match id {
            SchemaId::Confluent(n) => format!("/schemas/ids/{n}"),
            SchemaId::ConfluentGuid(guid) => format!("/schemas/guids/{}", guid.hyphenated()),
            _ => {
                return Err(RegistryError::new(format!(
                    "{what}: not a Confluent schema id or GUID"
                )));
            }
        };
        let answer = self.get(&path, &what).await?;
        let mut references = Vec::new();
        let mut seen = Vec::new();
        self.resolve(&answer.references, &mut references, &mut seen, &what)
            .await?;
        Ok(RegisteredSchema {
            format: format_of(answer.schema_type.as_deref()),
            text: answer.schema,
            references,
        })
    }

    /// Fetches references depth first, so that a schema's own references come before it.
    fn resolve<'a>(
        &'a self,
        wanted: &'a [Reference],
        out: &'a mut Vec<NamedSchema>,
        seen: &'a mut Vec<(String, i64)>,
        what: &'a str,
    ) -> BoxFuture<'a, Result<(), RegistryError>> {
        async move {
            for reference in wanted {
                let key = (reference.subject.clone(), reference.version);
                if seen.contains(&key) {
                    continue;
                }
                if seen.len() >= MAX_REFERENCES {
                    return Err(RegistryError::new(format!(
                        "{what}: more than {MAX_REFERENCES} references"
                    )));
                }
                seen.push(key);
                let path = format!(
                    "/subjects/{}/versions/{}",
                    segment(&reference.subject),
                    reference.version
                );
                let answer = self.get(&path, what).await?;
                self.resolve(&answer.references, out, seen, what).await?;
                out.push(NamedSchema {
                    name: reference.name.clone(),
                    text: answer.schema,
                });
            }
            Ok(())
        }
        .boxed()
    }
}

/// The body, refusing one larger than [`MAX_BODY`].
async fn read_body(mut response: reqwest::Response) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_BODY {
                    return Err(format!("answered more than {MAX_BODY} bytes"));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) => return Err(format!("broke off its answer: {}", e.without_url())),
        }
    }
}

impl SchemaRegistry for ConfluentRegistry {
    fn serves(&self, id: &SchemaId) -> bool {
        matches!(id, SchemaId::Confluent(_) | SchemaId::ConfluentGuid(_))
    }

    fn fetch<'a>(
        &'a self,
        id: &'a SchemaId,
    ) -> BoxFuture<'a, Result<RegisteredSchema, RegistryError>> {
        self.fetch_id(id).boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_credentials() {
        assert_eq!(
            without_credentials("https://key:secret@registry.example:8081/base"),
            "https://registry.example:8081/base"
        );
        assert_eq!(without_credentials("http://user:p@ss@host"), "http://host");
        assert_eq!(without_credentials("http://host:1"), "http://host:1");
    }

    #[test]
    fn subjects_are_one_path_segment() {
        assert_eq!(segment("orders-value"), "orders-value");
        assert_eq!(segment("a/b c:d"), "a%2Fb%20c%3Ad");
    }
}
