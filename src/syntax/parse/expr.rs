//! Expressions: operators by precedence (pest's Pratt parser), then postfix and primary forms.

use std::sync::LazyLock;

use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};

use super::Converter;
use super::items::{date, ident, number, percent};
use crate::diagnostic::{Code, Diag};
use crate::syntax::ast::*;
use crate::syntax::grammar::Rule;

/// Lowest precedence first.
static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::where_op, Assoc::Left))
        .op(Op::infix(Rule::or, Assoc::Left))
        .op(Op::infix(Rule::and, Assoc::Left))
        .op(Op::prefix(Rule::not))
        .op(Op::infix(Rule::eq, Assoc::Left)
            | Op::infix(Rule::ne, Assoc::Left)
            | Op::infix(Rule::lt, Assoc::Left)
            | Op::infix(Rule::le, Assoc::Left)
            | Op::infix(Rule::gt, Assoc::Left)
            | Op::infix(Rule::ge, Assoc::Left)
            | Op::infix(Rule::in_op, Assoc::Left)
            | Op::infix(Rule::not_in, Assoc::Left))
        .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::sub, Assoc::Left))
        .op(Op::infix(Rule::mul, Assoc::Left) | Op::infix(Rule::div, Assoc::Left))
        .op(Op::prefix(Rule::neg))
});

/// How deep an expression may go, counting each bracket, `if` and the like around it, and
/// each operator, `.field` and `[index]` on the way down: deeper than any rule needs, and
/// shallow enough that checking and evaluating it cannot run out of stack.
pub(super) const MAX_DEPTH: usize = 128;

/// An `expr` or `body_expr` pair.
pub(super) fn expr(cx: &mut Converter<'_>, pair: Pair<'_, Rule>) -> Option<Expr> {
    let span = cx.span(&pair);
    let mut parts = pair.into_inner();
    // Most expressions are one operand: they need no precedence.
    if parts.len() == 1 {
        let operand = parts.next()?;
        return deeper(cx, 1, span, |cx| postfix_expr(cx, operand));
    }
    let operators = parts
        .clone()
        .filter(|p| p.as_rule() != Rule::postfix_expr)
        .count();
    deeper(cx, 1 + operators, span, |cx| pratt(cx, parts))
}

