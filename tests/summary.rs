//! `tally eval`'s closing summary on standard error, `--quiet`, and data that is not JSON.

use std::path::Path;

use crate::support::{Test, tally};

/// The shipped rules, by absolute path (a [`Test`] runs in a folder of its own).
fn rules() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("rules")
        .display()
        .to_string()
}

/// Runs `tally eval` over the shipped rules and `data` (plus `extra` arguments): stdout and
/// stderr.
fn eval(data: &str, extra: &[&str]) -> (String, String) {
    let output = tally()
        .args(["eval", "--as-of", "2025-03-01", "rules/", "--data", data])
        .args(extra)
        .output()
        .expect("tally runs");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn the_shipped_example_ends_with_a_summary() {
    let (_, stderr) = eval("examples/partner-smb.json", &[]);
    insta::assert_snapshot!(stderr);
}

#[test]
fn a_scenario_summary_is_only_counts() {
    let (_, stderr) = eval("examples/support-agent.json", &[]);
    assert_eq!(stderr, "tally: 1 record evaluated, 0 failed\n");
}

#[test]
fn a_two_record_batch_counts_each_designation() {
    let lines = std::fs::read_to_string("examples/partners/partners.jsonl").expect("partners");
    // GP-0005 attains Data & AI only; GP-0006 attains all three.
    let two: String = lines
        .lines()
        .skip(4)
        .take(2)
        .map(|l| format!("{l}\n"))
        .collect();
    let test = Test::new("summary-two").file("two.jsonl", &two);
    let data = test.dir().join("two.jsonl").display().to_string();
    let (_, stderr) = eval(&data, &[]);
    assert_eq!(
        stderr,
        "tally: 2 records evaluated, 0 failed\n\
         tally: attained: Data & AI (Azure) 2 of 2, Digital & App Innovation (Azure) 1 of 2, \
         Infrastructure (Azure) 1 of 2\n"
    );
}

#[test]
fn quiet_removes_the_summary_but_not_the_results() {
    let (stdout, loud) = eval("examples/partner-smb.json", &["--format", "json"]);
    assert!(loud.contains("1 record evaluated"), "{loud}");
    let (quiet_stdout, quiet) = eval(
        "examples/partner-smb.json",
        &["--format", "json", "--quiet"],
    );
    assert_eq!(quiet, "");
    assert_eq!(quiet_stdout, stdout, "--quiet changes standard error only");
}

#[test]
fn a_csv_file_is_told_which_formats_tally_reads() {
    let rules = rules();
    let ran = Test::new("summary-csv")
        .file("partners.csv", "partner_id,name\nP-1,Contoso\n")
        .args(["eval", &rules, "--data", "partners.csv"])
        .status(1)
        .stderr_has("partners.csv:1:1")
        .stderr_has("not valid JSON")
        .stderr_has("tally reads JSON")
        .stderr_has("(`.jsonl`")
        .stderr_has("for standard input")
        .run();
    assert_eq!(ran.stdout, "");
}

#[test]
fn a_json_file_holding_csv_is_told_the_formats_too() {
    let rules = rules();
    Test::new("summary-csv-json")
        .file("partners.json", "partner_id,name\nP-1,Contoso\n")
        .args(["eval", &rules, "--data", "partners.json"])
        .status(1)
        .stderr_has("partners.json:1:1")
        .stderr_has("tally reads JSON")
        .run();
}

#[test]
fn broken_json_keeps_the_syntax_help() {
    let rules = rules();
    let ran = Test::new("summary-broken-json")
        .file("p.json", "{\"partner_id\": \"P-1\" \"name\": \"x\"}\n")
        .args(["eval", &rules, "--data", "p.json"])
        .status(1)
        .stderr_has("check the JSON syntax")
        .run();
    assert!(!ran.stderr.contains("tally reads JSON"), "{}", ran.stderr);
}

#[test]
fn quiet_still_counts_failures() {
    let rules = rules();
    let ran = Test::new("summary-quiet-failed")
        .file("p.json", "{\"partner_id\": \"P-1\"\n")
        .args(["eval", &rules, "--data", "p.json", "--quiet"])
        .status(1)
        .stderr_has("tally: 0 records evaluated, 1 failed\n")
        .run();
    assert!(!ran.stderr.contains("attained"), "{}", ran.stderr);
}
