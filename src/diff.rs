//! What a change to the rules does to real data: two programs evaluated over the same records,
//! and the differences summarized per designation (attained, path, points) and per output
//! number (messages, costs).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::ir::value::Value;
use crate::run::record::Outcome;

/// The outcome of one record under the old and the new rules (`None` when it failed there).
pub struct Pair {
    pub id: String,
    pub old: Option<Outcome>,
    pub new: Option<Outcome>,
}

#[derive(Debug, Default, Serialize)]
pub struct Diff {
    pub records: usize,
    /// Records evaluated by one version and not the other.
    pub failures: Vec<Failure>,
    pub designations: Vec<DesignationDiff>,
    pub outputs: Vec<OutputDiff>,
}

#[derive(Debug, Serialize)]
pub struct Failure {
    pub id: String,
    pub old_ok: bool,
    pub new_ok: bool,
}

#[derive(Debug, Default, Serialize)]
pub struct DesignationDiff {
    pub designation: String,
    pub attained_before: usize,
    pub attained_after: usize,
    pub gained: Vec<String>,
    pub lost: Vec<String>,
    pub path_changes: Vec<PathChange>,
    /// How many records changed their total by how much (unchanged ones under 0).
    pub total_changes: BTreeMap<String, usize>,
    /// The largest changes of the total, with the subcategory that changed most.
    pub largest: Vec<Change>,
}

#[derive(Debug, Serialize)]
pub struct PathChange {
    pub id: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Serialize)]
pub struct Change {
    pub id: String,
    pub before: Decimal,
    pub after: Decimal,
    pub change: Decimal,
    pub subcategory: Option<String>,
    pub subcategory_change: Option<Decimal>,
}

/// One number of the output (`messages_per_day`, `best_mix.usd`) across the records.
#[derive(Debug, Default, Serialize)]
pub struct OutputDiff {
    pub field: String,
    pub changed: usize,
    pub sum_before: Decimal,
    pub sum_after: Decimal,
    pub largest: Vec<Change>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.failures.is_empty()
            && self.designations.iter().all(|d| {
                d.gained.is_empty()
                    && d.lost.is_empty()
                    && d.path_changes.is_empty()
                    && d.largest.is_empty()
            })
            && self.outputs.iter().all(|o| o.changed == 0)
    }
}

const LARGEST: usize = 10;

pub fn compare(pairs: &[Pair]) -> Diff {
    let mut diff = Diff {
        records: pairs.len(),
        ..Diff::default()
    };
    let mut designations: BTreeMap<String, DesignationDiff> = BTreeMap::new();
    let mut outputs: BTreeMap<String, OutputDiff> = BTreeMap::new();
    for pair in pairs {
        let (Some(old), Some(new)) = (&pair.old, &pair.new) else {
            diff.failures.push(Failure {
                id: pair.id.clone(),
                old_ok: pair.old.is_some(),
                new_ok: pair.new.is_some(),
            });
            continue;
        };
        for after in &new.designations {
            let d = designations
                .entry(after.name.clone())
                .or_insert_with(|| DesignationDiff {
                    designation: after.name.clone(),
                    ..Default::default()
                });
            let before = old.designations.iter().find(|b| b.name == after.name);
            d.attained_after += usize::from(after.attained);
            let Some(before) = before else { continue };
            d.attained_before += usize::from(before.attained);
            match (before.attained, after.attained) {
                (false, true) => d.gained.push(pair.id.clone()),
                (true, false) => d.lost.push(pair.id.clone()),
                _ => {}
            }
            if before.path != after.path {
                d.path_changes.push(PathChange {
                    id: pair.id.clone(),
                    before: before.path.clone().unwrap_or_default(),
                    after: after.path.clone().unwrap_or_default(),
                });
            }
            let change = after.total - before.total;
            *d.total_changes.entry(signed(change)).or_default() += 1;
            if !change.is_zero() {
                let most = after
                    .subcategories
                    .iter()
                    .filter_map(|s| {
                        let b = before.subcategories.iter().find(|x| x.name == s.name)?;
                        Some((s.name.to_string(), s.points - b.points))
                    })
                    .max_by_key(|(_, c)| c.abs());
                d.largest.push(Change {
                    id: pair.id.clone(),
                    before: before.total,
                    after: after.total,
                    change,
                    subcategory: most.as_ref().map(|(n, _)| n.clone()),
                    subcategory_change: most.map(|(_, c)| c),
                });
            }
        }
        let (mut before_numbers, mut after_numbers) = (Vec::new(), Vec::new());
        for (name, value) in &old.output {
            numbers(name, value, &mut before_numbers);
        }
        for (name, value) in &new.output {
            numbers(name, value, &mut after_numbers);
        }
        for (field, after) in after_numbers {
            let o = outputs.entry(field.clone()).or_insert_with(|| OutputDiff {
                field: field.clone(),
                ..Default::default()
            });
            let before = before_numbers
                .iter()
                .find(|(f, _)| *f == field)
                .map_or(Decimal::ZERO, |(_, b)| *b);
            o.sum_before += before;
            o.sum_after += after;
            if before != after {
                o.changed += 1;
                o.largest.push(Change {
                    id: pair.id.clone(),
                    before,
                    after,
                    change: after - before,
                    subcategory: None,
                    subcategory_change: None,
                });
            }
        }
    }
    for d in designations.values_mut() {
        d.largest.sort_by_key(|c| std::cmp::Reverse(c.change.abs()));
        d.largest.truncate(LARGEST);
    }
    for o in outputs.values_mut() {
        o.largest.sort_by_key(|c| std::cmp::Reverse(c.change.abs()));
        o.largest.truncate(LARGEST);
    }
    diff.designations = designations.into_values().collect();
    diff.outputs = outputs.into_values().collect();
    diff
}

