//! One mistake, one error, at the mistake: the mistakes program managers make most, each
//! made in a copy of the rules (`tests/fixtures/mistakes/rules/`, a copy of `rules/` kept as
//! it was so that these tests do not move with the rules). For each, the whole output of
//! `tally check` is a snapshot, and the test asserts what the snapshot must show: the first
//! error is on the line of the mistake and has a help line, and at most one more finding
//! follows from it.

use std::path::{Path, PathBuf};
use std::process::Command;

use insta_cmd::get_cargo_bin;

/// A mistake: in `file`, `find` (the first occurrence) becomes `replace`; the error must be
/// on the line of the first `at` in the broken file.
struct Mistake {
    name: &'static str,
    file: &'static str,
    find: &'static str,
    replace: &'static str,
    at: &'static str,
}

const fn m(
    name: &'static str,
    file: &'static str,
    find: &'static str,
    replace: &'static str,
    at: &'static str,
) -> Mistake {
    Mistake {
        name,
        file,
        find,
        replace,
        at,
    }
}

const CATALOGUE: &[Mistake] = &[
    // The five of the issue.
    m(
        "removed-import",
        "azure/data-ai.tally",
        "import \"common.tally\"\n",
        "",
        "partner_path",
    ),
    m(
        "missing-opening-brace",
        "azure/data-ai.tally",
        "subcategory \"Net customer adds\" max 30 {",
        "subcategory \"Net customer adds\" max 30",
        "subcategory \"Net customer adds\"",
    ),
    m(
        "number-in-quotes",
        "azure/common.tally",
        "let max_deployments = 5",
        "let max_deployments = \"5\"",
        "\"5\"",
    ),
    m(
        "unclosed-quote",
        "azure/common.tally",
        "let virtual_machines = \"Virtual Machines\"",
        "let virtual_machines = \"Virtual Machines",
        "\"Virtual Machines",
    ),
    m(
        "misspelt-keyword",
        "azure/common.tally",
        "  source \"seed appendix: earn 2 points",
        "  sorce \"seed appendix: earn 2 points",
        "sorce",
    ),
    // Brackets, commas and quotes.
    m(
        "missing-closing-brace",
        "azure/data-ai.tally",
        "      source \"seed appendix, Requirements for performance\"\n    }\n",
        "      source \"seed appendix, Requirements for performance\"\n",
        "subcategory \"Net customer adds\"",
    ),
    m(
        "missing-closing-parenthesis",
        "azure/common.tally",
        "clamp(net_customer_adds, 0, max_net_customer_adds)",
        "clamp(net_customer_adds, 0, max_net_customer_adds",
        "clamp(",
    ),
    m(
        "missing-closing-bracket",
        "azure/common.tally",
        "[\"PAL\", \"DPOR\", \"CSP\"]",
        "[\"PAL\", \"DPOR\", \"CSP\"",
        "[\"PAL\"",
    ),
    m(
        "missing-comma-in-list",
        "azure/common.tally",
        "[\"PAL\", \"DPOR\", \"CSP\"]",
        "[\"PAL\", \"DPOR\" \"CSP\"]",
        "\"CSP\"",
    ),
    m(
        "missing-opening-quote",
        "azure/common.tally",
        "  source \"seed: a minimum of 70 points",
        "  source seed: a minimum of 70 points",
        "seed: a minimum",
    ),
    m(
        "single-quotes",
        "azure/common.tally",
        "where segment = \"enterprise\"",
        "where segment = 'enterprise'",
        "'enterprise'",
    ),
    // Numbers and dates.
    m(
        "thousands-separator",
        "azure/common.tally",
        "let enterprise_revenue = 1_000_000",
        "let enterprise_revenue = 1,000,000",
        "1,000,000",
    ),
    m(
        "date-with-slashes",
        "azure/common.tally",
        "let virtual_machines_count = false",
        "let virtual_machines_count from 01/07/2026 = false",
        "01/07/2026",
    ),
    // Misspelt names.
    m(
        "misspelt-name",
        "azure/common.tally",
        "where attribution in eligible_attributions",
        "where attribution in eligible_atributions",
        "eligible_atributions",
    ),
    m(
        "misspelt-field",
        "azure/common.tally",
        "sum m in ttm_months: c.acr[m]",
        "sum m in ttm_months: c.acrr[m]",
        "acrr",
    ),
    m(
        "misspelt-function",
        "azure/common.tally",
        "let deployment_points = min(",
        "let deployment_points = minimum(",
        "minimum(",
    ),
    m(
        "misspelt-designation",
        "azure/tests.tally",
        "expect \"Data & AI (Azure)\"",
        "expect \"Data and AI (Azure)\"",
        "\"Data and AI (Azure)\"",
    ),
    m(
        "misspelt-case-value",
        "azure/common.tally",
        "when \"smb\" then 500",
        "when \"smbb\" then 500",
        "\"smbb\"",
    ),
    m(
        "misspelt-one-of-value",
        "azure/common.tally",
        "where segment = \"enterprise\"",
        "where segment = \"enterprize\"",
        "\"enterprize\"",
    ),
    m(
        "table-row-missing-a-cell",
        "copilot-studio/rates.tally",
        "| classic_answer         | 0            | 1            |",
        "| classic_answer         | 1            |",
        "| classic_answer",
    ),
    m(
        "capitalized-keyword",
        "azure/common.tally",
        "let points_per_deployment = 2",
        "Let points_per_deployment = 2",
        "Let",
    ),
    // Structure.
    m(
        "subcategory-outside-category",
        "azure/data-ai.tally",
        "  category \"Performance\" max 30 {\n    subcategory \"Net customer adds\" max 30 {\n      points = net_customer_add_points\n      source \"seed appendix, Requirements for performance\"\n    }\n  }\n",
        "  subcategory \"Net customer adds\" max 30 {\n    points = net_customer_add_points\n    source \"seed appendix, Requirements for performance\"\n  }\n",
        "subcategory \"Net customer adds\"",
    ),
    m(
        "duplicated-name",
        "azure/common.tally",
        "\nlet points_to_attain = 70\n",
        "\nlet max_deployments = 6\nlet points_to_attain = 70\n",
        "max_deployments = 6",
    ),
    m(
        "wrong-argument-count",
        "azure/common.tally",
        "clamp(net_customer_adds, 0, max_net_customer_adds)",
        "clamp(net_customer_adds, max_net_customer_adds)",
        "clamp(",
    ),
    m(
        "category-maximum-too-small",
        "azure/data-ai.tally",
        "category \"Performance\" max 30",
        "category \"Performance\" max 25",
        "category \"Performance\"",
    ),
    // Expressions.
    m(
        "double-equals",
        "azure/common.tally",
        "if acr_same_month_last_year = 0 then 0",
        "if acr_same_month_last_year == 0 then 0",
        "== 0",
    ),
    m(
        "ampersands-for-and",
        "azure/common.tally",
        "deployment_service_level\n    and (service",
        "deployment_service_level\n    && (service",
        "&&",
    ),
    m(
        "missing-then",
        "azure/common.tally",
        "if acr_same_month_last_year = 0 then 0",
        "if acr_same_month_last_year = 0 0",
        "0 0",
    ),
];

