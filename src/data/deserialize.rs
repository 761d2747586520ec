//! The values of a record in a single pass driven by the declared shape (a serde
//! `DeserializeSeed`): types and constraints are checked, numbers are read exactly as
//! decimals, and every problem is recorded with its field path instead of stopping at the first.

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::Step;
use super::number::{Limits, number};
use super::read::Reading;
use crate::diagnostic::did_you_mean;
use crate::ir::types::RecordId;
use crate::ir::value::{MapValue, Month, RecordValue, Value, strictly_sorted};
use crate::ir::{FieldShape, RecordShape, ShapeType};

pub(super) struct RecordSeed<'c, 'p> {
    pub cx: &'c mut Reading<'p>,
    pub record: RecordId,
}

impl<'de> DeserializeSeed<'de> for RecordSeed<'_, '_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        let ty = ShapeType::Record(self.record);
        d.deserialize_any(ValueVisitor {
            cx: self.cx,
            ty: &ty,
            limits: Limits::default(),
            default: None,
            field: None,
        })
    }
}

struct ValueSeed<'c, 'p, 't> {
    cx: &'c mut Reading<'p>,
    ty: &'t ShapeType,
    limits: Limits,
    /// For a map: what a missing key reads as.
    default: Option<&'t Value>,
    /// The field being read, for help texts.
    field: Option<&'t str>,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_, '_, '_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        match self.ty {
            ShapeType::Number { whole } => {
                let raw = <&'de RawValue as serde::Deserialize<'de>>::deserialize(d)?;
                Ok(read_number(self.cx, raw.get(), *whole, self.limits))
            }
            _ => d.deserialize_any(ValueVisitor {
                cx: self.cx,
                ty: self.ty,
                limits: self.limits,
                default: self.default,
                field: self.field,
            }),
        }
    }
}

/// A number exactly as written in the JSON text.
fn read_number(cx: &mut Reading<'_>, text: &str, whole: bool, limits: Limits) -> Value {
    let first = text.as_bytes().first().copied().unwrap_or(b' ');
    if !(first == b'-' || first.is_ascii_digit()) {
        cx.error(
            format!("expected a number, found {}", json_kind(text)),
            Some("write the number without quotes, for example 812.57".into()),
        );
        return Value::Absent;
    }
    match number(text, whole, limits) {
        Ok(n) => Value::Number(n),
        Err(problem) => {
            cx.error(problem.message, Some(problem.help));
            Value::Absent
        }
    }
}

fn json_kind(raw: &str) -> String {
    match raw.as_bytes().first() {
        Some(b'"') => format!("a text ({raw})"),
        Some(b'{') => "an object".into(),
        Some(b'[') => "a list".into(),
        Some(b't' | b'f') => raw.to_string(),
        Some(b'n') => "null".into(),
        _ => raw.to_string(),
    }
}

struct ValueVisitor<'c, 'p, 't> {
    cx: &'c mut Reading<'p>,
    ty: &'t ShapeType,
    limits: Limits,
    default: Option<&'t Value>,
    field: Option<&'t str>,
}

impl ValueVisitor<'_, '_, '_> {
    fn mismatch(self, found: &str) -> Value {
        let want = crate::ir::describe::describe_expected(&self.cx.program.records, self.ty);
        let help = match self.field {
            Some(name) => format!("the rules declare `{name}` as {want}"),
            None => format!("the rules declare {want} here"),
        };
        self.cx
            .error(format!("expected {want}, found {found}"), Some(help));
        Value::Absent
    }
}

