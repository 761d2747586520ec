//! Ranges: the least and greatest value an expression can have, found without data. The
//! consistency lints use them to see whether a points expression can reach its subcategory's
//! maximum, or exceed it.
//!
//! Values that can only be one of a few texts (a path, "smb" or "enterprise") are tried one by
//! one, so `case path when "smb" then 4 when "enterprise" then 0` is 4 on one path and 0 on the
//! other rather than "0 to 4" on both.

use std::collections::BTreeSet;

use rustc_hash::FxHashMap;

use rust_decimal::Decimal;

use crate::ir::builtins::Builtin;
use crate::ir::types::{GlobalId, Type};
use crate::ir::value::Value;
use crate::ir::{Arith, Compare, Expr, FnId, GlobalDef, Program};

/// A closed range; `None` is unbounded on that side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Range {
    pub lo: Option<Decimal>,
    pub hi: Option<Decimal>,
}

impl Range {
    pub const ANY: Range = Range { lo: None, hi: None };

    pub fn exactly(n: Decimal) -> Range {
        Range {
            lo: Some(n),
            hi: Some(n),
        }
    }

    fn at_least(n: Decimal) -> Range {
        Range {
            lo: Some(n),
            hi: None,
        }
    }

    pub fn union(self, other: Range) -> Range {
        Range {
            lo: both(self.lo, other.lo, Decimal::min),
            hi: both(self.hi, other.hi, Decimal::max),
        }
    }

    fn add(self, o: Range) -> Range {
        Range {
            lo: lift(self.lo, o.lo, Decimal::checked_add),
            hi: lift(self.hi, o.hi, Decimal::checked_add),
        }
    }

    fn sub(self, o: Range) -> Range {
        Range {
            lo: lift(self.lo, o.hi, Decimal::checked_sub),
            hi: lift(self.hi, o.lo, Decimal::checked_sub),
        }
    }

    fn mul(self, o: Range) -> Range {
        // Bounded ranges multiply corner by corner; an unbounded side stays unknown unless both
        // sides are at least 0.
        match (self.lo, self.hi, o.lo, o.hi) {
            (Some(a), Some(b), Some(c), Some(d)) => {
                // A corner too large for a decimal leaves the range unknown.
                let corners: Option<Vec<Decimal>> = [(a, c), (a, d), (b, c), (b, d)]
                    .into_iter()
                    .map(|(x, y)| x.checked_mul(y))
                    .collect();
                match corners {
                    Some(corners) => Range {
                        lo: corners.iter().copied().min(),
                        hi: corners.iter().copied().max(),
                    },
                    None => Range::ANY,
                }
            }
            (Some(a), hi1, Some(c), hi2) if a >= Decimal::ZERO && c >= Decimal::ZERO => Range {
                lo: a.checked_mul(c),
                hi: lift(hi1, hi2, Decimal::checked_mul),
            },
            _ => Range::ANY,
        }
    }

    fn min(self, o: Range) -> Range {
        Range {
            lo: lift(self.lo, o.lo, |a, b| Some(a.min(b))),
            hi: either(self.hi, o.hi, Decimal::min),
        }
    }

    fn max(self, o: Range) -> Range {
        Range {
            lo: either(self.lo, o.lo, Decimal::max),
            hi: lift(self.hi, o.hi, |a, b| Some(a.max(b))),
        }
    }
}

fn lift(
    a: Option<Decimal>,
    b: Option<Decimal>,
    f: impl Fn(Decimal, Decimal) -> Option<Decimal>,
) -> Option<Decimal> {
    f(a?, b?)
}

/// For the side of `min` (or `max`) that one bounded operand already bounds.
fn either(
    a: Option<Decimal>,
    b: Option<Decimal>,
    f: impl Fn(Decimal, Decimal) -> Decimal,
) -> Option<Decimal> {
    match (a, b) {
        (Some(x), Some(y)) => Some(f(x, y)),
        (Some(x), None) | (None, Some(x)) => Some(x),
        (None, None) => None,
    }
}

fn both(
    a: Option<Decimal>,
    b: Option<Decimal>,
    f: impl Fn(Decimal, Decimal) -> Decimal,
) -> Option<Decimal> {
    Some(f(a?, b?))
}

/// Values assumed for texts of a few possible values, such as `partner_path = "smb"`.
pub type Assumption = Vec<(GlobalId, String)>;

