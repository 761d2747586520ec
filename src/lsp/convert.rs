//! Between the service's types and the Language Server Protocol's: URIs and paths, ranges,
//! diagnostics, completions, symbols and edits.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types as lsp;

use crate::service;

/// The path of a `file:` URI; other schemes have none.
pub fn path_of(uri: &lsp::Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let rest = text.strip_prefix("file://")?;
    // `file:///c:/x` on Windows; `file://host/x` names another machine.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let decoded = percent_decode(rest)?;
    let decoded = match decoded.as_bytes() {
        [b'/', drive, b':', ..] if drive.is_ascii_alphabetic() => decoded[1..].to_string(),
        _ => decoded,
    };
    Some(PathBuf::from(decoded))
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `file:` URI of a path.
pub fn uri_of(path: &Path) -> lsp::Uri {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !text.starts_with('/') {
        out.push('/');
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    lsp::Uri::from_str(&out)
        .unwrap_or_else(|_| lsp::Uri::from_str("file:///").expect("a constant URI parses"))
}

pub fn position(p: service::Position) -> lsp::Position {
    lsp::Position {
        line: p.line,
        character: p.character,
    }
}

pub fn from_position(p: lsp::Position) -> service::Position {
    service::Position {
        line: p.line,
        character: p.character,
    }
}

pub fn range(r: service::Range) -> lsp::Range {
    lsp::Range {
        start: position(r.start),
        end: position(r.end),
    }
}

pub fn diagnostic(d: &service::Diagnostic) -> lsp::Diagnostic {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .map(|r| lsp::DiagnosticRelatedInformation {
            location: lsp::Location {
                uri: uri_of(&r.path),
                range: range(r.range),
            },
            message: r.message.clone(),
        })
        .collect();
    lsp::Diagnostic {
        range: range(d.range),
        severity: Some(match d.severity {
            service::Severity::Error => lsp::DiagnosticSeverity::ERROR,
            service::Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        }),
        code: Some(lsp::NumberOrString::String(d.code.clone())),
        source: Some("tally".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..lsp::Diagnostic::default()
    }
}

pub fn location(l: &service::Location) -> lsp::Location {
    lsp::Location {
        uri: uri_of(&l.path),
        range: range(l.range),
    }
}

/// Edits grouped by file, as a workspace edit.
#[allow(
    clippy::mutable_key_type,
    reason = "lsp-types keys the map by `Uri`, whose cache is not part of its hash"
)]
pub fn workspace_edit(edits: &[service::Edit]) -> lsp::WorkspaceEdit {
    let mut changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = HashMap::new();
    for e in edits {
        changes
            .entry(uri_of(&e.path))
            .or_default()
            .push(text_edit(e));
    }
    lsp::WorkspaceEdit {
        changes: Some(changes),
        ..lsp::WorkspaceEdit::default()
    }
}

pub fn text_edit(e: &service::Edit) -> lsp::TextEdit {
    lsp::TextEdit {
        range: range(e.range),
        new_text: e.new_text.clone(),
    }
}

pub fn completion(c: &service::Completion) -> lsp::CompletionItem {
    use service::CompletionKind as K;
    let kind = match c.kind {
        K::Value => lsp::CompletionItemKind::CONSTANT,
        K::Function | K::Builtin => lsp::CompletionItemKind::FUNCTION,
        K::Table => lsp::CompletionItemKind::STRUCT,
        K::Template => lsp::CompletionItemKind::CLASS,
        K::Field => lsp::CompletionItemKind::FIELD,
        K::Keyword => lsp::CompletionItemKind::KEYWORD,
        K::Text => lsp::CompletionItemKind::VALUE,
        K::Local => lsp::CompletionItemKind::VARIABLE,
    };
    lsp::CompletionItem {
        label: c.label.clone(),
        kind: Some(kind),
        detail: Some(c.detail.clone()),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range: range(c.range),
            new_text: c.label.clone(),
        })),
        ..lsp::CompletionItem::default()
    }
}

#[allow(
    deprecated,
    reason = "`deprecated` is a field every DocumentSymbol must set"
)]
pub fn symbol(s: &service::Symbol) -> lsp::DocumentSymbol {
    use service::SymbolKind as K;
    let kind = match s.kind {
        K::Designation => lsp::SymbolKind::MODULE,
        K::Category => lsp::SymbolKind::NAMESPACE,
        K::Subcategory => lsp::SymbolKind::PROPERTY,
        K::Input | K::Record => lsp::SymbolKind::STRUCT,
        K::Field => lsp::SymbolKind::FIELD,
        K::Value => lsp::SymbolKind::CONSTANT,
        K::Function => lsp::SymbolKind::FUNCTION,
        K::Table => lsp::SymbolKind::ARRAY,
        K::Template => lsp::SymbolKind::CLASS,
    };
    let children: Vec<lsp::DocumentSymbol> = s.children.iter().map(symbol).collect();
    lsp::DocumentSymbol {
        name: if s.name.is_empty() {
            "(unnamed)".into()
        } else {
            s.name.clone()
        },
        detail: None,
        kind,
        tags: None,
        deprecated: None,
        range: range(s.range),
        selection_range: range(s.selection),
        children: (!children.is_empty()).then_some(children),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_uris_round_trip() {
        let path = Path::new("/tmp/a folder/données #1.tally");
        let uri = uri_of(path);
        assert_eq!(
            uri.as_str(),
            "file:///tmp/a%20folder/donn%C3%A9es%20%231.tally"
        );
        assert_eq!(path_of(&uri).as_deref(), Some(path));
        let other = lsp::Uri::from_str("untitled:Untitled-1").unwrap();
        assert_eq!(path_of(&other), None);
    }
}
