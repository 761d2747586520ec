//! Lists consumed as they are made: `count(unique((items where ...).owner))` counts the kept
//! owners one by one instead of building three lists to count the last one. The
//! elements, the order in which conditions are evaluated and the errors are those of the
//! lists built in full.

use std::collections::HashSet;

use rust_decimal::Decimal;

use super::{EvalError, Evaluation};
use crate::ir::Expr;
use crate::ir::builtins::Builtin;
use crate::ir::value::Value;
use crate::source::Span;
use crate::syntax::ast::BinderKind;

type Result<T> = std::result::Result<T, EvalError>;

/// What receives the elements of a list, one at a time.
type Sink<'s, 'p> = dyn FnMut(&mut Evaluation<'p>, &Value) -> Result<()> + 's;

/// Whether `expr` makes a list that can be handed out element by element. A chain of several
/// `where` and `each` is built in full: each evaluates all its conditions before the next
/// starts, which decides the error reported when more than one would fail.
pub(super) fn streams(expr: &Expr) -> bool {
    match expr {
        Expr::Filter { list, .. }
        | Expr::Binder {
            kind: BinderKind::Each,
            list,
            ..
        } => fallible_stages(list) == 0,
        Expr::Project(list, _) => streams(list),
        Expr::Call {
            builtin: Builtin::Unique,
            args,
            ..
        } => streams(&args[0]),
        _ => false,
    }
}

/// The `where` and `each` in a chain of list operations.
fn fallible_stages(expr: &Expr) -> usize {
    match expr {
        Expr::Filter { list, .. }
        | Expr::Binder {
            kind: BinderKind::Each,
            list,
            ..
        } => 1 + fallible_stages(list),
        Expr::Project(list, _) => fallible_stages(list),
        Expr::Call {
            builtin: Builtin::Unique,
            args,
            ..
        } => fallible_stages(&args[0]),
        _ => 0,
    }
}

impl<'p> Evaluation<'p> {
    /// `count`, `sum` or `unique` of a list that streams; `span` is the call's.
    pub(super) fn aggregate(&mut self, builtin: Builtin, list: &Expr, span: Span) -> Result<Value> {
        match builtin {
            Builtin::Count => {
                let mut count = 0usize;
                self.each(list, &mut |_, _| {
                    count += 1;
                    Ok(())
                })?;
                Ok(Value::Number(Decimal::from(count)))
            }
            Builtin::Sum => {
                // An overflow is reported once the list is complete, as the list's own errors
                // would have come first had it been built.
                let mut total = Some(Decimal::ZERO);
                self.each(list, &mut |_, item| {
                    total = total.and_then(|t| super::exact::add(t, item.as_number()));
                    Ok(())
                })?;
                total
                    .map(Value::Number)
                    .ok_or_else(|| EvalError::overflow().at(span))
            }
            _ => {
                let mut distinct = Distinct::default();
                self.each(list, &mut |_, item| {
                    distinct.insert(item);
                    Ok(())
                })?;
                Ok(Value::list(distinct.items))
            }
        }
    }

    /// Hands each element of the list `expr` to `sink`, in order.
    fn each(&mut self, expr: &Expr, sink: &mut Sink<'_, 'p>) -> Result<()> {
        match expr {
            Expr::Filter {
                list,
                slot,
                condition,
            } => {
                // The source of a streamed `where` is built in full (see `streams`).
                let list = self.eval(list)?;
                self.walk(list, *slot, |ev| {
                    if ev.test(condition)? {
                        let item = ev.local(*slot).clone();
                        sink(ev, &item)?;
                    }
                    Ok(true)
                })
            }
            Expr::Project(list, index) => self.each(list, &mut |ev, item| match item {
                Value::Record(r) => sink(ev, &r.fields[*index as usize]),
                other => unreachable!("a field of a non-record {other:?}"),
            }),
            Expr::Binder {
                kind: BinderKind::Each,
                slot,
                list,
                body,
                ..
            } => {
                let list = self.eval(list)?;
                self.walk(list, *slot, |ev| {
                    let value = ev.eval(body)?;
                    sink(ev, &value)?;
                    Ok(true)
                })
            }
            Expr::Call {
                builtin: Builtin::Unique,
                args,
                ..
            } => {
                let mut distinct = Distinct::default();
                self.each(&args[0], &mut |ev, item| {
                    if distinct.insert(item) {
                        sink(ev, item)?;
                    }
                    Ok(())
                })
            }
            _ => {
                let list = self.eval(expr)?;
                for item in list.as_list() {
                    sink(self, item)?;
                }
                Ok(())
            }
        }
    }
}

/// The distinct elements seen so far, in the order first seen: a short list is searched, a
/// long one hashed (as `unique` does).
#[derive(Default)]
struct Distinct {
    items: Vec<Value>,
    hashed: Option<HashSet<Value>>,
}

impl Distinct {
    /// Adds `item`; false when it was seen before.
    fn insert(&mut self, item: &Value) -> bool {
        let new = match &mut self.hashed {
            Some(set) => set.insert(item.clone()),
            None => !self.items.contains(item),
        };
        if new {
            self.items.push(item.clone());
            if self.hashed.is_none() && self.items.len() > 32 {
                self.hashed = Some(self.items.iter().cloned().collect());
            }
        }
        new
    }
}
