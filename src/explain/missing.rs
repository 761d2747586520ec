//! What is missing for a designation not attained: the points short, the subcategories at 0,
//! for each subcategory the smallest change of a value the rules compute from the data that
//! would raise it ("net_customer_adds 1 -> 2: +10"), and the cheapest combination of such
//! changes that attains the designation. All of it comes from re-evaluating the rules with one
//! value assumed different; nothing here knows the partner program.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::Num;
use crate::eval::designation::DesignationResult;
use crate::eval::{EvalError, Evaluation};
use crate::ir::builtins::Builtin;
use crate::ir::types::{GlobalId, Type};
use crate::ir::value::Value;
use crate::ir::{Designation, Expr, FnId, GlobalDef, Program, in_force as version};
use crate::report::rule_text::Texts;

#[derive(Debug, Serialize)]
pub struct Missing {
    pub points_short: Option<Num>,
    pub subcategories_at_zero: Vec<String>,
    /// Changes of one value that raise one subcategory.
    pub moves: Vec<Move>,
    /// The fewest such changes found that attain the designation.
    pub plan: Vec<Move>,
    pub plan_attains: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Move {
    /// The subcategories it raises, joined (`raises` has each with its points).
    pub subcategory: String,
    pub value: String,
    pub from: String,
    pub to: String,
    /// The points it adds to the total.
    pub gain: Num,
    pub raises: Vec<Raise>,
}

/// Points a change adds to one subcategory.
#[derive(Debug, Clone, Serialize)]
pub struct Raise {
    pub subcategory: String,
    pub points: Num,
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

/// Where a value is assumed different: a named value, a list the rules count (assumed with
/// more elements), or a function called with fixed arguments inside another function
/// (`people_holding(architect_certifications)` within `skilling_points(...)`), which has no
/// name of its own.
#[derive(Clone, Debug, PartialEq)]
enum Target {
    Global(GlobalId),
    Count(GlobalId),
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
            Target::Count(id) => Ok(Value::Number(Decimal::from(
                ev.global(*id)?.as_list().len(),
            ))),
            Target::Call(function, args) => {
                let args = arg_values(ev, args)?;
                ev.call(*function, args)
            }
        }
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

/// Evaluates a designation again with some values assumed different. Only the values computed
/// from those are computed again, in order, and only while they change: the rest is taken
/// from the evaluation already made, so a partner with 10,000 customers is not read again for
/// every change tried.
struct Whatif<'e, 'p> {
    base: &'e Evaluation<'p>,
    d: &'e Designation,
    /// For each named value: the named values and functions it reads directly (through
    /// functions, not through other values), and everything it reads, directly or not.
    direct: Vec<(HashSet<GlobalId>, HashSet<FnId>)>,
    reach: Vec<(HashSet<GlobalId>, HashSet<FnId>)>,
    /// Per subcategory in force: everything its points read, directly or not.
    subcategories: Vec<(HashSet<GlobalId>, HashSet<FnId>)>,
    dependents: std::cell::RefCell<Vec<(Target, Vec<usize>)>>,
}

impl<'e, 'p> Whatif<'e, 'p> {
    fn new(program: &'p Program, base: &'e Evaluation<'p>, d: &'e Designation) -> Self {
        let ids = (0..program.globals.len()).map(|g| GlobalId(g as u32));
        Whatif {
            base,
            d,
            direct: ids
                .clone()
                .map(|g| closure(program, definitions(program, g), false))
                .collect(),
            reach: ids
                .map(|g| closure(program, definitions(program, g), true))
                .collect(),
            subcategories: in_force(d, base.date)
                .map(|s| closure(program, vec![&s.points], true))
                .collect(),
            dependents: std::cell::RefCell::new(Vec::new()),
        }
    }

    /// The subcategories (by index in the results) whose points read a target.
    fn reached_by(&self, target: &Target) -> Vec<usize> {
        (0..self.subcategories.len())
            .filter(|&s| {
                let (globals, functions) = &self.subcategories[s];
                match target {
                    Target::Global(id) | Target::Count(id) => globals.contains(id),
                    Target::Call(f, _) => functions.contains(f),
                }
            })
            .collect()
    }

