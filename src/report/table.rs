//! Outcomes as text for people: per designation the path and why, each subcategory's points
//! out of its maximum, the total, and what is missing.

use std::fmt::Write;

use crate::eval::designation::DesignationResult;
use crate::ir::value::Value;
use crate::run::record::Outcome;

pub fn write_outcome(out: &mut String, outcome: &Outcome, origin: &str) {
    let title = match (&outcome.id, &outcome.display_name) {
        (Some((_, id)), Some(name)) => format!("{id}  {name}"),
        (Some((_, id)), None) => id.clone(),
        (None, Some(name)) => name.clone(),
        (None, None) => origin.to_string(),
    };
    let _ = writeln!(out, "{title}  ({origin})");
    for d in &outcome.designations {
        out.push('\n');
        designation(out, d);
    }
    if !outcome.output.is_empty() {
        out.push('\n');
        let width = outcome
            .output
            .iter()
            .map(|(k, _)| k.len())
            .max()
            .unwrap_or(0);
        for (name, value) in &outcome.output {
            field(out, 1, name, value, width);
        }
    }
    let _ = writeln!(out, "\n  {}", outcome.stamp.line());
}

fn designation(out: &mut String, d: &DesignationResult) {
    let verdict = if d.attained {
        "attained"
    } else {
        "not attained"
    };
    let needs = d
        .threshold
        .map(|t| format!(", needs {t}"))
        .unwrap_or_default();
    let max = d.max.map(|m| format!(" of {m}")).unwrap_or_default();
    let _ = writeln!(
        out,
        "  {}: {verdict} ({} points{max}{needs})",
        d.name, d.total
    );
    if let Some(path) = &d.path {
        match &d.path_reason {
            Some(reason) => {
                let _ = writeln!(out, "    path: {path}, as {reason}");
            }
            None => {
                let _ = writeln!(out, "    path: {path}");
            }
        }
    }
    let cat_width = d
        .subcategories
        .iter()
        .map(|s| s.category.chars().count())
        .max()
        .unwrap_or(0);
    let name_width = d
        .subcategories
        .iter()
        .map(|s| s.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(5);
    let mut last_category = "";
    for s in &d.subcategories {
        let category = if *s.category == *last_category {
            ""
        } else {
            &*s.category
        };
        last_category = &s.category;
        let _ = writeln!(
            out,
            "    {category:<cat_width$}  {:<name_width$}  {:>3} / {}",
            s.name,
            s.points.to_string(),
            s.max
        );
    }
    let _ = writeln!(
        out,
        "    {:<cat_width$}  {:<name_width$}  {:>3} / {}",
        "",
        "total",
        d.total.to_string(),
        d.max.map(|m| m.to_string()).unwrap_or_default()
    );
    for unmet in &d.unmet {
        let _ = writeln!(out, "    missing: {}", unmet.requirement);
        for detail in &unmet.details {
            let _ = writeln!(out, "      - {detail}");
        }
    }
}

fn field(out: &mut String, depth: usize, name: &str, value: &Value, width: usize) {
    let indent = "  ".repeat(depth);
    match value {
        Value::List(items)
            if items.iter().all(|i| matches!(i, Value::Record(_))) && !items.is_empty() =>
        {
            let _ = writeln!(out, "{indent}{name}:");
            for item in items.iter() {
                let Value::Record(r) = item else { continue };
                let heading = r
                    .layout
                    .fields
                    .iter()
                    .position(|f| f == "name")
                    .map(|i| r.fields[i].to_string());
                let _ = writeln!(out, "{indent}  - {}", heading.unwrap_or_default());
                let inner = r.layout.fields.iter().map(|f| f.len()).max().unwrap_or(0);
                for (f, v) in r.layout.fields.iter().zip(&r.fields) {
                    if f != "name" {
                        field(out, depth + 2, f, v, inner);
                    }
                }
            }
        }
        Value::Record(r) => {
            let inline: Vec<String> = r
                .layout
                .fields
                .iter()
                .zip(&r.fields)
                .map(|(f, v)| format!("{f} {v}"))
                .collect();
            let _ = writeln!(out, "{indent}{name:<width$}  {}", inline.join(", "));
        }
        Value::Map(m) => {
            let inline: Vec<String> = m.entries.iter().map(|(k, v)| format!("{k} {v}")).collect();
            let _ = writeln!(out, "{indent}{name:<width$}  {}", inline.join(", "));
        }
        other => {
            let _ = writeln!(out, "{indent}{name:<width$}  {other}");
        }
    }
}
