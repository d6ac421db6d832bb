//! Kafka records written as Lambda's Kafka event carries them, and batches of them as
//! the event.

use std::borrow::Cow;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
#[cfg(test)]
use kafka_core::KafkaEvent;
use kafka_core::{
    DataFormat, Header, Headers, Part, RawPayload, RawRecord, SchemaId, SchemaMetadata,
    TimestampType, Uuid,
};

use super::mapping::{Stored, name};

/// The most a Glue payload may inflate to: an invocation's payload limit.
const INFLATE_LIMIT: usize = 6 * 1024 * 1024;

/// How a record's timestamp was set, as the broker reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stamp {
    Create(i64),
    LogAppend(i64),
    None,
}

/// A record as the consumer fetched it.
#[derive(Debug)]
pub(crate) struct Fetched<'m> {
    pub(crate) partition: i32,
    pub(crate) offset: i64,
    pub(crate) timestamp: Stamp,
    pub(crate) key: Option<&'m [u8]>,
    pub(crate) value: Option<&'m [u8]>,
    pub(crate) headers: Vec<(&'m str, Option<&'m [u8]>)>,
    /// The key's and value's JSON text in the JSON record format, with the schema's id
    /// and format for the metadata; `None`: the side goes as it came (or unframed).
    pub(crate) json: [Option<AsJson>; 2],
}

/// A key or value in the JSON record format: its JSON text, and its schema's id and
/// format for the metadata.
pub(crate) type AsJson = (Vec<u8>, SchemaId, Option<DataFormat>);

/// The registry whose framing the mapping's schema-registry integration removes (record
/// format `SOURCE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Registry {
    Confluent,
    Glue,
}

/// A key or value with its framing removed, as record format `SOURCE` delivers it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Unframed<'b> {
    pub(crate) id: SchemaId,
    pub(crate) payload: Cow<'b, [u8]>,
}

/// Removes the registry's framing from a payload: a Confluent `0x00` + id header (the
/// Protobuf message indexes after it stay), or a Glue header (a zlib payload inflated).
/// `None` when the payload does not carry that framing: it is delivered as it is.
/// Confluent's GUID carriers are left as they are: the metadata's `schemaId` names a
/// Confluent schema by its number.
pub(crate) fn unframe(registry: Registry, bytes: &[u8]) -> Option<Unframed<'_>> {
    match (registry, bytes) {
        (Registry::Confluent, [0x00, a, b, c, d, rest @ ..]) => Some(Unframed {
            id: SchemaId::Confluent(u32::from_be_bytes([*a, *b, *c, *d])),
            payload: Cow::Borrowed(rest),
        }),
        // Version 3, compression none (0) or zlib (5), the schema version's UUID.
        (Registry::Glue, [0x03, compression @ (0x00 | 0x05), rest @ ..]) if rest.len() >= 16 => {
            let (version, rest) = rest.split_at(16);
            let payload = if *compression == 0x05 {
                Cow::Owned(inflate(rest)?)
            } else {
                Cow::Borrowed(rest)
            };
            Some(Unframed {
                id: SchemaId::Glue(Uuid::from_slice(version).ok()?),
                payload,
            })
        }
        _ => None,
    }
}

/// A zlib stream inflated; `None` when it is not one, or inflates past the limit.
fn inflate(bytes: &[u8]) -> Option<Vec<u8>> {
    use std::io::Read as _;
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(bytes)
        .take(INFLATE_LIMIT as u64 + 1)
        .read_to_end(&mut out)
        .ok()?;
    (out.len() <= INFLATE_LIMIT).then_some(out)
}

