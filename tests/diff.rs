//! `tally diff`: the current rules against a variant in which Virtual Machines count as
//! deployments, over the fixture partners.

use std::path::PathBuf;

use insta_cmd::assert_cmd_snapshot;

use crate::support::{edited_copy, tally, temp_dir};

/// rules/ with Virtual Machines counting as deployments.
fn vm_variant(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    std::fs::create_dir_all(dir.join("rules")).expect("folder");
    edited_copy(
        &PathBuf::from("rules/azure"),
        &dir.join("rules/azure"),
        "common.tally",
        "let virtual_machines_count = false",
        "let virtual_machines_count = true",
    );
    dir.join("rules")
}

#[test]
fn virtual_machines_counting_as_deployments() {
    let _digest = crate::support::redact_digest();
    let variant = vm_variant("diff-vm");
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"/\S*tally-test-diff-vm-\d+/rules", "[variant]/rules");
    settings.bind(|| {
        assert_cmd_snapshot!(
            tally()
                .args(["diff", "--as-of", "2025-03-01", "rules/azure"])
                .arg(&variant)
                .args(["--data", "tests/fixtures/partners"])
        );
    });
    let _ = std::fs::remove_dir_all(variant.parent().expect("parent"));
}

#[test]
fn json_and_fail_on_change() {
    let _digest = crate::support::redact_digest();
    let variant = vm_variant("diff-json");
    let output = tally()
        .args(["diff", "--as-of", "2025-03-01", "rules/azure"])
        .arg(&variant)
        .args([
            "--data",
            "tests/fixtures/partners",
            "--format",
            "json",
            "--fail-on-change",
        ])
        .output()
        .expect("runs");
    assert_eq!(
        output.status.code(),
        Some(1),
        "a change fails with --fail-on-change"
    );
    let diff: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(diff["records"], 37);
    let data_ai = diff["designations"]
        .as_array()
        .expect("designations")
        .iter()
        .find(|d| d["designation"] == "Data & AI (Azure)")
        .expect("Data & AI");
    assert_eq!(data_ai["gained"], serde_json::json!(["FX-36"]));
    assert_eq!(data_ai["largest"][0]["subcategory"], "Deployments");
    let _ = std::fs::remove_dir_all(variant.parent().expect("parent"));
}

#[test]
fn no_change_passes_fail_on_change() {
    let _digest = crate::support::redact_digest();
    assert_cmd_snapshot!(tally().args([
        "diff",
        "--as-of",
        "2025-03-01",
        "rules/",
        "rules/",
        "--data",
        "tests/fixtures/scenarios",
        "--fail-on-change"
    ]));
}

#[test]
fn a_revision_that_does_not_exist() {
    let _digest = crate::support::redact_digest();
    assert_cmd_snapshot!(tally().args([
        "diff",
        "--as-of",
        "2025-03-01",
        "no-such-revision:rules/",
        "rules/",
        "--data",
        "examples"
    ]));
}

#[test]
fn a_record_neither_version_evaluates_fails_the_diff() {
    let _digest = crate::support::redact_digest();
    // Its impact is unknown, so the comparison does not pass silently.
    let output = tally()
        .args([
            "diff",
            "--as-of",
            "2025-03-01",
            "rules/azure",
            "rules/azure",
            "--data",
        ])
        .arg("tests/fixtures/bad-data/negative-acr.json")
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("fails with both"), "{stdout}");
    assert_eq!(output.status.code(), Some(1));
}