fn fixture_rules() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mistakes/rules")
}

/// Copies `from` into `to`, folders and files.
fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_folder(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// The copy of the rules with the mistake made, and the line (1-based) of the mistake.
fn make(mistake: &Mistake) -> (PathBuf, usize) {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("mistakes")
        .join(mistake.name);
    let _ = std::fs::remove_dir_all(&root);
    copy_folder(&fixture_rules(), &root.join("rules"));
    let path = root.join("rules").join(mistake.file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains(mistake.find),
        "{}: `{}` is in {}",
        mistake.name,
        mistake.find,
        mistake.file
    );
    let broken = text.replacen(mistake.find, mistake.replace, 1);
    std::fs::write(&path, &broken).unwrap();
    let at = broken
        .find(mistake.at)
        .unwrap_or_else(|| panic!("{}: `{}` is in the broken file", mistake.name, mistake.at));
    let line = broken[..at].matches('\n').count() + 1;
    (root, line)
}

fn check(root: &Path, folder: &str, json: bool) -> std::process::Output {
    let mut cmd = Command::new(get_cargo_bin("tally"));
    cmd.env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .current_dir(root)
        .arg("check")
        .arg(format!("rules/{folder}"));
    if json {
        cmd.args(["--format", "json"]);
    }
    cmd.output().expect("runs")
}

#[test]
fn the_catalogue_has_at_least_25_mistakes() {
    assert!(CATALOGUE.len() >= 25);
    let mut names: Vec<&str> = CATALOGUE.iter().map(|m| m.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(
        names.len(),
        CATALOGUE.len(),
        "each mistake has its own name"
    );
}

#[test]
fn the_copy_of_the_rules_is_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mistakes");
    for folder in ["azure", "copilot-studio"] {
        let output = check(&root, folder, false);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn one_mistake_one_error_at_the_mistake() {
    let mut failures = Vec::new();
    for mistake in CATALOGUE {
        let (root, line) = make(mistake);
        let folder = mistake.file.split('/').next().unwrap();
        let output = check(&root, folder, true);
        let findings: Vec<serde_json::Value> =
            serde_json::from_slice(&output.stdout).expect("a JSON array of findings");
        let wanted_file = format!("rules/{}", mistake.file);
        let first_error = findings.iter().find(|f| f["severity"] == "error");
        let problem = match first_error {
            None => Some("no error".to_string()),
            Some(_) if findings.len() > 2 => Some(format!("{} findings", findings.len())),
            Some(f) if f["file"] != wanted_file.as_str() || f["line"] != line => Some(format!(
                "the first error is at {}:{}, the mistake at {wanted_file}:{line}",
                f["file"], f["line"]
            )),
            Some(f) if f["help"].as_str().is_none_or(str::is_empty) => {
                Some("the first error has no help".into())
            }
            Some(_) => None,
        };
        if let Some(problem) = problem {
            failures.push(format!("{}: {problem}\n{findings:#?}", mistake.name));
        }
        let human = check(&root, folder, false);
        insta::assert_snapshot!(
            mistake.name,
            String::from_utf8_lossy(&human.stderr),
            &format!(
                "{}: {} in {}",
                mistake.name,
                mistake.replace.trim(),
                mistake.file
            )
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
