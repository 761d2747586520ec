//! Declarations: imports, input shapes, lets, tables, outputs and tests; designations and
//! templates are in `designation`.

use chrono::NaiveDate;
use pest::iterators::Pair;
use rust_decimal::Decimal;

use super::expr::{deeper, expr, string_value};
use super::{Converter, designation};
use crate::diagnostic::{Code, Diag};
use crate::syntax::ast::*;
use crate::syntax::grammar::Rule;

pub(super) fn item(cx: &mut Converter<'_>, pair: Pair<'_, Rule>) -> Option<Item> {
    Some(match pair.as_rule() {
        Rule::import => Item::Import(import(cx, pair)),
        Rule::input_decl => Item::Shape(shape(cx, pair, true)?),
        Rule::record_decl => Item::Shape(shape(cx, pair, false)?),
        Rule::let_decl => Item::Let(let_decl(cx, pair)?),
        Rule::table_decl => Item::Table(table(cx, pair)?),
        Rule::template_decl => Item::Template(designation::template(cx, pair)?),
        Rule::designation => Item::Designation(designation::designation(cx, pair)?),
        Rule::output_decl => Item::Output(output(cx, pair)?),
        Rule::test_decl => Item::Test(test(cx, pair)?),
        rule => unreachable!("the grammar has no item {rule:?}"),
    })
}

pub(super) fn ident(cx: &Converter<'_>, pair: Pair<'_, Rule>) -> Ident {
    Ident {
        name: pair.as_str().to_string(),
        span: cx.span(&pair),
    }
}

fn import(cx: &mut Converter<'_>, pair: Pair<'_, Rule>) -> Import {
    let span = cx.span(&pair);
    let path = pair
        .into_inner()
        .find(|p| p.as_rule() == Rule::string)
        .expect("import has a path");
    Import {
        path: string_value(&path),
        path_span: cx.span(&path),
        span,
    }
}

pub(super) fn note(cx: &Converter<'_>, pair: Pair<'_, Rule>) -> Note {
    let span = cx.span(&pair);
    let mut inner = pair.into_inner();
    let kind = match inner.next().map(|p| p.as_rule()) {
        Some(Rule::kw_source) => NoteKind::Source,
        _ => NoteKind::Assumption,
    };
    let text = string_value(&inner.next().expect("a note has a text"));
    Note { kind, text, span }
}

fn shape(cx: &mut Converter<'_>, pair: Pair<'_, Rule>, is_input: bool) -> Option<ShapeDecl> {
    let span = cx.span(&pair);
    let mut inner = pair.into_inner().skip(1);
    let name = ident(cx, inner.next().expect("a shape has a name"));
    let mut decl = ShapeDecl {
        is_input,
        name,
        title: None,
        notes: Vec::new(),
        fields: Vec::new(),
        span,
    };
    let mut complete = true;
    for part in inner {
        match part.as_rule() {
            Rule::string => decl.title = Some(string_value(&part)),
            Rule::annotation => decl.notes.push(note(cx, part)),
            Rule::field_decl => match field(cx, part) {
                Some(field) => decl.fields.push(field),
                None => complete = false,
            },
            _ => {}
        }
    }
    complete.then_some(decl)
}

fn field(cx: &mut Converter<'_>, pair: Pair<'_, Rule>) -> Option<FieldDecl> {
    let span = cx.span(&pair);
    let mut inner = pair.into_inner();
    let name = ident(cx, inner.next().expect("a field has a name"));
    let ty = type_expr(cx, inner.next().expect("a field has a type"))?;
    let mut modifiers = Vec::new();
    let mut notes = Vec::new();
    for part in inner {
        if part.as_rule() == Rule::annotation {
            notes.push(note(cx, part));
        } else {
            modifiers.extend(modifier(cx, part));
        }
    }
    Some(FieldDecl {
        name,
        ty,
        modifiers,
        notes,
        span,
    })
}

