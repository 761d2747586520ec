//! The formatter on any rule text that parses: the layout reads the same (the same parse
//! tree; where the file checks, the same test results), and formatting it again changes
//! nothing.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use tally::diagnostic::Diags;
use tally::syntax::format::{format_or_why, same_parse};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // `tally fmt` formats only files that parse.
    let mut diags = Diags::default();
    let mut sources = tally::source::SourceMap::default();
    let id = sources.add(std::path::Path::new("fuzz.tally"), text.to_string());
    tally::syntax::parse::parse_file(id, text, &mut diags);
    if diags.has_errors() {
        return;
    }
    let Ok(formatted) = format_or_why(text) else {
        return;
    };
    assert!(
        same_parse(text, &formatted),
        "the layout does not read the same:\n{formatted}"
    );
    let again = format_or_why(&formatted).expect("a formatted file formats");
    assert_eq!(again, formatted, "formatting twice changes the file");
    assert_eq!(tests(text), tests(&formatted), "the tests' results changed");
});

/// Each test's name and whether it passed, when the text checks.
fn tests(text: &str) -> Option<Vec<(String, bool)>> {
    let mut diags = Diags::default();
    let loaded = tally::load::load_texts(&[("fuzz.tally", text)], &mut diags);
    let (mut program, _) = tally::check::check(loaded, diags).ok()?;
    if !tally::testing::data_problems(&program).is_empty() {
        return None;
    }
    program.budget = common::BUDGET;
    let results = tally::testing::run(&program, common::as_of(), None);
    Some(results.iter().map(|r| (r.name.clone(), r.passed())).collect())
}
