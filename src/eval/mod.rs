//! Evaluation: runs the checked program on one input record.
//!
//! Named values are computed when first needed and remembered for the rest of the record,
//! so the rules the three designations share are computed once per partner.

pub(crate) mod budget;
pub mod builtins;
mod calls;
pub mod coverage;
pub mod designation;
mod exact;
mod expr;
mod locals;
mod lookups;
mod reason;

use std::sync::Arc;

use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::Decimal;

use crate::ir::types::GlobalId;
use crate::ir::value::{Month, RecordValue, Value};
use crate::ir::{
    Arith, Compare, FnId, GlobalDef, KindId, Program, Variant, evaluation_date, in_force,
};
use crate::source::Span;
pub use budget::Budget;

/// A rule that failed on this data: a division by zero, an overflow, a missing map entry.
/// Boxed, so that the results every expression returns stay small.
#[derive(Debug, Clone)]
pub struct EvalError(Box<EvalErrorDetail>);

#[derive(Debug, Clone)]
pub struct EvalErrorDetail {
    pub message: String,
    pub help: Option<String>,
    pub span: Option<Span>,
    /// The record ran out of its evaluation budget (see [`Budget`]).
    pub over_budget: bool,
    /// The rule that was running has been named in the message.
    pub rule_named: bool,
}

impl std::ops::Deref for EvalError {
    type Target = EvalErrorDetail;

    fn deref(&self) -> &EvalErrorDetail {
        &self.0
    }
}

impl std::ops::DerefMut for EvalError {
    fn deref_mut(&mut self) -> &mut EvalErrorDetail {
        &mut self.0
    }
}

impl EvalError {
    pub fn new(message: impl Into<String>) -> EvalError {
        EvalError(Box::new(EvalErrorDetail {
            message: message.into(),
            help: None,
            span: None,
            over_budget: false,
            rule_named: false,
        }))
    }

    pub fn help(mut self, help: impl Into<String>) -> EvalError {
        self.help = Some(help.into());
        self
    }

    pub(crate) fn at(mut self, span: Span) -> EvalError {
        self.span.get_or_insert(span);
        self
    }

    pub(crate) fn overflow() -> EvalError {
        EvalError::new("a number is too large or too precise to compute exactly (more than 28 significant digits)")
            .help("check the data for an absurd amount or too many decimals, or the rule for a runaway multiplication")
    }
}

/// The evaluation of one input record.
pub struct Evaluation<'p> {
    pub program: &'p Program,
    pub kind: KindId,
    pub input: Arc<RecordValue>,
    /// The evaluation date: which dated versions are in force.
    pub date: NaiveDate,
    /// Whether results say why (the path's reason); tables want it, batches of JSON do not.
    pub reasons: bool,
    /// What the evaluation exercised, when a test run asks for coverage.
    pub coverage: Option<Box<coverage::Coverage>>,
    pub(crate) memo: Vec<Option<Value>>,
    calls: calls::Calls,
    stack: Vec<locals::Local>,
    base: usize,
    /// The lists walked by the loops in progress, innermost last.
    walks: Vec<Arc<Vec<Value>>>,
    /// The arguments of the calls in progress.
    args: Vec<Value>,
    /// What is left of the record's budget.
    left: budget::Left,
    /// Long lists searched with `in`, hashed (see `member`).
    sets: Vec<(Arc<Vec<Value>>, rustc_hash::FxHashSet<Value>)>,
}

