//! The server's one door into the library: loading and checking rules, evaluating, explaining,
//! comparing, testing, formatting and documenting go through the same functions as the
//! command line's, and only here. Nothing in `serve/` evaluates or checks by itself.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value as Json;

use crate::check::Rejected;
use crate::cli::render::Renderer;
use crate::data::read::{detect_kind, identifier, read_record};
use crate::data::{FieldError, Origin, path_text};
use crate::diagnostic::{Code, Diag, Diags};
use crate::ir::{GlobalDef, Program};
use crate::report::Format;
use crate::run::batch::evaluate_chunk;
use crate::run::input::RawRecord;
use crate::run::record::{RecordError, evaluate_text};
use crate::source::SourceMap;

/// Rules that loaded and checked, with what the server says about them.
pub struct Rules {
    pub program: Program,
    pub warnings: Vec<Diag>,
    /// The SHA-256 of the rule files, as every result's stamp carries it: two servers with
    /// the same digest decide alike.
    pub digest: String,
}

/// Rules that did not load or check: every problem, as `tally check --format json` gives them.
pub struct NotLoaded {
    pub diagnostics: Json,
    /// The problems as the command line prints them, for the log.
    pub text: String,
}

/// Loads and checks the rules under `paths`, with unsaved texts (by canonical path) in place
/// of the files on disk.
pub fn load(paths: &[PathBuf], overlay: &HashMap<PathBuf, String>) -> Result<Rules, NotLoaded> {
    let mut diags = Diags::default();
    let loaded = crate::load::load_with(paths, overlay, &mut diags);
    match crate::check::check(loaded, diags) {
        Ok((program, warnings)) => {
            let digest = program.rules_digest().to_string();
            Ok(Rules {
                program,
                warnings,
                digest,
            })
        }
        Err(Rejected { sources, diags }) => {
            let renderer = Renderer::new(false, 100);
            let text = diags.iter().map(|d| renderer.diag(d, &sources)).collect();
            Err(NotLoaded {
                diagnostics: diagnostics(&diags, &sources),
                text,
            })
        }
    }
}

/// The diagnostics of rules as JSON (the same objects as `tally check --format json`).
pub fn diagnostics(diags: &[Diag], sources: &SourceMap) -> Json {
    serde_json::from_str(&crate::report::findings::json(diags, sources)).unwrap_or_default()
}

/// Checks rule text without data: one text alone, or the rules with some files replaced.
pub fn check(paths: &[PathBuf], overlay: &HashMap<PathBuf, String>) -> Json {
    match load(paths, overlay) {
        Ok(rules) => diagnostics(&rules.warnings, &rules.program.sources),
        Err(not) => not.diagnostics,
    }
}

/// Checks one rule file's text on its own (it can import nothing).
pub fn check_text(name: &str, text: &str) -> Json {
    let mut diags = Diags::default();
    let loaded = crate::load::load_texts(&[(name, text)], &mut diags);
    match crate::check::check(loaded, diags) {
        Ok((program, warnings)) => diagnostics(&warnings, &program.sources),
        Err(Rejected { sources, diags }) => diagnostics(&diags, &sources),
    }
}

/// Why a record has no result: the diagnostic the command line prints, as data and as text.
#[derive(Debug, Serialize, Clone)]
pub struct Problem {
    /// `bad-data` (the record does not fit the input) or `rule-failed`.
    pub code: &'static str,
    pub problems: Vec<Place>,
    /// The diagnostic as `tally eval` prints it on standard error.
    pub text: String,
}

#[derive(Debug, Serialize, Clone)]
pub struct Place {
    /// `request` for a record sent in a request body.
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The field path in the record, such as `customers[3].acr["2024-13"]`.
    pub path: String,
    pub message: String,
    pub help: Option<String>,
}

/// A record sent in a request: named `request`, with its line when it is one of a batch.
pub fn record(bytes: Vec<u8>, line: Option<usize>) -> RawRecord {
    let origin = Origin {
        file: "request".into(),
        line,
    };
    RawRecord::new(origin, bytes)
}

/// The records of a JSON Lines body, each with its line; blank lines are skipped.
pub fn lines(body: &[u8]) -> Vec<RawRecord> {
    body.split(|b| *b == b'\n')
        .enumerate()
        .filter(|(_, line)| !line.iter().all(u8::is_ascii_whitespace))
        .map(|(i, line)| record(line.to_vec(), Some(i + 1)))
        .collect()
}

