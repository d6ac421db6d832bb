//! The filter patterns, case by case: each row a pattern, a value, and whether Lambda's
//! mapping delivers the record.

use super::check::Filters;
use super::pattern::{Pattern, Verdict};

/// (pattern, value, delivered).
const CASES: &[(&str, &str, bool)] = &[
    // Equals, by field; fields ANDed, values ORed.
    (
        r#"{"value":{"kind":["order"]}}"#,
        r#"{"kind":"order"}"#,
        true,
    ),
    (
        r#"{"value":{"kind":["order"]}}"#,
        r#"{"kind":"refund"}"#,
        false,
    ),
    (
        r#"{"value":{"kind":["order","refund"]}}"#,
        r#"{"kind":"refund"}"#,
        true,
    ),
    (
        r#"{"value":{"kind":["order"],"n":[1]}}"#,
        r#"{"kind":"order","n":2}"#,
        false,
    ),
    (r#"{"value":{"a":{"b":["x"]}}}"#, r#"{"a":{"b":"x"}}"#, true),
    (
        r#"{"value":{"a":{"b":["x"]}}}"#,
        r#"{"a":{"b":"y"}}"#,
        false,
    ),
    // A list in the value matches when any element does.
    (
        r#"{"value":{"tags":["red"]}}"#,
        r#"{"tags":["blue","red"]}"#,
        true,
    ),
    (
        r#"{"value":{"tags":["red"]}}"#,
        r#"{"tags":["blue"]}"#,
        false,
    ),
    // Numbers: the same text only; `numeric` by value.
    (r#"{"value":{"n":[300]}}"#, r#"{"n":300}"#, true),
    (r#"{"value":{"n":[300]}}"#, r#"{"n":300.0}"#, false),
    (r#"{"value":{"n":[300]}}"#, r#"{"n":3.0e2}"#, false),
    (
        r#"{"value":{"n":[{"numeric":["=",300]}]}}"#,
        r#"{"n":3.0e2}"#,
        true,
    ),
    (
        r#"{"value":{"n":[{"numeric":[">",0,"<=",5]}]}}"#,
        r#"{"n":5}"#,
        true,
    ),
    (
        r#"{"value":{"n":[{"numeric":[">",0,"<=",5]}]}}"#,
        r#"{"n":0}"#,
        false,
    ),
    (
        r#"{"value":{"n":[{"numeric":[">=",1.5]}]}}"#,
        r#"{"n":"2"}"#,
        false,
    ),
    // Null, empty, booleans.
    (r#"{"value":{"x":[null]}}"#, r#"{"x":null}"#, true),
    (r#"{"value":{"x":[null]}}"#, r#"{}"#, false),
    (r#"{"value":{"x":[""]}}"#, r#"{"x":""}"#, true),
    (r#"{"value":{"x":[true]}}"#, r#"{"x":true}"#, true),
    (r#"{"value":{"x":[true]}}"#, r#"{"x":"true"}"#, false),
    // prefix, suffix, equals-ignore-case.
    (
        r#"{"value":{"id":[{"prefix":"AB"}]}}"#,
        r#"{"id":"AB-1"}"#,
        true,
    ),
    (
        r#"{"value":{"id":[{"prefix":"AB"}]}}"#,
        r#"{"id":"ab-1"}"#,
        false,
    ),
    (
        r#"{"value":{"f":[{"suffix":".png"}]}}"#,
        r#"{"f":"a.png"}"#,
        true,
    ),
    (
        r#"{"value":{"c":[{"equals-ignore-case":"EU"}]}}"#,
        r#"{"c":"eu"}"#,
        true,
    ),
    // anything-but: a value or a list; the field must be there.
    (
        r#"{"value":{"s":[{"anything-but":"error"}]}}"#,
        r#"{"s":"ok"}"#,
        true,
    ),
    (
        r#"{"value":{"s":[{"anything-but":"error"}]}}"#,
        r#"{"s":"error"}"#,
        false,
    ),
    (
        r#"{"value":{"s":[{"anything-but":["a","b"]}]}}"#,
        r#"{"s":"b"}"#,
        false,
    ),
    (
        r#"{"value":{"s":[{"anything-but":["a","b"]}]}}"#,
        r#"{}"#,
        false,
    ),
    (
        r#"{"value":{"n":[{"anything-but":[1]}]}}"#,
        r#"{"n":1.0}"#,
        true,
    ),
    // exists, on leaves.
    (r#"{"value":{"x":[{"exists":true}]}}"#, r#"{"x":0}"#, true),
    (
        r#"{"value":{"x":[{"exists":true}]}}"#,
        r#"{"x":{"y":1}}"#,
        false,
    ),
    (r#"{"value":{"x":[{"exists":false}]}}"#, r#"{"y":1}"#, true),
    (r#"{"value":{"x":[{"exists":false}]}}"#, r#"{"x":1}"#, false),
    // $or.
    (
        r#"{"value":{"$or":[{"a":[1]},{"b":[2]}]}}"#,
        r#"{"b":2}"#,
        true,
    ),
    (
        r#"{"value":{"$or":[{"a":[1]},{"b":[2]}]}}"#,
        r#"{"a":2,"b":1}"#,
        false,
    ),
    // A string pattern on a plain-text value.
    (r#"{"value":[{"anything-but":["error"]}]}"#, "fine", true),
    (r#"{"value":[{"anything-but":["error"]}]}"#, "error", false),
    (r#"{"value":[{"prefix":"INFO"}]}"#, "INFO started", true),
    (r#"{"value":["exact"]}"#, "exact", true),
    // A shape mismatch: the pattern's value part does not apply; the record passes.
    (r#"{"value":{"kind":["order"]}}"#, "plain text", true),
    (r#"{"value":[{"prefix":"x"}]}"#, r#"{"kind":"order"}"#, true),
];

#[test]
fn every_case_delivers_as_lambda_would() {
    for (pattern, value, delivered) in CASES {
        let filters = Filters::parse(&[pattern]).unwrap_or_else(|e| panic!("{pattern}: {e}"));
        let (got, verdict) = filters.check(Some(value.as_bytes()));
        assert_eq!(got, *delivered, "{pattern} on {value}: {verdict:?}");
    }
}

#[test]
fn a_dropped_record_says_which_field_failed() {
    let pattern = Pattern::parse(r#"{"value":{"a":{"b":["x"]},"c":[1]}}"#).unwrap();
    assert_eq!(
        pattern.check(Some(br#"{"a":{"b":"y"},"c":1}"#)),
        Verdict::NoMatch("/value/a".to_owned())
    );
    assert_eq!(
        pattern.check(Some(br#"{"a":{"b":"x"},"c":2}"#)),
        Verdict::NoMatch("/value/c".to_owned())
    );
}

#[test]
fn values_that_are_not_utf8_or_absent_pass_with_a_note() {
    let filters = Filters::parse(&[r#"{"value":{"a":[1]}}"#]).unwrap();
    assert_eq!(
        filters.check(Some(&[0xff, 0xfe])),
        (true, Some(Verdict::NotApplicable("the value is not UTF-8")))
    );
    assert_eq!(
        filters.check(None),
        (
            true,
            Some(Verdict::NotApplicable("the record has no value"))
        )
    );
}

#[test]
fn filters_are_ored() {
    let filters = Filters::parse(&[r#"{"value":{"a":[1]}}"#, r#"{"value":{"b":[2]}}"#]).unwrap();
    assert!(filters.check(Some(br#"{"b":2}"#)).0);
    assert!(!filters.check(Some(br#"{"c":3}"#)).0);
    assert!(Filters::parse::<&str>(&[]).unwrap().check(Some(b"x")).0);
}

/// (pattern, the refusal's text).
const REFUSED: &[(&str, &str)] = &[
    (
        r#"{"value": {"a": [1]"#,
        "--filter 1: at line 1 column 19: not JSON: EOF while parsing an object at line 1 column 19",
    ),
    (
        r#"["value"]"#,
        r#"--filter 1: at /: a pattern is a JSON object, such as {"value": {...}}"#,
    ),
    (
        r#"{"key":{"a":[1]}}"#,
        "--filter 1: at /key: a Kafka filter matches the record's `value` only",
    ),
    (r#"{}"#, "--filter 1: at /: the pattern has no `value`"),
    (
        r#"{"value":"x"}"#,
        "--filter 1: at /value: `value` takes an object (a JSON pattern) or a list (a string pattern)",
    ),
    (
        r#"{"value":{"a":[]}}"#,
        "--filter 1: at /value/a: an empty list matches nothing",
    ),
    (
        r#"{"value":{"a":1}}"#,
        "--filter 1: at /value/a: a field takes a list of values or an object",
    ),
    (
        r#"{"value":{"a":[{"wildcard":"x*"}]}}"#,
        "--filter 1: at /value/a/0/wildcard: `wildcard` is not an operator Lambda's Kafka filters take (prefix, suffix, equals-ignore-case, anything-but, numeric, exists)",
    ),
    (
        r#"{"value":{"a":[{"prefix":1}]}}"#,
        "--filter 1: at /value/a/0/prefix: `prefix` takes a string",
    ),
    (
        r#"{"value":{"a":[{"exists":"yes"}]}}"#,
        "--filter 1: at /value/a/0/exists: `exists` takes true or false",
    ),
    (
        r#"{"value":{"a":[{"numeric":[">"]}]}}"#,
        "--filter 1: at /value/a/0/numeric: `numeric` takes one or two pairs of an operator and a number",
    ),
    (
        r#"{"value":{"a":[{"numeric":["!=",1]}]}}"#,
        "--filter 1: at /value/a/0/numeric/0: `!=` is not a comparison (=, <, <=, >, >=)",
    ),
    (
        r#"{"value":{"a":[{"numeric":["<",1,">",0]}]}}"#,
        "--filter 1: at /value/a/0/numeric: a range is a lower bound (> or >=) then an upper bound (< or <=)",
    ),
    (
        r#"{"value":{"a":[{"numeric":[">","1"]}]}}"#,
        "--filter 1: at /value/a/0/numeric/1: a comparison takes a number",
    ),
    (
        r#"{"value":{"a":[{"anything-but":{"prefix":"x"}}]}}"#,
        "--filter 1: at /value/a/0/anything-but: `anything-but` takes a value or a list (Lambda's filters do not list it with prefix or suffix)",
    ),
    (
        r#"{"value":{"a":[{"prefix":"a","suffix":"b"}]}}"#,
        r#"--filter 1: at /value/a/0: an operator is an object of one field, such as {"prefix": "a"}"#,
    ),
    (
        r#"{"value":{"$or":[{"a":[1]}]}}"#,
        "--filter 1: at /value/$or: `$or` takes at least two patterns",
    ),
    (
        r#"{"value":{}}"#,
        "--filter 1: at /value: an empty object matches nothing",
    ),
];

#[test]
fn every_refused_pattern_says_where() {
    for (pattern, message) in REFUSED {
        assert_eq!(
            Filters::parse(&[pattern]).unwrap_err(),
            *message,
            "{pattern}"
        );
    }
    let second = Filters::parse(&[r#"{"value":{"a":[1]}}"#, r#"{"value":{"b":[]}}"#]).unwrap_err();
    assert_eq!(
        second,
        "--filter 2: at /value/b: an empty list matches nothing"
    );
    let long = format!(r#"{{"value":{{"a":["{}"]}}}}"#, "x".repeat(4096));
    assert_eq!(
        Filters::parse(&[&long]).unwrap_err(),
        format!(
            "--filter 1: at /: the pattern has {} characters; Lambda takes at most 4096",
            long.chars().count()
        )
    );
    let many = vec![r#"{"value":{"a":[1]}}"#; 11];
    assert_eq!(
        Filters::parse(&many).unwrap_err(),
        "11 filters: a mapping takes at most 10 (5 unless its quota was raised)"
    );
}
