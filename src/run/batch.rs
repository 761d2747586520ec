//! Batches: records evaluated a chunk at a time on every core, printed in their input order.

use rayon::prelude::*;

use crate::ir::{KindId, Program};
use crate::report;
use crate::run::input::RawRecord;
use crate::run::record::{RecordError, evaluate_text};

/// How results are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A breakdown for people.
    Table,
    /// The data contract's JSON, one line per record.
    Json,
}

/// Evaluates a chunk of records in parallel: each one's printed result, or why it has none.
pub fn evaluate_chunk(
    program: &Program,
    kind: Option<KindId>,
    chunk: &[RawRecord],
    format: Format,
) -> Vec<Result<String, RecordError>> {
    chunk
        .par_iter()
        .map(|record| evaluate_one(program, kind, record, format))
        .collect()
}

pub fn evaluate_one(
    program: &Program,
    kind: Option<KindId>,
    record: &RawRecord,
    format: Format,
) -> Result<String, RecordError> {
    if let Some(error) = record.encoding_error() {
        return Err(RecordError::Data {
            id: None,
            errors: vec![error],
        });
    }
    let outcome = evaluate_text(program, kind, &record.text, format == Format::Table)?;
    let mut text = String::with_capacity(2048);
    match format {
        Format::Json => report::json::write_outcome(&mut text, &outcome),
        Format::Table => {
            report::table::write_outcome(&mut text, &outcome, &record.origin.to_string())
        }
    }
    text.push('\n');
    Ok(text)
}
