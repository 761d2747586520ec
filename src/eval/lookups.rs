//! Loops whose body only looks a value up: `sum k in keys: x.amounts[k]` and
//! `any k in keys: x.amounts[k] >= limit`, where the map does not change with the loop variable.
//! The map is found once and each element is looked up directly, without binding the variable
//! and evaluating the body for each. Anything else (a missing key, an overflow) is left to the
//! general loop, which gives the same value or reports the same error.

use rust_decimal::Decimal;

use super::{Evaluation, compare};
use crate::ir::Expr;
use crate::ir::value::{MapValue, Value};
use crate::syntax::ast::BinderKind;

/// Where the lookup is in a binder's body.
#[derive(Clone, Copy)]
enum Lookup {
    /// The body is `map[x]`.
    Whole,
    /// The body compares `map[x]` (on this side) with something the loop does not change.
    Left,
    Right,
}

impl Evaluation<'_> {
    /// The value of the binder `kind slot in list: body`, when the body is a lookup in a map
    /// that does not depend on the loop variable and the list is at hand.
    pub(super) fn lookup_loop(
        &mut self,
        kind: BinderKind,
        slot: u32,
        list: &Expr,
        body: &Expr,
    ) -> Option<Value> {
        let lookup = examine(kind, slot, body)?;
        // Out of budget, the general loop reports it.
        let turns = self.leaf(list)?.as_list().len();
        self.steps(turns).ok()?;
        let list = self.leaf(list)?.as_list();
        match (lookup, body) {
            (Lookup::Whole, Expr::MapGet { map, .. }) => {
                let map = self.map_at(map)?;
                let mut total = Decimal::ZERO;
                for key in list {
                    total = super::exact::add(total, map.get(key)?.as_number())?;
                }
                Some(Value::Number(total))
            }
            (side, Expr::Compare(op, a, b)) => {
                let (lookup, other) = match side {
                    Lookup::Right => (b, a),
                    _ => (a, b),
                };
                let Expr::MapGet { map, .. } = &**lookup else {
                    return None;
                };
                let (map, other) = (self.map_at(map)?, self.place(other)?);
                let want = kind == BinderKind::Any;
                for key in list {
                    let value = map.get(key)?;
                    let holds = match side {
                        Lookup::Right => compare(*op, other, value),
                        _ => compare(*op, value, other),
                    };
                    if holds == want {
                        return Some(Value::Bool(want));
                    }
                }
                Some(Value::Bool(!want))
            }
            _ => None,
        }
    }

    fn map_at<'a>(&'a self, expr: &'a Expr) -> Option<&'a MapValue> {
        match self.place(expr)? {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }
}

/// Where the lookup is in `body`, if it is a loop these lookups handle.
fn examine(kind: BinderKind, slot: u32, body: &Expr) -> Option<Lookup> {
    match (kind, body) {
        (BinderKind::Sum, _) if keyed_by(body, slot) => Some(Lookup::Whole),
        (BinderKind::Any | BinderKind::All, Expr::Compare(_, a, b)) => {
            if keyed_by(a, slot) && !mentions(b, slot) {
                Some(Lookup::Left)
            } else if keyed_by(b, slot) && !mentions(a, slot) {
                Some(Lookup::Right)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Whether `expr` is `map[x]`, with `x` the loop variable and a map that does not depend on it.
fn keyed_by(expr: &Expr, slot: u32) -> bool {
    matches!(expr, Expr::MapGet { map, key, .. }
        if matches!(**key, Expr::Local(s) if s == slot) && !mentions(map, slot))
}

/// Whether `expr` may read the local `slot` (anything but a simple path is assumed to).
fn mentions(mut expr: &Expr, slot: u32) -> bool {
    loop {
        match expr {
            Expr::Local(s) => return *s == slot,
            Expr::Const(_) | Expr::Global(_) => return false,
            Expr::Field(inner, _) => expr = inner,
            Expr::MapGet { map, key, .. } => {
                if mentions(key, slot) {
                    return true;
                }
                expr = map;
            }
            _ => return true,
        }
    }
}