/// Each combination of the values of `choices`, texts of few values such as a path (at most
/// 64 combinations; more are not split).
pub fn scenarios(program: &Program, choices: &BTreeSet<GlobalId>) -> Vec<Assumption> {
    let mut out: Vec<Assumption> = vec![Vec::new()];
    for &id in choices {
        let Type::Choice(choice) = &program.global(id).ty else {
            continue;
        };
        if out.len() * choice.values.len() > 64 {
            break;
        }
        out = out
            .into_iter()
            .flat_map(|a| {
                choice.values.iter().map(move |v| {
                    let mut a = a.clone();
                    a.push((id, v.clone()));
                    a
                })
            })
            .collect();
    }
    out
}

/// How many function bodies one `Ranges` works through: calls whose arguments differ each
/// time (`f(x + 1) + f(x + 2)`, nested) could take exponential time; past this, a call's range
/// is unknown, which only makes the checks that use it say less.
const MOST_CALLS: usize = 10_000;

/// Computes ranges under one assumption.
pub struct Ranges<'p> {
    program: &'p Program,
    assume: Assumption,
    /// The day whose versions of dated values count; without one, every version.
    date: Option<chrono::NaiveDate>,
    memo: FxHashMap<GlobalId, Range>,
    /// The range of a function's result for the ranges of its arguments.
    calls: FxHashMap<(FnId, Vec<Range>), Range>,
    depth: usize,
}

impl<'p> Ranges<'p> {
    pub fn new(program: &'p Program, assume: Assumption) -> Ranges<'p> {
        Ranges::on(program, assume, None)
    }

    /// Ranges with the versions of dated values in force on `date` (every version without).
    pub fn on(
        program: &'p Program,
        assume: Assumption,
        date: Option<chrono::NaiveDate>,
    ) -> Ranges<'p> {
        Ranges {
            program,
            assume,
            date,
            memo: FxHashMap::default(),
            calls: FxHashMap::default(),
            depth: 0,
        }
    }

    pub fn of(&mut self, expr: &Expr) -> Range {
        self.range(expr, &[])
    }

    fn assumed<'a>(&'a self, expr: &'a Expr) -> Option<&'a str> {
        match expr {
            Expr::Global(id) => self
                .assume
                .iter()
                .find(|(g, _)| g == id)
                .map(|(_, v)| v.as_str()),
            Expr::Const(Value::Text(t)) => Some(t),
            _ => None,
        }
    }

    /// Whether a condition is known under the assumption.
    fn decide(&self, condition: &Expr) -> Option<bool> {
        match condition {
            Expr::Compare(op @ (Compare::Eq | Compare::Ne), a, b) => {
                let (x, y) = (self.assumed(a)?, self.assumed(b)?);
                Some((x == y) == (*op == Compare::Eq))
            }
            Expr::Const(Value::Bool(b)) => Some(*b),
            Expr::Not(inner) => self.decide(inner).map(|b| !b),
            _ => None,
        }
    }

    fn range(&mut self, expr: &Expr, locals: &[(u32, Range)]) -> Range {
        self.depth += 1;
        let result = if self.depth > 64 {
            Range::ANY
        } else {
            self.range_of(expr, locals)
        };
        self.depth -= 1;
        result
    }

    fn range_of(&mut self, expr: &Expr, locals: &[(u32, Range)]) -> Range {
        match expr {
            Expr::Const(Value::Number(n)) => Range::exactly(*n),
            Expr::Local(slot) => locals
                .iter()
                .find(|(s, _)| s == slot)
                .map_or(Range::ANY, |(_, r)| *r),
            Expr::Global(id) => self.global(*id),
            Expr::Neg(e, _) => {
                let r = self.range(e, locals);
                Range {
                    lo: r.hi.map(|h| -h),
                    hi: r.lo.map(|l| -l),
                }
            }
            Expr::Arith(op, a, b, _) => {
                let (x, y) = (self.range(a, locals), self.range(b, locals));
                match op {
                    Arith::Add => x.add(y),
                    Arith::Sub => x.sub(y),
                    Arith::Mul => x.mul(y),
                    _ => Range::ANY,
                }
            }
            Expr::If(c, a, b) => match self.decide(c) {
                Some(true) => self.range(a, locals),
                Some(false) => self.range(b, locals),
                None => self.range(a, locals).union(self.range(b, locals)),
            },
            Expr::Case {
                subject,
                arms,
                otherwise,
                ..
            } => {
                if let Some(value) = self.assumed(subject).map(str::to_string) {
                    for (when, then) in arms {
                        if self.assumed(when) == Some(value.as_str()) {
                            return self.range(then, locals);
                        }
                    }
                    return otherwise
                        .as_ref()
                        .map_or(Range::ANY, |o| self.range(o, locals));
                }
                let mut all: Option<Range> = None;
                for (_, then) in arms {
                    let r = self.range(then, locals);
                    all = Some(all.map_or(r, |a| a.union(r)));
                }
                if let Some(o) = otherwise {
                    let r = self.range(o, locals);
                    all = Some(all.map_or(r, |a| a.union(r)));
                }
                all.unwrap_or(Range::ANY)
            }
            Expr::Call { builtin, args, .. } => self.call(*builtin, args, locals),
            Expr::CallFn { function, args, .. } => {
                let arguments: Vec<Range> = args.iter().map(|a| self.range(a, locals)).collect();
                let key = (*function, arguments);
                if let Some(r) = self.calls.get(&key) {
                    return *r;
                }
                if self.calls.len() >= MOST_CALLS {
                    return Range::ANY;
                }
                let inner: Vec<(u32, Range)> = (0..).zip(key.1.iter().copied()).collect();
                let f = self.program.function(*function);
                let body = &self.date.map_or(&f.body, |d| f.body_on(d)).expr;
                let r = self.range(body, &inner);
                self.calls.insert(key, r);
                r
            }
            Expr::Binder {
                kind: crate::syntax::ast::BinderKind::Min | crate::syntax::ast::BinderKind::Max,
                body,
                ..
            } => self.range(body, &[]),
            Expr::TableGet { table, .. } => self.table(*table),
            _ => Range::ANY,
        }
    }

