//! What is missing for a designation not attained: the points short, the subcategories at 0,
//! for each subcategory the smallest change of a value the rules compute from the data that
//! would raise it ("net_customer_adds 1 -> 2: +10"), and the cheapest combination of such
//! changes that attains the designation. All of it comes from re-evaluating the rules with one
//! value assumed different; nothing here knows the partner program.

use std::collections::HashSet;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::check::ranges::visit;
use crate::eval::designation::DesignationResult;
use crate::eval::value::{RecordValue, Value};
use crate::eval::{EvalError, Evaluation};
use crate::ir::{Designation, Expr, GlobalDef, KindId, Program};
use crate::report::texts::Texts;
use crate::types::GlobalId;

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
    id: GlobalId,
    name: String,
    subcategory: usize,
    /// How many values it is computed from: fewer is closer to the data.
    depth: usize,
}

pub fn missing(
    program: &Program,
    kind: KindId,
    record: &Arc<RecordValue>,
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
    let candidates = candidates(program, d, texts);
    let baseline = evaluate(program, kind, record, d, &[])?;
    let mut moves = Vec::new();
    for (index, sub) in d
        .categories
        .iter()
        .flat_map(|c| &c.subcategories)
        .enumerate()
    {
        let mut found: Vec<(Move, usize)> = Vec::new();
        for c in candidates.iter().filter(|c| c.subcategory == index) {
            let Some((to, after)) = smallest_raise(program, kind, record, d, &baseline, c.id, &[])?
            else {
                continue;
            };
            let gain = after.subcategories[index].points - baseline.subcategories[index].points;
            if gain > Decimal::ZERO
                && found
                    .iter()
                    .all(|(m, depth)| m.gain != gain.to_string() || *depth > c.depth)
            {
                found.retain(|(m, _)| m.gain != gain.to_string());
                let from = value_of(program, kind, record, c.id)?;
                found.push((
                    Move {
                        subcategory: sub.name.to_string(),
                        value: c.name.clone(),
                        from: brief(&from),
                        to: brief(&to),
                        gain: format!("+{gain}"),
                    },
                    c.depth,
                ));
            }
        }
        found.sort_by(|a, b| {
            b.0.gain
                .len()
                .cmp(&a.0.gain.len())
                .then(b.0.gain.cmp(&a.0.gain))
        });
        moves.extend(found.into_iter().take(3).map(|(m, _)| m));
    }
    let (plan, plan_attains) = plan(program, kind, record, d, &candidates)?;
    Ok(Missing {
        points_short,
        subcategories_at_zero,
        moves,
        plan,
        plan_attains,
    })
}

