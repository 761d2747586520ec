//! `tally diff`: the current rules against a variant in which Virtual Machines count as
//! deployments, over the fixture partners.

use std::path::PathBuf;

use insta_cmd::assert_cmd_snapshot;

use crate::support::{edited_copy, tally, temp_dir};

/// rules/ with one edit of common.tally.
fn variant(name: &str, from: &str, to: &str) -> PathBuf {
    let dir = temp_dir(name);
    std::fs::create_dir_all(dir.join("rules")).expect("folder");
    edited_copy(
        &PathBuf::from("rules/azure"),
        &dir.join("rules/azure"),
        "common.tally",
        from,
        to,
    );
    dir.join("rules")
}

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
    assert_eq!(
        data_ai["gained"],
        serde_json::json!({"count": 1, "ids": ["FX-36"]})
    );
    assert_eq!(data_ai["largest"][0]["subcategory"], "Deployments");
    assert!(
        data_ai["largest"][0]["change"].is_number(),
        "numbers are JSON numbers"
    );
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
    assert!(stdout.contains("fail with both"), "{stdout}");
    // Each record listed says why: here the first problem of its data.
    assert!(
        stdout.contains("1 record: BAD-01\n  BAD-01: customers[0].acr[\"2025-01\"]: -650 is below the minimum of 0"),
        "{stdout}"
    );
    assert_eq!(output.status.code(), Some(1));
}

/// A record that runs out of its budget under both versions is listed with the reason, the
/// rule that was running, in every format.
#[test]
fn a_record_over_budget_is_listed_with_the_rule_that_ran_out() {
    let dir = temp_dir("diff-budget");
    let rules = "input box {\n  id: text, identifier\n}\nlet l = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nlet deep = sum a in l: sum b in l: sum c in l: sum d in l: a + b + c + d\noutput { deep: deep }\n";
    std::fs::write(dir.join("box.tally"), rules).expect("rules");
    std::fs::write(dir.join("box.json"), r#"{"id": "B-1"}"#).expect("data");
    let run = |format: &str| {
        let output = tally()
            .current_dir(&dir)
            .args(["diff", "box.tally", "box.tally", "--data", "box.json"])
            .args(["--max-steps", "1000", "--format", format])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(1));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let human = run("human");
    assert!(
        human.contains("fail with both (their change is unknown): 1 record: B-1\n  B-1: ")
            && human.contains("`deep`")
            && human.contains("budget of 1000 steps"),
        "{human}"
    );
    let markdown = run("markdown");
    assert!(
        markdown.contains("- `B-1`: ") && markdown.contains("budget of 1000 steps"),
        "{markdown}"
    );
    let json: serde_json::Value = serde_json::from_str(&run("json")).expect("JSON");
    let both = &json["failures"]["both"];
    assert_eq!(both["ids"], serde_json::json!(["B-1"]));
    let reason = both["reasons"][0].as_str().expect("a reason");
    assert!(
        reason.contains("`deep`") && reason.contains("1000 steps"),
        "{reason}"
    );
}

/// The summary a pull request shows: counts first, then per designation the histogram and the
/// largest changes with the subcategory responsible.
#[test]
fn markdown_for_a_pull_request() {
    let _digest = crate::support::redact_digest();
    let variant = vm_variant("diff-markdown");
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"/\S*tally-test-diff-markdown-\d+/rules", "[variant]/rules");
    settings.bind(|| {
        assert_cmd_snapshot!(
            tally()
                .args(["diff", "--as-of", "2025-03-01", "rules/azure"])
                .arg(&variant)
                .args(["--data", "tests/fixtures/partners", "--format", "markdown"])
        );
    });
    let _ = std::fs::remove_dir_all(variant.parent().expect("parent"));
}

/// A plain policy change (1 point per deployment instead of 2) is compared without editing the
/// maximum too: an unreachable maximum is a warning.
#[test]
fn a_policy_change_that_leaves_the_maximum_unreachable() {
    let variant = variant(
        "diff-policy",
        "let points_per_deployment = 2",
        "let points_per_deployment = 1",
    );
    let output = tally()
        .args(["diff", "--as-of", "2025-03-01", "rules/azure"])
        .arg(&variant)
        .args(["--data", "tests/fixtures/partners", "--limit", "3"])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    let check = tally().arg("check").arg(&variant).output().expect("runs");
    let report = String::from_utf8_lossy(&check.stdout).to_string()
        + &String::from_utf8_lossy(&check.stderr);
    assert!(report.contains("max-unreachable"), "check warns: {report}");
    assert_eq!(check.status.code(), Some(0), "a warning: {report}");
    assert!(
        stdout.contains("Deployments: -30 points in all, over 15 records"),
        "{stdout}"
    );
    assert!(
        stdout.contains("15 records: FX-33, FX-34, FX-24 and 12 more"),
        "--limit 3 lists three: {stdout}"
    );
    let _ = std::fs::remove_dir_all(variant.parent().expect("parent"));
}

