//! `tally explain`: the evaluation of one record as a derivation an auditor can follow from top
//! to bottom. First the result (points per subcategory, what is missing); then every value the
//! results read, each once and before its first use, with its definition, the values it read,
//! its sources, and for a list a rule went over, what became of each element. Values that
//! several designations share come first, once.

mod conditions;
mod derive;
mod missing;
pub mod render;
mod show;

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

use crate::eval::{EvalError, Evaluation};
use crate::ir::value::Value;
use crate::ir::{Expr, GlobalDef, KindId, Program};
use crate::report::rule_text::{Texts, squeeze};

use derive::Deriver;
pub use missing::{Missing, Move};
use show::{Annotate, Scope};

/// One record, explained.
#[derive(Debug, Serialize)]
pub struct Explanation {
    pub input: String,
    pub id: Option<String>,
    pub name: Option<String>,
    pub date: Option<String>,
    pub designations: Vec<DesignationExplained>,
    /// For inputs with an `output`: each field and the step that computes it.
    pub outputs: Vec<OutputExplained>,
    /// The derivation, in the order to read it: each value after the values it reads.
    pub sections: Vec<Section>,
    /// The stamp (see [`crate::stamp`]): the evaluation date used, the rules, tally's version.
    pub as_of: String,
    pub rules_digest: String,
    pub tally_version: String,
}

#[derive(Debug, Serialize)]
pub struct DesignationExplained {
    pub designation: String,
    pub total: Num,
    pub max: Option<Num>,
    pub threshold: Option<Num>,
    pub attained: bool,
    pub path: Option<PathExplained>,
    pub subcategories: Vec<SubcategoryExplained>,
    pub unmet: Vec<String>,
    pub missing: Option<Missing>,
}

