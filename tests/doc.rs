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
    assert!(markdown.contains("| feature \\ user\\_kind | m365\\_copilot | copilot\\_chat |"));
}

/// For readers who do not read code: points in words, a table of contents, and the date,
/// version and digest of the rules shown; the code only behind "The rule code".
#[test]
fn points_in_words_contents_and_stamp() {
    let program = shipped_rules();
    let markdown = document(&program).markdown();
    for words in [
        "| Net customer adds | 30 | 10 points per net customer add, at most 3; fewer than 0 counts as 0. |",
        "| Deployments | 10 | 2 points per counted deployment, at most 5. |",
        "*smb path:* (4 points when prerequisite met administrator certifications; otherwise 0 points)",
    ] {
        assert!(markdown.contains(words), "missing {words}");
    }
    assert!(markdown.contains("## Contents\n\n- [Data \\& AI (Azure)](#data--ai-azure)"));
    assert!(markdown.contains(&format!("sha256:{}", program.rules_digest())));
    assert!(markdown.contains("Every version of the rules, each with the date it takes effect"));
    let dated = tally::doc::document_as_of(&program, chrono::NaiveDate::from_ymd_opt(2025, 3, 1));
    assert!(
        dated
            .markdown()
            .contains("The rules in force on **2025-03-01**")
    );
    let html = document(&program).html();
    assert!(
        html.contains("<h2 id=\"data--ai-azure\">"),
        "the contents link to the headings"
    );
    assert!(html.contains("<details><summary>The rule code for these points</summary>"));
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

/// Measures the laid-out page in Chromium: the page does not scroll sideways, no text
/// overflows its box, and no word outside code is broken across lines. The result is written
/// into the page, which `--dump-dom` prints.
const MEASURE: &str = r#"<script>
addEventListener('load', () => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > innerWidth + 1) problems.push('the page is ' + root.scrollWidth + 'px wide');
  for (const el of document.querySelectorAll('main p, main li, main td, main th, main h1, main h2, main h3, main summary')) {
    if (el.closest('details:not([open])') && el.tagName !== 'SUMMARY') continue;
    if (el.scrollWidth > el.clientWidth + 1) problems.push('overflows: ' + el.textContent.slice(0, 60));
  }
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  let checked = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('code, pre, details:not([open])')) continue;
    const re = /[^\s\-\/]{2,}/g;
    let m;
    while ((m = re.exec(node.data))) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      checked++;
      if (lines.size > 1) problems.push('broken word: ' + m[0]);
    }
  }
  const out = document.createElement('pre');
  out.id = 'layout';
  out.textContent = JSON.stringify({checked, problems: problems.slice(0, 20)});
  document.body.appendChild(out);
});
</script>"#;

fn chromium() -> &'static str {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| Command::new(c).arg("--version").output().is_ok())
        .expect("this test runs where Chromium is installed (.ci/run installs it)")
}

const FLAGS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// The layout problems Chromium finds in `html` at a window `width` pixels wide.
fn layout_problems(dir: &std::path::Path, name: &str, html: &str, width: u32) -> Vec<String> {
    let page = dir.join(format!("{name}-{width}.html"));
    std::fs::write(&page, html.replace("</body>", &format!("{MEASURE}</body>"))).expect("write");
    let output = Command::new(chromium())
        .args(FLAGS)
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg(format!("--window-size={width},1400"))
        .arg("--virtual-time-budget=5000")
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&output.stdout);
    let start = dom
        .find("<pre id=\"layout\">")
        .expect("the measuring script ran")
        + 17;
    let end = start + dom[start..].find("</pre>").expect("end of the result");
    let json = dom[start..end]
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let result: serde_json::Value = serde_json::from_str(&json).expect("the result is JSON");
    assert!(
        result["checked"].as_u64().expect("count") > 100,
        "words were measured: {result}"
    );
    result["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| p.as_str().unwrap_or_default().to_string())
        .collect()
}

