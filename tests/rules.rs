//! The shipped rules load and check, and a program manager's edit to a rule file changes the
//! result with the same binary.

use std::path::{Path, PathBuf};

use crate::support::{edited_copy, eval_json, rule_files, shipped_rules, temp_dir};

#[test]
fn every_rule_file_loads_and_checks_without_warnings() {
    for entry in rule_files(Path::new("rules")) {
        match tally::load_rules(std::slice::from_ref(&entry)) {
            Ok((_, warnings)) => assert!(warnings.is_empty(), "{}: {warnings:?}", entry.display()),
            Err(failed) => panic!("{} does not check: {:?}", entry.display(), failed.diags),
        }
    }
    let program = shipped_rules();
    let names: Vec<&str> = program
        .kinds
        .iter()
        .flat_map(|k| k.designations.iter().map(|d| d.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            "Data & AI (Azure)",
            "Digital & App Innovation (Azure)",
            "Infrastructure (Azure)"
        ]
    );
}

fn data_ai(json: &serde_json::Value) -> &serde_json::Value {
    json["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["designation"] == "Data & AI (Azure)")
        .expect("Data & AI")
}

#[test]
fn a_lower_threshold_in_a_rule_file_changes_attainment() {
    let example = std::fs::read_to_string("examples/partner-smb.json").expect("example");
    let before = eval_json(&shipped_rules(), &example);
    assert_eq!(data_ai(&before)["attained"], false);

    let dir = temp_dir("threshold");
    edited_copy(
        &PathBuf::from("rules/azure"),
        &dir,
        "common.tally",
        "let points_to_attain = 70",
        "let points_to_attain = 40",
    );
    let (program, _) = tally::load_rules(std::slice::from_ref(&dir)).expect("edited rules check");
    let after = eval_json(&program, &example);
    assert_eq!(data_ai(&after)["threshold"], 40);
    assert_eq!(data_ai(&after)["attained"], true);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_three_month_window_changes_net_customer_adds() {
    // C-03 fell below the SMB threshold in the last two months, so it counts -1; with a
    // three-month window its 900 in 2024-12 keeps it above, and it counts 0.
    let example = std::fs::read_to_string("examples/partner-smb.json").expect("example");
    let dir = temp_dir("window");
    edited_copy(
        &PathBuf::from("rules/azure"),
        &dir,
        "common.tally",
        "let recent_months = months(last_month - 1, last_month)",
        "let recent_months = months(last_month - 2, last_month)",
    );
    let (program, _) = tally::load_rules(std::slice::from_ref(&dir)).expect("edited rules check");
    let after = eval_json(&program, &example);
    assert_eq!(data_ai(&after)["subcategories"][0]["points"], 20);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn virtual_machines_count_once_the_switch_is_on() {
    // partner-smb.json has one Virtual Machines deployment (C-04, in the window).
    let example = std::fs::read_to_string("examples/partner-smb.json").expect("example");
    let dir = temp_dir("vm");
    edited_copy(
        &PathBuf::from("rules/azure"),
        &dir,
        "common.tally",
        "let virtual_machines_count = false",
        "let virtual_machines_count = false\nlet virtual_machines_count from 2025-01-01 = true",
    );
    let (program, _) = tally::load_rules(std::slice::from_ref(&dir)).expect("edited rules check");
    let after = eval_json(&program, &example);
    let deployments = &data_ai(&after)["subcategories"][3];
    assert_eq!(deployments["name"], "Deployments");
    assert_eq!(deployments["points"], 6);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_changed_rate_changes_the_estimate() {
    let example = std::fs::read_to_string("examples/support-agent.json").expect("example");
    let dir = temp_dir("rate");
    edited_copy(
        &PathBuf::from("rules/copilot-studio"),
        &dir,
        "rates.tally",
        "| classic_answer         | 0            | 1            |",
        "| classic_answer         | 0            | 2            |",
    );
    let (program, _) = tally::load_rules(std::slice::from_ref(&dir)).expect("edited rules check");
    let after = eval_json(&program, &example);
    // (4 x 2 + 2 x 2) x 900 = 10,800 messages a day.
    assert_eq!(after["messages_per_day"], 10800);
    let _ = std::fs::remove_dir_all(dir);
}

/// Every bracketed name a rule file cites (`source "[newsletter] ..."`) is an entry of
/// `docs/sources.md`, so an auditor can look it up in the repository.
#[test]
fn every_citation_names_an_entry_of_the_sources() {
    let sources = std::fs::read_to_string("docs/sources.md").expect("docs/sources.md");
    let mut cited = 0;
    for file in rule_files(Path::new("rules")) {
        let text = std::fs::read_to_string(&file).expect("a readable rule file");
        for line in text.lines().map(str::trim_start) {
            let Some(quoted) = line
                .strip_prefix("source \"")
                .or_else(|| line.strip_prefix("assumption \""))
            else {
                continue;
            };
            for name in quoted
                .split('[')
                .skip(1)
                .filter_map(|s| s.split(']').next())
            {
                cited += 1;
                assert!(
                    sources.contains(&format!("\n### [{name}]\n")),
                    "{}: [{name}] is not an entry of docs/sources.md",
                    file.display()
                );
            }
        }
    }
    assert!(cited > 50, "only {cited} citations found");
}
