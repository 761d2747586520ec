//! Evaluation of the shipped rules on any record, under a small budget: eval with reasons
//! and its JSON, and explain in every format. A record may fail, never panic
//! or run past the budget.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use tally::data::read::{detect_kind, read_record};
use tally::explain::{Explainer, render};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let program = common::shipped();
    let as_of = common::as_of();
    let Ok(kind) = detect_kind(program, text) else {
        return;
    };
    if let Ok(outcome) = tally::run::record::evaluate_text(program, Some(kind), text, true, as_of)
    {
        let mut out = String::new();
        tally::report::json::write_outcome(&mut out, &outcome);
    }
    let Ok(record) = read_record(program, kind, text, as_of) else {
        return;
    };
    let explainer = Explainer::new(program);
    if let Ok(explanation) = explainer.explain(kind, record.clone(), None, as_of) {
        let _ = render::text(&explanation);
        let document = render::document(&explanation);
        let _ = document.markdown();
        let _ = document.html();
    }
    if let Ok(summary) = explainer.summary(kind, record, None, as_of) {
        let _ = render::summary_text(&summary);
    }
});
