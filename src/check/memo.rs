//! Computing things once per record: a function call whose arguments read no local value, and
//! a part of a loop body (a `where` condition, a binder's body, a function's body) that does not
//! depend on the loop. Each becomes a hidden named value, computed on first use and remembered
//! for the record like any `let`. The rules mean the same; they are only evaluated less often.

use std::collections::BTreeSet;

use rustc_hash::FxHashMap;

use crate::ir::types::{GlobalId, Type};
use crate::ir::{Expr, Global, GlobalDef, Program};

/// Local slots an expression reads that it does not bind itself.
type Free = BTreeSet<u32>;

struct Memo {
    /// Calls already made into values, by function and arguments.
    calls: FxHashMap<String, GlobalId>,
    /// Bodies of the hidden values to create: (name, span, expression, frame).
    made: Vec<(String, crate::source::Span, Expr, u32)>,
    first_id: u32,
}

/// Rewrites every body of a checked program.
pub(super) fn memoize(program: &mut Program) {
    {
        let mut memo = Memo {
            calls: FxHashMap::default(),
            made: Vec::new(),
            first_id: program.globals.len() as u32,
        };
        for global in &mut program.globals {
            if let GlobalDef::Let(variants) = &mut global.def {
                for variant in variants {
                    let frame = variant.value.frame;
                    visit(&mut memo, &mut variant.value.expr, frame, false);
                }
            }
        }
        for function in &mut program.functions {
            let frame = function.body.frame;
            visit(&mut memo, &mut function.body.expr, frame, true);
            for version in &mut function.later {
                let frame = version.value.frame;
                visit(&mut memo, &mut version.value.expr, frame, true);
            }
        }
        for kind in &mut program.kinds {
            for d in &mut kind.designations {
                let frame = d.frame;
                let parts = d.path.iter_mut().chain(d.threshold.iter_mut());
                let points = d
                    .categories
                    .iter_mut()
                    .flat_map(|c| c.subcategories.iter_mut().map(|s| &mut s.points));
                let requires = d.requires.iter_mut().map(|r| &mut r.condition);
                for expr in parts.chain(points).chain(requires) {
                    visit(&mut memo, expr, frame, false);
                }
            }
            for field in &mut kind.output {
                let frame = field.body.frame;
                visit(&mut memo, &mut field.body.expr, frame, false);
            }
        }
        for (name, span, expr, frame) in memo.made {
            program
                .globals
                .push(Global::hidden(name, span, Type::Error, expr, frame));
        }
    }
}

impl Memo {
    fn hide(&mut self, expr: &mut Expr, name: String, frame: u32) -> GlobalId {
        let id = GlobalId(self.first_id + self.made.len() as u32);
        let body = std::mem::replace(expr, Expr::Global(id));
        let span = span_of(&body);
        self.made.push((name, span, body, frame));
        id
    }
}

/// Rewrites `expr` in place; returns the local slots it reads and does not bind.
fn visit(memo: &mut Memo, expr: &mut Expr, frame: u32, in_loop: bool) -> Free {
    let free = match expr {
        Expr::Const(_) | Expr::Global(_) | Expr::TableLabels { .. } => Free::new(),
        Expr::Local(slot) => Free::from([*slot]),
        Expr::Field(e, _) | Expr::Project(e, _) | Expr::Not(e) | Expr::Neg(e, _) => {
            visit(memo, e, frame, in_loop)
        }
        Expr::MapGet { map: a, key: b, .. }
        | Expr::TableGet {
            row: a, column: b, ..
        }
        | Expr::And(a, b)
        | Expr::Or(a, b)
        | Expr::Compare(_, a, b)
        | Expr::Arith(_, a, b, _)
        | Expr::In {
            item: a, list: b, ..
        } => {
            let mut free = visit(memo, a, frame, in_loop);
            free.extend(visit(memo, b, frame, in_loop));
            free
        }
        Expr::If(c, a, b) => {
            let mut free = visit(memo, c, frame, in_loop);
            free.extend(visit(memo, a, frame, in_loop));
            free.extend(visit(memo, b, frame, in_loop));
            free
        }
        Expr::Case {
            subject,
            arms,
            otherwise,
            ..
        } => {
            let mut free = visit(memo, subject, frame, in_loop);
            for (when, then) in arms {
                free.extend(visit(memo, when, frame, in_loop));
                free.extend(visit(memo, then, frame, in_loop));
            }
            if let Some(o) = otherwise {
                free.extend(visit(memo, o, frame, in_loop));
            }
            free
        }
        Expr::Filter {
            list,
            slot,
            condition: body,
        }
        | Expr::Binder {
            list, slot, body, ..
        } => {
            let mut free = visit(memo, list, frame, in_loop);
            let mut inner = visit(memo, body, frame, true);
            inner.remove(slot);
            free.extend(inner);
            free
        }
        Expr::List(items) | Expr::Record(_, items) | Expr::Call { args: items, .. } => {
            let mut free = Free::new();
            for item in items {
                free.extend(visit(memo, item, frame, in_loop));
            }
            free
        }
        Expr::CallFn { function, args, .. } => {
            let mut free = Free::new();
            for arg in args.iter_mut() {
                free.extend(visit(memo, arg, frame, in_loop));
            }
            if free.is_empty() {
                // The same call with the same arguments gives the same value all record long.
                let mut key = format!("f{}", function.0);
                let mut keys = Vec::new();
                for arg in args.iter_mut() {
                    let part = match arg {
                        Expr::Global(id) => format!("g{}", id.0),
                        Expr::Const(v) => format!("c{v:?}"),
                        other => format!("g{}", memo.hide(other, "(argument)".into(), frame).0),
                    };
                    keys.push(part);
                }
                key.push_str(&keys.join(","));
                let id = match memo.calls.get(&key) {
                    Some(id) => *id,
                    None => {
                        let id = memo.hide(expr, "(call)".into(), frame);
                        memo.calls.insert(key, id);
                        id
                    }
                };
                *expr = Expr::Global(id);
                return Free::new();
            }
            free
        }
    };
    if in_loop
        && free.is_empty()
        && !matches!(
            expr,
            Expr::Const(_) | Expr::Global(_) | Expr::Local(_) | Expr::TableLabels { .. }
        )
    {
        memo.hide(expr, "(loop-invariant)".into(), frame);
    }
    free
}

fn span_of(expr: &Expr) -> crate::source::Span {
    match expr {
        Expr::Arith(_, _, _, span)
        | Expr::Neg(_, span)
        | Expr::MapGet { span, .. }
        | Expr::TableGet { span, .. }
        | Expr::Case { span, .. }
        | Expr::Binder { span, .. }
        | Expr::Call { span, .. }
        | Expr::CallFn { span, .. } => *span,
        Expr::Field(e, _) | Expr::Project(e, _) | Expr::Not(e) => span_of(e),
        Expr::And(a, _)
        | Expr::Or(a, _)
        | Expr::Compare(_, a, _)
        | Expr::In { item: a, .. }
        | Expr::If(a, _, _) => span_of(a),
        Expr::Filter { list, .. } => span_of(list),
        _ => crate::source::Span::new(crate::source::FileId(0), 0, 0),
    }
}
