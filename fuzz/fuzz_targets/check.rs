//! Parser and checker on any rule text; when the text checks, its tests run under a small
//! budget. Nothing may panic or run past the budget, and every diagnostic must render.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use tally::diagnostic::Diags;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut diags = Diags::default();
    let loaded = tally::load::load_texts(&[("fuzz.tally", text)], &mut diags);
    match tally::check::check(loaded, diags) {
        Err(rejected) => common::render(&rejected.diags, &rejected.sources),
        Ok((mut program, warnings)) => {
            common::render(&warnings, &program.sources);
            let problems = tally::testing::data_problems(&program);
            common::render(&problems, &program.sources);
            if problems.is_empty() {
                program.budget = common::BUDGET;
                let _ = tally::testing::run(&program, common::as_of(), None);
            }
        }
    }
});
