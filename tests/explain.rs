//! `tally explain`: every point of `tally eval` traced to the rule and data behind it, as a
//! derivation that reads from top to bottom. Locked by invariants over every partner fixture
//! and by one snapshot of a small program written for it (`tests/fixtures/explain/small/`).

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use tally::data::read::{detect_kind, read_record};
use tally::explain::{Explainer, Explanation, render};
use tally::ir::value::RecordValue;
use tally::ir::{KindId, Program};

use crate::support::{eval_json, shipped_rules};

fn read(program: &Program, path: &str) -> (KindId, Arc<RecordValue>, String) {
    let text = std::fs::read_to_string(path).expect("fixture");
    let kind = detect_kind(program, &text).expect("a known input");
    let record = read_record(program, kind, &text, crate::support::as_of()).expect("valid data");
    (kind, record, text)
}

fn explain(program: &Program, path: &str) -> Explanation {
    let (kind, record, _) = read(program, path);
    Explainer::new(program)
        .explain(kind, record, None, crate::support::as_of())
        .expect("explains")
}

fn small() -> Program {
    match tally::load_rules(&[PathBuf::from("tests/fixtures/explain/small/club.tally")]) {
        Ok((program, _)) => program,
        Err(failed) => panic!("the small program does not check: {:?}", failed.diags),
    }
}

fn partner_fixtures() -> Vec<String> {
    let mut paths: Vec<String> = std::fs::read_dir("tests/fixtures/partners")
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    paths.sort();
    paths.push("examples/partner-smb.json".into());
    assert!(paths.len() > 10, "the partner fixtures are found");
    paths
}

/// The small program, whole: text and JSON (no source positions from `rules/` in it).
#[test]
fn snapshot_of_a_small_program() {
    let _digest = crate::support::redact_digest();
    let program = small();
    let e = explain(&program, "tests/fixtures/explain/small/riverside.json");
    insta::assert_snapshot!("explain-small-text", render::text(&e));
    let json = serde_json::to_string_pretty(&e).expect("JSON");
    insta::assert_snapshot!("explain-small-json", json);
}

/// The points, totals and verdicts are those `tally eval` prints, as JSON numbers; and each
/// subcategory's points are the value of a step of the derivation (every point is traced).
#[test]
fn explanations_agree_with_eval() {
    let program = shipped_rules();
    for path in partner_fixtures() {
        let e = explain(&program, &path);
        let json = serde_json::to_value(&e).expect("JSON");
        let eval = eval_json(&program, &std::fs::read_to_string(&path).expect("fixture"));
        let steps: Vec<&serde_json::Value> = json["sections"]
            .as_array()
            .expect("sections")
            .iter()
            .flat_map(|s| s["steps"].as_array().expect("steps"))
            .collect();
        for (d, explained) in e
            .designations
            .iter()
            .zip(json["designations"].as_array().unwrap())
        {
            let result = eval["results"]
                .as_array()
                .expect("results")
                .iter()
                .find(|r| r["designation"] == d.designation.as_str())
                .expect("designation");
            assert_eq!(
                explained["total"], result["total"],
                "{path}: {}",
                d.designation
            );
            assert!(explained["total"].is_number(), "totals are JSON numbers");
            assert_eq!(explained["attained"], result["attained"], "{path}");
            for (s, sub) in explained["subcategories"]
                .as_array()
                .expect("subcategories")
                .iter()
                .zip(result["subcategories"].as_array().expect("subcategories"))
            {
                assert_eq!(s["name"], sub["name"]);
                assert_eq!(s["points"], sub["points"], "{path}: {}", s["name"]);
                let step = steps
                    .iter()
                    .find(|st| st["name"] == s["step"])
                    .unwrap_or_else(|| panic!("{path}: no step {}", s["step"]));
                assert_eq!(
                    step["value"], s["points"],
                    "{path}: the step's value is the points"
                );
            }
        }
    }
}

/// A derivation: every value once, and after every value it reads.
#[test]
fn each_value_once_and_before_its_use() {
    let program = shipped_rules();
    let mut paths = partner_fixtures();
    paths.push("examples/sales-agent.json".into());
    paths.push("tests/fixtures/scenarios/multi-agent-tenant.json".into());
    for path in paths {
        let e = explain(&program, &path);
        let mut seen = HashSet::new();
        for step in e.sections.iter().flat_map(|s| &s.steps) {
            for read in &step.reads {
                assert!(
                    seen.contains(&read.name),
                    "{path}: {} reads {} before it is explained",
                    step.name,
                    read.name
                );
            }
            assert!(
                seen.insert(step.name.clone()),
                "{path}: {} twice",
                step.name
            );
        }
        // Values the three designations share are explained once, in the first section after
        // the data.
        if e.designations.len() == 3 {
            assert_eq!(e.sections[1].title, "Shared by every designation", "{path}");
            let shared = &e.sections[1].steps;
            assert!(shared.iter().any(|s| s.name == "net_customer_add_points"));
        }
        // The text says "explained above" nowhere: a value is named, not re-explained.
        assert!(!render::text(&e).contains("explained above"));
    }
}

