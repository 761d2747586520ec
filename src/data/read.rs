//! Reading one JSON record in a single pass driven by the declared shape (a serde
//! `DeserializeSeed`): types and constraints are checked, numbers are read exactly as
//! decimals, and every problem is recorded with its field path instead of stopping at the first.

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::locate::{line_col, locate};
use super::number::{Limits, number};
use super::{FieldError, Step};
use crate::diagnostic::did_you_mean;
use crate::eval::in_force;
use crate::eval::value::{MapValue, Month, RecordValue, Value, strictly_sorted};
use crate::ir::{GlobalDef, KindId, Program, RecordShape, ShapeType};
use crate::types::RecordId;

/// Reads the JSON text of one record of `kind`. Returns the record, or every problem in it.
pub fn read_record(
    program: &Program,
    kind: KindId,
    text: &str,
) -> Result<Arc<RecordValue>, Vec<FieldError>> {
    let record = program.kind(kind).record;
    let mut cx = ReadCx {
        program,
        errors: Vec::new(),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let result = RecordSeed {
        cx: &mut cx,
        record,
    }
    .deserialize(&mut de)
    .and_then(|v| de.end().map(|_| v));
    let value = match result {
        Ok(value) => value,
        Err(e) => {
            // A syntax error stops the read: report it, with what was found before it.
            let mut errors = std::mem::take(&mut cx.errors);
            errors.push(json_error(&e));
            return Err(with_positions(text, errors));
        }
    };
    let Value::Record(record_value) = value else {
        return Err(with_positions(text, cx.errors));
    };
    cross_check(&mut cx, kind, &record_value);
    if cx.errors.is_empty() {
        Ok(record_value)
    } else {
        Err(with_positions(text, cx.errors))
    }
}

/// The identifier of a record whose text could not be read in full, for the error report.
pub fn identifier(program: &Program, kind: KindId, text: &str) -> Option<String> {
    let input = program.kind(kind);
    let name = &program.record(input.record).fields[input.identifier? as usize].name;
    let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text).ok()?;
    map.get(name).and_then(|v| v.as_str()).map(str::to_string)
}

/// Which input a JSON object is: the first top-level key that only one input declares decides
/// (records usually start with their identifier); otherwise the input declaring most keys.
pub fn detect_kind(program: &Program, text: &str) -> Result<KindId, FieldError> {
    if program.kinds.len() == 1 {
        return Ok(KindId(0));
    }
    let declares =
        |kind: &crate::ir::InputKind, key: &str| program.record(kind.record).field(key).is_some();
    let mut decided = None;
    let mut scores = vec![0usize; program.kinds.len()];
    let parsed = super::locate::top_level_keys(text, |key| {
        let owners: Vec<usize> = (0..program.kinds.len())
            .filter(|&i| declares(&program.kinds[i], key))
            .collect();
        for &i in &owners {
            scores[i] += 1;
        }
        if owners.len() == 1 {
            decided = Some(KindId(owners[0] as u32));
            return false;
        }
        true
    });
    if let Some(kind) = decided {
        return Ok(kind);
    }
    if parsed.is_none() {
        return Err(not_an_object(text));
    }
    let names: Vec<&str> = program.kinds.iter().map(|k| k.name.as_str()).collect();
    let best = scores.iter().copied().max().unwrap_or(0);
    match scores.iter().filter(|&&s| s == best).count() {
        1 if best > 0 => Ok(KindId(
            scores.iter().position(|&s| s == best).unwrap_or(0) as u32
        )),
        _ => Err(FieldError::new(
            Vec::new(),
            format!(
                "cannot tell which input this is: it matches none of {} better than the others",
                names.join(", ")
            ),
        )
        .help("check the top-level field names against the input declarations in the rules")),
    }
}

