//! `tally check`: every output format, exit codes, and SARIF's structure.

use insta_cmd::assert_cmd_snapshot;

use crate::support::{Test, tally};

#[test]
fn shipped_rules_are_clean() {
    assert_cmd_snapshot!(tally().args(["check", "rules/", "--deny-warnings"]));
}

/// A file loaded alone reads only part of what it imports: the rest of a library is not
/// reported unused, as other files of its folder use it.
#[test]
fn a_file_alone_does_not_warn_about_its_imports() {
    let output = tally()
        .args(["check", "rules/azure/data-ai.tally", "--deny-warnings"])
        .output()
        .expect("runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn formats() {
    let file = "tests/fixtures/broken/points-out-of-range.tally";
    assert_cmd_snapshot!(tally().args(["check", file]));
    assert_cmd_snapshot!(tally().args(["check", file, "--format", "json"]));
    assert_cmd_snapshot!(tally().args(["check", file, "--format", "github"]));
}

/// Warnings alone pass, unless --deny-warnings.
#[test]
fn warnings_and_deny_warnings() {
    let file = "tests/fixtures/broken/unused.tally";
    assert_cmd_snapshot!(tally().args(["check", file]));
    assert_cmd_snapshot!(tally().args(["check", file, "--deny-warnings"]));
}

#[test]
fn a_missing_path_is_a_usage_error() {
    assert_cmd_snapshot!(tally().args(["check", "no/such/rules"]));
}

/// The parts of SARIF 2.1.0 that code scanning reads, checked against the specification.
#[test]
fn sarif_has_the_2_1_0_structure() {
    let output = tally()
        .args([
            "check",
            "tests/fixtures/broken/maxima.tally",
            "--format",
            "sarif",
        ])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    assert!(
        log["$schema"]
            .as_str()
            .is_some_and(|s| s.contains("sarif-2.1.0"))
    );
    let run = &log["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "tally");
    let rules: Vec<&str> = driver["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for result in results {
        let rule = result["ruleId"].as_str().expect("ruleId");
        assert_eq!(
            rules[result["ruleIndex"].as_u64().expect("ruleIndex") as usize],
            rule
        );
        assert!(matches!(
            result["level"].as_str(),
            Some("error" | "warning" | "note" | "none")
        ));
        assert!(
            result["message"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(
            location["artifactLocation"]["uri"],
            "tests/fixtures/broken/maxima.tally"
        );
        let region = &location["region"];
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(
                region[key].as_u64().is_some_and(|n| n >= 1),
                "{key} is a positive integer"
            );
        }
    }
}

#[test]
fn a_no_break_space_separates_words() {
    // Text pasted from a slide often brings U+00A0 where a space was.
    let mut diags = tally::diagnostic::Diags::default();
    let loaded =
        tally::load::load_texts(&[("nbsp.tally", "let\u{a0}x\u{a0}=\u{a0}1\n")], &mut diags);
    let checked = tally::check::check(loaded, diags);
    assert!(checked.is_ok(), "{:?}", checked.err().map(|f| f.diags));
}

/// A file is known by its canonical path: reached through a folder, a `..` import and a link,
/// it is loaded once, so its definitions are not reported twice.
#[cfg(unix)]
#[test]
fn a_file_reached_by_several_paths_is_loaded_once() {
    let root = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("several-paths");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("lib")).expect("makes lib/");
    std::fs::create_dir_all(root.join("a")).expect("makes a/");
    std::fs::write(root.join("lib/common.tally"), "let x = 1\n").expect("writes");
    std::fs::write(
        root.join("a/one.tally"),
        "import \"../lib/common.tally\"\nlet y = x + 1\n",
    )
    .expect("writes");
    std::os::unix::fs::symlink("../lib/common.tally", root.join("a/link.tally")).expect("links");
    for args in [
        &["check", "."][..],
        &["check", "a", "lib"],
        &[
            "check",
            "a/one.tally",
            "lib/common.tally",
            "./lib/../lib/common.tally",
        ],
    ] {
        let output = tally()
            .current_dir(&root)
            .args(args)
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.contains("2 files, 0 errors"), "{args:?}: {stderr}");
    }
}

#[test]
fn links_back_into_a_rules_folder_are_listed_once() {
    let test = Test::new("link-loop").file("rules/one.tally", "let x = 1\n");
    let rules = test.dir().join("rules");
    std::os::unix::fs::symlink(".", rules.join("self")).expect("links");
    std::os::unix::fs::symlink("../rules", rules.join("up")).expect("links");
    test.args(["check", "rules"])
        .stderr_has("1 file, 0 errors")
        .run();
}

#[test]
fn nested_calls_are_bounded_once_per_argument_range() {
    // f30 calls f29 twice, which calls f28 twice, and so on: 2^30 calls if each were followed.
    let mut text =
        String::from("input shop {\n  name: text, identifier\n}\nlet f0(x: number) = x\n");
    for i in 1..=30 {
        text.push_str(&format!(
            "let f{i}(x: number) = f{j}(x) + f{j}(x)\n",
            j = i - 1
        ));
    }
    text.push_str(
        "designation \"D\" {\n  max 2000000000\n  category \"C\" max 2000000000 {\n    \
         subcategory \"S\" max 2000000000 {\n      points = f30(1)\n    }\n  }\n}\n",
    );
    Test::new("nested-calls")
        .file("nested.tally", &text)
        .args(["check", "nested.tally"])
        .status(0)
        .stderr_has("its points are at most 1073741824")
        .run();
}

#[test]
fn a_byte_order_mark_before_a_rule_file_is_ignored() {
    Test::new("bom")
        .file("bom.tally", "\u{feff}let x = 1\n")
        .args(["check", "bom.tally"])
        .run();
}

/// A definition in a shared file is unused only when every file that could read it is loaded:
/// so when its folder is loaded whole, and not when one of the files that import it is.
#[test]
fn a_shared_definition_is_unused_only_when_its_whole_folder_is_loaded() {
    let root = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("shared-unused");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("lib")).expect("makes lib/");
    std::fs::write(
        root.join("lib/shared.tally"),
        "input tenant {\n  id: text, identifier\n}\nlet used = 1\nlet spare = 2\n",
    )
    .expect("writes");
    for user in ["one", "two"] {
        std::fs::write(
            root.join(format!("lib/{user}.tally")),
            format!("import \"shared.tally\"\noutput {{ {user}: used }}\n"),
        )
        .expect("writes");
    }
    let check = |path: &str| {
        let output = tally()
            .current_dir(&root)
            .args(["check", path])
            .output()
            .expect("runs");
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let whole = check("lib");
    assert!(
        whole.contains("`spare`") && whole.contains("1 warning"),
        "{whole}"
    );
    let one = check("lib/one.tally");
    assert!(one.contains("0 warnings"), "{one}");
}

/// A list with dated versions is one list: entries its versions share are not reported as
/// shared with another list (the check once compared the list with itself).
#[test]
fn a_dated_list_does_not_share_entries_with_itself() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("dated-list");
    std::fs::create_dir_all(&dir).expect("makes the folder");
    let rules = r#"input partner {
  partner_id: text, identifier
  as_of: date, evaluation date
  customers: list of customer, unique by id
}
record customer {
  id: text
}
let scoring = ["Azure Network Engineer Associate", "Azure Administrator Associate"]
let scoring from 2026-01-01 = ["Azure Network Engineer Associate", "Azure Administrator Associate", "Azure Security Engineer Associate"]
let holders(names: list of text) = count(customers where id in names)
designation "Dated list" {
  max 20
  category "Skilling" max 20 {
    subcategory "Intermediate" max 20 {
      points = 4 * min(holders(scoring), 5)
    }
  }
}
"#;
    std::fs::write(dir.join("dated.tally"), rules).expect("writes");
    let output = tally()
        .current_dir(&dir)
        .args(["check", "dated.tally", "--deny-warnings"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}

/// `check` refuses tests that could not fail or could only fail when run: data that does not
/// fit the input or is not JSON, expectations of the wrong type (a designation's too), and a
/// test without `expect`.
#[test]
fn tests_are_checked_before_they_run() {
    assert_cmd_snapshot!(tally().args(["check", "tests/fixtures/broken-tests/data.tally"]));
    assert_cmd_snapshot!(tally().args(["check", "tests/fixtures/broken-tests/expectations.tally"]));
}

/// A test's data file is read from inside the rules folder only.
#[test]
fn test_data_stays_inside_the_rules_folder() {
    let rules =
        std::fs::read_to_string("tests/fixtures/broken-tests/scenario.tally").expect("fixture");
    for (name, data) in [
        ("data-above", "../secret.json"),
        ("data-absolute", "/etc/passwd"),
    ] {
        let ran = Test::new(name)
            .file("secret.json", "{\"TOPSECRET\": 1}\n")
            .file(
                "rules/tests.tally",
                &format!(
                    "{rules}\ntest \"outside\" {{\n  data \"{data}\"\n  expect messages = 0\n}}\n"
                ),
            )
            .args(["check", "rules"])
            .status(1)
            .stderr_has("data-outside-rules")
            .run();
        assert!(
            !ran.stderr.contains("TOPSECRET") && !ran.stderr.contains("root:"),
            "{}",
            ran.stderr
        );
    }
}
