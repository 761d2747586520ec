//! Operators, and reading maps and tables: which types each applies to, and a message that
//! says what would fit when they do not.

use super::Checker;
use super::lower::{Scope, Typed, error_expr};
use crate::diagnostic::{Code, Diag, suggest};
use crate::ir::types::Type;
use crate::ir::value::Value;
use crate::ir::{Arith, Compare, Expr};
use crate::source::Span;
use crate::syntax::ast::{self, BinaryOp};

impl Checker<'_> {
    pub(super) fn binary(
        &mut self,
        cx: &mut Scope,
        op: BinaryOp,
        a: &ast::Expr,
        b: &ast::Expr,
        span: Span,
    ) -> Typed {
        let (a_expr, a_ty) = self.lower(cx, a);
        let (b_expr, b_ty) = self.lower(cx, b);
        let (a_box, b_box) = (Box::new(a_expr), Box::new(b_expr));
        if a_ty.is_error() || b_ty.is_error() {
            return error_expr();
        }
        for (ty, s) in [(&a_ty, a.span), (&b_ty, b.span)] {
            if matches!(ty, Type::Optional(_)) {
                self.error(
                    Diag::error(
                        Code::TypeMismatch,
                        s,
                        format!(
                            "`{}` needs a value, and this may be missing from the data",
                            op.symbol()
                        ),
                    )
                    .label(format!("{ty}"))
                    .help("the data may leave this out: use value_or(field, fallback)"),
                );
                return error_expr();
            }
        }
        match op {
            BinaryOp::And | BinaryOp::Or => {
                self.expect(
                    &a_ty,
                    &Type::Bool,
                    a.span,
                    format_args!("`{}` joins conditions", op.symbol()),
                );
                self.expect(
                    &b_ty,
                    &Type::Bool,
                    b.span,
                    format_args!("`{}` joins conditions", op.symbol()),
                );
                let expr = if op == BinaryOp::And {
                    Expr::And(a_box, b_box)
                } else {
                    Expr::Or(a_box, b_box)
                };
                (expr, Type::Bool)
            }
            BinaryOp::Eq | BinaryOp::Ne => {
                if a_ty.join(&b_ty).is_none() {
                    self.error(
                        Diag::error(
                            Code::TypeMismatch,
                            span,
                            format!("compares {a_ty} with {b_ty}: they are never equal"),
                        )
                        .label("different types")
                        .help("compare values of the same type"),
                    );
                    return error_expr();
                }
                for (lit, other, s) in [(&b_box, &a_ty, b.span), (&a_box, &b_ty, a.span)] {
                    if let Expr::Const(Value::Text(t)) = lit.as_ref() {
                        self.check_literal(other, t, s);
                    }
                }
                let cmp = if op == BinaryOp::Eq {
                    Compare::Eq
                } else {
                    Compare::Ne
                };
                (Expr::Compare(cmp, a_box, b_box), Type::Bool)
            }
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                let same = a_ty.join(&b_ty);
                if !same.as_ref().is_some_and(ordered) {
                    self.error(
                        Diag::error(Code::TypeMismatch, span, format!("`{}` compares numbers, months or dates; these are {a_ty} and {b_ty}", op.symbol()))
                            .label("cannot be ordered")
                            .help("compare two numbers, two months or two dates"),
                    );
                    return error_expr();
                }
                let cmp = match op {
                    BinaryOp::Lt => Compare::Lt,
                    BinaryOp::Le => Compare::Le,
                    BinaryOp::Gt => Compare::Gt,
                    _ => Compare::Ge,
                };
                (Expr::Compare(cmp, a_box, b_box), Type::Bool)
            }
            BinaryOp::In | BinaryOp::NotIn => {
                let fits = match &b_ty {
                    Type::List(element) => a_ty.join(element).is_some(),
                    _ => false,
                };
                if !fits {
                    let help = if matches!(b_ty, Type::Map(..)) {
                        "for a map, ask `key in keys(map)`"
                    } else {
                        "write `value in list`, with a list of values of the same type"
                    };
                    self.error(
                        Diag::error(
                            Code::TypeMismatch,
                            span,
                            format!(
                                "`{}` looks for {a_ty} in a list; this is {b_ty}",
                                op.symbol()
                            ),
                        )
                        .label("not a list of those")
                        .help(help),
                    );
                    return error_expr();
                }
                (
                    Expr::In {
                        item: a_box,
                        list: b_box,
                        negated: op == BinaryOp::NotIn,
                    },
                    Type::Bool,
                )
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
                let arith = match (op, &a_ty, &b_ty) {
                    (BinaryOp::Add, Type::Number, Type::Number) => Some((Arith::Add, Type::Number)),
                    (BinaryOp::Sub, Type::Number, Type::Number) => Some((Arith::Sub, Type::Number)),
                    (BinaryOp::Mul, Type::Number, Type::Number) => Some((Arith::Mul, Type::Number)),
                    (BinaryOp::Div, Type::Number, Type::Number) => Some((Arith::Div, Type::Number)),
                    (BinaryOp::Add, Type::Month, Type::Number)
                    | (BinaryOp::Add, Type::Number, Type::Month) => {
                        Some((Arith::MonthPlus, Type::Month))
                    }
                    (BinaryOp::Sub, Type::Month, Type::Number) => {
                        Some((Arith::MonthMinus, Type::Month))
                    }
                    (BinaryOp::Sub, Type::Month, Type::Month) => {
                        Some((Arith::MonthsBetween, Type::Number))
                    }
                    (BinaryOp::Add, Type::Date, Type::Number)
                    | (BinaryOp::Add, Type::Number, Type::Date) => {
                        Some((Arith::DatePlus, Type::Date))
                    }
                    (BinaryOp::Sub, Type::Date, Type::Number) => {
                        Some((Arith::DateMinus, Type::Date))
                    }
                    (BinaryOp::Sub, Type::Date, Type::Date) => {
                        Some((Arith::DaysBetween, Type::Number))
                    }
                    (BinaryOp::Add | BinaryOp::Sub, Type::List(_), Type::List(_)) => {
                        a_ty.join(&b_ty).map(|t| {
                            (
                                if op == BinaryOp::Add {
                                    Arith::ListPlus
                                } else {
                                    Arith::ListMinus
                                },
                                t,
                            )
                        })
                    }
                    _ => None,
                };
                match arith {
                    Some((arith, ty)) => (Expr::Arith(arith, a_box, b_box, span), ty),
                    None => {
                        let help = match (&a_ty, &b_ty) {
                            (Type::List(_), _) | (_, Type::List(_)) => {
                                "add up a list with sum(list) or `sum x in list: ...`"
                            }
                            (t, _) | (_, t) if t.is_textual() => {
                                "texts cannot be computed with; write numbers without quotes"
                            }
                            _ => {
                                "numbers combine with + - * /; months and dates take + and - of a number"
                            }
                        };
                        self.error(
                            Diag::error(
                                Code::TypeMismatch,
                                span,
                                format!("`{}` does not apply to {a_ty} and {b_ty}", op.symbol()),
                            )
                            .label("no such operation")
                            .help(help),
                        );
                        error_expr()
                    }
                }
            }
        }
    }

    pub(super) fn index(
        &mut self,
        cx: &mut Scope,
        base: &ast::Expr,
        keys: &[ast::Expr],
        span: Span,
    ) -> Typed {
        let (base_expr, base_ty) = self.lower_any(cx, base);
        let lowered: Vec<(Expr, Type, Span)> = keys
            .iter()
            .map(|k| {
                let (e, t) = self.lower(cx, k);
                (e, t, k.span)
            })
            .collect();
        match (&base_ty, &base_expr) {
            (Type::Error, _) => error_expr(),
            (Type::Map(key_ty, value_ty), _) => {
                if lowered.len() != 1 {
                    self.error(
                        Diag::error(
                            Code::Arity,
                            span,
                            format!("a map is read with one key; {} given", lowered.len()),
                        )
                        .label("one key")
                        .help("write map[key]"),
                    );
                    return error_expr();
                }
                let (key, ty, key_span) = lowered.into_iter().next().expect("one key");
                self.expect(
                    &ty,
                    key_ty,
                    key_span,
                    format_args!("the keys of this map are {key_ty}"),
                );
                if let Expr::Const(Value::Text(t)) = &key {
                    self.check_literal(key_ty, t, key_span);
                }
                (
                    Expr::MapGet {
                        map: Box::new(base_expr),
                        key: Box::new(key),
                        span,
                    },
                    value_ty.as_ref().clone(),
                )
            }
            (Type::Table(table), _) => {
                let table = *table;
                if lowered.len() != 2 {
                    self.error(
                        Diag::error(
                            Code::Arity,
                            span,
                            format!(
                                "a table is read with a row and a column; {} given",
                                lowered.len()
                            ),
                        )
                        .label("two keys")
                        .help("write table[row, column]"),
                    );
                    return error_expr();
                }
                let mut keys = lowered.into_iter();
                let (row, row_ty, row_span) = keys.next().expect("row");
                let (column, column_ty, column_span) = keys.next().expect("column");
                for (key, ty, key_span, rows) in [
                    (&row, &row_ty, row_span, true),
                    (&column, &column_ty, column_span, false),
                ] {
                    let axis = self.axis_type(table, rows);
                    match key {
                        Expr::Const(Value::Text(t)) => self.check_label(&axis, t, key_span),
                        _ => {
                            self.expect(
                                ty,
                                &axis,
                                key_span,
                                format_args!(
                                    "the {} of this table are {axis}",
                                    if rows { "rows" } else { "columns" }
                                ),
                            );
                        }
                    }
                }
                (
                    Expr::TableGet {
                        table,
                        row: Box::new(row),
                        column: Box::new(column),
                        span,
                    },
                    Type::Number,
                )
            }
            (Type::List(_), _) => {
                self.error(
                    Diag::error(Code::TypeMismatch, span, "a list is not read by position")
                        .label("indexing a list")
                        .help("pick elements with `where`, or use a map"),
                );
                error_expr()
            }
            (other, _) => {
                self.error(
                    Diag::error(
                        Code::TypeMismatch,
                        span,
                        format!("{other} cannot be read with [...]"),
                    )
                    .label("not a map or table")
                    .help("maps are read as map[key], tables as table[row, column]"),
                );
                error_expr()
            }
        }
    }

    /// A label written in the rules must be one of the table's.
    fn check_label(&mut self, axis: &Type, text: &str, span: Span) {
        if let Type::Choice(choice) = axis {
            if !choice.values.contains(text) {
                let known: Vec<&str> = choice.values.iter().map(String::as_str).collect();
                let mut diag = Diag::error(
                    Code::UnknownLabel,
                    span,
                    format!(
                        "\"{text}\" is not a {}",
                        choice.name.as_deref().unwrap_or("label")
                    ),
                )
                .label("no such label");
                diag = match suggest(text, known.iter().copied()) {
                    Some(s) => diag.help(format!("did you mean \"{s}\"?")),
                    None => diag.help(format!("known: {}", known.join(", "))),
                };
                self.error(diag);
            }
        }
    }
}

pub(super) fn ordered(ty: &Type) -> bool {
    matches!(
        ty,
        Type::Number | Type::Month | Type::Date | Type::Error | Type::Nothing
    )
}
