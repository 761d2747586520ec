//! What is missing for a designation not attained: the points short, the subcategories at 0,
//! for each subcategory the smallest change of a value the rules compute from the data that
//! would raise it ("net_customer_adds 1 -> 2: +10"), and the cheapest combination of such
//! changes that attains the designation. All of it comes from re-evaluating the rules with one
//! value assumed different; nothing here knows the partner program.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::NaiveDate;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::eval::designation::DesignationResult;
use crate::eval::{EvalError, Evaluation};
use crate::ir::types::GlobalId;
use crate::ir::value::{RecordValue, Value};
use crate::ir::{Designation, Expr, FnId, GlobalDef, KindId, Program};
use crate::report::rule_text::Texts;

#[derive(Debug, Serialize)]
pub struct Missing {
    pub points_short: Option<String>,
    pub subcategories_at_zero: Vec<String>,
    /// Changes of one value that raise one subcategory.
    pub moves: Vec<Move>,
    /// The fewest such changes found that attain the designation.
    pub plan: Vec<Move>,
    pub plan_attains: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Move {
    pub subcategory: String,
    pub value: String,
    pub from: String,
    pub to: String,
    pub gain: String,
}

/// A value the rules compute from the data, that a change could raise a subcategory through.
struct Candidate {
    target: Target,
    name: String,
    subcategory: usize,
    /// How many values it is computed from: fewer is closer to the data.
    depth: usize,
    /// What it is computed from.
    reach: Reach,
}

/// Where a value is assumed different: a named value, or a function called with fixed
/// arguments inside another function (`people_holding(architect_certifications)` within
/// `skilling_points(...)`), which has no name of its own.
#[derive(Clone, Debug, PartialEq)]
enum Target {
    Global(GlobalId),
    Call(FnId, Vec<Arg>),
}

#[derive(Clone, Debug, PartialEq)]
enum Arg {
    Global(GlobalId),
    Const(Value),
}

impl Target {
    fn value(&self, ev: &mut Evaluation<'_>) -> Result<Value, EvalError> {
        match self {
            Target::Global(id) => ev.global(*id),
            Target::Call(function, args) => {
                let args = arg_values(ev, args)?;
                ev.call(*function, args)
            }
        }
    }

