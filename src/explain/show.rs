//! Expressions written back with their values: `clamp(net_customer_adds [1], 0,
//! max_net_customer_adds [3]) [1] * points_per_net_customer_add [10]`. Only what the evaluation
//! took is evaluated again (the branch of an `if` taken, the side of an `or` that decided),
//! so a guarded division is never tried on the case its guard excludes.

use serde_json::value::RawValue;

use crate::eval::{EvalError, Evaluation};
use crate::ir::value::Value;
use crate::ir::{Arith, Expr, GlobalDef, Program};
use crate::report::rule_text::{Texts, squeeze};

use super::conditions::{element_label, label};

/// What the local slots of an expression hold.
pub(super) enum Scope {
    /// A definition: no parameters.
    Top,
    /// A function's body: its arguments as written and their values.
    Call(Vec<String>, Vec<Value>),
    /// A function called inside a loop: the arguments are not known here.
    Loop,
}

impl Scope {
    /// Whether `expr` can be evaluated here: it reads no local, or only parameters.
    pub fn fixed(&self, expr: &Expr) -> bool {
        let params = match self {
            Scope::Top => 0,
            Scope::Call(labels, _) => labels.len() as u32,
            Scope::Loop => return false,
        };
        let mut fixed = true;
        expr.walk(&mut |e| {
            if matches!(e, Expr::Local(slot) if *slot >= params) {
                fixed = false;
            }
        });
        fixed
    }

    pub fn eval(&self, ev: &mut Evaluation<'_>, expr: &Expr) -> Result<Value, EvalError> {
        match (self, expr) {
            (Scope::Call(_, values), Expr::Local(slot)) => Ok(values[*slot as usize].clone()),
            _ => ev.eval(expr),
        }
    }

    /// An expression as written, with parameters named by the arguments.
    pub fn plain(&self, program: &Program, texts: &Texts<'_>, expr: &Expr) -> String {
        Annotate::new(program, texts, self).plain(expr)
    }
}

/// Writes expressions back, with or without their values.
pub(super) struct Annotate<'a, 'p> {
    program: &'p Program,
    texts: &'a Texts<'p>,
    scope: &'a Scope,
}

impl<'a, 'p> Annotate<'a, 'p> {
    pub fn new(program: &'p Program, texts: &'a Texts<'p>, scope: &'a Scope) -> Self {
        Annotate {
            program,
            texts,
            scope,
        }
    }

    /// The expression with the value of each part; none for a constant, a list kept by a
    /// condition or a loop (their elements tell more).
    pub fn computed(
        &mut self,
        ev: &mut Evaluation<'_>,
        expr: &Expr,
    ) -> Result<Option<String>, EvalError> {
        match expr {
            Expr::Const(_) | Expr::Filter { .. } | Expr::Binder { .. } | Expr::List(_) => Ok(None),
            other => self.annotated(ev, other).map(Some),
        }
    }

    fn value(&self, ev: &mut Evaluation<'_>, expr: &Expr) -> Result<Value, EvalError> {
        self.scope.eval(ev, expr)
    }

    /// `text [value]`.
    fn named(&self, ev: &mut Evaluation<'_>, expr: &Expr) -> Result<String, EvalError> {
        let value = self.value(ev, expr)?;
        Ok(format!("{} [{}]", self.plain(expr), bracket(&value)))
    }

