//! The Avro codec of [lambda-kafka](https://docs.rs/lambda-kafka): Kafka keys and values
//! into your own serde types, into Avro's generic [`Value`], or into JSON, with schema
//! evolution and writer schemas found by registry id.
//!
//! Schemas are parsed once, when the codec is built ([`AvroSchemas::builder`]); each
//! payload then decodes without schema work.
//!
//! ```
//! use kafka_avro::{Avro, AvroSchemas};
//! use kafka_core::{Codec, Part, Payload};
//!
//! #[derive(serde::Deserialize, Debug, PartialEq)]
//! struct User { name: String, age: i32 }
//!
//! let schemas = AvroSchemas::builder()
//!     .schema(r#"{"type":"record","name":"User","fields":[
//!         {"name":"name","type":"string"},{"name":"age","type":"int"}]}"#)
//!     .build()?;
//! let codec: Avro<User> = schemas.typed();
//! let user = codec.decode(Payload::new(b"\x06Ada\x48", Part::Value)).unwrap();
//! assert_eq!(user, User { name: "Ada".into(), age: 36 });
//!
//! let json = schemas.json().decode(Payload::new(b"\x06Ada\x48", Part::Value)).unwrap();
//! assert_eq!(json, serde_json::json!({"name": "Ada", "age": 36}));
//! # Ok::<(), kafka_core::Error>(())
//! ```
//!
//! Every codec here also lends ([`kafka_core::Lend`], used by
//! [`KafkaConsumer::lend`](kafka_core::KafkaConsumer::lend)): a payload read into a type
//! that borrows its strings and bytes from it, with no allocation for them.
//!
//! ```
//! use kafka_avro::AvroSchemas;
//! use kafka_core::{Lend, Part, Payload};
//!
//! #[derive(serde::Deserialize)]
//! struct User<'a> { name: &'a str, age: i32 }
//!
//! let schemas = AvroSchemas::builder()
//!     .schema(r#"{"type":"record","name":"User","fields":[
//!         {"name":"name","type":"string"},{"name":"age","type":"int"}]}"#)
//!     .build()?;
//! let payload = b"\x06Ada\x48";
//! let user: User<'_> = schemas.generic().decode_as(Payload::new(payload, Part::Value)).unwrap();
//! assert_eq!((user.name, user.age), ("Ada", 36));
//! assert_eq!(user.name.as_ptr(), payload[1..].as_ptr()); // lent from the payload
//! # Ok::<(), kafka_core::Error>(())
//! ```
//!
//! # Which schema decodes a payload
//!
//! - The **writer schema** is the one the payload was written with. When the payload's
//!   framing or metadata names a schema id (see [`kafka_core::WireFormat`]) and the codec has a
//!   [`SchemaStore`], the store's schema for that id; an id the store lacks is an error.
//!   Otherwise the codec's own schema ([`AvroSchemasBuilder::schema`]).
//! - The **reader schema** ([`AvroSchemasBuilder::reader_schema`]) is the one you want to
//!   read into. When it differs from the writer's, values are resolved per the Avro
//!   specification: fields added with defaults, fields removed, `int`→`long`→`float`→
//!   `double` and `string`↔`bytes` promotions, enum defaults, unions.
//!
//! Typed decoding reads straight from the bytes into your type when no resolution is
//! needed, and through a resolved generic value when it is. The straight reading walks a
//! plan of the writer schema compiled once (named types resolved, logical types reduced
//! to what they are written as), lends strings and bytes from the payload, reads the
//! fields of a struct that follows the record's field order by position, and checks every
//! length and block count against the bytes left and nesting against a depth of 128.
//! Schemas with `decimal`, `duration` or `uuid`, and unions read into Rust enums, are read
//! by apache-avro's own deserializer instead.
//!
//! # Logical types
//!
//! | Avro | generic [`Value`] | typed (serde) | JSON |
//! |---|---|---|---|
//! | `decimal` | `Value::Decimal` | [`apache_avro::Decimal`] | digits as text, `"12.50"` |
//! | `uuid` | `Value::Uuid` | `String` or `uuid::Uuid` | text |
//! | `date` | `Value::Date` (days) | `i32` | days |
//! | `time-millis` / `time-micros` | `TimeMillis` / `TimeMicros` | `i32` / `i64` | integer |
//! | `timestamp-*`, `local-timestamp-*` (millis, micros, nanos) | the matching variant | `i64` | integer |
//! | `duration` | `Value::Duration` | [`apache_avro::Duration`] | `{"months","days","millis"}` |
//!
//! Bytes and fixed values read into `Vec<u8>` (bytes) or `serde_bytes::ByteBuf` (fixed);
//! JSON shows both as base64.
//!
//! # Bounds
//!
//! A datum followed by bytes it did not use is an error (it means a wrong schema), unless
//! [`AvroSchemasBuilder::allow_trailing_bytes`]. A corrupt length prefix cannot make the
//! decoder allocate more than [`AvroSchemasBuilder::max_allocation_bytes`] (16 MiB unless
//! set; apache-avro's own default is 512 MiB).
#![cfg_attr(docsrs, feature(doc_cfg))]

mod codec;
mod decoder;
mod direct;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod encode;
mod json;
#[cfg(test)]
mod json_agreement;
mod redact;
mod rename;
mod schemas;
mod store;

/// apache-avro's dynamic value, the output of [`AvroGeneric`].
pub use apache_avro::types::Value;

pub use crate::codec::{Avro, AvroGeneric, AvroJson};
pub use crate::schemas::{
    AvroSchemaError, AvroSchemas, AvroSchemasBuilder, DEFAULT_MAX_ALLOCATION,
};
pub use crate::store::SchemaStore;
