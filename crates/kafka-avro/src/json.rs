//! Avro values as JSON, the way the `lambda-kafka` CLI prints them.

use apache_avro::Schema;
use apache_avro::schema::{Name, ResolvedSchema};
use apache_avro::types::Value;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Number, Value as Json};

/// Maps a decoded value that follows `schema` to JSON:
///
/// | Avro | JSON |
/// |---|---|
/// | record, map | object |
/// | union | the branch's value, unwrapped |
/// | enum | the symbol |
/// | int, long | an exact integer |
/// | float, double | a number; `"NaN"`, `"Infinity"`, `"-Infinity"` |
/// | bytes, fixed | base64 text |
/// | decimal | its digits as text, `"-12.50"` |
/// | uuid | its text |
/// | date | days since the epoch |
/// | time-millis/micros, timestamp and local-timestamp millis/micros/nanos | the integer |
/// | duration | `{"months":..,"days":..,"millis":..}` |
pub(crate) fn to_json(value: &Value, schema: &Schema, names: &ResolvedSchema<'_>) -> Json {
    let schema = deref(schema, names);
    match value {
        Value::Null => Json::Null,
        Value::Boolean(b) => Json::Bool(*b),
        Value::Int(n) | Value::Date(n) | Value::TimeMillis(n) => Json::from(*n),
        Value::Long(n)
        | Value::TimeMicros(n)
        | Value::TimestampMillis(n)
        | Value::TimestampMicros(n)
        | Value::TimestampNanos(n)
        | Value::LocalTimestampMillis(n)
        | Value::LocalTimestampMicros(n)
        | Value::LocalTimestampNanos(n) => Json::from(*n),
        Value::Float(x) => float(f64::from(*x)),
        Value::Double(x) => float(*x),
        Value::Bytes(bytes) | Value::Fixed(_, bytes) => Json::String(STANDARD.encode(bytes)),
        Value::String(text) => Json::String(text.clone()),
        Value::Enum(_, symbol) => Json::String(symbol.clone()),
        Value::Uuid(uuid) => Json::String(uuid.hyphenated().to_string()),
        Value::Union(index, inner) => {
            let branch = match schema {
                Some(Schema::Union(union)) => usize::try_from(*index)
                    .ok()
                    .and_then(|i| union.variants().get(i)),
                _ => None,
            };
            child(inner, branch, names)
        }
        Value::Array(items) => {
            let item_schema = match schema {
                Some(Schema::Array(array)) => Some(&*array.items),
                _ => None,
            };
            Json::Array(
                items
                    .iter()
                    .map(|item| child(item, item_schema, names))
                    .collect(),
            )
        }
        Value::Map(entries) => {
            let value_schema = match schema {
                Some(Schema::Map(map)) => Some(&*map.types),
                _ => None,
            };
            let mut keys: Vec<&String> = entries.keys().collect();
            keys.sort(); // a HashMap has no order; give the output one
            Json::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), child(&entries[k], value_schema, names)))
                    .collect::<Map<_, _>>(),
            )
        }
        Value::Record(fields) => {
            let record = match schema {
                Some(Schema::Record(record)) => Some(record),
                _ => None,
            };
            Json::Object(
                fields
                    .iter()
                    .map(|(name, field)| {
                        let field_schema = record
                            .and_then(|r| r.lookup.get(name).and_then(|&i| r.fields.get(i)))
                            .map(|f| &f.schema);
                        (name.clone(), child(field, field_schema, names))
                    })
                    .collect::<Map<_, _>>(),
            )
        }
        Value::Decimal(decimal) => {
            let scale = match schema {
                Some(Schema::Decimal(d)) => d.scale,
                _ => 0,
            };
            let unscaled = Vec::<u8>::try_from(decimal).unwrap_or_default();
            Json::String(decimal_digits(&unscaled, scale))
        }
        Value::BigDecimal(big) => Json::String(big.to_string()),
        Value::Duration(duration) => serde_json::json!({
            "months": u32::from(duration.months()),
            "days": u32::from(duration.days()),
            "millis": u32::from(duration.millis()),
        }),
    }
}

fn child(value: &Value, schema: Option<&Schema>, names: &ResolvedSchema<'_>) -> Json {
    match schema {
        Some(schema) => to_json(value, schema, names),
        None => to_json(value, &Schema::Null, names),
    }
}

/// Follows a named reference to its definition.
fn deref<'a>(schema: &'a Schema, names: &'a ResolvedSchema<'_>) -> Option<&'a Schema> {
    match schema {
        Schema::Ref { name } => lookup(name, names),
        Schema::Null => None,
        other => Some(other),
    }
}

fn lookup<'a>(name: &Name, names: &'a ResolvedSchema<'_>) -> Option<&'a Schema> {
    let found = names.get_names().get(name).copied().or_else(|| {
        names
            .get_names()
            .iter()
            .find(|(known, _)| known.name() == name.name())
            .map(|(_, schema)| *schema)
    })?;
    match found {
        Schema::Ref { .. } => None,
        schema => Some(schema),
    }
}

/// A double as JSON; JSON has no NaN or infinities, so they are text.
pub(crate) fn float(x: f64) -> Json {
    match Number::from_f64(x) {
        Some(n) => Json::Number(n),
        None if x.is_nan() => Json::String("NaN".to_owned()),
        None if x > 0.0 => Json::String("Infinity".to_owned()),
        None => Json::String("-Infinity".to_owned()),
    }
}

/// The plain digits of a decimal: its unscaled value (big-endian two's complement) with the
/// point `scale` digits from the right.
fn decimal_digits(unscaled: &[u8], scale: usize) -> String {
    let negative = unscaled.first().is_some_and(|b| b & 0x80 != 0);
    let mut magnitude: Vec<u8> = if negative {
        // Two's complement: invert and add one.
        let mut m: Vec<u8> = unscaled.iter().map(|b| !b).collect();
        for byte in m.iter_mut().rev() {
            let (sum, carry) = byte.overflowing_add(1);
            *byte = sum;
            if !carry {
                break;
            }
        }
        m
    } else {
        unscaled.to_vec()
    };
    // Repeated division by ten of the big-endian magnitude.
    let mut digits = Vec::new();
    while magnitude.iter().any(|&b| b != 0) {
        let mut remainder = 0u32;
        for byte in &mut magnitude {
            let current = (remainder << 8) | u32::from(*byte);
            *byte = u8::try_from(current / 10).unwrap_or_default();
            remainder = current % 10;
        }
        digits.push(char::from(
            b'0' + u8::try_from(remainder).unwrap_or_default(),
        ));
    }
    while digits.len() <= scale {
        digits.push('0');
    }
    digits.reverse();
    let mut text: String = digits.iter().collect();
    if scale > 0 {
        text.insert(text.len() - scale, '.');
    }
    if negative {
        text.insert(0, '-');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::decimal_digits;

    #[test]
    fn decimals_in_plain_digits() {
        assert_eq!(decimal_digits(&[0x04, 0xe2], 2), "12.50");
        assert_eq!(decimal_digits(&[0xfb, 0x1e], 2), "-12.50");
        assert_eq!(decimal_digits(&[0x01], 3), "0.001");
        assert_eq!(decimal_digits(&[0xff], 0), "-1");
        assert_eq!(decimal_digits(&[], 2), "0.00");
        assert_eq!(decimal_digits(&[0x00], 0), "0");
        assert_eq!(decimal_digits(&[0x80], 0), "-128");
        let big = [0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
        assert_eq!(decimal_digits(&big, 4), "236118324143482260.6847");
    }
}
