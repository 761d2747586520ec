//! Checking: parsed files -> a [`Program`] in which every name is resolved and every type known.
//!
//! The checker collects every problem it finds and keeps going; a program is returned only
//! when there is no error. Stages: declarations and scopes (this file), input shapes
//! (`shapes`), expressions (`lower`, `operators`, `binders`, `builtins`), designations and outputs
//! (`designations`), tests (`test_blocks`), then the lints and consistency checks of
//! `analysis`, which need the whole program.

mod binders;
mod builtins;
mod depth;
mod designations;
mod infer;
mod inputs;
mod lower;
mod memo;
mod operators;
mod periods;
mod shapes;
mod tables;
mod test_blocks;

use rustc_hash::FxHashMap;

use crate::diagnostic::{Code, Diag, Diags};
use crate::ir::types::{GlobalId, RecordId, Type};
use crate::ir::{FnId, KindId, Program};
use crate::load::Loaded;
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, Item};

use crate::analysis::{consistency, growth, in_force, lints};

pub use lints::Lints;

/// What a name stands for in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Symbol {
    Global(GlobalId),
    Function(FnId),
    Template(usize),
}

/// What a type name stands for.
#[derive(Clone, Debug)]
pub(crate) enum TypeSymbol {
    Record(RecordId),
    /// The row (or column) labels of a table.
    Axis {
        table: GlobalId,
        rows: bool,
    },
}

/// Progress of a let's or function's type inference, to find definitions that use themselves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Pending,
    InProgress,
    Done,
}

