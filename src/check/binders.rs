//! The forms that bind names: `list where condition`, the binders (`sum x in list: ...`),
//! and `case`, whose texts are checked against the values the subject can have.

use super::Checker;
use super::lower::{Local, Scope, Typed};
use super::operators::ordered;
use crate::diagnostic::{Code, Diag, suggest};
use crate::ir::Expr;
use crate::ir::types::Type;
use crate::ir::value::Value;
use crate::source::Span;
use crate::syntax::ast::{self, BinderKind};

impl Checker<'_> {
    pub(super) fn where_(
        &mut self,
        cx: &mut Scope,
        list: &ast::Expr,
        condition: &ast::Expr,
    ) -> Typed {
        let (list_expr, list_ty) = self.lower(cx, list);
        let element = match &list_ty {
            Type::List(e) => e.as_ref().clone(),
            Type::Error => Type::Error,
            other => {
                self.error(
                    Diag::error(
                        Code::TypeMismatch,
                        list.span,
                        format!("`where` filters a list; this is {other}"),
                    )
                    .label(format!("{other}"))
                    .help("write `list where condition`"),
                );
                Type::Error
            }
        };
        let slot = cx.push(|slot| Local::Element { ty: element, slot });
        let (cond_expr, cond_ty) = self.lower(cx, condition);
        cx.pop();
        self.expect(
            &cond_ty,
            &Type::Bool,
            condition.span,
            "the condition after `where` is true or false",
        );
        (
            Expr::Filter {
                list: Box::new(list_expr),
                slot,
                condition: Box::new(cond_expr),
            },
            list_ty,
        )
    }

    pub(super) fn binder(
        &mut self,
        cx: &mut Scope,
        kind: BinderKind,
        var: &ast::Ident,
        list: &ast::Expr,
        body: &ast::Expr,
        span: Span,
    ) -> Typed {
        let (list_expr, list_ty) = self.lower(cx, list);
        let element = match &list_ty {
            Type::List(e) => e.as_ref().clone(),
            Type::Error => Type::Error,
            Type::Map(..) => {
                self.error(
                    Diag::error(
                        Code::TypeMismatch,
                        list.span,
                        format!("`{}` goes over a list; this is a map", kind.word()),
                    )
                    .label("a map")
                    .help("go over its keys: keys(map)"),
                );
                Type::Error
            }
            other => {
                self.error(
                    Diag::error(
                        Code::TypeMismatch,
                        list.span,
                        format!("`{}` goes over a list; this is {other}", kind.word()),
                    )
                    .label(format!("{other}"))
                    .help(format!("write `{} x in list: ...`", kind.word())),
                );
                Type::Error
            }
        };
        let slot = cx.push(|slot| Local::Var {
            name: var.name.clone(),
            ty: element.clone(),
            slot,
        });
        let (body_expr, body_ty) = self.lower(cx, body);
        cx.pop();
        let ty = match kind {
            BinderKind::Sum => {
                self.expect(&body_ty, &Type::Number, body.span, "`sum` adds up numbers");
                Type::Number
            }
            BinderKind::All | BinderKind::Any => {
                self.expect(
                    &body_ty,
                    &Type::Bool,
                    body.span,
                    format_args!("`{}` needs a condition", kind.word()),
                );
                Type::Bool
            }
            BinderKind::Each => Type::list(body_ty),
            BinderKind::Per => Type::Map(Box::new(element), Box::new(body_ty)),
            BinderKind::Lowest | BinderKind::Min | BinderKind::Max => {
                if !ordered(&body_ty) {
                    self.error(
                        Diag::error(
                            Code::TypeMismatch,
                            body.span,
                            format!(
                                "`{}` compares numbers, months or dates; this is {body_ty}",
                                kind.word()
                            ),
                        )
                        .label(format!("{body_ty}"))
                        .help("give an expression that can be ordered"),
                    );
                }
                if kind == BinderKind::Lowest {
                    element
                } else {
                    body_ty
                }
            }
        };
        (
            Expr::Binder {
                kind,
                slot,
                list: Box::new(list_expr),
                body: Box::new(body_expr),
                span,
            },
            ty,
        )
    }

    /// The texts a dated value written as texts (`let tier = "gold"`, `let tier from
    /// 2026-07-01 = "platinum"`) can be while `period` lasts: a `case` in force only before the
    /// date need not name the later text. `None` when not such a value.
    fn texts_in_force(&self, subject: &Expr, period: crate::ir::Period) -> Option<Vec<&str>> {
        let Expr::Global(id) = subject else {
            return None;
        };
        let crate::ir::GlobalDef::Let(variants) = &self.program.global(*id).def else {
            return None;
        };
        if variants.len() < 2 {
            return None;
        }
        let mut texts = Vec::new();
        for (i, v) in variants.iter().enumerate() {
            let until = variants.get(i + 1).and_then(|next| next.from);
            let starts_in_time = period
                .until
                .is_none_or(|end| v.from.is_none_or(|f| f < end));
            let lasts_into_it = period
                .from
                .is_none_or(|start| until.is_none_or(|u| u > start));
            if !(starts_in_time && lasts_into_it) {
                continue;
            }
            match &v.value.expr {
                Expr::Const(Value::Text(t)) => texts.push(&**t),
                _ => return None,
            }
        }
        Some(texts)
    }

    pub(super) fn case(
        &mut self,
        cx: &mut Scope,
        subject: &ast::Expr,
        arms: &[(ast::Expr, ast::Expr)],
        otherwise: Option<&ast::Expr>,
        span: Span,
    ) -> Typed {
        let (subject_expr, subject_ty) = self.lower(cx, subject);
        let mut lowered = Vec::new();
        let mut result: Option<(Type, Span)> = None;
        let mut covered: Vec<String> = Vec::new();
        let errors_before = self.diags.0.len();
        for (when, then) in arms {
            let (when_expr, when_ty) = self.lower(cx, when);
            if self
                .join(
                    &subject_ty,
                    &when_ty,
                    subject.span,
                    when.span,
                    "`case` and its `when`",
                )
                .is_error()
            {
                // reported
            } else if let Expr::Const(Value::Text(t)) = &when_expr {
                self.check_literal(&subject_ty, t, when.span);
                if covered.contains(&t.to_string()) {
                    self.error(
                        Diag::warning(
                            Code::DuplicateEntry,
                            when.span,
                            format!("\"{t}\" has a `when` already"),
                        )
                        .label("never used")
                        .help("remove this `when`"),
                    );
                }
                covered.push(t.to_string());
            }
            let (then_expr, then_ty) = self.lower(cx, then);
            result = Some(match result {
                None => (then_ty, then.span),
                Some((t, s)) => (
                    self.join(&t, &then_ty, s, then.span, "the results of `case`"),
                    s,
                ),
            });
            lowered.push((when_expr, then_expr));
        }
        let otherwise_expr = otherwise.map(|o| {
            let (expr, ty) = self.lower(cx, o);
            if let Some((t, s)) = &result {
                let joined = self.join(t, &ty, *s, o.span, "the results of `case`");
                result = Some((joined, *s));
            }
            Box::new(expr)
        });
        let arms_have_errors = self.diags.0.len() > errors_before;
        if otherwise.is_none() && !arms_have_errors {
            match &subject_ty {
                Type::Choice(choice) => {
                    let possible = self.texts_in_force(&subject_expr, cx.period);
                    let missing: Vec<String> = choice
                        .values
                        .iter()
                        .filter(|v| !covered.contains(v))
                        .filter(|v| possible.as_ref().is_none_or(|p| p.contains(&v.as_str())))
                        .map(|v| format!("\"{v}\""))
                        .collect();
                    // Judged on the versions in force with this one, it says when.
                    let when = match (&possible, cx.period.describe()) {
                        (Some(_), Some(when)) => format!("{when}: "),
                        _ => String::new(),
                    };
                    if !missing.is_empty() {
                        self.error(
                            Diag::error(
                                Code::IncompleteCase,
                                span,
                                format!("{when}`case` has no `when` for {}", missing.join(", ")),
                            )
                            .label("not every value is covered")
                            .help("add a `when` for each value, or an `else`"),
                        );
                    }
                }
                Type::Bool | Type::Error => {}
                other => self.error(
                    Diag::error(
                        Code::IncompleteCase,
                        span,
                        format!("`case` on {other} needs an `else`"),
                    )
                    .label("values without a `when` have no result")
                    .help("add `else ...` after the last `when`"),
                ),
            }
        }
        let ty = result.map_or(Type::Error, |(t, _)| t);
        (
            Expr::Case {
                subject: Box::new(subject_expr),
                arms: lowered,
                otherwise: otherwise_expr,
                span,
            },
            ty,
        )
    }

    /// A text written in the rules, compared with a value that can only be some texts.
    pub(super) fn check_literal(&mut self, ty: &Type, text: &str, span: Span) {
        if let Type::Choice(choice) = ty {
            if choice.values.len() > 1 && !choice.values.contains(text) {
                let values: Vec<String> =
                    choice.values.iter().map(|v| format!("\"{v}\"")).collect();
                let mut diag = Diag::error(
                    Code::ImpossibleValue,
                    span,
                    format!(
                        "\"{text}\" is never a value here: it is one of {}",
                        values.join(", ")
                    ),
                )
                .label("no such value");
                diag = match suggest(text, choice.values.iter().map(String::as_str)) {
                    Some(s) => diag.help(format!("did you mean \"{s}\"?")),
                    None => diag.help(format!("use one of {}", values.join(", "))),
                };
                self.error(diag);
            }
        }
    }
}