/// Evaluates one record: the line of `tally eval --format json` (without its newline).
/// On the calling thread: one record is not worth handing to the thread pool.
pub fn evaluate(rules: &Rules, record: &RawRecord, as_of: NaiveDate) -> Result<String, Problem> {
    let outcome = match record.encoding_error() {
        Some(error) => Err(RecordError::Data {
            id: None,
            errors: vec![error],
        }),
        None => evaluate_text(&rules.program, None, &record.text, false, as_of),
    };
    match outcome {
        Ok(outcome) => {
            let mut text = Format::Json.print(&outcome, &record.origin);
            text.truncate(text.trim_end().len());
            Ok(text)
        }
        Err(error) => Err(problem(&rules.program, record, error)),
    }
}

/// Evaluates records in parallel, as `tally eval` does a chunk.
pub fn evaluate_batch(
    rules: &Rules,
    records: &[RawRecord],
    as_of: NaiveDate,
) -> Vec<Result<String, Problem>> {
    evaluate_chunk(
        &rules.program,
        None,
        records,
        false,
        as_of,
        |outcome, record| Format::Json.print(outcome, &record.origin),
    )
    .into_iter()
    .zip(records)
    .map(|(result, record)| match result {
        Ok(mut text) => {
            text.truncate(text.trim_end().len());
            Ok(text)
        }
        Err(error) => Err(problem(&rules.program, record, error)),
    })
    .collect()
}

fn problem(program: &Program, record: &RawRecord, error: RecordError) -> Problem {
    let renderer = Renderer::new(false, 100);
    match error {
        RecordError::Data { id, errors } => data_problem(record, id.as_deref(), &errors),
        RecordError::Rule { id, error } => {
            let who = id.map(|i| format!(" for {i}")).unwrap_or_default();
            let mut diag = Diag::general(
                Code::RuleFailed,
                format!("a rule failed{who} ({}): {}", record.origin, error.message),
            );
            diag.span = error.span;
            diag.label = "while evaluating this".into();
            diag.help = error.help.clone();
            let place = diag.location(&program.sources);
            Problem {
                code: "rule-failed",
                problems: vec![Place {
                    file: place.as_ref().map_or("request".into(), |p| p.0.clone()),
                    line: place.as_ref().map(|p| p.1),
                    column: place.as_ref().map(|p| p.2),
                    path: String::new(),
                    message: diag.message.clone(),
                    help: diag.help.clone(),
                }],
                text: renderer.diag(&diag, &program.sources),
            }
        }
    }
}

fn data_problem(record: &RawRecord, id: Option<&str>, errors: &[FieldError]) -> Problem {
    let renderer = Renderer::new(false, 100);
    Problem {
        code: "bad-data",
        problems: errors
            .iter()
            .map(|e| Place {
                file: record.origin.file.clone(),
                // In a batch the record's line; its column is then on that line.
                line: record.origin.line.or(e.position.map(|p| p.0)),
                column: e.position.map(|p| p.1),
                path: path_text(&e.path),
                message: e.message.clone(),
                help: e.help.clone(),
            })
            .collect(),
        text: errors
            .iter()
            .map(|e| renderer.field_error(&record.origin, id, &record.text, e))
            .collect(),
    }
}

/// Explains one record as `tally explain --format json` does, for the designations whose name
/// contains `only`.
pub fn explain(
    rules: &Rules,
    record: &RawRecord,
    only: Option<&str>,
    as_of: NaiveDate,
) -> Result<Json, Problem> {
    let program = &rules.program;
    let read = match record.encoding_error() {
        Some(error) => Err(vec![error]),
        None => detect_kind(program, &record.text).map_err(|e| vec![e]),
    };
    let (kind, value) = read
        .and_then(|kind| read_record(program, kind, &record.text, as_of).map(|r| (kind, r)))
        .map_err(|errors| {
            let id = detect_kind(program, &record.text)
                .ok()
                .and_then(|k| identifier(program, k, &record.text));
            data_problem(record, id.as_deref(), &errors)
        })?;
    let explanation = crate::explain::Explainer::new(program)
        .explain(kind, value, only, as_of)
        .map_err(|error| problem(program, record, RecordError::Rule { id: None, error }))?;
    Ok(serde_json::to_value(&explanation).unwrap_or_default())
}

/// What changing the rules from `old` to `new` does to the records, as `tally diff --format json`.
pub fn impact(old: &Rules, new: &Rules, records: &[RawRecord], as_of: NaiveDate) -> Json {
    let pairs: Vec<crate::diff::Pair> = records
        .par_iter()
        .map(|record| crate::diff::Pair::evaluate(&old.program, &new.program, record, as_of))
        .collect();
    // The studio lists every sample that changes: samples are few, unlike a CI batch.
    let limit = pairs.len();
    serde_json::to_value(crate::diff::compare(pairs, limit)).unwrap_or_default()
}

