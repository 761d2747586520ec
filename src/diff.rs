//! What a change to the rules does to real data: two programs evaluated over the same records,
//! summarized per designation (attained, path, points) and per output number (messages,
//! costs). Records stream through a [`Summary`] that keeps counts, the first identifiers of
//! each group, a histogram and the largest changes, never every record: memory does not grow
//! with the number of records.

mod render;

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use std::fmt::Write;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::ir::Program;
use crate::ir::value::Value;
use crate::report::json::Num;
use crate::run::input::RawRecord;
use crate::run::record::{Outcome, RecordError, evaluate_text};

pub use render::{markdown, text};

/// The outcome of one record under the old and the new rules (`None` when it failed there).
pub struct Pair {
    pub id: String,
    pub old: Option<Outcome>,
    pub new: Option<Outcome>,
    /// Why it failed, when it did: under the new rules, or else under the old.
    pub why: Option<String>,
}

impl Pair {
    /// One record evaluated by both versions of the rules.
    pub fn evaluate(old: &Program, new: &Program, record: &RawRecord, as_of: NaiveDate) -> Pair {
        let old = evaluate_text(old, None, &record.text, false, as_of);
        let new = evaluate_text(new, None, &record.text, false, as_of);
        let why = new.as_ref().err().or(old.as_ref().err()).map(reason);
        let id = [&new, &old].into_iter().find_map(|r| match r {
            Ok(outcome) => outcome.id.as_ref().map(|(_, v)| v.clone()),
            Err(RecordError::Data { id, .. } | RecordError::Rule { id, .. }) => id.clone(),
        });
        let (old, new) = (old.ok(), new.ok());
        Pair {
            id: id.unwrap_or_else(|| record.origin.to_string()),
            old,
            new,
            why,
        }
    }
}

/// Why a record has no outcome, in a line: the rule's error (a budget run out names the rule),
/// or the first problem of its data and how many more there are.
fn reason(error: &RecordError) -> String {
    match error {
        RecordError::Rule { error, .. } => error.message.clone(),
        RecordError::Data { errors, .. } => {
            let Some(first) = errors.first() else {
                return "the data does not fit the input".into();
            };
            let path = crate::data::path_text(&first.path);
            let mut out = if path.is_empty() {
                first.message.clone()
            } else {
                format!("{path}: {}", first.message)
            };
            if errors.len() > 1 {
                let more = errors.len() - 1;
                let _ = write!(
                    out,
                    " (and {more} more problem{})",
                    if more == 1 { "" } else { "s" }
                );
            }
            out
        }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct Diff {
    pub records: usize,
    /// Records whose results or output numbers changed.
    pub changed: usize,
    /// How many identifiers each group lists at most (`--limit`).
    pub limit: usize,
    /// Records evaluated by one version and not the other, or by neither.
    pub failures: Failures,
    pub designations: Vec<DesignationDiff>,
    pub outputs: Vec<OutputDiff>,
}

#[derive(Debug, Default, Serialize)]
pub struct Failures {
    pub new_only: Group,
    pub old_only: Group,
    pub both: Group,
}

/// How many records, and the identifiers of the first `limit` of them.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Group {
    pub count: usize,
    pub ids: Vec<String>,
    /// For records that failed: why each of `ids` did, in the same order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
}

impl Group {
    fn add(&mut self, id: &str, limit: usize) {
        self.count += 1;
        if self.ids.len() < limit {
            self.ids.push(id.to_string());
        }
    }

    fn add_failure(&mut self, id: &str, why: Option<&str>, limit: usize) {
        if self.ids.len() < limit {
            self.reasons.push(why.unwrap_or_default().to_string());
        }
        self.add(id, limit);
    }
}

#[derive(Debug, Default, Serialize)]
pub struct DesignationDiff {
    pub designation: String,
    pub attained_before: usize,
    pub attained_after: usize,
    pub gained: Group,
    pub lost: Group,
    /// Records whose path changed, per change (`smb -> enterprise`).
    pub path_changes: Vec<PathChanges>,
    /// Records whose total changed.
    pub changed: Group,
    /// How many records moved by how much, in buckets; unchanged records are not counted.
    pub histogram: Vec<Bucket>,
    /// The largest changes of the total, each with the subcategory that changed most.
    pub largest: Vec<Change>,
    /// Per subcategory: how many records it changed for, and the points it moved in all.
    pub subcategories: Vec<SubcategoryShift>,
}

#[derive(Debug, Default, Serialize)]
pub struct PathChanges {
    pub before: String,
    pub after: String,
    pub records: Group,
}

/// Records whose change of total lies between `from` and `to` (the smallest and the largest
/// change seen in the bucket).
#[derive(Debug, Serialize)]
pub struct Bucket {
    pub from: Num,
    pub to: Num,
    pub records: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub id: String,
    pub before: Num,
    pub after: Num,
    pub change: Num,
    pub subcategory: Option<String>,
    pub subcategory_change: Option<Num>,
}

#[derive(Debug, Default, Serialize)]
pub struct SubcategoryShift {
    pub subcategory: String,
    pub records: usize,
    pub points: Num,
}

/// One number of the output (`messages_per_day`, `best_mix.usd`) across the records.
#[derive(Debug, Default, Serialize)]
pub struct OutputDiff {
    pub field: String,
    pub changed: Group,
    pub sum_before: Num,
    pub sum_after: Num,
    pub largest: Vec<Change>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.changed == 0
            && self.failures.new_only.count == 0
            && self.failures.old_only.count == 0
            && self.failures.both.count == 0
    }
}