pub(crate) struct Checker<'a> {
    loaded: &'a Loaded,
    diags: Diags,
    program: Program,
    /// Names visible in each file: its own and those of every file it imports.
    scopes: FxHashMap<FileId, FxHashMap<&'a str, (Symbol, Span)>>,
    types: FxHashMap<FileId, FxHashMap<String, (TypeSymbol, Span)>>,
    /// The input kind each file's rules read, if any.
    kind_of_file: FxHashMap<FileId, KindId>,
    /// Where each global and function was declared, for lazy inference.
    let_decls: FxHashMap<GlobalId, Vec<(FileId, &'a ast::LetDecl)>>,
    fn_decls: Vec<(FileId, &'a ast::LetDecl)>,
    /// The dated versions of each function, by date.
    fn_versions: Vec<Vec<(FileId, &'a ast::LetDecl)>>,
    templates: Vec<(FileId, &'a ast::TemplateDecl)>,
    /// The templates written `from` a date: later versions of the template of that name.
    template_versions: Vec<usize>,
    global_state: Vec<State>,
    fn_state: Vec<State>,
    /// Which globals and functions each definition reads, for the lints.
    uses: lints::Uses,
    /// The value `previous` names in each version of a dated value that uses it.
    previous: FxHashMap<(GlobalId, usize), (GlobalId, Type)>,
    /// The file that declares each name, for "defined in ..., which this file does not import".
    defined_in: FxHashMap<&'a str, FileId>,
    /// Imports found missing (file, the file it should import): reported once each.
    missing_imports: Vec<(FileId, FileId)>,
    /// Values written as a quoted number, reported at their definition once.
    quoted_numbers: Vec<GlobalId>,
}

/// Rule files that do not check: the errors (and warnings), with the sources to show them.
#[derive(Debug)]
pub struct Rejected {
    pub sources: crate::source::SourceMap,
    pub diags: Vec<Diag>,
}

/// Checks loaded rule files. Returns the program and its warnings, or every problem found.
/// `earlier` are problems found while loading, reported together with the checker's.
pub fn check(loaded: Loaded, earlier: Diags) -> Result<(Program, Vec<Diag>), Rejected> {
    check_with(loaded, earlier, true)
}

/// [`check`] without computing anything once per record (`memo`): the plain program, which
/// gives the same results and errors, more slowly. For the tests that show it does.
pub fn check_plain(loaded: Loaded, earlier: Diags) -> Result<(Program, Vec<Diag>), Rejected> {
    check_with(loaded, earlier, false)
}

fn check_with(
    loaded: Loaded,
    earlier: Diags,
    memoize: bool,
) -> Result<(Program, Vec<Diag>), Rejected> {
    let mut checker = Checker::new(&loaded);
    checker.run();
    let Checker {
        mut program,
        mut diags,
        uses,
        ..
    } = checker;
    let lints = Lints::run(&loaded, &program, &uses);
    // A definition looks unused when the errors stop what reads it from loading: its warning
    // would follow from them.
    let failed = diags.has_errors() || earlier.has_errors();
    diags.extend(
        lints
            .0
            .0
            .into_iter()
            .filter(|d| !(failed && d.code == Code::Unused)),
    );
    if !diags.has_errors() {
        consistency::check(&loaded, &program, &mut diags);
        for (test, period, diag) in in_force::check(&program, &uses, &mut diags) {
            program.tests[test].outside_dates.push((period, diag));
        }
        growth::check(&program, &mut diags);
    }
    diags.extend(earlier.0);
    let ok = !diags.has_errors();
    let sorted = diags.sorted();
    if ok {
        if memoize {
            memo::memoize(&mut program);
        }
        program.roots = loaded.roots.clone();
        program.sources = loaded.sources;
        Ok((program, sorted))
    } else {
        Err(Rejected {
            sources: loaded.sources,
            diags: sorted,
        })
    }
}

impl<'a> Checker<'a> {
    fn new(loaded: &'a Loaded) -> Checker<'a> {
        Checker {
            loaded,
            diags: Diags::default(),
            program: Program::default(),
            scopes: FxHashMap::default(),
            types: FxHashMap::default(),
            kind_of_file: FxHashMap::default(),
            let_decls: FxHashMap::default(),
            fn_decls: Vec::new(),
            fn_versions: Vec::new(),
            previous: FxHashMap::default(),
            templates: Vec::new(),
            template_versions: Vec::new(),
            global_state: Vec::new(),
            fn_state: Vec::new(),
            uses: lints::Uses::default(),
            defined_in: FxHashMap::default(),
            missing_imports: Vec::new(),
            quoted_numbers: Vec::new(),
        }
    }

    fn run(&mut self) {
        let own = self.declare();
        self.build_scopes(&own);
        self.assign_kinds();
        self.resolve_shapes();
        if !self.chains_within_limit() {
            return;
        }
        for g in 0..self.program.globals.len() {
            self.infer_global(GlobalId(g as u32));
        }
        for f in 0..self.program.functions.len() {
            self.infer_function(FnId(f as u32));
        }
        self.lower_designations();
        self.lower_outputs();
        self.lower_tests();
    }

    fn error(&mut self, diag: Diag) {
        if diag.code == Code::TypeMismatch {
            if let Some(span) = diag.span {
                if let Some(at_definition) = self.quoted_number(span) {
                    self.diags.extend(at_definition);
                    return;
                }
            }
        }
        self.diags.push(diag);
    }

    /// A value written as a number in quotes (`let max_deployments = "5"`) and used as a
    /// number is reported where it is written, once, with "remove the quotes": `span` is a
    /// use of it that does not fit. `None` when `span` is not such a use.
    fn quoted_number(&mut self, span: Span) -> Option<Option<Diag>> {
        let name = self.loaded.sources.snippet(span);
        let Some(Symbol::Global(id)) = self.lookup(span.file, name) else {
            return None;
        };
        let variants = self.let_decls.get(&id)?;
        let (literal, text) = variants.iter().find_map(|(_, l)| match &l.body.kind {
            ast::ExprKind::Text(t) if t.trim().parse::<rust_decimal::Decimal>().is_ok() => {
                Some((l.body.span, t.clone()))
            }
            _ => None,
        })?;
        if self.quoted_numbers.contains(&id) {
            return Some(None);
        }
        self.quoted_numbers.push(id);
        Some(Some(
            Diag::error(
                Code::TypeMismatch,
                literal,
                format!("`{name}` is the text \"{text}\", not the number {text}"),
            )
            .label("a text, because of the quotes")
            .also(span, "used as a number here")
            .help(format!("remove the quotes: `let {name} = {}`", text.trim())),
        ))
    }

    /// For a name this file cannot see: when another file declares it, the error says which
    /// file to import; further names from that file are not reported again, as the one import
    /// fixes them all. `None` when no file declares it.
    pub(crate) fn not_imported(&mut self, file: FileId, name: &str, span: Span) -> Option<()> {
        let &definer = self.defined_in.get(name)?;
        if definer == file || self.missing_imports.contains(&(file, definer)) {
            return Some(());
        }
        self.missing_imports.push((file, definer));
        let target = &self.loaded.sources.get(definer).path;
        let here = &self.loaded.sources.get(file).path;
        let import = relative_import(here, target);
        self.error(
            Diag::error(
                Code::UnknownName,
                span,
                format!("unknown name `{name}`: it is defined in {import}, which this file does not import"),
            )
            .label(format!("defined in {import}"))
            .help(format!(
                "add `import \"{import}\"` at the top of this file; it makes `{name}` and the other names of {import} visible here"
            )),
        );
        Some(())
    }

    /// Whether this file already lacks an import that was reported: what it cannot see
    /// follows from that one error.
    pub(crate) fn lacks_import(&self, file: FileId) -> bool {
        self.missing_imports.iter().any(|(f, _)| *f == file)
    }

    /// Creates a global, function, template, record or table for every declaration, and
    /// returns the names each file declares itself.
    fn declare(&mut self) -> FxHashMap<FileId, Vec<(&'a str, Symbol, Span)>> {
        let mut own: FxHashMap<FileId, Vec<(&'a str, Symbol, Span)>> = FxHashMap::default();
        let loaded = self.loaded;
        // A value with dated versions may have them in several files (next year's changes in
        // a file of their own): its versions are gathered from every file.
        let dated: std::collections::HashSet<&'a str> = loaded
            .files
            .iter()
            .flat_map(|f| &f.items)
            .filter_map(|item| match item {
                Item::Let(l) if l.params.is_none() && l.from.is_some() => {
                    Some(l.name.name.as_str())
                }
                _ => None,
            })
            .collect();
        let mut dated_lets: ByName<'a, (FileId, &'a ast::LetDecl)> = ByName::default();
        let mut dated_functions: Vec<(FileId, &'a ast::LetDecl)> = Vec::new();
        // The same for a table whose dated versions are written in several files.
        let mut table_files: FxHashMap<&'a str, Vec<FileId>> = FxHashMap::default();
        for file in &loaded.files {
            for item in &file.items {
                if let Item::Table(t) = item {
                    let files = table_files.entry(t.name.name.as_str()).or_default();
                    if !files.contains(&file.id) {
                        files.push(file.id);
                    }
                }
            }
        }
        let spread = |name: &str| table_files.get(name).is_some_and(|f| f.len() > 1);
        let dated_tables: std::collections::HashSet<&'a str> = loaded
            .files
            .iter()
            .flat_map(|f| &f.items)
            .filter_map(|item| match item {
                Item::Table(t) if t.from.is_some() && spread(&t.name.name) => {
                    Some(t.name.name.as_str())
                }
                _ => None,
            })
            .collect();
        let mut spread_tables: ByName<'a, (FileId, &'a ast::TableDecl)> = ByName::default();
        for file in &loaded.files {
            let mut lets: ByName<'a, (FileId, &'a ast::LetDecl)> = ByName::default();
            let mut tables: ByName<'a, &'a ast::TableDecl> = ByName::default();
            for item in &file.items {
                match item {
                    Item::Let(l) if l.params.is_some() && l.from.is_some() => {
                        dated_functions.push((file.id, l));
                    }
                    Item::Let(l) if l.params.is_some() => {
                        let id = FnId(self.fn_decls.len() as u32);
                        self.fn_decls.push((file.id, l));
                        self.fn_versions.push(Vec::new());
                        self.fn_state.push(State::Pending);
                        self.program.functions.push(crate::ir::Function {
                            name: l.name.name.clone(),
                            span: l.name.span,
                            params: Vec::new(),
                            ret: Type::Error,
                            notes: l.notes.clone(),
                            body: crate::ir::Body {
                                expr: crate::ir::Expr::Const(crate::ir::value::Value::Absent),
                                frame: 0,
                                source: l.body.span,
                            },
                            later: Vec::new(),
                        });
                        own.entry(file.id).or_default().push((
                            l.name.name.as_str(),
                            Symbol::Function(id),
                            l.name.span,
                        ));
                    }
                    Item::Let(l) => {
                        let group = if dated.contains(l.name.name.as_str()) {
                            &mut dated_lets
                        } else {
                            &mut lets
                        };
                        group.push(&l.name.name, (file.id, l));
                    }
                    Item::Table(t) if dated_tables.contains(t.name.name.as_str()) => {
                        spread_tables.push(&t.name.name, (file.id, t));
                    }
                    Item::Table(t) => tables.push(&t.name.name, t),
                    Item::Template(t) if t.from.is_some() => {
                        // A dated version: designations made from the template get it.
                        self.template_versions.push(self.templates.len());
                        self.templates.push((file.id, t));
                    }
                    Item::Template(t) => {
                        let index = self.templates.len();
                        self.templates.push((file.id, t));
                        own.entry(file.id).or_default().push((
                            t.name.name.as_str(),
                            Symbol::Template(index),
                            t.name.span,
                        ));
                    }
                    _ => {}
                }
            }
            for (name, variants) in lets.groups {
                self.declare_let(name, variants, &mut own);
            }
            for (name, variants) in tables.groups {
                let variants = self
                    .order_variants(name, variants, |t: &&ast::TableDecl| (t.from, t.name.span));
                let id = self.table_global(&variants);
                own.entry(file.id).or_default().push((
                    name,
                    Symbol::Global(id),
                    self.program.global(id).span,
                ));
            }
        }
        for (name, variants) in dated_lets.groups {
            self.declare_let(name, variants, &mut own);
        }
        for (name, variants) in spread_tables.groups {
            let variants =
                self.order_variants(name, variants, |(_, t): &(FileId, &ast::TableDecl)| {
                    (t.from, t.name.span)
                });
            let decls: Vec<&ast::TableDecl> = variants.iter().map(|(_, t)| *t).collect();
            let id = self.table_global(&decls);
            let mut files: Vec<FileId> = variants.iter().map(|(f, _)| *f).collect();
            files.sort();
            files.dedup();
            for file in files {
                let span = variants
                    .iter()
                    .find(|(f, _)| *f == file)
                    .map_or(self.program.global(id).span, |(_, t)| t.name.span);
                own.entry(file)
                    .or_default()
                    .push((name, Symbol::Global(id), span));
            }
        }
        self.date_functions(dated_functions);
        own
    }

    /// Dated versions of functions join the function of that name written without a date.
    fn date_functions(&mut self, dated: Vec<(FileId, &'a ast::LetDecl)>) {
        for (file, l) in dated {
            let Some((_, from_span)) = l.from else {
                continue;
            };
            let found = self
                .fn_decls
                .iter()
                .position(|(_, d)| d.name.name == l.name.name);
            match found {
                Some(i) => {
                    let versions = &mut self.fn_versions[i];
                    if let Some((_, other)) = versions.iter().find(|(_, v)| v.from.map(|f| f.0) == l.from.map(|f| f.0)) {
                        let other = other.name.span;
                        self.error(
                            Diag::error(Code::OverlappingVariants, from_span, format!("`{}` has two versions in force from the same day", l.name.name))
                                .label("second version")
                                .also(other, "first version")
                                .help("give each version of a function a different `from` date, or remove one"),
                        );
                        continue;
                    }
                    versions.push((file, l));
                    versions.sort_by_key(|(_, v)| v.from.map(|f| f.0));
                }
                None => self.error(
                    Diag::error(Code::DatedFunction, from_span, format!("`{}` has a dated version but no version without a date", l.name.name))
                        .label("nothing before this date")
                        .help(format!("write the function first without a date, `let {}(...) = ...`; a dated version replaces it from its date on", l.name.name)),
                ),
            }
        }
    }

    /// A value and its versions; each file that writes one declares the name.
    fn declare_let(
        &mut self,
        name: &'a str,
        variants: Vec<(FileId, &'a ast::LetDecl)>,
        own: &mut FxHashMap<FileId, Vec<(&'a str, Symbol, Span)>>,
    ) {
        let variants = self.order_variants(name, variants, |(_, l)| (l.from, l.name.span));
        let id = self.new_global(
            name,
            variants[0].1.name.span,
            crate::ir::GlobalDef::Let(Vec::new()),
        );
        let mut files: Vec<FileId> = variants.iter().map(|(f, _)| *f).collect();
        files.dedup();
        files.sort();
        files.dedup();
        for file in files {
            let span = variants
                .iter()
                .find(|(f, _)| *f == file)
                .map_or(self.program.global(id).span, |(_, l)| l.name.span);
            own.entry(file)
                .or_default()
                .push((name, Symbol::Global(id), span));
        }
        self.let_decls.insert(id, variants);
    }

    /// Sorts dated variants (undated first) and reports two in force from the same day.
    fn order_variants<T>(
        &mut self,
        name: &str,
        mut variants: Vec<T>,
        key: impl Fn(&T) -> (Option<(chrono::NaiveDate, Span)>, Span),
    ) -> Vec<T> {
        variants.sort_by_key(|v| key(v).0.map(|(d, _)| d));
        for pair in variants.windows(2) {
            let (a, b) = (key(&pair[0]), key(&pair[1]));
            if a.0.is_none() && b.0.is_none() {
                self.error(
                    Diag::error(Code::DuplicateName, b.1, format!("`{name}` is defined twice"))
                        .label("second definition")
                        .also(a.1, "first definition")
                        .help("remove one, or rename it; to change a value from a date on, write `let name from YYYY-MM-DD = ...`"),
                );
            } else if a.0.map(|(d, _)| d) == b.0.map(|(d, _)| d) {
                let when = match b.0 {
                    Some((d, _)) => format!("from {d}"),
                    None => "without a date".to_string(),
                };
                self.error(
                    Diag::error(
                        Code::OverlappingVariants,
                        b.0.map_or(b.1, |(_, s)| s),
                        format!("`{name}` has two versions in force {when}"),
                    )
                    .label("second version")
                    .also(a.0.map_or(a.1, |(_, s)| s), "first version")
                    .help(
                        "give each version of a dated value a different `from` date, or remove one",
                    ),
                );
            }
        }
        variants
    }

    fn new_global(&mut self, name: &str, span: Span, def: crate::ir::GlobalDef) -> GlobalId {
        let id = GlobalId(self.program.globals.len() as u32);
        self.program.globals.push(crate::ir::Global {
            name: name.to_string(),
            span,
            ty: Type::Error,
            def,
            hidden: false,
        });
        self.global_state.push(State::Pending);
        id
    }

    /// Every file sees the names of the files it imports, directly or not. The same name from
    /// two declarations is an error.
    fn build_scopes(&mut self, own: &FxHashMap<FileId, Vec<(&'a str, Symbol, Span)>>) {
        let loaded = self.loaded;
        let mut reported: Vec<(Span, Span)> = Vec::new();
        for file in &loaded.files {
            let deps = loaded.closure(file.id);
            let names = deps
                .iter()
                .filter_map(|dep| own.get(dep))
                .map(Vec::len)
                .sum();
            let mut scope: FxHashMap<&'a str, (Symbol, Span)> =
                FxHashMap::with_capacity_and_hasher(names, Default::default());
            for &(name, _, span) in own.get(&file.id).map_or(&[][..], Vec::as_slice) {
                self.defined_in.entry(name).or_insert(span.file);
            }
            for dep in deps {
                for &(name, symbol, span) in own.get(&dep).map_or(&[][..], Vec::as_slice) {
                    if let Some(&(other, other_span)) = scope.get(name) {
                        if other != symbol
                            && !reported.contains(&(span, other_span))
                            && !reported.contains(&(other_span, span))
                        {
                            reported.push((span, other_span));
                            let (first, second) =
                                if (other_span.file, other_span.start) < (span.file, span.start) {
                                    (other_span, span)
                                } else {
                                    (span, other_span)
                                };
                            self.error(
                                Diag::error(Code::DuplicateName, second, format!("`{name}` is defined twice"))
                                    .label("second definition")
                                    .also(first, "first definition")
                                    .help("rename one of them; a name means one thing in all the files that see it"),
                            );
                        }
                        continue;
                    }
                    scope.insert(name, (symbol, span));
                }
            }
            self.scopes.insert(file.id, scope);
        }
    }

    pub(crate) fn lookup(&self, file: FileId, name: &str) -> Option<Symbol> {
        self.scopes
            .get(&file)
            .and_then(|s| s.get(name))
            .map(|(sym, _)| *sym)
    }

    /// Whether `name` is declared by an item that did not parse: its syntax error is reported,
    /// and each use of it would only repeat that error.
    pub(crate) fn unparsed(&self, name: &str) -> bool {
        self.loaded
            .files
            .iter()
            .any(|f| f.unparsed.iter().any(|n| n == name))
    }

    /// Whether a designation of this name is written in some file, even one that did not
    /// parse or check.
    pub(crate) fn designation_declared(&self, name: &str) -> bool {
        let quoted = format!("\"{name}\"");
        self.loaded.files.iter().any(|f| {
            f.unparsed.contains(&quoted)
                || f.items
                    .iter()
                    .any(|i| matches!(i, Item::Designation(d) if d.name == name))
        })
    }

    /// Every name a file can see, for "did you mean".
    pub(crate) fn visible_names(&self, file: FileId) -> Vec<&str> {
        self.scopes
            .get(&file)
            .map(|s| s.keys().copied().collect())
            .unwrap_or_default()
    }

    /// A file's rules read the input declared in the files it imports; two inputs are an error.
    fn assign_kinds(&mut self) {
        let loaded = self.loaded;
        let mut input_files: Vec<(FileId, &ast::ShapeDecl)> = Vec::new();
        for file in &loaded.files {
            for item in &file.items {
                if let Item::Shape(s) = item {
                    if s.is_input {
                        input_files.push((file.id, s));
                    }
                }
            }
        }
        for file in &loaded.files {
            let closure = loaded.closure(file.id);
            let inputs: Vec<&(FileId, &ast::ShapeDecl)> = input_files
                .iter()
                .filter(|(f, _)| closure.contains(f))
                .collect();
            if inputs.len() > 1 {
                let span = inputs[1].1.name.span;
                self.error(
                    Diag::error(Code::TwoInputs, span, format!("{} sees two inputs: `{}` and `{}`", loaded.sources.get(file.id).name, inputs[0].1.name.name, inputs[1].1.name.name))
                        .label("second input")
                        .also(inputs[0].1.name.span, "first input")
                        .help("a rule file reads one kind of data; keep the rules for each input in files that import only that input"),
                );
            }
        }
    }
}

/// Declarations gathered by name, in the order the names first appear. The map to each name's
/// place keeps a file of thousands of definitions linear to check.
struct ByName<'a, T> {
    groups: Vec<(&'a str, Vec<T>)>,
    at: FxHashMap<&'a str, usize>,
}

impl<T> Default for ByName<'_, T> {
    fn default() -> Self {
        ByName {
            groups: Vec::new(),
            at: FxHashMap::default(),
        }
    }
}

impl<'a, T> ByName<'a, T> {
    fn push(&mut self, name: &'a str, item: T) {
        match self.at.get(name) {
            Some(&i) => self.groups[i].1.push(item),
            None => {
                self.at.insert(name, self.groups.len());
                self.groups.push((name, vec![item]));
            }
        }
    }
}

/// The path of `target` as an import in the file at `from` writes it: relative to its folder.
fn relative_import(from: &std::path::Path, target: &std::path::Path) -> String {
    let from: Vec<_> = from
        .parent()
        .map(|p| p.components().collect())
        .unwrap_or_default();
    let to: Vec<_> = target.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}
