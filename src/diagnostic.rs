//! Diagnostics: every problem tally reports about a rule file, with where it is and how to fix it.
//!
//! A [`Diag`] is plain data (severity, code, message, span, label, help) so that the same
//! finding can be rendered by miette for people, or as JSON, GitHub annotations or SARIF for
//! machines. Stages collect them in a [`Diags`] and keep going, so a load reports every
//! problem at once.

use std::fmt;
use std::sync::Arc;

use miette::{LabeledSpan, NamedSource, SourceCode};

use crate::source::{SourceMap, Span};

mod code;

pub use code::Code;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

#[derive(Clone, Debug)]
pub struct Diag {
    pub severity: Severity,
    /// A stable name for the kind of problem, such as `unknown-name`.
    pub code: Code,
    pub message: String,
    /// Where in a rule file; `None` for problems with no place, such as a missing folder.
    pub span: Option<Span>,
    pub label: String,
    pub help: Option<String>,
    /// Other places that explain this one (the first definition of a duplicate, say).
    pub also: Vec<(Span, String)>,
}

impl Diag {
    pub fn error(code: Code, span: Span, message: impl Into<String>) -> Diag {
        Diag {
            severity: Severity::Error,
            code,
            message: message.into(),
            span: Some(span),
            label: String::new(),
            help: None,
            also: Vec::new(),
        }
    }

    pub fn warning(code: Code, span: Span, message: impl Into<String>) -> Diag {
        Diag {
            severity: Severity::Warning,
            ..Diag::error(code, span, message)
        }
    }

    /// A problem that has no place in a rule file.
    pub fn general(code: Code, message: impl Into<String>) -> Diag {
        Diag {
            severity: Severity::Error,
            code,
            message: message.into(),
            span: None,
            label: String::new(),
            help: None,
            also: Vec::new(),
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Diag {
        self.label = label.into();
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diag {
        self.help = Some(help.into());
        self
    }

    pub fn also(mut self, span: Span, label: impl Into<String>) -> Diag {
        self.also.push((span, label.into()));
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// This diagnostic with its source text attached, ready for miette.
    pub fn render(&self, sources: &SourceMap) -> Rendered {
        let source = self.span.map(|span| sources.named_source(span.file));
        let mut labels = Vec::new();
        let mut related = Vec::new();
        if let Some(span) = self.span {
            let text = if self.label.is_empty() {
                None
            } else {
                Some(self.label.clone())
            };
            labels.push(LabeledSpan::new_primary_with_span(text, span.source_span()));
            for (other, label) in &self.also {
                if other.file == span.file {
                    labels.push(LabeledSpan::new_with_span(
                        Some(label.clone()),
                        other.source_span(),
                    ));
                } else {
                    related.push(Rendered {
                        severity: Severity::Warning,
                        code: self.code,
                        message: label.clone(),
                        help: None,
                        source: Some(sources.named_source(other.file)),
                        labels: vec![LabeledSpan::new_primary_with_span(
                            Some(label.clone()),
                            other.source_span(),
                        )],
                        related: Vec::new(),
                        advice: true,
                    });
                }
            }
        }
        Rendered {
            severity: self.severity,
            code: self.code,
            message: self.message.clone(),
            help: self.help.clone(),
            source,
            labels,
            related,
            advice: false,
        }
    }

    /// `file:line:col` of the start of the span, for one-line formats.
    pub fn location(&self, sources: &SourceMap) -> Option<(String, usize, usize)> {
        self.span.map(|span| {
            let file = sources.get(span.file);
            let (line, col) = file.line_col(span.start);
            (file.name.clone(), line, col)
        })
    }
}

/// The diagnostics a stage has found so far.
#[derive(Debug, Default)]
pub struct Diags(pub Vec<Diag>);

impl Diags {
    pub fn push(&mut self, diag: Diag) {
        self.0.push(diag);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diag::is_error)
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diag>) {
        self.0.extend(other);
    }

    /// Sorted by file and position, errors and warnings interleaved as they stand in the file.
    pub fn sorted(mut self) -> Vec<Diag> {
        self.0
            .sort_by_key(|d| d.span.map(|s| (s.file, s.start, s.end)));
        self.0
            .dedup_by(|a, b| a.span == b.span && a.message == b.message);
        self.0
    }
}

/// A diagnostic with its source, as miette renders it.
#[derive(Debug)]
pub struct Rendered {
    severity: Severity,
    code: Code,
    message: String,
    help: Option<String>,
    source: Option<NamedSource<Arc<str>>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Rendered>,
    advice: bool,
}

impl Rendered {
    /// A problem outside the rule files (in a data file, say), with its own source text.
    pub fn error(
        code: Code,
        message: String,
        help: Option<String>,
        source: Option<NamedSource<Arc<str>>>,
        label: Option<LabeledSpan>,
    ) -> Rendered {
        Rendered {
            severity: Severity::Error,
            code,
            message,
            help,
            source,
            labels: label.into_iter().collect(),
            related: Vec::new(),
            advice: false,
        }
    }
}

/// Lines wider than this are not shown around a problem: the place is given as
/// `file:line:column` instead. (miette cannot draw a label past column 65,535 either.)
const WIDEST_SHOWN_LINE: usize = 1000;

impl Rendered {
    /// The same problem, with any snippet whose lines are too wide to read replaced by the
    /// place it points at.
    pub fn fit_to_screen(mut self) -> Rendered {
        self.related = self
            .related
            .into_iter()
            .map(Rendered::fit_to_screen)
            .collect();
        let Some(source) = &self.source else {
            return self;
        };
        let text: &str = source.inner();
        let bytes = text.as_bytes();
        let too_wide = self.labels.iter().any(|label| {
            let start = label.offset().min(bytes.len());
            let end = (label.offset() + label.len()).clamp(start, bytes.len());
            let line_start = bytes[..start]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let line_end = bytes[end..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |i| end + i);
            line_end - line_start > WIDEST_SHOWN_LINE
        });
        if too_wide {
            // Data problems name their place already; rule problems only in the snippet.
            let named = self.message.starts_with(source.name());
            if let Some(label) = self.labels.first().filter(|_| !named) {
                let (line, column) = crate::source::line_col(text, label.offset());
                self.message = format!("{}:{line}:{column}: {}", source.name(), self.message);
            }
            self.source = None;
            self.labels.clear();
        }
        self
    }
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered {}

impl miette::Diagnostic for Rendered {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        if self.advice {
            None
        } else {
            Some(Box::new(format!("tally::{}", self.code)))
        }
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match (self.advice, self.severity) {
            (true, _) => miette::Severity::Advice,
            (false, Severity::Error) => miette::Severity::Error,
            (false, Severity::Warning) => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

/// "did you mean ...?" for a misspelt name: the closest candidate, if any is close.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(&str, f64)> = None;
    for candidate in candidates {
        let score = strsim::jaro_winkler(&name.to_lowercase(), &candidate.to_lowercase());
        if score > 0.8 && best.is_none_or(|(_, s)| score > s) {
            best = Some((candidate, score));
        }
    }
    best.map(|(c, _)| c)
}

/// Help text for a misspelt name: the suggestion, or the names that exist.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
) -> Option<String> {
    if let Some(s) = suggest(name, candidates.clone()) {
        return Some(format!("did you mean `{s}`?"));
    }
    let mut all: Vec<&str> = candidates.into_iter().collect();
    if all.is_empty() || all.len() > 12 {
        return None;
    }
    all.sort_unstable();
    all.dedup();
    Some(format!("known names here: {}", all.join(", ")))
}
