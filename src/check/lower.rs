//! Expressions: AST -> typed IR. Names are resolved (locals, the element's fields inside
//! `where`, designation names, then the file's scope), types inferred and checked.

use std::sync::Arc;

use super::lints::Node;
use super::{Checker, State, Symbol};
use crate::ast::{self, BinaryOp, BinderKind, ExprKind, UnaryOp};
use crate::diagnostic::{Diag, did_you_mean, suggest};
use crate::eval::value::{Layout, Value};
use crate::ir::{Arith, Body, Compare, Expr, FnId, GlobalDef, Variant};
use crate::source::{FileId, Span};
use crate::types::{GlobalId, Type};

/// A name bound inside an expression.
pub(super) enum Local {
    /// `x` of `sum x in ...`, or a parameter.
    Var { name: String, ty: Type, slot: u32 },
    /// Inside `list where ...`: the element's fields are names, and `it` is the element.
    Element { ty: Type, slot: u32 },
    /// A template's parameter: a name for the value its designation passes.
    Alias {
        name: String,
        ty: Type,
        global: GlobalId,
    },
}

/// What the expression being lowered can see.
pub(super) struct Ctx {
    pub file: FileId,
    pub locals: Vec<Local>,
    pub next_slot: u32,
    pub frame: u32,
    /// Who reads what is recorded for the unused-definition lint.
    pub owner: Node,
}

impl Ctx {
    pub fn new(file: FileId, owner: Node) -> Ctx {
        Ctx {
            file,
            locals: Vec::new(),
            next_slot: 0,
            frame: 0,
            owner,
        }
    }

    /// Reserves the first `n` slots (parameters, designation names).
    pub fn reserve(&mut self, n: u32) {
        self.next_slot = self.next_slot.max(n);
        self.frame = self.frame.max(n);
    }

    pub fn push(&mut self, local: impl FnOnce(u32) -> Local) -> u32 {
        let slot = self.next_slot;
        self.next_slot += 1;
        self.frame = self.frame.max(self.next_slot);
        self.locals.push(local(slot));
        slot
    }

    pub fn pop(&mut self) {
        self.locals.pop();
        self.next_slot -= 1;
    }
}

pub(super) type Typed = (Expr, Type);

fn error_expr() -> Typed {
    (Expr::Const(Value::Absent), Type::Error)
}

