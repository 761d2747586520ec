//! One record end to end: which input it is, reading it, and evaluating every designation and
//! output of that input's rules.

use std::sync::Arc;

use chrono::NaiveDate;

use crate::data::FieldError;
use crate::data::read::{detect_kind, identifier, read_record};
use crate::eval::designation::DesignationResult;
use crate::eval::{EvalError, Evaluation};
use crate::ir::value::{RecordValue, Value};
use crate::ir::{KindId, Program};
use crate::stamp::Stamp;

/// What the rules computed for one record.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub kind: KindId,
    /// The identifier field's name and value (`partner_id`, `P-0001`).
    pub id: Option<(String, String)>,
    pub display_name: Option<String>,
    pub designations: Vec<DesignationResult>,
    pub output: Vec<(String, Value)>,
    /// The evaluation date used, the rules and the version of tally.
    pub stamp: Stamp,
}

/// Why a record has no outcome.
#[derive(Debug, Clone)]
pub enum RecordError {
    /// The data does not fit the declared input.
    Data {
        id: Option<String>,
        errors: Vec<FieldError>,
    },
    /// A rule failed on this data (a division by zero, say).
    Rule {
        id: Option<String>,
        error: EvalError,
    },
}

/// Reads and evaluates one JSON record, as of its own evaluation date or `as_of` when it has
/// none. `kind` forces the input kind; otherwise it is detected. With `reasons`, results say
/// why (a designation's path).
pub fn evaluate_text(
    program: &Program,
    kind: Option<KindId>,
    text: &str,
    reasons: bool,
    as_of: NaiveDate,
) -> Result<Outcome, RecordError> {
    let kind = match kind {
        Some(k) => k,
        None => detect_kind(program, text).map_err(|e| RecordError::Data {
            id: None,
            errors: vec![e],
        })?,
    };
    let record = read_record(program, kind, text, as_of).map_err(|errors| {
        let errors = match wrong_kind(program, kind, &errors) {
            Some(error) => vec![error],
            None => errors,
        };
        RecordError::Data {
            id: identifier(program, kind, text),
            errors,
        }
    })?;
    evaluate_record(program, kind, record, reasons, as_of)
}

/// Data of another kind than the rules read (a partner given to burn-rate rules) fails with one
/// clear error instead of a list of unknown and missing fields.
fn wrong_kind(program: &Program, kind: KindId, errors: &[FieldError]) -> Option<FieldError> {
    let top_level = |e: &&FieldError| e.path.len() == 1 && e.at_key;
    let unknown: Vec<String> = errors
        .iter()
        .filter(top_level)
        .filter(|e| e.message.starts_with("unknown field"))
        .filter_map(|e| match &e.path[0] {
            crate::data::Step::Field(name) => Some(name.clone()),
            _ => None,
        })
        .collect();
    let missing = errors
        .iter()
        .filter(|e| e.path.is_empty() && e.message.starts_with("missing field"))
        .count();
    let input = program.kind(kind);
    let shape = program.record(input.record);
    if unknown.len() < 2
        || missing * 2
            < shape
                .fields
                .iter()
                .filter(|f| !f.optional && f.default.is_none())
                .count()
    {
        return None;
    }
    let declared: Vec<&str> = shape.fields.iter().map(|f| f.name.as_str()).collect();
    Some(
        FieldError::new(
            Vec::new(),
            format!(
                "this is not `{}` data, the input these rules read: it has {}",
                input.name,
                unknown.join(", ")
            ),
        )
        .help(format!(
            "`{}` has {}; give rules that read this data, or data these rules read",
            input.name,
            declared.join(", ")
        )),
    )
}

/// Evaluates a record that has been read, as of its own evaluation date or `as_of`.
pub fn evaluate_record(
    program: &Program,
    kind: KindId,
    record: Arc<RecordValue>,
    reasons: bool,
    as_of: NaiveDate,
) -> Result<Outcome, RecordError> {
    let input = program.kind(kind);
    let text_field = |index: Option<u32>| {
        index.and_then(|i| match &record.fields[i as usize] {
            Value::Text(t) => Some(t.to_string()),
            _ => None,
        })
    };
    let id = text_field(input.identifier).map(|value| {
        (
            program.record(input.record).fields[input.identifier.unwrap_or(0) as usize]
                .name
                .clone(),
            value,
        )
    });
    let display_name = text_field(input.display_name);
    let mut ev = Evaluation::new(program, kind, record, as_of);
    ev.reasons = reasons;
    let rule_error = |error: EvalError| RecordError::Rule {
        id: id.as_ref().map(|(_, v)| v.clone()),
        error,
    };
    let mut designations = Vec::with_capacity(input.designations.len());
    let date = ev.date;
    for d in input
        .designations
        .iter()
        .filter(|d| d.period.contains(date))
    {
        designations.push(ev.designation(d).map_err(rule_error)?);
    }
    let mut output = Vec::with_capacity(input.output.len());
    for field in &input.output {
        let value = ev
            .with_frame(field.body.frame, |ev| ev.eval(&field.body.expr))
            .map_err(|e| {
                crate::eval::budget::name_rule(e, "the output field", &field.name, field.span)
            })
            .map_err(rule_error)?;
        output.push((field.name.clone(), value));
    }
    Ok(Outcome {
        kind,
        id,
        display_name,
        designations,
        output,
        stamp: Stamp::new(ev.date, program.rules_digest()),
    })
}
