//! The language service of the library (`tally::service`): diagnostics of a folder with the
//! unsaved text of open files laid over it, hover, definition, references, rename,
//! completion, symbols, formatting and code actions.

use std::path::{Path, PathBuf};

use tally::service::{CompletionKind, Position, Severity, Workspace};

fn rules() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")
}

fn file(name: &str) -> PathBuf {
    rules()
        .join(name)
        .canonicalize()
        .expect("a shipped rule file")
}

/// The position of the `nth` (0-based) `needle` in a file's text, plus `into` characters.
fn at(text: &str, needle: &str, nth: usize, into: u32) -> Position {
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle} is in the text"))
        .0;
    let line = text[..offset].matches('\n').count() as u32;
    let column = text[text[..offset].rfind('\n').map_or(0, |i| i + 1)..offset]
        .encode_utf16()
        .count() as u32;
    Position {
        line,
        character: column + into,
    }
}

#[test]
fn the_shipped_rules_have_no_diagnostics() {
    let mut ws = Workspace::new(rules());
    let all = ws.diagnostics();
    assert!(all.len() >= 10, "every file has its list: {all:?}");
    assert!(all.iter().all(|f| f.diagnostics.is_empty()), "{all:#?}");
}

#[test]
fn unsaved_text_wins_and_closing_brings_the_disk_back() {
    let mut ws = Workspace::new(rules());
    let path = file("azure/data-ai.tally");
    let text = std::fs::read_to_string(&path).unwrap();
    ws.set_text(&path, text.replace("import \"common.tally\"", ""));
    let diags = ws.file_diagnostics(&path);
    assert!(!diags.is_empty());
    assert!(diags.iter().any(|d| d.severity == Severity::Error));
    let first = &diags[diags.len() - 1];
    assert!(first.range.start_byte < first.range.end_byte);
    ws.close(&path);
    assert!(ws.file_diagnostics(&path).is_empty());
}

#[test]
fn hover_shows_type_value_notes_and_versions() {
    let mut ws = Workspace::new(rules());
    let path = file("azure/common.tally");
    let text = std::fs::read_to_string(&path).unwrap();
    let hover = ws
        .hover(&path, at(&text, "monthly_acr_threshold", 1, 2))
        .expect("a hover on a use");
    assert!(
        hover.markdown.contains("monthly_acr_threshold"),
        "{}",
        hover.markdown
    );
    assert!(hover.markdown.contains("number"), "{}", hover.markdown);
    assert!(hover.markdown.contains("source: "), "{}", hover.markdown);
}

#[test]
fn definition_and_references_cross_imports() {
    let mut ws = Workspace::new(rules());
    let path = file("azure/data-ai.tally");
    let text = std::fs::read_to_string(&path).unwrap();
    let (needle, nth) = ("partner_path", 0);
    let defs = ws.definition(&path, at(&text, needle, nth, 1));
    assert_eq!(defs.len(), 1, "{defs:?}");
    assert!(defs[0].path.ends_with("common.tally"));
    let refs = ws.references(&path, at(&text, needle, nth, 1), true);
    let files: std::collections::BTreeSet<_> = refs.iter().map(|r| r.path.clone()).collect();
    assert!(files.len() >= 3, "{files:?}");
}

#[test]
fn completion_offers_names_fields_keywords_and_labels() {
    let mut ws = Workspace::new(rules());
    let path = file("azure/common.tally");
    let text = std::fs::read_to_string(&path).unwrap();
    // Types come from the last text that checked: the editor had it before the `.` was typed.
    assert!(ws.file_diagnostics(&path).is_empty());
    let edited = format!("{text}\nlet probe = eligible_customers.\n");
    ws.set_text(&path, &edited);
    let end = at(
        &edited,
        "eligible_customers.\n",
        0,
        "eligible_customers.".len() as u32,
    );
    let fields = ws.completions(&path, end);
    assert!(
        fields
            .iter()
            .any(|c| c.label == "segment" && c.kind == CompletionKind::Field),
        "{fields:?}"
    );
    assert!(
        !fields.iter().any(|c| c.label == "person"),
        "only a customer's fields: {fields:?}"
    );
    let names = ws.completions(&path, at(&edited, "let probe = ", 0, 12));
    assert!(names.iter().any(|c| c.label == "monthly_acr_threshold"));
    assert!(
        names
            .iter()
            .any(|c| c.label == "where" && c.kind == CompletionKind::Keyword)
    );
}