    fn fork(&self, assumed: &[(Target, Value)]) -> Result<Evaluation<'p>, EvalError> {
        let mut ev = self.base.fork();
        let mut changed: HashSet<GlobalId> = HashSet::new();
        let mut called: HashSet<FnId> = HashSet::new();
        // The lists assumed longer, with the elements added at their end.
        let mut appended: HashMap<GlobalId, Vec<Value>> = HashMap::new();
        for (target, value) in assumed {
            match target {
                Target::Global(id) => {
                    ev.assume(*id, value.clone());
                    changed.insert(*id);
                }
                Target::Count(id) => {
                    let list = self.base.program.global(*id);
                    let mut items = ev.global(*id)?.as_list().to_vec();
                    let want = usize::try_from(value.as_number()).unwrap_or(0);
                    // One more element like the last; an empty list of records has no
                    // element to copy, and no change is tried.
                    let Some(filler) = items.last().cloned().or_else(|| element_of(&list.ty))
                    else {
                        return Err(EvalError::new("no element to count"));
                    };
                    let had = items.len();
                    items.resize(want, filler);
                    if want > had {
                        appended.insert(*id, items[had..].to_vec());
                    }
                    ev.assume(*id, Value::list(items));
                    changed.insert(*id);
                }
                Target::Call(function, args) => {
                    let args = arg_values(&mut ev, args)?;
                    ev.assume_call(*function, args, value.clone());
                    called.insert(*function);
                }
            }
        }
        // The values computed from those assumed, each after the values it reads.
        let mut after: Vec<usize> = Vec::new();
        for (target, _) in assumed {
            after.extend(self.dependents(target));
        }
        after.sort_by_key(|&g| (self.reach[g].0.len() + self.reach[g].1.len(), g));
        after.dedup();
        for g in after {
            let id = GlobalId(g as u32);
            let Some(old) = ev.memo[g].clone() else {
                continue;
            };
            let (globals, functions) = &self.direct[g];
            if !globals.iter().any(|x| changed.contains(x))
                && !functions.iter().any(|f| called.contains(f))
            {
                continue;
            }
            if let Some(added) = self.added(&mut ev, id, &changed, &called, &appended) {
                if !added.is_empty() {
                    let mut items = old.as_list().to_vec();
                    items.extend(added.iter().cloned());
                    ev.memo[g] = Some(Value::list(items));
                    appended.insert(id, added);
                    changed.insert(id);
                }
                continue;
            }
            ev.forget(id);
            match ev.global(id) {
                Ok(new) if new == old => {}
                Ok(_) => {
                    changed.insert(id);
                }
                Err(_) => {
                    // Left to fail where the designation reads it.
                    ev.forget(id);
                    changed.insert(id);
                }
            }
        }
        Ok(ev)
    }

    /// For a filter of a list assumed longer, whose condition reads nothing else that changed:
    /// the elements it adds, found by testing only the elements added to the list
    /// (`active_customers where segment = "enterprise"` with one more active customer is what
    /// it was, and that customer if it is enterprise). `None` for any other value, computed
    /// again whole.
    fn added(
        &self,
        ev: &mut Evaluation<'p>,
        id: GlobalId,
        changed: &HashSet<GlobalId>,
        called: &HashSet<FnId>,
        appended: &HashMap<GlobalId, Vec<Value>>,
    ) -> Option<Vec<Value>> {
        let program = self.base.program;
        let GlobalDef::Let(variants) = &program.global(id).def else {
            return None;
        };
        let body = &version(variants, ev.date)?.value;
        let Expr::Filter {
            list,
            slot,
            condition,
        } = &body.expr
        else {
            return None;
        };
        let Expr::Global(list) = list.as_ref() else {
            return None;
        };
        let added = appended.get(list)?;
        let (globals, functions) = closure(program, vec![condition], false);
        if globals.iter().any(|g| changed.contains(g))
            || functions.iter().any(|f| called.contains(f))
        {
            return None;
        }
        ev.with_frame(body.frame, |ev| {
            let mut kept = Vec::new();
            for item in added {
                ev.set_local(*slot, item.clone());
                if ev.eval(condition).ok()?.as_bool() {
                    kept.push(item.clone());
                }
            }
            Some(kept)
        })
    }

