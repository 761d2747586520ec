//! The text of the rules behind the checked program: formulas as written, and places.

use std::collections::HashMap;

use crate::ast::Item;
use crate::diagnostic::Diags;
use crate::ir::Program;
use crate::source::Span;

/// The text of every `let`, function and output field, from the rule files.
pub struct Texts<'p> {
    program: &'p Program,
    bodies: HashMap<Span, Span>,
}

impl<'p> Texts<'p> {
    pub fn new(program: &'p Program) -> Texts<'p> {
        let mut bodies = HashMap::new();
        for (id, file) in program.sources.files() {
            let mut diags = Diags::default();
            let parsed = crate::parse::parse_file(id, &file.text, &mut diags);
            for item in &parsed.items {
                match item {
                    Item::Let(l) => {
                        bodies.insert(l.name.span, l.body.span);
                    }
                    Item::Output(o) => {
                        bodies.extend(o.fields.iter().map(|f| (f.name.span, f.value.span)))
                    }
                    _ => {}
                }
            }
        }
        Texts { program, bodies }
    }

    pub fn of(&self, span: Span) -> &str {
        self.program.sources.snippet(span)
    }

    /// The formula of a definition, by its name's span.
    pub fn body(&self, name: Span) -> Option<String> {
        self.bodies.get(&name).map(|b| squeeze(self.of(*b)))
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
