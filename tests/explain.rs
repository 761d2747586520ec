//! `tally explain`: every point of `tally eval` traced to the rule and data behind it.

use std::sync::Arc;

use tally::data::read::{detect_kind, read_record};
use tally::explain::{Explainer, Explanation, Node, render};
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

#[test]
fn text_and_json_of_fixtures() {
    let _digest = crate::support::redact_digest();
    let program = shipped_rules();
    for path in [
        "examples/partner-smb.json",
        "tests/fixtures/partners/deployments-edge-cases.json",
        "tests/fixtures/partners/enterprise-prereq-one-admin.json",
        "tests/fixtures/partners/growth-decimal-trap-6pct.json",
        "examples/sales-agent.json",
        "tests/fixtures/scenarios/multi-agent-tenant.json",
    ] {
        let e = explain(&program, path);
        let name = path.rsplit('/').next().expect("file name");
        insta::assert_snapshot!(format!("explain-text-{name}"), render::text(&e));
        insta::assert_json_snapshot!(format!("explain-json-{name}"), e);
    }
}

/// The points and totals in the explanation are those `tally eval` prints.
#[test]
fn explanations_agree_with_eval() {
    let _digest = crate::support::redact_digest();
    let program = shipped_rules();
    for path in crate::support::files(std::path::Path::new("tests/fixtures/partners"), "json") {
        let e = explain(&program, path.to_str().expect("path"));
        let json = eval_json(&program, &std::fs::read_to_string(&path).expect("fixture"));
        for d in &e.designations {
            let result = json["results"]
                .as_array()
                .expect("results")
                .iter()
                .find(|r| r["designation"] == d.designation.as_str())
                .expect("designation");
            assert_eq!(
                d.total,
                result["total"].to_string(),
                "{}: {}",
                path.display(),
                d.designation
            );
            assert_eq!(
                d.attained,
                result["attained"],
                "{}: {}",
                path.display(),
                d.designation
            );
            for s in &d.subcategories {
                let sub = result["subcategories"]
                    .as_array()
                    .expect("subcategories")
                    .iter()
                    .find(|x| x["name"] == s.name.as_str())
                    .expect("subcategory");
                assert_eq!(
                    s.points,
                    sub["points"].to_string(),
                    "{}: {} / {}",
                    path.display(),
                    d.designation,
                    s.name
                );
                assert_eq!(s.rule.value, s.points, "the rule's value is the points");
            }
        }
    }
}

/// A partner with 60 customers: summaries first; long lists are cut in text, whole in HTML.
#[test]
fn sixty_customers_stay_readable() {
    let _digest = crate::support::redact_digest();
    let program = shipped_rules();
    let e = explain(&program, "tests/fixtures/explain/sixty-customers.json");
    let text = render::text(&e);
    fn longest(node: &Node) -> usize {
        node.children
            .iter()
            .map(longest)
            .max()
            .unwrap_or(0)
            .max(node.elements.len())
    }
    assert!(
        e.designations
            .iter()
            .flat_map(|d| &d.subcategories)
            .any(|s| longest(&s.rule) >= 50),
        "some list has every customer"
    );
    assert!(text.contains("... and "), "the text cuts long lists");
    let first_tree = text
        .find("\n  Net customer adds: ")
        .expect("the trees follow the summary");
    assert!(
        text[..first_tree].contains("Customer Success / Deployments"),
        "the summary comes first"
    );
    let html = render::document(&e).html();
    assert!(
        html.contains("<details>") && html.contains("C-60"),
        "HTML lists every customer, behind details"
    );
}

/// What is missing comes from the rules: one more net add, one more person.
#[test]
fn what_is_missing() {
    let _digest = crate::support::redact_digest();
    let program = shipped_rules();
    let e = explain(&program, "examples/partner-smb.json");
    let data_ai = &e.designations[0];
    let missing = data_ai.missing.as_ref().expect("not attained");
    assert_eq!(missing.points_short.as_deref(), Some("25"));
    let moves: Vec<(&str, &str, &str)> = missing
        .moves
        .iter()
        .map(|m| (m.value.as_str(), m.to.as_str(), m.gain.as_str()))
        .collect();
    assert!(
        moves.contains(&("net_customer_adds", "2", "+10")),
        "{moves:?}"
    );
    assert!(
        moves.contains(&("people_holding(data_ai_scoring_certifications)", "4", "+4")),
        "{moves:?}"
    );
    assert!(missing.plan_attains);
}

/// Inside a function (`skilling_points` of Infrastructure), the missing prerequisite is found:
/// one architect more gives the prerequisite's points and counts the person already certified.
#[test]
fn the_missing_prerequisite_inside_a_function() {
    let _digest = crate::support::redact_digest();
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
    let moves: Vec<(&str, &str, &str, &str)> = missing
        .moves
        .iter()
        .map(|m| {
            (
                m.subcategory.as_str(),
                m.value.as_str(),
                m.to.as_str(),
                m.gain.as_str(),
            )
        })
        .collect();
    assert!(
        moves.contains(&(
            "Advanced certifications",
            "people_holding(architect_certifications)",
            "1",
            "+8"
        )),
        "{moves:?}"
    );
    assert!(missing.plan_attains);
}