/// How many of the largest changes are kept.
const LARGEST: usize = 10;
/// How many buckets a histogram has at most: past that, buckets are made twice as wide.
const BUCKETS: usize = 24;
/// How many output numbers are followed; more fall into one line "other numbers".
const OUTPUT_FIELDS: usize = 200;

/// The running summary of a diff: add records one by one, then [`Summary::finish`].
pub struct Summary {
    diff: Diff,
    seq: u64,
    designations: BTreeMap<String, Running>,
    outputs: BTreeMap<String, RunningOutput>,
}

#[derive(Default)]
struct Running {
    diff: DesignationDiff,
    histogram: Histogram,
    largest: Largest,
    subcategories: Vec<SubcategoryShift>,
}

#[derive(Default)]
struct RunningOutput {
    diff: OutputDiff,
    largest: Largest,
}

/// The K largest changes by size; on a tie, the first record seen.
#[derive(Default)]
struct Largest(BinaryHeap<Reverse<(Decimal, Reverse<u64>, Keyed)>>);

/// A change ordered by nothing but its key (the heap orders by size and sequence).
struct Keyed(Change);

impl PartialEq for Keyed {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for Keyed {}
impl PartialOrd for Keyed {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Keyed {
    fn cmp(&self, _: &Self) -> std::cmp::Ordering {
        std::cmp::Ordering::Equal
    }
}

impl Largest {
    fn add(&mut self, seq: u64, change: Change) {
        let size = change.change.0.abs();
        self.0.push(Reverse((size, Reverse(seq), Keyed(change))));
        if self.0.len() > LARGEST {
            self.0.pop();
        }
    }

    fn into_sorted(self) -> Vec<Change> {
        let mut all: Vec<_> = self.0.into_iter().map(|Reverse(x)| x).collect();
        all.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
        all.into_iter().map(|(_, _, Keyed(c))| c).collect()
    }
}

/// Counts of changes in buckets of a width that doubles as needed.
struct Histogram {
    width: Decimal,
    buckets: BTreeMap<Decimal, (Decimal, Decimal, usize)>,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            width: Decimal::ONE,
            buckets: BTreeMap::new(),
        }
    }
}

