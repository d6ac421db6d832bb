//! Lambda's Kafka filter patterns: parsed once, checked against each record's `value`.
//!
//! The syntax is EventBridge's, with the operators Lambda's guide lists for event
//! filtering: literal values (strings, numbers, `true`, `false`, `null`, `""` for empty),
//! `prefix`, `suffix`, `equals-ignore-case`, `anything-but` (a value or a list),
//! `numeric` (`=`, `<`, `<=`, `>`, `>=`, and ranges of two), `exists` (on leaves) and
//! `$or`. Fields of one object are ANDed; the values of a field's list are ORed. A literal
//! number equals only the same text: `300`, `300.0` and `3.0e2` differ, as Lambda says;
//! `numeric` compares numbers by value. The value is matched as UTF-8 text: a JSON object
//! against a JSON pattern (`{"value": {"field": [...]}}`), any other text against a
//! string pattern (`{"value": [...]}`). Where the value's shape is not the pattern's (or
//! the value is not UTF-8, or there is none), Lambda applies "metadata filters only": a
//! Kafka pattern has no other part, so such a record passes.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::value::RawValue;

/// The longest pattern Lambda takes, in characters.
pub(crate) const MAX_PATTERN: usize = 4096;
/// The most filters one mapping may have (5 by default, 10 with a quota increase).
pub(crate) const MAX_FILTERS: usize = 10;

/// Why a pattern was refused: what, and where in it (a JSON pointer, or the line and
/// column of a syntax error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PatternError {
    pub(crate) at: String,
    pub(crate) message: String,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at {}: {}", self.at, self.message)
    }
}

fn refuse(at: &str, message: impl Into<String>) -> PatternError {
    PatternError {
        at: if at.is_empty() {
            "/".to_owned()
        } else {
            at.to_owned()
        },
        message: message.into(),
    }
}

/// A JSON value as the filters see it: numbers keep their text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Number(String),
    Text(String),
    List(Vec<Json>),
    Object(BTreeMap<String, Json>),
}

impl Json {
    fn parse(raw: &RawValue) -> Result<Self, serde_json::Error> {
        let text = raw.get().trim();
        Ok(match text.as_bytes().first() {
            Some(b'{') => {
                let fields: BTreeMap<String, &RawValue> = serde_json::from_str(text)?;
                Self::Object(
                    fields
                        .into_iter()
                        .map(|(k, v)| Ok((k, Self::parse(v)?)))
                        .collect::<Result<_, serde_json::Error>>()?,
                )
            }
            Some(b'[') => {
                let items: Vec<&RawValue> = serde_json::from_str(text)?;
                Self::List(
                    items
                        .into_iter()
                        .map(Self::parse)
                        .collect::<Result<_, _>>()?,
                )
            }
            Some(b'"') => Self::Text(serde_json::from_str(text)?),
            Some(b't' | b'f') => Self::Bool(serde_json::from_str(text)?),
            Some(b'n') => Self::Null,
            _ => Self::Number(text.to_owned()),
        })
    }

    pub(crate) fn from_text(text: &str) -> Result<Self, serde_json::Error> {
        let raw: &RawValue = serde_json::from_str(text)?;
        Self::parse(raw)
    }

