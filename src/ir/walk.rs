//! The one traversal of typed expressions. Every pass that looks through an expression (the
//! analyses, the lints, `tally doc`, `tally explain`, test coverage) walks it with these, so a
//! new kind of expression is added to the walk in one place.

use super::Expr;

impl Expr {
    /// Calls `f` on every node of the expression, outermost first, then left to right.
    pub fn walk<'e>(&'e self, f: &mut impl FnMut(&'e Expr)) {
        // One stack for the whole walk: the checker walks the program many times.
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            f(e);
            let first = stack.len();
            e.children_into(&mut stack);
            stack[first..].reverse();
        }
    }

    /// The first node, in the order of [`Expr::walk`], for which `found` is true.
    pub fn find(&self, mut found: impl FnMut(&Expr) -> bool) -> Option<&Expr> {
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            if found(e) {
                return Some(e);
            }
            let first = stack.len();
            e.children_into(&mut stack);
            stack[first..].reverse();
        }
        None
    }

    /// The expressions directly inside this one, in order.
    pub fn children(&self) -> Vec<&Expr> {
        let mut out = Vec::new();
        self.children_into(&mut out);
        out
    }

    /// Adds the expressions directly inside this one to `out`, in order.
    pub fn children_into<'e>(&'e self, out: &mut Vec<&'e Expr>) {
        match self {
            Expr::Const(_) | Expr::Global(_) | Expr::Local(_) | Expr::TableLabels { .. } => {}
            Expr::Field(e, _) | Expr::Project(e, _) | Expr::Not(e) | Expr::Neg(e, _) => out.push(e),
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
            }
            | Expr::Filter {
                list: a,
                condition: b,
                ..
            }
            | Expr::Binder {
                list: a, body: b, ..
            } => {
                out.push(a);
                out.push(b);
            }
            Expr::If(c, a, b) => out.extend([c.as_ref(), a.as_ref(), b.as_ref()]),
            Expr::Case {
                subject,
                arms,
                otherwise,
                ..
            } => {
                out.push(subject);
                for (w, t) in arms {
                    out.push(w);
                    out.push(t);
                }
                out.extend(otherwise.iter().map(|o| o.as_ref()));
            }
            Expr::List(items)
            | Expr::Record(_, items)
            | Expr::Call { args: items, .. }
            | Expr::CallFn { args: items, .. } => out.extend(items.iter()),
        }
    }
}
