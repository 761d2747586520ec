//! Formatting and code actions: apply a "did you mean", import the file that defines a name.

use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use super::index::DefKind;
use super::{Range, Workspace, absolute};

/// A change to a file: `new_text` replaces `range`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub path: PathBuf,
    pub range: Range,
    pub new_text: String,
}

/// A fix for a diagnostic.
#[derive(Clone, Debug, Serialize)]
pub struct CodeAction {
    pub title: String,
    /// The code of the diagnostic it fixes.
    pub fixes: String,
    /// The range of that diagnostic.
    pub diagnostic: Range,
    pub edits: Vec<Edit>,
}

impl Workspace {
    /// The edits that give a file `tally fmt`'s layout: none when it is formatted already or
    /// does not parse (it is then left as it is, as `tally fmt` does).
    pub fn format(&mut self, path: impl AsRef<Path>) -> Vec<Edit> {
        let path = absolute(path.as_ref());
        let Some(text) = self.text(&path) else {
            return Vec::new();
        };
        // As `tally fmt`: a file with syntax errors is left alone, and so is a layout that
        // would not read the same.
        let mut problems = crate::diagnostic::Diags::default();
        crate::syntax::parse::parse_file(crate::source::FileId(0), &text, &mut problems);
        if problems.has_errors() {
            return Vec::new();
        }
        match crate::syntax::format::format(&text) {
            Some(formatted)
                if *formatted != *text && crate::syntax::format::same_parse(&text, &formatted) =>
            {
                let lines = super::LineIndex::new(&text);
                vec![Edit {
                    path,
                    range: lines.whole(&text),
                    new_text: formatted,
                }]
            }
            _ => Vec::new(),
        }
    }

    /// The fixes for the diagnostics of a file that touch a range.
    pub fn code_actions(&mut self, path: impl AsRef<Path>, range: Range) -> Vec<CodeAction> {
        let path = absolute(path.as_ref());
        let analysis = self.analysis();
        let Some(file) = analysis.find(&path) else {
            return Vec::new();
        };
        let f = &analysis.files[file];
        let mut out = Vec::new();
        for diag in analysis
            .diagnostics
            .iter()
            .filter(|d| d.path == path)
            .flat_map(|d| &d.diagnostics)
            .filter(|d| {
                d.range.start_byte <= range.end_byte && range.start_byte <= d.range.end_byte
            })
        {
            if let Some(suggestion) = diag.help.as_deref().and_then(suggested) {
                out.push(CodeAction {
                    title: format!("Replace with `{suggestion}`"),
                    fixes: diag.code.clone(),
                    diagnostic: diag.range,
                    edits: vec![Edit {
                        path: path.clone(),
                        range: diag.range,
                        new_text: suggestion.clone(),
                    }],
                });
            }
            if diag.code == "unknown-name" {
                let name = &f.text[diag.range.start_byte..diag.range.end_byte];
                let index = &analysis.index;
                let mut defining: Vec<usize> = index
                    .defs
                    .iter()
                    .filter(|d| {
                        d.name == name
                            && d.file != file
                            && (matches!(
                                d.kind,
                                DefKind::Value
                                    | DefKind::Function
                                    | DefKind::Table
                                    | DefKind::Template
                            ) || d.input_field)
                    })
                    .map(|d| d.file)
                    .collect();
                defining.sort_unstable();
                defining.dedup();
                for other in defining {
                    let target = &analysis.files[other].path;
                    let Some(relative) = relative_to(&path, target) else {
                        continue;
                    };
                    let at = import_place(&f.text);
                    out.push(CodeAction {
                        title: format!("Import \"{relative}\", which defines `{name}`"),
                        fixes: diag.code.clone(),
                        diagnostic: diag.range,
                        edits: vec![Edit {
                            path: path.clone(),
                            range: f.range(at, at),
                            new_text: format!("import \"{relative}\"\n"),
                        }],
                    });
                }
            }
        }
        out
    }
}

/// The replacement a help proposes for the text a diagnostic marks: "did you mean `x`?",
/// "did you mean \"x\"?" (a quoted text, quotes and all), or a help that opens with
/// "write `x`".
fn suggested(help: &str) -> Option<String> {
    let between = |text: &str, open: &str, close: char| -> Option<String> {
        let rest = &text[text.find(open)? + open.len()..];
        let inner = &rest[..rest.find(close)?];
        (!inner.is_empty()).then(|| inner.to_string())
    };
    if help.contains("did you mean `") {
        return between(help, "did you mean `", '`');
    }
    if help.contains("did you mean \"") {
        return between(help, "did you mean \"", '"').map(|t| format!("\"{t}\""));
    }
    if help.starts_with("write `") {
        return between(help, "write `", '`');
    }
    None
}

/// Where a new import goes: after the last import, or after the comments that open the file.
fn import_place(text: &str) -> usize {
    let mut offset = 0;
    let mut after = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        offset += line.len();
        if trimmed.starts_with("import ") || trimmed.starts_with("import\"") {
            after = offset;
        } else if !(trimmed.is_empty() || trimmed.starts_with('#')) {
            break;
        } else if after == 0 && trimmed.starts_with('#') {
            // Still in the opening comments.
        }
    }
    if after > 0 {
        return after;
    }
    // No import yet: after the opening comment lines.
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if !line.trim_start().starts_with('#') {
            break;
        }
        offset += line.len();
    }
    offset
}

/// The path of `target` as an import in `file` writes it: relative to the file's folder.
fn relative_to(file: &Path, target: &Path) -> Option<String> {
    let from: Vec<Component> = file.parent()?.components().collect();
    let to: Vec<Component> = target.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_relative_to_the_importing_file() {
        assert_eq!(
            relative_to(Path::new("/r/a/x.tally"), Path::new("/r/a/common.tally")).as_deref(),
            Some("common.tally")
        );
        assert_eq!(
            relative_to(Path::new("/r/a/x.tally"), Path::new("/r/b/c.tally")).as_deref(),
            Some("../b/c.tally")
        );
    }

    #[test]
    fn imports_go_after_the_last_one() {
        let text = "# rules\nimport \"a.tally\"\n\nlet x = 1\n";
        assert_eq!(import_place(text), text.find("\n\n").unwrap() + 1);
        assert_eq!(import_place("# c\nlet x = 1\n"), 4);
    }

    #[test]
    fn finds_the_suggestion() {
        assert_eq!(
            suggested("did you mean `source`?").as_deref(),
            Some("source")
        );
        assert_eq!(
            suggested("did you mean \"smb\"?").as_deref(),
            Some("\"smb\"")
        );
        assert_eq!(
            suggested("write `1000000`, or `1_000_000` to group the digits").as_deref(),
            Some("1000000")
        );
        assert_eq!(suggested("define it"), None);
    }
}