/// Why a text that should be one record is not a JSON object.
fn not_an_object(text: &str) -> FieldError {
    let error = match serde_json::from_str::<serde::de::IgnoredAny>(text) {
        Err(e) => json_error(&e),
        Ok(_) => {
            let found = match text.trim_start().as_bytes().first() {
                Some(b'[') => "a list",
                Some(b'"') => "a text",
                _ => "a single value",
            };
            FieldError::new(
                Vec::new(),
                format!("expected a JSON object (one record), found {found}"),
            )
            .help("each record is one JSON object; a batch is a JSON Lines file or a folder")
        }
    };
    with_positions(text, vec![error]).remove(0)
}

fn json_error(e: &serde_json::Error) -> FieldError {
    let text = e.to_string();
    let message = match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    let (message, help) = match e.classify() {
        serde_json::error::Category::Eof => (
            format!("the JSON ends too early ({message})"),
            "a `}` or `]` may be missing",
        ),
        serde_json::error::Category::Syntax => (
            format!("not valid JSON: {message}"),
            "check the JSON syntax near this place",
        ),
        _ if message.starts_with("invalid type") => {
            let found = match message
                .trim_start_matches("invalid type: ")
                .split(',')
                .next()
                .unwrap_or("")
            {
                "sequence" => "a list",
                "map" => "an object",
                other => other,
            };
            (
                format!("expected a JSON object (one record), found {found}"),
                "each record is one JSON object; a batch is a JSON Lines file or a folder",
            )
        }
        _ => (
            message,
            "each record is one JSON object with the fields the rules declare",
        ),
    };
    let mut error = FieldError::new(Vec::new(), message).help(help);
    if e.line() > 0 {
        error.position = Some((e.line(), e.column().max(1)));
    }
    error
}

fn with_positions(text: &str, mut errors: Vec<FieldError>) -> Vec<FieldError> {
    for error in &mut errors {
        match error.position {
            None => {
                if let Some(offset) = locate(text, &error.path, error.at_key) {
                    error.position = Some(line_col(text, offset));
                    error.offset = Some(offset);
                }
            }
            Some((line, column)) => error.offset = offset_of(text, line, column),
        }
    }
    errors
}

/// The byte offset of a 1-based line and column (as serde_json counts them).
fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    Some((start + column.saturating_sub(1)).min(text.len()))
}

/// What a read has found so far. Errors are recorded with a path relative to the value being
/// read; each enclosing field, index and key puts its step in front as the read unwinds, so
/// the path costs nothing while the data is good.
struct ReadCx<'p> {
    program: &'p Program,
    errors: Vec<FieldError>,
}

impl ReadCx<'_> {
    fn error(&mut self, message: impl Into<String>, help: Option<String>) {
        let mut error = FieldError::new(Vec::new(), message);
        error.help = help;
        self.errors.push(error);
    }

    /// An error about the map key or field name at the end of the path.
    fn error_at_key(&mut self, message: impl Into<String>, help: Option<String>) {
        self.error(message, help);
        if let Some(last) = self.errors.last_mut() {
            last.at_key = true;
        }
    }

    fn key_error(&mut self, key: &str, message: impl Into<String>, help: Option<String>) {
        let mut error = FieldError::new(vec![Step::Field(key.to_string())], message);
        error.help = help;
        error.at_key = true;
        self.errors.push(error);
    }

    /// Puts `step` in front of the path of every error recorded since `since`.
    fn prefix(&mut self, since: usize, step: impl FnOnce() -> Step) {
        if self.errors.len() > since {
            let step = step();
            for error in &mut self.errors[since..] {
                error.path.insert(0, step.clone());
            }
        }
    }
}