pub(super) fn type_expr(cx: &mut Converter<'_>, pair: Pair<'_, Rule>) -> Option<TypeExpr> {
    let span = cx.span(&pair);
    let inner = pair.into_inner().next().expect("a type has one form");
    let kind = match inner.as_rule() {
        Rule::optional_type => TypeExprKind::Optional(Box::new(inner_type(cx, inner)?)),
        Rule::list_type => TypeExprKind::List(Box::new(inner_type(cx, inner)?)),
        Rule::map_type => {
            let mut types = inner
                .into_inner()
                .filter(|p| p.as_rule() == Rule::type_expr);
            let key = types.next().expect("a map has a key type");
            let value = types.next().expect("a map has a value type");
            deeper(cx, 1, span, |cx| {
                let key = type_expr(cx, key)?;
                Some(TypeExprKind::Map(
                    Box::new(key),
                    Box::new(type_expr(cx, value)?),
                ))
            })?
        }
        Rule::enum_type => TypeExprKind::Enum(
            inner
                .into_inner()
                .filter(|p| p.as_rule() == Rule::string)
                .map(|p| (string_value(&p), cx.span(&p)))
                .collect(),
        ),
        Rule::whole_type => TypeExprKind::Whole,
        Rule::named_type => {
            TypeExprKind::Named(ident(cx, inner.into_inner().next().expect("a named type")))
        }
        rule => unreachable!("the grammar has no type {rule:?}"),
    };
    Some(TypeExpr { kind, span })
}

/// The type inside `optional T` or `list of T`, one level deeper.
fn inner_type(cx: &mut Converter<'_>, outer: Pair<'_, Rule>) -> Option<TypeExpr> {
    let span = cx.span(&outer);
    deeper(cx, 1, span, |cx| {
        type_expr(cx, first(outer, Rule::type_expr))
    })
}

