//! The three Azure designations on the fixture partners, each checked by hand once
//! (tests/fixtures/partners/README.md).

use crate::support::{eval_json, eval_report, shipped_rules};

#[test]
fn fixture_partners() {
    let _digest = crate::support::redact_digest();
    let program = shipped_rules();
    insta::glob!("fixtures/partners/*.json", |path| {
        let relative = path
            .strip_prefix(std::env::current_dir().unwrap())
            .unwrap_or(path);
        insta::assert_snapshot!(eval_report(&program, relative));
    });
}

/// The data contract's example: the start of the output it shows.
#[test]
fn contract_example() {
    let _digest = crate::support::redact_digest();
    let program = shipped_rules();
    let text = std::fs::read_to_string("examples/partner-smb.json").expect("example");
    let json = eval_json(&program, &text);
    assert_eq!(json["partner_id"], "P-0001");
    let data_ai = &json["results"][0];
    assert_eq!(data_ai["designation"], "Data & AI (Azure)");
    assert_eq!(data_ai["path"], "smb");
    assert_eq!(data_ai["total"], 45);
    assert_eq!(data_ai["threshold"], 70);
    assert_eq!(data_ai["attained"], false);
    let first = &data_ai["subcategories"][0];
    assert_eq!(
        (first["category"].as_str(), first["name"].as_str()),
        (Some("Performance"), Some("Net customer adds"))
    );
    assert_eq!(
        (first["points"].as_i64(), first["max"].as_i64()),
        (Some(10), Some(30))
    );
}