    /// The named values computed from a target, each after the values it reads (a value
    /// reads fewer values than any value computed from it).
    fn dependents(&self, target: &Target) -> Vec<usize> {
        let mut cache = self.dependents.borrow_mut();
        if let Some((_, found)) = cache.iter().find(|(t, _)| t == target) {
            return found.clone();
        }
        let found: Vec<usize> = (0..self.reach.len())
            .filter(|&g| {
                let (globals, functions) = &self.reach[g];
                match target {
                    Target::Global(id) | Target::Count(id) => {
                        id.0 as usize != g && globals.contains(id)
                    }
                    Target::Call(f, _) => functions.contains(f),
                }
            })
            .collect();
        cache.push((target.clone(), found.clone()));
        found
    }

    fn value(&self, target: &Target, assumed: &[(Target, Value)]) -> Result<Value, EvalError> {
        if let Some((_, v)) = assumed.iter().find(|(t, _)| t == target) {
            return Ok(v.clone());
        }
        target.value(&mut self.fork(assumed)?)
    }

    fn evaluate(&self, assumed: &[(Target, Value)]) -> Result<DesignationResult, EvalError> {
        self.fork(assumed)?.designation(self.d)
    }
}

/// A stand-in element for a list the rules count, when the list is empty: a value of the
/// element's type (none for records, whose fields a rule could read).
fn element_of(ty: &Type) -> Option<Value> {
    match ty {
        Type::List(inner) => sample(inner),
        _ => None,
    }
}

fn sample(ty: &Type) -> Option<Value> {
    match ty {
        Type::Bool => Some(Value::Bool(false)),
        Type::Number => Some(Value::Number(Decimal::ZERO)),
        Type::Text => Some(Value::text("")),
        Type::List(inner) => Some(Value::list(vec![sample(inner)?])),
        _ => None,
    }
}

/// The definitions of a named value (none for data and tables).
fn definitions(program: &Program, id: GlobalId) -> Vec<&Expr> {
    match &program.global(id).def {
        GlobalDef::Let(variants) => variants.iter().map(|v| &v.value.expr).collect(),
        _ => Vec::new(),
    }
}

/// The named values and functions expressions read: through the functions they call, and
/// with `deep`, through the named values they read too.
fn closure<'p>(
    program: &'p Program,
    mut work: Vec<&'p Expr>,
    deep: bool,
) -> (HashSet<GlobalId>, HashSet<FnId>) {
    let mut globals = HashSet::new();
    let mut functions = HashSet::new();
    while let Some(expr) = work.pop() {
        expr.walk(&mut |e| match e {
            Expr::Global(id) if globals.insert(*id) && deep => {
                if let GlobalDef::Let(variants) = &program.global(*id).def {
                    work.extend(variants.iter().map(|v| &v.value.expr));
                }
            }
            Expr::CallFn { function, .. } if functions.insert(*function) => {
                work.push(&program.function(*function).body.expr);
            }
            _ => {}
        });
    }
    (globals, functions)
}

/// The points each subcategory gained from `before` to `after`, and the gain of the total.
fn raises(d: &Designation, before: &DesignationResult, after: &DesignationResult) -> Vec<Raise> {
    let names = d
        .categories
        .iter()
        .flat_map(|c| c.subcategories.iter().map(|s| s.name.to_string()));
    names
        .zip(before.subcategories.iter().zip(&after.subcategories))
        .filter(|(_, (b, a))| a.points != b.points)
        .map(|(name, (b, a))| Raise {
            subcategory: name,
            points: Num(a.points - b.points),
        })
        .collect()
}