/// A function's body is opened with its arguments; no part is shown as "(a value)" or "(call)".
#[test]
fn calls_and_parts_are_named() {
    let program = shipped_rules();
    let e = explain(&program, "examples/partner-smb.json");
    let text = render::text(&e);
    assert!(
        !text.contains("(a value)") && !text.contains("(call)"),
        "{text}"
    );
    let steps: Vec<_> = e.sections.iter().flat_map(|s| &s.steps).collect();
    let call = steps
        .iter()
        .find(|s| s.name == "prerequisite_met(architect_certifications)")
        .expect("the call is a step");
    assert_eq!(
        call.function.as_deref(),
        Some("prerequisite_met(names) = people_holding(names) >= prerequisite_people")
    );
    assert_eq!(
        call.computed.as_deref(),
        Some("people_holding(architect_certifications) [1] >= prerequisite_people [1]")
    );
    let sum = steps
        .iter()
        .find(|s| s.name == "data_ai_skilling_points")
        .expect("step");
    let computed = sum.computed.as_deref().expect("computed");
    assert!(
        computed.contains("prerequisite_met(administrator_certifications) [true]")
            && computed.contains("prerequisite_points [4]"),
        "{computed}"
    );
}

/// A partner with 60 customers: the result first; long lists are cut in text, whole in HTML.
#[test]
fn sixty_customers_stay_readable() {
    let program = shipped_rules();
    let e = explain(&program, "tests/fixtures/explain/sixty-customers.json");
    let text = render::text(&e);
    assert!(
        e.sections
            .iter()
            .flat_map(|s| &s.steps)
            .any(|s| s.elements.len() >= 50),
        "some list has every customer"
    );
    assert!(text.contains("... and "), "the text cuts long lists");
    let derivation = text.find("How it is computed").expect("a derivation");
    assert!(
        text[..derivation].contains("Customer Success / Deployments"),
        "the result comes first"
    );
    let html = render::document(&e).html();
    assert!(
        html.contains("<details>") && html.contains("C-60"),
        "HTML lists every customer, behind details"
    );
}

/// What is missing comes from the rules, each change labelled with the subcategories it
/// raises, deployments included.
#[test]
fn what_is_missing() {
    let program = shipped_rules();
    let e = explain(&program, "examples/partner-smb.json");
    let data_ai = &e.designations[0];
    let missing = data_ai.missing.as_ref().expect("not attained");
    assert_eq!(
        missing.points_short.map(|p| p.to_string()),
        Some("25".into())
    );
    let moves: Vec<(&str, &str, &str, String)> = missing
        .moves
        .iter()
        .map(|m| {
            (
                m.subcategory.as_str(),
                m.value.as_str(),
                m.to.as_str(),
                m.gain.to_string(),
            )
        })
        .collect();
    assert!(
        moves.contains(&(
            "Net customer adds",
            "count(customers_added)",
            "3",
            "10".into()
        )),
        "{moves:?}"
    );
    assert!(
        moves.contains(&(
            "Intermediate certifications",
            "people_holding(data_ai_scoring_certifications)",
            "4",
            "4".into()
        )),
        "{moves:?}"
    );
    assert!(
        moves.contains(&("Deployments", "count(counted_deployments)", "3", "2".into())),
        "{moves:?}"
    );
    assert!(missing.plan_attains);
    // Every change of the plan names the subcategories whose points it raised, and its gain
    // is theirs.
    for d in &e.designations {
        for m in d.missing.iter().flat_map(|m| m.moves.iter().chain(&m.plan)) {
            let sum: rust_decimal::Decimal = m.raises.iter().map(|r| r.points.0).sum();
            assert_eq!(sum, m.gain.0, "{m:?}");
            assert_eq!(
                m.subcategory,
                m.raises
                    .iter()
                    .map(|r| r.subcategory.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
}

/// Inside a function (`skilling_points` of Infrastructure), the missing prerequisite is found:
/// one architect more gives the prerequisite's points and counts the person already certified.
#[test]
fn the_missing_prerequisite_inside_a_function() {
    let program = shipped_rules();
    let e = explain(
        &program,
        "tests/fixtures/partners/smb-prereq-admin-only.json",
    );
    let infrastructure = e
        .designations
        .iter()
        .find(|d| d.designation == "Infrastructure (Azure)")
        .expect("Infrastructure");
    let missing = infrastructure.missing.as_ref().expect("not attained");
    let moves: Vec<(&str, &str, &str, String)> = missing
        .moves
        .iter()
        .map(|m| {
            (
                m.subcategory.as_str(),
                m.value.as_str(),
                m.to.as_str(),
                m.gain.to_string(),
            )
        })
        .collect();
    assert!(
        moves.contains(&(
            "Advanced certifications",
            "people_holding(architect_certifications)",
            "1",
            "8".into()
        )),
        "{moves:?}"
    );
    assert!(missing.plan_attains);
}

/// Text from the data or the rules cannot become markup in Markdown or HTML.
#[test]
fn markdown_and_html_escape_rules_and_data() {
    let program = small();
    let text = std::fs::read_to_string("tests/fixtures/explain/small/riverside.json")
        .expect("fixture")
        .replace(
            "Riverside <b>Rowing</b>",
            "<img src=x onerror=alert(1)> [click](javascript:alert(1)) <script>x</script>",
        )
        .replace("\"m3\"", "\"<img src=y onerror=alert(2)>\"");
    let kind = detect_kind(&program, &text).expect("kind");
    let record = read_record(&program, kind, &text, crate::support::as_of()).expect("valid");
    let e = Explainer::new(&program)
        .explain(kind, record, None, crate::support::as_of())
        .expect("explains");
    let doc = render::document(&e);
    // In Markdown, `\<` is a character, not the start of a tag.
    let markdown = doc.markdown().replace("\\<", "").replace("\\]", "");
    assert!(!markdown.contains("](javascript:"), "{markdown}");
    for out in [markdown, doc.html()] {
        assert!(!out.contains("<img"), "{out}");
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("href=\"javascript"), "{out}");
    }
    let html = doc.html();
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "the text is kept, as text"
    );
}
