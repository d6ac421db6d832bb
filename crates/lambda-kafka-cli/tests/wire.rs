//! The CLI over framed payloads: `--wire-format` options and `inspect`.

mod common;

use common::lines;
use kafka_core::testing::wire::{confluent, confluent_protobuf, glue, message_indexes};
use kafka_core::testing::{EventBuilder, RecordBuilder};
use kafka_core::{Compression, Uuid};
use kafka_core::{DataFormat, Part, SchemaId, SchemaMetadata};
use serde_json::json;

const VERSION: Uuid = Uuid::from_u128(0x5a4b_1e2c_0d3f_4a5b_8c7d_9e0f_1a2b_3c4d);

fn run(args: &[&str], stdin: &str) -> std::process::Output {
    common::run(args, Some(stdin))
}

/// One record per framing, all with the JSON value `{"n":1}`.
fn framed_event() -> String {
    let doc = br#"{"n":1}"#;
    EventBuilder::msk()
        .record(RecordBuilder::new("t", 0, 0).value(doc))
        .record(RecordBuilder::new("t", 0, 1).value(confluent(3, doc)))
        .record(RecordBuilder::new("t", 0, 2).value(glue(VERSION, doc, Compression::None)))
        .record(RecordBuilder::new("t", 0, 3).value(glue(VERSION, doc, Compression::Zlib)))
        .record(RecordBuilder::new("t", 0, 4).value(doc).esm(
            Part::Value,
            DataFormat::Json,
            SchemaId::Confluent(3),
        ))
        .record(RecordBuilder::new("t", 0, 5).value(doc).esm(
            Part::Value,
            DataFormat::Json,
            SchemaId::Glue(VERSION),
        ))
        .to_json()
}

#[test]
fn json_over_every_framing() {
    let output = run(&["decode", "--value-format", "json"], &framed_event());
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let got = lines(&output);
    assert_eq!(got.len(), 6);
    for line in got {
        assert_eq!(line["value"], json!({"n": 1}), "{line}");
    }
}

#[test]
fn wire_format_options() {
    // Plain: the header stays, and is not JSON.
    let output = run(
        &[
            "decode",
            "--value-format",
            "json",
            "--wire-format",
            "plain",
            "--keep-going",
        ],
        &framed_event(),
    );
    assert_eq!(output.status.code(), Some(2));
    let got = lines(&output);
    assert_eq!(got[0]["value"], json!({"n": 1}));
    assert_eq!(got[1]["error"]["kind"], "deserialization");

    // Confluent for values: a payload without the header is an error naming both.
    let output = run(
        &[
            "decode",
            "--value-format",
            "json",
            "--value-wire-format",
            "confluent",
            "--keep-going",
        ],
        &framed_event(),
    );
    let got = lines(&output);
    assert_eq!(
        got[0]["error"],
        json!({"kind": "wire-format", "part": "value", "message": "topic \"t\", partition 0, offset 0, value: wire format: expected a Confluent header (magic byte 0x00, or 0x01 for a schema GUID), found first byte 0x7b"})
    );
    assert_eq!(got[1]["value"], json!({"n": 1}));
    assert_eq!(got[4]["value"], json!({"n": 1}));
    assert_eq!(got[5]["error"]["kind"], "wire-format");

    // --key-wire-format overrides --wire-format for keys only.
    let event = EventBuilder::msk()
        .record(
            RecordBuilder::new("t", 0, 0)
                .key(confluent(9, b"\"k\""))
                .value(b"{}"),
        )
        .to_json();
    let output = run(
        &[
            "decode",
            "--key-format",
            "json",
            "--value-format",
            "json",
            "--wire-format",
            "plain",
            "--key-wire-format",
            "confluent",
        ],
        &event,
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(lines(&output)[0]["key"], "k");

    let output = run(&["decode", "--wire-format", "avro"], &event);
    assert_eq!(output.status.code(), Some(64));
}

#[test]
fn format_mismatch_is_reported() {
    let event = EventBuilder::msk()
        .record(
            RecordBuilder::new("t", 0, 7)
                .value(b"\x02")
                .schema_metadata(
                    Part::Value,
                    SchemaMetadata::new(Some(DataFormat::Avro), Some("1")),
                ),
        )
        .to_json();
    let output = run(&["decode", "--value-format", "json"], &event);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "lambda-kafka: topic \"t\", partition 0, offset 7, value: format mismatch: the schema metadata says AVRO but the value codec reads JSON\n"
    );
}

#[test]
fn inspect_reports_each_framing() {
    let output = run(&["inspect"], &framed_event());
    assert_eq!(output.status.code(), Some(0));
    let got = lines(&output);
    assert_eq!(
        got[0],
        json!({"topic":"t","partition":0,"offset":0,"key":null,"value":{"length":7,"wireFormat":"plain","preview":"7b226e223a317d"}})
    );
    assert_eq!(
        got[1]["value"],
        json!({"length":12,"wireFormat":"confluent","from":"payload","schemaId":"3","preview":"00000000037b226e223a317d"})
    );
    assert_eq!(
        got[2]["value"],
        json!({"length":25,"wireFormat":"glue","from":"payload","schemaId":"5a4b1e2c-0d3f-4a5b-8c7d-9e0f1a2b3c4d","compression":"none","preview":"03005a4b1e2c0d3f4a5b8c7d9e0f1a2b3c4d7b226e223a317d"})
    );
    assert_eq!(got[3]["value"]["compression"], "zlib");
    assert_eq!(
        got[4]["value"],
        json!({"length":7,"wireFormat":"confluent","from":"metadata","schemaId":"3","preview":"7b226e223a317d"})
    );
    assert_eq!(
        got[5]["value"],
        json!({"length":7,"wireFormat":"glue","from":"metadata","schemaId":"5a4b1e2c-0d3f-4a5b-8c7d-9e0f1a2b3c4d","preview":"7b226e223a317d"})
    );
}

