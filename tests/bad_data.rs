//! Bad data files are rejected with the file, the field path, line and column, and no result.

use crate::support::{eval_report, shipped_rules};

#[test]
fn bad_data_files() {
    let program = shipped_rules();
    insta::glob!("fixtures/bad-data/*.json", |path| {
        let relative = path
            .strip_prefix(std::env::current_dir().unwrap())
            .unwrap_or(path);
        let report = eval_report(&program, relative);
        assert!(
            report.contains("bad-data"),
            "{} was evaluated:\n{report}",
            path.display()
        );
        insta::assert_snapshot!(report);
    });
}
