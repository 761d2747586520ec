//! Copilot Studio burn-rate estimates on the fixture scenarios, checked by hand once
//! (tests/fixtures/scenarios/README.md).

use crate::support::{eval_json, eval_report, shipped_rules};

#[test]
fn fixture_scenarios() {
    let _digest = crate::support::redact_digest();
    let program = shipped_rules();
    insta::glob!("fixtures/scenarios/*.json", |path| {
        let relative = path
            .strip_prefix(std::env::current_dir().unwrap())
            .unwrap_or(path);
        insta::assert_snapshot!(eval_report(&program, relative));
    });
}

/// The seed's two worked examples, exactly.
#[test]
fn seed_examples() {
    let _digest = crate::support::redact_digest();
    let program = shipped_rules();
    let support = eval_json(
        &program,
        &std::fs::read_to_string("examples/support-agent.json").expect("example"),
    );
    assert_eq!(support["messages_per_day"], 7200);
    assert_eq!(support["messages_per_month"], 216000);
    assert_eq!(support["payg_usd"], "2160.00");
    assert_eq!(
        support["packs_only"],
        serde_json::json!({"packs": 9, "usd": "1800.00"})
    );
    assert_eq!(
        support["best_mix"],
        serde_json::json!({"packs": 8, "payg_messages": 16000, "usd": "1760.00"})
    );
    let sales = eval_json(
        &program,
        &std::fs::read_to_string("examples/sales-agent.json").expect("example"),
    );
    assert_eq!(sales["messages_per_day"], 12800);
    assert_eq!(sales["agents"][0]["messages_per_day"], 12800);
}