fn joined(raises: &[Raise]) -> String {
    raises
        .iter()
        .map(|r| r.subcategory.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn missing(
    program: &Program,
    base: &Evaluation<'_>,
    d: &Designation,
    result: &DesignationResult,
    texts: &Texts<'_>,
) -> Result<Missing, EvalError> {
    let points_short = result
        .threshold
        .filter(|t| *t > result.total)
        .map(|t| Num(t - result.total));
    let subcategories_at_zero = result
        .subcategories
        .iter()
        .filter(|s| s.points.is_zero())
        .map(|s| s.name.to_string())
        .collect();
    let date = base.date;
    let candidates = candidates(program, d, date, texts);
    let whatif = Whatif::new(program, base, d);
    let baseline = result.clone();
    // A value several subcategories read is a candidate of each: it is tried once.
    let mut distinct: Vec<usize> = Vec::new();
    let mut which: Vec<usize> = Vec::new();
    for (i, c) in candidates.iter().enumerate() {
        match distinct
            .iter()
            .position(|&j| candidates[j].target == c.target)
        {
            Some(k) => which.push(k),
            None => {
                which.push(distinct.len());
                distinct.push(i);
            }
        }
    }
    let trials = distinct
        .iter()
        .map(|&i| smallest_raise(&whatif, &baseline, &candidates[i].target, &[]))
        .collect::<Result<Vec<Trial>, EvalError>>()?;
    let mut moves = Vec::new();
    for (index, _) in in_force(d, date).enumerate() {
        // Of changes along one chain of values (`prerequisite_met(x)` is computed from
        // `people_holding(x)`) with the same gain, the one closest to the data.
        let mut found: Vec<(Move, Decimal, &Candidate)> = Vec::new();
        for (i, c) in candidates.iter().enumerate() {
            let trial = &trials[which[i]];
            let (true, Some((to, after))) = (c.subcategory == index, &trial.raise) else {
                continue;
            };
            let gain = after.subcategories[index].points - baseline.subcategories[index].points;
            if gain > Decimal::ZERO
                && found
                    .iter()
                    .all(|(_, g, other)| *g != gain || !related(c, other))
            {
                let raised = raises(d, &baseline, after);
                let step = Move {
                    subcategory: joined(&raised),
                    value: c.name.clone(),
                    from: brief(&trial.from),
                    to: brief(to),
                    gain: Num(after.total - baseline.total),
                    raises: raised,
                };
                found.push((step, gain, c));
            }
        }
        found.sort_by_key(|(_, gain, _)| std::cmp::Reverse(*gain));
        moves.extend(found.into_iter().take(3).map(|(m, ..)| m));
    }
    let (plan, plan_attains) = plan(&whatif, d, &baseline, &candidates, &distinct, trials)?;
    Ok(Missing {
        points_short,
        subcategories_at_zero,
        moves,
        plan,
        plan_attains,
    })
}

/// The values a designation's subcategories read that depend on the data, with numbers or
/// true/false as values: named values, the lists the rules count, and calls with fixed
/// arguments inside functions.
fn candidates(
    program: &Program,
    d: &Designation,
    date: NaiveDate,
    texts: &Texts<'_>,
) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (index, sub) in in_force(d, date).enumerate() {
        let (globals, calls) = reached(program, vec![(&sub.points, Vec::new())]);
        let counted = counted_lists(program, &globals, &sub.points);
        for id in globals {
            let input_list =
                counted.contains(&id) && matches!(program.global(id).def, GlobalDef::Input { .. });
            if input_list {
                out.push(Candidate {
                    target: Target::Count(id),
                    name: format!("count({})", program.global(id).name),
                    subcategory: index,
                    depth: 1,
                    reach: (vec![id], Vec::new()),
                });
                continue;
            }
            if matches!(&sub.points, Expr::Global(g) if *g == id)
                || !matches!(program.global(id).def, GlobalDef::Let(_))
                || !reads_input(program, [id])
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
            let target = if counted.contains(&id) {
                Target::Count(id)
            } else if is_parameter(program, id) {
                continue;
            } else {
                Target::Global(id)
            };
            let name = match target {
                Target::Count(_) => format!("count({name})"),
                _ => name,
            };
            out.push(Candidate {
                target,
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

/// The named lists that a subcategory's rules count (`count(counted_deployments)`): one more
/// element is a change a partner can make.
fn counted_lists(program: &Program, globals: &[GlobalId], points: &Expr) -> Vec<GlobalId> {
    let mut out = Vec::new();
    let mut look = |expr: &Expr| {
        expr.walk(&mut |e| {
            if let Expr::Call {
                builtin: Builtin::Count,
                args,
                ..
            } = e
            {
                if let Some(Expr::Global(id)) = args.first() {
                    if !program.global(*id).hidden && !out.contains(id) {
                        out.push(*id);
                    }
                }
            }
        })
    };
    look(points);
    for id in globals {
        if let GlobalDef::Let(variants) = &program.global(*id).def {
            for v in variants {
                look(&v.value.expr);
            }
        }
    }
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
        Target::Global(id) | Target::Count(id) => reach.0.contains(id),
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

/// The smallest raise of a value found: the value as it is, and the value raised to with the
/// designation's result then (none when no raise tried changes the result).
#[derive(Clone)]
struct Trial {
    from: Value,
    raise: Option<(Value, DesignationResult)>,
}

/// The smallest raise of a value that changes the designation's result: true for a false
/// condition, one more for a count, the next whole number for a percentage.
fn smallest_raise(
    whatif: &Whatif<'_, '_>,
    before: &DesignationResult,
    target: &Target,
    assumed: &[(Target, Value)],
) -> Result<Trial, EvalError> {
    let current = whatif.value(target, assumed)?;
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
        let Ok(after) = whatif.evaluate(&with) else {
            continue;
        };
        if after.total > before.total || zeros(&after) < zeros(before) {
            return Ok(Trial {
                from: current,
                raise: Some((value, after)),
            });
        }
    }
    Ok(Trial {
        from: current,
        raise: None,
    })
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
/// designation is attained or no change helps; at most 40 changes. Each change is labelled
/// with the subcategories it raised, whichever subcategory led to it.
///
/// Each round needs the smallest raise of every value against the changes made so far. A
/// change leaves what raising another value does as it was when the two values reach no
/// subcategory in common (the total is the sum of the subcategories' points), so a round
/// tries again only the values that share a subcategory with the last change; the rest keep
/// what they were found to do (`trials` holds what each of `distinct` does on the data).
fn plan(
    whatif: &Whatif<'_, '_>,
    d: &Designation,
    baseline: &DesignationResult,
    candidates: &[Candidate],
    distinct: &[usize],
    trials: Vec<Trial>,
) -> Result<(Vec<Move>, bool), EvalError> {
    let mut assumed: Vec<(Target, Value)> = Vec::new();
    let mut current = baseline.clone();
    let reached: Vec<Vec<usize>> = distinct
        .iter()
        .map(|&i| whatif.reached_by(&candidates[i].target))
        .collect();
    // Per value: (from, to, points gained, subcategories lifted from 0), or none found.
    type Found = Option<(Value, Value, Decimal, i64)>;
    let found = |trial: Trial, before: &DesignationResult| -> Found {
        let (to, after) = trial.raise?;
        let lifted = zeros(before) as i64 - zeros(&after) as i64;
        Some((trial.from, to, after.total - before.total, lifted))
    };
    let mut known: Vec<Option<Found>> = trials
        .into_iter()
        .map(|t| Some(found(t, baseline)))
        .collect();
    // Per candidate changed: (candidate, from, to, raises).
    let mut steps: Vec<(usize, Value, Value, Vec<Raise>)> = Vec::new();
    for _ in 0..40 {
        if current.attained {
            break;
        }
        let mut best: Option<(i64, usize)> = None;
        for (k, &i) in distinct.iter().enumerate() {
            if known[k].is_none() {
                let trial = smallest_raise(whatif, &current, &candidates[i].target, &assumed)?;
                known[k] = Some(found(trial, &current));
            }
            let Some(Some((_, _, gain, lifted))) = &known[k] else {
                continue;
            };
            let score = i64::try_from(gain.trunc()).unwrap_or(0) + 100 * lifted;
            if score > 0 && best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((score, k));
            }
        }
        let Some((_, k)) = best else { break };
        let Some(Some((from, to, ..))) = known[k].clone() else {
            break;
        };
        let i = distinct[k];
        assumed.retain(|(t, _)| *t != candidates[i].target);
        assumed.push((candidates[i].target.clone(), to.clone()));
        let after = whatif.evaluate(&assumed)?;
        let raised = raises(d, &current, &after);
        match steps.iter_mut().find(|(j, ..)| *j == i) {
            Some(step) => {
                step.2 = to;
                for r in raised {
                    match step.3.iter_mut().find(|x| x.subcategory == r.subcategory) {
                        Some(x) => x.points = Num(x.points.0 + r.points.0),
                        None => step.3.push(r),
                    }
                }
            }
            None => steps.push((i, from, to, raised)),
        }
        current = after;
        for (other, slot) in reached.iter().zip(&mut known) {
            if other.iter().any(|s| reached[k].contains(s)) {
                *slot = None;
            }
        }
    }
    let moves = steps
        .into_iter()
        .map(|(i, from, to, raised)| Move {
            subcategory: joined(&raised),
            value: candidates[i].name.clone(),
            from: brief(&from),
            to: brief(&to),
            gain: Num(raised.iter().map(|r| r.points.0).sum()),
            raises: raised,
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