pub(super) fn first(pair: Pair<'_, Rule>, rule: Rule) -> Pair<'_, Rule> {
    pair.into_inner()
        .find(|p| p.as_rule() == rule)
        .expect("the grammar guarantees this part")
}

fn modifier(cx: &mut Converter<'_>, pair: Pair<'_, Rule>) -> Option<Modifier> {
    let span = cx.span(&pair);
    let inner = pair.into_inner().next()?;
    let kind = match inner.as_rule() {
        Rule::mod_identifier => ModifierKind::Identifier,
        Rule::mod_display => ModifierKind::DisplayName,
        Rule::mod_eval_date => ModifierKind::EvaluationDate,
        Rule::mod_period => {
            ModifierKind::Period(super::designation::period(cx, first(inner, Rule::period)))
        }
        Rule::mod_at_least => ModifierKind::AtLeast(number(cx, first(inner, Rule::signed_number))?),
        Rule::mod_at_most => ModifierKind::AtMost(number(cx, first(inner, Rule::signed_number))?),
        Rule::mod_default => ModifierKind::Default(literal(cx, first(inner, Rule::literal))?),
        Rule::mod_unique => ModifierKind::UniqueBy(ident(cx, first(inner, Rule::ident))),
        Rule::mod_refers => {
            let mut names = inner.into_inner().filter(|p| p.as_rule() == Rule::ident);
            let list = ident(cx, names.next().expect("refers to names a list"));
            let key = ident(cx, names.next().expect("refers to names a field"));
            ModifierKind::RefersTo(list, key)
        }
        rule => unreachable!("the grammar has no modifier {rule:?}"),
    };
    Some(Modifier { kind, span })
}

fn literal(cx: &mut Converter<'_>, pair: Pair<'_, Rule>) -> Option<Literal> {
    let inner = pair.into_inner().next()?;
    Some(match inner.as_rule() {
        Rule::date => Literal::Date(date(cx, &inner)?),
        Rule::percent => Literal::Number(percent(cx, &inner)?),
        Rule::signed_number => Literal::Number(number(cx, inner)?),
        Rule::string => Literal::Text(string_value(&inner)),
        Rule::boolean => Literal::Bool(inner.as_str() == "true"),
        rule => unreachable!("the grammar has no literal {rule:?}"),
    })
}

/// A number as written (`1_000_000`, `812.57`, `-3`), read exactly.
pub(super) fn number(cx: &mut Converter<'_>, pair: Pair<'_, Rule>) -> Option<Decimal> {
    let text: String = pair.as_str().chars().filter(|&c| c != '_').collect();
    // At most 28 significant digits, as `ir::value::fits_28_digits` says of every number.
    let fits = |value: &Decimal| value.normalize().mantissa().unsigned_abs() < 10u128.pow(28);
    match Decimal::from_str_exact(&text) {
        Ok(value) if fits(&value) => Some(value.normalize()),
        _ => {
            cx.diags.push(
                Diag::error(
                    Code::NumberTooLarge,
                    cx.span(&pair),
                    format!("`{}` is too large or too precise", pair.as_str()),
                )
                .label("not representable")
                .help("numbers may have up to 28 significant digits"),
            );
            None
        }
    }
}

/// `20%` is 0.2.
pub(super) fn percent(cx: &mut Converter<'_>, pair: &Pair<'_, Rule>) -> Option<Decimal> {
    let text = pair.as_str().trim_end_matches('%');
    // Divided by 100 exactly: two places more, within 28.
    let exact = |value: &Decimal| {
        value.scale() + 2 <= 28 && value.normalize().mantissa().unsigned_abs() < 10u128.pow(28)
    };
    match Decimal::from_str_exact(text) {
        Ok(value) if exact(&value) => Some((value / Decimal::ONE_HUNDRED).normalize()),
        _ => {
            cx.diags.push(
                Diag::error(
                    Code::NumberTooLarge,
                    cx.span(pair),
                    format!("`{}` is too large or too precise", pair.as_str()),
                )
                .label("not representable"),
            );
            None
        }
    }
}

pub(super) fn date(cx: &mut Converter<'_>, pair: &Pair<'_, Rule>) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(pair.as_str(), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            cx.diags.push(
                Diag::error(
                    Code::BadDate,
                    cx.span(pair),
                    format!("`{}` is not a date", pair.as_str()),
                )
                .label("no such day")
                .help("dates are written YYYY-MM-DD, for example 2025-02-01"),
            );
            None
        }
    }
}

fn let_decl(cx: &mut Converter<'_>, pair: Pair<'_, Rule>) -> Option<LetDecl> {
    let span = cx.span(&pair);
    let mut name = None;
    let mut params_out = None;
    let mut from = None;
    let mut body = None;
    let mut notes = Vec::new();
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::ident => name = Some(ident(cx, part)),
            Rule::params => params_out = Some(designation::params(cx, part)?),
            Rule::date => from = Some((date(cx, &part)?, cx.span(&part))),
            Rule::expr => body = expr(cx, part),
            Rule::annotation => notes.push(note(cx, part)),
            _ => {}
        }
    }
    Some(LetDecl {
        name: name?,
        params: params_out,
        from,
        body: body?,
        notes,
        span,
    })
}

fn table(cx: &mut Converter<'_>, pair: Pair<'_, Rule>) -> Option<TableDecl> {
    let span = cx.span(&pair);
    let mut inner = pair.into_inner().skip(1);
    let name = ident(cx, inner.next()?);
    let mut from = None;
    let mut notes = Vec::new();
    let mut header = None;
    let mut rows = Vec::new();
    for part in inner {
        match part.as_rule() {
            Rule::date => from = Some((date(cx, &part)?, cx.span(&part))),
            Rule::annotation => notes.push(note(cx, part)),
            Rule::table_header => {
                let names: Vec<Ident> = part.into_inner().map(|p| ident(cx, p)).collect();
                header = Some(names);
            }
            Rule::table_row => {
                let row_span = cx.span(&part);
                let mut cells = part.into_inner();
                let label = ident(cx, cells.next()?);
                let mut values = Vec::new();
                for cell in cells {
                    let cell_span = cx.span(&cell);
                    let inner = cell.into_inner().next()?;
                    let value = match inner.as_rule() {
                        Rule::percent => percent(cx, &inner)?,
                        _ => number(cx, inner)?,
                    };
                    values.push((value, cell_span));
                }
                rows.push(TableRow {
                    label,
                    cells: values,
                    span: row_span,
                });
            }
            _ => {}
        }
    }
    let mut header = header?.into_iter();
    let row_axis = header.next()?;
    let column_axis = header.next()?;
    Some(TableDecl {
        name,
        from,
        notes,
        row_axis,
        column_axis,
        columns: header.collect(),
        rows,
        span,
    })
}

