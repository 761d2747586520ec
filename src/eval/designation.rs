//! Evaluating a designation: its path, the points of each subcategory, the total, and
//! which requirements are met.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::{EvalError, Evaluation, compare};
use crate::ir::value::{RecordValue, Value};
use crate::ir::{self, Compare, Expr};
use crate::syntax::ast::BinderKind;

#[derive(Debug, Clone)]
pub struct DesignationResult {
    pub name: String,
    pub path: Option<String>,
    /// Why the path is what it is, when reasons were asked for.
    pub path_reason: Option<String>,
    pub total: Decimal,
    pub threshold: Option<Decimal>,
    pub max: Option<Decimal>,
    pub attained: bool,
    pub subcategories: Vec<SubcategoryResult>,
    /// The requirements that are not met, each with what falls short (when reasons were asked for).
    pub unmet: Vec<Unmet>,
}

#[derive(Debug, Clone)]
pub struct SubcategoryResult {
    pub category: Arc<str>,
    pub name: Arc<str>,
    pub points: Decimal,
    pub max: Decimal,
    pub source: Option<Arc<str>>,
}

#[derive(Debug, Clone)]
pub struct Unmet {
    pub requirement: String,
    pub details: Vec<String>,
}

impl Evaluation<'_> {
    pub fn designation(&mut self, d: &ir::Designation) -> Result<DesignationResult, EvalError> {
        self.with_frame(d.frame, |ev| ev.designation_in_frame(d))
            .map_err(|e| super::budget::name_rule(e, "the designation", &d.name, d.span))
    }

    fn designation_in_frame(
        &mut self,
        d: &ir::Designation,
    ) -> Result<DesignationResult, EvalError> {
        let path = match &d.path {
            Some(e) => Some(self.eval(e)?),
            None => None,
        };
        let path_reason = match &d.path {
            Some(e) if self.reasons => self.reason(e)?,
            _ => None,
        };
        let threshold = match &d.threshold {
            Some(e) => Some(self.eval(e)?.as_number()),
            None => None,
        };
        let mut subcategories = Vec::new();
        let mut total = Decimal::ZERO;
        let date = self.date;
        for category in d.categories.iter().filter(|c| c.period.contains(date)) {
            for sub in category
                .subcategories
                .iter()
                .filter(|s| s.period.contains(date))
            {
                let max = sub.max_on(date);
                let points = self.eval(&sub.points)?.as_number().normalize();
                check_points(&sub.name, points, max).map_err(|e| e.at(sub.points_span))?;
                total = super::exact::add(total, points)
                    .ok_or_else(|| EvalError::overflow().at(sub.points_span))?;
                subcategories.push(SubcategoryResult {
                    category: category.name.clone(),
                    name: sub.name.clone(),
                    points,
                    max,
                    source: sub.source.clone(),
                });
            }
        }
        let records = subcategories
            .iter()
            .map(|s| {
                Value::Record(Arc::new(RecordValue {
                    layout: d.subcategory_layout.clone(),
                    fields: vec![
                        Value::Text(s.category.clone()),
                        Value::Text(s.name.clone()),
                        Value::Number(s.points),
                        Value::Number(s.max),
                    ],
                }))
            })
            .collect();
        self.set_local(ir::SLOT_TOTAL, Value::Number(total));
        self.set_local(
            ir::SLOT_THRESHOLD,
            threshold.map_or(Value::Absent, Value::Number),
        );
        self.set_local(ir::SLOT_SUBCATEGORIES, Value::list(records));
        self.set_local(ir::SLOT_PATH, path.clone().unwrap_or(Value::Absent));
        let mut unmet = Vec::new();
        for require in &d.requires {
            if !self.eval(&require.condition)?.as_bool() {
                let mut details = Vec::new();
                if self.reasons {
                    self.shortfall(&require.condition, &mut details)?;
                }
                let requirement = require
                    .label
                    .clone()
                    .unwrap_or_else(|| "a requirement".to_string());
                unmet.push(Unmet {
                    requirement,
                    details,
                });
            }
        }
        Ok(DesignationResult {
            name: d.name.clone(),
            path: path.map(|p| p.to_string()),
            path_reason,
            total,
            threshold,
            max: d.max_on(date),
            attained: unmet.is_empty(),
            subcategories,
            unmet,
        })
    }

    /// Says what makes a false condition false: the comparisons that fail, with their values,
    /// and for `all x in list: ...` the elements that fail it.
    fn shortfall(&mut self, condition: &Expr, out: &mut Vec<String>) -> Result<(), EvalError> {
        match condition {
            Expr::And(a, b) => {
                for part in [a, b] {
                    if !self.eval(part)?.as_bool() {
                        self.shortfall(part, out)?;
                    }
                }
            }
            Expr::Compare(op, a, b) => {
                let (x, y) = (self.eval(a)?, self.eval(b)?);
                let mut text = format!("{} is {x}, needs {} {y}", describe(self, a), op_words(*op));
                if let (Compare::Ge | Compare::Gt, Value::Number(x), Value::Number(y)) =
                    (op, &x, &y)
                {
                    let short = *y - *x
                        + if *op == Compare::Gt {
                            Decimal::ONE
                        } else {
                            Decimal::ZERO
                        };
                    text.push_str(&format!(" ({} short)", short.normalize()));
                }
                if !compare(*op, &x, &y) {
                    out.push(text);
                }
            }
            Expr::Binder {
                kind: BinderKind::All,
                slot,
                list,
                body,
                ..
            } => {
                let list = self.eval(list)?;
                for item in list.as_list() {
                    self.set_local(*slot, item.clone());
                    if !self.eval(body)?.as_bool() {
                        let mut inner = Vec::new();
                        self.shortfall(body, &mut inner)?;
                        let name = element_name(item);
                        if inner.is_empty() {
                            out.push(format!("{name} does not meet it"));
                        }
                        out.extend(inner.into_iter().map(|d| format!("{name}: {d}")));
                    }
                }
            }
            _ => out.push("not met".to_string()),
        }
        Ok(())
    }
}

