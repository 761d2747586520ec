//! Every broken rule file gets its diagnostics, all at once, with spans and help.

use std::path::PathBuf;

use crate::support::check_report;

#[test]
fn broken_rule_files() {
    insta::glob!("fixtures/broken/*.tally", |path| {
        let relative = path
            .strip_prefix(std::env::current_dir().unwrap())
            .unwrap_or(path)
            .to_path_buf();
        let report = check_report(&[relative]);
        assert!(!report.is_empty(), "{} has no diagnostic", path.display());
        insta::assert_snapshot!(report);
    });
}

#[test]
fn a_missing_rules_folder_is_an_error() {
    let report = check_report(&[PathBuf::from("no/such/rules")]);
    insta::assert_snapshot!(report);
}

#[test]
fn after_a_syntax_error_every_later_item_is_read_in_place() {
    // Each item after the first mistake is parsed on its own, and its spans moved to where
    // it is in the file: 5,000 items, then a second mistake at the end.
    let dir = crate::support::temp_dir("recovery");
    let mut text = String::from("let broken = \n");
    for i in 0..5_000 {
        text.push_str(&format!("let v{i} = {i}\n"));
    }
    text.push_str("let last  1\n");
    let path = dir.join("many.tally");
    std::fs::write(&path, &text).expect("write");
    let failed = tally::load_rules(&[path]).expect_err("two syntax errors");
    let syntax: Vec<(usize, usize)> = failed
        .diags
        .iter()
        .filter(|d| d.code == tally::diagnostic::Code::Syntax)
        .filter_map(|d| {
            d.location(&failed.sources)
                .map(|(_, line, col)| (line, col))
        })
        .collect();
    assert_eq!(
        syntax.len(),
        2,
        "syntax errors at {:?}",
        &syntax[..syntax.len().min(5)]
    );
    assert_eq!(syntax, vec![(2, 1), (5_002, 11)]);
}
