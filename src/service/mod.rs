//! The language service: what an editor asks about a folder of rule files while someone types.
//!
//! A [`Workspace`] is the rule files of one folder (and those they import), with the text of
//! the files open in an editor laid over what is on disk: unsaved text wins. It answers
//! diagnostics per file, hover, definition, references, rename, completion, document symbols,
//! formatting and code actions. Every answer is worked out again from the texts after an edit
//! (loading and checking the shipped rules takes about a millisecond), so there is no cache to
//! go stale; `tally lsp` and the studio speak to the same service.

mod actions;
mod complete;
mod index;
mod lines;
mod load;
mod navigate;
mod symbols;
mod uses;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde::Serialize;

pub use actions::{CodeAction, Edit};
pub use complete::{Completion, CompletionKind};
pub use lines::{LineIndex, Position, Range};
pub use navigate::{Hover, Location};
pub use symbols::{Symbol, SymbolKind};

use crate::diagnostic::Diag;
use crate::ir::types::Type;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in a rule file, placed for an editor.
#[derive(Clone, Debug, Serialize)]
pub struct Diagnostic {
    /// A stable name for the kind of problem, such as `unknown-name`.
    pub code: String,
    pub severity: Severity,
    pub message: String,
    /// What the mark under the place says ("not defined").
    pub label: String,
    pub range: Range,
    pub help: Option<String>,
    /// Other places that explain this one (the first definition of a duplicate, say).
    pub related: Vec<Related>,
}

/// A place that explains a diagnostic, possibly in another file.
#[derive(Clone, Debug, Serialize)]
pub struct Related {
    pub path: PathBuf,
    pub range: Range,
    pub message: String,
}

/// The diagnostics of one file; a file without problems has an empty list, so that an editor
/// clears what it showed before.
#[derive(Clone, Debug, Serialize)]
pub struct FileDiagnostics {
    pub path: PathBuf,
    pub diagnostics: Vec<Diagnostic>,
}

/// The rule files of one folder, with the unsaved text of open files.
#[derive(Debug)]
pub struct Workspace {
    root: PathBuf,
    /// Files as read from disk: those under the root, and those they import from elsewhere.
    disk: BTreeMap<PathBuf, Arc<str>>,
    /// Files open in an editor: their text replaces the disk's.
    open: BTreeMap<PathBuf, Arc<str>>,
    /// The analysis of the current texts, made when first asked for after an edit.
    analysis: Option<Arc<Analysis>>,
    /// Types from the last load that checked, by file and name: a hover while the rules are
    /// broken still shows them.
    last_types: Arc<FxHashMap<(PathBuf, String), Type>>,
}

impl Workspace {
    /// The rule files under `root`: a folder (and its subfolders, four deep at most) or one file.
    pub fn new(root: impl AsRef<Path>) -> Workspace {
        let root = absolute(root.as_ref());
        let mut workspace = Workspace {
            root,
            disk: BTreeMap::new(),
            open: BTreeMap::new(),
            analysis: None,
            last_types: Arc::default(),
        };
        workspace.refresh();
        workspace
    }

    /// The folder (or file) this workspace holds.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Reads the files on disk again (after a file was created, deleted or changed outside the
    /// editor).
    pub fn refresh(&mut self) {
        self.disk.clear();
        for path in load::files_under(&self.root) {
            if let Ok(text) = crate::source::read_text(&path) {
                self.disk.insert(path, Arc::from(text));
            }
        }
        self.analysis = None;
    }

    /// Whether `path` belongs to this workspace: under its folder (or its file), or imported
    /// by one of its files.
    pub fn contains(&mut self, path: impl AsRef<Path>) -> bool {
        let path = absolute(path.as_ref());
        path.starts_with(&self.root) || self.analysis().find(&path).is_some()
    }

    /// Lays the editor's text of a file over the disk's.
    pub fn set_text(&mut self, path: impl AsRef<Path>, text: impl Into<String>) {
        let text: String = text.into();
        let text = text
            .strip_prefix('\u{feff}')
            .map(str::to_string)
            .unwrap_or(text);
        self.open.insert(absolute(path.as_ref()), Arc::from(text));
        self.analysis = None;
    }

    /// The editor closed a file: its text on disk counts again.
    pub fn close(&mut self, path: impl AsRef<Path>) {
        let path = absolute(path.as_ref());
        self.open.remove(&path);
        match crate::source::read_text(&path) {
            Ok(text) if path.starts_with(&self.root) || self.disk.contains_key(&path) => {
                self.disk.insert(path, Arc::from(text));
            }
            _ => {
                self.disk.remove(&path);
            }
        }
        self.analysis = None;
    }