/// `tally doc` and `tally explain` as HTML read at 1024 px and at the width of an A4 page's
/// text (about 680 px), with no word broken and nothing overflowing, and print to a PDF.
/// Run with `cargo test -- --ignored` where Chromium is installed (`.ci/run` does).
#[test]
#[ignore = "needs Chromium: .ci/run runs it with --ignored"]
fn html_reads_at_1024_px_and_on_a4_in_chromium() {
    let program = shipped_rules();
    let dir = temp_dir("chromium-layout");
    let doc = document(&program).html();
    let text = std::fs::read_to_string("examples/partner-smb.json").expect("example");
    let kind = tally::data::read::detect_kind(&program, &text).expect("kind");
    let record = tally::data::read::read_record(&program, kind, &text, crate::support::as_of())
        .expect("record");
    let explanation = tally::explain::Explainer::new(&program)
        .explain(kind, record, None, crate::support::as_of())
        .expect("explains");
    let explained = tally::explain::render::document(&explanation).html();
    for (name, html) in [("doc", &doc), ("explain", &explained)] {
        for width in [1024, 680] {
            let problems = layout_problems(&dir, name, html, width);
            assert!(problems.is_empty(), "{name} at {width}px: {problems:#?}");
        }
        let page = dir.join(format!("{name}.html"));
        std::fs::write(&page, html).expect("write");
        let pdf = dir.join(format!("{name}.pdf"));
        let status = Command::new(chromium())
            .args(FLAGS)
            .arg(format!("--user-data-dir={}", dir.join("profile").display()))
            .arg("--no-pdf-header-footer")
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(format!("file://{}", page.display()))
            .output()
            .expect("chromium runs");
        assert!(status.status.success());
        let bytes = std::fs::read(&pdf).expect("a PDF");
        assert!(
            bytes.starts_with(b"%PDF") && bytes.len() > 10_000,
            "{name}: the PDF is empty"
        );
    }
    // The measurement fails on a page that is wrong: a long word in a narrow column.
    let bad = doc.replace(
        "<main>",
        "<main><table><tr><td style=\"width:30px;overflow-wrap:anywhere\">Categoryandsubcategory</td><td>x</td></tr></table>",
    );
    assert!(
        !layout_problems(&dir, "bad", &bad, 1024).is_empty(),
        "a broken word is found"
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

/// A dated change is in words beside the version before it, with its date; `--as-of` shows
/// only what is in force that day (the worked example of tests/fixtures/dated/).
#[test]
fn dated_versions_in_words_and_as_of_a_day() {
    let doc = |extra: &[&str]| {
        let mut args = vec!["doc", "tests/fixtures/dated/rules", "--format", "markdown"];
        args.extend_from_slice(extra);
        let out = crate::support::tally()
            .args(&args)
            .output()
            .expect("tally doc");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    let every = doc(&[]);
    for expected in [
        "*before 2026-07-01:* 10 points per net customer add, at most 3",
        "*from 2026-07-01:* 5 points per net customer add, at most 6",
        "| Skilling (40, 50 from 2026-07-01) |",
        "| Advanced certifications (from 2026-07-01) |",
        "**100, 110 from 2026-07-01** points possible",
        "- From 2026-07-01: the subcategory Advanced certifications starts; the maximum of Data \\& AI (Azure) becomes 110; the maximum of Skilling becomes 50;",
    ] {
        assert!(every.contains(expected), "{expected}\n{every}");
    }
    let later = doc(&["--as-of", "2026-08-01"]);
    assert!(later.contains("| Net customer adds | 30 | 5 points per net customer add, at most 6"));
    assert!(later.contains("**110** points possible"));
    assert!(!later.contains("10 points per net customer add"));
    assert!(!later.contains("Changes over time"));
    let earlier = doc(&["--as-of", "2026-01-15"]);
    assert!(
        earlier.contains("| Net customer adds | 30 | 10 points per net customer add, at most 3")
    );
    // Data & AI has no advanced subcategory before the date.
    let data_ai = earlier
        .split("\n## ")
        .find(|section| section.starts_with("Data \\& AI (Azure)"))
        .expect("a Data & AI section");
    assert!(!data_ai.contains("Advanced certifications"), "{data_ai}");
}
