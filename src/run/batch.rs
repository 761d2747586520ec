//! Batches: records evaluated a chunk at a time on every core, printed in their input order.

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::ir::{KindId, Program};
use crate::run::input::RawRecord;
use crate::run::record::{Outcome, RecordError, evaluate_text};

/// Evaluates a chunk of records in parallel and prints each outcome with `print` (a report
/// format, chosen by the caller): each record's text, or why it has none. `reasons` asks for
/// the condition behind each value chosen by `if`, which only the table shows; `as_of` is the
/// evaluation date of a record that carries none.
pub fn evaluate_chunk<P, T>(
    program: &Program,
    kind: Option<KindId>,
    chunk: &[RawRecord],
    reasons: bool,
    as_of: NaiveDate,
    print: P,
) -> Vec<Result<T, RecordError>>
where
    P: Fn(&Outcome, &RawRecord) -> T + Sync,
    T: Send,
{
    chunk
        .par_iter()
        .map(|record| evaluate_one(program, kind, record, reasons, as_of, &print))
        .collect()
}

fn evaluate_one<P, T>(
    program: &Program,
    kind: Option<KindId>,
    record: &RawRecord,
    reasons: bool,
    as_of: NaiveDate,
    print: P,
) -> Result<T, RecordError>
where
    P: Fn(&Outcome, &RawRecord) -> T,
{
    if let Some(error) = record.encoding_error() {
        return Err(RecordError::Data {
            id: None,
            errors: vec![error],
        });
    }
    let outcome = evaluate_text(program, kind, &record.text, reasons, as_of)?;
    Ok(print(&outcome, record))
}
