//! JSON values lent into borrowing types: they agree with the owned decoding on every
//! vector, borrow every string without an escape, and fail alone where a `&str` meets one.

use std::borrow::Cow;

use kafka_core::testing::{EventBuilder, RecordBuilder};
use kafka_core::{KafkaConsumer, KafkaEvent, RecordError};
use kafka_json::{Json, JsonValue};
use kafka_vectors::{Order, OrderRef};

/// Per record, in event order: the offset, and the order or the error's text.
type Outcome = Vec<(i64, Result<Order, String>)>;

fn owned(event: &KafkaEvent<'_>) -> Outcome {
    let consumer = KafkaConsumer::new().value(Json::<Order>::new());
    event
        .records()
        .map(|raw| {
            let decoded = consumer.decode_record(raw).map_err(|e| e.to_string());
            (raw.offset(), decoded.map(|r| r.value.expect("a value")))
        })
        .collect()
}

fn lent(event: &KafkaEvent<'_>) -> Outcome {
    let consumer = KafkaConsumer::new().value(Json::<Order>::new());
    let mut outcome = Vec::new();
    let failures = consumer.lend(event, |record| {
        let order = record.value::<OrderRef<'_>>();
        let failed = order.is_err();
        outcome.push((
            record.offset(),
            order
                .map(|o| o.expect("a value").to_order())
                .map_err(|e| e.to_string()),
        ));
        if failed { Err(()) } else { Ok(()) }
    });
    // Every failure is listed, and those that never reached the handler failed before
    // their codec (base64).
    assert!(failures.len() >= outcome.iter().filter(|(_, r)| r.is_err()).count());
    outcome
}

#[test]
fn lent_orders_agree_with_owned_ones_on_every_json_vector() {
    for name in ["json_plain", "json_confluent", "json_confluent_esm"] {
        let (input, _) = kafka_vectors::vector(name);
        let event = KafkaEvent::from_slice(&input).unwrap();
        let owned: Outcome = owned(&event)
            .into_iter()
            .filter(|(_, r)| !r.as_ref().is_err_and(|e| e.contains("base64")))
            .collect();
        assert!(owned.iter().any(|(_, r)| r.is_ok()), "{name}");
        assert_eq!(lent(&event), owned, "{name}");
    }
}

#[test]
fn strings_without_escapes_are_lent_and_escaped_ones_copied() {
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("t", 0, 1).value(br#"{"plain": "abc", "escaped": "a\"b"}"#))
        .record(
            RecordBuilder::new("t", 0, 2)
                .value("{\"plain\": \"K\u{f6}nig\", \"escaped\": \"\\u00f6\"}".as_bytes()),
        )
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    #[derive(serde::Deserialize)]
    struct Pair<'a> {
        #[serde(borrow)]
        plain: Cow<'a, str>,
        #[serde(borrow)]
        escaped: Cow<'a, str>,
    }
    let mut seen = Vec::new();
    let failures = KafkaConsumer::new().value(JsonValue::new()).lend(
        &event,
        |record| -> Result<(), RecordError> {
            let pair: Pair<'_> = record.value()?.expect("a value");
            let bytes = record.value_bytes().expect("a value").as_ptr_range();
            assert!(matches!(pair.plain, Cow::Borrowed(_)));
            assert!(
                bytes.contains(&pair.plain.as_ptr()),
                "lent from the payload"
            );
            assert!(matches!(pair.escaped, Cow::Owned(_)));
            seen.push((pair.plain.into_owned(), pair.escaped.into_owned()));
            Ok(())
        },
    );
    assert!(failures.is_empty());
    assert_eq!(
        seen,
        [("abc".into(), "a\"b".into()), ("König".into(), "ö".into())]
    );
}

#[test]
fn a_str_field_meeting_an_escape_fails_its_record_and_says_why() {
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("t", 0, 1).value(br#"{"name": "plain"}"#))
        .record(RecordBuilder::new("t", 0, 2).value(br#"{"name": "tab\there"}"#))
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    #[derive(serde::Deserialize)]
    struct Named<'a> {
        name: &'a str,
    }
    let mut errors = Vec::new();
    let failures = KafkaConsumer::new()
        .value(JsonValue::new())
        .lend(&event, |record| {
            record
                .value::<Named<'_>>()
                .map(|named| assert_eq!(named.map(|n| n.name), Some("plain")))
                .map_err(|e| errors.push(e.to_string()))
        });
    assert_eq!(failures.len(), 1);
    assert_eq!(
        errors,
        [
            "topic \"t\", partition 0, offset 2, value: cannot decode as JSON: invalid type: string, expected a borrowed string at line 1 column 20"
        ]
    );
    // The key side lends too, and a record without a key has none.
    let key = KafkaConsumer::new()
        .value(JsonValue::new())
        .lend(&event, |record| {
            assert_eq!(record.key::<&str>().unwrap(), None);
            assert_eq!(
                record.value_framing().map(|f| f.schema_id().is_none()),
                Some(true)
            );
            Ok::<(), ()>(())
        });
    assert!(key.is_empty());
}
