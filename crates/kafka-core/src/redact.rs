//! Removing what a serde message quotes from the input, so that no error carries payload
//! bytes.

/// Removes the input values a serde message quotes (`string "…"`, ``integer `…` ``,
/// ``unknown field `…` ``), keeping what the message says about the expected shape.
pub(crate) fn redact(message: &str) -> String {
    // serde's `Unexpected` and `unknown_*` messages are the only places a deserializer
    // repeats input; schema-side names (`missing field `x``, `expected one of `a``) stay.
    const TICKED: [&str; 5] = [
        "integer `",
        "floating point `",
        "character `",
        "unknown variant `",
        "unknown field `",
    ];
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    'scan: while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("string \"") {
            out.push_str("string");
            rest = skip_quoted(after);
            continue;
        }
        for prefix in TICKED {
            if let Some(after) = rest.strip_prefix(prefix) {
                out.push_str(&prefix[..prefix.len() - 2]);
                rest = after.split_once('`').map_or("", |(_, tail)| tail);
                continue 'scan;
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

/// Skips a Debug-escaped string body up to its closing quote.
fn skip_quoted(text: &str) -> &str {
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' => return &text[i + 1..],
            _ => {}
        }
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redaction_removes_quoted_input() {
        assert_eq!(
            redact(r#"invalid type: string "a \"b\" c", expected u64 at line 1 column 9"#),
            "invalid type: string, expected u64 at line 1 column 9"
        );
        assert_eq!(
            redact("invalid value: integer `-5`, expected u8"),
            "invalid value: integer, expected u8"
        );
        assert_eq!(
            redact("unknown field `card_number`, expected one of `id`, `name`"),
            "unknown field, expected one of `id`, `name`"
        );
        assert_eq!(
            redact("unknown variant `SECRET`, expected `A` or `B`"),
            "unknown variant, expected `A` or `B`"
        );
        assert_eq!(redact("missing field `id`"), "missing field `id`");
        assert_eq!(redact("string \"unterminated"), "string");
    }
}
