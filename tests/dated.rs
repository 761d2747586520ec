//! Rules that change over time: dated versions of each kind of definition, checked interval
//! by interval, and the worked example in tests/fixtures/dated/.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use insta_cmd::get_cargo_bin;

use crate::support::{AS_OF, check_report, temp_dir};

const EXAMPLE: &str = "tests/fixtures/dated/rules";

fn tally(args: &[&str]) -> Output {
    Command::new(get_cargo_bin("tally"))
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("tally runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A copy of a folder tree.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("folder");
    for entry in std::fs::read_dir(from).expect("folder") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}

/// A copy of rules/ with `text` added at the end of `file`.
fn rules_with(name: &str, file: &str, text: &str) -> PathBuf {
    let dir = temp_dir(name);
    let rules = dir.join("rules");
    copy_tree(Path::new("rules"), &rules);
    let path = rules.join(file);
    let mut content = std::fs::read_to_string(&path).expect("rule file");
    content.push_str(text);
    std::fs::write(&path, content).expect("write");
    rules
}

fn net_add_points(rules: &Path, data: &str) -> serde_json::Value {
    let output = tally(&[
        "eval",
        rules.to_str().expect("path"),
        "--format",
        "json",
        "--data",
        data,
    ]);
    assert!(output.status.success(), "{}", text(&output));
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    result["results"][0]["subcategories"][0]["points"].clone()
}

#[test]
fn points_and_cap_that_change_together_are_judged_together() {
    // The case of the issue: the new cap with the old points would allow 60 points, but the
    // two are never in force together.
    let rules = rules_with(
        "dated-cap",
        "azure/common.tally",
        "\nlet max_net_customer_adds from 2026-07-01 = 6\nlet points_per_net_customer_add from 2026-07-01 = 5\n",
    );
    let output = tally(&["check", rules.to_str().expect("path")]);
    assert!(output.status.success(), "{}", text(&output));
    let data = format!("{EXAMPLE}/azure/test-data");
    assert_eq!(
        net_add_points(&rules, &format!("{data}/t-2026-before.json")),
        30
    );
    assert_eq!(
        net_add_points(&rules, &format!("{data}/t-2026-after.json")),
        20
    );
    // The shipped rules give 30 on both days: the cap stays 3.
    let shipped = PathBuf::from("rules");
    assert_eq!(
        net_add_points(&shipped, &format!("{data}/t-2026-after.json")),
        30
    );
    let _ = std::fs::remove_dir_all(rules.parent().expect("parent"));
}

#[test]
fn a_finding_names_the_interval_it_holds_in() {
    let rules = rules_with(
        "dated-finding",
        "azure/common.tally",
        "\nlet max_net_customer_adds from 2026-07-01 = 4\n",
    );
    let report = check_report(std::slice::from_ref(&rules));
    assert!(report.contains("points-may-exceed-max"), "{report}");
    assert!(
        report.contains("from 2026-07-01: the points of \"Net customer adds\""),
        "{report}"
    );
    assert!(report.contains("0 to 40"), "{report}");
    // A cap that is wrong before the date is reported for the time before it.
    let rules = rules_with(
        "dated-finding-before",
        "azure/common.tally",
        "\nlet points_per_net_customer_add from 2026-07-01 = 5\n",
    );
    let report = check_report(std::slice::from_ref(&rules));
    assert!(
        report.contains("from 2026-07-01: \"Net customer adds\""),
        "{report}"
    );
    assert!(report.contains("max-unreachable"), "{report}");
    let _ = std::fs::remove_dir_all(rules.parent().expect("parent"));
}

#[test]
fn the_worked_example_checks_formats_and_passes_its_tests() {
    let check = tally(&["check", EXAMPLE, "--deny-warnings"]);
    assert!(check.status.success(), "{}", text(&check));
    let fmt = tally(&["fmt", "--check", EXAMPLE]);
    assert!(fmt.status.success(), "{}", text(&fmt));
    let test = tally(&["test", EXAMPLE]);
    let out = text(&test);
    assert!(test.status.success(), "{out}");
    assert!(out.contains("0 failed"), "{out}");
    // The shipped tests are among them, unchanged, and so are the new ones.
    assert!(out.contains("azure/tests.tally"), "{out}");
    assert!(out.contains("tests-2026.tally"), "{out}");
}

/// Each result of `rules` on the records under `data`, without the digest of the rules.
fn results(rules: &str, data: &str) -> Vec<serde_json::Value> {
    let output = tally(&[
        "eval", rules, "--format", "json", "--as-of", AS_OF, "--data", data,
    ]);
    assert!(output.status.success(), "{}", text(&output));
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let mut value: serde_json::Value = serde_json::from_str(line).expect("JSON");
            value["rules_digest"] = serde_json::Value::Null;
            // Citations may be edited in rules/ without changing a result.
            for d in value["results"].as_array_mut().into_iter().flatten() {
                for s in d["subcategories"].as_array_mut().into_iter().flatten() {
                    s["source"] = serde_json::Value::Null;
                }
            }
            value
        })
        .collect()
}

