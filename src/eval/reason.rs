//! Why a value is what it is: a condition read back with the values of its parts, such as
//! "acr_ttm (27012.76) < enterprise_revenue (1000000)".

use super::{EvalError, Evaluation, compare};
use crate::ir::in_force;
use crate::ir::value::Value;
use crate::ir::{Expr, GlobalDef};

impl Evaluation<'_> {
    /// For a value chosen by `if` (such as a path), the condition that chose it.
    pub fn reason(&mut self, expr: &Expr) -> Result<Option<String>, EvalError> {
        match expr {
            Expr::Global(id) => {
                let program = self.program;
                let GlobalDef::Let(variants) = &program.global(*id).def else {
                    return Ok(None);
                };
                match in_force(variants, self.date) {
                    Some(variant) => {
                        self.with_frame(variant.value.frame, |ev| ev.reason(&variant.value.expr))
                    }
                    None => Ok(None),
                }
            }
            Expr::If(condition, _, otherwise) => {
                let holds = self.eval(condition)?.as_bool();
                let mut text = self.condition(condition, holds)?;
                if !holds {
                    if let Some(more) = self.reason(otherwise)? {
                        text = format!("{text}; {more}");
                    }
                }
                Ok(Some(text))
            }
            _ => Ok(None),
        }
    }

    /// A condition that evaluated to `holds`, in words, keeping only the parts that decided it.
    pub fn condition(&mut self, condition: &Expr, holds: bool) -> Result<String, EvalError> {
        Ok(match condition {
            Expr::Or(a, b) | Expr::And(a, b) => {
                let is_or = matches!(condition, Expr::Or(..));
                let (va, vb) = (self.eval(a)?.as_bool(), self.eval(b)?.as_bool());
                if is_or == holds {
                    // One part decided it: the first that is `holds`.
                    let (part, value) = if va == holds { (a, va) } else { (b, vb) };
                    self.condition(part, value)?
                } else {
                    format!("{} and {}", self.condition(a, va)?, self.condition(b, vb)?)
                }
            }
            Expr::Not(inner) => self.condition(inner, !holds)?,
            Expr::Compare(op, a, b) => {
                let (x, y) = (self.eval(a)?, self.eval(b)?);
                let shown = if compare(*op, &x, &y) {
                    *op
                } else {
                    op.negated()
                };
                format!(
                    "{} {} {}",
                    self.operand(a, &x),
                    shown.symbol(),
                    self.operand(b, &y)
                )
            }
            _ => format!("the condition is {holds}"),
        })
    }

    fn operand(&self, expr: &Expr, value: &Value) -> String {
        match expr {
            Expr::Global(id) => format!("{} ({value})", self.program.global(*id).name),
            Expr::Const(Value::Text(t)) => format!("\"{t}\""),
            _ => value.to_string(),
        }
    }
}