struct RecordSeed<'c, 'p> {
    cx: &'c mut ReadCx<'p>,
    record: RecordId,
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
    cx: &'c mut ReadCx<'p>,
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
fn read_number(cx: &mut ReadCx<'_>, text: &str, whole: bool, limits: Limits) -> Value {
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
    cx: &'c mut ReadCx<'p>,
    ty: &'t ShapeType,
    limits: Limits,
    default: Option<&'t Value>,
    field: Option<&'t str>,
}

impl ValueVisitor<'_, '_, '_> {
    fn mismatch(self, found: &str) -> Value {
        let want = crate::check::describe_expected(&self.cx.program.records, self.ty);
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

fn read_key(cx: &mut ReadCx<'_>, ty: &ShapeType, key: &str) -> Value {
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

/// An optional field: `null` means absent.
struct OptionalSeed<'c, 'p, 't>(ValueSeed<'c, 'p, 't>);

impl<'de> DeserializeSeed<'de> for OptionalSeed<'_, '_, '_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        let raw = <&'de RawValue as serde::Deserialize<'de>>::deserialize(d)?;
        if raw.get() == "null" {
            return Ok(Value::Absent);
        }
        let mut de = serde_json::Deserializer::from_str(raw.get());
        self.0.deserialize(&mut de).map_err(de::Error::custom)
    }
}