/// Writes a fetched record as the event's JSON object. With a registry (record format
/// `SOURCE`), a framed key or value loses its framing and gains `*SchemaMetadata`, whose
/// `dataFormat` `format_of` gives. A side already in the JSON record format is written as
/// its JSON text with its metadata, and without its schema-id record header
/// (`__key_schema_id`, `__value_schema_id`): the text has no framing for it to describe.
///
/// # Errors
/// When the record cannot be written (the model writes every record built here).
pub(crate) fn store(
    fetched: &Fetched<'_>,
    topic: &Arc<str>,
    registry: Option<Registry>,
    format_of: &mut dyn FnMut(&SchemaId) -> Option<DataFormat>,
) -> Result<Stored, String> {
    let (millis, kind) = match fetched.timestamp {
        Stamp::Create(t) => (t, Some(TimestampType::CreateTime)),
        Stamp::LogAppend(t) => (t, Some(TimestampType::LogAppendTime)),
        Stamp::None => (-1, Some(TimestampType::from("NO_TIMESTAMP_TYPE"))),
    };
    let mut record = RawRecord::new(&**topic, fetched.partition, fetched.offset, millis)
        .with_timestamp_type(kind)
        .with_headers(
            fetched
                .headers
                .iter()
                .filter(|(name, _)| {
                    !(*name == "__key_schema_id" && fetched.json[0].is_some()
                        || *name == "__value_schema_id" && fetched.json[1].is_some())
                })
                .map(|(name, value)| Header::new(*name, value.map(<[u8]>::to_vec)))
                .collect::<Headers<'_>>(),
        );
    for (part, bytes) in [(Part::Key, fetched.key), (Part::Value, fetched.value)] {
        let Some(bytes) = bytes else {
            // Lambda leaves an absent key out, and writes a tombstone's value as null.
            if part == Part::Value {
                record = record.with_payload(part, RawPayload::Null);
            }
            continue;
        };
        let index = usize::from(part == Part::Value);
        if let Some((text, id, format)) = &fetched.json[index] {
            let metadata = SchemaMetadata::new(format.clone(), Some(id.to_string()));
            record = record
                .with_schema_metadata(part, Some(metadata))
                .with_payload(part, RawPayload::Base64(STANDARD.encode(text).into()));
            continue;
        }
        let unframed = registry.and_then(|registry| unframe(registry, bytes));
        let bytes = match unframed {
            Some(Unframed { id, payload }) => {
                let metadata = SchemaMetadata::new(format_of(&id), Some(id.to_string()));
                record = record.with_schema_metadata(part, Some(metadata));
                payload
            }
            None => Cow::Borrowed(bytes),
        };
        record = record.with_payload(part, RawPayload::Base64(STANDARD.encode(&bytes).into()));
    }
    let json = serde_json::to_string(&record).map_err(|e| {
        format!(
            "{} offset {} cannot be written as an event: {e}",
            name(topic, fetched.partition),
            fetched.offset
        )
    })?;
    Ok(Stored {
        topic: Arc::clone(topic),
        partition: fetched.partition,
        offset: fetched.offset,
        timestamp: (millis >= 0).then_some(millis),
        json,
        attempts: 0,
    })
}

/// The event's fields outside its records.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    /// `aws:kafka` (Amazon MSK) or `SelfManagedKafka`.
    pub(crate) event_source: &'static str,
    /// The cluster's ARN, for MSK.
    pub(crate) arn: Option<String>,
    pub(crate) bootstrap_servers: String,
}

impl Source {
    /// The bytes of the event's fields outside `records`' groups (for the payload limit:
    /// the mapping counts the groups and records).
    pub(crate) fn overhead(&self) -> usize {
        self.event(&[]).len()
    }

    /// The event holding `records` (grouped by partition, in the order they come).
    pub(crate) fn event(&self, records: &[Stored]) -> String {
        let mut out =
            String::with_capacity(128 + records.iter().map(|r| r.json.len() + 1).sum::<usize>());
        out.push_str("{\"eventSource\":");
        out.push_str(&json_text(self.event_source));
        if let Some(arn) = &self.arn {
            out.push_str(",\"eventSourceArn\":");
            out.push_str(&json_text(arn));
        }
        out.push_str(",\"bootstrapServers\":");
        out.push_str(&json_text(&self.bootstrap_servers));
        out.push_str(",\"records\":{");
        let mut current: Option<(&str, i32)> = None;
        for record in records {
            let here = (&*record.topic, record.partition);
            if current == Some(here) {
                out.push(',');
            } else {
                if current.is_some() {
                    out.push_str("],");
                }
                out.push_str(&json_text(&name(here.0, here.1)));
                out.push_str(":[");
                current = Some(here);
            }
            out.push_str(&record.json);
        }
        if current.is_some() {
            out.push(']');
        }
        out.push_str("}}");
        out
    }
}