#[test]
fn every_earlier_result_is_unchanged() {
    for data in [
        "tests/fixtures/partners",
        "tests/fixtures/scenarios",
        "examples",
    ] {
        let before = results("rules", data);
        let after = results(EXAMPLE, data);
        assert!(!before.is_empty());
        assert_eq!(before, after, "{data}");
    }
}

#[test]
fn the_example_s_changes_show_after_the_date() {
    let after = results(
        EXAMPLE,
        &format!("{EXAMPLE}/azure/test-data/t-2026-after.json"),
    );
    let data_ai = &after[0]["results"][0];
    assert_eq!(data_ai["designation"], "Data & AI (Azure)");
    assert_eq!(data_ai["max"], 110);
    assert_eq!(data_ai["total"], 37);
    let names: Vec<&str> = data_ai["subcategories"]
        .as_array()
        .expect("subcategories")
        .iter()
        .map(|s| s["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        [
            "Net customer adds",
            "Intermediate certifications",
            "Advanced certifications",
            "Usage growth",
            "Deployments"
        ]
    );
    let before = results(
        EXAMPLE,
        &format!("{EXAMPLE}/azure/test-data/t-2026-before.json"),
    );
    assert_eq!(before[0]["results"][0]["max"], 100);
    assert_eq!(before[0]["results"][0]["total"], 38);
    assert_eq!(
        before[0]["results"][0]["subcategories"]
            .as_array()
            .map(Vec::len),
        Some(4)
    );
    // explain follows the same versions: the new subcategory only after the date.
    for (data, shown) in [("t-2026-before.json", false), ("t-2026-after.json", true)] {
        let output = tally(&[
            "explain",
            EXAMPLE,
            "--data",
            &format!("{EXAMPLE}/azure/test-data/{data}"),
        ]);
        assert!(output.status.success(), "{}", text(&output));
        let out = text(&output);
        assert_eq!(
            out.contains("Skilling / Advanced certifications        5 of 10"),
            shown,
            "{out}"
        );
    }
}

