//! Rules cannot make tally read, print or rewrite a file outside the folders named: imports
//! resolve inside them, folder walks do not follow links out of them, special files are
//! refused, and no diagnostic shows a line of a file outside.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use insta_cmd::get_cargo_bin;

use crate::support::temp_dir;

/// A distinctive line in a file outside the rules folder: it must never be printed.
const SECRET: &str = "let secret = \"TOPSECRET-4242\"\n";

/// `tally` in `dir`, killed if it runs more than 20 seconds (a FIFO would block it forever).
fn tally_in(dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(get_cargo_bin("tally"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("tally runs");
    let started = Instant::now();
    while child.try_wait().expect("waits").is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("tally {args:?} hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

/// Everything printed, with the diagnostics' line breaks and frame undone.
fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
    .replace('│', " ")
    .split_whitespace()
    .collect::<Vec<_>>()
    .join(" ")
}

/// `outside/secret.tally` next to `rules/`, and `rules/ok.tally`.
fn layout(name: &str) -> (PathBuf, PathBuf) {
    let dir = temp_dir(&format!("confine-{name}"));
    std::fs::create_dir_all(dir.join("outside")).expect("outside/");
    std::fs::create_dir_all(dir.join("rules/sub")).expect("rules/sub/");
    std::fs::write(dir.join("outside/secret.tally"), SECRET).expect("secret");
    std::fs::write(dir.join("rules/ok.tally"), "let x = 1\n").expect("ok");
    let rules = dir.join("rules");
    (dir, rules)
}

fn refused(dir: &Path, args: &[&str], code: i32, expected: &[&str]) {
    let out = tally_in(dir, args);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {all}");
    assert!(
        !all.contains("TOPSECRET"),
        "{args:?} printed the file outside: {all}"
    );
    assert!(
        !all.contains("root:x:0"),
        "{args:?} printed /etc/passwd: {all}"
    );
    assert!(
        !all.contains("PATH="),
        "{args:?} printed the environment: {all}"
    );
    for part in expected {
        assert!(all.contains(part), "{args:?}: no {part:?} in {all}");
    }
}

#[test]
fn imports_stay_inside_the_rules_folder() {
    let (dir, rules) = layout("imports");
    for (name, import, says) in [
        ("absolute", "/etc/passwd", "not an absolute path"),
        ("environ", "/proc/self/environ", "not an absolute path"),
        (
            "above",
            "../outside/secret.tally",
            "leads out of the rules folder",
        ),
        (
            "far-above",
            "sub/../../../../../../etc/passwd",
            "leads out of the rules folder",
        ),
    ] {
        std::fs::write(
            rules.join(format!("{name}.tally")),
            format!("import \"{import}\"\n"),
        )
        .expect("rule file");
        refused(
            &dir,
            &["check", &format!("rules/{name}.tally")],
            1,
            &[
                &format!("cannot import \"{import}\""),
                says,
                "import-outside-rules",
            ],
        );
        std::fs::remove_file(rules.join(format!("{name}.tally"))).expect("removes");
    }
    // `..` that stays inside is fine.
    std::fs::write(
        rules.join("sub/fine.tally"),
        "import \"../ok.tally\"\nlet y = x\n",
    )
    .expect("rule file");
    let out = tally_in(&dir, &["check", "rules"]);
    assert!(
        !text(&out).contains("import-outside-rules"),
        "{}",
        text(&out)
    );
}

#[cfg(unix)]
#[test]
fn links_out_of_the_rules_folder_are_not_followed() {
    let (dir, rules) = layout("links");
    std::os::unix::fs::symlink("../outside/secret.tally", rules.join("linked.tally"))
        .expect("link");
    std::os::unix::fs::symlink("../../outside", rules.join("sub/outside")).expect("link");
    std::os::unix::fs::symlink("/nonexistent/x.tally", rules.join("dangling.tally")).expect("link");
    std::fs::write(
        rules.join("sub/via.tally"),
        "import \"outside/secret.tally\"\n",
    )
    .expect("rule file");
    // Unformatted, so that `fmt` would rewrite it if it followed the link.
    std::fs::write(
        dir.join("outside/secret.tally"),
        "let   secret = \"TOPSECRET-4242\"\n",
    )
    .expect("secret");
    refused(
        &dir,
        &["check", "rules"],
        2,
        &[
            "linked.tally: a link to a place outside the folders named; not followed",
            "sub/outside: a link to a place outside the folders named; not followed",
            "dangling.tally: a link that leads nowhere",
        ],
    );
    refused(
        &dir,
        &["check", "rules/sub/via.tally"],
        1,
        &["cannot import \"outside/secret.tally\": this file is a link to a place outside"],
    );
    refused(
        &dir,
        &["fmt", "rules"],
        2,
        &["linked.tally: a link to a place outside"],
    );
    let after = std::fs::read_to_string(dir.join("outside/secret.tally")).expect("secret");
    assert_eq!(
        after, "let   secret = \"TOPSECRET-4242\"\n",
        "fmt rewrote a file outside"
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_not_waited_for() {
    let (dir, rules) = layout("fifo");
    let made = Command::new("mkfifo")
        .arg(rules.join("pipe.tally"))
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    std::fs::write(
        rules.join("sub/imports.tally"),
        "import \"../pipe.tally\"\n",
    )
    .expect("rule file");
    let not_read = "pipe.tally: not a regular file (a FIFO, socket or device); not read";
    refused(&dir, &["check", "rules"], 2, &[not_read]);
    refused(&dir, &["fmt", "rules"], 2, &[not_read]);
    refused(&dir, &["check", "rules/pipe.tally"], 2, &[not_read]);
    refused(
        &dir,
        &["check", "rules/sub/imports.tally", "rules/ok.tally"],
        1,
        &["cannot import \"../pipe.tally\": this is not a regular file"],
    );
}

/// Imports in diamonds 30 deep (each file importing two that both import the next two):
/// 2^30 paths, each file loaded and walked once.
#[test]
fn imports_in_diamonds_load_in_linear_time() {
    let dir = temp_dir("confine-diamonds");
    let depth = 30;
    for level in 0..depth {
        for side in ["a", "b"] {
            let imports = if level + 1 < depth {
                format!("import \"a{0}.tally\"\nimport \"b{0}.tally\"\n", level + 1)
            } else {
                String::new()
            };
            std::fs::write(
                dir.join(format!("{side}{level}.tally")),
                format!("{imports}let v_{side}{level} = 1\n"),
            )
            .expect("rule file");
        }
    }
    let started = Instant::now();
    let out = tally_in(&dir, &["check", "a0.tally", "b0.tally"]);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(text(&out).contains("60 files, 0 errors"), "{}", text(&out));
}
