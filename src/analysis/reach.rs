//! What results depend on, found once for each value and function however many expressions
//! ask: the choices that decide them (texts of few values, such as a path) and the written
//! lists of texts they read.

use std::collections::BTreeSet;
use std::rc::Rc;

use rustc_hash::FxHashMap;

use crate::ir::types::{GlobalId, Type};
use crate::ir::value::Value;
use crate::ir::{Expr, FnId, GlobalDef, Program};

/// What one expression reads, directly or through the values and functions it uses.
#[derive(Default)]
pub struct Reached {
    /// Values of a few possible texts that it compares or tells apart with `case`.
    pub choices: BTreeSet<GlobalId>,
    /// Values written as a list of texts.
    pub lists: BTreeSet<GlobalId>,
    /// The days from which a dated value or table it reads has a new version.
    pub dates: BTreeSet<chrono::NaiveDate>,
}

impl Reached {
    fn extend(&mut self, other: &Reached) {
        self.choices.extend(&other.choices);
        self.lists.extend(&other.lists);
        self.dates.extend(&other.dates);
    }
}

pub struct Reach<'p> {
    program: &'p Program,
    globals: FxHashMap<GlobalId, Rc<Reached>>,
    functions: FxHashMap<FnId, Rc<Reached>>,
}

impl<'p> Reach<'p> {
    pub fn new(program: &'p Program) -> Reach<'p> {
        Reach {
            program,
            globals: FxHashMap::default(),
            functions: FxHashMap::default(),
        }
    }

    pub fn of(&mut self, expr: &Expr) -> Reached {
        let program = self.program;
        let mut reached = Reached::default();
        let (mut globals, mut functions) = (Vec::new(), Vec::new());
        expr.walk(&mut |e| match e {
            Expr::Case { subject, .. } | Expr::Compare(_, subject, _) => {
                if let Expr::Global(id) = subject.as_ref() {
                    if matches!(&program.global(*id).ty, Type::Choice(c) if c.values.len() > 1) {
                        reached.choices.insert(*id);
                    }
                }
            }
            Expr::Global(id) => globals.push(*id),
            Expr::TableGet { table, .. } | Expr::TableLabels { table, .. } => {
                if let GlobalDef::Table(variants) = &program.global(*table).def {
                    reached.dates.extend(variants.iter().filter_map(|v| v.from));
                }
            }
            Expr::CallFn { function, .. } => functions.push(*function),
            _ => {}
        });
        for id in globals {
            reached.extend(&self.of_global(id));
        }
        for id in functions {
            reached.extend(&self.of_function(id));
        }
        reached
    }

    fn of_global(&mut self, id: GlobalId) -> Rc<Reached> {
        if let Some(known) = self.globals.get(&id) {
            return known.clone();
        }
        // Nothing while it is worked out, so that a value defined in terms of itself (an
        // error reported elsewhere) ends the walk.
        self.globals.insert(id, Rc::default());
        let mut reached = Reached::default();
        if let GlobalDef::Let(variants) = &self.program.global(id).def {
            reached.dates.extend(variants.iter().filter_map(|v| v.from));
            for v in variants {
                if text_list(&v.value.expr).is_some() {
                    reached.lists.insert(id);
                } else {
                    reached.extend(&self.of(&v.value.expr));
                }
            }
        }
        let reached = Rc::new(reached);
        self.globals.insert(id, reached.clone());
        reached
    }

    fn of_function(&mut self, id: FnId) -> Rc<Reached> {
        if let Some(known) = self.functions.get(&id) {
            return known.clone();
        }
        self.functions.insert(id, Rc::default());
        let function = self.program.function(id);
        let mut reached = self.of(&function.body.expr);
        for v in &function.later {
            reached.dates.extend(v.from);
            reached.extend(&self.of(&v.value.expr));
        }
        let reached = Rc::new(reached);
        self.functions.insert(id, reached.clone());
        reached
    }
}

/// The entries of a list of texts written out.
pub fn text_list(expr: &Expr) -> Option<impl Iterator<Item = String> + '_> {
    match expr {
        Expr::Const(Value::List(items)) if items.iter().all(|i| matches!(i, Value::Text(_))) => {
            Some(items.iter().map(|i| i.to_string()))
        }
        _ => None,
    }
}
