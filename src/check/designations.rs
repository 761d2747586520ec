//! Designations (written out or made from a template), outputs and tests.

use std::sync::Arc;

use super::lower::{Local, Scope};
use super::{Checker, Symbol};
use crate::analysis::lints::Node;
use crate::diagnostic::{Code, Diag, suggest};
use crate::ir::types::Type;
use crate::ir::value::Layout;
use crate::ir::{self, Body, Category, KindId, OutputField, Require, Subcategory};
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, DesignationForm, Item};

/// The fields of the records in a designation's `subcategories`.
const SUBCATEGORY_FIELDS: [&str; 4] = ["category", "name", "points", "max"];

impl Checker<'_> {
    pub(super) fn kind_for(&mut self, file: FileId, span: Span, what: &str) -> Option<KindId> {
        let kind = self.kind_of_file.get(&file).copied();
        // A file that lacks an import reported already may lack the input with it.
        if kind.is_none() && !self.lacks_import(file) {
            self.error(
                Diag::error(Code::NoInput, span, format!("this {what} reads no input"))
                    .label("no `input` declared or imported")
                    .help("import the file that declares the input, for example `import \"partner.tally\"`"),
            );
        }
        kind
    }

    pub(super) fn lower_designations(&mut self) {
        let loaded = self.loaded;
        for file in &loaded.files {
            for item in &file.items {
                let Item::Designation(d) = item else { continue };
                let Some(kind) = self.kind_for(file.id, d.name_span, "designation") else {
                    continue;
                };
                if self
                    .program
                    .kind(kind)
                    .designations
                    .iter()
                    .any(|other| other.name == d.name)
                {
                    let first = self
                        .program
                        .kind(kind)
                        .designations
                        .iter()
                        .find(|o| o.name == d.name)
                        .map(|o| o.span);
                    let mut diag = Diag::error(
                        Code::DuplicateName,
                        d.name_span,
                        format!("designation \"{}\" is defined twice", d.name),
                    )
                    .label("second definition")
                    .help("each designation has its own name");
                    if let Some(first) = first {
                        diag = diag.also(first, "first definition");
                    }
                    self.error(diag);
                    continue;
                }
                let lowered = match &d.form {
                    DesignationForm::Written(body) => {
                        let mut cx = Scope::new(file.id, Node::Root);
                        self.designation_body(&mut cx, d, body, Vec::new(), Vec::new())
                    }
                    DesignationForm::FromTemplate {
                        template,
                        args,
                        notes,
                        span,
                    } => {
                        let Some(index) = self.template_named(file.id, template) else {
                            continue;
                        };
                        let (template_file, decl) = self.templates[index];
                        self.uses.add(Node::Root, Node::Template(index));
                        let params: Vec<(String, Type)> = decl
                            .params
                            .iter()
                            .map(|p| {
                                (
                                    p.name.name.clone(),
                                    self.declared_type(template_file, &p.ty),
                                )
                            })
                            .collect();
                        if params.len() != args.len() {
                            let signature: Vec<String> =
                                params.iter().map(|(n, t)| format!("{n}: {t}")).collect();
                            self.error(
                                Diag::error(
                                    Code::Arity,
                                    *span,
                                    format!(
                                        "template `{}` takes {} argument{}, {} given",
                                        template.name,
                                        params.len(),
                                        if params.len() == 1 { "" } else { "s" },
                                        args.len()
                                    ),
                                )
                                .label(format!("{} given", args.len()))
                                .also(decl.name.span, "defined here")
                                .help(format!(
                                    "write {}({})",
                                    template.name,
                                    signature.join(", ")
                                )),
                            );
                            continue;
                        }
                        // Arguments are read in this file, once per record: each becomes a value
                        // that the template's parameter names.
                        let mut aliases = Vec::new();
                        for ((param, want), arg) in params.iter().zip(args) {
                            let mut arg_cx = Scope::new(file.id, Node::Root);
                            let (expr, ty) = self.lower(&mut arg_cx, arg);
                            self.expect(
                                &ty,
                                want,
                                arg.span,
                                format_args!("`{param}` of template `{}` is {want}", template.name),
                            );
                            let global = match expr {
                                ir::Expr::Global(id) => id,
                                other => self.hidden_global(
                                    param,
                                    arg.span,
                                    want.clone(),
                                    other,
                                    arg_cx.frame,
                                ),
                            };
                            aliases.push((param.clone(), want.clone(), global));
                        }
                        let mut cx = Scope::new(template_file, Node::Template(index));
                        self.designation_body(&mut cx, d, &decl.body, aliases, notes.clone())
                    }
                };
                self.program.kinds[kind.0 as usize]
                    .designations
                    .push(lowered);
            }
        }
    }

    fn template_named(&mut self, file: FileId, name: &ast::Ident) -> Option<usize> {
        match self.lookup(file, &name.name) {
            Some(Symbol::Template(index)) => Some(index),
            _ => {
                let names: Vec<&str> = self
                    .templates
                    .iter()
                    .map(|(_, t)| t.name.name.as_str())
                    .collect();
                let mut diag = Diag::error(
                    Code::UnknownTemplate,
                    name.span,
                    format!("no template named `{}`", name.name),
                )
                .label("not a template");
                diag = match suggest(&name.name, names) {
                    Some(s) => diag.help(format!("did you mean `{s}`? (import the file that defines it)")),
                    None => diag.help("define it with `template name(params) { ... }`, or import the file that does"),
                };
                self.error(diag);
                None
            }
        }
    }

    /// A value the checker makes (a template's argument), evaluated once per record.
    pub(super) fn hidden_global(
        &mut self,
        name: &str,
        span: Span,
        ty: Type,
        expr: ir::Expr,
        frame: u32,
    ) -> crate::ir::types::GlobalId {
        let id = crate::ir::types::GlobalId(self.program.globals.len() as u32);
        let global = ir::Global::hidden(name.to_string(), span, ty, expr, frame);
        self.program.globals.push(global);
        self.global_state.push(super::State::Done);
        id
    }

    fn designation_body(
        &mut self,
        cx: &mut Scope,
        d: &ast::Designation,
        body: &ast::DesignationBody,
        aliases: Vec<(String, Type, crate::ir::types::GlobalId)>,
        extra_notes: Vec<ast::Note>,
    ) -> ir::Designation {
        cx.reserve(ir::SLOT_FIRST_FREE);
        for (name, ty, global) in aliases {
            cx.locals.push(Local::Alias { name, ty, global });
        }
        let path = body.path.as_ref().map(|p| {
            let (expr, ty) = self.lower(cx, p);
            if !ty.is_textual() {
                self.error(
                    Diag::error(
                        Code::TypeMismatch,
                        p.span,
                        format!("the path is a text, the name of a path; this is {ty}"),
                    )
                    .label(format!("{ty}"))
                    .help("give the path's name as a text, for example `if ... then \"one\" else \"other\"`"),
                );
            }
            (expr, ty)
        });
        let threshold = body.threshold.as_ref().map(|t| {
            let (expr, ty) = self.lower(cx, t);
            self.expect(
                &ty,
                &Type::Number,
                t.span,
                "the threshold is a number of points",
            );
            expr
        });
        let mut categories: Vec<Category> = Vec::new();
        let mut names: Vec<(&str, Span)> = Vec::new();
        for category in &body.categories {
            let mut subcategories = Vec::new();
            for sub in &category.subcategories {
                if let Some((_, first)) = names.iter().find(|(n, _)| *n == sub.name) {
                    self.error(
                        Diag::error(
                            Code::DuplicateName,
                            sub.name_span,
                            format!("subcategory \"{}\" appears twice", sub.name),
                        )
                        .label("second one")
                        .also(*first, "first one")
                        .help("each subcategory of a designation has its own name"),
                    );
                }
                names.push((&sub.name, sub.name_span));
                let Some(points) = &sub.points else {
                    self.error(
                        Diag::error(
                            Code::MissingPoints,
                            sub.name_span,
                            format!("subcategory \"{}\" has no `points =`", sub.name),
                        )
                        .label("no points")
                        .help("say how its points are earned: `points = expression`"),
                    );
                    continue;
                };
                let (expr, ty) = self.lower(cx, points);
                self.expect(&ty, &Type::Number, points.span, "points are a number");
                let sources: Vec<&str> = sub
                    .notes
                    .iter()
                    .filter(|n| n.kind == ast::NoteKind::Source)
                    .map(|n| n.text.as_str())
                    .collect();
                subcategories.push(Subcategory {
                    name: Arc::from(sub.name.as_str()),
                    span: sub.name_span,
                    max: sub.max.0,
                    max_span: sub.max.1,
                    notes: sub.notes.clone(),
                    source: (!sources.is_empty()).then(|| Arc::from(sources.join("; "))),
                    points: expr,
                    points_span: points.span,
                });
            }
            if categories.iter().any(|c| *c.name == *category.name) {
                self.error(
                    Diag::error(
                        Code::DuplicateName,
                        category.name_span,
                        format!("category \"{}\" appears twice", category.name),
                    )
                    .label("second one")
                    .help("put all its subcategories in one `category` block"),
                );
            }
            categories.push(Category {
                name: Arc::from(category.name.as_str()),
                span: category.name_span,
                max: category.max.0,
                max_span: category.max.1,
                notes: category.notes.clone(),
                subcategories,
            });
        }
        let number = Type::Number;
        let sub_ty = Type::Struct(Arc::new(vec![
            ("category".into(), Type::Text),
            ("name".into(), Type::Text),
            ("points".into(), number.clone()),
            ("max".into(), number.clone()),
        ]));
        let mut scope = vec![
            ("total", number.clone(), ir::SLOT_TOTAL),
            ("subcategories", Type::list(sub_ty), ir::SLOT_SUBCATEGORIES),
        ];
        if threshold.is_some() {
            scope.push(("threshold", number, ir::SLOT_THRESHOLD));
        }
        if let Some((_, ty)) = &path {
            scope.push(("path", ty.clone(), ir::SLOT_PATH));
        }
        let depth = cx.locals.len();
        for (name, ty, slot) in scope {
            cx.locals.push(Local::Var {
                name: name.to_string(),
                ty,
                slot,
            });
        }
        let mut requires = Vec::new();
        for r in &body.requires {
            let (expr, ty) = self.lower(cx, &r.condition);
            self.expect(
                &ty,
                &Type::Bool,
                r.condition.span,
                "a requirement is a condition",
            );
            requires.push(Require {
                label: r.label.clone(),
                span: r.span,
                condition_span: r.condition.span,
                notes: r.notes.clone(),
                condition: expr,
            });
        }
        cx.locals.truncate(depth);
        let mut notes = body.notes.clone();
        notes.extend(extra_notes);
        ir::Designation {
            name: d.name.clone(),
            span: d.name_span,
            notes,
            path: path.map(|(e, _)| e),
            threshold,
            threshold_span: body.threshold.as_ref().map(|t| t.span),
            max: body.max.map(|(m, _)| m),
            max_span: body.max.map(|(_, s)| s),
            categories,
            requires,
            frame: cx.frame,
            subcategory_layout: Arc::new(Layout {
                name: "subcategory".into(),
                fields: SUBCATEGORY_FIELDS.iter().map(|s| s.to_string()).collect(),
            }),
        }
    }

    pub(super) fn lower_outputs(&mut self) {
        let loaded = self.loaded;
        for file in &loaded.files {
            for item in &file.items {
                let Item::Output(output) = item else { continue };
                let Some(kind) = self.kind_for(file.id, output.span, "output") else {
                    continue;
                };
                for field in &output.fields {
                    let input = self.program.kind(kind);
                    let identifier = input.identifier.map(|i| {
                        self.program.record(input.record).fields[i as usize]
                            .name
                            .clone()
                    });
                    let clash = input
                        .output
                        .iter()
                        .find(|o| o.name == field.name.name)
                        .map(|o| o.span);
                    if let Some(first) = clash {
                        self.error(
                            Diag::error(
                                Code::DuplicateName,
                                field.name.span,
                                format!("output field `{}` is defined twice", field.name.name),
                            )
                            .label("second definition")
                            .also(first, "first definition")
                            .help("each output field has its own name"),
                        );
                        continue;
                    }
                    if identifier.as_deref() == Some(field.name.name.as_str()) {
                        self.error(
                            Diag::error(
                                Code::DuplicateName,
                                field.name.span,
                                format!(
                                    "`{}` is printed already, as the input's identifier",
                                    field.name.name
                                ),
                            )
                            .label("printed twice")
                            .help("remove this output field"),
                        );
                        continue;
                    }
                    let mut cx = Scope::new(file.id, Node::Root);
                    let (expr, _) = self.lower(&mut cx, &field.value);
                    self.program.kinds[kind.0 as usize]
                        .output
                        .push(OutputField {
                            name: field.name.name.clone(),
                            span: field.name.span,
                            body: Body {
                                expr,
                                frame: cx.frame,
                                source: field.value.span,
                            },
                        });
                }
            }
        }
    }
}