#[test]
fn inspect_protobuf_indexes_previews_and_problems() {
    let long_message = vec![0x08; 40];
    let event = EventBuilder::msk()
        .record(
            RecordBuilder::new("p", 1, 0)
                .value(confluent_protobuf(2, &[1, 0], &long_message))
                .schema_metadata(
                    Part::Value,
                    SchemaMetadata::new(Some(DataFormat::Protobuf), None::<String>),
                ),
        )
        .record(
            RecordBuilder::new("p", 1, 1)
                .value([message_indexes(&[3]), vec![0x08, 0x01]].concat())
                .esm(Part::Value, DataFormat::Protobuf, SchemaId::Confluent(2)),
        )
        .record(
            RecordBuilder::new("p", 1, 2)
                .raw_base64(Part::Key, "@@")
                .value([0x03, 0x09]),
        )
        .to_json();
    let output = run(&["inspect"], &event);
    assert_eq!(output.status.code(), Some(0));
    let got = lines(&output);
    assert_eq!(got[0]["value"]["messageIndexes"], json!([1, 0]));
    assert_eq!(got[0]["value"]["length"], 48);
    assert_eq!(
        got[0]["value"]["preview"].as_str().unwrap().len(),
        64,
        "32 bytes in hex"
    );
    assert_eq!(got[1]["value"]["messageIndexes"], json!([3]));
    assert_eq!(got[1]["value"]["from"], "metadata");
    assert_eq!(
        got[2]["key"],
        json!({"error": "invalid base64 (2 characters): a character that is not base64 at position 0"})
    );
    assert_eq!(
        got[2]["value"],
        json!({"length":2,"preview":"0309","error":"expected an AWS Glue header of 18 bytes, found only 2"})
    );
}

#[test]
fn inspect_reads_records_as_decode_does_and_reports_the_same_problems() {
    let event = r#"{"eventSource":"aws:kafka","records":{"t-0":[
      {"topic":"t","partition":0,"offset":1,"timestamp":1,"key":"AAAAAAN7fQ","value":"e30"},
      {"topic":"t","partition":0,"offset":2,"timestamp":1,"key":42,"value":"e30="},
      {"topic":"t","partition":0,"offset":3,"value":"e30="},
      {"topic":"t","partition":0,"offset":4,"timestamp":1,"headers":[{"h":[300]}],"value":"e30="}
    ]}}"#;
    let output = run(&["inspect"], event);
    assert_eq!(output.status.code(), Some(0));
    let got = lines(&output);
    // Unpadded base64 is read as decode reads it.
    assert_eq!(got[0]["key"]["wireFormat"], "confluent");
    assert_eq!(got[0]["value"]["length"], 2);
    // A key that is a JSON number, a missing timestamp, a bad header: each said.
    assert_eq!(
        got[1]["key"],
        json!({"error": "key is a number, not base64 text"})
    );
    assert_eq!(got[1]["value"]["wireFormat"], "plain");
    assert_eq!(
        got[2]["error"],
        json!({"kind": "invalid-record", "message": "topic \"t\", partition 0, offset 3: invalid record: timestamp is missing"})
    );
    assert_eq!(
        got[3]["error"]["message"],
        "topic \"t\", partition 0, offset 4: invalid record: header \"h\": header byte is outside -128..=255"
    );
    // decode fails the same records.
    let output = run(&["decode", "--keep-going"], event);
    let decoded = lines(&output);
    let failed: Vec<i64> = decoded
        .iter()
        .filter(|l| l.get("error").is_some())
        .map(|l| l["offset"].as_i64().unwrap())
        .collect();
    assert_eq!(failed, [2, 3, 4]);
}

#[test]
fn inspect_names_ids_from_record_headers_and_guid_prefixes() {
    let event =
        std::fs::read_to_string(kafka_vectors::dir().join("protobuf_confluent_ids.event.json"))
            .unwrap();
    let guid = kafka_vectors::registered("orders-proto-value")["guid"].clone();
    let output = run(&["inspect"], &event);
    assert_eq!(output.status.code(), Some(0));
    let got = lines(&output);
    // In turn: the id in a record header, a GUID prefix, the classic id prefix.
    assert_eq!(got[0]["value"]["wireFormat"], "confluent");
    assert_eq!(got[0]["value"]["from"], "header");
    assert_eq!(got[0]["value"]["schemaId"], guid);
    assert_eq!(got[0]["value"]["messageIndexes"], json!([0]));
    assert_eq!(got[1]["value"]["from"], "payload");
    assert_eq!(got[1]["value"]["schemaId"], guid);
    assert_eq!(
        got[1]["value"]["preview"].as_str().unwrap()[..2],
        *"01",
        "the GUID prefix is shown as received"
    );
    assert_eq!(got[2]["value"]["from"], "payload");
    assert_eq!(
        got[2]["value"]["schemaId"],
        kafka_vectors::registered("orders-proto-value")["id"].to_string()
    );
}

#[test]
fn inspect_rejects_what_is_not_an_event() {
    let output = run(&["inspect"], "[]");
    assert_eq!(output.status.code(), Some(64));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .starts_with("lambda-kafka: standard input: not a Lambda Kafka event")
    );
}
