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
