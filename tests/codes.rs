//! Every diagnostic code has a page in `docs/diagnostics.md` that `tally check --explain`
//! prints, and each page's example really produces its code.

use tally::diagnostic::{Code, Diags};

use crate::support::Test;

/// Codes that come from the command line, the file system or the data, not from the text of a
/// rule file: their pages show a command instead of a rule file.
const NOT_FROM_RULE_TEXT: [Code; 6] = [
    Code::Unparsed,
    Code::NoRules,
    Code::MissingRules,
    Code::UnreadableRules,
    Code::BadData,
    Code::RuleFailed,
];

/// The ```tally blocks of a page, each as its files: `# file: NAME` starts a file.
fn examples(page: &str) -> Vec<Vec<(String, String)>> {
    let mut blocks = Vec::new();
    let mut rest = page;
    while let Some(start) = rest.find("```tally\n") {
        let body = &rest[start + "```tally\n".len()..];
        let end = body.find("```").expect("a block is closed");
        let mut files: Vec<(String, String)> = Vec::new();
        for line in body[..end].lines() {
            match line.strip_prefix("# file: ") {
                Some(name) => files.push((name.to_string(), String::new())),
                None => {
                    if files.is_empty() {
                        files.push(("example.tally".to_string(), String::new()));
                    }
                    let text = &mut files.last_mut().expect("a file").1;
                    text.push_str(line);
                    text.push('\n');
                }
            }
        }
        blocks.push(files);
        rest = &body[end..];
    }
    blocks
}

/// The codes of every diagnostic, error or warning, that checking these files gives.
fn codes_of(files: &[(String, String)]) -> Vec<Code> {
    let texts: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let mut diags = Diags::default();
    let loaded = tally::load::load_texts(&texts, &mut diags);
    let found = match tally::check::check(loaded, diags) {
        Ok((_, warnings)) => warnings,
        Err(rejected) => rejected.diags,
    };
    found.iter().map(|d| d.code).collect()
}

#[test]
fn every_code_has_a_page_whose_examples_produce_it() {
    let mut wrong = Vec::new();
    for &code in Code::ALL {
        let page = code
            .page()
            .unwrap_or_else(|| panic!("`{code}` has no page in docs/diagnostics.md"));
        assert!(page.contains("Fix:"), "the page of `{code}` says no fix");
        let blocks = examples(page);
        if NOT_FROM_RULE_TEXT.contains(&code) {
            assert!(blocks.is_empty() && page.contains("```console"), "{code}");
            continue;
        }
        assert!(!blocks.is_empty(), "the page of `{code}` has no example");
        for files in blocks {
            let codes = codes_of(&files);
            if !codes.contains(&code) {
                wrong.push(format!("the example of `{code}` gives {codes:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn every_page_is_of_a_code() {
    let pages = std::fs::read_to_string("docs/diagnostics.md").expect("the pages are readable");
    let headings: Vec<&str> = pages
        .lines()
        .filter_map(|l| l.strip_prefix("## `")?.strip_suffix('`'))
        .collect();
    assert_eq!(headings.len(), Code::ALL.len(), "one page per code");
    for name in headings {
        assert!(Code::from_name(name).is_some(), "`{name}` is not a code");
    }
}

#[test]
fn check_explain_prints_the_page() {
    let page = Code::Arity.page().expect("a page");
    Test::new("explain-code")
        .args(["check", "--explain", "arity"])
        .stdout(&format!("{page}\n"))
        .run();
    let ran = Test::new("explain-unknown-code")
        .args(["check", "--explain", "unknwn-name"])
        .status(2)
        .stderr_has("did you mean `unknown-name`?")
        .run();
    assert!(ran.stdout.is_empty(), "{}", ran.stdout);
}