/// Broken copies of every shipped file (cut short, a character taken out, a quote, a brace
/// or a non-ASCII character put in): every question is answered without a panic, at places
/// all over the file, past its end and inside characters.
#[test]
fn any_text_gets_answers_and_no_panic() {
    let mut ws = Workspace::new(rules());
    let files: Vec<PathBuf> = [
        "azure/common.tally",
        "azure/data-ai.tally",
        "copilot-studio/estimate.tally",
    ]
    .iter()
    .map(|f| file(f))
    .collect();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let mut variants: Vec<String> = Vec::new();
        for cut in [555, text.len() - 3] {
            let cut = cut.min(text.len());
            let at = (0..=cut).rev().find(|&i| text.is_char_boundary(i)).unwrap();
            variants.push(text[..at].to_string());
            let next = text[at..].chars().next().map_or(0, char::len_utf8);
            variants.push(format!("{}{}", &text[..at], &text[at + next..]));
            for insert in ["\"", "{", "€😀", ".", "= ="] {
                variants.push(format!("{}{insert}{}", &text[..at], &text[at..]));
            }
        }
        for variant in variants {
            ws.set_text(path, &variant);
            let _ = ws.diagnostics();
            let lines = variant.lines().count() as u32 + 2;
            for line in (0..lines).step_by(7) {
                for character in [0, 9, 200] {
                    let at = Position { line, character };
                    let _ = ws.hover(path, at);
                    let _ = ws.definition(path, at);
                    let _ = ws.completions(path, at);
                    if line % 21 == 0 {
                        let _ = ws.references(path, at, true);
                        let _ = ws.rename(path, at, "renamed");
                        if let Some(range) = ws.range(
                            path,
                            at,
                            Position {
                                line: line + 1,
                                character: 0,
                            },
                        ) {
                            let _ = ws.code_actions(path, range);
                        }
                    }
                }
            }
            let _ = ws.symbols(path);
            let _ = ws.format(path);
        }
        ws.close(path);
    }
}

/// The language service confines imports as `tally check` does: no absolute path, no `..`
/// above the workspace's folder, no link out of it, no FIFO; a diagnostic never shows a line
/// of the file outside, and a link out of the folder is not taken for one of its rule files.
#[test]
fn imports_stay_inside_the_workspace_folder() {
    let dir = crate::support::temp_dir("service-confined");
    let rules = dir.join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::write(dir.join("secret.tally"), "let leaked_secret = 1\n").unwrap();
    std::os::unix::fs::symlink(dir.join("secret.tally"), rules.join("linked.tally")).unwrap();
    std::fs::write(rules.join("ok.tally"), "let fine = 1\n").unwrap();
    let text = "import \"../secret.tally\"\nimport \"/etc/passwd\"\nimport \"ok.tally\"\nlet uses = fine\n";
    std::fs::write(rules.join("main.tally"), text).unwrap();
    let mut ws = Workspace::new(&rules);
    let all = ws.diagnostics();
    let files: Vec<&Path> = all.iter().map(|f| f.path.as_path()).collect();
    assert!(
        !files.iter().any(|p| p.ends_with("linked.tally")),
        "a link out of the folder is not a rule file of it: {files:?}"
    );
    let main = ws.file_diagnostics(rules.join("main.tally"));
    let messages: Vec<&str> = main.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages.contains(
            &"cannot import \"../secret.tally\": this path leads out of the rules folder"
        ),
        "{messages:#?}"
    );
    assert!(
        messages.contains(
            &"cannot import \"/etc/passwd\": an import is a path relative to the importing file, not an absolute path"
        ),
        "{messages:#?}"
    );
    assert_eq!(main.len(), 2, "`ok.tally` is imported: {messages:#?}");
    let shown = format!("{all:?}");
    assert!(
        !shown.contains("leaked_secret") && !shown.contains("root:"),
        "{shown}"
    );

    // A link named as an import, and a FIFO.
    ws.set_text(
        rules.join("main.tally"),
        "import \"linked.tally\"\nimport \"pipe.tally\"\n",
    );
    let status = std::process::Command::new("mkfifo")
        .arg(rules.join("pipe.tally"))
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    ws.refresh();
    let main = ws.file_diagnostics(rules.join("main.tally"));
    let messages: Vec<&str> = main.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "cannot import \"linked.tally\": this file is a link to a place outside the rules folder",
            "cannot import \"pipe.tally\": this is not a regular file",
        ],
        "{main:#?}"
    );
}
