//! Output safety: a closed pipe or a closed standard error ends tally quietly (never a panic,
//! exit 101), temporary folders go away on every exit path, and control characters from data
//! and rules are never written raw to a terminal.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use insta_cmd::get_cargo_bin;

use crate::support::temp_dir;

/// A partner whose identifier would clear the screen, retitle the terminal and ring the bell.
const HOSTILE_ID: &str = r#""\u001b[2J\u001b]0;x\u0007""#;

/// Runs tally with one of its pipes read for one byte and then closed, like
/// `tally ... | head -c 1` (the other goes nowhere); the exit code.
fn with_pipe_closed_early(args: &[&str], stderr: bool, tmp: Option<&Path>) -> Option<i32> {
    let mut command = Command::new(get_cargo_bin("tally"));
    command
        .args(args)
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null());
    if stderr {
        command.stdout(Stdio::null()).stderr(Stdio::piped());
    } else {
        command.stdout(Stdio::piped()).stderr(Stdio::null());
    }
    if let Some(tmp) = tmp {
        command.env("TMPDIR", tmp);
    }
    let mut child = command.spawn().expect("tally runs");
    let mut byte = [0u8; 1];
    if stderr {
        let _ = child.stderr.take().expect("stderr").read(&mut byte);
    } else {
        let _ = child.stdout.take().expect("stdout").read(&mut byte);
    }
    child.wait().expect("waits").code()
}

/// Runs tally with standard error closed (`2>&-`); its exit code and standard output.
fn with_stderr_closed(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new("sh")
        .arg("-c")
        .arg("exec 2>&-; exec \"$0\" \"$@\"")
        .arg(get_cargo_bin("tally"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("sh runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into(),
    )
}

/// A folder with broken rules, a batch of bad records and a batch of good ones.
fn inputs() -> std::path::PathBuf {
    let dir = temp_dir("output");
    std::fs::write(
        dir.join("broken.tally"),
        "let a = b\nlet c = d\nlet e = f\nlet g = h\n".repeat(50),
    )
    .expect("rules");
    let partner = std::fs::read_to_string("examples/partner-smb.json").expect("example");
    let line = serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&partner).unwrap())
        .unwrap();
    std::fs::write(dir.join("good.jsonl"), format!("{line}\n").repeat(3000)).expect("good");
    std::fs::write(dir.join("bad.jsonl"), "{\"partner_id\": 1}\n".repeat(3000)).expect("bad");
    dir
}

#[test]
fn a_closed_pipe_ends_tally_quietly() {
    let dir = inputs();
    let file = |name: &str| dir.join(name).display().to_string();
    let runs: Vec<Vec<String>> = vec![
        vec!["check".into(), file("broken.tally")],
        vec![
            "eval".into(),
            "rules".into(),
            "--data".into(),
            file("bad.jsonl"),
        ],
        vec![
            "eval".into(),
            "rules".into(),
            "--data".into(),
            file("good.jsonl"),
        ],
        vec![
            "eval".into(),
            "rules".into(),
            "--data".into(),
            file("good.jsonl"),
            "--format".into(),
            "json".into(),
        ],
        vec![
            "diff".into(),
            "rules".into(),
            file("broken.tally"),
            "--data".into(),
            file("good.jsonl"),
        ],
        vec!["test".into(), "rules".into()],
        vec!["doc".into(), "rules".into()],
        vec!["--help".into()],
    ];
    for args in runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        for stderr in [false, true] {
            let code = with_pipe_closed_early(&args, stderr, None);
            assert!(matches!(code, Some(0..=2)), "{args:?} exited {code:?}");
        }
        let (code, _) = with_stderr_closed(&args);
        assert!(
            matches!(code, Some(0..=2)),
            "{args:?} with stderr closed exited {code:?}"
        );
    }
    // With standard error closed, the results still come out.
    let (code, stdout) =
        with_stderr_closed(&["eval", "rules", "--data", "examples/partner-smb.json"]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("P-0001"), "{stdout}");
}

