//! Checking a record's value against the parsed patterns: a JSON object field by field,
//! plain text against a string pattern; and the filters of a mapping, ORed.

use std::collections::BTreeMap;

use super::pattern::{Compare, Json, Leaf, MAX_FILTERS, Node, Object, Pattern, Verdict};

impl Pattern {
    /// Checks a record's value bytes (`None`: the record has no value).
    pub(crate) fn check(&self, value: Option<&[u8]>) -> Verdict {
        let Some(bytes) = value else {
            return Verdict::NotApplicable("the record has no value");
        };
        let Ok(text) = std::str::from_utf8(bytes) else {
            return Verdict::NotApplicable("the value is not UTF-8");
        };
        let as_object = match Json::from_text(text) {
            Ok(Json::Object(fields)) => Some(fields),
            _ => None,
        };
        match (self, as_object) {
            (Self::Json(pattern), Some(fields)) => match pattern.check(&fields, "/value") {
                None => Verdict::Match,
                Some(path) => Verdict::NoMatch(path),
            },
            (Self::Json(_), None) => Verdict::NotApplicable(
                "the value is not a JSON object; the JSON pattern does not apply",
            ),
            (Self::Text(_), Some(_)) => Verdict::NotApplicable(
                "the value is a JSON object; the string pattern does not apply",
            ),
            (Self::Text(leaves), None) => {
                if leaves
                    .iter()
                    .any(|leaf| leaf.check(Some(&Json::Text(text.to_owned()))))
                {
                    Verdict::Match
                } else {
                    Verdict::NoMatch("/value".to_owned())
                }
            }
        }
    }
}

impl Object {
    /// `None` when `fields` match; else the path of the first field that did not.
    fn check(&self, fields: &BTreeMap<String, Json>, at: &str) -> Option<String> {
        for (key, node) in &self.fields {
            let here = format!("{at}/{key}");
            if !node.check(fields.get(key), &here) {
                return Some(here);
            }
        }
        for branches in &self.any_of {
            if !branches.iter().any(|b| b.check(fields, at).is_none()) {
                return Some(format!("{at}/$or"));
            }
        }
        None
    }
}

impl Node {
    fn check(&self, value: Option<&Json>, at: &str) -> bool {
        match (self, value) {
            (Self::Leaves(leaves), Some(Json::List(items))) => items
                .iter()
                .any(|item| leaves.iter().any(|l| l.check(Some(item)))),
            (Self::Leaves(leaves), value) => leaves.iter().any(|l| l.check(value)),
            (Self::Object(object), Some(Json::Object(fields))) => {
                object.check(fields, at).is_none()
            }
            (Self::Object(object), Some(Json::List(items))) => {
                items.iter().any(|item| match item {
                    Json::Object(fields) => object.check(fields, at).is_none(),
                    _ => false,
                })
            }
            (Self::Object(object), None) => object.matches_absent(),
            (Self::Object(_), Some(_)) => false,
        }
    }
}

impl Object {
    /// Whether the object matches where the event has nothing: every field asks for
    /// absence.
    fn matches_absent(&self) -> bool {
        self.any_of.is_empty()
            && self.fields.iter().all(|(_, node)| match node {
                Node::Leaves(leaves) => leaves.contains(&Leaf::Exists(false)),
                Node::Object(object) => object.matches_absent(),
            })
    }
}

impl Leaf {
    /// Whether the leaf matches `value` (`None`: the field is absent).
    fn check(&self, value: Option<&Json>) -> bool {
        let Some(value) = value else {
            return *self == Self::Exists(false);
        };
        match self {
            Self::Exists(present) => *present && !matches!(value, Json::Object(_)),
            Self::Equals(expected) => value.scalar().as_ref() == Some(expected),
            Self::Prefix(p) => matches!(value, Json::Text(s) if s.starts_with(p.as_str())),
            Self::Suffix(p) => matches!(value, Json::Text(s) if s.ends_with(p.as_str())),
            Self::EqualsIgnoreCase(p) => {
                matches!(value, Json::Text(s) if s.to_lowercase() == p.to_lowercase())
            }
            Self::AnythingBut(excluded) => value
                .scalar()
                .is_some_and(|scalar| !excluded.contains(&scalar)),
            Self::Numeric(conditions) => match value {
                Json::Number(text) => text.parse::<f64>().is_ok_and(|n| {
                    conditions.iter().all(|(compare, bound)| match compare {
                        Compare::Eq => n == *bound,
                        Compare::Lt => n < *bound,
                        Compare::Le => n <= *bound,
                        Compare::Gt => n > *bound,
                        Compare::Ge => n >= *bound,
                    })
                }),
                _ => false,
            },
        }
    }
}

/// A mapping's filters: a record passes when any matches (or there are none).
#[derive(Debug, Clone, Default)]
pub(crate) struct Filters(Vec<Pattern>);

impl Filters {
    /// Parses each pattern; the first refusal names the filter (1-based) and where.
    pub(crate) fn parse<S: AsRef<str>>(texts: &[S]) -> Result<Self, String> {
        if texts.len() > MAX_FILTERS {
            return Err(format!(
                "{} filters: a mapping takes at most {MAX_FILTERS} (5 unless its quota was raised)",
                texts.len()
            ));
        }
        texts
            .iter()
            .enumerate()
            .map(|(n, text)| {
                Pattern::parse(text.as_ref()).map_err(|e| format!("--filter {}: {e}", n + 1))
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }

    /// Whether there is no filter (every record passes).
    #[cfg(feature = "source")]
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether a record whose value is `value` passes, with the first filter's verdict
    /// when none matches (or the verdict that let it through).
    pub(crate) fn check(&self, value: Option<&[u8]>) -> (bool, Option<Verdict>) {
        let mut first_miss = None;
        for pattern in &self.0 {
            match pattern.check(value) {
                Verdict::Match => return (true, None),
                passed @ Verdict::NotApplicable(_) => return (true, Some(passed)),
                missed @ Verdict::NoMatch(_) => {
                    first_miss.get_or_insert(missed);
                }
            }
        }
        (first_miss.is_none(), first_miss)
    }
}