impl<'de> Visitor<'de> for ValueVisitor<'_, '_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value of the declared shape")
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        Ok(match self.ty {
            ShapeType::Bool => Value::Bool(b),
            _ => self.mismatch(if b { "true" } else { "false" }),
        })
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Value, E> {
        Ok(self.mismatch(&format!("the number {n}")))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Value, E> {
        Ok(self.mismatch(&format!("the number {n}")))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Value, E> {
        Ok(self.mismatch(&format!("the number {n}")))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(self.mismatch("null"))
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(self.mismatch("null"))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        Ok(match self.ty {
            ShapeType::Text | ShapeType::Axis { .. } => Value::text(s),
            ShapeType::Choice(values) => match values.iter().find(|v| v.as_str() == s) {
                Some(v) => Value::text(v),
                None => {
                    let quoted: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
                    let help = crate::diagnostic::suggest(s, values.iter().map(String::as_str))
                        .map(|v| format!("did you mean \"{v}\"?"))
                        .unwrap_or_else(|| format!("use one of {}", quoted.join(", ")));
                    self.cx.error(
                        format!("\"{s}\" is not one of {}", quoted.join(", ")),
                        Some(help),
                    );
                    Value::Absent
                }
            },
            ShapeType::Date => match parse_date(s) {
                Some(d) => Value::Date(d),
                None => {
                    self.cx.error(
                        format!("\"{s}\" is not a date"),
                        Some("dates are written YYYY-MM-DD, and the day must exist".into()),
                    );
                    Value::Absent
                }
            },
            ShapeType::Month => match Month::parse(s) {
                Some(m) => Value::Month(m),
                None => {
                    self.cx.error(
                        format!("\"{s}\" is not a month"),
                        Some("months are written YYYY-MM, from 01 to 12".into()),
                    );
                    Value::Absent
                }
            },
            _ => self.mismatch(&format!("a text (\"{s}\")")),
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let ShapeType::List(element) = self.ty else {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(self.mismatch("a list"));
        };
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(8));
        let mut i = 0;
        loop {
            let before = self.cx.errors.len();
            let item = seq.next_element_seed(ValueSeed {
                cx: self.cx,
                ty: element,
                limits: self.limits,
                default: None,
                field: None,
            })?;
            self.cx.prefix(before, || Step::Index(i));
            match item {
                Some(v) => items.push(v),
                None => break,
            }
            i += 1;
        }
        Ok(Value::list(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        match self.ty {
            ShapeType::Record(id) => read_record_fields(self.cx, *id, map),
            ShapeType::Map(key_ty, value_ty) => {
                let mut entries: Vec<(Value, Value)> = Vec::new();
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    let key = key.as_str();
                    let before = self.cx.errors.len();
                    let key_value = read_key(self.cx, key_ty, key);
                    let value = map.next_value_seed(ValueSeed {
                        cx: self.cx,
                        ty: value_ty,
                        limits: self.limits,
                        default: None,
                        field: None,
                    })?;
                    entries.push((key_value, value));
                    self.cx.prefix(before, || Step::Key(key.to_string()));
                }
                // Keys in order without repeats need no sort and no search for repeats.
                let in_order = strictly_sorted(&entries);
                let map = if in_order {
                    MapValue::sorted(entries, self.default.cloned())
                } else {
                    MapValue::new(entries, self.default.cloned())
                };
                for pair in map.entries.windows(2).filter(|_| !in_order) {
                    if pair[0].0 == pair[1].0 && !matches!(pair[0].0, Value::Absent) {
                        let key = pair[0].0.to_string();
                        self.cx.error_at_key(
                            format!("the key \"{key}\" appears twice"),
                            Some("each key appears once in a map".into()),
                        );
                        self.cx.prefix(self.cx.errors.len() - 1, || Step::Key(key));
                    }
                }
                Ok(Value::Map(Arc::new(map)))
            }
            _ => {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(self.mismatch("an object"))
            }
        }
    }
}

fn read_key(cx: &mut Reading<'_>, ty: &ShapeType, key: &str) -> Value {
    match ty {
        ShapeType::Month => Month::parse(key).map(Value::Month).unwrap_or_else(|| {
            cx.error_at_key(
                format!("\"{key}\" is not a month"),
                Some("months are written YYYY-MM, from 01 to 12".into()),
            );
            Value::Absent
        }),
        ShapeType::Date => parse_date(key).map(Value::Date).unwrap_or_else(|| {
            cx.error_at_key(
                format!("\"{key}\" is not a date"),
                Some("dates are written YYYY-MM-DD, and the day must exist".into()),
            );
            Value::Absent
        }),
        ShapeType::Choice(values) if !values.iter().any(|v| v == key) => {
            let quoted: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
            cx.error_at_key(
                format!("\"{key}\" is not one of {}", quoted.join(", ")),
                did_you_mean(key, values.iter().map(String::as_str)),
            );
            Value::Absent
        }
        _ => Value::text(key),
    }
}

/// A JSON object key, borrowed from the text when it has no escapes.
enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(s))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(s.to_string()))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(s))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// A field that may be left out: `null` means the same as leaving it out (`None`).
struct OmissibleSeed<'c, 'p, 't>(ValueSeed<'c, 'p, 't>);

impl<'de> DeserializeSeed<'de> for OmissibleSeed<'_, '_, '_> {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Value>, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for OmissibleSeed<'_, '_, '_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<Value>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<Value>, D::Error> {
        self.0.deserialize(d).map(Some)
    }
}

