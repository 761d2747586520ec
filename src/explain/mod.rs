//! `tally explain`: the evaluation of one record as a tree an auditor can follow. For each
//! subcategory: the rule (file:line), its source, the values it read, how they were computed,
//! and for each list filtered by a rule, which elements were kept and why the others were not.
//! Then, for a designation not attained, what would change the result (`missing`).

mod conditions;
mod missing;
pub mod render;

use std::collections::HashSet;

use serde::Serialize;

use crate::eval::designation::DesignationResult;
use crate::eval::{EvalError, Evaluation};
use crate::ir::in_force;
use crate::ir::types::GlobalId;
use crate::ir::value::Value;
use crate::ir::{Designation, Expr, GlobalDef, KindId, Program};
use crate::report::rule_text::{Texts, squeeze};
use crate::syntax::ast::NoteKind;

pub use missing::{Missing, Move};

/// One record, explained.
#[derive(Debug, Serialize)]
pub struct Explanation {
    pub input: String,
    pub id: Option<String>,
    pub name: Option<String>,
    pub date: Option<String>,
    pub designations: Vec<DesignationExplained>,
    /// For inputs with an `output`: each field, explained.
    pub outputs: Vec<Node>,
    /// The stamp (see [`crate::stamp`]): the evaluation date used, the rules, tally's version.
    pub as_of: String,
    pub rules_digest: String,
    pub tally_version: String,
}

#[derive(Debug, Serialize)]
pub struct DesignationExplained {
    pub designation: String,
    pub total: String,
    pub max: Option<String>,
    pub threshold: Option<String>,
    pub attained: bool,
    pub path: Option<Node>,
    pub subcategories: Vec<SubcategoryExplained>,
    pub unmet: Vec<String>,
    pub missing: Option<Missing>,
}

#[derive(Debug, Serialize)]
pub struct SubcategoryExplained {
    pub category: String,
    pub name: String,
    pub points: String,
    pub max: String,
    pub source: Option<String>,
    pub rule: Node,
}

/// A value and how it came about.
#[derive(Debug, Default, Serialize)]
pub struct Node {
    pub name: String,
    pub value: String,
    /// The definition, as written in the rules.
    pub formula: Option<String>,
    /// The definition with the values it read, for arithmetic.
    pub computed: Option<String>,
    /// file:line of the definition.
    pub at: Option<String>,
    pub sources: Vec<String>,
    pub assumptions: Vec<String>,
    /// For a value explained further up the tree.
    pub see_above: bool,
    /// Per element of a list the rule went over: kept or counted, and why.
    pub elements: Vec<Element>,
    pub children: Vec<Node>,
}

#[derive(Debug, Serialize)]
pub struct Element {
    pub element: String,
    pub kept: bool,
    pub why: String,
    /// How the element's value breaks down further (per feature of an agent, say).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Element>,
}

/// Builds explanations; one per record.
pub struct Explainer<'p> {
    program: &'p Program,
    texts: Texts<'p>,
}