    fn assume(&self, ev: &mut Evaluation<'_>, value: Value) -> Result<(), EvalError> {
        match self {
            Target::Global(id) => ev.assume(*id, value),
            Target::Call(function, args) => {
                let args = arg_values(ev, args)?;
                ev.assume_call(*function, args, value);
            }
        }
        Ok(())
    }
}

fn arg_values(ev: &mut Evaluation<'_>, args: &[Arg]) -> Result<Vec<Value>, EvalError> {
    args.iter()
        .map(|a| match a {
            Arg::Global(id) => ev.global(*id),
            Arg::Const(v) => Ok(v.clone()),
        })
        .collect()
}

pub fn missing(
    program: &Program,
    kind: KindId,
    record: &Arc<RecordValue>,
    date: NaiveDate,
    d: &Designation,
    result: &DesignationResult,
    texts: &Texts<'_>,
) -> Result<Missing, EvalError> {
    let points_short = result
        .threshold
        .filter(|t| *t > result.total)
        .map(|t| (t - result.total).to_string());
    let subcategories_at_zero = result
        .subcategories
        .iter()
        .filter(|s| s.points.is_zero())
        .map(|s| s.name.to_string())
        .collect();
    let candidates = candidates(program, d, date, texts);
    let baseline = evaluate(program, kind, record, date, d, &[])?;
    let mut moves = Vec::new();
    for (index, sub) in in_force(d, date).enumerate() {
        // Of changes along one chain of values (`prerequisite_met(x)` is computed from
        // `people_holding(x)`) with the same gain, the one closest to the data.
        let mut found: Vec<(Move, Decimal, &Candidate)> = Vec::new();
        for c in candidates.iter().filter(|c| c.subcategory == index) {
            let Some((to, after)) =
                smallest_raise(program, kind, record, date, d, &baseline, &c.target, &[])?
            else {
                continue;
            };
            let gain = after.subcategories[index].points - baseline.subcategories[index].points;
            if gain > Decimal::ZERO
                && found
                    .iter()
                    .all(|(_, g, other)| *g != gain || !related(c, other))
            {
                let from = value_of(program, kind, record, date, &c.target)?;
                let step = Move {
                    subcategory: sub.name.to_string(),
                    value: c.name.clone(),
                    from: brief(&from),
                    to: brief(&to),
                    gain: format!("+{gain}"),
                };
                found.push((step, gain, c));
            }
        }
        found.sort_by_key(|(_, gain, _)| std::cmp::Reverse(*gain));
        moves.extend(found.into_iter().take(3).map(|(m, ..)| m));
    }
    let (plan, plan_attains) = plan(program, kind, record, date, d, &candidates)?;
    Ok(Missing {
        points_short,
        subcategories_at_zero,
        moves,
        plan,
        plan_attains,
    })
}

/// The values a designation's subcategories read that depend on the data, with numbers or
/// true/false as values: named values, and calls with fixed arguments inside functions.
fn candidates(
    program: &Program,
    d: &Designation,
    date: NaiveDate,
    texts: &Texts<'_>,
) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (index, sub) in in_force(d, date).enumerate() {
        let (globals, calls) = reached(program, vec![(&sub.points, Vec::new())]);
        for id in globals {
            if matches!(&sub.points, Expr::Global(g) if *g == id)
                || !matches!(program.global(id).def, GlobalDef::Let(_))
                || !reads_input(program, [id])
                || is_parameter(program, id)
            {
                continue;
            }
            let name = if program.global(id).hidden {
                match &program.global(id).def {
                    GlobalDef::Let(v) => super::conditions::label(program, texts, &v[0].value.expr),
                    _ => continue,
                }
            } else {
                program.global(id).name.clone()
            };
            let GlobalDef::Let(variants) = &program.global(id).def else {
                continue;
            };
            let roots = variants.iter().map(|v| (&v.value.expr, Vec::new()));
            out.push(Candidate {
                target: Target::Global(id),
                name,
                subcategory: index,
                depth: cone(program, [id]),
                reach: reached(program, roots.collect()),
            });
        }
        for (function, args) in calls {
            let body = &program.function(function).body.expr;
            let mut roots = globals_in(program, body);
            roots.extend(args.iter().filter_map(|a| match a {
                Arg::Global(id) => Some(*id),
                Arg::Const(_) => None,
            }));
            if !reads_input(program, roots.iter().copied()) {
                continue;
            }
            let shown: Vec<String> = args
                .iter()
                .map(|a| match a {
                    Arg::Global(id) => super::conditions::label(program, texts, &Expr::Global(*id)),
                    Arg::Const(Value::Text(t)) => format!("\"{t}\""),
                    Arg::Const(v) => v.to_string(),
                })
                .collect();
            let params = args.iter().cloned().map(Some).collect();
            out.push(Candidate {
                name: format!("{}({})", program.function(function).name, shown.join(", ")),
                target: Target::Call(function, args),
                subcategory: index,
                depth: 1 + cone(program, roots),
                reach: reached(program, vec![(body, params)]),
            });
        }
    }
    out.sort_by_key(|c| (c.subcategory, c.depth));
    out
}

/// The named values an expression reads, directly or through other values and functions, and
/// the calls inside functions whose arguments are fixed once the outer call's are.
type Reach = (Vec<GlobalId>, Vec<(FnId, Vec<Arg>)>);

fn reached<'p>(program: &'p Program, roots: Vec<(&'p Expr, Vec<Option<Arg>>)>) -> Reach {
    let mut globals = Vec::new();
    let mut calls: Vec<(FnId, Vec<Arg>)> = Vec::new();
    let mut bodies: Vec<(FnId, Vec<Option<Arg>>)> = Vec::new();
    // An expression to walk, with the fixed arguments of the function it is the body of.
    let mut work = roots;
    while let Some((expr, params)) = work.pop() {
        let mut next = Vec::new();
        expr.walk(&mut |node| match node {
            Expr::Global(id) if !globals.contains(id) => {
                globals.push(*id);
                if let GlobalDef::Let(variants) = &program.global(*id).def {
                    next.extend(variants.iter().map(|v| (&v.value.expr, Vec::new())));
                }
            }
            Expr::CallFn { function, args, .. } => {
                let fixed: Vec<Option<Arg>> = args
                    .iter()
                    .map(|a| match a {
                        Expr::Global(id) => Some(Arg::Global(*id)),
                        Expr::Const(v) => Some(Arg::Const(v.clone())),
                        Expr::Local(slot) => params.get(*slot as usize).cloned().flatten(),
                        _ => None,
                    })
                    .collect();
                // Inside a function, a call with fixed arguments is a value of its own.
                if !params.is_empty() && fixed.iter().all(Option::is_some) {
                    let call = (*function, fixed.iter().flatten().cloned().collect());
                    if !calls.contains(&call) {
                        calls.push(call);
                    }
                }
                let body = (*function, fixed);
                if !bodies.contains(&body) {
                    next.push((&program.function(*function).body.expr, body.1.clone()));
                    bodies.push(body);
                }
            }
            _ => {}
        });
        work.extend(next);
    }
    (globals, calls)
}

