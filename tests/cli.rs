//! The command line: output and exit codes, as a user sees them.

use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

fn tally() -> Command {
    let mut cmd = Command::new(get_cargo_bin("tally"));
    cmd.env("NO_COLOR", "1").env_remove("RUST_BACKTRACE");
    cmd
}

#[test]
fn help() {
    assert_cmd_snapshot!(tally().arg("--help"));
    assert_cmd_snapshot!(tally().args(["eval", "--help"]));
}

#[test]
fn eval_table() {
    assert_cmd_snapshot!(tally().args(["eval", "rules/", "--data", "examples/partner-smb.json"]));
}

#[test]
fn eval_json() {
    assert_cmd_snapshot!(tally().args([
        "eval",
        "rules/",
        "--data",
        "examples/partner-smb.json",
        "--format",
        "json"
    ]));
    assert_cmd_snapshot!(tally().args([
        "eval",
        "rules/",
        "--data",
        "examples/support-agent.json",
        "--format",
        "json"
    ]));
}

#[test]
fn eval_bad_data_exits_1() {
    assert_cmd_snapshot!(tally().args([
        "eval",
        "rules/",
        "--data",
        "tests/fixtures/bad-data/month-13.json",
        "--format",
        "json"
    ]));
}

#[test]
fn eval_broken_rules_exits_2() {
    assert_cmd_snapshot!(tally().args([
        "eval",
        "tests/fixtures/broken/unknown-name.tally",
        "--data",
        "examples/partner-smb.json"
    ]));
}

#[test]
fn eval_missing_data_exits_2() {
    assert_cmd_snapshot!(tally().args(["eval", "rules/", "--data", "no-such.json"]));
}