fn read_record_fields<'de, A: MapAccess<'de>>(
    cx: &mut Reading<'_>,
    id: RecordId,
    mut map: A,
) -> Result<Value, A::Error> {
    let program = cx.program;
    let shape: &RecordShape = program.record(id);
    // Per field: not given, given as `null` (`Some(None)`), or its value.
    let mut fields: Vec<Option<Option<Value>>> = vec![None; shape.fields.len()];
    while let Some(key) = map.next_key::<Key<'de>>()? {
        let key = key.as_str();
        let Some(index) = shape.field(key) else {
            let names: Vec<&str> = shape.fields.iter().map(|f| f.name.as_str()).collect();
            let help = match crate::diagnostic::suggest(key, names.iter().copied()) {
                Some(s) => {
                    format!("did you mean `{s}`? A misspelt field would otherwise be ignored")
                }
                None => format!(
                    "the fields of {} are: {}; if the export gained this field, declare it in the rules",
                    shape.name,
                    names.join(", ")
                ),
            };
            cx.key_error(key, format!("unknown field `{key}`"), Some(help));
            map.next_value::<IgnoredAny>()?;
            continue;
        };
        let field = &shape.fields[index];
        if fields[index].is_some() {
            cx.key_error(
                key,
                format!("the field `{key}` appears twice"),
                Some("give each field once".into()),
            );
            map.next_value::<IgnoredAny>()?;
            continue;
        }
        let before = cx.errors.len();
        let default = match field.ty {
            ShapeType::Map(..) => field.default.as_ref(),
            _ => None,
        };
        let seed = ValueSeed {
            cx,
            ty: &field.ty,
            limits: Limits::of(field),
            default,
            field: Some(&field.name),
        };
        let value = if omissible(field) {
            map.next_value_seed(OmissibleSeed(seed))?
        } else {
            Some(map.next_value_seed(seed)?)
        };
        if let (Some(key_field), Some(value)) = (field.unique_by, &value) {
            check_unique(cx, value, key_field);
        }
        cx.prefix(before, || Step::Field(field.name.clone()));
        fields[index] = Some(value);
    }
    let mut values = Vec::with_capacity(fields.len());
    for (field, value) in shape.fields.iter().zip(fields) {
        values.push(match value.flatten() {
            Some(v) => v,
            // Left out, or `null`.
            None => match (&field.default, field.optional, &field.ty) {
                (Some(d), _, ty) if !matches!(ty, ShapeType::Map(..)) => d.clone(),
                (_, true, ShapeType::List(_)) => Value::list(Vec::new()),
                (default, true, ShapeType::Map(..)) => {
                    Value::Map(Arc::new(MapValue::new(Vec::new(), default.clone())))
                }
                (_, true, _) => Value::Absent,
                // A dated field is missing only if the record's date needs it: checked once
                // the whole record is read.
                _ if field.period != crate::ir::Period::default() => Value::Absent,
                _ => {
                    cx.error(
                        format!("missing field `{}`", field.name),
                        Some(format!(
                            "{} requires `{}` ({})",
                            shape.name,
                            field.name,
                            crate::ir::describe::describe_expected(&program.records, &field.ty)
                        )),
                    );
                    Value::Absent
                }
            },
        });
    }
    Ok(Value::Record(Arc::new(RecordValue {
        layout: shape.layout.clone(),
        fields: values,
    })))
}

/// Whether a field may be left out: it is optional, or has a default. (A map's default is
/// what its missing keys read as, not a value for the whole field.)
fn omissible(field: &FieldShape) -> bool {
    field.optional || (field.default.is_some() && !matches!(field.ty, ShapeType::Map(..)))
}

fn check_unique(cx: &mut Reading<'_>, list: &Value, key_field: u32) {
    let Value::List(items) = list else { return };
    // Hashed, so that a partner with a million customers is checked in linear time.
    let mut seen: rustc_hash::FxHashMap<&Value, usize> = rustc_hash::FxHashMap::default();
    for (i, item) in items.iter().enumerate() {
        let Value::Record(r) = item else { continue };
        let key = &r.fields[key_field as usize];
        if matches!(key, Value::Absent) {
            continue;
        }
        if let Some(first) = seen.get(key) {
            let name = &r.layout.fields[key_field as usize];
            cx.error(
                format!("duplicate {name} \"{key}\" (also at [{first}])"),
                Some(format!("each element's `{name}` must be different")),
            );
            if let Some(error) = cx.errors.last_mut() {
                error.path = vec![Step::Index(i), Step::Field(name.clone())];
            }
        } else {
            seen.insert(key, i);
        }
    }
}

/// Dates as `YYYY-MM-DD`, with a day that exists.
fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| s[r].bytes().all(|c| c.is_ascii_digit());
    if !(digits(0..4) && digits(5..7) && digits(8..10)) {
        return None;
    }
    NaiveDate::from_ymd_opt(
        s[0..4].parse().ok()?,
        s[5..7].parse().ok()?,
        s[8..10].parse().ok()?,
    )
}