/// The values a designation's subcategories read that depend on the data, with numbers or
/// true/false as values.
fn candidates(program: &Program, d: &Designation, texts: &Texts<'_>) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (index, sub) in d
        .categories
        .iter()
        .flat_map(|c| &c.subcategories)
        .enumerate()
    {
        let mut seen = HashSet::new();
        let mut work = vec![&sub.points];
        while let Some(e) = work.pop() {
            let mut next = Vec::new();
            visit(e, &mut |node| match node {
                Expr::Global(id) if seen.insert(*id) => {
                    if let GlobalDef::Let(variants) = &program.global(*id).def {
                        next.extend(variants.iter().map(|v| &v.value.expr));
                    }
                }
                Expr::CallFn { function, .. } => next.push(&program.function(*function).body.expr),
                _ => {}
            });
            work.extend(next);
        }
        for id in seen {
            if matches!(&sub.points, Expr::Global(g) if *g == id)
                || !reads_input(program, id)
                || is_parameter(program, id)
            {
                continue;
            }
            if !matches!(program.global(id).def, GlobalDef::Let(_)) {
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
            out.push(Candidate {
                id,
                name,
                subcategory: index,
                depth: cone(program, id),
            });
        }
    }
    out.sort_by_key(|c| (c.subcategory, c.depth, c.id));
    out
}

/// A value of the rules themselves (such as the points for a prerequisite, which depend on the
/// path only): fixed on every path, so no change in the data moves it.
fn is_parameter(program: &Program, id: GlobalId) -> bool {
    let expr = Expr::Global(id);
    crate::check::ranges::scenarios(program, &expr)
        .iter()
        .all(|assumption| {
            let r = crate::check::ranges::Ranges::new(program, assumption).of(&expr);
            matches!((r.lo, r.hi), (Some(a), Some(b)) if a == b)
        })
}

fn cone(program: &Program, id: GlobalId) -> usize {
    let mut seen = HashSet::new();
    let mut work = vec![id];
    while let Some(g) = work.pop() {
        if !seen.insert(g) {
            continue;
        }
        if let GlobalDef::Let(variants) = &program.global(g).def {
            for v in variants {
                visit(&v.value.expr, &mut |e| {
                    if let Expr::Global(next) = e {
                        work.push(*next);
                    }
                });
            }
        }
    }
    seen.len()
}

fn reads_input(program: &Program, id: GlobalId) -> bool {
    let mut seen = HashSet::new();
    let mut work = vec![id];
    while let Some(g) = work.pop() {
        if !seen.insert(g) {
            continue;
        }
        match &program.global(g).def {
            GlobalDef::Input { .. } => return true,
            GlobalDef::Let(variants) => {
                for v in variants {
                    visit(&v.value.expr, &mut |e| match e {
                        Expr::Global(next) => work.push(*next),
                        Expr::CallFn { function, .. } => {
                            visit(&program.function(*function).body.expr, &mut |inner| {
                                if let Expr::Global(next) = inner {
                                    work.push(*next);
                                }
                            })
                        }
                        _ => {}
                    });
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
    id: GlobalId,
) -> Result<Value, EvalError> {
    Evaluation::new(program, kind, record.clone()).global(id)
}

fn evaluate(
    program: &Program,
    kind: KindId,
    record: &Arc<RecordValue>,
    d: &Designation,
    assumed: &[(GlobalId, Value)],
) -> Result<DesignationResult, EvalError> {
    let mut ev = Evaluation::new(program, kind, record.clone());
    for (id, value) in assumed {
        ev.assume(*id, value.clone());
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
    d: &Designation,
    before: &DesignationResult,
    id: GlobalId,
    assumed: &[(GlobalId, Value)],
) -> Result<Option<(Value, DesignationResult)>, EvalError> {
    let mut ev = Evaluation::new(program, kind, record.clone());
    for (g, v) in assumed {
        ev.assume(*g, v.clone());
    }
    let current = ev.global(id)?;
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
        with.retain(|(g, _)| *g != id);
        with.push((id, value.clone()));
        // A changed value can make a rule fail (a division by a new zero): that is no raise.
        let Ok(after) = evaluate(program, kind, record, d, &with) else {
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
    d: &Designation,
    candidates: &[Candidate],
) -> Result<(Vec<Move>, bool), EvalError> {
    let mut assumed: Vec<(GlobalId, Value)> = Vec::new();
    let mut current = evaluate(program, kind, record, d, &assumed)?;
    let mut steps: Vec<(usize, Value, Value, Decimal)> = Vec::new();
    let names: Vec<String> = d
        .categories
        .iter()
        .flat_map(|c| c.subcategories.iter().map(|s| s.name.to_string()))
        .collect();
    for _ in 0..40 {
        if current.attained {
            break;
        }
        let mut best: Option<(i64, usize, Value, DesignationResult)> = None;
        for (i, c) in candidates.iter().enumerate() {
            let Some((to, after)) =
                smallest_raise(program, kind, record, d, &current, c.id, &assumed)?
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
            .find(|(g, _)| *g == candidates[i].id)
            .map(|(_, v)| v.clone());
        let from = match from {
            Some(v) => v,
            None => value_of(program, kind, record, candidates[i].id)?,
        };
        let gain = after.total - current.total;
        assumed.retain(|(g, _)| *g != candidates[i].id);
        assumed.push((candidates[i].id, to.clone()));
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
