//! apache-avro's error messages without the values they quote.
//!
//! Many of its messages print a decoded value with `{:?}` (`got: String("…")`,
//! `Long(4111…)`), and some a whole schema. Error messages must never carry payload data:
//! the contents of every Avro value variant are left out, keeping the variant's name,
//! which is what tells a reader what went wrong; quoted names from the schema stay.

/// The variant names of `apache_avro::types::Value` (and of `Schema`, whose dumps are
/// only noise in a message).
const VARIANTS: &[&str] = &[
    "Null",
    "Boolean",
    "Int",
    "Long",
    "Float",
    "Double",
    "Bytes",
    "String",
    "Fixed",
    "Enum",
    "Union",
    "Array",
    "Map",
    "Record",
    "Date",
    "Decimal",
    "BigDecimal",
    "TimeMillis",
    "TimeMicros",
    "TimestampMillis",
    "TimestampMicros",
    "TimestampNanos",
    "LocalTimestampMillis",
    "LocalTimestampMicros",
    "LocalTimestampNanos",
    "Duration",
    "Uuid",
];

/// The longest message kept; past this, the rest is cut.
const MAX_LEN: usize = 400;

/// The error's message, redacted: the contents of value variants here, then what serde
/// messages quote (`invalid type: string "…"`) by kafka-core's rules.
pub(crate) fn decode_error(error: &apache_avro::Error) -> kafka_core::DecodeError {
    let text = error.to_string();
    // The "length" of a refused allocation is often data read with the wrong schema.
    if let Some(rest) = text.strip_prefix("Unable to allocate ")
        && let Some((_, bound)) = rest.split_once("(maximum allowed: ")
    {
        let bound: String = bound.chars().take_while(char::is_ascii_digit).collect();
        return kafka_core::DecodeError::new(format!(
            "a length read from the payload is above the allocation bound of {bound} bytes"
        ));
    }
    kafka_core::DecodeError::from_serde(&redact(&text))
}

fn redact(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len().min(MAX_LEN));
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        if let Some(quoted) = rest.strip_prefix('"') {
            // Quoted text outside a value is a name from the schema: keep it as it is.
            let len = 1 + closing_quote(quoted);
            out.push_str(&rest[..len]);
            i += len;
            continue;
        }
        let starts_word = i == 0 || !bytes[i - 1].is_ascii_alphanumeric() && bytes[i - 1] != b':';
        if starts_word
            && let Some(variant) = VARIANTS
                .iter()
                .filter(|v| rest.starts_with(**v) && rest[v.len()..].starts_with('('))
                .max_by_key(|v| v.len())
        {
            out.push_str(variant);
            out.push_str("(…)");
            i += variant.len() + balanced(&rest[variant.len()..]);
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    if out.len() > MAX_LEN {
        let mut cut = MAX_LEN;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push('…');
    }
    out
}

/// The length up to and including the closing quote of a Debug string body.
fn closing_quote(text: &str) -> usize {
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match (escaped, c) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, '"') => return i + 1,
            _ => {}
        }
    }
    text.len()
}

/// The length of a parenthesised group, nested brackets and quoted text included.
fn balanced(text: &str) -> usize {
    let mut depth = 0usize;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            '"' => {
                let skip = closing_quote(&text[i + 1..]);
                for _ in 0..text[i + 1..i + 1 + skip].chars().count() {
                    chars.next();
                }
            }
            _ => {}
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn values_are_left_out() {
        assert_eq!(
            redact(r#"Expected Value::Int, got: String("4111 1111")"#),
            "Expected Value::Int, got: String(…)"
        );
        assert_eq!(
            redact(
                r#"Value Record([("card", Long(4111111111111111)), ("name", String("a)\"b"))]) does not match"#
            ),
            "Value Record(…) does not match"
        );
        assert_eq!(
            redact("Expected Value::Long or Value::Int, got: Bytes([1, 2, 3])"),
            "Expected Value::Long or Value::Int, got: Bytes(…)"
        );
        assert_eq!(
            redact(r#"Missing field in record: "order_id""#),
            r#"Missing field in record: "order_id""#
        );
        assert_eq!(
            redact("Enum symbol index out of bounds: 5"),
            "Enum symbol index out of bounds: 5"
        );
        assert!(redact(&"x".repeat(1000)).chars().count() <= 401);
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_redacted_without_panicking(text in "\\PC*") {
            let _ = redact(&text);
        }

        #[test]
        fn quoted_and_nested_text_is_redacted_without_panicking(text in "[\"()\\[\\]{}a-zé \\\\]*") {
            let wrapped = format!("got: String({text}) and Int({text}");
            let _ = redact(&wrapped);
        }
    }
}