    /// The text of a file as the workspace sees it (the editor's, or the disk's).
    pub fn text(&self, path: impl AsRef<Path>) -> Option<Arc<str>> {
        let path = absolute(path.as_ref());
        self.open
            .get(&path)
            .or_else(|| self.disk.get(&path))
            .cloned()
            .or_else(|| load::read_other(&path))
    }

    /// The folder imports stay in: the workspace's, or the folder of its file.
    fn folder(&self) -> PathBuf {
        if self.root.is_dir() {
            self.root.clone()
        } else {
            self.root
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default()
        }
    }

    /// The text of a file an import leads to, inside `roots` already by its path: the
    /// editor's or the disk's, never a link out of the roots nor a file that is not regular.
    fn import_text(
        &self,
        path: &Path,
        roots: &[PathBuf],
    ) -> Result<Option<Arc<str>>, crate::load::Outside> {
        if let Some(text) = self.open.get(path).or_else(|| self.disk.get(path)) {
            return Ok(Some(text.clone()));
        }
        Ok(crate::load::on_disk(path, roots)?
            .then(|| load::read_other(path))
            .flatten())
    }

    /// The range between two positions of a file, with its byte offsets.
    pub fn range(&self, path: impl AsRef<Path>, start: Position, end: Position) -> Option<Range> {
        let text = self.text(path)?;
        let lines = LineIndex::new(&text);
        let (start, end) = (lines.offset(&text, start), lines.offset(&text, end));
        Some(lines.range(&text, start.min(end), end.max(start)))
    }

    /// The diagnostics of every file of the workspace, in path order; problems with no place
    /// in a file (a missing folder) are under the root's path.
    pub fn diagnostics(&mut self) -> Vec<FileDiagnostics> {
        self.analysis().diagnostics.clone()
    }

    /// The diagnostics of one file.
    pub fn file_diagnostics(&mut self, path: impl AsRef<Path>) -> Vec<Diagnostic> {
        let path = absolute(path.as_ref());
        self.analysis()
            .diagnostics
            .iter()
            .find(|d| d.path == path)
            .map(|d| d.diagnostics.clone())
            .unwrap_or_default()
    }

    /// The analysis of the current texts.
    fn analysis(&mut self) -> Arc<Analysis> {
        if let Some(analysis) = &self.analysis {
            return analysis.clone();
        }
        let analysis = Arc::new(Analysis::build(self));
        if let Some(types) = &analysis.types {
            self.last_types = types.clone();
        }
        self.analysis = Some(analysis.clone());
        analysis
    }

    /// The texts of the workspace's own files: every rule file under the root, and the open
    /// ones there.
    fn own_texts(&self) -> Vec<(PathBuf, Arc<str>)> {
        let mut texts: BTreeMap<&PathBuf, &Arc<str>> = self
            .disk
            .iter()
            .filter(|(p, _)| p.starts_with(&self.root))
            .collect();
        for (path, text) in &self.open {
            if path.starts_with(&self.root) && is_rule_file(path) {
                texts.insert(path, text);
            }
        }
        texts
            .into_iter()
            .map(|(p, t)| (p.clone(), t.clone()))
            .collect()
    }
}

/// What is known about the current texts: the files, their diagnostics, their syntax trees
/// and the names in them.
#[derive(Debug)]
pub(crate) struct Analysis {
    pub files: Vec<AnalyzedFile>,
    pub diagnostics: Vec<FileDiagnostics>,
    pub index: index::Index,
    /// The types of the definitions, by file and name, when the rules check.
    pub types: Option<Arc<FxHashMap<(PathBuf, String), Type>>>,
    /// Or, when they do not, those of the files that do, checked alone.
    pub partial_types: FxHashMap<(PathBuf, String), Type>,
    /// Or the last ones known.
    pub last_types: Arc<FxHashMap<(PathBuf, String), Type>>,
}

/// One file of an analysis.
#[derive(Debug)]
pub(crate) struct AnalyzedFile {
    pub path: PathBuf,
    pub text: Arc<str>,
    pub lines: LineIndex,
}

impl AnalyzedFile {
    pub fn range(&self, start: usize, end: usize) -> Range {
        self.lines.range(&self.text, start, end)
    }
}