impl<'p> Explainer<'p> {
    pub fn new(program: &'p Program) -> Explainer<'p> {
        Explainer {
            program,
            texts: Texts::new(program),
        }
    }

    /// Explains a record of `kind` as of its own evaluation date, or `as_of` when it has none;
    /// optionally only the designations whose name contains `only`.
    pub fn explain(
        &self,
        kind: KindId,
        record: std::sync::Arc<crate::ir::value::RecordValue>,
        only: Option<&str>,
        as_of: chrono::NaiveDate,
    ) -> Result<Explanation, EvalError> {
        let program = self.program;
        let input = program.kind(kind);
        let text_field = |i: Option<u32>| {
            i.and_then(|i| match &record.fields[i as usize] {
                Value::Text(t) => Some(t.to_string()),
                _ => None,
            })
        };
        let mut explanation = Explanation {
            input: input.name.clone(),
            id: text_field(input.identifier),
            name: text_field(input.display_name),
            date: None,
            designations: Vec::new(),
            outputs: Vec::new(),
            as_of: String::new(),
            rules_digest: program.rules_digest().to_string(),
            tally_version: crate::stamp::TALLY_VERSION.to_string(),
        };
        let mut ev = Evaluation::new(program, kind, record.clone(), as_of);
        ev.reasons = true;
        explanation.date = Some(ev.date.to_string());
        explanation.as_of = ev.date.to_string();
        let date = ev.date;
        for d in input
            .designations
            .iter()
            .filter(|d| d.period.contains(date))
        {
            if only.is_some_and(|o| !d.name.to_lowercase().contains(&o.to_lowercase())) {
                continue;
            }
            let result = ev.designation(d)?;
            let mut seen = HashSet::new();
            let explained = self.designation(&mut ev, d, &result, &mut seen)?;
            let missing = if result.attained {
                None
            } else {
                Some(missing::missing(
                    program,
                    kind,
                    &record,
                    ev.date,
                    d,
                    &result,
                    &self.texts,
                )?)
            };
            explanation.designations.push(DesignationExplained {
                missing,
                ..explained
            });
        }
        if only.is_none() {
            let mut seen = HashSet::new();
            for field in &input.output {
                let value = ev.with_frame(field.body.frame, |ev| ev.eval(&field.body.expr))?;
                let mut node = Node {
                    name: field.name.clone(),
                    value: shown(&value),
                    at: Some(self.texts.place(field.span)),
                    ..Node::default()
                };
                node.children =
                    self.reads(&mut ev, &field.body.expr, field.body.frame, &mut seen)?;
                explanation.outputs.push(node);
            }
        }
        Ok(explanation)
    }

    fn designation(
        &self,
        ev: &mut Evaluation<'_>,
        d: &Designation,
        result: &DesignationResult,
        seen: &mut HashSet<GlobalId>,
    ) -> Result<DesignationExplained, EvalError> {
        let path = match &d.path {
            Some(Expr::Global(id)) => {
                let mut node = self.global(ev, *id, seen)?;
                if let Some(reason) = &result.path_reason {
                    node.elements.clear();
                    node.elements.push(Element {
                        element: "because".into(),
                        kept: true,
                        why: reason.clone(),
                        children: Vec::new(),
                    });
                }
                Some(node)
            }
            _ => None,
        };
        let mut subcategories = Vec::new();
        let date = ev.date;
        for category in d.categories.iter().filter(|c| c.period.contains(date)) {
            for sub in category
                .subcategories
                .iter()
                .filter(|s| s.period.contains(date))
            {
                let points = result
                    .subcategories
                    .iter()
                    .find(|s| s.name == sub.name)
                    .map(|s| s.points.to_string())
                    .unwrap_or_default();
                let rule = match &sub.points {
                    Expr::Global(id) => self.global(ev, *id, seen)?,
                    other => {
                        let mut node = Node {
                            name: squeeze(self.texts.of(sub.points_span)),
                            value: points.clone(),
                            at: Some(self.texts.place(sub.points_span)),
                            ..Node::default()
                        };
                        node.children = self.reads(ev, other, d.frame, seen)?;
                        node
                    }
                };
                subcategories.push(SubcategoryExplained {
                    category: category.name.to_string(),
                    name: sub.name.to_string(),
                    points,
                    max: sub.max_on(date).to_string(),
                    source: sub.source.as_ref().map(|s| s.to_string()),
                    rule,
                });
            }
        }
        Ok(DesignationExplained {
            designation: d.name.clone(),
            total: result.total.to_string(),
            max: result.max.map(|m| m.to_string()),
            threshold: result.threshold.map(|t| t.to_string()),
            attained: result.attained,
            path,
            subcategories,
            unmet: result
                .unmet
                .iter()
                .map(|u| {
                    if u.details.is_empty() {
                        u.requirement.clone()
                    } else {
                        format!("{}: {}", u.requirement, u.details.join("; "))
                    }
                })
                .collect(),
            missing: None,
        })
    }

    /// A named value: its value, definition, sources, and what it read.
    fn global(
        &self,
        ev: &mut Evaluation<'_>,
        id: GlobalId,
        seen: &mut HashSet<GlobalId>,
    ) -> Result<Node, EvalError> {
        let program = self.program;
        let global = program.global(id);
        let value = ev.global(id)?;
        let mut node = Node {
            name: self.name_of(id),
            value: shown(&value),
            ..Node::default()
        };
        match &global.def {
            GlobalDef::Input { .. } => {
                node.formula = Some("from the data".into());
                return Ok(node);
            }
            GlobalDef::Table(_) => return Ok(node),
            GlobalDef::Let(variants) => {
                let Some(variant) = in_force(variants, ev.date) else {
                    return Ok(node);
                };
                if !global.hidden {
                    // A constant's definition is its value: no need to show it twice.
                    if !matches!(variant.value.expr, Expr::Const(_)) {
                        node.formula = Some(self.texts.formula(&variant.value));
                    }
                    node.at = Some(self.texts.place(variant.span));
                    node.sources = notes(&variant.notes, NoteKind::Source);
                    node.assumptions = notes(&variant.notes, NoteKind::Assumption);
                    if variant.from.is_some() {
                        node.name = format!(
                            "{} (from {})",
                            node.name,
                            variant.from.map(|d| d.to_string()).unwrap_or_default()
                        );
                    }
                }
                if !seen.insert(id) {
                    node.see_above = true;
                    return Ok(node);
                }
                let body = &variant.value;
                node.elements = ev.with_frame(body.frame, |ev| self.elements(ev, &body.expr))?;
                node.computed = ev.with_frame(body.frame, |ev| {
                    conditions::computed(&self.texts, ev, &body.expr)
                })?;
                node.children = self.reads(ev, &body.expr, body.frame, seen)?;
            }
        }
        Ok(node)
    }

    /// The named values an expression reads directly, explained. Constants come without
    /// children; values read through a function call are shown with the call.
    fn reads(
        &self,
        ev: &mut Evaluation<'_>,
        expr: &Expr,
        frame: u32,
        seen: &mut HashSet<GlobalId>,
    ) -> Result<Vec<Node>, EvalError> {
        let mut ids = Vec::new();
        let mut calls = Vec::new();
        direct_reads(expr, &mut ids, &mut calls);
        let mut nodes = Vec::new();
        for id in ids {
            if matches!(self.program.global(id).def, GlobalDef::Table(_)) {
                continue;
            }
            nodes.push(self.global(ev, id, seen)?);
        }
        let _ = (frame, calls);
        Ok(nodes)
    }

    /// How a value is named in an explanation: its name, or for a value the checker made (a
    /// call, a part of a loop), what it computes.
    fn name_of(&self, id: GlobalId) -> String {
        let global = self.program.global(id);
        if !global.hidden {
            return global.name.clone();
        }
        match &global.def {
            GlobalDef::Let(variants) => {
                conditions::label(self.program, &self.texts, &variants[0].value.expr)
            }
            _ => global.name.clone(),
        }
    }
}

/// The named values and function calls an expression reads directly (not through other values).
fn direct_reads(expr: &Expr, ids: &mut Vec<GlobalId>, calls: &mut Vec<crate::ir::FnId>) {
    expr.walk(&mut |e| match e {
        Expr::Global(id) if !ids.contains(id) => ids.push(*id),
        Expr::CallFn { function, .. } if !calls.contains(function) => calls.push(*function),
        _ => {}
    });
}

fn notes(notes: &[crate::syntax::ast::Note], kind: NoteKind) -> Vec<String> {
    notes
        .iter()
        .filter(|n| n.kind == kind)
        .map(|n| n.text.clone())
        .collect()
}

/// A value as an explanation shows it: lists of records by count and names.
pub(crate) fn shown(value: &Value) -> String {
    match value {
        Value::List(items) if items.iter().any(|i| matches!(i, Value::Record(_))) => {
            let labels: Vec<String> = items
                .iter()
                .take(8)
                .map(conditions::element_label)
                .collect();
            let more = if items.len() > 8 {
                format!(", and {} more", items.len() - 8)
            } else {
                String::new()
            };
            format!("{} ({}{more})", items.len(), labels.join(", "))
        }
        Value::List(items) if items.len() > 12 => format!("{} items", items.len()),
        Value::Text(t) => format!("\"{t}\""),
        other => other.to_string(),
    }
}

impl Explainer<'_> {
    /// For a list a rule filters or goes over, each element and what the rule made of it.
    fn elements(&self, ev: &mut Evaluation<'_>, expr: &Expr) -> Result<Vec<Element>, EvalError> {
        conditions::elements(self.program, &self.texts, ev, expr)
    }
}

/// Whether a designation's name contains a text (for `--designation`).
pub fn matches(designation: &str, filter: &str) -> bool {
    designation.to_lowercase().contains(&filter.to_lowercase())
}
