//! The command line: output and exit codes, as a user sees them.

use insta_cmd::assert_cmd_snapshot;

use crate::support::tally;

#[test]
fn help() {
    let _digest = crate::support::redact_digest();
    assert_cmd_snapshot!(tally().arg("--help"));
    assert_cmd_snapshot!(tally().args(["eval", "--help"]));
}

#[test]
fn eval_table() {
    let _digest = crate::support::redact_digest();
    assert_cmd_snapshot!(tally().args([
        "eval",
        "--as-of",
        "2025-03-01",
        "rules/",
        "--data",
        "examples/partner-smb.json"
    ]));
}

#[test]
fn eval_json() {
    let _digest = crate::support::redact_digest();
    assert_cmd_snapshot!(tally().args([
        "eval",
        "--as-of",
        "2025-03-01",
        "rules/",
        "--data",
        "examples/partner-smb.json",
        "--format",
        "json"
    ]));
    assert_cmd_snapshot!(tally().args([
        "eval",
        "--as-of",
        "2025-03-01",
        "rules/",
        "--data",
        "examples/support-agent.json",
        "--format",
        "json"
    ]));
}

#[test]
fn eval_bad_data_exits_1() {
    let _digest = crate::support::redact_digest();
    assert_cmd_snapshot!(tally().args([
        "eval",
        "--as-of",
        "2025-03-01",
        "rules/",
        "--data",
        "tests/fixtures/bad-data/month-13.json",
        "--format",
        "json"
    ]));
}

#[test]
fn eval_broken_rules_exits_2() {
    let _digest = crate::support::redact_digest();
    assert_cmd_snapshot!(tally().args([
        "eval",
        "--as-of",
        "2025-03-01",
        "tests/fixtures/broken/unknown-name.tally",
        "--data",
        "examples/partner-smb.json"
    ]));
}

#[test]
fn eval_missing_data_exits_2() {
    let _digest = crate::support::redact_digest();
    assert_cmd_snapshot!(tally().args([
        "eval",
        "--as-of",
        "2025-03-01",
        "rules/",
        "--data",
        "no-such.json"
    ]));
}

#[test]
fn a_json_lines_batch_with_a_bad_line() {
    let _digest = crate::support::redact_digest();
    // The bad partner is reported with its line; the others (and a scenario) are evaluated.
    assert_cmd_snapshot!(tally().args([
        "eval",
        "--as-of",
        "2025-03-01",
        "rules/",
        "--data",
        "tests/fixtures/batch/mixed.jsonl",
        "--format",
        "json"
    ]));
}

#[test]
fn standard_input() {
    let _digest = crate::support::redact_digest();
    let example = std::fs::read("examples/support-agent.json").expect("example");
    assert_cmd_snapshot!(
        tally()
            .args([
                "eval",
                "--as-of",
                "2025-03-01",
                "rules/",
                "--data",
                "-",
                "--format",
                "json"
            ])
            .pass_stdin(example)
    );
}

#[test]
fn bytes_that_are_not_utf8_stop_only_their_record() {
    let _digest = crate::support::redact_digest();
    // A byte-order mark is ignored; a record with a byte that is not UTF-8 is reported with its
    // line and column, and the records around it are evaluated.
    let mut input = b"\xEF\xBB\xBF".to_vec();
    input.extend_from_slice(br#"{"tenant":"First","agents":[]}"#);
    input.extend_from_slice(b"\n{\"tenant\":\"Caf\xE9\",\"agents\":[]}\n");
    input.extend_from_slice(br#"{"tenant":"Third","agents":[]}"#);
    assert_cmd_snapshot!(
        tally()
            .args([
                "eval",
                "--as-of",
                "2025-03-01",
                "rules/",
                "--data",
                "-",
                "--format",
                "json"
            ])
            .pass_stdin(input)
    );
}

#[test]
fn a_sum_that_needs_more_than_28_digits_is_an_error_not_a_rounded_score() {
    let _digest = crate::support::redact_digest();
    // February 2024 totals 1000.00000000000000000000000001 (30 significant digits). Rounded, growth
    // to 1060 would be exactly 6% and score 6 points; exactly, it is just under 6%.
    assert_cmd_snapshot!(tally().args([
        "eval",
        "--as-of",
        "2025-03-01",
        "rules/",
        "--data",
        "tests/fixtures/precision/sum-beyond-28-digits.json",
        "--format",
        "json"
    ]));
}

#[test]
fn a_rule_that_fails_on_some_data() {
    let _digest = crate::support::redact_digest();
    // A division by zero stops that record, names the rule's line, and the others are evaluated.
    assert_cmd_snapshot!(tally().args([
        "eval",
        "--as-of",
        "2025-03-01",
        "tests/fixtures/runtime/division.tally",
        "--data",
        "tests/fixtures/runtime",
        "--format",
        "json"
    ]));
}

#[test]
fn a_month_or_date_past_9999_is_an_error() {
    let _digest = crate::support::redact_digest();
    for rules in ["months", "days"] {
        assert_cmd_snapshot!(tally().args([
            "eval",
            "--as-of",
            "2025-03-01",
            &format!("tests/fixtures/runtime/{rules}.tally"),
            "--data",
            "tests/fixtures/runtime/two.json",
        ]));
    }
}

#[test]
fn a_problem_on_a_very_wide_line_is_placed_without_a_snippet() {
    let _digest = crate::support::redact_digest();
    // miette cannot draw a label past column 65,535, and such a line is unreadable anyway: the
    // place is given as file:line:column instead, for rules and for data.
    let dir = crate::support::temp_dir("wide");
    let wide = " ".repeat(70_000);
    let input = "input shop {\n  name: text, identifier\n}\n";
    std::fs::write(
        dir.join("shop.tally"),
        format!("{input}output {{ greeting: \"hello\" }}\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("wide.tally"),
        format!("{input}let a = 1{wide}+ nope\noutput {{ a: a }}\n"),
    )
    .unwrap();
    std::fs::write(dir.join("wide.json"), format!("{wide}{{ \"name\": 1 }}")).unwrap();
    assert_cmd_snapshot!(tally().current_dir(&dir).args(["check", "wide.tally"]));
    assert_cmd_snapshot!(tally().current_dir(&dir).args([
        "eval",
        "--as-of",
        "2025-03-01",
        "shop.tally",
        "--data",
        "wide.json"
    ]));
}

#[test]
fn data_of_another_kind() {
    let _digest = crate::support::redact_digest();
    assert_cmd_snapshot!(tally().args([
        "eval",
        "--as-of",
        "2025-03-01",
        "rules/copilot-studio",
        "--data",
        "examples/partner-smb.json"
    ]));
}
