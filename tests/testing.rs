//! `tally test`: the tests that live next to the rules pass, failures are readable, and dated
//! rate cards are chosen by the scenario's date.

use insta_cmd::assert_cmd_snapshot;

use crate::support::tally;

#[test]
fn the_shipped_rules_pass_their_tests_with_full_coverage() {
    let _digest = crate::support::redact_digest();
    assert_cmd_snapshot!(tally().args(["test", "rules/", "--coverage", "--min-coverage", "100"]));
}

#[test]
fn coverage_below_the_minimum_fails() {
    let _digest = crate::support::redact_digest();
    assert_cmd_snapshot!(tally().args([
        "test",
        "tests/fixtures/coverage",
        "--min-coverage",
        "100"
    ]));
}

#[test]
fn failures_show_expected_and_actual() {
    let _digest = crate::support::redact_digest();
    assert_cmd_snapshot!(tally().args(["test", "tests/fixtures/failing-tests"]));
}

#[test]
fn dated_rate_cards() {
    let _digest = crate::support::redact_digest();
    assert_cmd_snapshot!(tally().args(["test", "tests/fixtures/rate-cards"]));
}

#[test]
fn a_scenario_dated_before_every_card_is_an_error() {
    let _digest = crate::support::redact_digest();
    let data = "tests/fixtures/rate-cards/before-any-card.json";
    assert_cmd_snapshot!(tally().args([
        "eval",
        "tests/fixtures/rate-cards",
        "--data",
        data,
        "--format",
        "json"
    ]));
}
