//! Loading: rule paths (files and folders) -> source text -> parsed files, following imports.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::ast;
use crate::diagnostic::{Diag, Diags};
use crate::parse;
use crate::source::{FileId, SourceMap, Span};

/// The parsed rule files of one load and how they import each other.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: SourceMap,
    pub files: Vec<ast::File>,
    /// The files each file imports directly.
    pub imports: HashMap<FileId, Vec<FileId>>,
    /// The files named on the command line (or found in a named folder).
    pub roots: Vec<FileId>,
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
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            collect_dir(path, &mut out, diags);
        } else if path.is_file() {
            out.push(path.clone());
        } else {
            diags.push(
                Diag::general(
                    "missing-rules",
                    format!("{}: no such file or folder", path.display()),
                )
                .help("name rule files (*.tally) or folders that hold them; the default is rules/"),
            );
        }
    }
    out
}

fn collect_dir(dir: &Path, out: &mut Vec<PathBuf>, diags: &mut Diags) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            diags.push(Diag::general(
                "unreadable-rules",
                format!("{}: {e}", dir.display()),
            ));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect_dir(&path, out, diags);
        } else if path.extension().is_some_and(|e| e == "tally") {
            out.push(path);
        }
    }
}

/// Reads and parses the rule files under `paths` and everything they import.
pub fn load(paths: &[PathBuf], diags: &mut Diags) -> Loaded {
    let mut loaded = Loaded::default();
    let files = rule_files(paths, diags);
    if files.is_empty() && !diags.has_errors() {
        diags.push(
            Diag::general("no-rules", "no rule files (*.tally) found")
                .help("name rule files or folders that hold them; the default is rules/"),
        );
    }
    for path in files {
        if let Some(id) = load_file(&mut loaded, &path, None, diags) {
            if !loaded.roots.contains(&id) {
                loaded.roots.push(id);
            }
        }
    }
    report_cycles(&loaded, diags);
    loaded
}

/// Loads rule files given as text (for tests and programs that embed tally).
pub fn load_texts(texts: &[(&str, &str)], diags: &mut Diags) -> Loaded {
    let mut loaded = Loaded::default();
    for (name, text) in texts {
        let id = loaded.sources.add(Path::new(name), text.to_string());
        let file = parse::parse_file(id, text, diags);
        loaded.files.push(file);
        loaded.roots.push(id);
    }
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

fn import_paths(loaded: &Loaded, id: FileId) -> Vec<(String, Span)> {
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

fn load_file(
    loaded: &mut Loaded,
    path: &Path,
    from: Option<Span>,
    diags: &mut Diags,
) -> Option<FileId> {
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    if let Some(id) = loaded.sources.find(&canonical) {
        return Some(id);
    }
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            diags.push(match from {
                Some(span) => missing_import(span, &path.display().to_string()),
                None => Diag::general("unreadable-rules", format!("{}: {e}", path.display())),
            });
            return None;
        }
    };
    let id = loaded.sources.add(&canonical, text);
    let text = loaded.sources.get(id).text.clone();
    let file = parse::parse_file(id, &text, diags);
    loaded.files.push(file);
    let dir = canonical
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    for (import, span) in import_paths(loaded, id) {
        let target = dir.join(&import);
        if !target.is_file() {
            diags.push(missing_import(span, &import));
            continue;
        }
        if let Some(target) = load_file(loaded, &target, Some(span), diags) {
            if target == id {
                diags.push(
                    Diag::error("circular-import", span, "a file imports itself")
                        .label("this file")
                        .help("remove this import"),
                );
                continue;
            }
            loaded.imports.entry(id).or_default().push(target);
        }
    }
    Some(id)
}

fn missing_import(span: Span, path: &str) -> Diag {
    Diag::error(
        "missing-import",
        span,
        format!("cannot import \"{path}\": no such file"),
    )
    .label("not found")
    .help("imports are paths relative to the importing file, for example \"common.tally\"")
}

/// Imports must not go round in a circle: each file's definitions come before its users'.
fn report_cycles(loaded: &Loaded, diags: &mut Diags) {
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
                    "circular-import",
                    span,
                    format!("circular import: {}", names.join(" -> ")),
                )
                .label("this import closes the circle"),
                None => Diag::general(
                    "circular-import",
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
