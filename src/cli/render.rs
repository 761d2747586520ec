//! Rendering problems for the terminal: rule diagnostics and bad records, through miette.

use std::io::IsTerminal;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};

use crate::data::{FieldError, Origin, path_text};
use crate::diagnostic::{Diag, Rendered};
use crate::source::SourceMap;

pub struct Renderer {
    handler: GraphicalReportHandler,
}

impl Renderer {
    /// Colours only for a terminal, and never with NO_COLOR set.
    pub fn for_stderr() -> Renderer {
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        Renderer::new(color, 100)
    }

    pub fn new(color: bool, width: usize) -> Renderer {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        Renderer {
            handler: GraphicalReportHandler::new_themed(theme)
                .with_width(width)
                .with_links(false),
        }
    }

    pub fn diag(&self, diag: &Diag, sources: &SourceMap) -> String {
        let mut out = String::new();
        let _ = self
            .handler
            .render_report(&mut out, &diag.render(sources).fit_to_screen());
        out
    }

    /// One problem of a record's data, with the JSON around it when that is short enough to show.
    pub fn field_error(
        &self,
        origin: &Origin,
        id: Option<&str>,
        text: &str,
        error: &FieldError,
    ) -> String {
        let mut out = String::new();
        let _ = self.handler.render_report(
            &mut out,
            &data_problem(origin, id, text, error).fit_to_screen(),
        );
        out
    }
}

/// A data problem as miette renders it: where it is, and the JSON around it when that is
/// short enough to show.
fn data_problem(origin: &Origin, id: Option<&str>, text: &str, error: &FieldError) -> Rendered {
    let path = path_text(&error.path);
    let mut place = origin.to_string();
    if let Some((line, column)) = error.position {
        place = match origin.line {
            Some(l) => format!("{}:{l}:{column}", origin.file),
            None => format!("{}:{line}:{column}", origin.file),
        };
    }
    let who = id.map(|i| format!(" ({i})")).unwrap_or_default();
    let at = if path.is_empty() {
        String::new()
    } else {
        format!(" at {path}")
    };
    let message = format!("{place}{who}{at}: {}", error.message);
    // A pretty-printed file is shown around the problem; a long JSON line is not.
    let showable = text.lines().count() > 1 || text.len() < 240;
    let (source, label) = match error.offset {
        Some(offset) if showable && origin.line.is_none() => {
            let len = token_len(&text[offset.min(text.len())..]);
            (
                Some(NamedSource::new(origin.file.clone(), Arc::from(text))),
                Some(LabeledSpan::new_primary_with_span(
                    Some(label_for(error)),
                    (offset, len),
                )),
            )
        }
        _ => (None, None),
    };
    Rendered::error(
        crate::diagnostic::Code::BadData,
        message,
        error.help.clone(),
        source,
        label,
    )
}

fn label_for(error: &FieldError) -> String {
    match (error.at_key, error.path.last()) {
        (true, Some(crate::data::Step::Key(_))) => "this key".into(),
        (true, _) => "this field".into(),
        (false, _) => "here".into(),
    }
}

fn token_len(rest: &str) -> usize {
    let bytes = rest.as_bytes();
    match bytes.first() {
        Some(b'"') => rest[1..].find('"').map_or(1, |i| i + 2),
        Some(b'{') | Some(b'[') => 1,
        Some(_) => rest
            .find([',', '}', ']', '\n'])
            .unwrap_or(rest.len())
            .max(1),
        None => 0,
    }
}
