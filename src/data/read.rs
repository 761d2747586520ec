//! Reading one JSON record: which input it is, its values (read in one pass by `deserialize`), the
//! checks across the whole record (`cross_check`), and every problem with its field path and,
//! where the text shows it, its line and column.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::de::DeserializeSeed;

use super::cross_check::cross_check;
use super::deserialize::RecordSeed;
use super::locate::{line_col, locate};
use super::{FieldError, Step};
use crate::ir::value::{RecordValue, Value};
use crate::ir::{KindId, Program};

/// Reads the JSON text of one record of `kind`, as of its own evaluation date or `as_of` when
/// it has none (table labels are checked against the table in force then). Returns the
/// record, or every problem in it.
pub fn read_record(
    program: &Program,
    kind: KindId,
    text: &str,
    as_of: NaiveDate,
) -> Result<Arc<RecordValue>, Vec<FieldError>> {
    let record = program.kind(kind).record;
    let mut cx = Reading {
        program,
        errors: Vec::new(),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let result = RecordSeed {
        cx: &mut cx,
        record,
    }
    .deserialize(&mut de)
    .and_then(|v| de.end().map(|_| v));
    let value = match result {
        Ok(value) => value,
        Err(e) => {
            // A syntax error stops the read: report it, with what was found before it.
            let mut errors = std::mem::take(&mut cx.errors);
            errors.push(json_error(&e, text));
            return Err(with_positions(text, errors));
        }
    };
    let Value::Record(record_value) = value else {
        return Err(with_positions(text, cx.errors));
    };
    cross_check(&mut cx, kind, &record_value, as_of);
    if cx.errors.is_empty() {
        Ok(record_value)
    } else {
        Err(with_positions(text, cx.errors))
    }
}

/// The identifier of a record whose text could not be read in full, for the error report.
pub fn identifier(program: &Program, kind: KindId, text: &str) -> Option<String> {
    let input = program.kind(kind);
    let name = &program.record(input.record).fields[input.identifier? as usize].name;
    let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text).ok()?;
    map.get(name).and_then(|v| v.as_str()).map(str::to_string)
}

/// Which input a JSON object is: the first top-level key that only one input declares decides
/// (records usually start with their identifier); otherwise the input declaring most keys.
pub fn detect_kind(program: &Program, text: &str) -> Result<KindId, FieldError> {
    if program.kinds.len() == 1 {
        return Ok(KindId(0));
    }
    let declares =
        |kind: &crate::ir::InputKind, key: &str| program.record(kind.record).field(key).is_some();
    let mut decided = None;
    let mut scores = vec![0usize; program.kinds.len()];
    let parsed = super::locate::top_level_keys(text, |key| {
        let owners: Vec<usize> = (0..program.kinds.len())
            .filter(|&i| declares(&program.kinds[i], key))
            .collect();
        for &i in &owners {
            scores[i] += 1;
        }
        if owners.len() == 1 {
            decided = Some(KindId(owners[0] as u32));
            return false;
        }
        true
    });
    if let Some(kind) = decided {
        return Ok(kind);
    }
    if parsed.is_none() {
        return Err(not_an_object(text));
    }
    let names: Vec<&str> = program.kinds.iter().map(|k| k.name.as_str()).collect();
    let best = scores.iter().copied().max().unwrap_or(0);
    match scores.iter().filter(|&&s| s == best).count() {
        1 if best > 0 => Ok(KindId(
            scores.iter().position(|&s| s == best).unwrap_or(0) as u32
        )),
        _ => Err(FieldError::new(
            Vec::new(),
            format!(
                "cannot tell which input this is: it matches none of {} better than the others",
                names.join(", ")
            ),
        )
        .help("check the top-level field names against the input declarations in the rules")),
    }
}

/// Why a text that should be one record is not a JSON object.
fn not_an_object(text: &str) -> FieldError {
    let error = match serde_json::from_str::<serde::de::IgnoredAny>(text) {
        Err(e) => json_error(&e, text),
        Ok(_) => {
            let found = match text.trim_start().as_bytes().first() {
                Some(b'[') => "a list",
                Some(b'"') => "a text",
                _ => "a single value",
            };
            FieldError::new(
                Vec::new(),
                format!("expected a JSON object (one record), found {found}"),
            )
            .help("each record is one JSON object; a batch is a JSON Lines file or a folder")
        }
    };
    with_positions(text, vec![error]).remove(0)
}

