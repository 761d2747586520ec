//! The names of a workspace: every definition and every use of a name, with what it refers
//! to, worked out from the syntax trees alone so that it is there even when the rules do not
//! check (a file with a syntax error keeps the items that parse).

use std::ops::Range;

use chrono::NaiveDate;

use crate::load::Loaded;
use crate::syntax::ast::{self, DesignationBody, ExprKind, Item, TypeExprKind};

/// What a definition is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DefKind {
    Value,
    Function,
    Table,
    Template,
    Input,
    Record,
    Field,
    Designation,
    Category,
    Subcategory,
    /// A function's or template's parameter, or the name a binder gives each element.
    Local,
}

impl DefKind {
    pub fn word(self) -> &'static str {
        match self {
            DefKind::Value => "let",
            DefKind::Function => "function",
            DefKind::Table => "table",
            DefKind::Template => "template",
            DefKind::Input => "input",
            DefKind::Record => "record",
            DefKind::Field => "field",
            DefKind::Designation => "designation",
            DefKind::Category => "category",
            DefKind::Subcategory => "subcategory",
            DefKind::Local => "local name",
        }
    }

    /// Whether the definition is a name that expressions of other files can use.
    fn global(self) -> bool {
        matches!(
            self,
            DefKind::Value | DefKind::Function | DefKind::Table | DefKind::Template
        )
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Def {
    pub kind: DefKind,
    pub name: String,
    pub file: usize,
    /// The name where it is defined (for a designation, its quoted name).
    pub name_range: Range<usize>,
    /// The whole declaration.
    pub item_range: Range<usize>,
    pub notes: Vec<ast::Note>,
    pub from: Option<NaiveDate>,
    /// The definition this one is part of: a field's record, a subcategory's category.
    pub parent: Option<usize>,
    /// A field of the input is a name in the files that import it.
    pub input_field: bool,
}

/// A use of a name, and the definitions it may refer to (several for the versions of a
/// dated value, or a field that several records have).
#[derive(Clone, Debug)]
pub(crate) struct Use {
    pub file: usize,
    pub range: Range<usize>,
    pub targets: Vec<usize>,
}

#[derive(Debug, Default)]
pub(crate) struct Index {
    pub defs: Vec<Def>,
    pub uses: Vec<Use>,
    /// The labels of each table: (table definition, rows, columns).
    pub tables: Vec<(usize, Vec<String>, Vec<String>)>,
    /// Texts the rules know: `one of` values and the texts of lists written in a `let`.
    pub texts: Vec<String>,
    /// The files each file sees: itself and what it imports, directly or not.
    pub closures: Vec<Vec<usize>>,
    /// The definitions of each name, for looking names up without going through them all.
    by_name: rustc_hash::FxHashMap<String, Vec<usize>>,
}

impl Index {
    pub fn build(loaded: &Loaded) -> Index {
        let mut index = Index {
            closures: (0..loaded.files.len())
                .map(|i| {
                    loaded
                        .closure(crate::source::FileId(i as u32))
                        .into_iter()
                        .map(|f| f.0 as usize)
                        .collect()
                })
                .collect(),
            ..Index::default()
        };
        for file in &loaded.files {
            index.declare(file);
        }
        for (i, d) in index.defs.iter().enumerate() {
            index.by_name.entry(d.name.clone()).or_default().push(i);
        }
        for file in &loaded.files {
            super::uses::record(&mut index, file);
        }
        index.texts.sort();
        index.texts.dedup();
        index
    }

    pub(super) fn def(&mut self, def: Def) -> usize {
        self.defs.push(def);
        self.defs.len() - 1
    }

    /// The definitions of a file's top level, before any use is resolved.
    fn declare(&mut self, file: &ast::File) {
        let f = file.id.0 as usize;
        let plain = |kind, name: &str, at: Range<usize>, item: Range<usize>| Def {
            kind,
            name: name.to_string(),
            file: f,
            name_range: at,
            item_range: item,
            notes: Vec::new(),
            from: None,
            parent: None,
            input_field: false,
        };
        for item in &file.items {
            let span = range(item.span());
            match item {
                Item::Import(_) | Item::Output(_) | Item::Test(_) => {}
                Item::Shape(s) => {
                    let kind = if s.is_input {
                        DefKind::Input
                    } else {
                        DefKind::Record
                    };
                    let parent = self.def(Def {
                        notes: s.notes.clone(),
                        ..plain(kind, &s.name.name, range(s.name.span), span)
                    });
                    for field in &s.fields {
                        self.def(Def {
                            notes: field.notes.clone(),
                            parent: Some(parent),
                            input_field: s.is_input,
                            ..plain(
                                DefKind::Field,
                                &field.name.name,
                                range(field.name.span),
                                range(field.span),
                            )
                        });
                        if let TypeExprKind::Enum(values) = &field.ty.kind {
                            self.texts.extend(values.iter().map(|(v, _)| v.clone()));
                        }
                    }
                }
                Item::Let(l) => {
                    let kind = if l.params.is_some() {
                        DefKind::Function
                    } else {
                        DefKind::Value
                    };
                    self.def(Def {
                        notes: l.notes.clone(),
                        from: l.from.map(|(d, _)| d),
                        ..plain(kind, &l.name.name, range(l.name.span), span)
                    });
                    if let ExprKind::List(elements) = &l.body.kind {
                        self.texts
                            .extend(elements.iter().filter_map(|e| match &e.kind {
                                ExprKind::Text(t) => Some(t.clone()),
                                _ => None,
                            }));
                    }
                }
                Item::Table(t) => {
                    let def = self.def(Def {
                        notes: t.notes.clone(),
                        from: t.from.map(|(d, _)| d),
                        ..plain(DefKind::Table, &t.name.name, range(t.name.span), span)
                    });
                    let rows = t.rows.iter().map(|r| r.label.name.clone()).collect();
                    let columns = t.columns.iter().map(|c| c.name.clone()).collect();
                    self.tables.push((def, rows, columns));
                }
                Item::Template(t) => {
                    let def = self.def(plain(
                        DefKind::Template,
                        &t.name.name,
                        range(t.name.span),
                        span,
                    ));
                    self.categories(f, def, &t.body);
                }
                Item::Designation(d) => {
                    let notes = match &d.form {
                        ast::DesignationForm::Written(body) => body.notes.clone(),
                        ast::DesignationForm::FromTemplate { notes, .. } => notes.clone(),
                    };
                    let def = self.def(Def {
                        notes,
                        ..plain(DefKind::Designation, &d.name, range(d.name_span), span)
                    });
                    if let ast::DesignationForm::Written(body) = &d.form {
                        self.categories(f, def, body);
                    }
                }
            }
        }
    }

    fn categories(&mut self, file: usize, parent: usize, body: &DesignationBody) {
        for c in &body.categories {
            let category = self.def(Def {
                kind: DefKind::Category,
                name: c.name.clone(),
                file,
                name_range: range(c.name_span),
                item_range: range(c.span),
                notes: c.notes.clone(),
                from: None,
                parent: Some(parent),
                input_field: false,
            });
            for s in &c.subcategories {
                self.def(Def {
                    kind: DefKind::Subcategory,
                    name: s.name.clone(),
                    file,
                    name_range: range(s.name_span),
                    item_range: range(s.span),
                    notes: s.notes.clone(),
                    from: None,
                    parent: Some(category),
                    input_field: false,
                });
            }
        }
    }

    /// The definitions a name used in `file` may stand for: values, functions, tables,
    /// templates and input fields of the files it sees.
    pub fn visible(&self, file: usize, name: &str) -> Vec<usize> {
        let closure = self.closures.get(file).map_or(&[][..], Vec::as_slice);
        self.defs
            .iter()
            .enumerate()
            .filter(|(_, d)| {
                d.name == name && (d.kind.global() || d.input_field) && closure.contains(&d.file)
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Every name `file` can use, each once (the first definition of it).
    pub fn names_in_scope(&self, file: usize) -> Vec<usize> {
        let closure = self.closures.get(file).map_or(&[][..], Vec::as_slice);
        let mut seen: Vec<&str> = Vec::new();
        let mut out = Vec::new();
        for (i, d) in self.defs.iter().enumerate() {
            if (d.kind.global() || d.input_field)
                && closure.contains(&d.file)
                && !seen.contains(&d.name.as_str())
            {
                seen.push(&d.name);
                out.push(i);
            }
        }
        out
    }

    /// The fields of every record and input named `name`.
    pub fn fields_of(&self, record: &str) -> Vec<usize> {
        let parents: Vec<usize> = self
            .defs
            .iter()
            .enumerate()
            .filter(|(_, d)| matches!(d.kind, DefKind::Record | DefKind::Input) && d.name == record)
            .map(|(i, _)| i)
            .collect();
        self.defs
            .iter()
            .enumerate()
            .filter(|(_, d)| {
                d.kind == DefKind::Field && d.parent.is_some_and(|p| parents.contains(&p))
            })
            .map(|(i, _)| i)
            .collect()
    }

    pub(super) fn fields_named(&self, name: &str) -> Vec<usize> {
        self.named(name)
            .filter(|&i| self.defs[i].kind == DefKind::Field)
            .collect()
    }

    /// The definitions of a name, of any kind, in the order they were made.
    fn named<'s>(&'s self, name: &str) -> impl Iterator<Item = usize> + 's {
        self.by_name.get(name).into_iter().flatten().copied()
    }

    /// The definition or use at a byte offset of a file: the definitions meant, and the range
    /// of the name there.
    pub fn at(&self, file: usize, offset: usize) -> Option<(Vec<usize>, Range<usize>)> {
        let inside = |r: &Range<usize>| r.start <= offset && offset <= r.end;
        if let Some(u) = self
            .uses
            .iter()
            .find(|u| u.file == file && inside(&u.range) && !u.targets.is_empty())
        {
            return Some((u.targets.clone(), u.range.clone()));
        }
        let (i, def) = self
            .defs
            .iter()
            .enumerate()
            .find(|(_, d)| d.file == file && inside(&d.name_range))?;
        let mut same = vec![i];
        if def.kind.global() {
            same = self
                .visible(file, &def.name)
                .into_iter()
                .filter(|&j| self.defs[j].kind == def.kind)
                .collect();
        }
        Some((same, def.name_range.clone()))
    }

    /// The uses of any of `defs`.
    pub fn uses_of(&self, defs: &[usize]) -> Vec<&Use> {
        self.uses
            .iter()
            .filter(|u| u.targets.iter().any(|t| defs.contains(t)))
            .collect()
    }

    /// All the versions and duplicates of what `defs` name: the same kind and name, visible
    /// from the file of the first.
    pub fn family(&self, defs: &[usize]) -> Vec<usize> {
        let Some(&first) = defs.first() else {
            return Vec::new();
        };
        let def = &self.defs[first];
        if !(def.kind.global() || def.input_field) {
            return defs.to_vec();
        }
        let mut all = self.visible(def.file, &def.name);
        for &d in defs {
            if !all.contains(&d) {
                all.push(d);
            }
        }
        all
    }
}

pub(crate) fn range(span: crate::source::Span) -> Range<usize> {
    span.start as usize..span.end as usize
}
