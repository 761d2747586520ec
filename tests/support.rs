//! Helpers the test modules share.

use std::path::{Path, PathBuf};

use tally::cli::render::Renderer;
use tally::ir::Program;
use tally::report;
use tally::run::record::{RecordError, evaluate_text};

/// Diagnostics are rendered without colour at a fixed width, so snapshots are stable.
pub fn renderer() -> Renderer {
    Renderer::new(false, 100)
}

/// The evaluation date of test records that carry none (scenarios), so that results do not
/// depend on the day the tests run: a day when the shipped rate card is in force.
pub fn as_of() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2025, 3, 1).expect("a date")
}

/// The same, as `--as-of` takes it.
pub const AS_OF: &str = "2025-03-01";

/// Snapshots show every field of a result's stamp except the digest of the rules, which
/// changes with every edit of `rules/` (its determinism has tests of its own).
pub fn redact_digest() -> impl Sized {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(
        r#"("(old_)?rules_digest": ?)"[0-9a-f]{64}""#,
        r#"$1"[digest]""#,
    );
    settings.add_filter(r"sha256:[0-9a-f]{64}", "sha256:[digest]");
    settings.bind_to_scope()
}

/// The shipped rules, loaded once per test.
pub fn shipped_rules() -> Program {
    match tally::load_rules(&[PathBuf::from("rules")]) {
        Ok((program, _)) => program,
        Err(failed) => panic!("rules/ does not check: {:?}", failed.diags),
    }
}

/// Loads and checks rule files; every diagnostic rendered, errors and warnings.
pub fn check_report(paths: &[PathBuf]) -> String {
    let r = renderer();
    match tally::load_rules(paths) {
        Ok((program, warnings)) => warnings
            .iter()
            .map(|d| r.diag(d, &program.sources))
            .collect(),
        Err(failed) => failed
            .diags
            .iter()
            .map(|d| r.diag(d, &failed.sources))
            .collect(),
    }
}

/// What `tally eval` prints for one record file: the result as text and as JSON, or its problems.
pub fn eval_report(program: &Program, path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("fixture is readable");
    let origin = tally::data::Origin {
        file: tally::source::display_path(path),
        line: None,
    };
    match evaluate_text(program, None, &text, true, as_of()) {
        Ok(outcome) => {
            let mut table = String::new();
            report::table::write_outcome(&mut table, &outcome, &origin.to_string());
            let mut json = String::new();
            report::json::write_outcome(&mut json, &outcome);
            let value: serde_json::Value =
                serde_json::from_str(&json).expect("eval prints valid JSON");
            format!(
                "{table}\n{}\n",
                serde_json::to_string_pretty(&value).expect("JSON prints")
            )
        }
        Err(RecordError::Data { id, errors }) => {
            let r = renderer();
            errors
                .iter()
                .map(|e| r.field_error(&origin, id.as_deref(), &text, e))
                .collect()
        }
        Err(RecordError::Rule { error, .. }) => format!("rule failed: {}\n", error.message),
    }
}

/// The JSON `tally eval --format json` prints for one record, parsed.
pub fn eval_json(program: &Program, text: &str) -> serde_json::Value {
    let outcome = evaluate_text(program, None, text, false, as_of())
        .unwrap_or_else(|e| panic!("record does not evaluate: {e:?}"));
    let mut json = String::new();
    report::json::write_outcome(&mut json, &outcome);
    serde_json::from_str(&json).expect("eval prints valid JSON")
}

/// A fresh folder under the system's temporary folder.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tally-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temporary folder");
    dir
}

/// Copies a folder of rule files, replacing `from` with `to` in the file `edit`.
pub fn edited_copy(source: &Path, target: &Path, edit: &str, from: &str, to: &str) {
    std::fs::create_dir_all(target).expect("folder");
    // Rule files import each other by relative paths, so the copy is whole.
    for entry in std::fs::read_dir(source).expect("rules folder") {
        let path = entry.expect("entry").path();
        let mut text = std::fs::read_to_string(&path).expect("rule file");
        if path.file_name().is_some_and(|n| n == edit) {
            assert!(
                text.contains(from),
                "{} does not contain {from:?}",
                path.display()
            );
            text = text.replace(from, to);
        }
        std::fs::write(target.join(path.file_name().expect("name")), text).expect("write");
    }
}
