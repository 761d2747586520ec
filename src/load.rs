//! Loading: rule paths (files and folders) -> source text -> parsed files, following imports.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::{Code, Diag, Diags};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::ast;
use crate::syntax::parse;

/// The parsed rule files of one load and how they import each other.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: SourceMap,
    pub files: Vec<ast::File>,
    /// The files each file imports directly.
    pub imports: HashMap<FileId, Vec<FileId>>,
    /// The files named on the command line (or found in a named folder).
    pub roots: Vec<FileId>,
    /// The folders searched whole for rule files, canonical: all their rule files are here.
    pub listed: Vec<PathBuf>,
    /// The rules roots, canonical: the folders named and the folders of the files named. What
    /// the rules read from the disk (imports, test data) is inside them. None for rules given
    /// as text (`load_texts`, the language service): their callers choose what they read.
    pub folders: Vec<PathBuf>,
}

impl Loaded {
    pub fn file(&self, id: FileId) -> &ast::File {
        &self.files[id.0 as usize]
    }

    /// `id` and every file it imports, directly or not.
    pub fn closure(&self, id: FileId) -> Vec<FileId> {
        let mut seen = vec![id];
        // A set beside the list: in a diamond of imports each file sees most of the others,
        // and a look through the list for each would make loading cubic in the files.
        let mut known: rustc_hash::FxHashSet<FileId> = std::iter::once(id).collect();
        let mut i = 0;
        while i < seen.len() {
            for &next in self.imports.get(&seen[i]).map_or(&[][..], Vec::as_slice) {
                if known.insert(next) {
                    seen.push(next);
                }
            }
            i += 1;
        }
        seen
    }
}

/// The rule files (`*.tally`) under the given paths: files as given, folders searched
/// recursively, in name order.
pub fn rule_files(paths: &[PathBuf], diags: &mut Diags) -> Vec<PathBuf> {
    let mut walk = Walk::default();
    walk.paths(paths, diags);
    walk.files.into_iter().map(|f| f.path).collect()
}

/// A rule file found by [`rule_files`], and whether it is known not to be a link, which
/// lets its canonical path be worked out from its folder's.
struct Found {
    path: PathBuf,
    plain: bool,
}

/// The search for rule files under the paths named.
#[derive(Default)]
struct Walk {
    files: Vec<Found>,
    /// The folders listed, canonical: every rule file in them is among `files`.
    listed: Vec<PathBuf>,
    /// The rules roots, canonical: the folders named, and the folders of the files named.
    /// Imports and links resolve inside them only, so that rules cannot make tally read (and
    /// print lines of) any other file the user can read.
    roots: Vec<PathBuf>,
    canonical: Canonical,
}

impl Walk {
    fn paths(&mut self, paths: &[PathBuf], diags: &mut Diags) {
        for path in paths {
            let folder = if path.is_dir() {
                path.as_path()
            } else {
                path.parent().unwrap_or(Path::new(""))
            };
            if let Some(root) = self.canonical.folder(folder) {
                self.roots.push(root);
            }
        }
        for path in paths {
            if path.is_dir() {
                self.dir(path, diags);
            } else if path.is_file() {
                self.files.push(Found {
                    path: path.clone(),
                    plain: false,
                });
            } else if path.exists() {
                diags.push(special_file(path));
            } else {
                diags.push(
                    Diag::general(
                        Code::MissingRules,
                        format!("{}: no such file or folder", path.display()),
                    )
                    .help(
                        "name rule files (*.tally) or folders that hold them; the default is rules/",
                    ),
                );
            }
        }
    }

