//! Whether the numbers of a designation add up: categories against their subcategories, the
//! designation against its categories, a threshold that can be reached, points that can reach
//! their maximum and never exceed it, and lists that one subcategory reads twice.

use std::collections::BTreeSet;

use rustc_hash::FxHashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::ranges::{Assumption, Range, Ranges, describe, scenarios};
use super::reach::{Reach, Reached, text_list};
use crate::diagnostic::{Code, Diag, Diags};
use crate::ir::types::GlobalId;
use crate::ir::{Designation, Expr, GlobalDef, Period, Program};
use crate::load::Loaded;
use crate::source::Span;
use crate::syntax::ast::{ExprKind, Item};

pub fn check(loaded: &Loaded, program: &Program, diags: &mut Diags) {
    let mut ranges = Known::new(program);
    for kind in &program.kinds {
        for d in &kind.designations {
            let intervals = intervals(&mut ranges, d);
            if intervals.is_empty() {
                designation(loaded, &mut ranges, d, None, diags);
                continue;
            }
            // Each version of the rules is judged alone: the checks run once per interval
            // between the days something this designation reads changes.
            let mut found: Vec<(Period, Vec<Diag>)> = Vec::new();
            for interval in intervals {
                let mut here = Diags::default();
                designation(loaded, &mut ranges, d, Some(interval.1), &mut here);
                found.push((interval.0, here.0));
            }
            report_by_interval(found, diags);
        }
    }
}

/// The checks of one designation, on the versions in force on `date` (all without one).
fn designation(
    loaded: &Loaded,
    ranges: &mut Known<'_>,
    d: &Designation,
    date: Option<NaiveDate>,
    diags: &mut Diags,
) {
    let program = ranges.program;
    maxima(d, date, diags);
    threshold(ranges, d, date, diags);
    for category in d.categories.iter().filter(|c| in_force(c.period, date)) {
        for sub in category
            .subcategories
            .iter()
            .filter(|s| in_force(s.period, date))
        {
            let reached = ranges.reach.of(&sub.points);
            points(ranges, d, sub, date, &reached, diags);
            shared_entries(loaded, program, d, sub, date, &reached, diags);
        }
    }
}

fn in_force(period: Period, date: Option<NaiveDate>) -> bool {
    date.is_none_or(|d| period.contains(d))
}

/// The intervals of time in which nothing `d` reads changes, each with a day in it, within
/// the designation's own period; none when nothing it reads is dated.
fn intervals(ranges: &mut Known<'_>, d: &Designation) -> Vec<(Period, NaiveDate)> {
    let mut dates: BTreeSet<NaiveDate> = d.dates().into_iter().collect();
    let exprs = d
        .categories
        .iter()
        .flat_map(|c| &c.subcategories)
        .map(|s| &s.points)
        .chain(&d.threshold)
        .chain(&d.path)
        .chain(d.requires.iter().map(|r| &r.condition));
    for expr in exprs {
        dates.extend(ranges.reach.of(expr).dates.iter().copied());
    }
    let dates: Vec<NaiveDate> = dates.into_iter().collect();
    let mut out = Period::intervals(&dates);
    out.retain(|(_, day)| d.period.contains(*day));
    out
}

/// Findings of each interval: one found in every interval is reported once, as it is; the
/// others say in which interval they hold ("from 2026-07-01").
fn report_by_interval(found: Vec<(Period, Vec<Diag>)>, diags: &mut Diags) {
    let key = |d: &Diag| (d.code, d.span, d.message.clone());
    let everywhere = |d: &Diag| {
        found
            .iter()
            .all(|(_, ds)| ds.iter().any(|o| key(o) == key(d)))
    };
    let mut reported = Vec::new();
    for (period, ds) in &found {
        for diag in ds {
            if everywhere(diag) {
                if !reported.contains(&key(diag)) {
                    reported.push(key(diag));
                    diags.push(diag.clone());
                }
            } else {
                let mut diag = diag.clone();
                if let Some(when) = period.describe() {
                    diag.message = format!("{when}: {}", diag.message);
                }
                diags.push(diag);
            }
        }
    }
}

/// The ranges found so far under each assumption and day: designations share most of their
/// values, so each is worked out once.
struct Known<'p> {
    program: &'p Program,
    reach: Reach<'p>,
    under: FxHashMap<(Assumption, Option<NaiveDate>), Ranges<'p>>,
}

impl<'p> Known<'p> {
    fn new(program: &'p Program) -> Known<'p> {
        Known {
            program,
            reach: Reach::new(program),
            under: FxHashMap::default(),
        }
    }

    fn of(&mut self, expr: &Expr, assumption: &Assumption, date: Option<NaiveDate>) -> Range {
        let program = self.program;
        self.under
            .entry((assumption.clone(), date))
            .or_insert_with(|| Ranges::on(program, assumption.clone(), date))
            .of(expr)
    }
}

/// The sum of some maxima, or what to say instead when it is past what a number can hold.
fn total(mut values: impl Iterator<Item = Decimal>) -> Result<Decimal, &'static str> {
    values
        .try_fold(Decimal::ZERO, |total, max| {
            total
                .checked_add(max)
                .filter(|sum| crate::ir::value::fits_28_digits(*sum))
        })
        .ok_or("more than a number can hold")
}