/// Thousands of records: the summary keeps counts, the first identifiers of each group, a few
/// histogram buckets and the ten largest changes, not every record.
#[test]
fn a_large_batch_gives_a_bounded_summary() {
    let variant = vm_variant("diff-large");
    let dir = variant.parent().expect("parent").to_path_buf();
    let mut lines = String::new();
    for i in 0..3000 {
        let fixture = [
            "deployments-cap-5",
            "smb-skilling-caps-attains-all",
            "deployments-edge-cases",
        ][i % 3];
        let text = std::fs::read_to_string(format!("tests/fixtures/partners/{fixture}.json"))
            .expect("fixture");
        let mut record: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        record["partner_id"] = serde_json::json!(format!("P-{i:05}"));
        lines.push_str(&record.to_string());
        lines.push('\n');
    }
    let data = dir.join("many.jsonl");
    std::fs::write(&data, lines).expect("write");
    let output = tally()
        .args(["diff", "--as-of", "2025-03-01", "rules/azure"])
        .arg(&variant)
        .arg("--data")
        .arg(&data)
        .args(["--format", "json"])
        .output()
        .expect("runs");
    let diff: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(diff["records"], 3000);
    for d in diff["designations"].as_array().expect("designations") {
        for group in [&d["gained"], &d["lost"], &d["changed"]] {
            assert!(group["ids"].as_array().expect("ids").len() <= 20, "{group}");
        }
        assert!(d["largest"].as_array().expect("largest").len() <= 10);
        assert!(d["histogram"].as_array().expect("histogram").len() <= 24);
    }
    let changed = &diff["designations"][0]["changed"];
    assert!(
        changed["count"].as_u64().expect("count") >= 1000,
        "{changed}"
    );
    let text = String::from_utf8_lossy(&output.stdout).len();
    assert!(text < 20_000, "the summary stays small: {text} bytes");
    let _ = std::fs::remove_dir_all(dir);
}

/// The sample in examples/partners/: at least 200 partners on both paths, each designation
/// attained by some and not by others, and every subcategory from 0 to its maximum.
#[test]
fn the_sample_of_partners_has_spread() {
    let output = tally()
        .args([
            "eval",
            "rules/azure",
            "--as-of",
            "2025-03-01",
            "--format",
            "json",
        ])
        .args(["--data", "examples/partners/"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let records: Vec<serde_json::Value> = stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert!(records.len() >= 200, "{} partners", records.len());
    let results: Vec<&serde_json::Value> = records
        .iter()
        .flat_map(|r| r["results"].as_array().expect("results"))
        .collect();
    for path in ["smb", "enterprise"] {
        assert!(
            results.iter().any(|d| d["path"] == path),
            "no {path} partner"
        );
    }
    let designations: std::collections::BTreeSet<&str> = results
        .iter()
        .map(|d| d["designation"].as_str().expect("name"))
        .collect();
    for name in designations {
        let of = |attained: bool| {
            results
                .iter()
                .filter(|d| d["designation"] == name && d["attained"] == attained)
                .count()
        };
        assert!(
            of(true) >= 10 && of(false) >= 10,
            "{name}: {} attained",
            of(true)
        );
        for sub in results[0]["subcategories"]
            .as_array()
            .expect("subcategories")
        {
            let points: Vec<&serde_json::Value> = results
                .iter()
                .filter(|d| d["designation"] == name)
                .flat_map(|d| d["subcategories"].as_array().expect("subcategories"))
                .filter(|s| s["name"] == sub["name"])
                .map(|s| &s["points"])
                .collect();
            if points.is_empty() {
                continue;
            }
            assert!(
                points.iter().any(|p| p.as_i64() == Some(0)),
                "{name}: {}",
                sub["name"]
            );
            let max = results
                .iter()
                .filter(|d| d["designation"] == name)
                .flat_map(|d| d["subcategories"].as_array().expect("subcategories"))
                .find(|s| s["name"] == sub["name"])
                .map(|s| s["max"].clone())
                .expect("max");
            assert!(
                points.contains(&&max),
                "{name}: {} never at its max",
                sub["name"]
            );
        }
    }
}