/// Converts with `levels` more levels of depth, or reports that it would go too deep.
pub(super) fn deeper<T>(
    cx: &mut Converter<'_>,
    levels: usize,
    span: crate::source::Span,
    convert: impl FnOnce(&mut Converter<'_>) -> Option<T>,
) -> Option<T> {
    cx.depth += levels;
    let result = if cx.depth > MAX_DEPTH {
        cx.diags.push(
            Diag::error(
                Code::TooDeep,
                span,
                format!("this goes more than {MAX_DEPTH} levels deep"),
            )
            .label("too deep")
            .help("give parts of it names with `let`, and use the names here"),
        );
        None
    } else {
        convert(cx)
    };
    cx.depth -= levels;
    result
}

fn pratt(cx: &mut Converter<'_>, pairs: Pairs<'_, Rule>) -> Option<Expr> {
    // The Pratt parser's closures cannot share `cx` mutably, so problems found inside are
    // gathered in a cell and handed over afterwards.
    let (file, depth, offset) = (cx.file, cx.depth, cx.offset);
    let diags = std::cell::RefCell::new(std::mem::take(cx.diags));
    let result = PRATT
        .map_primary(|p| {
            let mut inner_cx = Converter {
                file,
                diags: &mut diags.borrow_mut(),
                depth,
                offset,
            };
            postfix_expr(&mut inner_cx, p)
        })
        .map_prefix(|op, rhs| {
            let rhs = rhs?;
            let op_span = crate::source::Span::new(
                file,
                offset + op.as_span().start(),
                offset + op.as_span().end(),
            );
            let unary = if op.as_rule() == Rule::neg {
                UnaryOp::Neg
            } else {
                UnaryOp::Not
            };
            Some(Expr {
                span: op_span.to(rhs.span),
                kind: ExprKind::Unary(unary, Box::new(rhs)),
            })
        })
        .map_infix(|lhs, op, rhs| {
            let (lhs, rhs) = (lhs?, rhs?);
            let span = lhs.span.to(rhs.span);
            let kind = match op.as_rule() {
                Rule::where_op => ExprKind::Where(Box::new(lhs), Box::new(rhs)),
                rule => ExprKind::Binary(binary_op(rule), Box::new(lhs), Box::new(rhs)),
            };
            Some(Expr { kind, span })
        })
        .parse(pairs);
    *cx.diags = diags.into_inner();
    result
}

fn binary_op(rule: Rule) -> BinaryOp {
    match rule {
        Rule::or => BinaryOp::Or,
        Rule::and => BinaryOp::And,
        Rule::eq => BinaryOp::Eq,
        Rule::ne => BinaryOp::Ne,
        Rule::lt => BinaryOp::Lt,
        Rule::le => BinaryOp::Le,
        Rule::gt => BinaryOp::Gt,
        Rule::ge => BinaryOp::Ge,
        Rule::in_op => BinaryOp::In,
        Rule::not_in => BinaryOp::NotIn,
        Rule::add => BinaryOp::Add,
        Rule::sub => BinaryOp::Sub,
        Rule::mul => BinaryOp::Mul,
        Rule::div => BinaryOp::Div,
        rule => unreachable!("the grammar has no operator {rule:?}"),
    }
}

/// A primary followed by `.field` and `[index]` parts.
pub(super) fn postfix_expr(cx: &mut Converter<'_>, pair: Pair<'_, Rule>) -> Option<Expr> {
    let span = cx.span(&pair);
    let inner = pair.into_inner();
    let postfixes = inner.len() - 1;
    deeper(cx, postfixes, span, |cx| postfixed(cx, inner))
}

fn postfixed(cx: &mut Converter<'_>, mut inner: Pairs<'_, Rule>) -> Option<Expr> {
    let mut base = primary(cx, inner.next()?)?;
    for post in inner {
        let span = base.span.to(cx.span(&post));
        base = match post.as_rule() {
            Rule::field_access => {
                let field = ident(cx, post.into_inner().next()?);
                Expr {
                    kind: ExprKind::Field(Box::new(base), field),
                    span,
                }
            }
            Rule::index => {
                let keys = post
                    .into_inner()
                    .map(|p| expr(cx, p))
                    .collect::<Option<Vec<_>>>()?;
                Expr {
                    kind: ExprKind::Index(Box::new(base), keys),
                    span,
                }
            }
            rule => unreachable!("the grammar has no postfix {rule:?}"),
        };
    }
    Some(base)
}

fn primary(cx: &mut Converter<'_>, pair: Pair<'_, Rule>) -> Option<Expr> {
    let span = cx.span(&pair);
    let kind = match pair.as_rule() {
        Rule::number => ExprKind::Number(number(cx, pair)?),
        Rule::percent => ExprKind::Number(percent(cx, &pair)?),
        Rule::date => ExprKind::Date(date(cx, &pair)?),
        Rule::month => match month_literal(pair.as_str()) {
            Some(m) => ExprKind::Month(m),
            None => {
                cx.diags.push(
                    crate::diagnostic::Diag::error(
                        Code::BadDate,
                        span,
                        format!("`{}` is not a month", pair.as_str()),
                    )
                    .label("no such month")
                    .help("months are written YYYY-MM, from 01 to 12, for example 2025-02"),
                );
                return None;
            }
        },
        Rule::string => ExprKind::Text(string_value(&pair)),
        Rule::boolean => ExprKind::Bool(pair.as_str() == "true"),
        // Without arguments the pair also holds the blank after the name: the span is the name's.
        Rule::name | Rule::call => {
            let mut parts = pair.into_inner();
            let name = ident(cx, parts.next()?);
            let Some(args) = parts.next() else {
                let span = name.span;
                return Some(Expr {
                    kind: ExprKind::Name(name.name),
                    span,
                });
            };
            let span = name.span.to(cx.span(&args));
            let args = args.into_inner().map(|p| expr(cx, p));
            return Some(Expr {
                kind: ExprKind::Call(name, args.collect::<Option<_>>()?),
                span,
            });
        }
        // The span of a parenthesized expression includes its parentheses.
        Rule::paren => return expr(cx, pair.into_inner().next()?).map(|e| Expr { span, ..e }),
        Rule::list => ExprKind::List(
            pair.into_inner()
                .map(|p| expr(cx, p))
                .collect::<Option<_>>()?,
        ),
        Rule::record => {
            let mut fields = Vec::new();
            for field in pair.into_inner() {
                let mut parts = field.into_inner();
                let name = ident(cx, parts.next()?);
                fields.push((name, expr(cx, parts.next()?)?));
            }
            ExprKind::Record(fields)
        }
        Rule::if_expr => {
            let mut parts = pair.into_inner().filter(|p| p.as_rule() == Rule::expr);
            let cond = expr(cx, parts.next()?)?;
            let then = expr(cx, parts.next()?)?;
            let otherwise = expr(cx, parts.next()?)?;
            let span = span.until(otherwise.span);
            let kind = ExprKind::If(Box::new(cond), Box::new(then), Box::new(otherwise));
            return Some(Expr { kind, span });
        }
        Rule::case_expr => {
            let mut parts = pair.into_inner().skip(1);
            let subject = expr(cx, parts.next()?)?;
            let mut arms = Vec::new();
            let mut otherwise = None;
            for part in parts {
                let is_arm = part.as_rule() == Rule::case_arm;
                let mut exprs = part.into_inner().filter(|p| p.as_rule() == Rule::expr);
                if is_arm {
                    let when = expr(cx, exprs.next()?)?;
                    let then = expr(cx, exprs.next()?)?;
                    arms.push((when, then));
                } else {
                    otherwise = Some(Box::new(expr(cx, exprs.next()?)?));
                }
            }
            let last = otherwise.as_deref().or(arms.last().map(|(_, then)| then));
            let span = span.until(last.map_or(subject.span, |e| e.span));
            let kind = ExprKind::Case(Box::new(subject), arms, otherwise);
            return Some(Expr { kind, span });
        }
        Rule::binder => {
            let mut parts = pair.into_inner();
            let kind = match parts.next()?.as_str() {
                "sum" => BinderKind::Sum,
                "all" => BinderKind::All,
                "any" => BinderKind::Any,
                "each" => BinderKind::Each,
                "per" => BinderKind::Per,
                "lowest" => BinderKind::Lowest,
                "min" => BinderKind::Min,
                _ => BinderKind::Max,
            };
            let var = ident(cx, parts.next()?);
            let mut exprs = parts.filter(|p| matches!(p.as_rule(), Rule::expr | Rule::body_expr));
            let list = expr(cx, exprs.next()?)?;
            let body = expr(cx, exprs.next()?)?;
            let span = span.until(body.span);
            let kind = ExprKind::Binder(kind, var, Box::new(list), Box::new(body));
            return Some(Expr { kind, span });
        }
        rule => unreachable!("the grammar has no primary {rule:?}"),
    };
    Some(Expr { kind, span })
}

/// The text of a `string` pair, escapes resolved.
pub(crate) fn string_value(pair: &Pair<'_, Rule>) -> String {
    let raw = pair.as_str();
    let raw = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(raw);
    if !raw.contains('\\') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `YYYY-MM` counted in months from year 0: `year * 12 + (month - 1)`, as the IR counts them.
fn month_literal(text: &str) -> Option<i32> {
    let (year, month) = text.split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    let month: i32 = month.parse().ok()?;
    (1..=12).contains(&month).then(|| year * 12 + month - 1)
}