impl Checker<'_> {
    /// The type of a let, inferring it (and the lets it reads) on first use.
    pub(super) fn global_type(&mut self, id: GlobalId, reference: Option<Span>) -> Type {
        match self.global_state[id.0 as usize] {
            State::Done => self.program.global(id).ty.clone(),
            State::InProgress => {
                let global = self.program.global(id);
                let span = reference.unwrap_or(global.span);
                let diag = Diag::error(
                    "circular-definition",
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
            let mut cx = Ctx::new(file, Node::Global(id));
            let (expr, t) = self.lower(&mut cx, &decl.body);
            match &ty {
                None => ty = Some((t, decl.body.span)),
                Some((first, first_span)) => match first.join(&t) {
                    Some(joined) => ty = Some((joined, *first_span)),
                    None => {
                        let diag = Diag::error(
                            "variant-type",
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
        let mut cx = Ctx::new(file, Node::Function(id));
        for (name, ty) in params {
            cx.push(|slot| Local::Var { name, ty, slot });
        }
        let (expr, ret) = self.lower(&mut cx, &decl.body);
        let function = &mut self.program.functions[id.0 as usize];
        function.ret = ret;
        function.body = Body {
            expr,
            frame: cx.frame,
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

    pub(super) fn lower(&mut self, cx: &mut Ctx, e: &ast::Expr) -> Typed {
        match &e.kind {
            ExprKind::Number(n) => (Expr::Const(Value::Number(*n)), Type::Number),
            ExprKind::Text(t) => (Expr::Const(Value::text(t)), Type::literal(t)),
            ExprKind::Bool(b) => (Expr::Const(Value::Bool(*b)), Type::Bool),
            ExprKind::Date(d) => (Expr::Const(Value::Date(*d)), Type::Date),
            ExprKind::Name(name) => self.name(cx, name, e.span),
            ExprKind::List(items) => self.list(cx, items, e.span),
            ExprKind::Record(fields) => {
                let mut names = Vec::new();
                let mut exprs = Vec::new();
                let mut types = Vec::new();
                for (name, value) in fields {
                    if names.contains(&name.name) {
                        self.error(
                            Diag::error(
                                "duplicate-field",
                                name.span,
                                format!("`{}` is given twice", name.name),
                            )
                            .label("again")
                            .help("remove one of them"),
                        );
                    }
                    let (expr, ty) = self.lower(cx, value);
                    names.push(name.name.clone());
                    exprs.push(expr);
                    types.push((name.name.clone(), ty));
                }
                let layout = Arc::new(Layout {
                    name: String::new(),
                    fields: names,
                });
                (Expr::Record(layout, exprs), Type::Struct(Arc::new(types)))
            }
            ExprKind::Call(name, args) => self.call(cx, name, args, e.span),
            ExprKind::Field(base, field) => self.field(cx, base, field),
            ExprKind::Index(base, keys) => self.index(cx, base, keys, e.span),
            ExprKind::Unary(op, operand) => {
                let (expr, ty) = self.lower(cx, operand);
                let (want, result) = match op {
                    UnaryOp::Neg => (Type::Number, Expr::Neg(Box::new(expr), e.span)),
                    UnaryOp::Not => (Type::Bool, Expr::Not(Box::new(expr))),
                };
                self.expect(
                    &ty,
                    &want,
                    operand.span,
                    if *op == UnaryOp::Neg {
                        "`-` takes a number"
                    } else {
                        "`not` takes true or false"
                    },
                );
                (result, want)
            }
            ExprKind::Binary(op, a, b) => self.binary(cx, *op, a, b, e.span),
            ExprKind::Where(list, condition) => self.where_(cx, list, condition),
            ExprKind::If(c, a, b) => {
                let (c_expr, c_ty) = self.lower(cx, c);
                self.expect(
                    &c_ty,
                    &Type::Bool,
                    c.span,
                    "the condition of `if` is true or false",
                );
                let (a_expr, a_ty) = self.lower(cx, a);
                let (b_expr, b_ty) = self.lower(cx, b);
                let ty = self.join(&a_ty, &b_ty, a.span, b.span, "the two branches of `if`");
                (
                    Expr::If(Box::new(c_expr), Box::new(a_expr), Box::new(b_expr)),
                    ty,
                )
            }
            ExprKind::Case(subject, arms, otherwise) => {
                self.case(cx, subject, arms, otherwise.as_deref(), e.span)
            }
            ExprKind::Binder(kind, var, list, body) => {
                self.binder(cx, *kind, var, list, body, e.span)
            }
        }
    }

    /// Reports a type that does not fit where it is used.
    pub(super) fn expect(&mut self, got: &Type, want: &Type, span: Span, what: &str) -> bool {
        if got.fits(want) {
            return true;
        }
        let mut diag = Diag::error("type-mismatch", span, format!("{what}; this is {got}"))
            .label(format!("{got}"));
        diag = match got {
            Type::Optional(_) => {
                diag.help("the data may leave this out: use value_or(field, fallback)")
            }
            Type::Text | Type::Choice(_) if *want == Type::Number => {
                diag.help("write numbers without quotes")
            }
            Type::List(_) if *want == Type::Number => {
                diag.help("count(list) counts it; sum(list) adds it up")
            }
            _ => diag.help(format!("this needs {want}")),
        };
        self.error(diag);
        false
    }

    pub(super) fn join(
        &mut self,
        a: &Type,
        b: &Type,
        a_span: Span,
        b_span: Span,
        what: &str,
    ) -> Type {
        match a.join(b) {
            Some(t) => t,
            None => {
                let diag = Diag::error(
                    "type-mismatch",
                    b_span,
                    format!("{what} have different types: {a} and {b}"),
                )
                .label(format!("{b}"))
                .also(a_span, format!("{a}"))
                .help("make both the same type");
                self.error(diag);
                Type::Error
            }
        }
    }

    fn name(&mut self, cx: &mut Ctx, name: &str, span: Span) -> Typed {
        for local in cx.locals.iter().rev() {
            match local {
                Local::Var { name: n, ty, slot } if n == name => {
                    return (Expr::Local(*slot), ty.clone());
                }
                Local::Alias {
                    name: n,
                    ty,
                    global,
                } if n == name => return (Expr::Global(*global), ty.clone()),
                Local::Element { ty, slot } => {
                    if name == "it" {
                        return (Expr::Local(*slot), ty.clone());
                    }
                    if let Some((index, field_ty)) = self.field_of(ty, name) {
                        return (Expr::Field(Box::new(Expr::Local(*slot)), index), field_ty);
                    }
                }
                _ => {}
            }
        }
        match self.lookup(cx.file, name) {
            Some(Symbol::Global(id)) => {
                self.uses.add(cx.owner, Node::Global(id));
                let ty = self.global_type(id, Some(span));
                if let Type::Table(_) = ty {
                    // A table is read with [row, column] or rows()/columns(); `index` and
                    // `call` take it from here.
                    return (Expr::Global(id), ty);
                }
                (Expr::Global(id), ty)
            }
            Some(Symbol::Function(f)) => {
                let params = self.fn_decls[f.0 as usize]
                    .1
                    .params
                    .as_ref()
                    .map_or(0, Vec::len);
                self.error(
                    Diag::error("not-a-value", span, format!("`{name}` is a function"))
                        .label("needs arguments")
                        .help(format!(
                            "call it with {params} argument{}: {name}(...)",
                            if params == 1 { "" } else { "s" }
                        )),
                );
                error_expr()
            }
            Some(Symbol::Template(_)) => {
                self.error(
                    Diag::error(
                        "not-a-value",
                        span,
                        format!("`{name}` is a template of designations"),
                    )
                    .label("not a value")
                    .help(format!("use it as `designation \"Name\" = {name}(...)`")),
                );
                error_expr()
            }
            None => {
                self.unknown_name(cx, name, span);
                error_expr()
            }
        }
    }

    pub(super) fn unknown_name(&mut self, cx: &Ctx, name: &str, span: Span) {
        let mut candidates: Vec<String> = self
            .visible_names(cx.file)
            .into_iter()
            .map(str::to_string)
            .collect();
        for local in &cx.locals {
            match local {
                Local::Var { name, .. } | Local::Alias { name, .. } => {
                    candidates.push(name.clone())
                }
                Local::Element { ty, .. } => candidates.extend(self.field_names(ty)),
            }
        }
        let element = cx.locals.iter().rev().find_map(|l| match l {
            Local::Element {
                ty: Type::Record(id, _),
                ..
            } => Some(*id),
            _ => None,
        });
        let suggestion = suggest(name, candidates.iter().map(String::as_str));
        let mut diag = Diag::error("unknown-name", span, format!("unknown name `{name}`"))
            .label("not defined");
        diag = match (element, suggestion) {
            // Inside `list where ...`, a name is most likely a field the data has and the rules
            // do not declare.
            (Some(id), s) if s.is_none_or(|s| self.program.record(id).field(s).is_some()) => {
                let record = self.program.record(id);
                let file = &self.loaded.sources.get(record.span.file).name;
                let prefix = s
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                diag.label(format!("not a field of {}", record.name)).help(format!(
                    "{prefix}{} has no field `{name}`; if the data has it, declare it in `record {}` ({file})",
                    record.name, record.name
                ))
            }
            (_, Some(s)) => diag.help(format!("did you mean `{s}`?")),
            (_, None) => diag.help("define it with `let`, or import the file that defines it"),
        };
        self.error(diag);
    }

    fn field_names(&self, ty: &Type) -> Vec<String> {
        match ty {
            Type::Record(id, _) => self
                .program
                .record(*id)
                .fields
                .iter()
                .map(|f| f.name.clone())
                .collect(),
            Type::Struct(fields) => fields.iter().map(|(n, _)| n.clone()).collect(),
            _ => Vec::new(),
        }
    }

    /// The index and type of a record's field.
    pub(super) fn field_of(&self, ty: &Type, name: &str) -> Option<(u32, Type)> {
        match ty {
            Type::Record(id, _) => {
                let record = self.program.record(*id);
                let index = record.field(name)?;
                Some((index as u32, self.full_field_type(&record.fields[index])))
            }
            Type::Struct(fields) => fields
                .iter()
                .position(|(n, _)| n == name)
                .map(|i| (i as u32, fields[i].1.clone())),
            _ => None,
        }
    }

    fn list(&mut self, cx: &mut Ctx, items: &[ast::Expr], span: Span) -> Typed {
        let mut exprs = Vec::with_capacity(items.len());
        let mut ty = Type::Nothing;
        let mut first_span = span;
        for (i, item) in items.iter().enumerate() {
            let (expr, t) = self.lower(cx, item);
            if i == 0 {
                first_span = item.span;
            }
            ty = self.join(&ty, &t, first_span, item.span, "the elements of a list");
            exprs.push(expr);
        }
        if exprs.iter().all(|e| matches!(e, Expr::Const(_))) {
            for (i, e) in exprs.iter().enumerate() {
                if let Some(first) = exprs[..i]
                    .iter()
                    .position(|earlier| earlier_equal(earlier, e))
                {
                    let Expr::Const(value) = e else { continue };
                    let shown = match value {
                        Value::Text(t) => format!("\"{t}\""),
                        other => other.to_string(),
                    };
                    let diag = Diag::warning(
                        "duplicate-entry",
                        items[i].span,
                        format!("{shown} is listed twice"),
                    )
                    .label("again")
                    .also(items[first].span, "first here")
                    .help("remove one of them; a list holds each entry once");
                    self.error(diag);
                }
            }
            let values = exprs
                .into_iter()
                .map(|e| {
                    if let Expr::Const(v) = e {
                        v
                    } else {
                        unreachable!()
                    }
                })
                .collect();
            return (Expr::Const(Value::list(values)), Type::list(ty));
        }
        (Expr::List(exprs), Type::list(ty))
    }

    fn field(&mut self, cx: &mut Ctx, base: &ast::Expr, field: &ast::Ident) -> Typed {
        let (expr, ty) = self.lower(cx, base);
        if ty.is_error() {
            return error_expr();
        }
        if let Some((index, field_ty)) = self.field_of(&ty, &field.name) {
            return (Expr::Field(Box::new(expr), index), field_ty);
        }
        if let Type::List(element) = &ty {
            if let Some((index, field_ty)) = self.field_of(element, &field.name) {
                return (Expr::Project(Box::new(expr), index), Type::list(field_ty));
            }
        }
        let record_ty = match &ty {
            Type::List(e) => e.as_ref().clone(),
            other => other.clone(),
        };
        let names = self.field_names(&record_ty);
        if names.is_empty() {
            self.error(
                Diag::error("no-fields", field.span, format!("{ty} has no fields"))
                    .label(format!("`.{}` on {ty}", field.name))
                    .help("only records (and lists of records) have fields"),
            );
            return error_expr();
        }
        let mut diag = Diag::error(
            "unknown-field",
            field.span,
            format!("{record_ty} has no field `{}`", field.name),
        )
        .label("not declared");
        let help = match did_you_mean(&field.name, names.iter().map(String::as_str)) {
            Some(h) => h,
            None => format!("the fields of {record_ty} are: {}", names.join(", ")),
        };
        if let Type::Record(id, _) = &record_ty {
            let record = self.program.record(*id);
            let file = &self.loaded.sources.get(record.span.file).name;
            diag = diag.help(format!(
                "{help}; if the data has this field, declare it in `record {}` ({file})",
                record.name
            ));
        } else {
            diag = diag.help(help);
        }
        self.error(diag);
        error_expr()
    }

    fn where_(&mut self, cx: &mut Ctx, list: &ast::Expr, condition: &ast::Expr) -> Typed {
        let (list_expr, list_ty) = self.lower(cx, list);
        let element = match &list_ty {
            Type::List(e) => e.as_ref().clone(),
            Type::Error => Type::Error,
            other => {
                self.error(
                    Diag::error(
                        "type-mismatch",
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

    fn binder(
        &mut self,
        cx: &mut Ctx,
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
                        "type-mismatch",
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
                        "type-mismatch",
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
                    &format!("`{}` needs a condition", kind.word()),
                );
                Type::Bool
            }
            BinderKind::Each => Type::list(body_ty),
            BinderKind::Per => Type::Map(Box::new(element), Box::new(body_ty)),
            BinderKind::Lowest | BinderKind::Min | BinderKind::Max => {
                if !ordered(&body_ty) {
                    self.error(
                        Diag::error(
                            "type-mismatch",
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

    fn case(
        &mut self,
        cx: &mut Ctx,
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
                            "duplicate-entry",
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
                    let missing: Vec<String> = choice
                        .values
                        .iter()
                        .filter(|v| !covered.contains(v))
                        .map(|v| format!("\"{v}\""))
                        .collect();
                    if !missing.is_empty() {
                        self.error(
                            Diag::error(
                                "incomplete-case",
                                span,
                                format!("`case` has no `when` for {}", missing.join(", ")),
                            )
                            .label("not every value is covered")
                            .help("add a `when` for each value, or an `else`"),
                        );
                    }
                }
                Type::Bool | Type::Error => {}
                other => self.error(
                    Diag::error(
                        "incomplete-case",
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
                    "impossible-value",
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

    fn binary(
        &mut self,
        cx: &mut Ctx,
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
                self.expect(
                    ty,
                    &Type::Error,
                    s,
                    "this value may be missing from the data",
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
                    &format!("`{}` joins conditions", op.symbol()),
                );
                self.expect(
                    &b_ty,
                    &Type::Bool,
                    b.span,
                    &format!("`{}` joins conditions", op.symbol()),
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
                            "type-mismatch",
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
                        Diag::error("type-mismatch", span, format!("`{}` compares numbers, months or dates; these are {a_ty} and {b_ty}", op.symbol()))
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
                            "type-mismatch",
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
                                "type-mismatch",
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

    fn index(&mut self, cx: &mut Ctx, base: &ast::Expr, keys: &[ast::Expr], span: Span) -> Typed {
        let (base_expr, base_ty) = self.lower(cx, base);
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
                            "arity",
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
                    &format!("the keys of this map are {key_ty}"),
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
                            "arity",
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
                                &format!(
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
                    Diag::error("type-mismatch", span, "a list is not read by position")
                        .label("indexing a list")
                        .help("pick elements with `where`, or use a map"),
                );
                error_expr()
            }
            (other, _) => {
                self.error(
                    Diag::error(
                        "type-mismatch",
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
                    "unknown-label",
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

fn earlier_equal(a: &Expr, b: &Expr) -> bool {
    matches!((a, b), (Expr::Const(x), Expr::Const(y)) if x == y)
}

pub(super) fn ordered(ty: &Type) -> bool {
    matches!(
        ty,
        Type::Number | Type::Month | Type::Date | Type::Error | Type::Nothing
    )
}