/// `+4`, `-10`, `0`.
fn signed(n: Decimal) -> String {
    if n > Decimal::ZERO {
        format!("+{}", n.normalize())
    } else {
        n.normalize().to_string()
    }
}

/// The numbers in an output value, by path; texts that are amounts ("2160.00") count as numbers.
fn numbers(path: &str, value: &Value, out: &mut Vec<(String, Decimal)>) {
    match value {
        Value::Number(n) => out.push((path.to_string(), *n)),
        Value::Text(t) => {
            if let Ok(n) = Decimal::from_str_exact(t) {
                out.push((path.to_string(), n));
            }
        }
        Value::Record(r) => {
            for (name, v) in r.layout.fields.iter().zip(&r.fields) {
                numbers(&format!("{path}.{name}"), v, out);
            }
        }
        Value::List(items) => {
            for (i, item) in items.iter().enumerate() {
                let key = match item {
                    Value::Record(r) => r
                        .layout
                        .fields
                        .iter()
                        .position(|f| f == "name")
                        .map(|n| r.fields[n].to_string()),
                    _ => None,
                };
                numbers(
                    &format!("{path}[{}]", key.unwrap_or_else(|| i.to_string())),
                    item,
                    out,
                );
            }
        }
        Value::Map(m) => {
            for (k, v) in &m.entries {
                numbers(&format!("{path}.{k}"), v, out);
            }
        }
        _ => {}
    }
}

/// The diff for people.
pub fn text(diff: &Diff, old: &str, new: &str) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "tally diff: {old} -> {new}, over {} record{}",
        diff.records,
        if diff.records == 1 { "" } else { "s" }
    );
    if diff.is_empty() {
        out.push_str("\nno changes\n");
        return out;
    }
    for f in &diff.failures {
        let side = match (f.old_ok, f.new_ok) {
            (true, false) => "fails with the new rules only",
            (false, true) => "fails with the old rules only",
            _ => "fails with both",
        };
        let _ = writeln!(out, "\n{} {side}", f.id);
    }
    for d in &diff.designations {
        let changed = d.largest.len();
        if d.gained.is_empty() && d.lost.is_empty() && d.path_changes.is_empty() && changed == 0 {
            let _ = writeln!(out, "\n{}: no changes", d.designation);
            continue;
        }
        let _ = writeln!(out, "\n{}", d.designation);
        let _ = writeln!(
            out,
            "  attained: {} -> {}",
            d.attained_before, d.attained_after
        );
        if !d.gained.is_empty() {
            let _ = writeln!(out, "  gain it: {}", d.gained.join(", "));
        }
        if !d.lost.is_empty() {
            let _ = writeln!(out, "  lose it: {}", d.lost.join(", "));
        }
        for p in &d.path_changes {
            let _ = writeln!(out, "  path: {} {} -> {}", p.id, p.before, p.after);
        }
        let histogram: Vec<String> = d
            .total_changes
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        let _ = writeln!(out, "  change of total (records): {}", histogram.join(", "));
        if !d.largest.is_empty() {
            let _ = writeln!(out, "  largest changes:");
            for c in &d.largest {
                let why = match (&c.subcategory, c.subcategory_change) {
                    (Some(s), Some(n)) => format!("  ({s} {})", signed(n)),
                    _ => String::new(),
                };
                let _ = writeln!(
                    out,
                    "    {:<12} {} -> {} ({}){why}",
                    c.id,
                    c.before.normalize(),
                    c.after.normalize(),
                    signed(c.change)
                );
            }
        }
    }
    for o in diff.outputs.iter().filter(|o| o.changed > 0) {
        let _ = writeln!(
            out,
            "\n{}: {} record{} changed; total {} -> {} ({})",
            o.field,
            o.changed,
            if o.changed == 1 { "" } else { "s" },
            o.sum_before.normalize(),
            o.sum_after.normalize(),
            signed(o.sum_after - o.sum_before)
        );
        for c in &o.largest {
            let _ = writeln!(
                out,
                "    {:<12} {} -> {} ({})",
                c.id,
                c.before.normalize(),
                c.after.normalize(),
                signed(c.change)
            );
        }
    }
    out
}
