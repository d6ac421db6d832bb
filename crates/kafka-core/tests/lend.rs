//! Records lent one at a time: keys and values decoded into types that borrow from the
//! consumer's buffers, failures listed as `process` lists them.

use std::borrow::Cow;

use kafka_core::testing::wire::confluent;
use kafka_core::testing::{EventBuilder, RecordBuilder};
use kafka_core::{
    Bytes, Codec, DecodeError, KafkaConsumer, KafkaEvent, Lend, Part, Payload, RecordError, Utf8,
    WireFormat,
};

fn sample() -> String {
    EventBuilder::msk()
        .record(
            RecordBuilder::new("orders", 0, 15)
                .key(b"k-15")
                .value(b"first")
                .header("source", b"api"),
        )
        .record(RecordBuilder::new("orders", 1, 3).key(b"k-3").tombstone())
        .record(
            RecordBuilder::new("orders", 0, 16)
                .null_key()
                .value(b"third"),
        )
        .to_json()
}

/// Text that borrows where it can (serde's `Cow` borrows only with `#[serde(borrow)]`).
#[derive(serde::Deserialize)]
struct Text<'a>(#[serde(borrow)] Cow<'a, str>);

#[test]
fn keys_and_values_are_lent_from_the_consumers_buffers() {
    let json = sample();
    let event = KafkaEvent::from_str(&json).unwrap();
    let consumer = KafkaConsumer::new();
    let mut seen = Vec::new();
    let failures = consumer.lend(&event, |record| -> Result<(), RecordError> {
        let key: Option<&str> = record.key()?;
        let value = record.value::<Text<'_>>()?.map(|Text(text)| text);
        assert!(value.as_ref().is_none_or(|v| matches!(v, Cow::Borrowed(_))));
        // The lent text is the bytes the record hands out, not a copy of them.
        if let (Some(value), Some(bytes)) = (&value, record.value_bytes()) {
            assert_eq!(value.as_ptr(), bytes.as_ptr());
        }
        seen.push((
            record.topic().to_owned(),
            record.partition(),
            record.offset(),
            key.map(str::to_owned),
            value.map(Cow::into_owned),
            record.headers().get_str("source").map(str::to_owned),
        ));
        Ok(())
    });
    assert!(failures.is_empty());
    let o = |s: &str| Some(s.to_owned());
    assert_eq!(
        seen,
        [
            ("orders".into(), 0, 15, o("k-15"), o("first"), o("api")),
            ("orders".into(), 0, 16, None, o("third"), None),
            ("orders".into(), 1, 3, o("k-3"), None, None),
        ]
    );
}

#[test]
fn a_lent_record_decodes_as_the_owned_one_does() {
    let json = sample();
    let event = KafkaEvent::from_str(&json).unwrap();
    let consumer = KafkaConsumer::new().value(Bytes);
    let owned: Vec<_> = consumer
        .records(&event)
        .map(|r| {
            let r = r.unwrap();
            (r.offset(), r.key, r.value)
        })
        .collect();
    let mut lent = Vec::new();
    consumer.lend(&event, |record| -> Result<(), RecordError> {
        let key: Option<String> = record.key()?;
        let value: Option<&[u8]> = record.value()?;
        lent.push((record.offset(), key, value.map(<[u8]>::to_vec)));
        Ok(())
    });
    assert_eq!(lent, owned);
}

#[test]
fn a_record_that_fails_to_decode_fails_alone_and_names_itself() {
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("orders", 0, 1).value(b"ok"))
        .record(RecordBuilder::new("orders", 0, 2).value(b"no\xffutf8"))
        .record(RecordBuilder::new("orders", 0, 3).raw_base64(Part::Value, "!!"))
        .record(RecordBuilder::new("orders", 0, 4).value(b"also ok"))
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    let consumer = KafkaConsumer::new();
    let mut handled = Vec::new();
    let mut errors = Vec::new();
    let failures = consumer.lend(&event, |record| -> Result<(), RecordError> {
        handled.push(record.offset());
        match record.value::<&str>() {
            Ok(_) => Ok(()),
            Err(error) => {
                errors.push(error.to_string());
                Err(error)
            }
        }
    });
    // The bad base64 never reaches the handler; the bad UTF-8 fails in it.
    assert_eq!(handled, [1, 2, 4]);
    let failed: Vec<i64> = failures
        .iter()
        .map(|f| f.item_identifier().offset())
        .collect();
    assert_eq!(failed, [2, 3]);
    assert_eq!(
        errors,
        [
            "topic \"orders\", partition 0, offset 2, value: cannot decode: invalid UTF-8: the byte at position 2 is not valid (7 bytes in all)"
        ]
    );
}

