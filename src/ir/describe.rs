//! Shape types in words, for messages: what a field holds and what the data must hold.

use super::{RecordShape, ShapeType};

/// `one of "a", "b"`.
fn one_of(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
    format!("one of {}", quoted.join(", "))
}

/// A shape type in words, for messages.
pub fn describe_shape(records: &[RecordShape], t: &ShapeType) -> String {
    match t {
        ShapeType::Text => "text".into(),
        ShapeType::Number { whole: true } => "whole numbers".into(),
        ShapeType::Number { whole: false } => "numbers".into(),
        ShapeType::Bool => "true or false".into(),
        ShapeType::Date => "dates".into(),
        ShapeType::Month => "months".into(),
        ShapeType::Choice(values) => one_of(values),
        ShapeType::Axis { name, .. } => name.clone(),
        ShapeType::List(inner) => format!("a list of {}", describe_shape(records, inner)),
        ShapeType::Map(k, v) => format!(
            "a map of {} to {}",
            describe_shape(records, k),
            describe_shape(records, v)
        ),
        ShapeType::Record(id) => format!("{} records", records[id.0 as usize].name),
    }
}

/// What the data must hold for a shape type, for "expected ..." messages.
pub fn describe_expected(records: &[RecordShape], t: &ShapeType) -> String {
    match t {
        ShapeType::Text => "a text".into(),
        ShapeType::Number { whole: true } => "a whole number".into(),
        ShapeType::Number { whole: false } => "a number".into(),
        ShapeType::Bool => "true or false".into(),
        ShapeType::Date => "a date (YYYY-MM-DD)".into(),
        ShapeType::Month => "a month (YYYY-MM)".into(),
        ShapeType::Choice(values) => one_of(values),
        ShapeType::Axis { name, .. } => format!("{} {name}", article(name)),
        ShapeType::List(inner) => format!("a list of {}", describe_shape(records, inner)),
        ShapeType::Map(..) => "an object (a map)".into(),
        ShapeType::Record(id) => {
            let name = &records[id.0 as usize].name;
            format!("an object ({} {name} record)", article(name))
        }
    }
}

/// "a" or "an" before a name the rules chose, by its first letter.
fn article(name: &str) -> &'static str {
    match name.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}
