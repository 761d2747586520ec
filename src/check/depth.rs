//! How deep a value can be worked out. A value is worked out inside the values that read it,
//! one inside another, when rules are checked and when they are evaluated, so the longest
//! chain of reads (counting the nesting of each definition on the way) is bounded like the
//! nesting of one expression, whatever order the definitions are written in.

use super::{Checker, Symbol};
use crate::diagnostic::{Code, Diag};
use crate::source::FileId;
use crate::syntax::ast::{Expr, ExprKind};

/// How deep a chain of values may go, each value counting one level more than its expressions
/// nest: two values as deep as an expression may be, or 131 simple ones. The rules in `rules/`
/// go 46 deep. In a release build, a chain at the limit uses about a fifth of a 2 MiB stack
/// (what each thread of a batch has); an unoptimised build takes about seven times as much.
pub(super) const MAX_CHAIN: usize = 264;

/// A definition: how deep its own expressions nest and the definitions they read (numbered as
/// in [`Checker::chains_within_limit`]).
#[derive(Default)]
struct Node {
    nesting: usize,
    reads: Vec<usize>,
}

impl Checker<'_> {
    /// Reports each definition at which a chain grows deeper than [`MAX_CHAIN`]; true when
    /// there is none, and checking can go on without risk to the stack.
    pub(super) fn chains_within_limit(&mut self) -> bool {
        // Values are numbered first, then functions.
        let globals = self.program.globals.len();
        let mut nodes: Vec<Node> = Vec::new();
        nodes.resize_with(globals + self.fn_decls.len(), Node::default);
        for (&id, decls) in &self.let_decls {
            let node = &mut nodes[id.0 as usize];
            for (file, decl) in decls {
                node.nesting =
                    node.nesting
                        .max(self.reads(*file, &decl.body, globals, &mut node.reads));
            }
        }
        for (i, (file, decl)) in self.fn_decls.iter().enumerate() {
            let node = &mut nodes[globals + i];
            node.nesting = self.reads(*file, &decl.body, globals, &mut node.reads);
        }
        let depths = depths(&nodes);
        let mut within = true;
        for (i, (node, &depth)) in nodes.iter().zip(&depths).enumerate() {
            // Where a chain crosses the limit: deeper than it, with all it reads within it.
            if depth > MAX_CHAIN && depth_below(node, &depths) <= MAX_CHAIN {
                within = false;
                let (name, span) = match i.checked_sub(globals) {
                    None => {
                        let global = &self.program.globals[i];
                        (global.name.clone(), global.span)
                    }
                    Some(f) => (
                        self.fn_decls[f].1.name.name.clone(),
                        self.fn_decls[f].1.name.span,
                    ),
                };
                self.error(
                    Diag::error(
                        Code::TooDeep,
                        span,
                        format!(
                            "`{name}` is worked out through a chain of values more than {MAX_CHAIN} levels deep"
                        ),
                    )
                    .label("each value it reads reads another, and so on")
                    .help("work out such values side by side, each from the data, rather than each from the one before"),
                );
            }
        }
        within
    }

    /// Adds the definitions `expr` reads to `out`, and returns how deep it nests.
    fn reads(&self, file: FileId, expr: &Expr, globals: usize, out: &mut Vec<usize>) -> usize {
        let name = match &expr.kind {
            ExprKind::Name(name) => Some(name.as_str()),
            ExprKind::Call(name, _) => Some(name.name.as_str()),
            _ => None,
        };
        match name.and_then(|name| self.lookup(file, name)) {
            Some(Symbol::Global(id)) => out.push(id.0 as usize),
            Some(Symbol::Function(id)) => out.push(globals + id.0 as usize),
            _ => {}
        }
        // The parser bounds how deep an expression nests, so this recursion is bounded too.
        let mut deepest = 0;
        each_child(expr, &mut |child| {
            deepest = deepest.max(self.reads(file, child, globals, out));
        });
        1 + deepest
    }
}

fn each_child<'e>(expr: &'e Expr, f: &mut impl FnMut(&'e Expr)) {
    match &expr.kind {
        ExprKind::Number(_)
        | ExprKind::Text(_)
        | ExprKind::Bool(_)
        | ExprKind::Date(_)
        | ExprKind::Month(_)
        | ExprKind::Name(_) => {}
        ExprKind::List(items) | ExprKind::Call(_, items) => items.iter().for_each(f),
        ExprKind::Record(fields) => fields.iter().for_each(|(_, e)| f(e)),
        ExprKind::Field(base, _) | ExprKind::Unary(_, base) => f(base),
        ExprKind::Index(base, keys) => {
            f(base);
            keys.iter().for_each(f);
        }
        ExprKind::Binary(_, a, b) | ExprKind::Where(a, b) | ExprKind::Binder(_, _, a, b) => {
            f(a);
            f(b);
        }
        ExprKind::If(a, b, c) => {
            f(a);
            f(b);
            f(c);
        }
        ExprKind::Case(subject, arms, otherwise) => {
            f(subject);
            for (when, then) in arms {
                f(when);
                f(then);
            }
            if let Some(otherwise) = otherwise {
                f(otherwise);
            }
        }
    }
}

/// How deep each definition is worked out: a level for itself and its own nesting, plus the
/// deepest definition it reads. Found without recursion, as the chains are what may be too
/// long; a definition that reads itself (reported elsewhere) adds nothing.
fn depths(nodes: &[Node]) -> Vec<usize> {
    // 0: not reached yet; a definition on the path being followed has no depth yet either.
    let mut depths = vec![0; nodes.len()];
    let mut open = vec![false; nodes.len()];
    for start in 0..nodes.len() {
        if depths[start] > 0 {
            continue;
        }
        let mut stack = vec![(start, 0)];
        open[start] = true;
        while let Some(&(at, next)) = stack.last() {
            let node = &nodes[at];
            if let Some(&read) = node.reads.get(next) {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                if depths[read] == 0 && !open[read] {
                    open[read] = true;
                    stack.push((read, 0));
                }
            } else {
                depths[at] = 1 + node.nesting + depth_below(node, &depths);
                open[at] = false;
                stack.pop();
            }
        }
    }
    depths
}

/// The depth of the deepest definition `node` reads.
fn depth_below(node: &Node, depths: &[usize]) -> usize {
    node.reads
        .iter()
        .map(|&read| depths[read])
        .max()
        .unwrap_or(0)
}
