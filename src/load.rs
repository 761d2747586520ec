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
}

impl Loaded {
    pub fn file(&self, id: FileId) -> &ast::File {
        &self.files[id.0 as usize]
    }

    /// `id` and every file it imports, directly or not.
    pub fn closure(&self, id: FileId) -> Vec<FileId> {
        let mut seen = vec![id];
        let mut i = 0;
        while i < seen.len() {
            for &next in self.imports.get(&seen[i]).map_or(&[][..], Vec::as_slice) {
                if !seen.contains(&next) {
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
    canonical: Canonical,
}

impl Walk {
    fn paths(&mut self, paths: &[PathBuf], diags: &mut Diags) {
        for path in paths {
            if path.is_dir() {
                self.dir(path, diags);
            } else if path.is_file() {
                self.files.push(Found {
                    path: path.clone(),
                    plain: false,
                });
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
            let is_dir = match kind {
                Some(k) if plain => k.is_dir(),
                _ => path.is_dir(),
            };
            if is_dir {
                if let (true, Some(resolved), Some(name)) = (plain, &resolved, path.file_name()) {
                    self.canonical.known(&path, resolved.join(name));
                }
                self.dir(&path, diags);
            } else if path.extension().is_some_and(|e| e == "tally") {
                self.files.push(Found { path, plain });
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
    } = walk;
    loaded.listed = listed;
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
        wave = load_wave(&mut loaded, wave, &mut canonical, overlay, diags);
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
            let target = dir.join(&import);
            // `dir` is canonical, so a file loaded already is found by name without a look at
            // the disk; otherwise one look tells both that it is there and if it is a link.
            let plain = loaded.sources.find(&target).is_some()
                || std::fs::symlink_metadata(&target).is_ok_and(|m| m.file_type().is_file());
            if plain || target.is_file() {
                next.push(Wanted {
                    path: target,
                    plain,
                    by: Some((id, span)),
                });
            } else {
                diags.push(missing_import(span, &import));
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
pub(crate) fn report_cycles(loaded: &Loaded, diags: &mut Diags) {
    let mut reported: Vec<Vec<FileId>> = Vec::new();
    for (start, _) in loaded.sources.files() {
        let mut path = vec![start];
        if let Some(cycle) = find_cycle(loaded, start, &mut path) {
            let mut key = cycle.clone();
            key.sort();
            if reported.contains(&key) {
                continue;
            }
            reported.push(key);
            let names: Vec<String> = cycle
                .iter()
                .chain(std::iter::once(&cycle[0]))
                .map(|f| loaded.sources.get(*f).name.clone())
                .collect();
            let span = import_span(loaded, cycle[0], cycle[1 % cycle.len()]);
            let diag = match span {
                Some(span) => Diag::error(
                    Code::CircularImport,
                    span,
                    format!("circular import: {}", names.join(" -> ")),
                )
                .label("this import closes the circle"),
                None => Diag::general(
                    Code::CircularImport,
                    format!("circular import: {}", names.join(" -> ")),
                ),
            };
            diags.push(diag.help("move what both files need into a third file that both import"));
        }
    }
}

fn find_cycle(loaded: &Loaded, start: FileId, path: &mut Vec<FileId>) -> Option<Vec<FileId>> {
    let current = *path.last()?;
    for &next in loaded.imports.get(&current).map_or(&[][..], Vec::as_slice) {
        if next == start && path.len() > 1 {
            return Some(path.clone());
        }
        if !path.contains(&next) {
            path.push(next);
            if let Some(cycle) = find_cycle(loaded, start, path) {
                return Some(cycle);
            }
            path.pop();
        }
    }
    None
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
