//! Bad data files are rejected with the file, the field path, line and column, and no result.

use tally::run::record::{RecordError, evaluate_text};

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

#[test]
fn a_record_with_thousands_of_problems_shows_the_first_fifty() {
    // Placing each problem scans the text: all 5,000 would take minutes on a big record.
    let program = shipped_rules();
    let customers: Vec<String> = (0..5_000)
        .map(|i| {
            format!(r#"{{"id":"C{i}","segment":"smb","attribution":"CSP","acr":{{"2025-01":-1}}}}"#)
        })
        .collect();
    let text = format!(
        r#"{{"partner_id":"P","as_of":"2025-03-01","customers":[{}],"certifications":[],"deployments":[]}}"#,
        customers.join(",")
    );
    let Err(RecordError::Data { errors, .. }) =
        evaluate_text(&program, None, &text, false, crate::support::as_of())
    else {
        panic!("negative ACR was accepted");
    };
    assert_eq!(errors.len(), 51);
    assert!(errors[..50].iter().all(|e| e.position.is_some()));
    assert_eq!(errors[50].message, "and 4950 more problems in this record");
}
