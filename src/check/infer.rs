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
        let Some((file, decls)) = self.let_decls.get(&id).cloned() else {
            self.global_state[id.0 as usize] = State::Done;
            return;
        };
        let mut variants = Vec::new();
        let mut ty: Option<(Type, Span)> = None;
        for decl in decls {
            let mut cx = Scope::new(file, Node::Global(id));
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
        for (name, ty) in params {
            cx.push(|slot| Local::Var { name, ty, slot });
        }
        let (expr, ret) = self.lower(&mut cx, &decl.body);
        let function = &mut self.program.functions[id.0 as usize];
        function.ret = ret;
        function.body = Body {
            expr,
            frame: cx.frame,
            source: decl.body.span,
        };
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
