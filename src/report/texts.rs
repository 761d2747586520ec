//! The text of the rules behind the checked program: formulas as written, and places.

use std::collections::HashMap;

use crate::ast::Item;
use crate::diagnostic::Diags;
use crate::ir::Program;
use crate::source::Span;

/// The text of every `let` and function body, from the rule files.
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
                if let Item::Let(l) = item {
                    bodies.insert(l.name.span, l.body.span);
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

/// A formula on one line: runs of whitespace become one space.
pub fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
