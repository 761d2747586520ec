//! The uses of names in a file's items: each name an expression, a type or a test reads,
//! resolved to the definitions it may mean (a local name first, then, inside `where`, a
//! field, then what the file sees).

use std::ops::Range;

use super::index::{Def, DefKind, Index, Use, range};
use crate::syntax::ast::{self, DesignationBody, Expr, ExprKind, Item, TypeExprKind};

/// Records the uses of names in a file's items.
pub(super) fn record(index: &mut Index, file: &ast::File) {
    let mut walk = Walk {
        index,
        file: file.id.0 as usize,
        locals: Vec::new(),
        in_where: 0,
    };
    for item in &file.items {
        walk.item(item);
    }
}

/// Goes through a file's items and records each use of a name.
struct Walk<'i> {
    index: &'i mut Index,
    file: usize,
    /// Local names in scope, innermost last: (name, definition).
    locals: Vec<(String, usize)>,
    /// How many `where` conditions the walk is in: there, a record's fields are names.
    in_where: usize,
}

impl Walk<'_> {
    fn local(&mut self, ident: &ast::Ident) {
        let def = self.index.def(Def {
            kind: DefKind::Local,
            name: ident.name.clone(),
            file: self.file,
            name_range: range(ident.span),
            item_range: range(ident.span),
            notes: Vec::new(),
            from: None,
            parent: None,
            input_field: false,
        });
        self.locals.push((ident.name.clone(), def));
    }

    fn use_of(&mut self, range: Range<usize>, targets: Vec<usize>) {
        self.index.uses.push(Use {
            file: self.file,
            range,
            targets,
        });
    }

    fn name(&mut self, name: &str, at: Range<usize>) {
        if let Some((_, def)) = self.locals.iter().rev().find(|(n, _)| n == name) {
            let def = *def;
            self.use_of(at, vec![def]);
            return;
        }
        let mut targets = Vec::new();
        if self.in_where > 0 {
            targets = self.index.fields_named(name);
        }
        if targets.is_empty() {
            targets = self.index.visible(self.file, name);
        }
        self.use_of(at, targets);
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Import(_) => {}
            Item::Shape(s) => {
                for field in &s.fields {
                    self.type_expr(&field.ty);
                    for m in &field.modifiers {
                        match &m.kind {
                            ast::ModifierKind::UniqueBy(f) => {
                                let targets = self.index.fields_named(&f.name);
                                self.use_of(range(f.span), targets);
                            }
                            ast::ModifierKind::RefersTo(list, f) => {
                                self.name(&list.name, range(list.span));
                                let targets = self.index.fields_named(&f.name);
                                self.use_of(range(f.span), targets);
                            }
                            _ => {}
                        }
                    }
                }
            }
            Item::Let(l) => {
                let depth = self.locals.len();
                for p in l.params.iter().flatten() {
                    self.type_expr(&p.ty);
                    self.local(&p.name);
                }
                self.expr(&l.body);
                self.locals.truncate(depth);
            }
            Item::Table(_) => {}
            Item::Template(t) => {
                let depth = self.locals.len();
                for p in &t.params {
                    self.type_expr(&p.ty);
                    self.local(&p.name);
                }
                self.body(&t.body);
                self.locals.truncate(depth);
            }
            Item::Designation(d) => match &d.form {
                ast::DesignationForm::Written(body) => self.body(body),
                ast::DesignationForm::FromTemplate { template, args, .. } => {
                    self.name(&template.name, range(template.span));
                    for a in args {
                        self.expr(a);
                    }
                }
            },
            Item::Output(o) => {
                for f in &o.fields {
                    self.expr(&f.value);
                }
            }
            Item::Test(t) => {
                for e in &t.expectations {
                    match &e.target {
                        ast::ExpectTarget::Designation { name, field, span } => {
                            let designations: Vec<usize> = self
                                .index
                                .defs
                                .iter()
                                .enumerate()
                                .filter(|(_, d)| d.kind == DefKind::Designation && &d.name == name)
                                .map(|(i, _)| i)
                                .collect();
                            let name_end = span.start as usize + name.len() + 2;
                            self.use_of(span.start as usize..name_end, designations.clone());
                            if let Some((field, at)) = field {
                                let parts: Vec<usize> = self
                                    .index
                                    .defs
                                    .iter()
                                    .enumerate()
                                    .filter(|(_, d)| {
                                        d.kind == DefKind::Subcategory
                                            && &d.name == field
                                            && d.parent
                                                .and_then(|c| self.index.defs[c].parent)
                                                .is_some_and(|p| designations.contains(&p))
                                    })
                                    .map(|(i, _)| i)
                                    .collect();
                                self.use_of(range(*at), parts);
                            }
                        }
                        ast::ExpectTarget::Value(expr) => self.expr(expr),
                    }
                    self.expr(&e.value);
                }
            }
        }
    }

    fn body(&mut self, body: &DesignationBody) {
        for e in body.path.iter().chain(&body.threshold) {
            self.expr(e);
        }
        for c in &body.categories {
            for s in &c.subcategories {
                if let Some(points) = &s.points {
                    self.expr(points);
                }
            }
        }
        for r in &body.requires {
            self.expr(&r.condition);
        }
    }

    fn type_expr(&mut self, ty: &ast::TypeExpr) {
        match &ty.kind {
            TypeExprKind::Named(ident) => {
                let targets: Vec<usize> = self
                    .index
                    .defs
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| match d.kind {
                        DefKind::Record => d.name == ident.name,
                        _ => false,
                    })
                    .map(|(i, _)| i)
                    .collect();
                if !targets.is_empty() {
                    self.use_of(range(ident.span), targets);
                }
            }
            TypeExprKind::Optional(t) | TypeExprKind::List(t) => self.type_expr(t),
            TypeExprKind::Map(k, v) => {
                self.type_expr(k);
                self.type_expr(v);
            }
            TypeExprKind::Whole | TypeExprKind::Enum(_) => {}
        }
    }

    fn expr(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Number(_) | ExprKind::Text(_) | ExprKind::Bool(_) | ExprKind::Date(_) => {}
            ExprKind::Name(name) => {
                let start = expr.span.start as usize;
                self.name(name, start..start + name.len());
            }
            ExprKind::List(items) => items.iter().for_each(|e| self.expr(e)),
            ExprKind::Record(fields) => fields.iter().for_each(|(_, e)| self.expr(e)),
            ExprKind::Call(f, args) => {
                self.name(&f.name, range(f.span));
                args.iter().for_each(|e| self.expr(e));
            }
            ExprKind::Field(of, field) => {
                self.expr(of);
                let targets = self.index.fields_named(&field.name);
                self.use_of(range(field.span), targets);
            }
            ExprKind::Index(of, args) => {
                self.expr(of);
                args.iter().for_each(|e| self.expr(e));
            }
            ExprKind::Unary(_, e) => self.expr(e),
            ExprKind::Binary(_, a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Where(list, condition) => {
                self.expr(list);
                self.in_where += 1;
                self.expr(condition);
                self.in_where -= 1;
            }
            ExprKind::If(c, a, b) => {
                self.expr(c);
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Case(of, arms, otherwise) => {
                self.expr(of);
                for (when, then) in arms {
                    self.expr(when);
                    self.expr(then);
                }
                if let Some(e) = otherwise {
                    self.expr(e);
                }
            }
            ExprKind::Binder(_, var, list, body) => {
                self.expr(list);
                let depth = self.locals.len();
                self.local(var);
                self.expr(body);
                self.locals.truncate(depth);
            }
        }
    }
}
