//! Designations and the templates they are made from: path, threshold, categories,
//! subcategories with their points, and requirements.

use pest::iterators::Pair;
use rust_decimal::Decimal;

use super::Converter;
use super::expr::{expr, string_value};
use super::items::{first, ident, note, number, type_expr};
use crate::diagnostic::{Code, Diag};
use crate::source::Span;
use crate::syntax::ast::*;
use crate::syntax::grammar::Rule;

pub(super) fn designation(cx: &mut Converter<'_>, pair: Pair<'_, Rule>) -> Option<Designation> {
    let span = cx.span(&pair);
    let mut inner = pair.into_inner().skip(1).peekable();
    let name_pair = inner.next()?;
    let form = if inner
        .peek()
        .is_some_and(|p| p.as_rule() == Rule::designation_use)
    {
        let use_pair = inner.next()?;
        let use_span = cx.span(&use_pair);
        let mut template = None;
        let mut args = Vec::new();
        let mut notes = Vec::new();
        for part in use_pair.into_inner() {
            match part.as_rule() {
                Rule::call => {
                    let mut call = part.into_inner();
                    template = Some(ident(cx, call.next()?));
                    for arg in call.next()?.into_inner() {
                        args.push(expr(cx, arg)?);
                    }
                }
                Rule::annotation => notes.push(note(cx, part)),
                _ => {}
            }
        }
        DesignationForm::FromTemplate {
            template: template?,
            args,
            notes,
            span: use_span,
        }
    } else {
        DesignationForm::Written(designation_body(cx, inner))
    };
    Some(Designation {
        name: string_value(&name_pair),
        name_span: cx.span(&name_pair),
        form,
        span,
    })
}

pub(super) fn template(cx: &mut Converter<'_>, pair: Pair<'_, Rule>) -> Option<TemplateDecl> {
    let span = cx.span(&pair);
    let mut inner = pair.into_inner().skip(1);
    let name = ident(cx, inner.next()?);
    let params = params(cx, inner.next()?)?;
    let body = designation_body(cx, inner);
    Some(TemplateDecl {
        name,
        params,
        body,
        span,
    })
}

pub(super) fn params(cx: &mut Converter<'_>, pair: Pair<'_, Rule>) -> Option<Vec<Param>> {
    pair.into_inner()
        .map(|p| {
            let mut inner = p.into_inner();
            let name = ident(cx, inner.next().expect("a parameter has a name"));
            let ty = type_expr(cx, inner.next().expect("a parameter has a type"))?;
            Some(Param { name, ty })
        })
        .collect()
}

fn designation_body<'i>(
    cx: &mut Converter<'_>,
    parts: impl Iterator<Item = Pair<'i, Rule>>,
) -> DesignationBody {
    let mut d = DesignationBody::default();
    for part in parts {
        let part_span = cx.span(&part);
        match part.as_rule() {
            Rule::annotation => d.notes.push(note(cx, part)),
            Rule::path_prop => {
                let value = first_expr(cx, part);
                set_once(cx, &mut d.path, value, part_span, "path");
            }
            Rule::threshold_prop => {
                let value = first_expr(cx, part);
                set_once(cx, &mut d.threshold, value, part_span, "threshold");
            }
            Rule::max_prop => {
                let value = number(cx, first(part, Rule::number));
                set_once(
                    cx,
                    &mut d.max,
                    value.map(|v| (v, part_span)),
                    part_span,
                    "max",
                );
            }
            Rule::category => d.categories.extend(category(cx, part)),
            Rule::require => d.requires.extend(require(cx, part)),
            _ => {}
        }
    }
    d
}

fn first_expr(cx: &mut Converter<'_>, pair: Pair<'_, Rule>) -> Option<Expr> {
    expr(cx, first(pair, Rule::expr))
}

fn set_once<T>(
    cx: &mut Converter<'_>,
    slot: &mut Option<T>,
    value: Option<T>,
    span: crate::source::Span,
    what: &str,
) {
    if slot.is_some() {
        cx.diags.push(
            Diag::error(
                Code::DuplicateProperty,
                span,
                format!("`{what}` is given twice"),
            )
            .label("second one")
            .help(format!(
                "a designation has one `{what}`; remove one of them"
            )),
        );
    } else {
        *slot = value;
    }
}

/// `"Name" max N` at the head of a category or subcategory: the name, its place, the maximum.
fn heading<'i>(
    cx: &mut Converter<'_>,
    inner: &mut impl Iterator<Item = Pair<'i, Rule>>,
) -> Option<(String, Span, (Decimal, Span))> {
    let name = inner.next()?;
    let max = inner.find(|p| p.as_rule() == Rule::number)?;
    let value = number(cx, max.clone())?;
    Some((string_value(&name), cx.span(&name), (value, cx.span(&max))))
}

fn category(cx: &mut Converter<'_>, pair: Pair<'_, Rule>) -> Option<Category> {
    let span = cx.span(&pair);
    let mut inner = pair.into_inner().skip(1);
    let (name, name_span, max) = heading(cx, &mut inner)?;
    let mut c = Category {
        name,
        name_span,
        max,
        notes: Vec::new(),
        subcategories: Vec::new(),
        span,
    };
    for part in inner {
        match part.as_rule() {
            Rule::annotation => c.notes.push(note(cx, part)),
            Rule::subcategory => c.subcategories.extend(subcategory(cx, part)),
            _ => {}
        }
    }
    Some(c)
}

fn subcategory(cx: &mut Converter<'_>, pair: Pair<'_, Rule>) -> Option<Subcategory> {
    let span = cx.span(&pair);
    let mut inner = pair.into_inner().skip(1);
    let (name, name_span, max) = heading(cx, &mut inner)?;
    let mut s = Subcategory {
        name,
        name_span,
        max,
        notes: Vec::new(),
        points: None,
        span,
    };
    for part in inner {
        let part_span = cx.span(&part);
        match part.as_rule() {
            Rule::annotation => s.notes.push(note(cx, part)),
            Rule::points_prop => {
                let value = first_expr(cx, part);
                if s.points.is_some() {
                    cx.diags.push(
                        Diag::error(
                            Code::DuplicateProperty,
                            part_span,
                            "`points` is given twice",
                        )
                        .label("second one")
                        .help("a subcategory has one `points =`; remove one of them"),
                    );
                } else {
                    s.points = value;
                }
            }
            _ => {}
        }
    }
    Some(s)
}

fn require(cx: &mut Converter<'_>, pair: Pair<'_, Rule>) -> Option<Require> {
    let span = cx.span(&pair);
    let mut label = None;
    let mut condition = None;
    let mut notes = Vec::new();
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::string => label = Some(string_value(&part)),
            Rule::expr => condition = expr(cx, part),
            Rule::annotation => notes.push(note(cx, part)),
            _ => {}
        }
    }
    Some(Require {
        label,
        condition: condition?,
        notes,
        span,
    })
}