/// A maximum as it is on `date` (as written, without one).
fn max_at(base: Decimal, changes: &[crate::ir::MaxChange], date: Option<NaiveDate>) -> Decimal {
    date.map_or(base, |d| crate::ir::max_on(base, changes, d))
}

fn maxima(d: &Designation, date: Option<NaiveDate>, diags: &mut Diags) {
    let categories: Vec<&crate::ir::Category> = d
        .categories
        .iter()
        .filter(|c| in_force(c.period, date))
        .collect();
    for category in &categories {
        let subs: Vec<&crate::ir::Subcategory> = category
            .subcategories
            .iter()
            .filter(|s| in_force(s.period, date))
            .collect();
        let max = max_at(category.max, &category.max_changes, date);
        let sum = total(subs.iter().map(|s| max_at(s.max, &s.max_changes, date)));
        if sum != Ok(max) && !subs.is_empty() {
            let sum = sum.map_or_else(str::to_string, |s| s.to_string());
            let parts: Vec<String> = subs
                .iter()
                .map(|s| format!("{} {}", s.name, max_at(s.max, &s.max_changes, date)))
                .collect();
            diags.push(
                Diag::error(Code::Maxima, category.max_span, format!("category \"{}\" has max {}, but its subcategories add up to {sum}", category.name, max))
                    .label(format!("{} ≠ {}", max, parts.join(" + ")))
                    .help("make the category's max the sum of its subcategories' maxima, or correct a subcategory's max"),
            );
        }
    }
    if let (Some(max), Some(span)) = (d.max, d.max_span) {
        let max = max_at(max, &d.max_changes, date);
        let sum = total(
            categories
                .iter()
                .map(|c| max_at(c.max, &c.max_changes, date)),
        );
        // A category whose max is wrong (reported above) is counted with its subcategories'
        // sum: when that makes the total right, the category's max is the one mistake.
        let corrected = total(categories.iter().map(|c| {
            let subs = c.subcategories.iter().filter(|s| in_force(s.period, date));
            match total(subs.clone().map(|s| max_at(s.max, &s.max_changes, date))) {
                Ok(sum) if subs.count() > 0 => sum,
                _ => max_at(c.max, &c.max_changes, date),
            }
        }));
        if sum != Ok(max) && corrected != Ok(max) {
            let sum = sum.map_or_else(str::to_string, |s| s.to_string());
            let parts: Vec<String> = categories
                .iter()
                .map(|c| format!("{} {}", c.name, max_at(c.max, &c.max_changes, date)))
                .collect();
            diags.push(
                Diag::error(Code::Maxima, span, format!("\"{}\" has max {max}, but its categories add up to {sum}", d.name))
                    .label(format!("{max} ≠ {}", parts.join(" + ")))
                    .help("make the designation's max the sum of its categories' maxima, or correct a category's max"),
            );
        }
    }
}

fn threshold(ranges: &mut Known<'_>, d: &Designation, date: Option<NaiveDate>, diags: &mut Diags) {
    let (Some(threshold), Some(span)) = (&d.threshold, d.threshold_span) else {
        return;
    };
    let Ok(reachable) = total(
        d.categories
            .iter()
            .filter(|c| in_force(c.period, date))
            .flat_map(|c| &c.subcategories)
            .filter(|s| in_force(s.period, date))
            .map(|s| max_at(s.max, &s.max_changes, date)),
    ) else {
        return;
    };
    let reached = ranges.reach.of(threshold);
    for assumption in scenarios(ranges.program, &reached.choices) {
        let r = ranges.of(threshold, &assumption, date);
        if let Some(lo) = r.lo {
            if lo > reachable {
                diags.push(
                    Diag::error(Code::UnreachableThreshold, span, format!("the threshold of \"{}\" is {} but its subcategories give at most {reachable} points", d.name, lo.normalize()))
                        .label(format!("{} > {reachable}", lo.normalize()))
                        .help("lower the threshold, or raise the maxima it is measured against"),
                );
                return;
            }
        }
    }
}

