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

/// The rule files (`*.tally`) under `dir`, in every subfolder, sorted.
pub fn rule_files(dir: &Path) -> Vec<PathBuf> {
    files(dir, "tally")
}

/// The files named `*.{extension}` under `dir`, in every subfolder, sorted. A folder without
/// any is a mistake in the test, so it fails rather than pass over nothing.
pub fn files(dir: &Path, extension: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, extension: &str, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("a readable folder") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                walk(&path, extension, out);
            } else if path.extension().is_some_and(|e| e == extension) {
                out.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(dir, extension, &mut found);
    assert!(
        !found.is_empty(),
        "no *.{extension} files in {}",
        dir.display()
    );
    found.sort();
    found
}

/// The `tally` binary, without colours or backtraces, so its output is stable.
pub fn tally() -> std::process::Command {
    let mut cmd = std::process::Command::new(insta_cmd::get_cargo_bin("tally"));
    cmd.env("NO_COLOR", "1").env_remove("RUST_BACKTRACE");
    cmd
}

/// A test of the command line, in the style of just's `tests/test.rs`: files written into a
/// fresh folder, a command run there, and what it must print and return.
///
/// ```ignore
/// Test::new("bom")
///     .file("bom.tally", "\u{feff}let x = 1\n")
///     .args(["check", "bom.tally"])
///     .stderr_has("1 file, 0 errors")
///     .run();
/// ```
pub struct Test {
    dir: PathBuf,
    args: Vec<String>,
    status: i32,
    stdout: Option<String>,
    stdout_has: Vec<String>,
    stderr_has: Vec<String>,
}

/// What the command of a [`Test`] printed.
pub struct Ran {
    pub stdout: String,
    pub stderr: String,
}

impl Test {
    /// A test in a fresh folder named after `name`; it expects exit code 0 unless told.
    pub fn new(name: &str) -> Test {
        Test {
            dir: temp_dir(name),
            args: Vec::new(),
            status: 0,
            stdout: None,
            stdout_has: Vec::new(),
            stderr_has: Vec::new(),
        }
    }

    /// The test's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `text` to `path` in the test's folder, making the folders on the way.
    pub fn file(self, path: &str, text: &str) -> Test {
        let path = self.dir.join(path);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("makes the folder");
        std::fs::write(path, text).expect("writes the file");
        self
    }

    /// The command's arguments (after `tally`).
    pub fn args<'a>(mut self, args: impl IntoIterator<Item = &'a str>) -> Test {
        self.args.extend(args.into_iter().map(String::from));
        self
    }

    /// The exit code the command must return.
    pub fn status(mut self, code: i32) -> Test {
        self.status = code;
        self
    }

    /// All that the command must print on standard output.
    pub fn stdout(mut self, text: &str) -> Test {
        self.stdout = Some(text.to_string());
        self
    }

    /// Text that standard output must contain.
    pub fn stdout_has(mut self, text: &str) -> Test {
        self.stdout_has.push(text.to_string());
        self
    }

    /// Text that standard error must contain.
    pub fn stderr_has(mut self, text: &str) -> Test {
        self.stderr_has.push(text.to_string());
        self
    }

    /// Runs the command in the test's folder and checks every expectation.
    pub fn run(self) -> Ran {
        let output = tally()
            .current_dir(&self.dir)
            .args(&self.args)
            .output()
            .expect("tally runs");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let shown = format!(
            "tally {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}",
            self.args
        );
        assert_eq!(output.status.code(), Some(self.status), "{shown}");
        if let Some(expected) = &self.stdout {
            assert_eq!(&stdout, expected, "{shown}");
        }
        for text in &self.stdout_has {
            assert!(stdout.contains(text.as_str()), "no {text:?} in {shown}");
        }
        for text in &self.stderr_has {
            assert!(stderr.contains(text.as_str()), "no {text:?} in {shown}");
        }
        Ran { stdout, stderr }
    }
}
