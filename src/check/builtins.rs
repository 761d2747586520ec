//! Calls: user functions (`let f(x: number) = ...`) and built-in functions, with their
//! number and types of arguments checked.

use super::Checker;
use super::lower::{Scope, Typed};
use super::operators::ordered;
use crate::analysis::lints::Node;
use crate::diagnostic::{Code, Diag, suggest};
use crate::ir::Expr;
use crate::ir::builtins::{BUILTINS, Builtin, format_places};
use crate::ir::types::Type;
use crate::ir::value::Value;
use crate::source::Span;
use crate::syntax::ast;

impl Checker<'_> {
    pub(super) fn call(
        &mut self,
        cx: &mut Scope,
        name: &ast::Ident,
        args: &[ast::Expr],
        span: Span,
    ) -> Typed {
        if let Some(super::Symbol::Function(id)) = self.lookup(cx.file, &name.name) {
            self.uses.add(cx.owner, Node::Function(id));
            match self.fn_state[id.0 as usize] {
                super::State::Pending => self.infer_function(id),
                super::State::InProgress => {
                    let function = self.program.function(id);
                    let diag = Diag::error(
                        Code::CircularDefinition,
                        name.span,
                        format!("`{}` calls itself", function.name),
                    )
                    .label("called here, while it is being defined")
                    .also(function.span, "defined here")
                    .help("functions cannot call themselves, directly or through others");
                    self.error(diag);
                    return (Expr::Const(Value::Absent), Type::Error);
                }
                super::State::Done => {}
            }
            let params = self.program.function(id).params.clone();
            let lowered = self.lower_args(cx, args, false);
            if params.len() != lowered.len() {
                let signature: Vec<String> =
                    params.iter().map(|(n, t)| format!("{n}: {t}")).collect();
                self.error(
                    Diag::error(
                        Code::Arity,
                        span,
                        format!(
                            "`{}` takes {} argument{}, {} given",
                            name.name,
                            params.len(),
                            if params.len() == 1 { "" } else { "s" },
                            lowered.len()
                        ),
                    )
                    .label(format!("{} given", lowered.len()))
                    .also(self.program.function(id).span, "defined here")
                    .help(format!(
                        "call it as {}({})",
                        name.name,
                        signature.join(", ")
                    )),
                );
                return (Expr::Const(Value::Absent), Type::Error);
            }
            for ((param, want), (_, got, arg_span)) in params.iter().zip(&lowered) {
                self.expect(
                    got,
                    want,
                    *arg_span,
                    format_args!("`{param}` of `{}` is {want}", name.name),
                );
            }
            let ret = self.program.function(id).ret.clone();
            return (
                Expr::CallFn {
                    function: id,
                    args: lowered.into_iter().map(|(e, _, _)| e).collect(),
                    span,
                },
                ret,
            );
        }
        let Some(builtin) = Builtin::from_name(&name.name) else {
            // A call is to a function: values are not proposed for it.
            let mut candidates: Vec<&str> = BUILTINS.iter().map(|(n, _, _)| *n).collect();
            let visible: Vec<&str> = self
                .visible_names(cx.file)
                .into_iter()
                .filter(|n| matches!(self.lookup(cx.file, n), Some(super::Symbol::Function(_))))
                .collect();
            candidates.extend(visible.iter().copied());
            let what = if self.lookup(cx.file, &name.name).is_some() {
                "is not a function"
            } else {
                "is not defined"
            };
            let mut diag = Diag::error(
                Code::UnknownFunction,
                name.span,
                format!("`{}` {what}", name.name),
            )
            .label("not a function");
            diag = match suggest(&name.name, candidates) {
                Some(s) => diag.help(format!("did you mean `{s}`?")),
                None => diag.help("define a function with `let name(param: type) = ...`; see the list of built-in functions in docs/language.md"),
            };
            if !self.unparsed(&name.name)
                && self.not_imported(cx.file, &name.name, name.span).is_none()
            {
                self.error(diag);
            }
            for a in args {
                self.lower(cx, a);
            }
            return (Expr::Const(Value::Absent), Type::Error);
        };
        // rows() and columns() take a table; no other call does.
        let tables = matches!(builtin, Builtin::Rows | Builtin::Columns);
        let lowered = self.lower_args(cx, args, tables);
        self.builtin(builtin, lowered, name, span)
    }

    /// The arguments of a call, lowered, with their types and places; `tables` lets a table
    /// be one.
    fn lower_args(
        &mut self,
        cx: &mut Scope,
        args: &[ast::Expr],
        tables: bool,
    ) -> Vec<(Expr, Type, Span)> {
        args.iter()
            .map(|a| {
                let (e, t) = if tables {
                    self.lower_any(cx, a)
                } else {
                    self.lower(cx, a)
                };
                (e, t, a.span)
            })
            .collect()
    }

    fn builtin(
        &mut self,
        builtin: Builtin,
        args: Vec<(Expr, Type, Span)>,
        name: &ast::Ident,
        span: Span,
    ) -> Typed {
        use Builtin::*;
        let arity_ok = match builtin {
            Count | Sum | Unique | Floor | Ceil | Abs | MonthOf | Keys | Values | Rows
            | Columns => args.len() == 1,
            Months | Round | Text | ValueOr => args.len() == 2,
            Clamp => args.len() == 3,
            Min | Max => !args.is_empty(),
        };
        if !arity_ok {
            let takes = match builtin {
                Months | Round | Text | ValueOr => "2 arguments",
                Clamp => "3 arguments",
                Min | Max => "a list, or 2 or more arguments",
                _ => "1 argument",
            };
            self.error(
                Diag::error(
                    Code::Arity,
                    span,
                    format!("`{}` takes {takes}, {} given", name.name, args.len()),
                )
                .label("wrong number of arguments")
                .help(builtin.usage()),
            );
            return (Expr::Const(Value::Absent), Type::Error);
        }
        if args.iter().any(|(_, t, _)| t.is_error()) {
            return (Expr::Const(Value::Absent), Type::Error);
        }
        let usage = builtin.usage();
        let ty = |i: usize| &args[i].1;
        let at = |i: usize| args[i].2;
        let result = match builtin {
            Count => self.want_list(ty(0), at(0), usage).map(|_| Type::Number),
            Sum => self.want_list(ty(0), at(0), usage).and_then(|e| {
                self.expect(&e, &Type::Number, at(0), "sum() adds up a list of numbers")
                    .then_some(Type::Number)
            }),
            Unique => self.want_list(ty(0), at(0), usage).map(|_| ty(0).clone()),
            Min | Max if args.len() == 1 => self.want_list(ty(0), at(0), usage).and_then(|e| {
                if ordered(&e) {
                    Some(e)
                } else {
                    self.mismatch(at(0), usage, ty(0))
                }
            }),
            Min | Max => {
                let mut joined = Some(Type::Nothing);
                for (_, t, s) in &args {
                    joined = joined.and_then(|j| j.join(t)).filter(ordered);
                    if joined.is_none() {
                        self.mismatch(*s, usage, t);
                        break;
                    }
                }
                joined
            }
            Clamp | Round => {
                let ok = (0..args.len()).all(|i| self.expect(ty(i), &Type::Number, at(i), usage));
                ok.then_some(Type::Number)
            }
            Floor | Ceil | Abs => self
                .expect(ty(0), &Type::Number, at(0), usage)
                .then_some(Type::Number),
            MonthOf => self
                .expect(ty(0), &Type::Date, at(0), usage)
                .then_some(Type::Month),
            Months => {
                let ok = self.expect(ty(0), &Type::Month, at(0), usage)
                    & self.expect(ty(1), &Type::Month, at(1), usage);
                ok.then(|| Type::list(Type::Month))
            }
            Keys | Values => match ty(0) {
                Type::Map(k, v) => Some(Type::list(if builtin == Keys {
                    k.as_ref().clone()
                } else {
                    v.as_ref().clone()
                })),
                other => self.mismatch(at(0), usage, other),
            },
            Rows | Columns => match ty(0) {
                Type::Table(table) => {
                    let table = *table;
                    return (
                        Expr::TableLabels {
                            table,
                            rows: builtin == Rows,
                        },
                        Type::list(self.axis_type(table, builtin == Rows)),
                    );
                }
                other => self.mismatch(at(0), usage, other),
            },
            Text => {
                let number_ok = self.expect(ty(0), &Type::Number, at(0), usage);
                let format_ok = match &args[1].0 {
                    Expr::Const(Value::Text(f)) if format_places(f).is_some() => true,
                    _ => {
                        self.error(
                            Diag::error(
                                Code::BadFormat,
                                at(1),
                                "the format of text() is written \"0\", \"0.0\", \"0.00\", ... (up to 28 places)",
                            )
                            .label("not a number format")
                            .help("\"0.00\" gives two decimals: 2160.00; a number has at most 28 decimal places"),
                        );
                        false
                    }
                };
                (number_ok && format_ok).then_some(Type::Text)
            }
            ValueOr => match ty(0) {
                Type::Optional(inner) => {
                    let inner = inner.as_ref().clone();
                    self.expect(
                        ty(1),
                        &inner,
                        at(1),
                        "the fallback has the type of the value",
                    )
                    .then_some(inner)
                }
                other => {
                    self.error(
                        Diag::warning(
                            Code::NeedlessValueOr,
                            at(0),
                            format!("this value is never missing ({other})"),
                        )
                        .label("always present")
                        .help("value_or() is for optional fields; use the value itself"),
                    );
                    Some(other.clone())
                }
            },
        };
        match result {
            Some(ty) => (
                Expr::Call {
                    builtin,
                    args: args.into_iter().map(|(e, _, _)| e).collect(),
                    span,
                },
                ty,
            ),
            None => (Expr::Const(Value::Absent), Type::Error),
        }
    }

    fn want_list(&mut self, ty: &Type, span: Span, usage: &str) -> Option<Type> {
        match ty {
            Type::List(element) => Some(element.as_ref().clone()),
            other => self.mismatch(span, usage, other),
        }
    }

    fn mismatch(&mut self, span: Span, usage: &str, got: &Type) -> Option<Type> {
        self.error(
            Diag::error(Code::TypeMismatch, span, format!("this argument is {got}"))
                .label(format!("{got}"))
                .help(usage.to_string()),
        );
        None
    }
}
