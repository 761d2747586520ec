//! Checks that need the whole record once it is read.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::Step;
use super::read::Reading;
use crate::ir::evaluation_date;
use crate::ir::in_force;
use crate::ir::types::RecordId;
use crate::ir::value::{RecordValue, Value};
use crate::ir::{GlobalDef, KindId, ShapeType};

/// Checks that need the whole record: references between lists (`refers to`), and keys that
/// must be labels of the table in force on the record's date.
pub(super) fn cross_check(
    cx: &mut Reading<'_>,
    kind: KindId,
    record: &RecordValue,
    as_of: NaiveDate,
) {
    let program = cx.program;
    let input = program.kind(kind);
    let date = evaluation_date(program, kind, record, as_of);
    let mut walker = Walker {
        cx,
        root: record,
        date,
        keys: Vec::new(),
    };
    walker.record(input.record, record);
}

struct Walker<'c, 'p, 'r> {
    cx: &'c mut Reading<'p>,
    root: &'r RecordValue,
    date: NaiveDate,
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
                            self.date
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
