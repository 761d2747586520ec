//! `--data FOLDER`: every entry is read or reported with its path, sub-folders in name order;
//! an entry that cannot be read fails alone (exit 1) and the others are evaluated.

use std::process::Command;

use insta_cmd::get_cargo_bin;

use crate::support::temp_dir;

#[cfg(unix)]
#[test]
fn every_entry_is_read_or_reported() {
    let dir = temp_dir("data-folder");
    let data = dir.join("data");
    std::fs::create_dir_all(data.join("sub/deeper")).expect("folders");
    let partner = std::fs::read_to_string("examples/partner-smb.json").expect("example");
    std::fs::write(data.join("a.json"), &partner).expect("a");
    std::fs::write(data.join("sub/b.json"), &partner).expect("b");
    std::fs::write(data.join("sub/deeper/c.json"), &partner).expect("c");
    std::fs::write(data.join("README.md"), "notes\n").expect("readme");
    std::fs::write(dir.join("outside.json"), &partner).expect("outside");
    std::os::unix::fs::symlink("/nowhere/x.json", data.join("dangling.json")).expect("link");
    std::os::unix::fs::symlink("/dev/zero", data.join("zero.json")).expect("link");
    std::os::unix::fs::symlink("../outside.json", data.join("out.json")).expect("link");
    std::os::unix::fs::symlink("a.json", data.join("same.json")).expect("link");
    let made = Command::new("mkfifo")
        .arg(data.join("pipe.json"))
        .status()
        .expect("mkfifo runs");
    assert!(made.success());

    let out = Command::new(get_cargo_bin("tally"))
        .args(["eval", "rules", "--format", "json", "--data"])
        .arg(&data)
        .env("NO_COLOR", "1")
        .output()
        .expect("tally runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr)
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    // a.json, same.json (a link inside), sub/b.json, sub/deeper/c.json.
    assert_eq!(stdout.lines().count(), 4, "{stdout}{stderr}");
    for reported in [
        "dangling.json: cannot read this entry: a link that leads nowhere",
        "pipe.json: cannot read this entry: not a regular file (a FIFO, socket or device)",
        "zero.json: cannot read this entry: a link to a place outside the folder",
        "out.json: cannot read this entry: a link to a place outside the folder",
        "not read, not data files (*.json, *.jsonl):",
        "README.md",
        "4 records evaluated, 4 failed",
    ] {
        assert!(stderr.contains(reported), "no {reported:?} in {stderr}");
    }
}

#[test]
fn help_says_sub_folders_are_read() {
    let out = Command::new(get_cargo_bin("tally"))
        .args(["eval", "--help"])
        .output()
        .expect("tally runs");
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("its sub-folders are read too"), "{help}");
}
