//! How points are earned, in words, generated from the points expression: `clamp(net_adds, 0,
//! max_adds) * points_per_add` reads "10 points per net add, at most 3; fewer than 0 counts as
//! 0". Names read as words (`net_customer_adds`, "net customer adds"); a value fixed on the
//! path (a constant, or a `case` on the path) is written as its number.

use rust_decimal::Decimal;

use crate::analysis::ranges::Ranges;
use crate::ir::builtins::Builtin;
use crate::ir::{Arith, Compare, Expr, GlobalDef, Program};

pub struct Words<'p> {
    program: &'p Program,
    ranges: Ranges<'p>,
    /// The words for the parameters of the function being read.
    params: Vec<String>,
    depth: usize,
    /// The day whose versions of dated values are read (every version's, if none).
    date: Option<chrono::NaiveDate>,
}

impl<'p> Words<'p> {
    pub fn new(program: &'p Program, ranges: Ranges<'p>) -> Words<'p> {
        Words {
            program,
            ranges,
            params: Vec::new(),
            depth: 0,
            date: None,
        }
    }

    /// Reads the versions in force on `date`.
    pub fn on(mut self, date: Option<chrono::NaiveDate>) -> Words<'p> {
        self.date = date;
        self
    }

    /// How points are earned, as a sentence.
    pub fn points(&mut self, expr: &Expr) -> String {
        let mut text = self.points_of(expr);
        if let Some(first) = text.get(..1) {
            text = first.to_uppercase() + &text[1..];
        }
        text + "."
    }

    fn fixed(&mut self, expr: &Expr) -> Option<Decimal> {
        if !self.params.is_empty() && reads_local(expr) {
            return None;
        }
        let r = self.ranges.of(expr);
        match (r.lo, r.hi) {
            (Some(a), Some(b)) if a == b => Some(a.normalize()),
            _ => None,
        }
    }

    fn points_of(&mut self, expr: &Expr) -> String {
        self.depth += 1;
        let text = if self.depth > 12 {
            "as the rule code says".to_string()
        } else {
            self.points_inner(expr)
        };
        self.depth -= 1;
        text
    }

    fn points_inner(&mut self, expr: &Expr) -> String {
        if let Some(n) = self.fixed(expr) {
            return plural(n, "point");
        }
        match expr {
            Expr::Global(id) => match self.definition(*id) {
                Some(body) => self.points_of(body),
                None => self.noun(expr),
            },
            Expr::Arith(Arith::Mul, a, b, _) => {
                let (rate, per) = match (self.fixed(a), self.fixed(b)) {
                    (_, Some(k)) => (k, a.as_ref()),
                    (Some(k), _) => (k, b.as_ref()),
                    _ => return format!("{} times {}", self.noun(a), self.noun(b)),
                };
                let (unit, limits) = self.counted(per);
                format!("{} per {}{limits}", plural(rate, "point"), singular(&unit))
            }
            Expr::Arith(Arith::Add, a, b, _) => match (self.fixed(a), self.fixed(b)) {
                (Some(z), _) if z.is_zero() => self.points_of(b),
                (_, Some(z)) if z.is_zero() => self.points_of(a),
                _ => format!("{}; plus {}", self.points_of(a), self.points_of(b)),
            },
            Expr::If(c, a, b) => {
                let condition = self.condition(c);
                let then = self.points_of(a);
                let otherwise = self.points_of(b);
                format!("({then} when {condition}; otherwise {otherwise})")
            }
            Expr::Call {
                builtin: Builtin::Clamp | Builtin::Min | Builtin::Floor,
                ..
            } => {
                let (unit, limits) = self.counted(expr);
                format!("1 point per {}{limits}", singular(&unit))
            }
            Expr::CallFn { function, args, .. } => {
                let function = self.program.function(*function);
                let words: Vec<String> = args.iter().map(|a| self.noun(a)).collect();
                let saved = std::mem::replace(&mut self.params, words);
                let text = self.points_of(&function.body.expr);
                self.params = saved;
                text
            }
            other => self.noun(other),
        }
    }

    /// What a number of points is counted in, and its limits: `clamp(x, 0, 3)` is "x" with
    /// ", at most 3; fewer than 0 counts as 0".
    fn counted(&mut self, expr: &Expr) -> (String, String) {
        match expr {
            Expr::Call { builtin, args, .. } => match (builtin, args.as_slice()) {
                (Builtin::Clamp, [x, lo, hi]) => {
                    let (unit, inner) = self.counted(x);
                    let mut limits = inner;
                    if let Some(hi) = self.fixed(hi) {
                        limits.push_str(&format!(", at most {hi}"));
                    }
                    if let Some(lo) = self.fixed(lo) {
                        limits.push_str(&format!("; fewer than {lo} counts as {lo}"));
                    }
                    (unit, limits)
                }
                (Builtin::Min, [x, cap]) | (Builtin::Min, [cap, x])
                    if self.fixed(cap).is_some() =>
                {
                    let (unit, inner) = self.counted(x);
                    let cap = self.fixed(cap).unwrap_or_default();
                    (unit, format!("{inner}, at most {cap}"))
                }
                (Builtin::Floor, [x]) => {
                    let (unit, inner) = self.counted(x);
                    (format!("whole {unit}"), inner)
                }
                (Builtin::Count, [list]) => (self.noun(list), String::new()),
                _ => (self.noun(expr), String::new()),
            },
            other => (self.noun(other), String::new()),
        }
    }

    /// A condition in words.
    fn condition(&mut self, expr: &Expr) -> String {
        match expr {
            Expr::And(a, b) => format!("{} and {}", self.condition(a), self.condition(b)),
            Expr::Or(a, b) => format!("{} or {}", self.condition(a), self.condition(b)),
            Expr::Not(a) => format!("not ({})", self.condition(a)),
            Expr::Compare(op, a, b) => {
                let word = match op {
                    Compare::Eq => "is",
                    Compare::Ne => "is not",
                    Compare::Lt => "is less than",
                    Compare::Le => "is at most",
                    Compare::Gt => "is more than",
                    Compare::Ge => "is at least",
                };
                format!("{} {word} {}", self.noun(a), self.noun(b))
            }
            other => self.noun(other),
        }
    }

    /// A value in words: its number when it is fixed, its name as words otherwise.
    fn noun(&mut self, expr: &Expr) -> String {
        if let Some(n) = self.fixed(expr) {
            return n.to_string();
        }
        match expr {
            Expr::Global(id) => {
                let global = self.program.global(*id);
                match (&global.def, global.hidden) {
                    (GlobalDef::Let(variants), true) => {
                        let expr = &variants[0].value.expr;
                        self.noun(expr)
                    }
                    _ => human(&global.name),
                }
            }
            Expr::Local(slot) => self
                .params
                .get(*slot as usize)
                .cloned()
                .unwrap_or_else(|| "each one".into()),
            Expr::Const(v) => v.to_string(),
            Expr::Call { builtin, args, .. } => {
                let args: Vec<String> = args.iter().map(|a| self.noun(a)).collect();
                match builtin {
                    Builtin::Count => format!("the number of {}", args.join(", ")),
                    _ => format!("{} of {}", builtin.name(), args.join(" and ")),
                }
            }
            Expr::CallFn { function, args, .. } => {
                let args: Vec<String> = args.iter().map(|a| self.noun(a)).collect();
                format!(
                    "{} {}",
                    human(&self.program.function(*function).name),
                    args.join(" and ")
                )
            }
            Expr::Arith(op, a, b, _) => {
                let word = match op {
                    Arith::Add | Arith::MonthPlus | Arith::DatePlus => "plus",
                    Arith::Mul => "times",
                    Arith::Div => "divided by",
                    _ => "minus",
                };
                format!("{} {word} {}", self.noun(a), self.noun(b))
            }
            other => self.condition_or_value(other),
        }
    }

    fn condition_or_value(&mut self, expr: &Expr) -> String {
        match expr {
            Expr::And(..) | Expr::Or(..) | Expr::Not(_) | Expr::Compare(..) => self.condition(expr),
            Expr::If(c, a, b) => format!(
                "{} when {}, otherwise {}",
                self.noun(a),
                self.condition(c),
                self.noun(b)
            ),
            _ => "a value (see the rule code)".into(),
        }
    }

    /// The definition of a named value the rules compute, when it is not fixed.
    fn definition(&self, id: crate::ir::types::GlobalId) -> Option<&'p Expr> {
        match &self.program.global(id).def {
            GlobalDef::Let(variants) => match self.date {
                Some(date) => crate::ir::in_force(variants, date).map(|v| &v.value.expr),
                None if variants.len() == 1 => Some(&variants[0].value.expr),
                None => None,
            },
            _ => None,
        }
    }
}

fn reads_local(expr: &Expr) -> bool {
    expr.find(|e| matches!(e, Expr::Local(_))).is_some()
}

/// `net_customer_adds` as "net customer adds".
pub fn human(name: &str) -> String {
    name.replace('_', " ")
}

/// "net customer adds" as "net customer add".
fn singular(noun: &str) -> String {
    match noun.strip_suffix('s') {
        Some(stem) if !noun.ends_with("ss") && !stem.is_empty() => stem.to_string(),
        _ => noun.to_string(),
    }
}

fn plural(n: Decimal, word: &str) -> String {
    if n == Decimal::ONE {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