#[derive(Debug, Serialize)]
pub struct PathExplained {
    pub value: String,
    /// The step that computes it.
    pub step: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SubcategoryExplained {
    pub category: String,
    pub name: String,
    pub points: Num,
    pub max: Num,
    pub source: Option<String>,
    /// The step whose value is the points.
    pub step: String,
}

#[derive(Debug, Serialize)]
pub struct OutputExplained {
    pub field: String,
    pub value: Json,
    pub step: String,
}

/// Steps that the same designations read.
#[derive(Debug, Serialize)]
pub struct Section {
    pub title: String,
    pub steps: Vec<Step>,
}

/// One value of the derivation.
#[derive(Debug, Default, Serialize)]
pub struct Step {
    pub name: String,
    pub value: Json,
    /// The value as the text shows it.
    pub shown: String,
    /// A field of the record, as read.
    pub from_data: bool,
    /// The definition as written (for a call, the function's body with its arguments).
    pub formula: Option<String>,
    /// For a call: the function as defined, and what its parameters are.
    pub function: Option<String>,
    pub arguments: Vec<String>,
    /// The definition with the value of each part.
    pub computed: Option<String>,
    /// file:line of the definition.
    pub at: Option<String>,
    /// The date this version of the definition is in force from.
    pub in_force_from: Option<String>,
    pub sources: Vec<String>,
    pub assumptions: Vec<String>,
    /// The steps it reads, with their values.
    pub reads: Vec<Read>,
    /// Per element of a list the rule went over: kept or counted, and why.
    pub elements: Vec<Element>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Read {
    pub name: String,
    pub value: Json,
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

pub use crate::report::json::Num;

/// A value as JSON text (numbers as numbers).
#[derive(Debug, Clone)]
pub struct Json(pub Box<RawValue>);

impl Default for Json {
    fn default() -> Json {
        Json(show::json(&Value::Absent))
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
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
        as_of: NaiveDate,
    ) -> Result<Explanation, EvalError> {
        self.build(kind, record, only, as_of, true)
    }

    /// The result and what is missing, without the derivation (`--summary`).
    pub fn summary(
        &self,
        kind: KindId,
        record: std::sync::Arc<crate::ir::value::RecordValue>,
        only: Option<&str>,
        as_of: NaiveDate,
    ) -> Result<Explanation, EvalError> {
        self.build(kind, record, only, as_of, false)
    }

    fn build(
        &self,
        kind: KindId,
        record: std::sync::Arc<crate::ir::value::RecordValue>,
        only: Option<&str>,
        as_of: NaiveDate,
        derivation: bool,
    ) -> Result<Explanation, EvalError> {
        let program = self.program;
        let input = program.kind(kind);
        let text_field = |i: Option<u32>| {
            i.and_then(|i| match &record.fields[i as usize] {
                Value::Text(t) => Some(t.to_string()),
                _ => None,
            })
        };
        let mut ev = Evaluation::new(program, kind, record.clone(), as_of);
        ev.reasons = true;
        let mut deriver = Deriver::new(program, &self.texts);
        let mut designations = Vec::new();
        // For each designation (and the output, last), the steps it reads first.
        let mut roots: Vec<Vec<String>> = Vec::new();
        for d in &input.designations {
            if only.is_some_and(|o| !matches(&d.name, o)) {
                continue;
            }
            let result = ev.designation(d)?;
            let mut own = Vec::new();
            let path = match &d.path {
                Some(expr) => {
                    let step = if derivation {
                        self.root(&mut ev, &mut deriver, expr, d.frame, &d.name, "path")?
                    } else {
                        self.root_name(expr, &d.name, "path")
                    };
                    own.extend(step.clone());
                    Some(PathExplained {
                        value: result.path.clone().unwrap_or_default(),
                        step,
                        reason: result.path_reason.clone(),
                    })
                }
                None => None,
            };
            if let (Some(expr), true) = (&d.threshold, derivation) {
                own.extend(self.root(
                    &mut ev,
                    &mut deriver,
                    expr,
                    d.frame,
                    &d.name,
                    "threshold",
                )?);
            }
            let mut subcategories = Vec::new();
            for (category, sub) in d
                .categories
                .iter()
                .flat_map(|c| c.subcategories.iter().map(move |s| (c, s)))
            {
                let points = result
                    .subcategories
                    .iter()
                    .find(|s| s.name == sub.name)
                    .map_or(Decimal::ZERO, |s| s.points);
                let step = if derivation {
                    self.root(
                        &mut ev,
                        &mut deriver,
                        &sub.points,
                        d.frame,
                        &d.name,
                        &sub.name,
                    )?
                } else {
                    self.root_name(&sub.points, &d.name, &sub.name)
                };
                own.extend(step.clone());
                subcategories.push(SubcategoryExplained {
                    category: category.name.to_string(),
                    name: sub.name.to_string(),
                    points: Num(points),
                    max: Num(sub.max),
                    source: sub.source.as_ref().map(|s| s.to_string()),
                    step: step.unwrap_or_default(),
                });
            }
            let missing = if result.attained {
                None
            } else {
                Some(missing::missing(program, &ev, d, &result, &self.texts)?)
            };
            roots.push(own);
            designations.push(DesignationExplained {
                designation: d.name.clone(),
                total: Num(result.total),
                max: result.max.map(Num),
                threshold: result.threshold.map(Num),
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
                missing,
            });
        }
        let mut outputs = Vec::new();
        if only.is_none() && !input.output.is_empty() {
            let mut own = Vec::new();
            for field in &input.output {
                let value = ev.with_frame(field.body.frame, |ev| ev.eval(&field.body.expr))?;
                let step = if derivation {
                    self.root(
                        &mut ev,
                        &mut deriver,
                        &field.body.expr,
                        field.body.frame,
                        "output",
                        &field.name,
                    )?
                } else {
                    self.root_name(&field.body.expr, "output", &field.name)
                };
                own.extend(step.clone());
                outputs.push(OutputExplained {
                    field: field.name.clone(),
                    value: Json(show::json(&value)),
                    step: step.unwrap_or_default(),
                });
            }
            roots.push(own);
        }
        let mut labels: Vec<String> = designations.iter().map(|d| d.designation.clone()).collect();
        if !outputs.is_empty() {
            labels.push("the output".into());
        }
        Ok(Explanation {
            input: input.name.clone(),
            id: text_field(input.identifier),
            name: text_field(input.display_name),
            date: Some(ev.date.to_string()),
            as_of: ev.date.to_string(),
            rules_digest: program.rules_digest().to_string(),
            tally_version: crate::stamp::TALLY_VERSION.to_string(),
            designations,
            outputs,
            sections: sections(deriver.steps, &roots, &labels),
        })
    }

    /// The name [`Explainer::root`] gives the step of an expression, without deriving it.
    fn root_name(&self, expr: &Expr, owner: &str, part: &str) -> Option<String> {
        let program = self.program;
        match expr {
            Expr::Const(_) => None,
            Expr::Global(id) if !program.global(*id).hidden => {
                Some(program.global(*id).name.clone())
            }
            Expr::Global(id) => match &program.global(*id).def {
                GlobalDef::Let(variants)
                    if matches!(variants[0].value.expr, Expr::CallFn { .. }) =>
                {
                    Some(
                        Annotate::new(program, &self.texts, &Scope::Top)
                            .plain(&variants[0].value.expr),
                    )
                }
                _ => Some(format!("{owner}: {part}")),
            },
            _ => Some(format!("{owner}: {part}")),
        }
    }

    /// The step for what a designation or an output reads: a named value or a call as itself,
    /// any other expression as a step of its own named `owner: part`.
    #[allow(
        clippy::too_many_arguments,
        reason = "the place of the root travels whole"
    )]
    fn root(
        &self,
        ev: &mut Evaluation<'_>,
        deriver: &mut Deriver<'_, 'p>,
        expr: &Expr,
        frame: u32,
        owner: &str,
        part: &str,
    ) -> Result<Option<String>, EvalError> {
        let program = self.program;
        if let Expr::Const(_) = expr {
            return Ok(None);
        }
        if let Expr::Global(id) = expr {
            let global = program.global(*id);
            let call = match &global.def {
                GlobalDef::Let(variants) if global.hidden => {
                    matches!(variants[0].value.expr, Expr::CallFn { .. })
                }
                _ => false,
            };
            if !global.hidden || call {
                let reads = deriver.reads(ev, expr, &Scope::Top)?;
                return Ok(reads.last().cloned());
            }
        }
        let reads = ev.with_frame(frame, |ev| deriver.reads(ev, expr, &Scope::Top))?;
        let value = ev.with_frame(frame, |ev| ev.eval(expr))?;
        let name = format!("{owner}: {part}");
        let mut step = Step::new(&name, &value);
        if let Some(span) = span_of(expr) {
            step.formula = Some(squeeze(self.texts.of(span)));
            step.at = Some(self.texts.place(span));
        } else {
            step.formula = Some(Annotate::new(program, &self.texts, &Scope::Top).plain(expr));
        }
        ev.with_frame(frame, |ev| -> Result<(), EvalError> {
            let mut annotate = Annotate::new(program, &self.texts, &Scope::Top);
            step.computed = annotate.computed(ev, expr)?;
            if derive::walks_directly(expr) {
                step.elements = conditions::elements(program, &self.texts, ev, expr)?;
            }
            Ok(())
        })?;
        step.reads = reads
            .iter()
            .filter_map(|r| deriver.position(r).map(|i| (r, i)))
            .map(|(r, i)| Read {
                name: r.clone(),
                value: deriver.steps[i].value.clone(),
            })
            .collect();
        deriver.steps.push(step);
        Ok(Some(name))
    }
}

fn span_of(expr: &Expr) -> Option<crate::source::Span> {
    match expr {
        Expr::Arith(.., span)
        | Expr::Call { span, .. }
        | Expr::CallFn { span, .. }
        | Expr::Binder { span, .. }
        | Expr::Case { span, .. }
        | Expr::MapGet { span, .. }
        | Expr::TableGet { span, .. } => Some(*span),
        _ => None,
    }
}

/// Groups the steps by the designations that read them, values read by more designations
/// first; within a group the order stays that of derivation, so every value still comes
/// before its first use (a value read by a set of designations reads only values read by
/// at least those).
fn sections(steps: Vec<Step>, roots: &[Vec<String>], labels: &[String]) -> Vec<Section> {
    let position = |name: &str| steps.iter().position(|s| s.name == name);
    let mut users: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); steps.len()];
    for (owner, names) in roots.iter().enumerate() {
        for name in names {
            if let Some(i) = position(name) {
                users[i].insert(owner);
            }
        }
    }
    for i in (0..steps.len()).rev() {
        let mine = users[i].clone();
        for read in &steps[i].reads {
            if let Some(j) = position(&read.name) {
                users[j].extend(mine.iter().copied());
            }
        }
    }
    let mut keyed: Vec<(bool, Vec<usize>, Step)> = steps
        .into_iter()
        .zip(users)
        .map(|(s, u)| (!s.from_data, u.into_iter().collect(), s))
        .collect();
    keyed.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(b.1.len().cmp(&a.1.len()))
            .then(a.1.cmp(&b.1))
    });
    let mut out: Vec<Section> = Vec::new();
    let mut last: Option<(bool, Vec<usize>)> = None;
    for (derived, users, step) in keyed {
        let key = (derived, if derived { users.clone() } else { Vec::new() });
        if last.as_ref() != Some(&key) {
            out.push(Section {
                title: title(derived, &users, labels),
                steps: Vec::new(),
            });
            last = Some(key);
        }
        if let Some(section) = out.last_mut() {
            section.steps.push(step);
        }
    }
    out
}

fn title(derived: bool, users: &[usize], labels: &[String]) -> String {
    if !derived {
        return "From the data".into();
    }
    let names: Vec<&str> = users
        .iter()
        .filter_map(|&u| labels.get(u).map(String::as_str))
        .collect();
    match names.as_slice() {
        [] => "Other values".into(),
        [one] => format!("For {one}"),
        _ if names.len() == labels.len() => "Shared by every designation".into(),
        [init @ .., last] => format!("Shared by {} and {last}", init.join(", ")),
    }
}

/// Whether a designation's name contains a text (for `--designation`).
pub fn matches(designation: &str, filter: &str) -> bool {
    designation.to_lowercase().contains(&filter.to_lowercase())
}
