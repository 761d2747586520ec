//! Lets and functions, typed on first use: a value's type is inferred from its definition
//! when a rule first reads it, which also finds definitions that use themselves.

use super::lower::{Local, Scope};
use super::{Checker, State};
use crate::analysis::lints::Node;
use crate::diagnostic::{Code, Diag};
use crate::ir::types::{GlobalId, Type};
use crate::ir::{Body, FnId, GlobalDef, Variant};
use crate::source::{FileId, Span};
use crate::syntax::ast;

impl Checker<'_> {
    /// The type of a let, inferring it (and the lets it reads) on first use.
    pub(super) fn global_type(&mut self, id: GlobalId, reference: Option<Span>) -> Type {
        match self.global_state[id.0 as usize] {
            State::Done => self.program.global(id).ty.clone(),
            State::InProgress => {
                let global = self.program.global(id);
                let span = reference.unwrap_or(global.span);
                let diag = Diag::error(
                    Code::CircularDefinition,
                    span,
                    format!("`{}` is defined in terms of itself", global.name),
                )
                .label("used here, while it is being defined")
                .also(global.span, "defined here")
                .help("a value cannot depend on itself, directly or through other values");
                self.error(diag);
                Type::Error
            }
            State::Pending => {
                self.infer_global(id);
                self.program.global(id).ty.clone()
            }
        }
    }

    pub(super) fn infer_global(&mut self, id: GlobalId) {
        if self.global_state[id.0 as usize] != State::Pending {
            return;
        }
        self.global_state[id.0 as usize] = State::InProgress;
        let Some(decls) = self.let_decls.get(&id).cloned() else {
            self.global_state[id.0 as usize] = State::Done;
            return;
        };
        let mut variants = Vec::new();
        let mut ty: Option<(Type, Span)> = None;
        for (index, &(file, decl)) in decls.iter().enumerate() {
            let mut cx = Scope::new(file, Node::Global(id));
            cx.previous = Some((id, index));
            cx.period = crate::ir::Period {
                from: decl.from.map(|(d, _)| d),
                until: decls
                    .get(index + 1)
                    .and_then(|(_, next)| next.from.map(|(d, _)| d)),
            };
            let (expr, t) = self.lower(&mut cx, &decl.body);
            match &ty {
                None => ty = Some((t, decl.body.span)),
                Some((first, first_span)) => match first.join(&t) {
                    Some(joined) => ty = Some((joined, *first_span)),
                    None => {
                        let diag = Diag::error(
                            Code::VariantType,
                            decl.body.span,
                            format!(
                                "this version of `{}` is {t}, the first is {first}",
                                decl.name.name
                            ),
                        )
                        .label(format!("{t}"))
                        .also(*first_span, format!("{first}"))
                        .help("every dated version of a value has the same type");
                        self.error(diag);
                    }
                },
            }
            variants.push(Variant {
                from: decl.from.map(|(d, _)| d),
                span: decl.name.span,
                notes: decl.notes.clone(),
                value: Body {
                    expr,
                    frame: cx.frame,
                    source: decl.body.span,
                },
            });
        }
        let global = &mut self.program.globals[id.0 as usize];
        global.ty = ty.map_or(Type::Error, |(t, _)| t);
        global.def = GlobalDef::Let(variants);
        self.global_state[id.0 as usize] = State::Done;
    }

    /// `previous` in version `index` of a dated value: the version before it, as a value of
    /// its own (computed once per record, whatever the evaluation date).
    pub(super) fn previous_version(
        &mut self,
        id: GlobalId,
        index: usize,
        span: Span,
    ) -> (crate::ir::Expr, Type) {
        let Some(decls) = self.let_decls.get(&id).cloned() else {
            return super::lower::error_expr();
        };
        let name = decls[index].1.name.name.clone();
        if index == 0 || decls[index].1.from.is_none() {
            self.error(
                Diag::error(Code::NoPrevious, span, format!("there is no version of `{name}` before this one"))
                    .label("previous of nothing")
                    .help(format!("`previous` is the version in force before this one's `from` date: write `let {name} = ...` first, then `let {name} from YYYY-MM-DD = previous + [...]`")),
            );
            return super::lower::error_expr();
        }
        if let Some(&(hidden, ref ty)) = self.previous.get(&(id, index)) {
            return (crate::ir::Expr::Global(hidden), ty.clone());
        }
        let (file, before) = decls[index - 1];
        let mut cx = Scope::new(file, Node::Global(id));
        cx.previous = Some((id, index - 1));
        let (expr, ty) = self.lower(&mut cx, &before.body);
        let label = match before.from {
            Some((d, _)) => format!("{name} (from {d})"),
            None => format!(
                "{name} (before {})",
                decls[index]
                    .1
                    .from
                    .map(|(d, _)| d.to_string())
                    .unwrap_or_default()
            ),
        };
        let hidden = self.hidden_global(&label, before.name.span, ty.clone(), expr, cx.frame);
        self.previous.insert((id, index), (hidden, ty.clone()));
        (crate::ir::Expr::Global(hidden), ty)
    }

    /// The parameter and result types of a function, inferring its body on first use.
    pub(super) fn infer_function(&mut self, id: FnId) {
        if self.fn_state[id.0 as usize] != State::Pending {
            return;
        }
        self.fn_state[id.0 as usize] = State::InProgress;
        let (file, decl) = self.fn_decls[id.0 as usize];
        let params: Vec<(String, Type)> = decl
            .params
            .iter()
            .flatten()
            .map(|p| (p.name.name.clone(), self.declared_type(file, &p.ty)))
            .collect();
        self.program.functions[id.0 as usize].params = params.clone();
        let mut cx = Scope::new(file, Node::Function(id));
        let versions = self.fn_versions[id.0 as usize].clone();
        let from = |i: usize| versions.get(i).and_then(|(_, v)| v.from.map(|(d, _)| d));
        cx.period.until = from(0);
        for (name, ty) in params.clone() {
            cx.push(|slot| Local::Var { name, ty, slot });
        }
        let (expr, mut ret) = self.lower(&mut cx, &decl.body);
        let mut later = Vec::new();
        for (index, (file, version)) in versions.iter().copied().enumerate() {
            let same = version.params.as_ref().is_some_and(|ps| {
                ps.len() == params.len()
                    && ps.iter().zip(&params).all(|(p, (name, ty))| {
                        p.name.name == *name && self.declared_type(file, &p.ty) == *ty
                    })
            });
            if !same {
                self.error(
                    Diag::error(Code::VariantType, version.name.span, format!("this version of `{}` takes other parameters than the first", decl.name.name))
                        .label("other parameters")
                        .also(decl.name.span, "the first version")
                        .help("every dated version of a function takes the same parameters, with the same names and types"),
                );
                continue;
            }
            let mut vcx = Scope::new(file, Node::Function(id));
            vcx.period = crate::ir::Period {
                from: from(index),
                until: from(index + 1),
            };
            for (name, ty) in params.clone() {
                vcx.push(|slot| Local::Var { name, ty, slot });
            }
            let (vexpr, vret) = self.lower(&mut vcx, &version.body);
            match ret.join(&vret) {
                Some(joined) => ret = joined,
                None => self.error(
                    Diag::error(
                        Code::VariantType,
                        version.body.span,
                        format!(
                            "this version of `{}` gives {vret}, the first gives {ret}",
                            decl.name.name
                        ),
                    )
                    .label(format!("{vret}"))
                    .help("every dated version of a function gives the same type"),
                ),
            }
            later.push(Variant {
                from: version.from.map(|(d, _)| d),
                span: version.name.span,
                notes: version.notes.clone(),
                value: Body {
                    expr: vexpr,
                    frame: vcx.frame,
                    source: version.body.span,
                },
            });
        }
        let function = &mut self.program.functions[id.0 as usize];
        function.ret = ret;
        function.body = Body {
            expr,
            frame: cx.frame,
            source: decl.body.span,
        };
        function.later = later;
        self.fn_state[id.0 as usize] = State::Done;
    }

    /// A type written in the rules (a parameter's), as the checker sees it.
    pub(super) fn declared_type(&mut self, file: FileId, t: &ast::TypeExpr) -> Type {
        match &t.kind {
            ast::TypeExprKind::Optional(inner) => {
                Type::Optional(Box::new(self.declared_type(file, inner)))
            }
            _ => {
                let shape = self.shape_type(file, t);
                self.field_type(&shape)
            }
        }
    }
}