/// Whether one of two values is computed from the other.
fn related(a: &Candidate, b: &Candidate) -> bool {
    let within = |t: &Target, reach: &Reach| match t {
        Target::Global(id) => reach.0.contains(id),
        Target::Call(f, args) => reach.1.iter().any(|(g, a)| g == f && a == args),
    };
    within(&a.target, &b.reach) || within(&b.target, &a.reach)
}

/// The named values an expression reads directly or through the functions it calls.
fn globals_in(program: &Program, expr: &Expr) -> Vec<GlobalId> {
    let mut out = Vec::new();
    expr.walk(&mut |e| match e {
        Expr::Global(id) => out.push(*id),
        Expr::CallFn { function, .. } => {
            out.extend(globals_in(program, &program.function(*function).body.expr))
        }
        _ => {}
    });
    out
}

/// A value of the rules themselves (such as the points for a prerequisite, which depend on the
/// path only): fixed on every path, so no change in the data moves it.
fn is_parameter(program: &Program, id: GlobalId) -> bool {
    let expr = Expr::Global(id);
    let reached = crate::analysis::reach::Reach::new(program).of(&expr);
    crate::analysis::ranges::scenarios(program, &reached.choices)
        .iter()
        .all(|assumption| {
            let r = crate::analysis::ranges::Ranges::new(program, assumption.clone()).of(&expr);
            matches!((r.lo, r.hi), (Some(a), Some(b)) if a == b)
        })
}

/// How many named values these are computed from.
fn cone(program: &Program, roots: impl IntoIterator<Item = GlobalId>) -> usize {
    let mut seen = HashSet::new();
    let mut work: Vec<GlobalId> = roots.into_iter().collect();
    while let Some(g) = work.pop() {
        if !seen.insert(g) {
            continue;
        }
        if let GlobalDef::Let(variants) = &program.global(g).def {
            for v in variants {
                work.extend(globals_in(program, &v.value.expr));
            }
        }
    }
    seen.len()
}

/// Whether any of these values is computed from the data, directly or through functions.
fn reads_input(program: &Program, roots: impl IntoIterator<Item = GlobalId>) -> bool {
    let mut seen = HashSet::new();
    let mut work: Vec<GlobalId> = roots.into_iter().collect();
    while let Some(g) = work.pop() {
        if !seen.insert(g) {
            continue;
        }
        match &program.global(g).def {
            GlobalDef::Input { .. } => return true,
            GlobalDef::Let(variants) => {
                for v in variants {
                    work.extend(globals_in(program, &v.value.expr));
                }
            }
            GlobalDef::Table(_) => {}
        }
    }
    false
}

fn value_of(
    program: &Program,
    kind: KindId,
    record: &Arc<RecordValue>,
    date: NaiveDate,
    target: &Target,
) -> Result<Value, EvalError> {
    target.value(&mut Evaluation::new(program, kind, record.clone(), date))
}

fn evaluate(
    program: &Program,
    kind: KindId,
    record: &Arc<RecordValue>,
    date: NaiveDate,
    d: &Designation,
    assumed: &[(Target, Value)],
) -> Result<DesignationResult, EvalError> {
    let mut ev = Evaluation::new(program, kind, record.clone(), date);
    for (target, value) in assumed {
        target.assume(&mut ev, value.clone())?;
    }
    ev.designation(d)
}