fn output(cx: &mut Converter<'_>, pair: Pair<'_, Rule>) -> Option<OutputDecl> {
    let span = cx.span(&pair);
    let mut notes = Vec::new();
    let mut fields = Vec::new();
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::annotation => notes.push(note(cx, part)),
            Rule::output_field => {
                let field_span = cx.span(&part);
                let mut inner = part.into_inner();
                let name = ident(cx, inner.next()?);
                if let Some(value) = expr(cx, inner.next()?) {
                    fields.push(OutputField {
                        name,
                        value,
                        span: field_span,
                    });
                }
            }
            _ => {}
        }
    }
    Some(OutputDecl {
        notes,
        fields,
        span,
    })
}

fn test(cx: &mut Converter<'_>, pair: Pair<'_, Rule>) -> Option<TestDecl> {
    let span = cx.span(&pair);
    let mut inner = pair.into_inner().skip(1);
    let name_pair = inner.next()?;
    let data_pair = inner.next()?.into_inner().next()?;
    let data_span = cx.span(&data_pair);
    let data = match data_pair.as_rule() {
        Rule::string => TestData::Path(string_value(&data_pair), data_span),
        _ => TestData::Inline(data_pair.as_str().to_string(), data_span),
    };
    let mut expectations = Vec::new();
    let mut test_date = None;
    for part in inner {
        if part.as_rule() == Rule::test_date {
            let d = part.into_inner().next()?;
            test_date = Some((date(cx, &d)?, cx.span(&d)));
            continue;
        }
        let exp_span = cx.span(&part);
        let mut parts = part.into_inner();
        let target_pair = parts.next()?.into_inner().next()?;
        let target = match target_pair.as_rule() {
            Rule::designation_target => {
                let target_span = cx.span(&target_pair);
                let mut t = target_pair.into_inner();
                let name = string_value(&t.next()?);
                let field = t.next().and_then(|f| f.into_inner().next()).map(|f| {
                    let value = if f.as_rule() == Rule::string {
                        string_value(&f)
                    } else {
                        f.as_str().to_string()
                    };
                    (value, cx.span(&f))
                });
                ExpectTarget::Designation {
                    name,
                    field,
                    span: target_span,
                }
            }
            _ => {
                let mut parts = target_pair.into_inner();
                let item = super::expr::postfix_expr(cx, parts.next()?)?;
                match (parts.next(), parts.next()) {
                    (Some(op), Some(list)) => {
                        let list = super::expr::postfix_expr(cx, list)?;
                        let op = if op.as_rule() == Rule::not_in {
                            BinaryOp::NotIn
                        } else {
                            BinaryOp::In
                        };
                        let span = item.span.to(list.span);
                        ExpectTarget::Value(Expr {
                            kind: ExprKind::Binary(op, Box::new(item), Box::new(list)),
                            span,
                        })
                    }
                    _ => ExpectTarget::Value(item),
                }
            }
        };
        let value = expr(cx, parts.next()?)?;
        expectations.push(Expectation {
            target,
            value,
            span: exp_span,
        });
    }
    Some(TestDecl {
        name: string_value(&name_pair),
        name_span: cx.span(&name_pair),
        data,
        date: test_date,
        expectations,
        span,
    })
}