fn points(
    ranges: &mut Known<'_>,
    d: &Designation,
    sub: &crate::ir::Subcategory,
    date: Option<NaiveDate>,
    reached: &Reached,
    diags: &mut Diags,
) {
    let program = ranges.program;
    let max = max_at(sub.max, &sub.max_changes, date);
    let mut reaches = false;
    let mut best = Range {
        lo: None,
        hi: Some(Decimal::MIN),
    };
    for assumption in scenarios(program, &reached.choices) {
        let r = ranges.of(&sub.points, &assumption, date);
        // Written out only for a problem: most points have none.
        let when = || describe_assumption(program, &assumption);
        if r.lo.is_some_and(|lo| lo > max) {
            diags.push(
                Diag::error(
                    Code::PointsExceedMax,
                    sub.points_span,
                    format!(
                        "the points of \"{}\" in \"{}\" are always above its max of {}{}",
                        sub.name,
                        d.name,
                        max,
                        when()
                    ),
                )
                .label(describe(r))
                .help("cap the points at the subcategory's max, with min() or clamp()"),
            );
            return;
        }
        if r.hi.is_some_and(|hi| hi > max) {
            diags.push(
                Diag::error(Code::PointsMayExceedMax, sub.points_span, format!("the points of \"{}\" in \"{}\" can exceed its max of {}{}", sub.name, d.name, max, when()))
                    .label(describe(r))
                    .help("cap the points with min() or clamp(); points above the max stop the evaluation with an error"),
            );
            return;
        }
        if r.lo.is_some_and(|lo| lo < Decimal::ZERO) {
            diags.push(
                Diag::error(
                    Code::PointsMayBeNegative,
                    sub.points_span,
                    format!(
                        "the points of \"{}\" in \"{}\" can be negative{}",
                        sub.name,
                        d.name,
                        when()
                    ),
                )
                .label(describe(r))
                .help("bound the points below with max(..., 0) or clamp()"),
            );
            return;
        }
        reaches |= r.hi.is_none_or(|hi| hi >= max);
        best = best.union(r);
    }
    // A warning: a maximum above what the points reach scores every partner correctly, and a
    // plain policy change (fewer points per deployment) must not wait for the maximum to be
    // edited too (docs/reviewing-changes.md).
    if !reaches {
        diags.push(
            Diag::warning(
                Code::MaxUnreachable,
                sub.max_span,
                format!(
                    "\"{}\" in \"{}\" can never reach its max of {}: its points are {}",
                    sub.name,
                    d.name,
                    max,
                    describe(best)
                ),
            )
            .label(format!(
                "at most {}",
                best.hi.map_or("?".into(), |h| h.normalize().to_string())
            ))
            .also(sub.points_span, "its points")
            .help("lower the max to what the points can reach, or correct the points expression"),
        );
    }
}

fn describe_assumption(program: &Program, assumption: &[(GlobalId, String)]) -> String {
    if assumption.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = assumption
        .iter()
        .map(|(g, v)| format!("{} = \"{v}\"", program.global(*g).name))
        .collect();
    format!(" when {}", parts.join(" and "))
}

/// Two lists of texts that one subcategory reads, sharing an entry: an entry both in
/// a prerequisite list and a scoring list, say.
fn shared_entries(
    loaded: &Loaded,
    program: &Program,
    d: &Designation,
    sub: &crate::ir::Subcategory,
    date: Option<NaiveDate>,
    reached: &Reached,
    diags: &mut Diags,
) {
    let lists = text_lists(program, reached, date);
    for (i, (a, a_items)) in lists.iter().enumerate() {
        for (b, b_items) in &lists[i + 1..] {
            for item in a_items.intersection(b_items) {
                let (first, second) = (program.global(*a), program.global(*b));
                let span = entry_span(loaded, program, *b, item).unwrap_or(second.span);
                let mut diag = Diag::error(
                    Code::SharedEntry,
                    span,
                    format!(
                        "\"{item}\" is in both `{}` and `{}`, which \"{}\" of \"{}\" both read",
                        first.name, second.name, sub.name, d.name
                    ),
                )
                .label("also in the other list")
                .help("an entry usually belongs to one of the lists; remove it from the other");
                if let Some(other) = entry_span(loaded, program, *a, item) {
                    diag = diag.also(other, format!("in `{}`", first.name));
                }
                diags.push(diag);
            }
        }
    }
}

/// The named lists of texts `reached` reads, in the order they are declared.
fn text_lists(
    program: &Program,
    reached: &Reached,
    date: Option<NaiveDate>,
) -> Vec<(GlobalId, BTreeSet<String>)> {
    reached
        .lists
        .iter()
        .filter(|id| !program.global(**id).hidden)
        .filter_map(|&id| {
            let GlobalDef::Let(variants) = &program.global(id).def else {
                return None;
            };
            let counted: Vec<_> = match date {
                None => variants.iter().collect(),
                Some(d) => crate::ir::in_force(variants, d).into_iter().collect(),
            };
            let items = counted
                .iter()
                .filter_map(|v| text_list(&v.value.expr))
                .flatten();
            Some((id, items.collect()))
        })
        .collect()
}

/// Where an entry is written in the list `id` names.
fn entry_span(loaded: &Loaded, program: &Program, id: GlobalId, item: &str) -> Option<Span> {
    let name_span = program.global(id).span;
    loaded
        .file(name_span.file)
        .items
        .iter()
        .find_map(|i| match i {
            Item::Let(l) if l.name.span == name_span => match &l.body.kind {
                ExprKind::List(items) => items
                    .iter()
                    .find(|e| matches!(&e.kind, ExprKind::Text(t) if t == item))
                    .map(|e| e.span),
                _ => None,
            },
            _ => None,
        })
}
