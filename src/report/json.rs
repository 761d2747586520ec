//! The data contract's JSON: one object per record, on one line.

use std::fmt::Write;

use rust_decimal::Decimal;

use crate::eval::designation::DesignationResult;
use crate::ir::value::Value;
use crate::run::record::Outcome;

/// Appends the outcome as one line of JSON (no newline).
pub fn write_outcome(out: &mut String, outcome: &Outcome) {
    out.push('{');
    let mut first = true;
    let mut key = |out: &mut String, name: &str| {
        if !first {
            out.push(',');
        }
        first = false;
        string(out, name);
        out.push(':');
    };
    if let Some((name, value)) = &outcome.id {
        key(out, name);
        string(out, value);
    }
    for (name, value) in &outcome.output {
        key(out, name);
        write_value(out, value);
    }
    if !outcome.designations.is_empty() || outcome.output.is_empty() {
        key(out, "results");
        out.push('[');
        for (i, d) in outcome.designations.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            designation(out, d);
        }
        out.push(']');
    }
    out.push_str(&outcome.stamp.json_members());
    out.push('}');
}

fn designation(out: &mut String, d: &DesignationResult) {
    out.push_str("{\"designation\":");
    string(out, &d.name);
    out.push_str(",\"path\":");
    match &d.path {
        Some(p) => string(out, p),
        None => out.push_str("null"),
    }
    out.push_str(",\"total\":");
    number(out, d.total);
    out.push_str(",\"threshold\":");
    optional_number(out, d.threshold);
    out.push_str(",\"max\":");
    optional_number(out, d.max);
    let _ = write!(out, ",\"attained\":{}", d.attained);
    out.push_str(",\"subcategories\":[");
    for (i, s) in d.subcategories.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"category\":");
        string(out, &s.category);
        out.push_str(",\"name\":");
        string(out, &s.name);
        out.push_str(",\"points\":");
        number(out, s.points);
        out.push_str(",\"max\":");
        number(out, s.max);
        if let Some(source) = &s.source {
            out.push_str(",\"source\":");
            string(out, source);
        }
        out.push('}');
    }
    out.push_str("],\"unmet\":[");
    for (i, u) in d.unmet.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"requirement\":");
        string(out, &u.requirement);
        if !u.details.is_empty() {
            out.push_str(",\"details\":[");
            for (j, detail) in u.details.iter().enumerate() {
                if j > 0 {
                    out.push(',');
                }
                string(out, detail);
            }
            out.push(']');
        }
        out.push('}');
    }
    out.push_str("]}");
}

fn optional_number(out: &mut String, n: Option<Decimal>) {
    match n {
        Some(n) => number(out, n),
        None => out.push_str("null"),
    }
}

/// A decimal that serializes as a JSON number, exactly (serde_json only; other serializers get
/// the text).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Num(pub Decimal);

impl serde::Serialize for Num {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut text = String::new();
        number(&mut text, self.0);
        match serde_json::value::RawValue::from_string(text) {
            Ok(raw) => raw.serialize(s),
            Err(_) => s.serialize_str(&self.0.to_string()),
        }
    }
}

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.normalize())
    }
}

/// A decimal as a JSON number, exactly: `45`, `812.57`.
pub fn number(out: &mut String, n: Decimal) {
    if n.fract().is_zero() {
        if let Ok(whole) = i64::try_from(n) {
            let mut buffer = itoa::Buffer::new();
            out.push_str(buffer.format(whole));
            return;
        }
    }
    let _ = write!(out, "{}", n.normalize());
}

pub fn string(out: &mut String, s: &str) {
    if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.reserve(s.len() + 2);
        out.push('"');
        out.push_str(s);
        out.push('"');
        return;
    }
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

pub fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => number(out, *n),
        Value::Text(t) => string(out, t),
        Value::Date(d) => string(out, &d.to_string()),
        Value::Month(m) => string(out, &m.to_string()),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Map(m) => {
            out.push('{');
            for (i, (k, v)) in m.entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                string(out, &k.to_string());
                out.push(':');
                write_value(out, v);
            }
            out.push('}');
        }
        Value::Record(r) => {
            out.push('{');
            for (i, (name, v)) in r.layout.fields.iter().zip(&r.fields).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                string(out, name);
                out.push(':');
                write_value(out, v);
            }
            out.push('}');
        }
        Value::Absent => out.push_str("null"),
    }
}
