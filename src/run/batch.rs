//! Batches: records evaluated a chunk at a time on every core, printed in their input order.

use rayon::prelude::*;

use crate::ir::{KindId, Program};
use crate::run::input::RawRecord;
use crate::run::record::{Outcome, RecordError, evaluate_text};

/// Evaluates a chunk of records in parallel and prints each outcome with `print` (a report
/// format, chosen by the caller): each record's text, or why it has none. `reasons` asks for
/// the condition behind each value chosen by `if`, which only the table shows.
pub fn evaluate_chunk<P>(
    program: &Program,
    kind: Option<KindId>,
    chunk: &[RawRecord],
    reasons: bool,
    print: P,
) -> Vec<Result<String, RecordError>>
where
    P: Fn(&Outcome, &RawRecord) -> String + Sync,
{
    chunk
        .par_iter()
        .map(|record| evaluate_one(program, kind, record, reasons, &print))
        .collect()
}

fn evaluate_one<P>(
    program: &Program,
    kind: Option<KindId>,
    record: &RawRecord,
    reasons: bool,
    print: P,
) -> Result<String, RecordError>
where
    P: Fn(&Outcome, &RawRecord) -> String,
{
    if let Some(error) = record.encoding_error() {
        return Err(RecordError::Data {
            id: None,
            errors: vec![error],
        });
    }
    let outcome = evaluate_text(program, kind, &record.text, reasons)?;
    Ok(print(&outcome, record))
}
