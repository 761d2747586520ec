//! Evaluating expressions. `eval` only dispatches; each kind of node has its own small
//! function, so the recursion through a deep expression stays cheap.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::locals::Local;
use super::{EvalError, Evaluation, arith, builtins, compare};
use crate::ir::builtins::Builtin;
use crate::ir::types::GlobalId;
use crate::ir::value::{RecordValue, Value};
use crate::ir::{Arith, Compare, Expr, FnId};
use crate::source::Span;
use crate::syntax::ast::BinderKind;

type Result<T> = std::result::Result<T, EvalError>;

impl Evaluation<'_> {
    pub fn eval(&mut self, expr: &Expr) -> Result<Value> {
        self.step()?;
        match expr {
            Expr::Const(v) => Ok(v.clone()),
            Expr::Local(slot) => Ok(self.local(*slot).clone()),
            Expr::Global(id) => match &self.memo[id.0 as usize] {
                Some(v) => Ok(v.clone()),
                None => self.global(*id),
            },
            Expr::Field(..) => self.field(expr),
            Expr::MapGet { map, key, span } => self.map_get(map, key, *span),
            Expr::Compare(..) | Expr::And(..) | Expr::Or(..) | Expr::Not(_) | Expr::In { .. } => {
                Ok(Value::Bool(self.test(expr)?))
            }
            Expr::Arith(op, a, b, span) => self.arith(*op, a, b, *span),
            Expr::If(c, a, b) => {
                let holds = self.test(c)?;
                if self.coverage.is_some() {
                    self.cover_branch(expr, usize::from(holds));
                }
                if holds { self.eval(a) } else { self.eval(b) }
            }
            Expr::Filter {
                list,
                slot,
                condition,
            } => self.filter(list, *slot, condition),
            Expr::Binder {
                kind,
                slot,
                list,
                body,
                span,
            } => self.binder(*kind, *slot, list, body, *span),
            Expr::CallFn {
                function,
                args,
                span,
            } => self.call_fn(*function, args, *span),
            _ => self.eval_other(expr),
        }
    }

    /// A condition's value, without making a `Value` of it.
    pub(super) fn test(&mut self, expr: &Expr) -> Result<bool> {
        match expr {
            Expr::Compare(op, a, b) => self.compare(*op, a, b),
            Expr::And(a, b) => Ok(self.test(a)? && self.test(b)?),
            Expr::Or(a, b) => Ok(self.test(a)? || self.test(b)?),
            Expr::Not(e) => Ok(!self.test(e)?),
            Expr::In {
                item,
                list,
                negated,
            } => self.contains(item, list, *negated),
            Expr::Binder {
                kind: kind @ (BinderKind::All | BinderKind::Any),
                slot,
                list,
                body,
                span,
            } => Ok(self.binder(*kind, *slot, list, body, *span)?.as_bool()),
            _ => match self.leaf(expr) {
                Some(value) => Ok(value.as_bool()),
                None => Ok(self.eval(expr)?.as_bool()),
            },
        }
    }

    /// A value that is already at hand (a local, a computed named value, or a field of one),
    /// borrowed rather than computed or copied.
    pub(super) fn place<'a>(&'a self, expr: &'a Expr) -> Option<&'a Value> {
        match expr {
            Expr::Local(slot) => Some(self.local(*slot)),
            Expr::Field(inner, index) => field_of(self.leaf(inner)?, *index),
            Expr::MapGet { map, key, .. } => {
                let map = match &**map {
                    Expr::Field(inner, index) => field_of(self.leaf(inner)?, *index)?,
                    other => self.place(other)?,
                };
                match map {
                    Value::Map(m) => m.get(self.leaf(key)?),
                    _ => None,
                }
            }
            other => self.leaf(other),
        }
    }

    /// `place` for the operands met most (locals, constants, named values) without a call.
    #[inline(always)]
    pub(super) fn leaf<'a>(&'a self, expr: &'a Expr) -> Option<&'a Value> {
        match expr {
            Expr::Local(slot) => Some(self.local(*slot)),
            Expr::Const(v) => Some(v),
            Expr::Global(id) => self.memo[id.0 as usize].as_ref(),
            Expr::Field(..) | Expr::MapGet { .. } => self.place(expr),
            _ => None,
        }
    }

    fn field(&mut self, expr: &Expr) -> Result<Value> {
        if let Some(value) = self.place(expr) {
            return Ok(value.clone());
        }
        let Expr::Field(record, index) = expr else {
            unreachable!("field() is called on fields")
        };
        match self.eval(record)? {
            Value::Record(r) => Ok(r.fields[*index as usize].clone()),
            other => unreachable!("a field of a non-record {other:?}"),
        }
    }

    fn map_get(&mut self, map: &Expr, key: &Expr, span: Span) -> Result<Value> {
        if let (Some(Value::Map(m)), Some(k)) = (self.place(map), self.place(key)) {
            if let Some(found) = m.get(k) {
                return Ok(found.clone());
            }
        }
        let key = self.eval(key)?;
        if let Some(Value::Map(m)) = self.place(map) {
            if let Some(found) = m.get(&key) {
                return Ok(found.clone());
            }
        }
        match self.eval(map)? {
            Value::Map(m) => m.get(&key).cloned().ok_or_else(|| {
                EvalError::new(format!("the map has no entry for {key}"))
                    .help("give the map's field a `default` in the input shape, or check with `in keys(...)` first")
                    .at(span)
            }),
            other => unreachable!("indexing a non-map {other:?}"),
        }
    }

    fn compare(&mut self, op: Compare, a: &Expr, b: &Expr) -> Result<bool> {
        if let (Some(a), Some(b)) = (self.place(a), self.place(b)) {
            return Ok(compare(op, a, b));
        }
        let a = self.eval(a)?;
        if let Some(b) = self.place(b) {
            return Ok(compare(op, &a, b));
        }
        let b = self.eval(b)?;
        Ok(compare(op, &a, &b))
    }

    fn arith(&mut self, op: Arith, a: &Expr, b: &Expr, span: Span) -> Result<Value> {
        let a = self.eval(a)?;
        let b = self.eval(b)?;
        if let (Value::Number(x), Value::Number(y)) = (&a, &b) {
            let result = match op {
                Arith::Add => super::exact::add(*x, *y),
                Arith::Sub => super::exact::sub(*x, *y),
                Arith::Mul => super::exact::mul(*x, *y),
                _ => None,
            };
            if let Some(n) = result {
                return Ok(Value::Number(n));
            }
        }
        arith(op, &a, &b).map_err(|e| e.at(span))
    }

    fn contains(&mut self, item: &Expr, list: &Expr, negated: bool) -> Result<bool> {
        if self.coverage.is_some() {
            let value = self.eval(item)?;
            let items = self.eval(list)?;
            self.cover_entry(&value, &items);
        }
        let item = match self.place(item) {
            Some(value) => value.clone(),
            None => self.eval(item)?,
        };
        let items = match self.place(list) {
            Some(Value::List(items)) => items.clone(),
            _ => match self.eval(list)? {
                Value::List(items) => items,
                other => unreachable!("`in` a non-list {other:?}"),
            },
        };
        Ok(self.member(&items, &item)? != negated)
    }

    /// Whether `item` is in `items`. A long list is hashed the first time it is searched and
    /// the set kept for the record, so that `customer in eligible_customers.id` inside a loop
    /// over customers is linear, not customers x list.
    fn member(&mut self, items: &Arc<Vec<Value>>, item: &Value) -> Result<bool> {
        if items.len() <= 32 {
            self.steps(items.len())?;
            return Ok(items.contains(item));
        }
        if let Some((_, set)) = self.sets.iter().find(|(list, _)| Arc::ptr_eq(list, items)) {
            let found = set.contains(item);
            self.step()?;
            return Ok(found);
        }
        self.steps(items.len())?;
        self.made(items.len())?;
        let set: rustc_hash::FxHashSet<Value> = items.iter().cloned().collect();
        let found = set.contains(item);
        // A few lists are searched per record; the oldest set goes when there are more.
        if self.sets.len() >= 8 {
            self.sets.remove(0);
        }
        self.sets.push((items.clone(), set));
        Ok(found)
    }

    fn filter(&mut self, list: &Expr, slot: u32, condition: &Expr) -> Result<Value> {
        let list = self.eval(list)?;
        let mut kept = Vec::with_capacity(list.as_list().len());
        self.walk(list, slot, |ev| {
            if ev.test(condition)? {
                ev.made(1)?;
                kept.push(ev.local(slot).clone());
            }
            Ok(true)
        })?;
        Ok(Value::list(kept))
    }

    /// A function's arguments become the first local slots of its frame.
    fn call_fn(&mut self, id: FnId, args: &[Expr], span: Span) -> Result<Value> {
        let top = self.push_args(args)?;
        self.call_with_arguments(id, top).map_err(|e| e.at(span))
    }

    /// Calls `function` with its arguments on the argument stack from `top` on: a value
    /// assumed for them, or the function's body evaluated.
    pub(super) fn call_with_arguments(&mut self, id: FnId, top: usize) -> Result<Value> {
        let args = &self.args[top..];
        if let Some(value) = self.calls.find(id, args).cloned() {
            self.args.truncate(top);
            return Ok(value);
        }
        let body = self.program.function(id).body_on(self.date);
        let saved = self.base;
        self.base = self.stack.len();
        self.stack.extend(self.args.drain(top..).map(Local::Value));
        self.stack.resize_with(self.base + body.frame as usize, || {
            Local::Value(Value::Absent)
        });
        let function = self.program.function(id);
        let result = self.eval(&body.expr).map_err(|e| {
            super::budget::name_rule(e, "the function", &function.name, function.span)
        });
        self.stack.truncate(self.base);
        self.base = saved;
        result
    }

    fn binder(
        &mut self,
        kind: BinderKind,
        slot: u32,
        list: &Expr,
        body: &Expr,
        span: Span,
    ) -> Result<Value> {
        if let Some(value) = self.lookup_loop(kind, slot, list, body) {
            return Ok(value);
        }
        let list = self.eval(list)?;
        match kind {
            BinderKind::Sum => {
                let mut total = Decimal::ZERO;
                self.walk(list, slot, |ev| {
                    let n = match ev.place(body) {
                        Some(value) => value.as_number(),
                        None => ev.eval(body)?.as_number(),
                    };
                    total = super::exact::add(total, n)
                        .ok_or_else(|| EvalError::overflow().at(span))?;
                    Ok(true)
                })?;
                Ok(Value::Number(total))
            }
            BinderKind::All | BinderKind::Any => {
                let want = kind == BinderKind::Any;
                let mut found = false;
                self.walk(list, slot, |ev| {
                    found = ev.test(body)? == want;
                    Ok(!found)
                })?;
                Ok(Value::Bool(found == want))
            }
            BinderKind::Each => {
                let mut out = Vec::with_capacity(list.as_list().len());
                self.walk(list, slot, |ev| {
                    let value = ev.eval(body)?;
                    ev.made(1)?;
                    out.push(value);
                    Ok(true)
                })?;
                Ok(Value::list(out))
            }
            BinderKind::Per => {
                let mut out = Vec::with_capacity(list.as_list().len());
                self.walk(list, slot, |ev| {
                    let value = ev.eval(body)?;
                    ev.made(2)?;
                    out.push((ev.local(slot).clone(), value));
                    Ok(true)
                })?;
                Ok(builtins::map_of(out))
            }
            // Only these errors take the binder's place: the others have their own.
            BinderKind::Lowest | BinderKind::Min | BinderKind::Max => {
                self.extreme(kind, slot, list, body).map_err(|e| e.at(span))
            }
        }
    }

    fn extreme(&mut self, kind: BinderKind, slot: u32, list: Value, body: &Expr) -> Result<Value> {
        let mut best: Option<(Value, Value)> = None;
        self.walk(list, slot, |ev| {
            let value = ev.eval(body)?;
            let better = match &best {
                None => true,
                Some((_, b)) if kind == BinderKind::Max => value.cmp_key(b).is_gt(),
                Some((_, b)) => value.cmp_key(b).is_lt(),
            };
            if better {
                best = Some((ev.local(slot).clone(), value));
            }
            Ok(true)
        })?;
        let (item, value) = best.ok_or_else(|| {
            EvalError::new(format!("`{}` over an empty list", kind.word()))
                .help("an empty list has no lowest or highest element")
        })?;
        Ok(if kind == BinderKind::Lowest {
            item
        } else {
            value
        })
    }

    /// The kinds of node that are rare in loops.
    #[inline(never)]
    fn eval_other(&mut self, expr: &Expr) -> Result<Value> {
        Ok(match expr {
            Expr::Project(list, index) => {
                let list = self.eval(list)?;
                self.made(list.as_list().len())?;
                let items = list
                    .as_list()
                    .iter()
                    .map(|item| match item {
                        Value::Record(r) => r.fields[*index as usize].clone(),
                        other => unreachable!("a field of a non-record {other:?}"),
                    })
                    .collect();
                Value::list(items)
            }
            Expr::TableGet {
                table,
                row,
                column,
                span,
            } => self.table_get(*table, row, column, *span)?,
            Expr::TableLabels { table, rows } => {
                let data = self.table(*table)?;
                let labels = if *rows { &data.rows } else { &data.columns };
                Value::list(labels.iter().map(|l| Value::Text(l.clone())).collect())
            }
            Expr::Neg(e, _) => Value::Number(-self.eval(e)?.as_number()),
            Expr::Case {
                subject,
                arms,
                otherwise,
                span,
            } => {
                let subject = self.eval(subject)?;
                for (i, (when, then)) in arms.iter().enumerate() {
                    if self.eval(when)? == subject {
                        self.cover_branch(expr, i);
                        return self.eval(then);
                    }
                }
                self.cover_branch(expr, arms.len());
                match otherwise {
                    Some(e) => self.eval(e)?,
                    None => {
                        return Err(EvalError::new(format!("no `when` matches {subject}"))
                            .help("add a `when` for this value, or an `else`")
                            .at(*span));
                    }
                }
            }
            Expr::List(items) => {
                self.made(items.len())?;
                Value::list(items.iter().map(|e| self.eval(e)).collect::<Result<_>>()?)
            }
            Expr::Record(layout, fields) => Value::Record(Arc::new(RecordValue {
                fields: {
                    self.made(fields.len())?;
                    fields.iter().map(|e| self.eval(e)).collect::<Result<_>>()?
                },
                layout: layout.clone(),
            })),
            Expr::Call {
                builtin,
                args,
                span,
            } => self.call_builtin(*builtin, args, *span)?,
            other => return self.eval(other),
        })
    }

    /// A built-in function, its arguments evaluated onto the argument stack.
    fn call_builtin(&mut self, builtin: Builtin, args: &[Expr], span: Span) -> Result<Value> {
        let top = self.push_args(args)?;
        // A built-in walks its lists once: a step per element.
        let walked: usize = self.args[top..].iter().map(Value::elements).sum();
        if let Err(e) = self.steps(walked) {
            self.args.truncate(top);
            return Err(e);
        }
        let result = builtins::call(builtin, &self.args[top..]).map_err(|e| e.at(span));
        self.args.truncate(top);
        let value = result?;
        self.made(value.elements())?;
        Ok(value)
    }

    fn table_get(
        &mut self,
        table: GlobalId,
        row: &Expr,
        column: &Expr,
        span: Span,
    ) -> Result<Value> {
        let row = self.eval(row)?;
        let column = self.eval(column)?;
        let data = self.table(table)?;
        let (row, column) = (row.as_text(), column.as_text());
        data.get(row, column).map(Value::Number).ok_or_else(|| {
            let name = &self.program.global(table).name;
            let (axis, label, known) = if data.rows.iter().any(|r| &**r == row) {
                (&data.column_axis, column, &data.columns)
            } else {
                (&data.row_axis, row, &data.rows)
            };
            EvalError::new(format!("table {name} has no {axis} `{label}`"))
                .help(format!(
                    "known: {}",
                    known.iter().map(|l| &**l).collect::<Vec<_>>().join(", ")
                ))
                .at(span)
        })
    }
}

/// A field of a record value.
fn field_of(record: &Value, index: u32) -> Option<&Value> {
    match record {
        Value::Record(r) => Some(&r.fields[index as usize]),
        _ => None,
    }
}