    fn annotated(&mut self, ev: &mut Evaluation<'_>, expr: &Expr) -> Result<String, EvalError> {
        Ok(match expr {
            Expr::Const(v) => short(v),
            Expr::Arith(op, a, b, _) => {
                format!(
                    "{} {} {}",
                    self.operand(ev, a, *op)?,
                    arith_symbol(*op),
                    self.operand(ev, b, *op)?
                )
            }
            Expr::Compare(op, a, b) => format!(
                "{} {} {}",
                self.annotated(ev, a)?,
                op.symbol(),
                self.annotated(ev, b)?
            ),
            Expr::And(a, b) | Expr::Or(a, b) => {
                let and = matches!(expr, Expr::And(..));
                let word = if and { "and" } else { "or" };
                let left = self.value(ev, a)?.as_bool();
                let decided = left != and;
                let right = if decided {
                    format!("{} [not needed]", self.plain(b))
                } else {
                    self.annotated(ev, b)?
                };
                format!("({}) {word} ({right})", self.annotated(ev, a)?)
            }
            Expr::Not(inner) => format!("not ({})", self.annotated(ev, inner)?),
            Expr::If(c, a, b) => {
                let holds = self.value(ev, c)?.as_bool();
                let condition = self.annotated(ev, c)?;
                if holds {
                    format!("(if {condition} then {})", self.branch(ev, a)?)
                } else {
                    format!("(if {condition} ... else {})", self.branch(ev, b)?)
                }
            }
            Expr::Case {
                subject,
                arms,
                otherwise,
                ..
            } => {
                let value = self.value(ev, subject)?;
                let subject_text = self.annotated(ev, subject)?;
                let mut taken = None;
                for (pattern, result) in arms {
                    if self.value(ev, pattern)? == value {
                        taken = Some((self.plain(pattern), result));
                        break;
                    }
                }
                match (taken, otherwise) {
                    (Some((pattern, result)), _) => format!(
                        "(case {subject_text} when {pattern} then {})",
                        self.branch(ev, result)?
                    ),
                    (None, Some(result)) => format!(
                        "(case {subject_text} otherwise {})",
                        self.branch(ev, result)?
                    ),
                    (None, None) => format!("(case {subject_text})"),
                }
            }
            Expr::Call { builtin, args, .. } => {
                let mut parts = Vec::with_capacity(args.len());
                for a in args {
                    parts.push(self.annotated(ev, a)?);
                }
                let value = self.value(ev, expr)?;
                format!(
                    "{}({}) [{}]",
                    builtin.name(),
                    parts.join(", "),
                    bracket(&value)
                )
            }
            _ => self.named(ev, expr)?,
        })
    }

    /// A branch taken: its value, and how it is computed when it is not a single name.
    fn branch(&mut self, ev: &mut Evaluation<'_>, expr: &Expr) -> Result<String, EvalError> {
        match expr {
            Expr::Arith(..) | Expr::Call { .. } => {
                let value = self.value(ev, expr)?;
                Ok(format!("{} = {}", self.annotated(ev, expr)?, short(&value)))
            }
            other => self.annotated(ev, other),
        }
    }

    fn operand(
        &mut self,
        ev: &mut Evaluation<'_>,
        expr: &Expr,
        outer: Arith,
    ) -> Result<String, EvalError> {
        let text = self.annotated(ev, expr)?;
        Ok(match expr {
            Expr::Arith(inner, ..) if !same_level(*inner, outer) => format!("({text})"),
            Expr::Compare(..) => format!("({text})"),
            _ => text,
        })
    }

    /// An expression as written, without values.
    pub fn plain(&self, expr: &Expr) -> String {
        match expr {
            Expr::Global(id) => {
                let global = self.program.global(*id);
                match (&global.def, global.hidden) {
                    (GlobalDef::Let(variants), true) => self.plain(&variants[0].value.expr),
                    _ => global.name.clone(),
                }
            }
            Expr::Local(slot) => match self.scope {
                Scope::Call(labels, _) => labels
                    .get(*slot as usize)
                    .cloned()
                    .unwrap_or_else(|| "it".into()),
                _ => "it".into(),
            },
            Expr::Const(v) => short(v),
            Expr::Arith(op, a, b, _) => {
                let side = |e: &Expr| match e {
                    Expr::Arith(inner, ..) if !same_level(*inner, *op) => {
                        format!("({})", self.plain(e))
                    }
                    _ => self.plain(e),
                };
                format!("{} {} {}", side(a), arith_symbol(*op), side(b))
            }
            Expr::Compare(op, a, b) => {
                format!("{} {} {}", self.plain(a), op.symbol(), self.plain(b))
            }
            Expr::And(a, b) => format!("({}) and ({})", self.plain(a), self.plain(b)),
            Expr::Or(a, b) => format!("({}) or ({})", self.plain(a), self.plain(b)),
            Expr::Not(a) => format!("not ({})", self.plain(a)),
            Expr::In {
                item,
                list,
                negated,
            } => format!(
                "{} {}in {}",
                self.plain(item),
                if *negated { "not " } else { "" },
                self.plain(list)
            ),
            Expr::If(c, a, b) => format!(
                "if {} then {} else {}",
                self.plain(c),
                self.plain(a),
                self.plain(b)
            ),
            Expr::Call { builtin, args, .. } => {
                let args: Vec<String> = args.iter().map(|a| self.plain(a)).collect();
                format!("{}({})", builtin.name(), args.join(", "))
            }
            Expr::CallFn { function, args, .. } => {
                let args: Vec<String> = args.iter().map(|a| self.plain(a)).collect();
                format!(
                    "{}({})",
                    self.program.function(*function).name,
                    args.join(", ")
                )
            }
            Expr::Binder { span, .. }
            | Expr::Case { span, .. }
            | Expr::MapGet { span, .. }
            | Expr::TableGet { span, .. }
            | Expr::Neg(_, span) => squeeze(self.texts.of(*span)),
            Expr::Filter { list, .. } => format!("({} where ...)", self.plain(list)),
            Expr::Project(list, index) => {
                let field =
                    field_name(self.program, list, *index).unwrap_or_else(|| "field".into());
                format!("{}.{field}", self.plain(list))
            }
            other => label(self.program, self.texts, other),
        }
    }
}

