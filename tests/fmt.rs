//! `tally fmt`: idempotent, never changes a token, never changes a result.

use std::path::{Path, PathBuf};

use pest::Parser;
use tally::syntax::format::{format, same_parse, tokens};
use tally::syntax::grammar::{Rule, TallyParser};

use crate::support::{eval_json, rule_files, shipped_rules, temp_dir};

fn every_rule_file() -> Vec<PathBuf> {
    let mut files = rule_files(Path::new("rules"));
    files.extend(rule_files(Path::new("tests/fixtures")));
    files
}

#[test]
fn formatting_is_idempotent_and_keeps_every_token() {
    for path in every_rule_file() {
        let text = std::fs::read_to_string(&path).expect("readable");
        let once =
            format(&text).unwrap_or_else(|| panic!("{} cannot be formatted", path.display()));
        assert_eq!(
            format(&once).as_deref(),
            Some(once.as_str()),
            "{}: formatting twice changes it",
            path.display()
        );
        assert_eq!(
            tokens(&text),
            tokens(&once),
            "{}: formatting changed a token",
            path.display()
        );
        // Blanks matter inside some tokens of the grammar (`-5` in `at least -5`).
        if TallyParser::parse(Rule::file, &text).is_ok() {
            assert!(
                same_parse(&text, &once),
                "{}: the formatted file does not parse the same",
                path.display()
            );
        }
    }
}

#[test]
fn shipped_rules_are_formatted() {
    let files = rule_files(Path::new("rules"));
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable");
        assert_eq!(
            format(&text).as_deref(),
            Some(text.as_str()),
            "{} is not formatted: run `tally fmt`",
            path.display()
        );
    }
}

#[test]
fn the_canonical_layout() {
    let text = std::fs::read_to_string("tests/fixtures/fmt/unformatted.tally").expect("fixture");
    insta::assert_snapshot!(format(&text).expect("formats"));
}

/// Every fixture evaluates the same with rules/ formatted from a scrambled layout.
#[test]
fn formatted_rules_evaluate_the_same() {
    let original = shipped_rules();
    let dir = temp_dir("fmt");
    let files = rule_files(Path::new("rules"));
    for path in &files {
        // Scramble the layout first (indentation and spaces), so formatting has work to do.
        let text = std::fs::read_to_string(path).expect("readable");
        let scrambled: String = text.lines().map(|l| format!("\t {}\n", l.trim())).collect();
        let formatted = format(&scrambled).expect("formats");
        let target = dir.join(path.strip_prefix("rules").expect("under rules"));
        std::fs::create_dir_all(target.parent().expect("parent")).expect("folder");
        std::fs::write(target, formatted).expect("write");
    }
    let (formatted, _) =
        tally::load_rules(std::slice::from_ref(&dir)).expect("formatted rules check");
    for folder in ["tests/fixtures/partners", "tests/fixtures/scenarios"] {
        for path in crate::support::files(Path::new(folder), "json") {
            let text = std::fs::read_to_string(&path).expect("fixture");
            assert_eq!(
                eval_json(&original, &text),
                eval_json(&formatted, &text),
                "{}",
                path.display()
            );
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_no_break_space_is_written_as_a_space() {
    // The grammar takes any Unicode space between words; the layout writes a plain one.
    assert_eq!(
        format("let\u{a0}x =\u{2003}1\n").as_deref(),
        Some("let x = 1\n")
    );
}
