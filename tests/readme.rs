//! The README's example and first command work as it says.

use std::process::Command;

use insta_cmd::get_cargo_bin;

#[test]
fn the_ten_line_example_prints_what_the_readme_shows() {
    let readme = std::fs::read_to_string("README.md").expect("README.md");
    let rules = std::fs::read_to_string("docs/shop/shop.tally").expect("example rules");
    assert!(
        readme.contains(rules.trim_end()),
        "the README shows docs/shop/shop.tally as it is"
    );
    let output = Command::new(get_cargo_bin("tally"))
        .args([
            "eval",
            "docs/shop/shop.tally",
            "--data",
            "docs/shop/kiosk.json",
            "--format",
            "json",
            "--as-of",
            "2025-03-01",
        ])
        .output()
        .expect("runs");
    assert!(output.status.success());
    let printed = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(
        readme.contains(printed.trim_end()),
        "the README shows the output: {printed}"
    );
}

#[test]
fn the_first_command_evaluates_the_shipped_example() {
    let readme = std::fs::read_to_string("README.md").expect("README.md");
    assert!(readme.contains("cargo run --release -- eval rules/ --data examples/partner-smb.json"));
    let output = Command::new(get_cargo_bin("tally"))
        .args(["eval", "rules/", "--data", "examples/partner-smb.json"])
        .output()
        .expect("runs");
    assert!(output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains("Data & AI (Azure): not attained (45 points")
    );
}
