//! The text of the rules behind the checked program: formulas as written, and places.

use crate::ir::{Body, Global, GlobalDef, Program};
use crate::source::Span;

/// The text of the rules behind the checked program: formulas as written, and places.
pub struct Texts<'p> {
    program: &'p Program,
}

impl<'p> Texts<'p> {
    pub fn new(program: &'p Program) -> Texts<'p> {
        Texts { program }
    }

    pub fn of(&self, span: Span) -> &str {
        self.program.sources.snippet(span)
    }

    /// A formula as written, on one line.
    pub fn formula(&self, body: &Body) -> String {
        squeeze(self.of(body.source))
    }

    /// The formula of a named value (its first version); none for a value the rules do not
    /// name (a remembered call, a template's argument).
    pub fn definition(&self, global: &Global) -> Option<String> {
        match &global.def {
            GlobalDef::Let(variants) if !global.hidden => {
                variants.first().map(|v| self.formula(&v.value))
            }
            _ => None,
        }
    }

    pub fn place(&self, span: Span) -> String {
        let file = self.program.sources.get(span.file);
        format!("{}:{}", file.name, file.line_col(span.start).0)
    }
}

/// A formula on one line, as an auditor would write it: comments dropped, runs of
/// whitespace made one space, and record fields that the source separates by line
/// breaks alone separated by commas, so `{ a: 1 <newline> b: 2 }` reads `{ a: 1, b: 2 }`.
pub fn squeeze(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut braces = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut pending: Option<bool> = None; // whitespace seen; `true` if it held a line break
    while let Some((at, c)) = chars.next() {
        match c {
            '#' => while chars.next_if(|&(_, c)| c != '\n').is_some() {},
            c if c.is_whitespace() => {
                let broke = pending.unwrap_or(false) || c == '\n';
                pending = Some(broke);
            }
            _ => {
                if let Some(broke) = pending.take() {
                    let ends_field = broke
                        && braces.last() == Some(&'{')
                        && !out.ends_with(['{', ','])
                        && starts_field(&text[at..]);
                    if !out.is_empty() {
                        out.push_str(if ends_field { ", " } else { " " });
                    }
                }
                out.push(c);
                match c {
                    '{' | '(' | '[' => braces.push(c),
                    '}' | ')' | ']' => {
                        braces.pop();
                    }
                    '"' => {
                        while let Some((_, c)) = chars.next() {
                            out.push(c);
                            match c {
                                '\\' => out.extend(chars.next().map(|(_, c)| c)),
                                '"' => break,
                                _ => {}
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

/// Whether `text` begins with `name:`, the start of a record field.
fn starts_field(text: &str) -> bool {
    let name = text.trim_start_matches(|c: char| c.is_alphanumeric() || c == '_');
    name.len() < text.len() && name.trim_start().starts_with(':')
}