/// The formats a record can come in, for a text that is not JSON at all (a CSV file, say).
const FORMATS: &str = "tally reads JSON: one object per `.json` file, a folder of `.json` files, \
                       JSON Lines (`.jsonl`, one object a line), or `-` for standard input";

fn json_error(e: &serde_json::Error, text: &str) -> FieldError {
    let said = e.to_string();
    let message = match said.rfind(" at line ") {
        Some(i) => said[..i].to_string(),
        None => said,
    };
    let (message, help) = match e.classify() {
        serde_json::error::Category::Eof => (
            format!("the JSON ends too early ({message})"),
            "a `}` or `]` may be missing",
        ),
        // Text that does not even open as JSON is most likely another format.
        serde_json::error::Category::Syntax
            if !matches!(text.trim_start().as_bytes().first(), Some(b'{' | b'[')) =>
        {
            (format!("not valid JSON: {message}"), FORMATS)
        }
        serde_json::error::Category::Syntax => (
            format!("not valid JSON: {message}"),
            "check the JSON syntax near this place",
        ),
        _ if message.starts_with("invalid type") => {
            let found = match message
                .trim_start_matches("invalid type: ")
                .split(',')
                .next()
                .unwrap_or("")
            {
                "sequence" => "a list",
                "map" => "an object",
                other => other,
            };
            (
                format!("expected a JSON object (one record), found {found}"),
                "each record is one JSON object; a batch is a JSON Lines file or a folder",
            )
        }
        _ => (
            message,
            "each record is one JSON object with the fields the rules declare",
        ),
    };
    let mut error = FieldError::new(Vec::new(), message).help(help);
    if e.line() > 0 {
        error.position = Some((e.line(), e.column().max(1)));
    }
    error
}

/// The most problems shown for one record: past these, the others are counted. (Placing each
/// one scans the text, so thousands in a big record would take minutes and help no one.)
const MOST_SHOWN: usize = 50;

fn with_positions(text: &str, mut errors: Vec<FieldError>) -> Vec<FieldError> {
    let more = errors.len().saturating_sub(MOST_SHOWN);
    errors.truncate(MOST_SHOWN);
    for error in &mut errors {
        match error.position {
            None => {
                if let Some(offset) = locate(text, &error.path, error.at_key) {
                    error.position = Some(line_col(text, offset));
                    error.offset = Some(offset);
                }
            }
            Some((line, column)) => error.offset = offset_of(text, line, column),
        }
    }
    if more > 0 {
        errors.push(
            FieldError::new(
                Vec::new(),
                format!("and {more} more problems in this record"),
            )
            .help(format!(
                "the first {MOST_SHOWN} are shown; fix them and run again"
            )),
        );
    }
    errors
}

/// The byte offset of a 1-based line and column (as serde_json counts them).
fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    Some(crate::source::char_start(
        text,
        start + column.saturating_sub(1),
    ))
}

/// What a read has found so far. Errors are recorded with a path relative to the value being
/// read; each enclosing field, index and key puts its step in front as the read unwinds, so
/// the path costs nothing while the data is good.
pub(super) struct Reading<'p> {
    pub program: &'p Program,
    pub errors: Vec<FieldError>,
}

impl Reading<'_> {
    pub(super) fn error(&mut self, message: impl Into<String>, help: Option<String>) {
        let mut error = FieldError::new(Vec::new(), message);
        error.help = help;
        self.errors.push(error);
    }

    /// An error about the map key or field name at the end of the path.
    pub(super) fn error_at_key(&mut self, message: impl Into<String>, help: Option<String>) {
        self.error(message, help);
        if let Some(last) = self.errors.last_mut() {
            last.at_key = true;
        }
    }

    pub(super) fn key_error(
        &mut self,
        key: &str,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        let mut error = FieldError::new(vec![Step::Field(key.to_string())], message);
        error.help = help;
        error.at_key = true;
        self.errors.push(error);
    }

    /// Puts `step` in front of the path of every error recorded since `since`.
    pub(super) fn prefix(&mut self, since: usize, step: impl FnOnce() -> Step) {
        if self.errors.len() > since {
            let step = step();
            for error in &mut self.errors[since..] {
                error.path.insert(0, step.clone());
            }
        }
    }
}