    fn dir(&mut self, dir: &Path, diags: &mut Diags) {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                diags.push(Diag::general(
                    Code::UnreadableRules,
                    format!("{}: {e}", dir.display()),
                ));
                return;
            }
        };
        // The listing says what each entry is; only a link needs a look at what it points to.
        let mut found: Vec<(PathBuf, Option<std::fs::FileType>)> = entries
            .filter_map(|e| e.ok().map(|e| (e.path(), e.file_type().ok())))
            .collect();
        found.sort_by(|a, b| a.0.cmp(&b.0));
        let resolved = self.canonical.folder(dir);
        // A link back to a folder already listed (`self -> .`) would list it forever.
        if resolved.as_ref().is_some_and(|r| self.listed.contains(r)) {
            return;
        }
        self.listed.extend(resolved.clone());
        for (path, kind) in found {
            let plain = kind.is_some_and(|k| !k.is_symlink());
            let rule_file = path.extension().is_some_and(|e| e == "tally");
            if !plain {
                // A link is followed only to a place inside the root; one that leads out, or
                // nowhere, is named (when it looks like rules) and not followed.
                match path.canonicalize() {
                    Ok(target) if inside(&target, &self.roots) => {}
                    Ok(target) => {
                        if rule_file || target.is_dir() {
                            diags.push(link_outside(&path));
                        }
                        continue;
                    }
                    Err(_) => {
                        if rule_file {
                            diags.push(
                                Diag::general(
                                    crate::diagnostic::Code::UnreadableRules,
                                    format!("{}: a link that leads nowhere", path.display()),
                                )
                                .help("remove the link, or make it point to a rule file"),
                            );
                        }
                        continue;
                    }
                }
            }
            let is_dir = match kind {
                Some(k) if plain => k.is_dir(),
                _ => path.is_dir(),
            };
            if is_dir {
                if let (true, Some(resolved), Some(name)) = (plain, &resolved, path.file_name()) {
                    self.canonical.known(&path, resolved.join(name));
                }
                self.dir(&path, diags);
            } else if rule_file {
                let regular = match kind {
                    Some(k) if plain => k.is_file(),
                    _ => path.is_file(),
                };
                if regular {
                    self.files.push(Found { path, plain });
                } else {
                    diags.push(special_file(&path));
                }
            }
        }
    }
}

/// Canonical paths of rule files, which is how a file imported twice is known to be one.
/// `canonicalize` costs a system call per part of the path, so each folder is resolved once,
/// a folder found inside a resolved one that is not a link follows from it, and so does a
/// file that is not a link.
#[derive(Default)]
struct Canonical {
    folders: HashMap<PathBuf, Option<PathBuf>>,
}

impl Canonical {
    fn folder(&mut self, dir: &Path) -> Option<PathBuf> {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Some(resolved) = self.folders.get(dir) {
            return resolved.clone();
        }
        let resolved = dir.canonicalize().ok();
        match &resolved {
            Some(path) => self.known(dir, path.clone()),
            None => {
                self.folders.insert(dir.to_path_buf(), None);
            }
        }
        resolved
    }

    /// Records that folder `dir` resolves to `resolved` (which resolves to itself).
    fn known(&mut self, dir: &Path, resolved: PathBuf) {
        self.folders
            .insert(resolved.clone(), Some(resolved.clone()));
        self.folders.insert(dir.to_path_buf(), Some(resolved));
    }

    /// The canonical form of `path`; `plain` says it is a file, not a link.
    fn of(&mut self, path: &Path, plain: bool) -> PathBuf {
        let resolved = match (plain, path.parent(), path.file_name()) {
            (true, Some(dir), Some(name)) => self.folder(dir).map(|dir| dir.join(name)),
            _ => path.canonicalize().ok(),
        };
        resolved.unwrap_or_else(|| path.to_path_buf())
    }
}

/// Reads and parses the rule files under `paths` and everything they import.
pub fn load(paths: &[PathBuf], diags: &mut Diags) -> Loaded {
    load_with(paths, &HashMap::new(), diags)
}

/// As [`load`], with the text of some files (by canonical path) given instead of read from
/// disk: an editor's unsaved changes.
pub fn load_with(
    paths: &[PathBuf],
    overlay: &HashMap<PathBuf, String>,
    diags: &mut Diags,
) -> Loaded {
    let mut loaded = Loaded::default();
    let mut walk = Walk::default();
    walk.paths(paths, diags);
    let Walk {
        files,
        listed,
        mut canonical,
        roots,
    } = walk;
    loaded.listed = listed;
    loaded.folders = roots.clone();
    if files.is_empty() && !diags.has_errors() {
        diags.push(
            Diag::general(Code::NoRules, "no rule files (*.tally) found")
                .help("name rule files or folders that hold them; the default is rules/"),
        );
    }
    // The files named come first, then each wave of the files they import: every file of a
    // wave is read and parsed together.
    let mut wave: Vec<Wanted> = files
        .into_iter()
        .map(|Found { path, plain }| Wanted {
            path,
            plain,
            by: None,
        })
        .collect();
    while !wave.is_empty() {
        wave = load_wave(&mut loaded, wave, &mut canonical, overlay, &roots, diags);
    }
    report_cycles(&loaded, diags);
    loaded
}