    fn global(&mut self, id: GlobalId) -> Range {
        if let Some(r) = self.memo.get(&id) {
            return *r;
        }
        if self.assume.iter().any(|(g, _)| *g == id) {
            return Range::ANY;
        }
        self.memo.insert(id, Range::ANY);
        let program = self.program;
        let r = match &program.global(id).def {
            GlobalDef::Let(variants) => {
                let mut all: Option<Range> = None;
                let in_force = self.date.map(|d| crate::ir::in_force(variants, d));
                let counted = match in_force {
                    None => variants.iter().collect(),
                    Some(v) => v.into_iter().collect::<Vec<_>>(),
                };
                for v in counted {
                    let r = self.range(&v.value.expr, &[]);
                    all = Some(all.map_or(r, |a| a.union(r)));
                }
                all.unwrap_or(Range::ANY)
            }
            _ => Range::ANY,
        };
        self.memo.insert(id, r);
        r
    }

    fn table(&self, id: GlobalId) -> Range {
        let GlobalDef::Table(variants) = &self.program.global(id).def else {
            return Range::ANY;
        };
        let counted: Vec<_> = match self.date {
            None => variants.iter().collect(),
            Some(d) => crate::ir::in_force(variants, d).into_iter().collect(),
        };
        let cells = counted.iter().flat_map(|v| v.value.cells.iter().copied());
        let (lo, hi) = cells.fold(
            (None, None),
            |(lo, hi): (Option<Decimal>, Option<Decimal>), c| {
                (
                    Some(lo.map_or(c, |l| l.min(c))),
                    Some(hi.map_or(c, |h| h.max(c))),
                )
            },
        );
        Range { lo, hi }
    }

    fn call(&mut self, builtin: Builtin, args: &[Expr], locals: &[(u32, Range)]) -> Range {
        let r: Vec<Range> = args.iter().map(|a| self.range(a, locals)).collect();
        match builtin {
            Builtin::Count => Range::at_least(Decimal::ZERO),
            Builtin::Min if r.len() > 1 => r.iter().skip(1).fold(r[0], |a, b| a.min(*b)),
            Builtin::Max if r.len() > 1 => r.iter().skip(1).fold(r[0], |a, b| a.max(*b)),
            Builtin::Clamp => r[0].max(r[1]).min(r[2]),
            Builtin::Floor => Range {
                lo: r[0].lo.map(|d| d.floor()),
                hi: r[0].hi.map(|d| d.floor()),
            },
            Builtin::Ceil => Range {
                lo: r[0].lo.map(|d| d.ceil()),
                hi: r[0].hi.map(|d| d.ceil()),
            },
            Builtin::Abs => Range::at_least(Decimal::ZERO),
            _ => Range::ANY,
        }
    }
}

/// A range in words: "0 to 20", "at least 4", "any number".
pub fn describe(r: Range) -> String {
    match (r.lo, r.hi) {
        (Some(a), Some(b)) if a == b => format!("always {}", a.normalize()),
        (Some(a), Some(b)) => format!("{} to {}", a.normalize(), b.normalize()),
        (Some(a), None) => format!("at least {}", a.normalize()),
        (None, Some(b)) => format!("at most {}", b.normalize()),
        (None, None) => "any number".to_string(),
    }
}
