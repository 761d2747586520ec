//! `tally doc`: the rule files as a document, in Markdown and as a self-contained HTML file
//! that Chromium loads and renders.

use std::process::Command;

use tally::doc::document;

use crate::support::{shipped_rules, temp_dir};

#[test]
fn markdown_of_the_shipped_rules() {
    insta::assert_snapshot!(document(&shipped_rules()).markdown());
}

/// The seed's requirement tables, row by row: subcategory and maximum.
#[test]
fn the_tables_match_partner_program() {
    let markdown = document(&shipped_rules()).markdown();
    for row in [
        "| Performance (30) | Net customer adds | 30 |",
        "| Skilling (40) | Intermediate certifications | 40 |",
        "| Skilling (40) | Intermediate certifications | 20 |",
        "|  | Advanced certifications | 20 |",
        "| Customer Success (30) | Usage growth | 20 |",
        "|  | Deployments | 10 |",
    ] {
        assert!(markdown.contains(row), "missing row {row}");
    }
    assert!(markdown.contains("| feature \\ user_kind | m365_copilot | copilot_chat |"));
}

#[test]
fn html_is_self_contained() {
    let html = document(&shipped_rules()).html();
    for outside in ["<script", "<link", "src=", "url(", "@import"] {
        assert!(
            !html.contains(outside),
            "the HTML loads something from outside: {outside}"
        );
    }
}

/// Renders the HTML in headless Chromium and takes a screenshot. Ignored by `cargo test`, as it
/// needs Chromium; `.ci/run` runs it with `cargo test -- --ignored`, and it fails without one.
#[test]
#[ignore = "needs Chromium: cargo test -- --ignored"]
fn html_renders_in_chromium() {
    let chromium = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| Command::new(c).arg("--version").output().is_ok())
        .expect("this test needs Chromium (`chromium`, `chromium-browser` or `google-chrome`)");
    let dir = temp_dir("chromium");
    let page = dir.join("rules.html");
    std::fs::write(&page, document(&shipped_rules()).html()).expect("write");
    let explained = dir.join("explain.html");
    let program = shipped_rules();
    let text = std::fs::read_to_string("examples/partner-smb.json").expect("example");
    let kind = tally::data::read::detect_kind(&program, &text).expect("kind");
    let record = tally::data::read::read_record(&program, kind, &text, crate::support::as_of())
        .expect("record");
    let explanation = tally::explain::Explainer::new(&program)
        .explain(kind, record, None, crate::support::as_of())
        .expect("explains");
    std::fs::write(
        &explained,
        tally::explain::render::document(&explanation).html(),
    )
    .expect("write");
    let flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ];
    let url = format!("file://{}", page.display());
    let profile = format!("--user-data-dir={}", dir.join("profile").display());
    let dom = Command::new(chromium)
        .args(flags)
        .arg(&profile)
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("<h2>Data &amp; AI (Azure)</h2>"),
        "Chromium did not load the page:\n{dom}"
    );
    assert!(dom.contains("<table>"));
    let shot = dir.join("rules.png");
    let status = Command::new(chromium)
        .args(flags)
        .arg(&profile)
        .arg("--window-size=1280,2000")
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url)
        .output()
        .expect("chromium runs");
    assert!(status.status.success());
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "the screenshot is empty"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn formulas_are_shown_on_one_line() {
    use tally::report::rule_text::squeeze;
    let written =
        "{\n  name: a.name # who\n  note: \"x  \\\" # y\"\n  total: if a\n    then 1 else 2\n}";
    assert_eq!(
        squeeze(written),
        "{ name: a.name, note: \"x  \\\" # y\", total: if a then 1 else 2 }"
    );
}
