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
        // Each designation lowered, with its input and when it is written to be in force.
        let mut written: Vec<(KindId, &str, ast::Period, Span)> = Vec::new();
        for file in &loaded.files {
            for item in &file.items {
                let Item::Designation(d) = item else { continue };
                let Some(kind) = self.kind_for(file.id, d.name_span, "designation") else {
                    continue;
                };
                let undated = |p: &ast::Period| p.from.is_none() && p.until.is_none();
                let versions = undated(&d.period)
                    && written
                        .iter()
                        .any(|(k, n, p, _)| *k == kind && *n == d.name && !undated(p));
                if !undated(&d.period) || versions {
                    // A dated version: when it is in force is worked out below.
                } else if self
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
                let lowered: Vec<(ir::Designation, ast::Period)> = match &d.form {
                    DesignationForm::Written(body) => {
                        let mut cx = Scope::new(file.id, Node::Root);
                        vec![(
                            self.designation_body(&mut cx, d, body, Vec::new(), Vec::new()),
                            d.period,
                        )]
                    }
                    DesignationForm::FromTemplate {
                        template,
                        args,
                        notes,
                        span,
                    } => {
                        let Some(base) = self.template_named(file.id, template) else {
                            continue;
                        };
                        // The template's dated versions give the designation's versions.
                        let mut versions: Vec<(usize, Option<(chrono::NaiveDate, Span)>)> =
                            vec![(base, None)];
                        let base_name = &self.templates[base].1.name.name;
                        versions.extend(
                            self.template_versions
                                .iter()
                                .filter(|&&i| self.templates[i].1.name.name == *base_name)
                                .map(|&i| (i, self.templates[i].1.from)),
                        );
                        let mut out = Vec::new();
                        for (index, from) in versions {
                            let period = match from {
                                None => d.period,
                                Some((date, span)) => ast::Period {
                                    from: Some(match d.period.from {
                                        Some((own, own_span)) if own > date => (own, own_span),
                                        _ => (date, span),
                                    }),
                                    until: d.period.until,
                                },
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
                                    format_args!(
                                        "`{param}` of template `{}` is {want}",
                                        template.name
                                    ),
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
                            out.push((
                                self.designation_body(
                                    &mut cx,
                                    d,
                                    &decl.body,
                                    aliases,
                                    notes.clone(),
                                ),
                                period,
                            ));
                        }
                        out
                    }
                };
                for (lowered, period) in lowered {
                    self.program.kinds[kind.0 as usize]
                        .designations
                        .push(lowered);
                    written.push((kind, &d.name, period, d.name_span));
                }
            }
        }
        self.date_designations(&written);
    }

    /// When each version of each designation is in force.
    fn date_designations(&mut self, written: &[(KindId, &str, ast::Period, Span)]) {
        for k in 0..self.program.kinds.len() {
            let mine: Vec<(&str, ast::Period, Span)> = written
                .iter()
                .filter(|(kind, ..)| kind.0 as usize == k)
                .map(|(_, name, period, span)| (*name, *period, *span))
                .collect();
            let periods = self.periods_by_name("designation", mine);
            for (d, period) in self.program.kinds[k].designations.iter_mut().zip(periods) {
                d.period = period;
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
        let undated = |p: &ast::Period| p.from.is_none() && p.until.is_none();
        let category_periods = self.periods_by_name(
            "category",
            body.categories
                .iter()
                .map(|c| (c.name.as_str(), c.period, c.name_span))
                .collect(),
        );
        let subcategory_periods = self.periods_by_name(
            "subcategory",
            body.categories
                .iter()
                .flat_map(|c| &c.subcategories)
                .map(|s| (s.name.as_str(), s.period, s.name_span))
                .collect(),
        );
        let mut subcategory_periods = subcategory_periods.into_iter();
        for (category, category_period) in body.categories.iter().zip(category_periods) {
            let mut subcategories = Vec::new();
            for sub in &category.subcategories {
                let period = subcategory_periods.next().unwrap_or_default();
                let written_twice = names.iter().find(|(n, _)| *n == sub.name);
                let undated_here = undated(&sub.period) && undated(&category.period);
                if let (Some((_, first)), true) = (written_twice, undated_here) {
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
                if undated_here {
                    names.push((&sub.name, sub.name_span));
                }
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
                    max_changes: super::periods::max_changes(&sub.max_changes, &mut self.diags),
                    period,
                    notes: sub.notes.clone(),
                    source: (!sources.is_empty()).then(|| Arc::from(sources.join("; "))),
                    points: expr,
                    points_span: points.span,
                });
            }
            if undated(&category.period)
                && body
                    .categories
                    .iter()
                    .take_while(|c| !std::ptr::eq(*c, category))
                    .any(|c| c.name == category.name && undated(&c.period))
            {
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
                max_changes: super::periods::max_changes(&category.max_changes, &mut self.diags),
                period: category_period,
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
            max_changes: super::periods::max_changes(&body.max_changes, &mut self.diags),
            period: crate::ir::Period::default(),
            categories,
            requires,
            frame: cx.frame,
            subcategory_layout: Arc::new(Layout {
                name: "subcategory".into(),
                fields: SUBCATEGORY_FIELDS.iter().map(|s| s.to_string()).collect(),
            }),
        }
    }

    /// The periods in force of things named in order (categories, say): versions of one
    /// name, dated with `from` and `until`. Undated ones of one name are reported elsewhere.
    fn periods_by_name(
        &mut self,
        what: &str,
        items: Vec<(&str, ast::Period, Span)>,
    ) -> Vec<ir::Period> {
        let mut out = vec![ir::Period::default(); items.len()];
        let mut done = vec![false; items.len()];
        for i in 0..items.len() {
            if done[i] {
                continue;
            }
            let group: Vec<usize> = (i..items.len())
                .filter(|&j| items[j].0 == items[i].0)
                .collect();
            for &j in &group {
                done[j] = true;
            }
            let dated = group
                .iter()
                .any(|&j| items[j].1.from.is_some() || items[j].1.until.is_some());
            if !dated {
                continue;
            }
            let written: Vec<(ast::Period, Span)> =
                group.iter().map(|&j| (items[j].1, items[j].2)).collect();
            let periods = super::periods::versions(what, items[i].0, &written, &mut self.diags);
            for (&j, period) in group.iter().zip(periods) {
                out[j] = period;
            }
        }
        out
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
