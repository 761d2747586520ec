//! Expressions: AST -> typed IR. Names are resolved (locals, the element's fields inside
//! `where`, designation names, then the file's scope), types inferred and checked.

use std::sync::Arc;

use super::{Checker, Symbol};
use crate::analysis::lints::Node;
use crate::diagnostic::{Code, Diag, did_you_mean, suggest};
use crate::ir::Expr;
use crate::ir::types::{GlobalId, Type};
use crate::ir::value::{Layout, Value};
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, ExprKind, UnaryOp};

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
pub(super) struct Scope {
    pub file: FileId,
    pub locals: Vec<Local>,
    pub next_slot: u32,
    pub frame: u32,
    /// Who reads what is recorded for the unused-definition lint.
    pub owner: Node,
    /// In a dated version of a value: the value and the index of the version before it,
    /// which `previous` names.
    pub previous: Option<(GlobalId, usize)>,
    /// When the expression is in force: the dates of the version of a value or function it
    /// is written in (always, elsewhere).
    pub period: crate::ir::Period,
}

impl Scope {
    pub fn new(file: FileId, owner: Node) -> Scope {
        Scope {
            file,
            locals: Vec::new(),
            next_slot: 0,
            frame: 0,
            owner,
            previous: None,
            period: crate::ir::Period::default(),
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

pub(super) fn error_expr() -> Typed {
    (Expr::Const(Value::Absent), Type::Error)
}

impl Checker<'_> {
    /// An expression that is a value. A table is not one: it is read with `[row, column]`
    /// or `rows()` and `columns()`, which lower their operand with [`Checker::lower_any`].
    pub(super) fn lower(&mut self, cx: &mut Scope, e: &ast::Expr) -> Typed {
        let typed = self.lower_any(cx, e);
        if let Type::Table(_) = typed.1 {
            let name = self.loaded.sources.snippet(e.span);
            self.error(
                Diag::error(Code::NotAValue, e.span, format!("`{name}` is a table"))
                    .label("a table, not a value")
                    .help(format!(
                        "read one number with {name}[row, column], or its labels with rows({name}) and columns({name})"
                    )),
            );
            return error_expr();
        }
        typed
    }

    /// An expression that is a value or a table.
    pub(super) fn lower_any(&mut self, cx: &mut Scope, e: &ast::Expr) -> Typed {
        match &e.kind {
            ExprKind::Number(n) => (Expr::Const(Value::Number(*n)), Type::Number),
            ExprKind::Text(t) => (Expr::Const(Value::text(t)), Type::literal(t)),
            ExprKind::Bool(b) => (Expr::Const(Value::Bool(*b)), Type::Bool),
            ExprKind::Month(m) => (
                Expr::Const(Value::Month(crate::ir::value::Month(*m))),
                Type::Month,
            ),
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
                                Code::DuplicateField,
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

    /// Reports a type that does not fit where it is used. `what` is only written out then.
    pub(super) fn expect(
        &mut self,
        got: &Type,
        want: &Type,
        span: Span,
        what: impl std::fmt::Display,
    ) -> bool {
        if got.fits(want) {
            return true;
        }
        let mut diag = Diag::error(Code::TypeMismatch, span, format!("{what}; this is {got}"))
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
                    Code::TypeMismatch,
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

    fn name(&mut self, cx: &mut Scope, name: &str, span: Span) -> Typed {
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
                        self.note_dated_field(ty, index, span);
                        return (Expr::Field(Box::new(Expr::Local(*slot)), index), field_ty);
                    }
                }
                _ => {}
            }
        }
        if name == "previous" {
            if let Some((id, index)) = cx.previous {
                let previous = self.previous_version(id, index, span);
                if let crate::ir::Expr::Global(hidden) = &previous.0 {
                    self.uses.add(cx.owner, Node::Global(*hidden));
                }
                return previous;
            }
        }
        match self.lookup(cx.file, name) {
            Some(Symbol::Global(id)) => {
                self.uses.add(cx.owner, Node::Global(id));
                self.uses.read_at(id, span);
                let ty = self.global_type(id, Some(span));
                (Expr::Global(id), ty)
            }
            Some(Symbol::Function(f)) => {
                let params = self.fn_decls[f.0 as usize]
                    .1
                    .params
                    .as_ref()
                    .map_or(0, Vec::len);
                self.error(
                    Diag::error(Code::NotAValue, span, format!("`{name}` is a function"))
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
                        Code::NotAValue,
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

    pub(super) fn unknown_name(&mut self, cx: &Scope, name: &str, span: Span) {
        if self.unparsed(name) || self.not_imported(cx.file, name, span).is_some() {
            return;
        }
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
        let mut diag = Diag::error(Code::UnknownName, span, format!("unknown name `{name}`"))
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

    /// A read of a record's field that the data has only on some days, kept for the check
    /// of each interval of time (`analysis::in_force`).
    fn note_dated_field(&mut self, ty: &Type, index: u32, span: Span) {
        if let Type::Record(id, _) = ty {
            let field = &self.program.record(*id).fields[index as usize];
            if field.period != crate::ir::Period::default()
                && !field.optional
                && field.default.is_none()
            {
                self.uses.dated_field_at(span, *id, index);
            }
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

    fn list(&mut self, cx: &mut Scope, items: &[ast::Expr], span: Span) -> Typed {
        let mut exprs = Vec::with_capacity(items.len());
        let mut ty = Type::Nothing;
        let mut first_span = span;
        // The texts of a list of texts, gathered into one type at the end: joining them one at
        // a time would copy the set of texts once per element (20,000 texts: seconds).
        let mut texts: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        for (i, item) in items.iter().enumerate() {
            let (expr, t) = self.lower(cx, item);
            if i == 0 {
                first_span = item.span;
            }
            match &t {
                Type::Choice(choice)
                    if choice.name.is_none() && !matches!(ty, Type::Choice(_) | Type::Nothing) =>
                {
                    ty = self.join(&ty, &t, first_span, item.span, "the elements of a list");
                }
                Type::Choice(choice) if choice.name.is_none() => {
                    texts.extend(choice.values.iter().cloned());
                    if matches!(ty, Type::Nothing) {
                        ty = t.clone();
                    }
                }
                _ => {
                    if !texts.is_empty() {
                        ty = Type::Choice(std::sync::Arc::new(crate::ir::types::Choice {
                            name: None,
                            values: std::mem::take(&mut texts),
                        }));
                    }
                    ty = self.join(&ty, &t, first_span, item.span, "the elements of a list");
                }
            }
            exprs.push(expr);
        }
        if !texts.is_empty() {
            if let Type::Choice(choice) = &ty {
                texts.extend(choice.values.iter().cloned());
            }
            ty = Type::Choice(std::sync::Arc::new(crate::ir::types::Choice {
                name: None,
                values: texts,
            }));
        }
        if exprs.iter().all(|e| matches!(e, Expr::Const(_))) {
            // Where each value is first listed, hashed: linear in the list's length.
            let mut first_at: rustc_hash::FxHashMap<&Value, usize> =
                rustc_hash::FxHashMap::default();
            for (i, e) in exprs.iter().enumerate() {
                let Expr::Const(value) = e else { continue };
                // An entry that did not load stands for nothing: it repeats nothing.
                if matches!(value, Value::Absent) {
                    continue;
                }
                if let Some(&first) = first_at.get(value) {
                    let shown = match value {
                        Value::Text(t) => format!("\"{t}\""),
                        other => other.to_string(),
                    };
                    let diag = Diag::error(
                        Code::DuplicateEntry,
                        items[i].span,
                        format!("{shown} is listed twice"),
                    )
                    .label("again")
                    .also(items[first].span, "first here")
                    .help("remove one of them; a list holds each entry once");
                    self.error(diag);
                } else {
                    first_at.insert(value, i);
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

    fn field(&mut self, cx: &mut Scope, base: &ast::Expr, field: &ast::Ident) -> Typed {
        let (expr, ty) = self.lower(cx, base);
        if ty.is_error() {
            return error_expr();
        }
        if let Some((index, field_ty)) = self.field_of(&ty, &field.name) {
            self.note_dated_field(&ty, index, field.span);
            return (Expr::Field(Box::new(expr), index), field_ty);
        }
        if let Type::List(element) = &ty {
            if let Some((index, field_ty)) = self.field_of(element, &field.name) {
                self.note_dated_field(element, index, field.span);
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
                Diag::error(Code::NoFields, field.span, format!("{ty} has no fields"))
                    .label(format!("`.{}` on {ty}", field.name))
                    .help("only records (and lists of records) have fields"),
            );
            return error_expr();
        }
        let mut diag = Diag::error(
            Code::UnknownField,
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
}