impl<'p> Evaluation<'p> {
    /// The evaluation of `input` as of its own evaluation date, or `as_of` when it has none.
    pub fn new(
        program: &'p Program,
        kind: KindId,
        input: Arc<RecordValue>,
        as_of: NaiveDate,
    ) -> Evaluation<'p> {
        let date = evaluation_date(program, kind, &input, as_of);
        Evaluation {
            program,
            kind,
            input,
            date,
            reasons: false,
            coverage: None,
            memo: vec![None; program.globals.len()],
            calls: calls::Calls::default(),
            stack: Vec::new(),
            base: 0,
            walks: Vec::new(),
            args: Vec::new(),
            left: budget::Left::new(program.budget),
            sets: Vec::new(),
        }
    }

    /// The value of a named value, computed once.
    pub fn global(&mut self, id: GlobalId) -> Result<Value, EvalError> {
        if let Some(value) = &self.memo[id.0 as usize] {
            return Ok(value.clone());
        }
        let program = self.program;
        let global = program.global(id);
        let value = match &global.def {
            GlobalDef::Input { field, kind } => {
                let value = self.input.fields[*field as usize].clone();
                let shape = &program.record(program.kind(*kind).record).fields[*field as usize];
                if matches!(value, Value::Absent)
                    && !shape.optional
                    && !shape.period.contains(self.date)
                {
                    // A dated field outside its dates: left out of the data, so no value.
                    return Err(EvalError::new(format!(
                        "`{}` is not in the data on {}: the data has it {}",
                        global.name,
                        self.date,
                        shape.period.describe().unwrap_or_default()
                    ))
                    .help("read the field only in versions of the rules in force when the data has it")
                    .at(shape.span));
                }
                value
            }
            GlobalDef::Let(variants) => {
                let variant = in_force(variants, self.date)
                    .ok_or_else(|| not_in_force(&global.name, variants, self.date))?;
                self.with_frame(variant.value.frame, |ev| ev.eval(&variant.value.expr))
                    .map_err(|e| match global.hidden {
                        true => e,
                        false => budget::name_rule(e, "", &global.name, variant.span),
                    })?
            }
            GlobalDef::Table(_) => unreachable!("tables are read through TableGet"),
        };
        self.memo[id.0 as usize] = Some(value.clone());
        Ok(value)
    }

    /// Takes `value` as the value of a named value, as if the rules had computed it: what
    /// `tally explain` uses to ask "what if one more customer had been added".
    pub fn assume(&mut self, id: GlobalId, value: Value) {
        self.memo[id.0 as usize] = Some(value);
    }

    /// A new evaluation of the same record that starts with the values this one computed:
    /// `tally explain` forgets the few that a change it tries would move, and keeps the rest.
    pub fn fork(&self) -> Evaluation<'p> {
        let mut fork = Evaluation::new(self.program, self.kind, self.input.clone(), self.date);
        fork.date = self.date;
        fork.memo = self.memo.clone();
        fork
    }

    /// Forgets the value of a named value, to compute it again when next needed.
    pub fn forget(&mut self, id: GlobalId) {
        self.memo[id.0 as usize] = None;
    }

    /// Takes `value` as what `function` gives for `args`, wherever it is called with them: a
    /// call inside a function has no name to `assume` a value for.
    pub fn assume_call(&mut self, function: FnId, args: Vec<Value>, value: Value) {
        self.calls.assume(function, args, value);
    }

    /// What `function` gives for `args`.
    pub fn call(&mut self, function: FnId, args: Vec<Value>) -> Result<Value, EvalError> {
        let top = self.args.len();
        self.args.extend(args);
        self.call_with_arguments(function, top)
    }

    pub(crate) fn table(&self, id: GlobalId) -> Result<Arc<crate::ir::TableData>, EvalError> {
        let global = self.program.global(id);
        match &global.def {
            GlobalDef::Table(variants) => in_force(variants, self.date)
                .map(|v| v.value.clone())
                .ok_or_else(|| not_in_force(&global.name, variants, self.date)),
            _ => unreachable!("the checker only lets tables be indexed as tables"),
        }
    }
}

fn not_in_force<T>(name: &str, variants: &[Variant<T>], date: NaiveDate) -> EvalError {
    let first = variants.first().and_then(|v| v.from);
    let mut error = EvalError::new(format!("no version of `{name}` is in force on {date}"));
    if let Some(first) = first {
        error = error.help(format!(
            "the first version takes effect on {first}; evaluate a later date"
        ));
    }
    if let Some(v) = variants.first() {
        error = error.at(v.span);
    }
    error
}

pub(crate) fn compare(op: Compare, a: &Value, b: &Value) -> bool {
    match op {
        Compare::Eq => a == b,
        Compare::Ne => a != b,
        Compare::Lt => a.cmp_key(b).is_lt(),
        Compare::Le => a.cmp_key(b).is_le(),
        Compare::Gt => a.cmp_key(b).is_gt(),
        Compare::Ge => a.cmp_key(b).is_ge(),
    }
}