/// The outcome of each test case written next to the rules, as `tally test` reports them.
#[derive(Debug, Serialize)]
pub struct TestCase {
    pub name: String,
    pub file: String,
    pub line: usize,
    pub passed: bool,
    /// Why it failed, as `tally test` prints it.
    pub failures: Vec<String>,
}

pub fn tests(rules: &Rules) -> Vec<TestCase> {
    let program = &rules.program;
    let renderer = Renderer::new(false, 100);
    crate::testing::run(program, crate::stamp::today(), None)
        .into_iter()
        .map(|case| {
            let file = program.sources.get(case.span.file);
            let (line, _) = file.line_col(case.span.start);
            TestCase {
                name: case.name.clone(),
                file: file.name.clone(),
                line,
                passed: case.passed(),
                failures: case
                    .failures
                    .iter()
                    .map(|f| crate::cli::test::describe(program, f, &renderer))
                    .collect(),
            }
        })
        .collect()
}

/// The rules as `tally doc --format html` renders them.
pub fn doc_html(rules: &Rules) -> String {
    crate::doc::document(&rules.program).html()
}

/// A rule file in the canonical layout, or `None` when it does not parse.
pub fn format(text: &str) -> Option<String> {
    crate::syntax::format::format(text)
}

/// The rule files under `paths` (as `tally check` finds them).
pub fn rule_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    crate::load::rule_files(paths, &mut Diags::default())
}

/// Which inputs, designations and dated definitions the rules hold.
pub fn summary(rules: &Rules) -> Json {
    let program = &rules.program;
    let inputs: Vec<Json> = program
        .kinds
        .iter()
        .map(|kind| {
            serde_json::json!({
                "input": kind.name,
                "title": kind.title,
                "designations": kind.designations.iter().map(|d| d.name.clone()).collect::<Vec<_>>(),
                "outputs": kind.output.iter().map(|o| o.name.clone()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let versions: Vec<Json> = program
        .globals
        .iter()
        .filter(|g| !g.hidden)
        .filter_map(|g| {
            let dates: Vec<Option<String>> = match &g.def {
                GlobalDef::Let(v) => v.iter().map(|v| v.from.map(|d| d.to_string())).collect(),
                GlobalDef::Table(v) => v.iter().map(|v| v.from.map(|d| d.to_string())).collect(),
                GlobalDef::Input { .. } => return None,
            };
            (dates.iter().any(Option::is_some))
                .then(|| serde_json::json!({ "name": g.name, "from": dates }))
        })
        .collect();
    let files: Vec<String> = program
        .roots
        .iter()
        .map(|f| program.sources.get(*f).name.clone())
        .collect();
    serde_json::json!({
        "digest": rules.digest,
        "files": files,
        "inputs": inputs,
        "dated_versions": versions,
        "warnings": diagnostics(&rules.warnings, &program.sources),
    })
}

/// The canonical form of a rule file's path, as the loader keys files (for an overlay).
pub fn canonical(path: &Path) -> Option<PathBuf> {
    path.canonicalize().ok()
}

/// The evaluation date of a record that carries none: `as_of` when given, else today (UTC), as
/// `tally eval --as-of`.
pub fn as_of(given: Option<&str>) -> Result<NaiveDate, String> {
    given.map_or_else(|| Ok(crate::stamp::today()), crate::stamp::parse_date)
}

/// The diagnostics of the rule files with unsaved texts, from the language service (the same
/// as `tally lsp` gives an editor), in the objects of `tally check --format json`: lines and
/// columns from 1, columns counted as editors count them.
pub fn live_diagnostics(paths: &[PathBuf], overlay: &HashMap<PathBuf, String>) -> Json {
    let mut all: Vec<Json> = Vec::new();
    for root in paths {
        let mut workspace = crate::service::Workspace::new(root);
        for (path, text) in overlay {
            workspace.set_text(path, text.clone());
        }
        for file in workspace.diagnostics() {
            let name = crate::source::display_path(&file.path);
            for d in file.diagnostics {
                let item = serde_json::json!({
                    "severity": d.severity,
                    "code": d.code,
                    "message": d.message,
                    "label": d.label,
                    "help": d.help,
                    "file": name,
                    "line": d.range.start.line + 1,
                    "column": d.range.start.character + 1,
                    "end_line": d.range.end.line + 1,
                    "end_column": d.range.end.character + 1,
                });
                if !all.contains(&item) {
                    all.push(item);
                }
            }
        }
    }
    Json::Array(all)
}