impl Histogram {
    fn add(&mut self, change: Decimal, records: usize) {
        let key = (change / self.width).floor() * self.width;
        let entry = self.buckets.entry(key).or_insert((change, change, 0));
        entry.0 = entry.0.min(change);
        entry.1 = entry.1.max(change);
        entry.2 += records;
        while self.buckets.len() > BUCKETS {
            self.width *= Decimal::TWO;
            let old = std::mem::take(&mut self.buckets);
            for (_, (lo, hi, n)) in old {
                let key = (lo / self.width).floor() * self.width;
                let entry = self.buckets.entry(key).or_insert((lo, hi, 0));
                entry.0 = entry.0.min(lo);
                entry.1 = entry.1.max(hi);
                entry.2 += n;
            }
        }
    }

    fn finish(self) -> Vec<Bucket> {
        self.buckets
            .into_values()
            .map(|(lo, hi, n)| Bucket {
                from: Num(lo),
                to: Num(hi),
                records: n,
            })
            .collect()
    }
}

impl Summary {
    pub fn new(limit: usize) -> Summary {
        Summary {
            diff: Diff {
                limit,
                ..Diff::default()
            },
            seq: 0,
            designations: BTreeMap::new(),
            outputs: BTreeMap::new(),
        }
    }

    pub fn add(&mut self, pair: Pair) {
        let limit = self.diff.limit;
        self.diff.records += 1;
        self.seq += 1;
        let (old, new) = match (&pair.old, &pair.new) {
            (Some(old), Some(new)) => (old, new),
            (old, new) => {
                let group = match (old.is_some(), new.is_some()) {
                    (true, false) => &mut self.diff.failures.new_only,
                    (false, true) => &mut self.diff.failures.old_only,
                    _ => &mut self.diff.failures.both,
                };
                group.add_failure(&pair.id, pair.why.as_deref(), limit);
                return;
            }
        };
        let mut changed = false;
        for after in &new.designations {
            let running = self
                .designations
                .entry(after.name.clone())
                .or_insert_with(|| Running {
                    diff: DesignationDiff {
                        designation: after.name.clone(),
                        ..Default::default()
                    },
                    ..Default::default()
                });
            let d = &mut running.diff;
            d.attained_after += usize::from(after.attained);
            let Some(before) = old.designations.iter().find(|b| b.name == after.name) else {
                continue;
            };
            d.attained_before += usize::from(before.attained);
            match (before.attained, after.attained) {
                (false, true) => d.gained.add(&pair.id, limit),
                (true, false) => d.lost.add(&pair.id, limit),
                _ => {}
            }
            if before.path != after.path {
                changed = true;
                let (b, a) = (
                    before.path.clone().unwrap_or_default(),
                    after.path.clone().unwrap_or_default(),
                );
                let index = match d
                    .path_changes
                    .iter()
                    .position(|p| p.before == b && p.after == a)
                {
                    Some(i) => i,
                    None => {
                        d.path_changes.push(PathChanges {
                            before: b,
                            after: a,
                            records: Group::default(),
                        });
                        d.path_changes.len() - 1
                    }
                };
                d.path_changes[index].records.add(&pair.id, limit);
            }
            let change = after.total - before.total;
            let mut most: Option<(String, Decimal)> = None;
            for s in &after.subcategories {
                let Some(b) = before.subcategories.iter().find(|x| x.name == s.name) else {
                    continue;
                };
                let moved = s.points - b.points;
                if moved.is_zero() {
                    continue;
                }
                let shift = match running
                    .subcategories
                    .iter_mut()
                    .find(|x| *x.subcategory == *s.name)
                {
                    Some(shift) => shift,
                    None => {
                        running.subcategories.push(SubcategoryShift {
                            subcategory: s.name.to_string(),
                            ..Default::default()
                        });
                        running.subcategories.last_mut().expect("just pushed")
                    }
                };
                shift.records += 1;
                shift.points = Num(shift.points.0 + moved);
                if most.as_ref().is_none_or(|(_, m)| moved.abs() > m.abs()) {
                    most = Some((s.name.to_string(), moved));
                }
            }
            if change.is_zero() && most.is_none() {
                continue;
            }
            changed = true;
            let d = &mut running.diff;
            d.changed.add(&pair.id, limit);
            if !change.is_zero() {
                running.histogram.add(change, 1);
            }
            running.largest.add(
                self.seq,
                Change {
                    id: pair.id.clone(),
                    before: Num(before.total),
                    after: Num(after.total),
                    change: Num(change),
                    subcategory: most.as_ref().map(|(n, _)| n.clone()),
                    subcategory_change: most.map(|(_, c)| Num(c)),
                },
            );
        }
        changed |= self.outputs(&pair.id, old, new);
        if changed {
            self.diff.changed += 1;
        }
    }

