//! The derivation: every value a record's results read, each explained once and before the
//! first value that uses it. Named values, and calls of functions with their arguments fixed
//! (`prerequisite_met(architect_certifications)`), are steps; the values the checker makes
//! (parts of loops, template arguments) are seen through to the named values they read.

use std::collections::HashMap;

use crate::eval::{EvalError, Evaluation};
use crate::ir::in_force;
use crate::ir::types::GlobalId;
use crate::ir::value::Value;
use crate::ir::{Expr, FnId, GlobalDef, Program};
use crate::report::rule_text::Texts;
use crate::syntax::ast::NoteKind;

use super::show::{Annotate, Scope, json, short};
use super::{Read, Step};

/// Where a step comes from.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Key {
    Global(GlobalId),
    /// A call with its arguments fixed: the function, the values, the arguments as written.
    Call(FnId, Vec<Value>, Vec<String>),
}

/// Builds the steps in the order they are first needed (dependencies first).
pub(super) struct Deriver<'a, 'p> {
    pub program: &'p Program,
    pub texts: &'a Texts<'p>,
    pub steps: Vec<Step>,
    /// Step index by its name; `None` while the step is being derived.
    index: HashMap<String, Option<usize>>,
    /// The functions whose bodies were searched for the values they read, without fixed
    /// arguments (called inside a loop).
    opened: Vec<FnId>,
}

impl<'a, 'p> Deriver<'a, 'p> {
    pub fn new(program: &'p Program, texts: &'a Texts<'p>) -> Deriver<'a, 'p> {
        Deriver {
            program,
            texts,
            steps: Vec::new(),
            index: HashMap::new(),
            opened: Vec::new(),
        }
    }

    /// The steps an expression reads directly, each derived (with what it reads) first.
    /// `scope` names the parameters when `expr` is a function's body.
    pub fn reads(
        &mut self,
        ev: &mut Evaluation<'_>,
        expr: &Expr,
        scope: &Scope,
    ) -> Result<Vec<String>, EvalError> {
        let mut out = Vec::new();
        self.walk(ev, expr, scope, &mut out)?;
        Ok(out)
    }

    fn walk(
        &mut self,
        ev: &mut Evaluation<'_>,
        expr: &Expr,
        scope: &Scope,
        out: &mut Vec<String>,
    ) -> Result<(), EvalError> {
        match expr {
            Expr::Global(id) => self.global_read(ev, *id, out),
            Expr::CallFn { function, args, .. } => {
                // A call whose arguments are known here is a step of its own; one inside a
                // loop is shown element by element, and the values its body reads are steps.
                if args.iter().all(|a| scope.fixed(a)) {
                    let mut values = Vec::with_capacity(args.len());
                    let mut labels = Vec::with_capacity(args.len());
                    // The arguments are the call's reads, not the caller's.
                    let mut arguments = Vec::new();
                    for a in args {
                        self.walk(ev, a, scope, &mut arguments)?;
                        values.push(scope.eval(ev, a)?);
                        labels.push(scope.plain(self.program, self.texts, a));
                    }
                    let name = self.derive(ev, Key::Call(*function, values, labels))?;
                    push(out, name);
                } else {
                    for a in args {
                        self.walk(ev, a, scope, out)?;
                    }
                    if !self.opened.contains(function) {
                        self.opened.push(*function);
                        let body = &self.program.function(*function).body.expr;
                        self.walk(ev, body, &Scope::Loop, out)?;
                    }
                }
                Ok(())
            }
            other => {
                let mut kids = Vec::new();
                other.children_into(&mut kids);
                for kid in kids {
                    self.walk(ev, kid, scope, out)?;
                }
                Ok(())
            }
        }
    }

    fn global_read(
        &mut self,
        ev: &mut Evaluation<'_>,
        id: GlobalId,
        out: &mut Vec<String>,
    ) -> Result<(), EvalError> {
        let global = self.program.global(id);
        if let (true, GlobalDef::Let(variants)) = (global.hidden, &global.def) {
            let Some(variant) = in_force(variants, ev.date) else {
                return Ok(());
            };
            // A template's argument or a part of a loop: what it reads is read here.
            return self.walk(ev, &variant.value.expr, &Scope::Top, out);
        }
        if matches!(global.def, GlobalDef::Table(_)) {
            return Ok(());
        }
        let name = self.derive(ev, Key::Global(id))?;
        push(out, name);
        Ok(())
    }

    /// The name of the step for `key`, derived (with everything it reads) if it is new.
    pub fn derive(&mut self, ev: &mut Evaluation<'_>, key: Key) -> Result<String, EvalError> {
        let name = match &key {
            Key::Global(id) => self.program.global(*id).name.clone(),
            Key::Call(function, _, labels) => {
                format!(
                    "{}({})",
                    self.program.function(*function).name,
                    labels.join(", ")
                )
            }
        };
        if self.index.contains_key(&name) {
            return Ok(name);
        }
        self.index.insert(name.clone(), None);
        let step = match key {
            Key::Global(id) => self.global_step(ev, id, &name)?,
            Key::Call(function, values, labels) => {
                self.call_step(ev, function, values, labels, &name)?
            }
        };
        self.index.insert(name.clone(), Some(self.steps.len()));
        self.steps.push(step);
        Ok(name)
    }