#[test]
fn dated_versions_of_every_kind_check_and_evaluate() {
    // A value, a list written as the one before plus an entry, a function, a template, a
    // designation's category maximum and an input field, each from a date.
    let rules = rules_with(
        "dated-kinds",
        "azure/common.tally",
        r#"
let minimum_ttm_acr from 2026-07-01 = 2000
let eligible_attributions from 2026-07-01 = previous + ["MSP"]
let people_holding(names: list of text) from 2026-07-01 =
  count(unique((certifications where name in names).person))
template two_skilling_levels(intermediate: list of text, advanced: list of text) from 2027-01-01 {
  max 100
  path = partner_path
  threshold = points_to_attain
  category "Performance" max 30 {
    subcategory "Net customer adds" max 30 {
      points = net_customer_add_points
    }
  }
  category "Skilling" max 40 {
    subcategory "Intermediate certifications" max 20 {
      points = skilling_points(administrator_certifications, intermediate)
    }
    subcategory "Advanced certifications" max 20 {
      points = skilling_points(architect_certifications, advanced)
    }
  }
  category "Customer Success" max 30 {
    subcategory "Usage growth" max 30 {
      points = min(usage_growth_points + deployment_points, 30)
    }
  }
  require "at least the threshold" total >= threshold
}
"#,
    );
    let output = tally(&["check", rules.to_str().expect("path"), "--deny-warnings"]);
    assert!(output.status.success(), "{}", text(&output));
    let partner = std::fs::read_to_string("examples/partner-smb.json").expect("example");
    let dir = rules.parent().expect("parent").to_path_buf();
    let subcategories = |as_of: &str| {
        let path = dir.join(format!("p-{as_of}.json"));
        std::fs::write(&path, partner.replace("2025-03-01", as_of)).expect("write");
        let output = tally(&[
            "eval",
            rules.to_str().expect("path"),
            "--format",
            "json",
            "--data",
            path.to_str().expect("path"),
        ]);
        assert!(output.status.success(), "{}", text(&output));
        let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
        result["results"][2]["subcategories"]
            .as_array()
            .map(Vec::len)
    };
    // Infrastructure, made from the template: five subcategories, then four from 2027.
    assert_eq!(subcategories("2026-12-31"), Some(5));
    assert_eq!(subcategories("2027-01-01"), Some(4));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn mistakes_in_dated_versions_are_reported() {
    let dir = temp_dir("dated-mistakes");
    std::fs::write(
        dir.join("r.tally"),
        r#"input shop {
  name: text, identifier
  day: date, evaluation date
  tips: number, from 2026-01-01
}
let a from 2026-01-01 = previous + [1]
let b = 1
let b from 2025-01-01 = 2
let b from 2025-01-01 = 3
designation "D" {
  max 10
  path = "p"
  category "C" max 10 {
    subcategory "S" max 10 until 2025-01-01 {
      points = 10
    }
    subcategory "S" max 10 from 2025-06-01 until 2025-03-01 {
      points = 10
    }
  }
}
output { a: a, b: b, tips: tips }
"#,
    )
    .expect("write");
    let report = check_report(&[dir.join("r.tally")]);
    assert!(report.contains("no-previous"), "{report}");
    assert!(
        report.contains("`b` has two versions in force from 2025-01-01"),
        "{report}"
    );
    assert!(report.contains("empty-period"), "{report}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_dated_input_field_is_required_only_while_in_force() {
    let dir = temp_dir("dated-field");
    std::fs::write(
        dir.join("r.tally"),
        r#"input shop {
  name: text, identifier
  day: date, evaluation date
  tips: number, at least 0, from 2026-01-01
}
let income = 10
let income from 2026-01-01 = 10 + tips
output { income: income }
"#,
    )
    .expect("write");
    let rules = dir.join("r.tally");
    let eval = |record: &str| {
        let path = dir.join("d.json");
        std::fs::write(&path, record).expect("write");
        tally(&[
            "eval",
            rules.to_str().expect("path"),
            "--format",
            "json",
            "--data",
            path.to_str().expect("path"),
        ])
    };
    let before = eval(r#"{"name": "A", "day": "2025-12-31"}"#);
    assert!(before.status.success(), "{}", text(&before));
    assert!(String::from_utf8_lossy(&before.stdout).contains(r#""income":10"#));
    let after = eval(r#"{"name": "A", "day": "2026-01-01", "tips": 5}"#);
    assert!(String::from_utf8_lossy(&after.stdout).contains(r#""income":15"#));
    let missing = eval(r#"{"name": "A", "day": "2026-01-01"}"#);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        text(&missing).contains("missing field `tips`"),
        "{}",
        text(&missing)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn test_data_outside_the_rules_folder_is_reported() {
    let dir = temp_dir("dated-outside");
    let rules = dir.join("rules");
    copy_tree(Path::new("rules"), &rules);
    std::fs::copy("examples/partner-smb.json", dir.join("p.json")).expect("copy");
    let tests = rules.join("azure/tests.tally");
    let mut content = std::fs::read_to_string(&tests).expect("tests");
    content.push_str("\ntest \"from a file\" {\n  data \"../../p.json\"\n  expect \"Data & AI (Azure)\".total = 45\n}\n");
    std::fs::write(&tests, content).expect("write");
    let report = check_report(std::slice::from_ref(&rules));
    assert!(report.contains("data-outside-rules"), "{report}");
    assert!(report.contains("tests.tally"), "{report}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn diff_against_a_revision_finds_the_data_its_tests_read() {
    let dir = temp_dir("dated-git");
    copy_tree(Path::new(EXAMPLE), &dir.join("rules"));
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .current_dir(&dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .output()
            .expect("git runs");
        assert!(status.status.success(), "{}", text(&status));
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-qm", "rules"]);
    let common = dir.join("rules/azure/common.tally");
    let content = std::fs::read_to_string(&common).expect("common");
    std::fs::write(
        &common,
        content.replace(
            "let virtual_machines_count = false",
            "let virtual_machines_count = true",
        ),
    )
    .expect("write");
    let output = Command::new(get_cargo_bin("tally"))
        .current_dir(&dir)
        .args(["diff", "HEAD:rules/", "rules/", "--as-of", AS_OF, "--data"])
        .arg(
            std::env::current_dir()
                .expect("cwd")
                .join("tests/fixtures/partners"),
        )
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("Deployments"), "{}", text(&output));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_category_rewritten_from_a_date_and_a_card_in_a_file_of_its_own() {
    let dir = temp_dir("dated-category");
    let rules = dir.join("rules");
    copy_tree(Path::new("rules"), &rules);
    let data_ai = rules.join("azure/data-ai.tally");
    let content = std::fs::read_to_string(&data_ai).expect("data-ai");
    let old = "  category \"Customer Success\" max 30 {";
    assert!(content.contains(old));
    let content = content.replace(
        old,
        "  category \"Customer Success\" max 30 from 2026-07-01 {\n    subcategory \"Usage growth\" max 30 {\n      points = min(usage_growth_points + deployment_points, 30)\n    }\n  }\n  category \"Customer Success\" max 30 until 2026-07-01 {",
    );
    std::fs::write(&data_ai, content).expect("write");
    std::fs::write(
        rules.join("copilot-studio/rates-2026.tally"),
        "table messages_per_use from 2026-07-01 {\n  | feature \\ user_kind    | m365_copilot | copilot_chat |\n  | web_grounded_answer    | 0 | 0 |\n  | classic_answer         | 0 | 1 |\n  | generative_answer      | 0 | 2 |\n  | tenant_graph_grounding | 0 | 10 |\n  | autonomous_action      | 5 | 5 |\n}\n",
    )
    .expect("write");
    let path = rules.to_str().expect("path");
    let check = tally(&["check", path, "--deny-warnings"]);
    assert!(check.status.success(), "{}", text(&check));
    let test = tally(&["test", path]);
    assert!(test.status.success(), "{}", text(&test));
    let partner = std::fs::read_to_string("examples/partner-smb.json").expect("example");
    let after = dir.join("after.json");
    std::fs::write(&after, partner.replace("2025-03-01", "2026-08-01")).expect("write");
    let output = tally(&[
        "eval",
        path,
        "--format",
        "json",
        "--data",
        after.to_str().expect("path"),
    ]);
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let names: Vec<&str> = result["results"][0]["subcategories"]
        .as_array()
        .expect("subcategories")
        .iter()
        .map(|s| s["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        [
            "Net customer adds",
            "Intermediate certifications",
            "Usage growth"
        ]
    );
    let scenario = dir.join("s.json");
    std::fs::write(
        &scenario,
        r#"{"tenant":"X","agents":[{"name":"A","per_run":{"tenant_graph_grounding":1},"users_per_day":{"copilot_chat":10}}]}"#,
    )
    .expect("write");
    let messages = |as_of: &str| {
        let output = tally(&[
            "eval",
            path,
            "--format",
            "json",
            "--as-of",
            as_of,
            "--data",
            scenario.to_str().expect("path"),
        ]);
        let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
        result["messages_per_day"].clone()
    };
    assert_eq!(messages("2026-06-30"), 300);
    assert_eq!(messages("2026-07-01"), 100);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_program_lists_the_days_its_rules_change() {
    let program = match tally::load_rules(&[PathBuf::from(EXAMPLE)]) {
        Ok((program, _)) => program,
        Err(failed) => panic!("{:?}", failed.diags),
    };
    let dates: Vec<String> = program
        .effective_dates()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(dates, ["2025-02-01", "2026-07-01"]);
}

#[test]
fn fmt_lays_out_the_dated_syntax_and_keeps_its_meaning() {
    let dir = temp_dir("dated-fmt");
    copy_tree(Path::new(EXAMPLE), &dir);
    let edit = |file: &str, from: &str, to: &str| {
        let path = dir.join(file);
        let content = std::fs::read_to_string(&path).expect("file");
        assert!(content.contains(from), "{file}: {from}");
        std::fs::write(&path, content.replace(from, to)).expect("write");
    };
    edit(
        "azure/data-ai.tally",
        "    max 50 from 2026-07-01",
        "        max   50   from   2026-07-01",
    );
    edit(
        "azure/data-ai.tally",
        "max 10 from 2026-07-01 {",
        "max 10   from 2026-07-01{",
    );
    edit(
        "azure/next-year.tally",
        "previous + [\"Fabric",
        "previous+[\"Fabric",
    );
    edit(
        "azure/tests-2026.tally",
        "[2026-06, 2026-07]",
        "[ 2026-06 ,2026-07 ]",
    );
    let output = tally(&["fmt", dir.to_str().expect("path")]);
    assert!(output.status.success(), "{}", text(&output));
    for file in [
        "azure/data-ai.tally",
        "azure/next-year.tally",
        "azure/tests-2026.tally",
    ] {
        assert_eq!(
            std::fs::read_to_string(dir.join(file)).expect("formatted"),
            std::fs::read_to_string(Path::new(EXAMPLE).join(file)).expect("example"),
            "{file}"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}
