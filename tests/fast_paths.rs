//! The speed-ups that earn their place (docs/performance.md) give the same results and the
//! same errors as the plain path, on every fixture.

use std::path::{Path, PathBuf};

use tally::diagnostic::Diags;
use tally::ir::Program;
use tally::report;
use tally::run::record::{RecordError, evaluate_text};

use crate::support::{as_of, files};

/// The shipped rules, checked with or without `memo`.
fn rules(memoize: bool) -> Program {
    let mut diags = Diags::default();
    let loaded = tally::load::load(&[PathBuf::from("rules")], &mut diags);
    let checked = if memoize {
        tally::check::check(loaded, diags)
    } else {
        tally::check::check_plain(loaded, diags)
    };
    checked.unwrap_or_else(|r| panic!("{:?}", r.diags)).0
}

/// A record's result as JSON, or its errors (messages, help and places).
fn result(program: &Program, text: &str) -> String {
    match evaluate_text(program, None, text, true, as_of()) {
        Ok(outcome) => {
            let mut json = String::new();
            report::json::write_outcome(&mut json, &outcome);
            json
        }
        Err(RecordError::Data { errors, .. }) => format!("{errors:?}"),
        Err(RecordError::Rule { error, .. }) => {
            format!("{} | {:?} | {:?}", error.message, error.help, error.span)
        }
    }
}

#[test]
fn memo_gives_the_results_and_errors_of_the_plain_program() {
    let (memo, plain) = (rules(true), rules(false));
    let mut records = 0;
    for folder in [
        "tests/fixtures/partners",
        "tests/fixtures/scenarios",
        "tests/fixtures/bad-data",
        "tests/fixtures/precision",
        "examples",
    ] {
        for path in files(Path::new(folder), "json") {
            let text = std::fs::read_to_string(&path).expect("readable");
            assert_eq!(
                result(&memo, &text),
                result(&plain, &text),
                "{}",
                path.display()
            );
            records += 1;
        }
    }
    assert!(records > 50, "{records} records");
}