    fn global_step(
        &mut self,
        ev: &mut Evaluation<'_>,
        id: GlobalId,
        name: &str,
    ) -> Result<Step, EvalError> {
        let global = self.program.global(id);
        let value = ev.global(id)?;
        let mut step = Step::new(name, &value);
        match &global.def {
            GlobalDef::Input { .. } => step.from_data = true,
            GlobalDef::Table(_) => {}
            GlobalDef::Let(variants) => {
                let Some(variant) = in_force(variants, ev.date) else {
                    return Ok(step);
                };
                let body = &variant.value;
                step.at = Some(self.texts.place(variant.span));
                step.sources = notes(&variant.notes, NoteKind::Source);
                step.assumptions = notes(&variant.notes, NoteKind::Assumption);
                step.in_force_from = variant.from.map(|d| d.to_string());
                let reads =
                    ev.with_frame(body.frame, |ev| self.reads(ev, &body.expr, &Scope::Top))?;
                if !matches!(body.expr, Expr::Const(_)) {
                    step.formula = Some(self.texts.formula(body));
                    ev.with_frame(body.frame, |ev| -> Result<(), EvalError> {
                        let mut annotate = Annotate::new(self.program, self.texts, &Scope::Top);
                        step.computed = annotate.computed(ev, &body.expr)?;
                        if walks_directly(&body.expr) {
                            step.elements = super::conditions::elements(
                                self.program,
                                self.texts,
                                ev,
                                &body.expr,
                            )?;
                        }
                        Ok(())
                    })?;
                }
                step.reads = self.read_values(&reads);
            }
        }
        Ok(step)
    }

    fn call_step(
        &mut self,
        ev: &mut Evaluation<'_>,
        function: FnId,
        values: Vec<Value>,
        labels: Vec<String>,
        name: &str,
    ) -> Result<Step, EvalError> {
        let f = self.program.function(function);
        let value = ev.call(function, values.clone())?;
        let mut step = Step::new(name, &value);
        let params: Vec<&str> = f.params.iter().map(|(n, _)| n.as_str()).collect();
        step.function = Some(format!(
            "{}({}) = {}",
            f.name,
            params.join(", "),
            self.texts.formula(&f.body)
        ));
        step.at = Some(self.texts.place(f.span));
        step.sources = notes(&f.notes, NoteKind::Source);
        step.assumptions = notes(&f.notes, NoteKind::Assumption);
        step.arguments = params
            .iter()
            .zip(labels.iter().zip(&values))
            .map(|(p, (l, v))| {
                if *p == l.as_str() {
                    format!("{p} = {}", short(v))
                } else {
                    format!("{p} = {l} = {}", short(v))
                }
            })
            .collect();
        let scope = Scope::Call(labels.clone(), values.clone());
        let reads = ev.with_frame(f.body.frame, |ev| {
            for (slot, v) in values.iter().enumerate() {
                ev.set_local(slot as u32, v.clone());
            }
            self.reads(ev, &f.body.expr, &scope)
        })?;
        ev.with_frame(f.body.frame, |ev| -> Result<(), EvalError> {
            for (slot, v) in values.iter().enumerate() {
                ev.set_local(slot as u32, v.clone());
            }
            let mut annotate = Annotate::new(self.program, self.texts, &scope);
            step.computed = annotate.computed(ev, &f.body.expr)?;
            if walks_directly(&f.body.expr) {
                step.elements =
                    super::conditions::elements(self.program, self.texts, ev, &f.body.expr)?;
            }
            Ok(())
        })?;
        let mut names: Vec<String> = labels
            .iter()
            .filter(|l| self.position(l).is_some())
            .cloned()
            .collect();
        for r in reads {
            push(&mut names, r);
        }
        step.reads = self.read_values(&names);
        Ok(step)
    }

    fn read_values(&self, names: &[String]) -> Vec<Read> {
        names
            .iter()
            .filter_map(|n| {
                let i = (*self.index.get(n)?)?;
                Some(Read {
                    name: n.clone(),
                    value: self.steps[i].value.clone(),
                })
            })
            .collect()
    }

    /// The index of a step by name.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied().flatten()
    }
}

/// Whether an expression goes over a list itself, not only through a value or a call that
/// has a step of its own (whose elements are shown there).
pub(super) fn walks_directly(expr: &Expr) -> bool {
    let mut stack = vec![expr];
    while let Some(e) = stack.pop() {
        match e {
            Expr::Filter { .. } | Expr::Binder { .. } => return true,
            Expr::CallFn { .. } | Expr::Global(_) => {}
            other => other.children_into(&mut stack),
        }
    }
    false
}

fn push(out: &mut Vec<String>, name: String) {
    if !out.contains(&name) {
        out.push(name);
    }
}

fn notes(notes: &[crate::syntax::ast::Note], kind: NoteKind) -> Vec<String> {
    notes
        .iter()
        .filter(|n| n.kind == kind)
        .map(|n| n.text.clone())
        .collect()
}

impl Step {
    pub(super) fn new(name: &str, value: &Value) -> Step {
        Step {
            name: name.to_string(),
            value: super::Json(json(value)),
            shown: short(value),
            ..Step::default()
        }
    }
}