fn read_record_fields<'de, A: MapAccess<'de>>(
    cx: &mut ReadCx<'_>,
    id: RecordId,
    mut map: A,
) -> Result<Value, A::Error> {
    let program = cx.program;
    let shape: &RecordShape = program.record(id);
    let mut fields: Vec<Option<Value>> = vec![None; shape.fields.len()];
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
        let value = if field.optional {
            map.next_value_seed(OptionalSeed(seed))?
        } else {
            map.next_value_seed(seed)?
        };
        if let Some(key_field) = field.unique_by {
            check_unique(cx, &value, key_field);
        }
        cx.prefix(before, || Step::Field(field.name.clone()));
        fields[index] = Some(value);
    }
    let mut values = Vec::with_capacity(fields.len());
    for (field, value) in shape.fields.iter().zip(fields) {
        values.push(match value {
            Some(v) => v,
            None => match (&field.default, field.optional, &field.ty) {
                (Some(d), _, ty) if !matches!(ty, ShapeType::Map(..)) => d.clone(),
                (_, true, ShapeType::List(_)) => Value::list(Vec::new()),
                (default, true, ShapeType::Map(..)) => {
                    Value::Map(Arc::new(MapValue::new(Vec::new(), default.clone())))
                }
                (_, true, _) => Value::Absent,
                _ => {
                    cx.error(
                        format!("missing field `{}`", field.name),
                        Some(format!(
                            "{} requires `{}` ({})",
                            shape.name,
                            field.name,
                            crate::check::describe_expected(&program.records, &field.ty)
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

fn check_unique(cx: &mut ReadCx<'_>, list: &Value, key_field: u32) {
    let Value::List(items) = list else { return };
    let mut seen: Vec<(&Value, usize)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Value::Record(r) = item else { continue };
        let key = &r.fields[key_field as usize];
        if matches!(key, Value::Absent) {
            continue;
        }
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
            let name = &r.layout.fields[key_field as usize];
            cx.error(
                format!("duplicate {name} \"{key}\" (also at [{first}])"),
                Some(format!("each element's `{name}` must be different")),
            );
            if let Some(error) = cx.errors.last_mut() {
                error.path = vec![Step::Index(i), Step::Field(name.clone())];
            }
        } else {
            seen.push((key, i));
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

/// Checks that need the whole record: references between lists (`refers to`), and keys that
/// must be labels of the table in force on the record's date.
fn cross_check(cx: &mut ReadCx<'_>, kind: KindId, record: &RecordValue) {
    let program = cx.program;
    let input = program.kind(kind);
    let date = input
        .evaluation_date
        .and_then(|i| match &record.fields[i as usize] {
            Value::Date(d) => Some(*d),
            _ => None,
        });
    let mut walker = Walker {
        cx,
        root: record,
        date,
        keys: Vec::new(),
    };
    walker.record(input.record, record);
}

struct Walker<'c, 'p, 'r> {
    cx: &'c mut ReadCx<'p>,
    root: &'r RecordValue,
    date: Option<NaiveDate>,
    /// The key sets of `refers to` lists, built on first use.
    keys: Vec<((u32, u32), HashSet<&'r str>)>,
}

impl<'r> Walker<'_, '_, 'r> {
    fn record(&mut self, id: RecordId, value: &RecordValue) {
        let program = self.cx.program;
        for (field, v) in program.record(id).fields.iter().zip(&value.fields) {
            if !field.cross_check {
                continue;
            }
            let before = self.cx.errors.len();
            if let (Some(reference), Value::Text(t)) = (&field.refers_to, v) {
                // A list that could not be read is reported already; checking against it would
                // only add noise.
                let known = self.references(reference.list_field, reference.key_field);
                if known.is_some_and(|known| !known.contains(&**t)) {
                    let (list, key) = reference
                        .text
                        .split_once('.')
                        .unwrap_or((&reference.text, ""));
                    self.cx.error(
                        format!("\"{t}\" is not a {}", reference.text),
                        Some(format!("it must be the `{key}` of an element of `{list}`")),
                    );
                }
            }
            self.value(&field.ty, v);
            self.cx.prefix(before, || Step::Field(field.name.clone()));
        }
    }

    fn value(&mut self, ty: &ShapeType, v: &Value) {
        match (ty, v) {
            (ShapeType::Record(id), Value::Record(r)) => self.record(*id, r),
            (ShapeType::List(element), Value::List(items)) => {
                for (i, item) in items.iter().enumerate() {
                    let before = self.cx.errors.len();
                    self.value(element, item);
                    self.cx.prefix(before, || Step::Index(i));
                }
            }
            (ShapeType::Map(key_ty, value_ty), Value::Map(m)) => {
                for (k, item) in &m.entries {
                    let before = self.cx.errors.len();
                    self.value(key_ty, k);
                    for error in &mut self.cx.errors[before..] {
                        error.at_key = true;
                    }
                    self.value(value_ty, item);
                    self.cx.prefix(before, || Step::Key(k.to_string()));
                }
            }
            (ShapeType::Axis { table, rows, name }, Value::Text(label)) => {
                let GlobalDef::Table(variants) = &self.cx.program.global(*table).def else {
                    return;
                };
                let Some(variant) = in_force(variants, self.date) else {
                    let first = variants
                        .first()
                        .and_then(|v| v.from)
                        .map(|d| d.to_string())
                        .unwrap_or_default();
                    self.cx.error(
                        format!(
                            "no `{}` is in force on {}",
                            self.cx.program.global(*table).name,
                            self.date.map(|d| d.to_string()).unwrap_or_default()
                        ),
                        Some(format!("the first takes effect on {first}")),
                    );
                    return;
                };
                let labels = if *rows {
                    &variant.value.rows
                } else {
                    &variant.value.columns
                };
                if !labels.iter().any(|l| **l == **label) {
                    let known: Vec<&str> = labels.iter().map(|l| &**l).collect();
                    let mut help = format!("known {name}s: {}", known.join(", "));
                    if let Some(s) = crate::diagnostic::suggest(label, known.iter().copied()) {
                        help = format!("did you mean \"{s}\"? {help}");
                    }
                    self.cx
                        .error(format!("unknown {name} \"{label}\""), Some(help));
                }
            }
            _ => {}
        }
    }

    /// The keys of a list of the record, or `None` when the list could not be read.
    fn references(&mut self, list_field: u32, key_field: u32) -> Option<&HashSet<&'r str>> {
        let root = self.root;
        let Value::List(items) = &root.fields[list_field as usize] else {
            return None;
        };
        let position = match self
            .keys
            .iter()
            .position(|(k, _)| *k == (list_field, key_field))
        {
            Some(p) => p,
            None => {
                let mut set = HashSet::new();
                for item in items.iter() {
                    if let Value::Record(r) = item {
                        if let Value::Text(t) = &r.fields[key_field as usize] {
                            set.insert(&**t);
                        }
                    }
                }
                self.keys.push(((list_field, key_field), set));
                self.keys.len() - 1
            }
        };
        Some(&self.keys[position].1)
    }
}