pub(crate) fn arith(op: Arith, a: &Value, b: &Value) -> Result<Value, EvalError> {
    let whole = |n: Decimal| -> Result<i64, EvalError> {
        if n.fract().is_zero() {
            i64::try_from(n).map_err(|_| EvalError::overflow())
        } else {
            Err(EvalError::new(format!(
                "{n} is not a whole number of months or days"
            )))
        }
    };
    Ok(match (op, a, b) {
        (Arith::Add, Value::Number(x), Value::Number(y)) => {
            Value::Number(exact::add(*x, *y).ok_or_else(EvalError::overflow)?)
        }
        (Arith::Sub, Value::Number(x), Value::Number(y)) => {
            Value::Number(exact::sub(*x, *y).ok_or_else(EvalError::overflow)?)
        }
        (Arith::Mul, Value::Number(x), Value::Number(y)) => {
            Value::Number(exact::mul(*x, *y).ok_or_else(EvalError::overflow)?)
        }
        (Arith::Div, Value::Number(x), Value::Number(y)) => {
            if y.is_zero() {
                return Err(
                    EvalError::new(format!("division by zero ({} / 0)", x.normalize()))
                        .help("guard the division: `if divisor = 0 then ... else ...`"),
                );
            }
            Value::Number(exact::div(*x, *y).ok_or_else(|| {
                match x.checked_div(*y) {
                    Some(_) => EvalError::new(format!(
                        "{} / {} is too small to compute: it would round to 0 at 28 decimal places",
                        x.normalize(),
                        y.normalize()
                    ))
                    .help("check the data for an absurd divisor, or scale the numbers (thousands instead of units)"),
                    None => EvalError::overflow(),
                }
            })?)
        }
        (Arith::MonthPlus, Value::Month(m), Value::Number(n))
        | (Arith::MonthPlus, Value::Number(n), Value::Month(m)) => {
            Value::Month(shift_months(*m, whole(*n)?)?)
        }
        (Arith::MonthMinus, Value::Month(m), Value::Number(n)) => {
            Value::Month(shift_months(*m, negated(whole(*n)?)?)?)
        }
        (Arith::MonthsBetween, Value::Month(x), Value::Month(y)) => {
            Value::Number(Decimal::from(x.0 - y.0))
        }
        (Arith::DatePlus, Value::Date(d), Value::Number(n))
        | (Arith::DatePlus, Value::Number(n), Value::Date(d)) => {
            Value::Date(shift_days(*d, whole(*n)?)?)
        }
        (Arith::DateMinus, Value::Date(d), Value::Number(n)) => {
            Value::Date(shift_days(*d, negated(whole(*n)?)?)?)
        }
        (Arith::DaysBetween, Value::Date(x), Value::Date(y)) => {
            Value::Number(Decimal::from((*x - *y).num_days()))
        }
        (Arith::ListPlus, Value::List(x), Value::List(y)) => {
            let mut items: Vec<Value> = x.as_ref().clone();
            for item in y.iter() {
                if !items.contains(item) {
                    items.push(item.clone());
                }
            }
            Value::list(items)
        }
        (Arith::ListMinus, Value::List(x), Value::List(y)) => {
            Value::list(x.iter().filter(|i| !y.contains(i)).cloned().collect())
        }
        (op, a, b) => unreachable!("the checker allows no {op:?} on {a:?} and {b:?}"),
    })
}

/// A month `by` months later, within the years a month can be written in (`0000-01` to
/// `9999-12`), so that months stay comparable to the data's and their distances small.
fn shift_months(month: Month, by: i64) -> Result<Month, EvalError> {
    const LAST: i64 = 9999 * 12 + 11;
    match i64::from(month.0).checked_add(by) {
        Some(shifted) if (0..=LAST).contains(&shifted) => Ok(Month(shifted as i32)),
        _ => Err(EvalError::new(format!(
            "{month} {} {} months is outside the years 0000 to 9999",
            if by < 0 { "-" } else { "+" },
            by.unsigned_abs()
        ))
        .help("check the data's dates and the rule's month arithmetic")),
    }
}

fn negated(n: i64) -> Result<i64, EvalError> {
    n.checked_neg().ok_or_else(EvalError::overflow)
}

fn shift_days(date: NaiveDate, days: i64) -> Result<NaiveDate, EvalError> {
    let shifted = if days >= 0 {
        date.checked_add_days(Days::new(days as u64))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    };
    // Dates are written YYYY-MM-DD, as the data writes them.
    shifted
        .filter(|d| (0..=9999).contains(&d.year()))
        .ok_or_else(|| {
            EvalError::new(format!(
                "{date} {} {} days is outside the years 0000 to 9999",
                if days < 0 { "-" } else { "+" },
                days.unsigned_abs()
            ))
            .help("check the data's dates and the rule's date arithmetic")
        })
}