/// The name of field `index` of the records of a list, from the list's declared type.
fn field_name(program: &Program, list: &Expr, index: u32) -> Option<String> {
    match list {
        Expr::Filter { list, .. } => field_name(program, list, index),
        Expr::Global(id) => match &program.global(*id).ty {
            crate::ir::types::Type::List(inner) => match inner.as_ref() {
                crate::ir::types::Type::Record(r, _) => {
                    Some(program.record(*r).fields.get(index as usize)?.name.clone())
                }
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

/// A value inside brackets after its name: a list by its count (and its elements, when a few
/// plain values), anything else as [`short`].
fn bracket(value: &Value) -> String {
    match value {
        Value::List(items) => {
            let plain = items.len() <= 4
                && items
                    .iter()
                    .all(|i| !matches!(i, Value::List(_) | Value::Record(_) | Value::Map(_)));
            if plain && !items.is_empty() {
                items.iter().map(short).collect::<Vec<_>>().join(", ")
            } else {
                format!("{} items", items.len())
            }
        }
        other => short(other),
    }
}

fn same_level(inner: Arith, outer: Arith) -> bool {
    let level = |op: Arith| matches!(op, Arith::Mul | Arith::Div);
    level(inner) == level(outer) && !matches!(outer, Arith::Sub | Arith::Div)
}

fn arith_symbol(op: Arith) -> &'static str {
    match op {
        Arith::Add | Arith::MonthPlus | Arith::DatePlus => "+",
        Arith::Mul => "*",
        Arith::Div => "/",
        Arith::Sub
        | Arith::MonthMinus
        | Arith::MonthsBetween
        | Arith::DateMinus
        | Arith::DaysBetween => "-",
    }
}

/// A value in a line of text: a number or a name as itself, a list of records by its count
/// and first elements.
pub fn short(value: &Value) -> String {
    match value {
        Value::Text(t) => format!("\"{t}\""),
        Value::List(items) => {
            let shown: Vec<String> = items.iter().take(4).map(element_label).collect();
            let more = if items.len() > 4 { ", ..." } else { "" };
            let records = items.iter().any(|i| matches!(i, Value::Record(_)));
            if records || items.len() > 4 {
                format!("{} items: {}{more}", items.len(), shown.join(", "))
            } else {
                format!(
                    "[{}]",
                    items.iter().map(short).collect::<Vec<_>>().join(", ")
                )
            }
        }
        Value::Absent => "absent".into(),
        other => other.to_string(),
    }
}

/// A value as JSON: numbers as numbers, a list of records as the labels of its elements.
pub fn json(value: &Value) -> Box<RawValue> {
    let mut out = String::new();
    write_json(&mut out, value);
    RawValue::from_string(out)
        .unwrap_or_else(|_| RawValue::from_string("null".into()).expect("null is JSON"))
}

fn write_json(out: &mut String, value: &Value) {
    use crate::report::json::{number, string};
    match value {
        Value::Number(n) => number(out, *n),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                match item {
                    Value::Record(_) => string(out, &element_label(item)),
                    other => write_json(out, other),
                }
            }
            out.push(']');
        }
        Value::Record(_) => string(out, &element_label(value)),
        Value::Absent => out.push_str("null"),
        Value::Text(t) => string(out, t),
        other => string(out, &other.to_string()),
    }
}