/// `diff` of a git revision checks it out into a temporary folder, removed whichever way the
/// command ends: rules that do not load, a closed pipe, or a normal end.
#[test]
fn diff_removes_its_checkouts() {
    let dir = inputs();
    let tmp = temp_dir("output-tmp");
    let broken = dir.join("broken.tally").display().to_string();
    for args in [
        vec![
            "diff",
            "HEAD:rules/azure",
            &broken,
            "--data",
            "examples/partner-smb.json",
        ],
        vec![
            "diff",
            "HEAD:rules/azure",
            "rules/azure",
            "--data",
            "examples/partner-smb.json",
        ],
        vec![
            "diff",
            "HEAD:rules/azure",
            "HEAD:rules/azure",
            "--data",
            "no-such-data.json",
        ],
    ] {
        for stderr in [false, true] {
            let code = with_pipe_closed_early(&args, stderr, Some(&tmp));
            assert!(matches!(code, Some(0..=2)), "{args:?} exited {code:?}");
        }
        let left: Vec<_> = std::fs::read_dir(&tmp).expect("tmp").collect();
        assert!(left.is_empty(), "{args:?} left {left:?}");
    }
}

fn assert_printable(what: &str, bytes: &[u8]) {
    for control in [0x1b_u8, 0x07, 0x9b] {
        assert!(
            !bytes.contains(&control),
            "{what} printed a raw {control:#x}: {}",
            String::from_utf8_lossy(bytes)
        );
    }
}

#[test]
fn control_characters_from_data_and_rules_are_escaped() {
    let dir = temp_dir("output-controls");
    let partner = std::fs::read_to_string("examples/partner-smb.json").expect("example");
    let hostile = partner.replacen("\"P-0001\"", HOSTILE_ID, 1);
    assert_ne!(hostile, partner);
    std::fs::write(dir.join("hostile.json"), &hostile).expect("data");
    // The same identifier on a record that does not fit, and raw bytes that are not JSON.
    std::fs::write(
        dir.join("bad.json"),
        hostile.replacen("\"customers\"", "\"customers\u{1b}[2J\"", 1),
    )
    .expect("data");
    std::fs::write(
        dir.join("raw.json"),
        "{\"partner_id\": \"\u{1b}]0;x\u{7}\"}\n",
    )
    .expect("data");
    // A rule whose text and failure carry control characters.
    std::fs::write(
        dir.join("rules.tally"),
        "input box {\n  id: text, identifier\n}\nlet x = 1 / 0 # \u{1b}[2J\u{7}\noutput { x: x }\n",
    )
    .expect("rules");
    std::fs::write(dir.join("box.json"), format!("{{\"id\": {HOSTILE_ID}}}")).expect("data");
    let file = |name: &str| dir.join(name).display().to_string();
    for args in [
        vec![
            "eval".to_string(),
            "rules".into(),
            "--data".into(),
            file("hostile.json"),
        ],
        vec![
            "eval".into(),
            "rules".into(),
            "--data".into(),
            file("bad.json"),
        ],
        vec![
            "eval".into(),
            "rules".into(),
            "--data".into(),
            file("raw.json"),
        ],
        vec![
            "explain".into(),
            "rules".into(),
            "--data".into(),
            file("hostile.json"),
        ],
        vec![
            "eval".into(),
            file("rules.tally"),
            "--data".into(),
            file("box.json"),
        ],
        vec!["check".into(), file("rules.tally")],
    ] {
        let out = Command::new(get_cargo_bin("tally"))
            .args(&args)
            .env("NO_COLOR", "1")
            .output()
            .expect("tally runs");
        assert!(matches!(out.status.code(), Some(0..=2)), "{args:?}");
        assert_printable(&format!("{args:?} on stdout"), &out.stdout);
        assert_printable(&format!("{args:?} on stderr"), &out.stderr);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if args[0] != "check" {
            assert!(
                all.contains("\\u{1b}"),
                "{args:?} does not show the escape: {all}"
            );
        }
    }
}