    /// The numbers of the output, compared by path; whether any changed.
    fn outputs(&mut self, id: &str, old: &Outcome, new: &Outcome) -> bool {
        let limit = self.diff.limit;
        let (mut before_numbers, mut after_numbers) = (Vec::new(), Vec::new());
        for (name, value) in &old.output {
            numbers(name, name, value, &mut before_numbers);
        }
        for (name, value) in &new.output {
            numbers(name, name, value, &mut after_numbers);
        }
        let mut changed = false;
        for (path, field, after) in after_numbers {
            let before = before_numbers
                .iter()
                .find(|(p, ..)| *p == path)
                .map_or(Decimal::ZERO, |(_, _, b)| *b);
            let key = if self.outputs.len() >= OUTPUT_FIELDS && !self.outputs.contains_key(&field) {
                "other numbers".to_string()
            } else {
                field
            };
            let o = self
                .outputs
                .entry(key.clone())
                .or_insert_with(|| RunningOutput {
                    diff: OutputDiff {
                        field: key,
                        ..Default::default()
                    },
                    largest: Largest::default(),
                });
            o.diff.sum_before = Num(o.diff.sum_before.0.saturating_add(before));
            o.diff.sum_after = Num(o.diff.sum_after.0.saturating_add(after));
            if before != after {
                changed = true;
                o.diff.changed.add(id, limit);
                let shown = if path == o.diff.field {
                    id.to_string()
                } else {
                    format!("{id} {path}")
                };
                o.largest.add(
                    self.seq,
                    Change {
                        id: shown,
                        before: Num(before),
                        after: Num(after),
                        change: Num(after - before),
                        subcategory: None,
                        subcategory_change: None,
                    },
                );
            }
        }
        changed
    }

    pub fn finish(self) -> Diff {
        let mut diff = self.diff;
        diff.designations = self
            .designations
            .into_values()
            .map(|r| {
                let mut d = r.diff;
                d.histogram = r.histogram.finish();
                d.largest = r.largest.into_sorted();
                d.subcategories = r.subcategories;
                d
            })
            .collect();
        diff.outputs = self
            .outputs
            .into_values()
            .map(|o| {
                let mut d = o.diff;
                d.largest = o.largest.into_sorted();
                d
            })
            .collect();
        diff
    }
}

/// The whole diff of a list of pairs (tests, small batches).
pub fn compare(pairs: Vec<Pair>, limit: usize) -> Diff {
    let mut summary = Summary::new(limit);
    for pair in pairs {
        summary.add(pair);
    }
    summary.finish()
}

/// The numbers in an output value: by exact path (`agents[Sales].messages_per_day`), and by
/// field, the same for every record (`agents[].messages_per_day`); texts that are amounts
/// ("2160.00") count as numbers.
fn numbers(path: &str, field: &str, value: &Value, out: &mut Vec<(String, String, Decimal)>) {
    match value {
        Value::Number(n) => out.push((path.to_string(), field.to_string(), *n)),
        Value::Text(t) => {
            if let Ok(n) = Decimal::from_str_exact(t) {
                out.push((path.to_string(), field.to_string(), n));
            }
        }
        Value::Record(r) => {
            for (name, v) in r.layout.fields.iter().zip(&r.fields) {
                numbers(
                    &format!("{path}.{name}"),
                    &format!("{field}.{name}"),
                    v,
                    out,
                );
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
                    &format!("{field}[]"),
                    item,
                    out,
                );
            }
        }
        Value::Map(m) => {
            for (k, v) in &m.entries {
                numbers(&format!("{path}.{k}"), &format!("{field}.{k}"), v, out);
            }
        }
        _ => {}
    }
}