fn json_text(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

/// Checks that an event reads back with the library's own reader (for the tests).
#[cfg(test)]
fn read_back(event: &str) -> Vec<(String, i64)> {
    let event = KafkaEvent::from_str(event).expect("the event reads back");
    event
        .records()
        .map(|r| (r.topic_partition(), r.offset()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn no_format(_: &SchemaId) -> Option<DataFormat> {
        None
    }

    fn fetched<'m>(key: Option<&'m [u8]>, value: Option<&'m [u8]>) -> Fetched<'m> {
        Fetched {
            partition: 3,
            offset: 42,
            timestamp: Stamp::LogAppend(1_545_084_650_987),
            key,
            value,
            headers: vec![("trace", Some(&[0, 200, 255][..])), ("empty", None)],
            json: [None, None],
        }
    }

    #[test]
    fn records_are_written_as_lambda_writes_them() {
        let topic: Arc<str> = "orders".into();
        let stored = store(
            &fetched(Some(b"k1"), Some(b"{}")),
            &topic,
            None,
            &mut no_format,
        )
        .expect("written");
        let json: Value = serde_json::from_str(&stored.json).expect("json");
        assert_eq!(
            json,
            json!({"topic": "orders", "partition": 3, "offset": 42, "timestamp": 1_545_084_650_987_i64,
                   "timestampType": "LOG_APPEND_TIME", "key": "azE=", "value": "e30=",
                   "headers": [{"trace": [0, 200, 255]}, {"empty": null}]})
        );
        // No key: left out; a tombstone: a null value.
        let stored = store(&fetched(None, None), &topic, None, &mut no_format).expect("written");
        let json: Value = serde_json::from_str(&stored.json).expect("json");
        assert!(json.get("key").is_none());
        assert_eq!(json["value"], Value::Null);
        // An empty value is an empty payload, not a tombstone.
        let stored =
            store(&fetched(None, Some(b"")), &topic, None, &mut no_format).expect("written");
        let json: Value = serde_json::from_str(&stored.json).expect("json");
        assert_eq!(json["value"], "");
    }

    #[test]
    fn source_format_removes_the_framing_and_names_the_schema() {
        let topic: Arc<str> = "orders".into();
        // Confluent id 7, Protobuf message index [0], then the message.
        let value = [0, 0, 0, 0, 7, 0, 8, 1];
        let mut asked = Vec::new();
        let mut format_of = |id: &SchemaId| {
            asked.push(*id);
            Some(DataFormat::Protobuf)
        };
        let stored = store(
            &fetched(Some(b"plain"), Some(&value)),
            &topic,
            Some(Registry::Confluent),
            &mut format_of,
        )
        .expect("written");
        let json: Value = serde_json::from_str(&stored.json).expect("json");
        assert_eq!(json["value"], STANDARD.encode([0, 8, 1]));
        assert_eq!(
            json["valueSchemaMetadata"],
            json!({"dataFormat": "PROTOBUF", "schemaId": "7"})
        );
        // The unframed key is delivered as it is, without metadata.
        assert_eq!(json["key"], "cGxhaW4=");
        assert!(json.get("keySchemaMetadata").is_none());
        assert_eq!(asked, [SchemaId::Confluent(7)]);
    }

    #[test]
    fn glue_framing_is_removed_and_inflated() {
        let uuid = [0x11u8; 16];
        let mut plain = vec![3, 0];
        plain.extend(uuid);
        plain.extend(b"datum");
        let unframed = unframe(Registry::Glue, &plain).expect("glue");
        assert_eq!(&*unframed.payload, b"datum");
        assert_eq!(
            unframed.id.to_string(),
            "11111111-1111-1111-1111-111111111111"
        );
        let mut zipped = vec![3, 5];
        zipped.extend(uuid);
        let mut encoder =
            flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut encoder, b"datum").expect("zlib");
        zipped.extend(encoder.finish().expect("zlib"));
        assert_eq!(
            &*unframe(Registry::Glue, &zipped).expect("glue").payload,
            b"datum"
        );
        // Not Glue-framed, and a Confluent GUID carrier: delivered as they are.
        assert_eq!(unframe(Registry::Glue, b"{}"), None);
        let mut guid = vec![1];
        guid.extend(uuid);
        assert_eq!(unframe(Registry::Confluent, &guid), None);
    }

    #[test]
    fn an_event_groups_records_by_partition() {
        let source = Source {
            event_source: "aws:kafka",
            arn: Some("arn:aws:kafka:us-east-1:000000000000:cluster/local/1".into()),
            bootstrap_servers: "127.0.0.1:9092".into(),
        };
        let a: Arc<str> = "a".into();
        let b: Arc<str> = "b".into();
        let records: Vec<Stored> = [(&a, 0, 1), (&a, 0, 2), (&b, 1, 7)]
            .into_iter()
            .map(|(topic, partition, offset)| {
                let mut f = fetched(None, Some(b"x"));
                f.partition = partition;
                f.offset = offset;
                store(&f, topic, None, &mut no_format).expect("written")
            })
            .collect();
        let event = source.event(&records);
        assert!(
            event.starts_with(r#"{"eventSource":"aws:kafka","eventSourceArn":"arn:aws:kafka:us-east-1:000000000000:cluster/local/1","bootstrapServers":"127.0.0.1:9092","records":{"a-0":[{"#),
            "{event}"
        );
        assert_eq!(
            read_back(&event),
            [("a-0".into(), 1), ("a-0".into(), 2), ("b-1".into(), 7)]
        );
        assert_eq!(source.event(&[]).len(), source.overhead());
        assert!(read_back(&source.event(&[])).is_empty());
    }
}
