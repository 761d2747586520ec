//! Batches: records evaluated a chunk at a time on every core, printed in their input order.

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::data::batch::RawRecord;
use crate::evaluate::{Outcome, RecordError, evaluate_text};
use crate::ir::{KindId, Program};
use crate::report;

/// How results are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A breakdown for people.
    Table,
    /// The data contract's JSON, one line per record.
    Json,
}

/// How a batch is evaluated and printed.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    pub format: Format,
    /// The evaluation date of a record that carries none (`--as-of`, or today).
    pub as_of: NaiveDate,
    /// Whether each result also gets its line of the decision log (`--decision-log`).
    pub decision_log: bool,
}

impl Settings {
    pub fn new(format: Format, as_of: NaiveDate) -> Settings {
        Settings {
            format,
            as_of,
            decision_log: false,
        }
    }
}

/// One record's printed result, and its decision-log line when asked for.
#[derive(Debug)]
pub struct Printed {
    pub text: String,
    pub log: Option<String>,
}

/// Evaluates a chunk of records in parallel: each one's printed result, or why it has none.
pub fn evaluate_chunk(
    program: &Program,
    kind: Option<KindId>,
    chunk: &[RawRecord],
    settings: Settings,
) -> Vec<Result<Printed, RecordError>> {
    chunk
        .par_iter()
        .map(|record| evaluate_one(program, kind, record, settings))
        .collect()
}

pub fn evaluate_one(
    program: &Program,
    kind: Option<KindId>,
    record: &RawRecord,
    settings: Settings,
) -> Result<Printed, RecordError> {
    if let Some(error) = record.encoding_error() {
        return Err(RecordError::Data {
            id: None,
            errors: vec![error],
        });
    }
    let outcome = evaluate_text(
        program,
        kind,
        &record.text,
        settings.format == Format::Table,
        settings.as_of,
    )?;
    let mut json = String::new();
    if settings.format == Format::Json || settings.decision_log {
        json.reserve(2048);
        report::json::write_outcome(&mut json, &outcome);
    }
    let log = settings
        .decision_log
        .then(|| decision_line(&outcome, record, &json));
    let mut text = match settings.format {
        Format::Json => json,
        Format::Table => {
            let mut text = String::with_capacity(2048);
            report::table::write_outcome(&mut text, &outcome, &record.origin.to_string());
            text
        }
    };
    text.push('\n');
    Ok(Printed { text, log })
}

fn decision_line(outcome: &Outcome, record: &RawRecord, json: &str) -> String {
    crate::stamp::decision_line(
        outcome.id.as_ref().map(|(_, id)| id.as_str()),
        &record.origin.to_string(),
        record.logged_bytes(),
        &outcome.stamp,
        Ok(json),
    )
}
