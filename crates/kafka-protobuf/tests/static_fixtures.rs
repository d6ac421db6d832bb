//! Every Powertools Protobuf fixture through prost types derived by hand: each decoded
//! message, written back and read with the fixture's `.proto`, must be the expected
//! decoding (so nothing was lost or misread on the way in).

use std::collections::HashMap;
use std::path::Path;

use kafka_core::{KafkaConsumer, KafkaEvent};
use kafka_protobuf::Proto;
use kafka_protobuf::dynamic::ProtoSchema;
use kafka_protobuf::testing::canonical_json;
use prost_reflect::DynamicMessage;
use serde_json::Value;

#[derive(Clone, PartialEq, prost::Message)]
struct Product {
    #[prost(int32, tag = "1")]
    id: i32,
    #[prost(string, tag = "2")]
    name: String,
    #[prost(double, tag = "3")]
    price: f64,
}

#[derive(Clone, PartialEq, prost::Message)]
struct User {
    #[prost(string, tag = "1")]
    name: String,
    #[prost(int32, tag = "2")]
    age: i32,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Address {
    #[prost(string, tag = "1")]
    street: String,
    #[prost(string, tag = "2")]
    city: String,
    #[prost(string, tag = "3")]
    zip: String,
}

/// `complex.proto`'s profile: no field 8.
#[derive(Clone, PartialEq, prost::Message)]
struct UserProfile {
    #[prost(string, tag = "1")]
    user_id: String,
    #[prost(string, tag = "2")]
    name: String,
    #[prost(string, tag = "3")]
    email: String,
    #[prost(int32, tag = "4")]
    age: i32,
    #[prost(bool, tag = "5")]
    is_active: bool,
    #[prost(string, tag = "6")]
    signup_date: String,
    #[prost(string, repeated, tag = "7")]
    tags: Vec<String>,
    #[prost(map = "string, string", tag = "9")]
    preferences: HashMap<String, String>,
    #[prost(message, optional, tag = "10")]
    address: Option<Address>,
}

/// `user_prof.proto`'s profile: with the score.
#[derive(Clone, PartialEq, prost::Message)]
struct ScoredProfile {
    #[prost(string, tag = "1")]
    user_id: String,
    #[prost(string, tag = "2")]
    name: String,
    #[prost(string, tag = "3")]
    email: String,
    #[prost(int32, tag = "4")]
    age: i32,
    #[prost(bool, tag = "5")]
    is_active: bool,
    #[prost(string, tag = "6")]
    signup_date: String,
    #[prost(string, repeated, tag = "7")]
    tags: Vec<String>,
    #[prost(double, tag = "8")]
    score: f64,
    #[prost(map = "string, string", tag = "9")]
    preferences: HashMap<String, String>,
    #[prost(message, optional, tag = "10")]
    address: Option<Address>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct EmailAddress {
    #[prost(string, tag = "1")]
    address: String,
    #[prost(bool, tag = "2")]
    verified: bool,
    #[prost(bool, tag = "3")]
    primary: bool,
}

#[derive(Clone, PartialEq, prost::Message)]
struct PostalAddress {
    #[prost(string, tag = "1")]
    street: String,
    #[prost(string, tag = "2")]
    city: String,
    #[prost(string, tag = "3")]
    state: String,
    #[prost(string, tag = "4")]
    country: String,
    #[prost(string, tag = "5")]
    zip_code: String,
}

#[derive(Clone, PartialEq, prost::Message)]
struct PhoneNumber {
    #[prost(string, tag = "1")]
    number: String,
    #[prost(int32, tag = "2")]
    r#type: i32,
}

#[derive(Clone, PartialEq, prost::Message)]
struct CustomerProfile {
    #[prost(string, tag = "1")]
    user_id: String,
    #[prost(string, tag = "2")]
    full_name: String,
    #[prost(message, optional, tag = "3")]
    email: Option<EmailAddress>,
    #[prost(int32, tag = "4")]
    age: i32,
    #[prost(message, optional, tag = "5")]
    address: Option<PostalAddress>,
    #[prost(message, repeated, tag = "6")]
    phone_numbers: Vec<PhoneNumber>,
    #[prost(map = "string, string", tag = "7")]
    preferences: HashMap<String, String>,
    #[prost(int32, tag = "8")]
    account_status: i32,
}

/// Decodes a fixture with `M`, and compares each message, read back through the fixture's
/// schema, with the expected value. Records the reference rejects must fail.
fn check<M: prost::Message + Default>(dir: &Path, fixture: &Value) -> usize {
    let name = fixture["name"].as_str().expect("name");
    let config = &fixture["peer_config"]["value"];
    let proto = dir
        .join("..")
        .join(config["schema"].as_str().expect("schema"));
    let schema = ProtoSchema::from_files(&[&proto], &[proto.parent().expect("folder")])
        .and_then(|s| s.message(config["message"].as_str().expect("message")))
        .expect("fixture schema");
    let descriptor = schema
        .message_descriptor()
        .expect("a named message")
        .clone();
    let input = std::fs::read(dir.join(fixture["event"].as_str().expect("event"))).expect("event");
    let event = KafkaEvent::from_slice(&input).expect("event parses");
    let expected: Value = serde_json::from_slice(
        &std::fs::read(dir.join(fixture["expected"].as_str().expect("expected"))).expect("x"),
    )
    .expect("JSON");
    let consumer = KafkaConsumer::new().value(Proto::<M>::new());
    let mut compared = 0;
    for (got, want) in consumer
        .records(&event)
        .zip(expected["records"].as_array().expect("records"))
    {
        match (got, want.get("value_error")) {
            (Err(_), Some(_)) => {}
            (Ok(record), None) => {
                let bytes = record.value.expect("a value").encode_to_vec();
                let message =
                    DynamicMessage::decode(descriptor.clone(), &bytes[..]).expect("written back");
                assert_eq!(
                    canonical_json(&message),
                    want["value"],
                    "{name} offset {}",
                    want["offset"]
                );
                compared += 1;
            }
            (Ok(_), Some(error)) => {
                panic!("{name}: decoded a record the reference rejects ({error})")
            }
            (Err(e), None) => panic!("{name}: {e}"),
        }
    }
    compared
}

#[test]
fn powertools_protobuf_fixtures_static() {
    let Some(dir) = kafka_vectors::powertools() else {
        return;
    };
    let index: Value =
        serde_json::from_slice(&std::fs::read(dir.join("index.json")).expect("index"))
            .expect("JSON");
    let mut checked = Vec::new();
    for fixture in index.as_array().expect("list") {
        if fixture["value_format"] != "protobuf" {
            continue;
        }
        let name = fixture["name"].as_str().expect("name");
        let compared = match name {
            "ts_protobuf" | "java_protobuf" => check::<Product>(&dir, fixture),
            "ts_sample_protobuf" => check::<User>(&dir, fixture),
            "ts_protobuf_complex_confluent" | "ts_protobuf_complex_glue" => {
                check::<UserProfile>(&dir, fixture)
            }
            "dotnet_protobuf_confluent" => check::<ScoredProfile>(&dir, fixture),
            "dotnet_customer_protobuf" => check::<CustomerProfile>(&dir, fixture),
            "dotnet_protobuf_glue" => {
                // Written with another field layout: prost rejects the mismatched wire types.
                let input = std::fs::read(dir.join(fixture["event"].as_str().expect("event")))
                    .expect("event");
                let event = KafkaEvent::from_slice(&input).expect("event parses");
                let consumer = KafkaConsumer::new().value(Proto::<ScoredProfile>::new());
                for result in consumer.records(&event) {
                    let err = result.expect_err("prost rejects the layout");
                    assert!(err.to_string().contains("invalid wire type"), "{err}");
                }
                0
            }
            other => panic!("a fixture without prost types here: {other}"),
        };
        checked.push((name.to_owned(), compared));
    }
    assert_eq!(checked.len(), 8, "{checked:?}");
    assert!(
        checked.iter().filter(|(_, n)| *n > 0).count() >= 7,
        "{checked:?}"
    );
}
