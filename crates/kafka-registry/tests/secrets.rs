//! Confluent credentials from an AWS Secrets Manager secret, as the event source mapping
//! keeps them, against moto's Secrets Manager (see `kafka_vectors::moto`).

#![cfg(feature = "secrets-manager")]
#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a failure is the test failing"
)]

use aws_sdk_secretsmanager::config::{BehaviorVersion, Credentials, Region};
use kafka_core::SchemaId;
use kafka_registry::{ConfluentRegistry, SchemaRegistry};
use kafka_vectors::moto::Moto;
use kafka_vectors::registry::TestRegistry;

fn client(endpoint: &str) -> aws_sdk_secretsmanager::Client {
    let config = aws_sdk_secretsmanager::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
        .build();
    aws_sdk_secretsmanager::Client::from_conf(config)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_mappings_secret_gives_the_registry_credentials() {
    let Some(moto) = Moto::start("credentials from Secrets Manager") else {
        return;
    };
    let secrets = client(moto.endpoint());
    for (name, value) in [
        (
            "registry-creds",
            r#"{"username":"key","password":"s3cret"}"#,
        ),
        ("half", r#"{"username":"key"}"#),
        ("text", "key:s3cret"),
    ] {
        secrets
            .create_secret()
            .name(name)
            .secret_string(value)
            .send()
            .await
            .unwrap();
    }
    let server = TestRegistry::start(kafka_vectors::confluent_registry());
    // "Basic " + base64("key:s3cret")
    server.require_auth("Basic a2V5OnMzY3JldA==");
    let id = u32::try_from(
        kafka_vectors::registered("orders-value")["id"]
            .as_u64()
            .unwrap(),
    )
    .unwrap();
    let registry = ConfluentRegistry::builder()
        .url(server.url())
        .basic_auth_from_secret(&secrets, "registry-creds")
        .await
        .unwrap()
        .build()
        .unwrap();
    assert!(registry.fetch(&SchemaId::Confluent(id)).await.is_ok());

    let errors = [
        (
            "missing",
            "cannot read the registry credentials from the secret missing: ResourceNotFoundException",
        ),
        ("half", "the secret half has no username and password"),
        (
            "text",
            "the secret text is not JSON with username and password",
        ),
    ];
    for (name, message) in errors {
        let err = ConfluentRegistry::builder()
            .url(server.url())
            .basic_auth_from_secret(&secrets, name)
            .await
            .unwrap_err();
        assert_eq!(err.message(), message);
        assert!(!err.message().contains("s3cret"));
    }
}
