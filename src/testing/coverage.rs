//! Coverage of the rules by their tests: which named values were evaluated, which branches of
//! `if` and `case` ran, and which entries of named lists an `in` found.

use std::collections::HashSet;

use serde::Serialize;

use crate::eval::coverage::{Coverage, node_id};
use crate::ir::types::GlobalId;
use crate::ir::value::Value;
use crate::ir::{Expr, GlobalDef, KindId, Program};
use crate::report::rule_text::Texts;

/// What the tests exercised, gathered over every case.
#[derive(Debug, Default)]
pub struct Exercised {
    pub globals: HashSet<GlobalId>,
    pub coverage: Coverage,
}

impl Exercised {
    pub fn add(&mut self, globals: impl IntoIterator<Item = GlobalId>, coverage: Coverage) {
        self.globals.extend(globals);
        self.coverage.branches.extend(coverage.branches);
        self.coverage.entries.extend(coverage.entries);
    }
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub percent: f64,
    pub rules: (usize, usize),
    pub branches: (usize, usize),
    pub entries: (usize, usize),
    /// What no test reached, each with where it is.
    pub missed: Vec<String>,
}

/// Measures the coverage of the rules that the tests' inputs read.
pub fn report(program: &Program, kinds: &[KindId], exercised: &Exercised) -> Report {
    let texts = Texts::new(program);
    let mut roots: Vec<&Expr> = Vec::new();
    for kind in kinds {
        let input = program.kind(*kind);
        for d in &input.designations {
            roots.extend(d.path.iter().chain(d.threshold.iter()));
            roots.extend(
                d.categories
                    .iter()
                    .flat_map(|c| c.subcategories.iter().map(|s| &s.points)),
            );
            roots.extend(d.requires.iter().map(|r| &r.condition));
        }
        roots.extend(input.output.iter().map(|o| &o.body.expr));
    }
    // Everything the designations and outputs read, and where each part lives.
    let mut globals: Vec<GlobalId> = Vec::new();
    let mut bodies: Vec<(String, &Expr)> = roots
        .iter()
        .map(|r| ("a designation or output".to_string(), *r))
        .collect();
    let mut seen = HashSet::new();
    let mut functions = HashSet::new();
    let mut i = 0;
    while i < bodies.len() {
        let (_, body) = bodies[i];
        let mut found = Vec::new();
        body.walk(&mut |e| match e {
            Expr::Global(id) if seen.insert(*id) => found.push(Found::Global(*id)),
            Expr::CallFn { function, .. } if functions.insert(*function) => {
                found.push(Found::Function(*function))
            }
            _ => {}
        });
        for f in found {
            match f {
                Found::Global(id) => {
                    let global = program.global(id);
                    if let GlobalDef::Let(variants) = &global.def {
                        if !global.hidden {
                            globals.push(id);
                        }
                        let owner = owner(program, &texts, id);
                        bodies.extend(variants.iter().map(|v| (owner.clone(), &v.value.expr)));
                    }
                }
                Found::Function(f) => {
                    let function = program.function(f);
                    bodies.push((
                        format!("`{}` ({})", function.name, texts.place(function.span)),
                        &function.body.expr,
                    ));
                }
            }
        }
        i += 1;
    }
    let mut missed = Vec::new();
    let covered_rules = globals
        .iter()
        .filter(|g| exercised.globals.contains(g))
        .count();
    for g in &globals {
        if !exercised.globals.contains(g) {
            missed.push(format!(
                "`{}` is never evaluated ({})",
                program.global(*g).name,
                texts.place(program.global(*g).span)
            ));
        }
    }
    let (mut branches, mut covered_branches) = (0, 0);
    // Named lists of texts are what `in` looks in (directly, or passed to a function).
    let lists: Vec<GlobalId> = globals
        .iter()
        .copied()
        .filter(|g| is_text_list(program, *g))
        .collect();
    for (owner, body) in &bodies {
        let mut ordinal = 0;
        body.walk(&mut |e| {
            let arms: Vec<String> = match e {
                Expr::If(..) => vec!["the `else`".into(), "the `then`".into()],
                Expr::Case {
                    arms, otherwise, ..
                } => {
                    let mut names: Vec<String> = arms
                        .iter()
                        .map(|(when, _)| format!("`when {}`", shown(when)))
                        .collect();
                    if otherwise.is_some() {
                        names.push("the `else`".into());
                    }
                    names
                }
                _ => Vec::new(),
            };
            if arms.is_empty() {
                return;
            }
            ordinal += 1;
            let kind = match (e, ordinal) {
                (Expr::If(..), 1) => "the first `if`".to_string(),
                (Expr::If(..), n) => format!("`if` number {n}"),
                (_, 1) => "the first `case`".to_string(),
                (_, n) => format!("`case` number {n}"),
            };
            for (branch, name) in arms.iter().enumerate() {
                branches += 1;
                if exercised.coverage.branches.contains(&(node_id(e), branch)) {
                    covered_branches += 1;
                } else {
                    missed.push(format!("{name} of {kind} in {owner} never runs"));
                }
            }
        });
    }
    let (mut entries, mut covered_entries) = (0, 0);
    for id in lists {
        let GlobalDef::Let(variants) = &program.global(id).def else {
            continue;
        };
        let Expr::Const(Value::List(items)) = &variants[0].value.expr else {
            continue;
        };
        for (index, item) in items.iter().enumerate() {
            entries += 1;
            if exercised.coverage.entries.contains(&(id, index)) {
                covered_entries += 1;
            } else {
                missed.push(format!(
                    "\"{item}\" in `{}` is never matched ({})",
                    program.global(id).name,
                    texts.place(program.global(id).span)
                ));
            }
        }
    }
    let total = globals.len() + branches + entries;
    let covered = covered_rules + covered_branches + covered_entries;
    let percent = if total == 0 {
        100.0
    } else {
        (covered as f64 * 1000.0 / total as f64).floor() / 10.0
    };
    Report {
        percent,
        rules: (covered_rules, globals.len()),
        branches: (covered_branches, branches),
        entries: (covered_entries, entries),
        missed,
    }
}

enum Found {
    Global(GlobalId),
    Function(crate::ir::FnId),
}

/// Which named value a part of the rules belongs to, for messages.
fn owner(program: &Program, texts: &Texts<'_>, id: GlobalId) -> String {
    let global = program.global(id);
    if global.hidden {
        format!("a part of the rules at {}", texts.place(global.span))
    } else {
        format!("`{}` ({})", global.name, texts.place(global.span))
    }
}

fn shown(expr: &Expr) -> String {
    match expr {
        Expr::Const(Value::Text(t)) => format!("\"{t}\""),
        Expr::Const(v) => v.to_string(),
        _ => "...".into(),
    }
}

fn is_text_list(program: &Program, id: GlobalId) -> bool {
    let global = program.global(id);
    !global.hidden
        && matches!(&global.def, GlobalDef::Let(v) if matches!(&v[0].value.expr, Expr::Const(Value::List(items)) if items.iter().all(|i| matches!(i, Value::Text(_)))))
}