/// A codec whose values are the text after a one-byte tag, lent.
struct Tagged;

impl Codec for Tagged {
    type Output = String;

    fn decode(&self, payload: Payload<'_>) -> Result<String, DecodeError> {
        self.decode_as(payload)
    }
}

impl Lend for Tagged {
    fn decode_as<'p, T: serde::Deserialize<'p>>(
        &self,
        payload: Payload<'p>,
    ) -> Result<T, DecodeError> {
        let rest = payload
            .bytes
            .get(1..)
            .ok_or_else(|| DecodeError::new("no tag"))?;
        Utf8.decode_as(Payload::new(rest, payload.part))
    }
}

#[test]
fn a_codec_of_its_own_lends_and_framing_is_off_before_it() {
    let framed = confluent(7, b"#hello");
    let json = EventBuilder::msk()
        .record(RecordBuilder::new("t", 0, 1).value(&framed))
        .record(RecordBuilder::new("t", 0, 2).value(b""))
        .to_json();
    let event = KafkaEvent::from_str(&json).unwrap();
    let consumer = KafkaConsumer::new()
        .value(Tagged)
        .value_wire_format(WireFormat::Confluent);
    let mut values = Vec::new();
    let failures = consumer.lend(&event, |record| -> Result<(), RecordError> {
        assert_eq!(
            record
                .value_framing()
                .and_then(|f| f.schema_id())
                .map(|id| id.to_string()),
            Some("7".to_owned())
        );
        assert_eq!(record.value_bytes(), Some(&b"#hello"[..]));
        values.push(record.value::<&str>()?.map(str::to_owned));
        Ok(())
    });
    assert_eq!(values, [Some("hello".to_owned())]);
    // The empty value has no Confluent header: a wire error, before the handler.
    assert_eq!(failures.len(), 1);
}

#[test]
fn the_handlers_error_fails_its_record() {
    let json = sample();
    let event = KafkaEvent::from_str(&json).unwrap();
    let failures = KafkaConsumer::new().lend(&event, |record| {
        if record.offset() == 16 {
            Err("refused")
        } else {
            Ok(())
        }
    });
    assert_eq!(
        serde_json::to_string(&failures).unwrap(),
        r#"{"batchItemFailures":[{"itemIdentifier":{"partition":"orders-0","offset":16}}]}"#
    );
}

#[derive(Debug, PartialEq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
enum Region {
    Eu,
    Us,
}

#[test]
fn text_lends_to_newtypes_options_and_unit_variants() {
    let text = |bytes: &'static [u8]| Payload::new(bytes, Part::Key);
    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Name<'a>(&'a str);
    assert_eq!(
        Utf8.decode_as::<Name<'_>>(text(b"ann")).unwrap(),
        Name("ann")
    );
    assert_eq!(
        Utf8.decode_as::<Option<&str>>(text(b"ann")).unwrap(),
        Some("ann")
    );
    assert_eq!(Utf8.decode_as::<Region>(text(b"eu")).unwrap(), Region::Eu);
    let err = Utf8.decode_as::<Region>(text(b"mars")).unwrap_err();
    assert_eq!(
        err.message(),
        "unknown variant, expected `eu` or `us`" // the payload stays out
    );
    assert_eq!(
        Bytes.decode_as::<&[u8]>(text(b"\x00\xff")).unwrap(),
        b"\x00\xff"
    );
}