impl Analysis {
    fn build(workspace: &Workspace) -> Analysis {
        let loaded = load::load(workspace);
        let files: Vec<AnalyzedFile> = loaded
            .loaded
            .sources
            .files()
            .map(|(_, f)| AnalyzedFile {
                path: f.path.clone(),
                lines: LineIndex::new(&f.text),
                text: f.text.clone(),
            })
            .collect();
        let index = index::Index::build(&loaded.loaded);
        let (diags, types) = match crate::check::check(loaded.loaded, loaded.diags) {
            Ok((program, warnings)) => (warnings, Some(Arc::new(types_of(&program)))),
            Err(failed) => (failed.diags, None),
        };
        let diagnostics = place(&workspace.root, &files, diags);
        // While some files are broken, the others still have types: the files whose closure
        // has no error are checked alone.
        let partial_types = types.is_none().then(|| {
            let broken: Vec<usize> = diagnostics
                .iter()
                .filter(|d| d.diagnostics.iter().any(|d| d.severity == Severity::Error))
                .filter_map(|d| files.iter().position(|f| f.path == d.path))
                .collect();
            let sound: Vec<&Path> = (0..files.len())
                .filter(|&f| index.closures[f].iter().all(|c| !broken.contains(c)))
                .map(|f| files[f].path.as_path())
                .collect();
            if sound.is_empty() {
                return FxHashMap::default();
            }
            let part = load::load_some(workspace, |p| sound.contains(&p));
            crate::check::check(part.loaded, part.diags)
                .map(|(program, _)| types_of(&program))
                .unwrap_or_default()
        });
        Analysis {
            files,
            diagnostics,
            index,
            last_types: types
                .clone()
                .unwrap_or_else(|| workspace.last_types.clone()),
            types,
            partial_types: partial_types.unwrap_or_default(),
        }
    }

    /// The index of a file by path.
    pub fn find(&self, path: &Path) -> Option<usize> {
        self.files.iter().position(|f| f.path == path)
    }

    /// The type of a definition, from this load or the last one that checked.
    pub fn type_of(&self, file: usize, name: &str) -> Option<&Type> {
        let key = (self.files[file].path.clone(), name.to_string());
        self.types
            .as_deref()
            .and_then(|t| t.get(&key))
            .or_else(|| self.partial_types.get(&key))
            .or_else(|| self.last_types.get(&key))
            .filter(|t| !t.is_error())
    }
}

/// The types of a program's named values and functions' results, by file and name.
fn types_of(program: &crate::ir::Program) -> FxHashMap<(PathBuf, String), Type> {
    let path = |span: crate::source::Span| program.sources.get(span.file).path.clone();
    let mut types = FxHashMap::default();
    for g in program.globals.iter().filter(|g| !g.hidden) {
        types.insert((path(g.span), g.name.clone()), g.ty.clone());
    }
    for f in &program.functions {
        types.insert((path(f.span), f.name.clone()), f.ret.clone());
    }
    types
}

/// The diagnostics placed in their files, one list per file.
fn place(root: &Path, files: &[AnalyzedFile], diags: Vec<Diag>) -> Vec<FileDiagnostics> {
    let mut out: Vec<FileDiagnostics> = files
        .iter()
        .map(|f| FileDiagnostics {
            path: f.path.clone(),
            diagnostics: Vec::new(),
        })
        .collect();
    let mut general = Vec::new();
    for diag in diags {
        let severity = if diag.is_error() {
            Severity::Error
        } else {
            Severity::Warning
        };
        let Some(span) = diag.span else {
            general.push(Diagnostic {
                code: diag.code.to_string(),
                severity,
                message: diag.message,
                label: diag.label,
                range: Range {
                    start: Position {
                        line: 0,
                        character: 0,
                    },
                    end: Position {
                        line: 0,
                        character: 0,
                    },
                    start_byte: 0,
                    end_byte: 0,
                },
                help: diag.help,
                related: Vec::new(),
            });
            continue;
        };
        let Some(file) = files.get(span.file.0 as usize) else {
            continue;
        };
        let related = diag
            .also
            .iter()
            .filter_map(|(s, label)| {
                let other = files.get(s.file.0 as usize)?;
                Some(Related {
                    path: other.path.clone(),
                    range: other.range(s.start as usize, s.end as usize),
                    message: label.clone(),
                })
            })
            .collect();
        out[span.file.0 as usize].diagnostics.push(Diagnostic {
            code: diag.code.to_string(),
            severity,
            message: diag.message,
            label: diag.label,
            range: file.range(span.start as usize, span.end as usize),
            help: diag.help,
            related,
        });
    }
    if !general.is_empty() {
        out.push(FileDiagnostics {
            path: root.to_path_buf(),
            diagnostics: general,
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn is_rule_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "tally")
}

/// An absolute path without `.` and `..`, resolved through links where the file exists: the
/// same file always has the same name in a workspace.
pub(crate) fn absolute(path: &Path) -> PathBuf {
    if let Ok(canonical) = path.canonicalize() {
        return canonical;
    }
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let normal = lexical(&joined);
    // A new file in an existing folder: the folder's canonical name.
    match (
        normal.parent().and_then(|p| p.canonicalize().ok()),
        normal.file_name(),
    ) {
        (Some(dir), Some(name)) => dir.join(name),
        _ => normal,
    }
}

/// `path` with `.` and `..` worked out from its text alone.
pub(crate) fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