/// A file to load, and the import that asks for it (none for the files named).
struct Wanted {
    path: PathBuf,
    /// Known to be a file and not a link.
    plain: bool,
    by: Option<(FileId, Span)>,
}

/// Reads and parses the files of one wave, links the imports that ask for them, and returns
/// the files they import in turn that are not loaded yet.
fn load_wave(
    loaded: &mut Loaded,
    wave: Vec<Wanted>,
    canonical: &mut Canonical,
    overlay: &HashMap<PathBuf, String>,
    roots: &[PathBuf],
    diags: &mut Diags,
) -> Vec<Wanted> {
    let mut new = Vec::new();
    for wanted in wave {
        let canonical = canonical.of(&wanted.path, wanted.plain);
        let id = match loaded.sources.find(&canonical) {
            Some(id) => Some(id),
            None => match overlay
                .get(&canonical)
                .map_or_else(|| crate::source::read_text(&wanted.path), |t| Ok(t.clone()))
            {
                Ok(text) => {
                    let id = loaded.sources.add(&canonical, text);
                    new.push(id);
                    Some(id)
                }
                Err(e) => {
                    diags.push(match wanted.by {
                        Some((_, span)) => missing_import(span, &wanted.path.display().to_string()),
                        None => Diag::general(
                            Code::UnreadableRules,
                            format!("{}: {e}", wanted.path.display()),
                        ),
                    });
                    None
                }
            },
        };
        match (id, wanted.by) {
            (Some(id), None) if !loaded.roots.contains(&id) => loaded.roots.push(id),
            (Some(id), Some((from, span))) => link(loaded, from, id, span, diags),
            _ => {}
        }
    }

    let texts: Vec<(FileId, Arc<str>)> = new
        .iter()
        .map(|&id| (id, loaded.sources.get(id).text.clone()))
        .collect();
    let inputs: Vec<(FileId, &str)> = texts.iter().map(|(id, text)| (*id, &**text)).collect();
    for (file, found) in parse::parse_files(&inputs) {
        loaded.files.push(file);
        diags.extend(found.0);
    }

    let mut next = Vec::new();
    for id in new {
        let dir = loaded
            .sources
            .get(id)
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        for (import, span) in import_paths(loaded, id) {
            let target = match confine(&dir, &import, roots) {
                Ok(target) => target,
                Err(why) => {
                    diags.push(outside_root(span, &import, why));
                    continue;
                }
            };
            // `dir` is canonical, so a file loaded already is found by name without a look at
            // the disk; otherwise, for a file of the same folder, one look tells both that it
            // is there and if it is a link. A path through folders may pass a link: resolved.
            let same_folder = target.parent() == Some(dir.as_path());
            let plain = loaded.sources.find(&target).is_some()
                || (same_folder
                    && std::fs::symlink_metadata(&target).is_ok_and(|m| m.file_type().is_file()));
            if plain {
                next.push(Wanted {
                    path: target,
                    plain,
                    by: Some((id, span)),
                });
                continue;
            }
            match on_disk(&target, roots) {
                Ok(true) => next.push(Wanted {
                    path: target,
                    plain,
                    by: Some((id, span)),
                }),
                Ok(false) => diags.push(missing_import(span, &import)),
                Err(why) => diags.push(outside_root(span, &import, why)),
            }
        }
    }
    next
}

/// Records that `from` imports `to`, unless it is itself.
pub(crate) fn link(loaded: &mut Loaded, from: FileId, to: FileId, span: Span, diags: &mut Diags) {
    if from == to {
        diags.push(
            Diag::error(Code::CircularImport, span, "a file imports itself")
                .label("this file")
                .help("remove this import"),
        );
    } else {
        loaded.imports.entry(from).or_default().push(to);
    }
}

