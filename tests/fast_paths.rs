//! The speed-ups that earn their place (docs/performance.md) give the same results and the
//! same errors as the plain path, on every fixture: `check/memo.rs` against the checker without
//! it, `eval/lookups.rs` against rules whose loops it does not recognise.

use std::path::{Path, PathBuf};

use tally::diagnostic::Diags;
use tally::ir::Program;
use tally::report;
use tally::run::record::{RecordError, evaluate_text};

use crate::support::{as_of, files, temp_dir};

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

/// Every fixture, as (path, text).
fn fixtures() -> Vec<(PathBuf, String)> {
    let mut records = Vec::new();
    for folder in [
        "tests/fixtures/partners",
        "tests/fixtures/scenarios",
        "tests/fixtures/bad-data",
        "tests/fixtures/precision",
        "examples",
    ] {
        for path in files(Path::new(folder), "json") {
            let text = std::fs::read_to_string(&path).expect("readable");
            records.push((path, text));
        }
    }
    assert!(records.len() > 50, "{} records", records.len());
    records
}

/// Rules loaded from rule texts named `test.tally`.
fn program(text: &str) -> Program {
    let mut diags = Diags::default();
    let loaded = tally::load::load_texts(&[("test.tally", text)], &mut diags);
    let checked = tally::check::check(loaded, diags);
    checked.unwrap_or_else(|r| panic!("{:?}", r.diags)).0
}

/// `text` with every one-key lookup `m[k]` written `(m[k] * 1)`: the same numbers, in a loop
/// body that `eval/lookups.rs` does not recognise, so the general loop evaluates it.
fn without_lookup_loops(text: &str) -> String {
    let lookup = regex::Regex::new(r"\b((?:\w+\.)?\w+\[\w+\])").expect("pattern");
    lookup.replace_all(text, "($1 * 1)").into_owned()
}

#[test]
fn lookup_loops_give_the_results_and_errors_of_the_general_loop() {
    // The shipped rules, with and without loops the fast path takes.
    let copy = temp_dir("lookups-plain");
    let mut rewritten = 0;
    for path in files(Path::new("rules"), "tally") {
        let text = std::fs::read_to_string(&path).expect("readable");
        let plain = without_lookup_loops(&text);
        rewritten += usize::from(plain != text);
        let target = copy.join(path.strip_prefix("rules").expect("under rules/"));
        std::fs::create_dir_all(target.parent().expect("a folder")).expect("folder");
        std::fs::write(target, plain).expect("written");
    }
    assert!(rewritten >= 2, "the shipped rules have loops of this shape");
    let fast = rules(true);
    let mut diags = Diags::default();
    let loaded = tally::load::load(std::slice::from_ref(&copy), &mut diags);
    let plain = tally::check::check(loaded, diags)
        .unwrap_or_else(|r| panic!("{:?}", r.diags))
        .0;
    // The rewritten rules have another digest, and places further on in their text; everything
    // else is the same.
    let digest =
        regex::Regex::new(r#""rules_digest":"[0-9a-f]+"|start: \d+, end: \d+"#).expect("pattern");
    let result =
        |program: &Program, text: &str| digest.replace(&result(program, text), "").into_owned();
    for (path, text) in fixtures() {
        assert_eq!(
            result(&fast, &text),
            result(&plain, &text),
            "{}",
            path.display()
        );
    }

    // Missing keys, overflow, absent values and empty lists, on both sides of a comparison.
    let rules = "input shop {\n  name: text, identifier\n  months: list of month\n  \
                 sales: map of month to number\n  limit: number\n}\n\
                 let total = sum m in months: sales[m]\n\
                 let some_over = any m in months: sales[m] > limit\n\
                 let all_under = all m in months: limit >= sales[m]\n\
                 output {\n  total: total\n  some_over: some_over\n  all_under: all_under\n}\n";
    let (fast, plain) = (program(rules), program(&without_lookup_loops(rules)));
    let big = "79228162514264337593543950335";
    for record in [
        r#"{"name": "a", "months": ["2026-01", "2026-02"], "sales": {"2026-01": 1.50, "2026-02": 2}, "limit": 2}"#,
        r#"{"name": "b", "months": [], "sales": {}, "limit": 0}"#,
        r#"{"name": "c", "months": ["2026-01", "2026-03"], "sales": {"2026-01": 5}, "limit": 9}"#,
        r#"{"name": "d", "months": ["2026-03"], "sales": {"2026-01": 5}, "limit": 1}"#,
        &format!(
            r#"{{"name": "e", "months": ["2026-01", "2026-02"], "sales": {{"2026-01": {big}, "2026-02": {big}}}, "limit": 1}}"#
        ),
    ] {
        assert_eq!(result(&fast, record), result(&plain, record), "{record}");
    }
}

#[test]
fn memo_gives_the_results_and_errors_of_the_plain_program() {
    let (memo, plain) = (rules(true), rules(false));
    for (path, text) in fixtures() {
        assert_eq!(
            result(&memo, &text),
            result(&plain, &text),
            "{}",
            path.display()
        );
    }
}