    /// A scalar's kind and text, for equality: numbers by their text.
    pub(crate) fn scalar(&self) -> Option<Scalar> {
        match self {
            Self::Null => Some(Scalar::Null),
            Self::Bool(b) => Some(Scalar::Bool(*b)),
            Self::Number(n) => Some(Scalar::Number(n.clone())),
            Self::Text(s) => Some(Scalar::Text(s.clone())),
            Self::List(_) | Self::Object(_) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar {
    Null,
    Bool(bool),
    Number(String),
    Text(String),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Compare {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

/// One matcher of a field's list.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Leaf {
    Equals(Scalar),
    Prefix(String),
    Suffix(String),
    EqualsIgnoreCase(String),
    AnythingBut(Vec<Scalar>),
    Numeric(Vec<(Compare, f64)>),
    Exists(bool),
}

/// What a field of a JSON pattern asks.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Leaves(Vec<Leaf>),
    Object(Object),
}

/// A JSON pattern's object: every field must match, and one branch of each `$or`.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Object {
    pub(crate) fields: Vec<(String, Node)>,
    pub(crate) any_of: Vec<Vec<Object>>,
}

/// One filter's pattern.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Pattern {
    /// `{"value": {...}}`: for a value that is a JSON object.
    Json(Object),
    /// `{"value": [...]}`: for a value that is plain text.
    Text(Vec<Leaf>),
}

/// Whether a record passes a filter, and if not, the first field that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The pattern matched.
    Match,
    /// The pattern's value part did not apply (the value is not of the pattern's shape,
    /// not UTF-8, or absent): the record passes, and this says why.
    NotApplicable(&'static str),
    /// The pattern did not match: the path of the first field that failed.
    NoMatch(String),
}

impl Pattern {
    /// Parses one `FilterCriteria` pattern's JSON text.
    pub(crate) fn parse(text: &str) -> Result<Self, PatternError> {
        let length = text.chars().count();
        if length > MAX_PATTERN {
            return Err(refuse(
                "",
                format!("the pattern has {length} characters; Lambda takes at most {MAX_PATTERN}"),
            ));
        }
        let json = Json::from_text(text).map_err(|e| PatternError {
            at: format!("line {} column {}", e.line(), e.column()),
            message: format!("not JSON: {e}"),
        })?;
        let Json::Object(top) = json else {
            return Err(refuse(
                "",
                "a pattern is a JSON object, such as {\"value\": {...}}",
            ));
        };
        let mut value = None;
        for (key, node) in top {
            if key != "value" {
                return Err(refuse(
                    &format!("/{key}"),
                    "a Kafka filter matches the record's `value` only",
                ));
            }
            value = Some(node);
        }
        match value {
            Some(Json::Object(fields)) => Ok(Self::Json(object(&fields, "/value")?)),
            Some(Json::List(items)) => Ok(Self::Text(leaves(&items, "/value")?)),
            Some(_) => Err(refuse(
                "/value",
                "`value` takes an object (a JSON pattern) or a list (a string pattern)",
            )),
            None => Err(refuse("", "the pattern has no `value`")),
        }
    }
}

/// A JSON pattern's object at `at`.
fn object(fields: &BTreeMap<String, Json>, at: &str) -> Result<Object, PatternError> {
    let mut parsed = Object::default();
    for (key, node) in fields {
        let here = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
        if key == "$or" {
            let Json::List(branches) = node else {
                return Err(refuse(&here, "`$or` takes a list of patterns"));
            };
            if branches.len() < 2 {
                return Err(refuse(&here, "`$or` takes at least two patterns"));
            }
            let mut any = Vec::new();
            for (n, branch) in branches.iter().enumerate() {
                let Json::Object(inner) = branch else {
                    return Err(refuse(
                        &format!("{here}/{n}"),
                        "each `$or` branch is an object",
                    ));
                };
                any.push(object(inner, &format!("{here}/{n}"))?);
            }
            parsed.any_of.push(any);
            continue;
        }
        let node = match node {
            Json::Object(inner) => Node::Object(object(inner, &here)?),
            Json::List(items) => Node::Leaves(leaves(items, &here)?),
            _ => return Err(refuse(&here, "a field takes a list of values or an object")),
        };
        parsed.fields.push((key.clone(), node));
    }
    if parsed.fields.is_empty() && parsed.any_of.is_empty() {
        return Err(refuse(at, "an empty object matches nothing"));
    }
    Ok(parsed)
}

/// A field's list of matchers at `at`.
fn leaves(items: &[Json], at: &str) -> Result<Vec<Leaf>, PatternError> {
    if items.is_empty() {
        return Err(refuse(at, "an empty list matches nothing"));
    }
    items
        .iter()
        .enumerate()
        .map(|(n, item)| leaf(item, &format!("{at}/{n}")))
        .collect()
}

fn leaf(item: &Json, at: &str) -> Result<Leaf, PatternError> {
    let Json::Object(operator) = item else {
        return item
            .scalar()
            .map(Leaf::Equals)
            .ok_or_else(|| refuse(at, "a list holds values or operators, not lists"));
    };
    let mut entries = operator.iter();
    let (Some((name, operand)), None) = (entries.next(), entries.next()) else {
        return Err(refuse(
            at,
            "an operator is an object of one field, such as {\"prefix\": \"a\"}",
        ));
    };
    let here = format!("{at}/{name}");
    let text = |what: &str| match operand {
        Json::Text(s) => Ok(s.clone()),
        _ => Err(refuse(&here, format!("`{what}` takes a string"))),
    };
    match name.as_str() {
        "prefix" => text("prefix").map(Leaf::Prefix),
        "suffix" => text("suffix").map(Leaf::Suffix),
        "equals-ignore-case" => text("equals-ignore-case").map(Leaf::EqualsIgnoreCase),
        "exists" => match operand {
            Json::Bool(b) => Ok(Leaf::Exists(*b)),
            _ => Err(refuse(&here, "`exists` takes true or false")),
        },
        "anything-but" => anything_but(operand, &here),
        "numeric" => numeric(operand, &here),
        other => Err(refuse(
            &here,
            format!(
                "`{other}` is not an operator Lambda's Kafka filters take (prefix, suffix, \
                 equals-ignore-case, anything-but, numeric, exists)"
            ),
        )),
    }
}

fn anything_but(operand: &Json, at: &str) -> Result<Leaf, PatternError> {
    let values = match operand {
        Json::List(items) if !items.is_empty() => items.clone(),
        Json::List(_) => {
            return Err(refuse(
                at,
                "`anything-but` takes a value or a non-empty list",
            ));
        }
        Json::Object(_) => {
            return Err(refuse(
                at,
                "`anything-but` takes a value or a list (Lambda's filters do not list it with prefix or suffix)",
            ));
        }
        scalar => vec![scalar.clone()],
    };
    values
        .iter()
        .enumerate()
        .map(|(n, v)| match v {
            Json::Text(s) => Ok(Scalar::Text(s.clone())),
            Json::Number(text) => Ok(Scalar::Number(text.clone())),
            _ => Err(refuse(
                &format!("{at}/{n}"),
                "`anything-but` lists strings or numbers",
            )),
        })
        .collect::<Result<_, _>>()
        .map(Leaf::AnythingBut)
}

fn numeric(operand: &Json, at: &str) -> Result<Leaf, PatternError> {
    let Json::List(items) = operand else {
        return Err(refuse(
            at,
            "`numeric` takes a list such as [\">\", 0, \"<=\", 5]",
        ));
    };
    if items.is_empty() || items.len() % 2 != 0 || items.len() > 4 {
        return Err(refuse(
            at,
            "`numeric` takes one or two pairs of an operator and a number",
        ));
    }
    let mut conditions = Vec::new();
    for (n, pair) in items.chunks(2).enumerate() {
        let compare = match &pair[0] {
            Json::Text(op) => match op.as_str() {
                "=" => Compare::Eq,
                "<" => Compare::Lt,
                "<=" => Compare::Le,
                ">" => Compare::Gt,
                ">=" => Compare::Ge,
                other => {
                    return Err(refuse(
                        &format!("{at}/{}", 2 * n),
                        format!("`{other}` is not a comparison (=, <, <=, >, >=)"),
                    ));
                }
            },
            _ => {
                return Err(refuse(
                    &format!("{at}/{}", 2 * n),
                    "a comparison is a string such as \">\"",
                ));
            }
        };
        let number = match &pair[1] {
            Json::Number(text) => text.parse::<f64>().ok().filter(|f| f.is_finite()),
            _ => None,
        }
        .ok_or_else(|| {
            refuse(
                &format!("{at}/{}", 2 * n + 1),
                "a comparison takes a number",
            )
        })?;
        conditions.push((compare, number));
    }
    if conditions.len() == 2 {
        let lower = matches!(conditions[0].0, Compare::Gt | Compare::Ge);
        let upper = matches!(conditions[1].0, Compare::Lt | Compare::Le);
        if !lower || !upper {
            return Err(refuse(
                at,
                "a range is a lower bound (> or >=) then an upper bound (< or <=)",
            ));
        }
    }
    Ok(Leaf::Numeric(conditions))
}
