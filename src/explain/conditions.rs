//! Reading conditions back with their values, element by element: which customers a `where`
//! kept and which condition each other one failed, with the months and amounts that decided.

use crate::eval::{EvalError, Evaluation, compare};
use crate::ir::value::Value;
use crate::ir::{Expr, GlobalDef, Program};
use crate::report::rule_text::{Texts, squeeze};
use crate::syntax::ast::BinderKind;

use super::Element;
use super::show::short as shown;

/// How an element of a list is named: a record by its identifying texts, a value as itself.
pub fn element_label(value: &Value) -> String {
    match value {
        Value::Record(r) => {
            if let Some(i) = r.layout.fields.iter().position(|f| f == "id") {
                return r.fields[i].to_string();
            }
            let texts: Vec<String> = r
                .fields
                .iter()
                .filter(|v| matches!(v, Value::Text(_) | Value::Date(_) | Value::Month(_)))
                .take(3)
                .map(|v| v.to_string())
                .collect();
            if texts.is_empty() {
                value.to_string()
            } else {
                texts.join(" · ")
            }
        }
        other => other.to_string(),
    }
}

/// A short name for an expression, as a reader would write it (`acr[2025-01]`, `customer`,
/// `eligible_customers.id`), without evaluating it.
pub fn label(program: &Program, texts: &Texts<'_>, expr: &Expr) -> String {
    match expr {
        Expr::Global(id) => {
            let global = program.global(*id);
            match (&global.def, global.hidden) {
                (GlobalDef::Let(variants), true) => label(program, texts, &variants[0].value.expr),
                _ => global.name.clone(),
            }
        }
        Expr::Const(Value::Text(t)) => format!("\"{t}\""),
        Expr::Const(v) => v.to_string(),
        Expr::Project(list, index) => {
            let field = record_field(program, list, *index).unwrap_or_else(|| "field".into());
            format!("{}.{field}", label(program, texts, list))
        }
        Expr::Call { builtin, args, .. } => {
            let args: Vec<String> = args.iter().map(|a| label(program, texts, a)).collect();
            format!("{}({})", builtin.name(), args.join(", "))
        }
        Expr::CallFn { function, args, .. } => {
            let args: Vec<String> = args.iter().map(|a| label(program, texts, a)).collect();
            format!("{}({})", program.function(*function).name, args.join(", "))
        }
        Expr::Binder { span, .. } | Expr::Arith(_, _, _, span) | Expr::Case { span, .. } => {
            squeeze(texts.of(*span))
        }
        _ => "(a value)".into(),
    }
}

/// The name of field `index` of the records in a list, from the list's type.
fn record_field(program: &Program, list: &Expr, index: u32) -> Option<String> {
    let Expr::Global(id) = list else { return None };
    match &program.global(*id).ty {
        crate::ir::types::Type::List(inner) => match inner.as_ref() {
            crate::ir::types::Type::Record(r, _) => {
                Some(program.record(*r).fields.get(index as usize)?.name.clone())
            }
            _ => None,
        },
        _ => None,
    }
}

/// An operand in the current bindings: its name, and its value when the name is not the value.
fn operand(ev: &mut Evaluation<'_>, texts: &Texts<'_>, expr: &Expr) -> Result<String, EvalError> {
    let value = ev.eval(expr)?;
    let shown_value = shown(&value);
    let name = match expr {
        Expr::Const(_) => return Ok(shown_value),
        Expr::Local(_) => return Ok(element_label(&value)),
        Expr::Field(inner, index) => match ev.eval(inner)? {
            Value::Record(r) => r.layout.fields[*index as usize].clone(),
            _ => "field".into(),
        },
        Expr::MapGet { map, key, .. } => {
            let key = ev.eval(key)?;
            let map_name = match map.as_ref() {
                Expr::Field(inner, index) => match ev.eval(inner)? {
                    Value::Record(r) => r.layout.fields[*index as usize].clone(),
                    _ => "map".into(),
                },
                other => label(ev.program, texts, other),
            };
            format!("{map_name}[{key}]")
        }
        Expr::Call { builtin, args, .. } => {
            let mut parts = Vec::new();
            for a in args {
                parts.push(match a {
                    Expr::Field(..) | Expr::Local(_) | Expr::Const(_) => {
                        operand_name(ev, texts, a)?
                    }
                    other => label(ev.program, texts, other),
                });
            }
            format!("{}({})", builtin.name(), parts.join(", "))
        }
        Expr::CallFn { function, args, .. } => {
            let mut parts = Vec::new();
            for a in args {
                parts.push(argument(ev, texts, a)?);
            }
            format!(
                "{}({})",
                ev.program.function(*function).name,
                parts.join(", ")
            )
        }
        Expr::TableGet {
            table, row, column, ..
        } => {
            let (row, column) = (ev.eval(row)?, ev.eval(column)?);
            format!("{}[{row}, {column}]", ev.program.global(*table).name)
        }
        other => label(ev.program, texts, other),
    };
    Ok(format!("{name} ({shown_value})"))
}