/// The smallest raise of a value that changes the designation's result: true for a false
/// condition, one more for a count, the next whole number for a percentage.
#[allow(
    clippy::too_many_arguments,
    reason = "the evaluation context travels whole"
)]
fn smallest_raise(
    program: &Program,
    kind: KindId,
    record: &Arc<RecordValue>,
    date: NaiveDate,
    d: &Designation,
    before: &DesignationResult,
    target: &Target,
    assumed: &[(Target, Value)],
) -> Result<Option<(Value, DesignationResult)>, EvalError> {
    let mut ev = Evaluation::new(program, kind, record.clone(), date);
    for (t, v) in assumed {
        t.assume(&mut ev, v.clone())?;
    }
    let current = target.value(&mut ev)?;
    // A count may need several more before it shows (net adds below 0, say): up to 20 more.
    let tries: Vec<Value> = match &current {
        Value::Bool(false) => vec![Value::Bool(true)],
        Value::Number(n) if n.fract().is_zero() => (1..=20)
            .map(|k| Value::Number(n + Decimal::from(k)))
            .collect(),
        Value::Number(n) => (1..=20)
            .map(|k| Value::Number(n.floor() + Decimal::from(k)))
            .collect(),
        _ => Vec::new(),
    };
    for value in tries {
        let mut with = assumed.to_vec();
        with.retain(|(t, _)| t != target);
        with.push((target.clone(), value.clone()));
        // A changed value can make a rule fail (a division by a new zero): that is no raise.
        let Ok(after) = evaluate(program, kind, record, date, d, &with) else {
            continue;
        };
        if after.total > before.total || zeros(&after) < zeros(before) {
            return Ok(Some((value, after)));
        }
    }
    Ok(None)
}

/// A value for people: long fractions rounded to two decimals.
fn brief(value: &Value) -> String {
    match value {
        Value::Number(n) if n.scale() > 2 => format!("{} (about)", n.round_dp(2).normalize()),
        other => other.to_string(),
    }
}

fn zeros(r: &DesignationResult) -> usize {
    r.subcategories
        .iter()
        .filter(|s| s.points.is_zero())
        .count()
}

/// Greedily the change with the most points (or that lifts a subcategory from 0), until the
/// designation is attained or no change helps; at most 40 changes.
fn plan(
    program: &Program,
    kind: KindId,
    record: &Arc<RecordValue>,
    date: NaiveDate,
    d: &Designation,
    candidates: &[Candidate],
) -> Result<(Vec<Move>, bool), EvalError> {
    let mut assumed: Vec<(Target, Value)> = Vec::new();
    let mut current = evaluate(program, kind, record, date, d, &assumed)?;
    let mut steps: Vec<(usize, Value, Value, Decimal)> = Vec::new();
    let names: Vec<String> = in_force(d, date).map(|s| s.name.to_string()).collect();
    for _ in 0..40 {
        if current.attained {
            break;
        }
        let mut best: Option<(i64, usize, Value, DesignationResult)> = None;
        for (i, c) in candidates.iter().enumerate() {
            let Some((to, after)) = smallest_raise(
                program, kind, record, date, d, &current, &c.target, &assumed,
            )?
            else {
                continue;
            };
            let gain = after.total - current.total;
            let lifted = zeros(&current) as i64 - zeros(&after) as i64;
            let score = i64::try_from(gain.trunc()).unwrap_or(0) + 100 * lifted;
            if score > 0 && best.as_ref().is_none_or(|(s, ..)| score > *s) {
                best = Some((score, i, to, after));
            }
        }
        let Some((_, i, to, after)) = best else { break };
        let from = assumed
            .iter()
            .find(|(t, _)| *t == candidates[i].target)
            .map(|(_, v)| v.clone());
        let from = match from {
            Some(v) => v,
            None => value_of(program, kind, record, date, &candidates[i].target)?,
        };
        let gain = after.total - current.total;
        assumed.retain(|(t, _)| *t != candidates[i].target);
        assumed.push((candidates[i].target.clone(), to.clone()));
        match steps.iter_mut().find(|(j, ..)| *j == i) {
            Some(step) => {
                step.2 = to;
                step.3 += gain;
            }
            None => steps.push((i, from, to, gain)),
        }
        current = after;
    }
    let moves = steps
        .into_iter()
        .map(|(i, from, to, gain)| Move {
            subcategory: names[candidates[i].subcategory].clone(),
            value: candidates[i].name.clone(),
            from: brief(&from),
            to: brief(&to),
            gain: format!("+{gain}"),
        })
        .collect();
    Ok((moves, current.attained))
}

/// The subcategories of `d` in force on `date`, in the order of its results.
fn in_force(d: &Designation, date: NaiveDate) -> impl Iterator<Item = &crate::ir::Subcategory> {
    d.categories
        .iter()
        .filter(move |c| c.period.contains(date))
        .flat_map(move |c| {
            c.subcategories
                .iter()
                .filter(move |s| s.period.contains(date))
        })
}
