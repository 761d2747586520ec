//! Loading a workspace: its texts (the editor's over the disk's) parsed, and imports followed,
//! as `tally check` loads a folder.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Workspace;
use crate::diagnostic::Diags;
use crate::load::{
    Loaded, confine, import_paths, link, missing_import, outside_root, report_cycles,
};
use crate::source::FileId;

/// How deep below its root a workspace looks for rule files, and how many it takes: an editor
/// that opens a rule file in a large folder (a home folder, `/tmp`) must not walk it all.
const DEPTH: usize = 4;
const MOST_FILES: usize = 2000;

/// The rule files under a folder (its subfolders too, to a depth of four, leaving out hidden
/// folders), in name order, or the file itself.
pub(super) fn files_under(root: &Path) -> Vec<PathBuf> {
    if root.is_file() {
        return vec![root.to_path_buf()];
    }
    let mut found = Vec::new();
    walk(root, root, 0, &mut found);
    found
}

fn walk(root: &Path, dir: &Path, depth: usize, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<(PathBuf, Option<std::fs::FileType>)> = entries
        .filter_map(Result::ok)
        .map(|e| (e.path(), e.file_type().ok()))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, kind) in entries {
        if found.len() >= MOST_FILES {
            return;
        }
        // As `tally check` does: a link is followed only to a place inside the root.
        let is_dir = kind.is_some_and(|k| k.is_dir());
        if kind.is_none_or(|k| k.is_symlink())
            && !path.canonicalize().is_ok_and(|p| p.starts_with(root))
        {
            continue;
        }
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if is_dir && !hidden && depth < DEPTH {
            walk(root, &path, depth + 1, found);
        } else if !is_dir && super::is_rule_file(&path) {
            found.push(path);
        }
    }
}

pub(super) struct Load {
    pub loaded: Loaded,
    pub diags: Diags,
}

/// Parses the workspace's files, then the files they import from outside it, wave by wave.
pub(super) fn load(workspace: &Workspace) -> Load {
    load_some(workspace, |_| true)
}

/// As [`load`], starting from the workspace's files that `keep` keeps.
pub(super) fn load_some(workspace: &Workspace, keep: impl Fn(&Path) -> bool) -> Load {
    let mut loaded = Loaded::default();
    let mut diags = Diags::default();
    let mut wave: Vec<FileId> = workspace
        .own_texts()
        .into_iter()
        .filter(|(path, _)| keep(path))
        .map(|(path, text)| loaded.sources.add(&path, text.to_string()))
        .collect();
    loaded.roots = wave.clone();
    let roots = [workspace.folder()];
    while !wave.is_empty() {
        let texts: Vec<(FileId, Arc<str>)> = wave
            .iter()
            .map(|&id| (id, loaded.sources.get(id).text.clone()))
            .collect();
        let inputs: Vec<(FileId, &str)> = texts.iter().map(|(id, t)| (*id, &**t)).collect();
        for (file, found) in crate::syntax::parse::parse_files(&inputs) {
            loaded.files.push(file);
            diags.extend(found.0);
        }
        let mut next = Vec::new();
        for id in wave {
            let dir = loaded
                .sources
                .get(id)
                .path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            for (import, span) in import_paths(&loaded, id) {
                // As `tally check` does: an import stays inside the workspace's folder.
                let found = confine(&dir, &import, &roots).and_then(|target| {
                    if let Some(found) = loaded.sources.find(&target) {
                        return Ok(Some(found));
                    }
                    Ok(workspace.import_text(&target, &roots)?.map(|text| {
                        let added = loaded.sources.add(&target, text.to_string());
                        next.push(added);
                        added
                    }))
                });
                match found {
                    Ok(Some(to)) => link(&mut loaded, id, to, span, &mut diags),
                    Ok(None) => diags.push(missing_import(span, &import)),
                    Err(why) => diags.push(outside_root(span, &import, why)),
                }
            }
        }
        wave = next;
    }
    report_cycles(&loaded, &mut diags);
    Load { loaded, diags }
}

/// Reads a file that is not among the workspace's own (an editor's file elsewhere, or one
/// deeper than the workspace looks).
pub(super) fn read_other(path: &Path) -> Option<Arc<str>> {
    crate::source::read_text(path).ok().map(Arc::from)
}