/// Points must be whole, at least 0 and at most the subcategory's maximum: anything else is a
/// mistake in the rule, reported rather than capped.
fn check_points(name: &str, points: Decimal, max: Decimal) -> Result<(), EvalError> {
    // A number without decimals is whole.
    if points.scale() > 0 && !points.fract().is_zero() {
        return Err(EvalError::new(format!(
            "the points of {name} are {points}, not a whole number"
        ))
        .help("round the points expression with floor(), ceil() or round(x, 0)"));
    }
    if points < Decimal::ZERO || points > max {
        return Err(EvalError::new(format!("the points of {name} are {points}, outside 0 to {max}"))
            .help("bound the points expression with clamp(), min() or max() so it stays within the subcategory's max"));
    }
    Ok(())
}

fn element_name(item: &Value) -> String {
    match item {
        Value::Record(r) => r
            .layout
            .fields
            .iter()
            .position(|f| f == "name")
            .map(|i| r.fields[i].to_string())
            .unwrap_or_else(|| item.to_string()),
        other => other.to_string(),
    }
}

fn describe(ev: &Evaluation<'_>, expr: &Expr) -> String {
    match expr {
        Expr::Local(ir::SLOT_TOTAL) => "total".to_string(),
        Expr::Local(ir::SLOT_THRESHOLD) => "threshold".to_string(),
        Expr::Global(id) => ev.program.global(*id).name.clone(),
        Expr::Field(inner, index) => match &**inner {
            Expr::Local(slot) => match ev.local(*slot) {
                Value::Record(r) => r.layout.fields[*index as usize].clone(),
                _ => "the value".to_string(),
            },
            _ => "the value".to_string(),
        },
        _ => "the value".to_string(),
    }
}

fn op_words(op: Compare) -> &'static str {
    match op {
        Compare::Eq => "=",
        Compare::Ne => "not",
        Compare::Lt => "<",
        Compare::Le => "at most",
        Compare::Gt => ">",
        Compare::Ge => "at least",
    }
}