/// An argument of a call: a local by its value, anything else by its name.
fn argument(ev: &mut Evaluation<'_>, texts: &Texts<'_>, expr: &Expr) -> Result<String, EvalError> {
    Ok(match expr {
        Expr::Local(_) => element_label(&ev.eval(expr)?),
        other => label(ev.program, texts, other),
    })
}

fn operand_name(
    ev: &mut Evaluation<'_>,
    texts: &Texts<'_>,
    expr: &Expr,
) -> Result<String, EvalError> {
    Ok(match expr {
        Expr::Field(inner, index) => match ev.eval(inner)? {
            Value::Record(r) => r.layout.fields[*index as usize].clone(),
            _ => "field".into(),
        },
        other => label(ev.program, texts, other),
    })
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// A condition in the current bindings, with the values that decide it.
pub fn describe(
    ev: &mut Evaluation<'_>,
    texts: &Texts<'_>,
    condition: &Expr,
) -> Result<String, EvalError> {
    Ok(match condition {
        Expr::Compare(op, a, b) => {
            let holds = compare(*op, &ev.eval(a)?, &ev.eval(b)?);
            format!(
                "{} {} {}: {}",
                operand(ev, texts, a)?,
                op.symbol(),
                operand(ev, texts, b)?,
                yes(holds)
            )
        }
        Expr::In {
            item,
            list,
            negated,
        } => {
            let items = ev.eval(list)?;
            let found = items.as_list().contains(&ev.eval(item)?);
            let word = if *negated { "not in" } else { "in" };
            let list_text = match list.as_ref() {
                Expr::Local(_) => shown(&items),
                other => label(ev.program, texts, other),
            };
            format!(
                "{} {word} {list_text}: {}",
                operand(ev, texts, item)?,
                yes(found != *negated)
            )
        }
        Expr::And(a, b) | Expr::Or(a, b) => {
            let word = if matches!(condition, Expr::And(..)) {
                "and"
            } else {
                "or"
            };
            format!(
                "({}) {word} ({})",
                describe(ev, texts, a)?,
                describe(ev, texts, b)?
            )
        }
        Expr::Not(inner) => format!("not ({})", describe(ev, texts, inner)?),
        Expr::Binder {
            kind: kind @ (BinderKind::All | BinderKind::Any),
            slot,
            list,
            body,
            ..
        } => {
            // Only what decided: for `any`, the first that holds (or all when none does); for
            // `all`, the first that fails (or all when every one holds).
            let items = ev.eval(list)?;
            let decisive = *kind == BinderKind::Any;
            let mut parts = Vec::new();
            let mut holds = !decisive;
            for item in items.as_list() {
                ev.set_local(*slot, item.clone());
                let value = ev.eval(body)?.as_bool();
                if value == decisive {
                    parts = vec![describe(ev, texts, body)?];
                    holds = decisive;
                    break;
                }
                parts.push(describe(ev, texts, body)?);
            }
            let word = match (kind, holds) {
                (BinderKind::Any, true) | (BinderKind::All, false) => "",
                (BinderKind::Any, false) => "none of ",
                _ => "all of ",
            };
            if word.is_empty() {
                parts.join("; ")
            } else {
                format!("{word}[{}]", parts.join("; "))
            }
        }
        other => {
            let holds = ev.eval(other)?;
            format!("{}: {holds}", label(ev.program, texts, other))
        }
    })
}

/// The first call of a user function in an expression, to break an element's value down.
fn first_call(expr: &Expr) -> Option<&Expr> {
    let mut found = None;
    let mut stack = vec![expr];
    while let Some(e) = stack.pop() {
        if matches!(e, Expr::CallFn { .. }) {
            found = Some(e);
            break;
        }
        // Not inside a nested loop: its variable is not bound here.
        if let Expr::Binder { list, .. } | Expr::Filter { list, .. } = e {
            stack.push(list);
            continue;
        }
        let mut kids = Vec::new();
        e.children_into(&mut kids);
        stack.extend(kids.into_iter().rev());
    }
    found
}

/// Arithmetic with the values it read: `messages_per_day (7200) * days_per_month (30)`.
/// `None` for what is not arithmetic.
pub fn computed(
    texts: &Texts<'_>,
    ev: &mut Evaluation<'_>,
    expr: &Expr,
) -> Result<Option<String>, EvalError> {
    match expr {
        Expr::Arith(op, a, b, _) => {
            let symbol = match op {
                crate::ir::Arith::Add
                | crate::ir::Arith::MonthPlus
                | crate::ir::Arith::DatePlus => "+",
                crate::ir::Arith::Mul => "*",
                crate::ir::Arith::Div => "/",
                _ => "-",
            };
            Ok(Some(format!(
                "{} {symbol} {}",
                term(texts, ev, a)?,
                term(texts, ev, b)?
            )))
        }
        Expr::Call { builtin, args, .. } if args.iter().any(|a| !matches!(a, Expr::Const(_))) => {
            let mut parts = Vec::new();
            for a in args {
                parts.push(term(texts, ev, a)?);
            }
            Ok(Some(format!("{}({})", builtin.name(), parts.join(", "))))
        }
        _ => Ok(None),
    }
}

fn term(texts: &Texts<'_>, ev: &mut Evaluation<'_>, expr: &Expr) -> Result<String, EvalError> {
    Ok(match expr {
        Expr::Arith(..) => format!("({})", computed(texts, ev, expr)?.unwrap_or_default()),
        other => operand(ev, texts, other)?,
    })
}

/// The parts of a condition joined by `and`.
fn conjuncts(condition: &Expr) -> Vec<&Expr> {
    match condition {
        Expr::And(a, b) => {
            let mut parts = conjuncts(a);
            parts.extend(conjuncts(b));
            parts
        }
        other => vec![other],
    }
}

/// For the first list an expression filters or goes over: each element and what became of it.
pub fn elements(
    program: &Program,
    texts: &Texts<'_>,
    ev: &mut Evaluation<'_>,
    expr: &Expr,
) -> Result<Vec<Element>, EvalError> {
    match expr {
        Expr::Filter {
            list,
            slot,
            condition,
        } => {
            let items = ev.eval(list)?;
            let mut out = Vec::new();
            for item in items.as_list() {
                ev.set_local(*slot, item.clone());
                let mut why = Vec::new();
                let mut kept = true;
                for part in conjuncts(condition) {
                    let holds = ev.eval(part)?.as_bool();
                    if !holds {
                        kept = false;
                        why = vec![describe(ev, texts, part)?];
                        break;
                    }
                    why.push(describe(ev, texts, part)?);
                }
                out.push(Element {
                    element: element_label(item),
                    kept,
                    why: why.join("; "),
                    children: Vec::new(),
                });
            }
            Ok(out)
        }
        Expr::Binder {
            kind,
            slot,
            list,
            body,
            ..
        } => {
            let items = ev.eval(list)?;
            let mut out = Vec::new();
            for item in items.as_list() {
                ev.set_local(*slot, item.clone());
                let value = ev.eval(body)?;
                let why = match kind {
                    BinderKind::All | BinderKind::Any => describe(ev, texts, body)?,
                    _ => match computed(texts, ev, body)? {
                        Some(arithmetic) => format!("{arithmetic} = {}", shown(&value)),
                        None => shown(&value),
                    },
                };
                let kept = !matches!(value, Value::Bool(false));
                let children = match first_call(body) {
                    Some(call) => elements(program, texts, ev, call)?,
                    None => Vec::new(),
                };
                out.push(Element {
                    element: element_label(item),
                    kept,
                    why,
                    children,
                });
            }
            Ok(out)
        }
        Expr::Call {
            builtin: crate::ir::builtins::Builtin::Unique,
            args,
            ..
        } => {
            let mut out = elements(program, texts, ev, &args[0])?;
            let mut seen: Vec<String> = Vec::new();
            for element in &mut out {
                if seen.contains(&element.why) {
                    element.kept = false;
                    element.why =
                        format!("{}: the same as an earlier one, counted once", element.why);
                } else {
                    seen.push(element.why.clone());
                }
            }
            Ok(out)
        }
        Expr::CallFn { function, args, .. } => {
            let function = program.function(*function);
            let mut values = Vec::with_capacity(args.len());
            for a in args {
                values.push(ev.eval(a)?);
            }
            ev.with_frame(function.body.frame, |ev| {
                for (slot, v) in values.into_iter().enumerate() {
                    ev.set_local(slot as u32, v);
                }
                elements(program, texts, ev, &function.body.expr)
            })
        }
        Expr::Global(_) | Expr::Const(_) | Expr::Local(_) => Ok(Vec::new()),
        other => {
            let mut children = Vec::new();
            other.children_into(&mut children);
            for child in children {
                let found = elements(program, texts, ev, child)?;
                if !found.is_empty() {
                    return Ok(found);
                }
            }
            Ok(Vec::new())
        }
    }
}