/// Loads rule files given as text (for tests and programs that embed tally).
pub fn load_texts(texts: &[(&str, &str)], diags: &mut Diags) -> Loaded {
    let mut loaded = Loaded::default();
    let ids: Vec<FileId> = texts
        .iter()
        .map(|(name, text)| loaded.sources.add(Path::new(name), text.to_string()))
        .collect();
    let inputs: Vec<(FileId, &str)> = ids
        .iter()
        .zip(texts)
        .map(|(&id, (_, t))| (id, *t))
        .collect();
    for (file, found) in parse::parse_files(&inputs) {
        loaded.files.push(file);
        diags.extend(found.0);
    }
    loaded.roots.extend(&ids);
    let ids: Vec<FileId> = loaded.roots.clone();
    for id in ids {
        let imports = import_paths(&loaded, id);
        for (path, span) in imports {
            let target = loaded
                .sources
                .files()
                .find(|(_, f)| f.path == Path::new(&path))
                .map(|(i, _)| i);
            match target {
                Some(target) => loaded.imports.entry(id).or_default().push(target),
                None => diags.push(missing_import(span, &path)),
            }
        }
    }
    report_cycles(&loaded, diags);
    loaded
}

pub(crate) fn import_paths(loaded: &Loaded, id: FileId) -> Vec<(String, Span)> {
    loaded
        .file(id)
        .items
        .iter()
        .filter_map(|item| match item {
            ast::Item::Import(i) => Some((i.path.clone(), i.path_span)),
            _ => None,
        })
        .collect()
}

/// Why an import is refused without being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outside {
    /// An absolute path (`/etc/passwd`).
    Absolute,
    /// A path whose `..` climb above the rules root.
    Above,
    /// A link to a place outside the rules root.
    Link,
    /// A folder, a FIFO, a device: not a rule file.
    NotAFile,
}

/// Whether `path` is inside one of the rules roots.
fn inside(path: &Path, roots: &[PathBuf]) -> bool {
    roots.iter().any(|root| path.starts_with(root))
}

/// The path of `import`, written in a file of folder `dir`, when it leads inside one of the
/// rules `roots`: relative, and worked out from the text before any look at the disk, so
/// that nothing outside is even opened.
pub fn confine(dir: &Path, import: &str, roots: &[PathBuf]) -> Result<PathBuf, Outside> {
    use std::path::Component;
    let relative = Path::new(import);
    if relative.has_root() || relative.is_absolute() || import.contains('\\') {
        return Err(Outside::Absolute);
    }
    let mut path = dir.to_path_buf();
    for part in relative.components() {
        match part {
            Component::Normal(name) => path.push(name),
            Component::CurDir => {}
            Component::ParentDir => {
                if !path.pop() {
                    return Err(Outside::Above);
                }
            }
            Component::RootDir | Component::Prefix(_) => return Err(Outside::Absolute),
        }
    }
    if inside(&path, roots) {
        Ok(path)
    } else {
        Err(Outside::Above)
    }
}

/// Whether the file at `target`, an import's path that [`confine`] let through, may be read:
/// `Ok(false)` when there is none, an error when it is a link out of the `roots` or not a
/// regular file (a folder, a FIFO that would hang the read, a device).
pub(crate) fn on_disk(target: &Path, roots: &[PathBuf]) -> Result<bool, Outside> {
    match target.canonicalize() {
        Ok(resolved) if !inside(&resolved, roots) => Err(Outside::Link),
        Ok(resolved) if !resolved.is_file() => Err(Outside::NotAFile),
        Ok(_) => Ok(true),
        Err(_) => Ok(false),
    }
}

/// An import refused: the message names the import, never what the file holds.
pub(crate) fn outside_root(span: Span, import: &str, why: Outside) -> Diag {
    let (message, help) = match why {
        Outside::Absolute => (
            "an import is a path relative to the importing file, not an absolute path",
            "write the path from this file's folder, such as \"common.tally\"",
        ),
        Outside::Above => (
            "this path leads out of the rules folder",
            "imports stay inside the folders named on the command line (and the folders of the files named); move the file there",
        ),
        Outside::Link => (
            "this file is a link to a place outside the rules folder",
            "imports stay inside the folders named on the command line; copy the file there instead of linking",
        ),
        Outside::NotAFile => (
            "this is not a regular file",
            "an import names a rule file (*.tally), not a folder, a FIFO or a device",
        ),
    };
    Diag::error(
        crate::diagnostic::Code::ImportOutsideRules,
        span,
        format!("cannot import \"{import}\": {message}"),
    )
    .label("refused")
    .help(help)
}

