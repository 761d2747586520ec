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
    let period = match inner.peek() {
        Some(p) if p.as_rule() == Rule::period => period(cx, inner.next()?),
        _ => Period::default(),
    };
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
        DesignationForm::Written(Box::new(designation_body(cx, inner)))
    };
    Some(Designation {
        name: string_value(&name_pair),
        name_span: cx.span(&name_pair),
        period,
        form,
        span,
    })
}

/// `from DATE`, `until DATE`, or both.
pub(super) fn period(cx: &mut Converter<'_>, pair: Pair<'_, Rule>) -> Period {
    let mut period = Period::default();
    let mut until = false;
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::kw_until => until = true,
            Rule::date => {
                let span = cx.span(&part);
                if let Some(date) = super::items::date(cx, &part) {
                    if until {
                        period.until = Some((date, span));
                    } else {
                        period.from = Some((date, span));
                    }
                }
            }
            _ => {}
        }
    }
    period
}

/// `max N` or `max N from DATE`: the first is the maximum, the second a change of it.
fn max_prop(
    cx: &mut Converter<'_>,
    pair: Pair<'_, Rule>,
) -> Option<(Decimal, Option<MaxChange>, Span)> {
    let mut span = cx.span(&pair);
    let mut value = None;
    let mut from = None;
    for part in pair.into_inner() {
        // The span ends with the last word, not the blank after it.
        span = span.until(cx.span(&part));
        match part.as_rule() {
            Rule::number => value = number(cx, part),
            Rule::date => from = super::items::date(cx, &part),
            _ => {}
        }
    }
    let value = value?;
    Some((
        value,
        from.map(|from| MaxChange { value, from, span }),
        span,
    ))
}

pub(super) fn template(cx: &mut Converter<'_>, pair: Pair<'_, Rule>) -> Option<TemplateDecl> {
    let span = cx.span(&pair);
    let mut inner = pair.into_inner().skip(1);
    let name = ident(cx, inner.next()?);
    let params = params(cx, inner.next()?)?;
    let mut inner = inner.peekable();
    let mut from = None;
    if inner.peek().is_some_and(|p| p.as_rule() == Rule::kw_from) {
        inner.next();
        let date = inner.next()?;
        let span = cx.span(&date);
        from = super::items::date(cx, &date).map(|d| (d, span));
    }
    let body = designation_body(cx, inner);
    Some(TemplateDecl {
        name,
        params,
        from,
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
            Rule::max_prop => match max_prop(cx, part) {
                Some((_, Some(change), _)) => d.max_changes.push(change),
                Some((value, None, span)) => {
                    set_once(cx, &mut d.max, Some((value, span)), span, "max")
                }
                None => {}
            },
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

/// `"Name" max N from DATE until DATE` at the head of a category or subcategory: the name,
/// its place, the maximum and when it is in force.
type Heading = (String, Span, (Decimal, Span), Period);

fn heading<'i>(
    cx: &mut Converter<'_>,
    inner: &mut std::iter::Peekable<impl Iterator<Item = Pair<'i, Rule>>>,
) -> Option<Heading> {
    let name = inner.next()?;
    let max = inner.find(|p| p.as_rule() == Rule::number)?;
    let value = number(cx, max.clone())?;
    let period = match inner.peek() {
        Some(p) if p.as_rule() == Rule::period => period(cx, inner.next()?),
        _ => Period::default(),
    };
    Some((
        string_value(&name),
        cx.span(&name),
        (value, cx.span(&max)),
        period,
    ))
}

/// A second `max` inside a category or subcategory must say from when it counts.
fn max_change(cx: &mut Converter<'_>, pair: Pair<'_, Rule>, changes: &mut Vec<MaxChange>) {
    match max_prop(cx, pair) {
        Some((_, Some(change), _)) => changes.push(change),
        Some((_, None, span)) => cx.diags.push(
            Diag::error(Code::DuplicateProperty, span, "`max` is given twice")
                .label("second one")
                .help("the maximum is written in the heading; to change it from a date on, write `max N from YYYY-MM-DD`"),
        ),
        None => {}
    }
}

fn category(cx: &mut Converter<'_>, pair: Pair<'_, Rule>) -> Option<Category> {
    let span = cx.span(&pair);
    let mut inner = pair.into_inner().skip(1).peekable();
    let (name, name_span, max, period) = heading(cx, &mut inner)?;
    let mut c = Category {
        name,
        name_span,
        max,
        max_changes: Vec::new(),
        period,
        notes: Vec::new(),
        subcategories: Vec::new(),
        span,
    };
    for part in inner {
        match part.as_rule() {
            Rule::annotation => c.notes.push(note(cx, part)),
            Rule::subcategory => c.subcategories.extend(subcategory(cx, part)),
            Rule::max_prop => max_change(cx, part, &mut c.max_changes),
            _ => {}
        }
    }
    Some(c)
}

fn subcategory(cx: &mut Converter<'_>, pair: Pair<'_, Rule>) -> Option<Subcategory> {
    let span = cx.span(&pair);
    let mut inner = pair.into_inner().skip(1).peekable();
    let (name, name_span, max, period) = heading(cx, &mut inner)?;
    let mut s = Subcategory {
        name,
        name_span,
        max,
        max_changes: Vec::new(),
        period,
        notes: Vec::new(),
        points: None,
        span,
    };
    for part in inner {
        let part_span = cx.span(&part);
        match part.as_rule() {
            Rule::annotation => s.notes.push(note(cx, part)),
            Rule::max_prop => max_change(cx, part, &mut s.max_changes),
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
