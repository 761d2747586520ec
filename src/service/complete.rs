//! Completion: names in scope, a record's fields after `.`, the words of the language, and
//! the texts the rules know (table labels, `one of` values, list entries) inside quotes.

use std::path::Path;

use serde::Serialize;

use super::index::{DefKind, Index};
use super::{Analysis, Position, Range, Workspace, absolute};
use crate::ir::types::Type;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CompletionKind {
    Value,
    Function,
    Table,
    Template,
    Field,
    Keyword,
    Builtin,
    Text,
    Local,
}

/// One proposal: `label` replaces `range` (the part of the word already typed).
#[derive(Clone, Debug, Serialize)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: String,
    pub range: Range,
}

/// The words of the language, as `docs/language.md` lists them, and the binders.
const KEYWORDS: [&str; 33] = [
    "import",
    "input",
    "record",
    "let",
    "table",
    "template",
    "designation",
    "category",
    "subcategory",
    "output",
    "test",
    "source",
    "assumption",
    "if",
    "then",
    "else",
    "case",
    "when",
    "and",
    "or",
    "not",
    "in",
    "where",
    "true",
    "false",
    "from",
    "max",
    "points",
    "require",
    "expect",
    "data",
    "all",
    "any",
];

impl Workspace {
    /// What may be written at a place.
    pub fn completions(&mut self, path: impl AsRef<Path>, at: Position) -> Vec<Completion> {
        let analysis = self.analysis();
        let Some(file) = analysis.find(&absolute(path.as_ref())) else {
            return Vec::new();
        };
        let f = &analysis.files[file];
        let offset = f.lines.offset(&f.text, at);
        let text = &f.text;
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let before = &text[line_start..offset];
        if let Some(quote) = open_quote(before) {
            let start = line_start + quote + 1;
            let range = f.range(start, offset);
            return texts(&analysis, &before[..quote], range);
        }
        let typed = before.len()
            - before
                .trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_')
                .len();
        let start = offset - typed;
        let range = f.range(start, offset);
        let ahead = &text[line_start..start];
        if let Some(receiver) = ahead.strip_suffix('.') {
            return fields(&analysis, file, receiver, range);
        }
        names(&analysis, file, offset, range)
    }
}

/// Where an unclosed quote opens in the text of a line before the cursor.
fn open_quote(before: &str) -> Option<usize> {
    let mut open = None;
    let mut escaped = false;
    for (i, c) in before.char_indices() {
        match c {
            '#' if open.is_none() => return None,
            '\\' if open.is_some() && !escaped => {
                escaped = true;
                continue;
            }
            '"' if !escaped => open = if open.is_some() { None } else { Some(i) },
            _ => {}
        }
        escaped = false;
    }
    open
}

/// Inside quotes: a table's labels when the text indexes a table, else every text the rules
/// know and every table label.
fn texts(analysis: &Analysis, before: &str, range: Range) -> Vec<Completion> {
    let index = &analysis.index;
    let mut out: Vec<Completion> = Vec::new();
    let mut add = |label: &str, detail: String| {
        if !out.iter().any(|c| c.label == label) {
            out.push(Completion {
                label: label.to_string(),
                kind: CompletionKind::Text,
                detail,
                range,
            });
        }
    };
    let indexed = before
        .rfind('[')
        .filter(|&i| !before[i..].contains(']'))
        .map(|i| {
            let head = before[..i].trim_end();
            &head[head
                .trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_')
                .len()..]
        });
    for (table, rows, columns) in &index.tables {
        let name = &index.defs[*table].name;
        if indexed.is_some_and(|t| t != name) {
            continue;
        }
        for label in rows.iter().chain(columns) {
            add(label, format!("a label of table {name}"));
        }
    }
    if indexed.is_none_or(|t| {
        !index
            .tables
            .iter()
            .any(|(d, _, _)| index.defs[*d].name == t)
    }) {
        for text in &index.texts {
            add(text, "a text the rules use".into());
        }
        for d in index.defs.iter().filter(|d| d.kind == DefKind::Designation) {
            add(&d.name, "a designation".into());
        }
    }
    out
}

/// After `.`: the fields of the record the name before it holds, or of every record.
fn fields(analysis: &Analysis, file: usize, receiver: &str, range: Range) -> Vec<Completion> {
    let index = &analysis.index;
    let name = &receiver[receiver
        .trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_')
        .len()..];
    let record = index
        .visible(file, name)
        .first()
        .and_then(|&d| analysis.type_of(index.defs[d].file, name))
        .and_then(record_of);
    let fields = match &record {
        Some(record) => index.fields_of(record),
        None => index
            .defs
            .iter()
            .enumerate()
            .filter(|(_, d)| d.kind == DefKind::Field)
            .map(|(i, _)| i)
            .collect(),
    };
    let mut out: Vec<Completion> = Vec::new();
    for d in fields {
        let def = &index.defs[d];
        if out.iter().any(|c| c.label == def.name) {
            continue;
        }
        let owner = def
            .parent
            .map(|p| index.defs[p].name.clone())
            .unwrap_or_default();
        out.push(Completion {
            label: def.name.clone(),
            kind: CompletionKind::Field,
            detail: format!("field of {owner}"),
            range,
        });
    }
    out
}

/// The record a value of this type holds, or each element of it holds.
fn record_of(ty: &Type) -> Option<String> {
    match ty {
        Type::Record(_, name) => Some(name.to_string()),
        Type::List(t) | Type::Optional(t) => record_of(t),
        _ => None,
    }
}

/// A name: the file's names in scope, the local names of the declaration the place is in,
/// the built-in functions and the words of the language.
fn names(analysis: &Analysis, file: usize, offset: usize, range: Range) -> Vec<Completion> {
    let index: &Index = &analysis.index;
    let mut out = Vec::new();
    for d in index.names_in_scope(file) {
        let def = &index.defs[d];
        let kind = match def.kind {
            DefKind::Function => CompletionKind::Function,
            DefKind::Table => CompletionKind::Table,
            DefKind::Template => CompletionKind::Template,
            DefKind::Field => CompletionKind::Field,
            _ => CompletionKind::Value,
        };
        let detail = match analysis.type_of(def.file, &def.name) {
            Some(t) => t.to_string(),
            None => def.kind.word().to_string(),
        };
        out.push(Completion {
            label: def.name.clone(),
            kind,
            detail,
            range,
        });
    }
    // The parameters and binder names of the declaration around the place.
    let around = index.defs.iter().find(|d| {
        d.file == file
            && d.kind != DefKind::Local
            && d.parent.is_none()
            && d.item_range.start <= offset
            && offset <= d.item_range.end
    });
    if let Some(around) = around {
        for d in index.defs.iter().filter(|d| {
            d.kind == DefKind::Local
                && d.file == file
                && around.item_range.contains(&d.name_range.start)
                && d.name_range.end <= offset
        }) {
            if !out.iter().any(|c| c.label == d.name) {
                out.push(Completion {
                    label: d.name.clone(),
                    kind: CompletionKind::Local,
                    detail: "local name".into(),
                    range,
                });
            }
        }
    }
    for (name, _, help) in crate::ir::builtins::BUILTINS {
        out.push(Completion {
            label: name.to_string(),
            kind: CompletionKind::Builtin,
            detail: help.to_string(),
            range,
        });
    }
    for word in KEYWORDS {
        if !out.iter().any(|c| c.label == word) {
            out.push(Completion {
                label: word.to_string(),
                kind: CompletionKind::Keyword,
                detail: "keyword".into(),
                range,
            });
        }
    }
    out
}