/// A link met in a folder of rules that leads out of it.
fn link_outside(path: &Path) -> Diag {
    Diag::general(
        crate::diagnostic::Code::LinkOutsideRules,
        format!(
            "{}: a link to a place outside the folders named; not followed",
            path.display(),
        ),
    )
    .help("keep rule files inside the folders named; copy the file there instead of linking")
}

/// A FIFO, socket or device where a rule file is expected.
fn special_file(path: &Path) -> Diag {
    Diag::general(
        crate::diagnostic::Code::NotARuleFile,
        format!(
            "{}: not a regular file (a FIFO, socket or device); not read",
            path.display()
        ),
    )
    .help("rule files are regular files; remove this one or rename it")
}

pub(crate) fn missing_import(span: Span, path: &str) -> Diag {
    Diag::error(
        Code::MissingImport,
        span,
        format!("cannot import \"{path}\": no such file"),
    )
    .label("not found")
    .help("imports are paths relative to the importing file, for example \"common.tally\"")
}

/// Imports must not go round in a circle: each file's definitions come before its users'.
/// One depth-first walk over the imports finds every circle, each import looked at once, so
/// that imports in diamonds (a file imported along many paths) cost no more than a chain.
pub(crate) fn report_cycles(loaded: &Loaded, diags: &mut Diags) {
    let count = loaded.sources.files().count();
    // 0: not seen, 1: on the walk's path, 2: done.
    let mut state = vec![0u8; count];
    let mut reported: Vec<Vec<FileId>> = Vec::new();
    let no_imports: &[FileId] = &[];
    for (start, _) in loaded.sources.files() {
        if state[start.0 as usize] != 0 {
            continue;
        }
        // The path from `start`, each file with the index of its next import to follow.
        let mut path: Vec<(FileId, usize)> = vec![(start, 0)];
        state[start.0 as usize] = 1;
        while let Some((file, next)) = path.last_mut() {
            let file = *file;
            let imports = loaded.imports.get(&file).map_or(no_imports, Vec::as_slice);
            let Some(&to) = imports.get(*next) else {
                state[file.0 as usize] = 2;
                path.pop();
                continue;
            };
            *next += 1;
            match state[to.0 as usize] {
                0 => {
                    state[to.0 as usize] = 1;
                    path.push((to, 0));
                }
                1 if to != file => {
                    let at = path.iter().position(|(f, _)| *f == to).unwrap_or(0);
                    let cycle: Vec<FileId> = path[at..].iter().map(|(f, _)| *f).collect();
                    let mut key = cycle.clone();
                    key.sort();
                    if !reported.contains(&key) {
                        reported.push(key);
                        diags.push(circle(loaded, &cycle));
                    }
                }
                _ => {}
            }
        }
    }
}

fn circle(loaded: &Loaded, cycle: &[FileId]) -> Diag {
    let names: Vec<String> = cycle
        .iter()
        .chain(std::iter::once(&cycle[0]))
        .map(|f| loaded.sources.get(*f).name.clone())
        .collect();
    let span = import_span(loaded, cycle[0], cycle[1 % cycle.len()]);
    let diag = match span {
        Some(span) => Diag::error(
            crate::diagnostic::Code::CircularImport,
            span,
            format!("circular import: {}", names.join(" -> ")),
        )
        .label("this import closes the circle"),
        None => Diag::general(
            crate::diagnostic::Code::CircularImport,
            format!("circular import: {}", names.join(" -> ")),
        ),
    };
    diag.help("move what both files need into a third file that both import")
}

fn import_span(loaded: &Loaded, from: FileId, to: FileId) -> Option<Span> {
    let target = &loaded.sources.get(to).path;
    let dir = loaded.sources.get(from).path.parent()?.to_path_buf();
    loaded.file(from).items.iter().find_map(|item| match item {
        ast::Item::Import(i) => {
            let p = dir.join(&i.path);
            (p.canonicalize().unwrap_or(p) == *target).then_some(i.path_span)
        }
        _ => None,
    })
}
