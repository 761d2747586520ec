//! The stamp on every result (`as_of`, `rules_digest`, `tally_version`), the evaluation date
//! (`--as-of`, today), and the decision log.

use std::path::{Path, PathBuf};
use std::process::Command;

use insta_cmd::get_cargo_bin;

use crate::support::{AS_OF, temp_dir};

fn tally() -> Command {
    let mut cmd = Command::new(get_cargo_bin("tally"));
    cmd.env("NO_COLOR", "1").env_remove("RUST_BACKTRACE");
    cmd
}

fn digest(paths: &[PathBuf]) -> String {
    match tally::load_rules(paths) {
        Ok((program, _)) => program.rules_digest().to_string(),
        Err(failed) => panic!("rules do not check: {:?}", failed.diags),
    }
}

/// Copies a folder tree of files.
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

#[test]
fn the_digest_is_the_same_wherever_the_rules_are() {
    let here = digest(&[PathBuf::from("rules")]);
    assert_eq!(here.len(), 64);
    assert!(
        here.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    // Another relative path to the same folder.
    assert_eq!(digest(&[PathBuf::from("rules/../rules/")]), here);
    // The same path, absolute.
    let absolute = std::env::current_dir().expect("cwd").join("rules");
    assert_eq!(digest(&[absolute]), here);
    // A copy in another folder, deeper.
    let dir = temp_dir("digest-copy");
    let copy = dir.join("a/b/rules");
    copy_tree(Path::new("rules"), &copy);
    assert_eq!(digest(std::slice::from_ref(&copy)), here);
    // The command line prints the same digest from another working directory.
    let output = tally()
        .current_dir(&dir)
        .args([
            "eval",
            "a/b/rules",
            "--format",
            "json",
            "--as-of",
            AS_OF,
            "--data",
        ])
        .arg(
            std::env::current_dir()
                .expect("cwd")
                .join("examples/partner-smb.json"),
        )
        .output()
        .expect("runs");
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(result["rules_digest"], here.as_str());
    // One byte more changes it.
    let rates = copy.join("copilot-studio/rates.tally");
    let mut text = std::fs::read_to_string(&rates).expect("rates");
    text.push(' ');
    std::fs::write(&rates, text).expect("write");
    assert_ne!(digest(std::slice::from_ref(&copy)), here);
    // So does a file's name, with the same contents.
    std::fs::write(
        &rates,
        std::fs::read("rules/copilot-studio/rates.tally").expect("rates"),
    )
    .expect("write");
    assert_eq!(digest(std::slice::from_ref(&copy)), here);
    std::fs::rename(
        copy.join("azure/tests.tally"),
        copy.join("azure/tests2.tally"),
    )
    .expect("rename");
    assert_ne!(digest(&[copy]), here);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn every_json_result_carries_the_stamp() {
    for data in ["examples/partner-smb.json", "examples/support-agent.json"] {
        let output = tally()
            .args([
                "eval", "rules/", "--format", "json", "--as-of", AS_OF, "--data", data,
            ])
            .output()
            .expect("runs");
        assert!(output.status.success());
        let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
        assert_eq!(result["as_of"], AS_OF, "{data}");
        assert_eq!(
            result["rules_digest"],
            digest(&[PathBuf::from("rules")]).as_str()
        );
        assert_eq!(result["tally_version"], env!("CARGO_PKG_VERSION"));
    }
    // A partner is evaluated as of its own date, whatever --as-of says.
    let output = tally()
        .args([
            "eval",
            "rules/",
            "--format",
            "json",
            "--as-of",
            "2031-01-01",
        ])
        .args(["--data", "examples/partner-smb.json"])
        .output()
        .expect("runs");
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(result["as_of"], "2025-03-01");
    // explain and diff carry it too.
    let output = tally()
        .args(["explain", "rules/", "--format", "json", "--as-of", AS_OF])
        .args(["--data", "examples/support-agent.json"])
        .output()
        .expect("runs");
    let explained: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(explained["as_of"], AS_OF);
    assert_eq!(explained["rules_digest"].as_str().map(str::len), Some(64));
    assert_eq!(explained["tally_version"], env!("CARGO_PKG_VERSION"));
    let output = tally()
        .args([
            "diff", "rules/", "rules/", "--format", "json", "--as-of", AS_OF,
        ])
        .args(["--data", "examples/support-agent.json"])
        .output()
        .expect("runs");
    let diff: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(diff["as_of"], AS_OF);
    assert_eq!(diff["rules_digest"], diff["old_rules_digest"]);
    assert_eq!(diff["tally_version"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn without_a_date_a_scenario_is_priced_as_of_today_never_with_a_future_card() {
    // A copy of rules/ with a new card from 2099 that burns twice as much.
    let dir = temp_dir("future-card");
    copy_tree(Path::new("rules"), &dir.join("rules"));
    let rates = dir.join("rules/copilot-studio/rates.tally");
    let text = std::fs::read_to_string(&rates).expect("rates");
    let future = r#"
table messages_per_use from 2099-01-01 {
  source "a card that has not taken effect"
  | feature \ user_kind    | m365_copilot | copilot_chat |
  | web_grounded_answer    | 0            | 0            |
  | classic_answer         | 0            | 2            |
  | generative_answer      | 0            | 4            |
  | tenant_graph_grounding | 0            | 60           |
  | autonomous_action      | 50           | 50           |
}
"#;
    std::fs::write(&rates, format!("{text}{future}")).expect("write");
    let messages = |extra: &[&str]| {
        let output = tally()
            .arg("eval")
            .arg(dir.join("rules"))
            .args(["--format", "json", "--data", "examples/support-agent.json"])
            .args(extra)
            .output()
            .expect("runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
        (result["messages_per_day"].clone(), result["as_of"].clone())
    };
    let today = tally::stamp::today().to_string();
    assert_eq!(messages(&[]), (7200.into(), today.into()));
    assert_eq!(
        messages(&["--as-of", "2099-01-01"]),
        (14400.into(), "2099-01-01".into())
    );
    // The shipped tests pin their date, so the new card leaves them passing.
    let output = tally()
        .arg("test")
        .arg(dir.join("rules"))
        .args(["--as-of", "2099-06-01"])
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    // Before the first card, no card is in force: an error, not a guess.
    let output = tally()
        .arg("eval")
        .arg(dir.join("rules"))
        .args([
            "--data",
            "examples/support-agent.json",
            "--as-of",
            "2024-12-31",
        ])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_bad_as_of_is_refused() {
    let output = tally()
        .args([
            "eval",
            "rules/",
            "--data",
            "examples/support-agent.json",
            "--as-of",
            "2025-02-30",
        ])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("YYYY-MM-DD"), "{stderr}");
}

#[test]
fn the_decision_log_has_a_line_per_record() {
    let dir = temp_dir("decision-log");
    let log = dir.join("decisions.jsonl");
    for _ in 0..2 {
        let output = tally()
            .args([
                "eval",
                "rules/",
                "--as-of",
                AS_OF,
                "--data",
                "tests/fixtures/batch/mixed.jsonl",
            ])
            .arg("--decision-log")
            .arg(&log)
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(1), "mixed.jsonl has a bad line");
    }
    let text = std::fs::read_to_string(&log).expect("log");
    let records = std::fs::read_to_string("tests/fixtures/batch/mixed.jsonl").expect("batch");
    let lines: Vec<&str> = records.lines().filter(|l| !l.trim().is_empty()).collect();
    let logged: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect();
    assert_eq!(
        logged.len(),
        2 * lines.len(),
        "appended, one line per record"
    );
    let digest = digest(&[PathBuf::from("rules")]);
    for (entry, record) in logged.iter().zip(lines.iter().cycle()) {
        use sha2::Digest;
        let sha: String = sha2::Sha256::digest(record.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(entry["record_sha256"], sha.as_str());
        assert_eq!(entry["rules_digest"], digest.as_str());
        assert_eq!(entry["tally_version"], env!("CARGO_PKG_VERSION"));
        assert!(entry["time"].as_str().is_some_and(|t| t.ends_with('Z')));
        assert!(entry["as_of"].is_string());
        if entry["results"].is_null() {
            assert!(entry["error"].is_string());
        } else {
            assert_eq!(entry["results"]["as_of"], entry["as_of"]);
            assert!(entry["record_id"].is_string());
        }
    }
    assert!(
        logged.iter().any(|e| e["results"].is_null()),
        "the bad line is logged"
    );
    let _ = std::fs::remove_dir_all(dir);
}
