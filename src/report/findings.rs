//! Diagnostics for machines: JSON, GitHub workflow annotations, and SARIF 2.1.0 for code scanning.

use serde_json::{Value as Json, json};

use crate::diagnostic::{Diag, Severity};
use crate::source::SourceMap;

/// Where a diagnostic is: file, and start and end line and column (1-based).
struct Place {
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

fn place(diag: &Diag, sources: &SourceMap) -> Option<Place> {
    let span = diag.span?;
    let file = sources.get(span.file);
    let (line, column) = file.line_col(span.start);
    let (end_line, end_column) = file.line_col(span.end);
    Some(Place {
        file: file.name.clone(),
        line,
        column,
        end_line,
        end_column,
    })
}

fn severity(diag: &Diag) -> &'static str {
    match diag.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// One JSON object per diagnostic, in an array.
pub fn json(diags: &[Diag], sources: &SourceMap) -> String {
    let items: Vec<Json> = diags
        .iter()
        .map(|d| {
            let mut item = json!({
                "severity": severity(d),
                "code": d.code,
                "message": d.message,
                "label": d.label,
                "help": d.help,
            });
            if let Some(p) = place(d, sources) {
                item["file"] = json!(p.file);
                item["line"] = json!(p.line);
                item["column"] = json!(p.column);
                item["end_line"] = json!(p.end_line);
                item["end_column"] = json!(p.end_column);
            }
            item
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_default() + "\n"
}

/// GitHub Actions workflow commands: `::error file=...,line=...,col=...::message`.
pub fn github(diags: &[Diag], sources: &SourceMap) -> String {
    let mut out = String::new();
    for d in diags {
        let mut properties = Vec::new();
        if let Some(p) = place(d, sources) {
            properties.push(format!("file={}", property(&p.file)));
            properties.push(format!("line={}", p.line));
            properties.push(format!("col={}", p.column));
            properties.push(format!("endLine={}", p.end_line));
            properties.push(format!("endColumn={}", p.end_column));
        }
        properties.push(format!("title={}", property(&format!("tally::{}", d.code))));
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&format!(
            "::{} {}::{}\n",
            severity(d),
            properties.join(","),
            data(&message)
        ));
    }
    out
}

/// Escapes a workflow command's message.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// A SARIF 2.1.0 log with one run.
pub fn sarif(diags: &[Diag], sources: &SourceMap) -> String {
    let mut rules: Vec<&str> = diags.iter().map(|d| d.code.name()).collect();
    rules.sort_unstable();
    rules.dedup();
    let results: Vec<Json> = diags
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str(&format!(" (help: {help})"));
            }
            let mut result = json!({
                "ruleId": d.code,
                "ruleIndex": rules.iter().position(|r| *r == d.code.name()),
                "level": severity(d),
                "message": { "text": text },
            });
            if let Some(p) = place(d, sources) {
                result["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": { "uri": p.file },
                        "region": {
                            "startLine": p.line,
                            "startColumn": p.column,
                            "endLine": p.end_line,
                            "endColumn": p.end_column,
                        }
                    }
                }]);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "tally",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/tally-rules/tally",
                    "rules": rules.iter().map(|r| json!({
                        "id": r,
                        "shortDescription": { "text": format!("tally::{r}") },
                    })).collect::<Vec<_>>(),
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
}
