//! Lints that need the whole program: definitions nobody reads, and numbers that do not add up.

use rustc_hash::{FxHashMap, FxHashSet};
use std::path::Path;

use crate::diagnostic::{Code, Diag, Diags};
use crate::ir::types::{GlobalId, RecordId};
use crate::ir::{FnId, GlobalDef, Program};
use crate::load::Loaded;
use crate::source::{FileId, Span};

/// A definition that can read others.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    Global(GlobalId),
    Function(FnId),
    Template(usize),
    /// Designations, outputs and tests: what the rules are for.
    Root,
}

/// Which definitions each definition reads, and where each value is read.
#[derive(Debug, Default)]
pub struct Uses {
    edges: FxHashMap<Node, FxHashSet<Node>>,
    /// Where each value's name is written in an expression, for findings about one reading.
    reads: FxHashMap<GlobalId, Vec<Span>>,
    /// Where a field of a record inside the input, which the data has only on some days
    /// (`from`, `until`), is read: the record and the field.
    dated_fields: Vec<(Span, RecordId, u32)>,
}

impl Uses {
    pub fn add(&mut self, from: Node, to: Node) {
        self.edges.entry(from).or_default().insert(to);
    }

    /// `id`'s name is written at `span`.
    pub fn read_at(&mut self, id: GlobalId, span: Span) {
        self.reads.entry(id).or_default().push(span);
    }

    /// A field the data has only on some days is read at `span`.
    pub fn dated_field_at(&mut self, span: Span, record: RecordId, field: u32) {
        self.dated_fields.push((span, record, field));
    }

    /// Whether any such field is read.
    pub fn reads_dated_fields(&self) -> bool {
        !self.dated_fields.is_empty()
    }

    /// The reads of such fields inside `within`.
    pub fn dated_fields_in(&self, within: Span) -> impl Iterator<Item = (Span, RecordId, u32)> {
        self.dated_fields
            .iter()
            .filter(move |(s, _, _)| contains(within, *s))
            .copied()
    }

    /// The first place inside `within` where `id` is read.
    pub fn read_in(&self, id: GlobalId, within: Span) -> Option<Span> {
        self.reads
            .get(&id)?
            .iter()
            .filter(|s| contains(within, **s))
            .min_by_key(|s| s.start)
            .copied()
    }

    /// Everything reachable from the roots.
    pub fn reachable(&self) -> FxHashSet<Node> {
        let mut seen: FxHashSet<Node> = [Node::Root].into_iter().collect();
        let mut work = vec![Node::Root];
        while let Some(node) = work.pop() {
            for next in self.edges.get(&node).into_iter().flatten() {
                if seen.insert(*next) {
                    work.push(*next);
                }
            }
        }
        seen
    }
}

fn contains(outer: Span, inner: Span) -> bool {
    inner.file == outer.file && inner.start >= outer.start && inner.end <= outer.end
}

/// Files whose every user is loaded: files nothing imports, and shared files whose folder is
/// loaded whole. A definition in a shared file may serve a file that is not loaded, so it is
/// only called unused when all its possible users are here.
fn complete_files(loaded: &Loaded) -> FxHashSet<FileId> {
    let imported: FxHashSet<FileId> = loaded.imports.values().flatten().copied().collect();
    let paths: FxHashSet<&Path> = loaded
        .sources
        .files()
        .map(|(_, f)| f.path.as_path())
        .collect();
    // Whether every rule file of a folder is loaded; each folder is listed once, and a folder
    // the load searched is known to be loaded whole.
    let mut folders: FxHashMap<&Path, bool> = loaded
        .listed
        .iter()
        .map(|dir| (dir.as_path(), true))
        .collect();
    let mut all_loaded = |dir| -> bool {
        *folders.entry(dir).or_insert_with(|| {
            std::fs::read_dir(dir).is_ok_and(|entries| {
                entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|e| e == "tally"))
                    .all(|p| {
                        // Loaded paths are canonical; only a linked file needs resolving.
                        paths.contains(p.as_path())
                            || p.canonicalize().is_ok_and(|c| paths.contains(c.as_path()))
                    })
            })
        })
    };
    loaded
        .sources
        .files()
        .filter(|(id, file)| {
            !imported.contains(id) || file.path.parent().is_some_and(&mut all_loaded)
        })
        .map(|(id, _)| id)
        .collect()
}

pub struct Lints(pub Diags);

impl Lints {
    pub fn run(loaded: &Loaded, program: &Program, uses: &Uses) -> Lints {
        let mut diags = Diags::default();
        unused(loaded, program, uses, &mut diags);
        Lints(diags)
    }
}

/// A let, function or table that no designation, output or test reads, directly or not.
/// Files that define nothing that is read (a library loaded alone) are not warned about.
fn unused(loaded: &Loaded, program: &Program, uses: &Uses, diags: &mut Diags) {
    let reachable = uses.reachable();
    let has_roots = !program
        .kinds
        .iter()
        .all(|k| k.designations.is_empty() && k.output.is_empty())
        || !program.tests.is_empty();
    if !has_roots {
        return;
    }
    let complete = complete_files(loaded);
    for (i, global) in program.globals.iter().enumerate() {
        let node = Node::Global(GlobalId(i as u32));
        if matches!(global.def, GlobalDef::Input { .. })
            || reachable.contains(&node)
            || !complete.contains(&global.span.file)
        {
            continue;
        }
        diags.push(
            Diag::warning(
                Code::Unused,
                global.span,
                format!("`{}` is never used", global.name),
            )
            .label("defined here")
            .help("no designation, output or test reads it; remove it, or use it"),
        );
    }
    for (i, function) in program.functions.iter().enumerate() {
        if !reachable.contains(&Node::Function(FnId(i as u32)))
            && complete.contains(&function.span.file)
        {
            diags.push(
                Diag::warning(
                    Code::Unused,
                    function.span,
                    format!("function `{}` is never called", function.name),
                )
                .label("defined here")
                .help("remove it, or call it"),
            );
        }
    }
}
