//! However deep a rule file nests, loading it ends in a result or a diagnostic, never in a
//! stack overflow; and whatever is allowed checks and evaluates on an ordinary thread.

use tally::diagnostic::Diags;
use tally::run::record::evaluate_text;

/// Loads and checks one rule file given as text: the codes of its errors, if it has any.
fn error_codes(text: &str) -> Vec<&'static str> {
    let mut diags = Diags::default();
    let loaded = tally::load::load_texts(&[("deep.tally", text)], &mut diags);
    match tally::check::check(loaded, diags) {
        Ok(_) => Vec::new(),
        Err(failed) => failed.diags.iter().map(|d| d.code.name()).collect(),
    }
}

/// `open` repeated `n` times, then `middle`, then `close` repeated `n` times.
fn nest(open: &str, middle: &str, close: &str, n: usize) -> String {
    format!("{}{middle}{}", open.repeat(n), close.repeat(n))
}

#[test]
fn every_kind_of_nesting_is_stopped_with_a_diagnostic() {
    let n = 20_000;
    let deep = [
        ("brackets", nest("(", "1", ")", n)),
        ("lists", nest("[", "1", "]", n)),
        ("arguments", nest("min(", "1", ")", n)),
        ("indexes", format!("t{}", nest("[", "1", "]", n))),
        ("records", nest("{a: ", "1", "}", n)),
        ("ifs", nest("if true then ", "1", " else 2", n)),
        ("cases", nest("case 1 when 1 then ", "1", "", n)),
        ("binders", nest("sum x in [1]: ", "1", "", n)),
        ("negations", nest("-", "1", "", n)),
        ("nots", nest("not ", "true", "", n)),
        ("operators", nest("1 + ", "1", "", n)),
        ("fields", nest("", "r", ".a", n)),
    ];
    for (kind, expr) in deep {
        let codes = error_codes(&format!("let x = {expr}\n"));
        assert!(codes.contains(&"too-deep"), "{kind}: {codes:?}");
    }
    for (kind, ty) in [
        ("lists of", nest("list of ", "number", "", n)),
        ("optionals", nest("optional ", "number", "", n)),
        ("maps", nest("map of text to ", "number", "", n)),
    ] {
        let codes = error_codes(&format!("input p {{\n  x: {ty}\n}}\n"));
        assert!(codes.contains(&"too-deep"), "{kind}: {codes:?}");
    }
}

#[test]
fn a_deep_syntax_error_is_a_syntax_error() {
    // Unclosed brackets: pest descends as deep as they go before it fails.
    let codes = error_codes(&format!("let x = {}\n", "(".repeat(100_000)));
    assert_eq!(codes, ["syntax"]);
}

/// Each kind of nesting `levels` deep: brackets and the like around an expression, or
/// operators and fields along a chain, each a level. `records` is the record `fields` reads.
fn nested(levels: usize) -> Vec<(&'static str, String)> {
    let n = levels - 1;
    vec![
        ("brackets", nest("(", "1", ")", n)),
        ("lists", format!("count({})", nest("[", "1", "]", n - 1))),
        ("arguments", nest("max(1, ", "2", ")", n)),
        ("ifs", nest("if true then ", "3", " else 0", n)),
        ("binders", nest("sum x in ones: ", "4", "", n)),
        ("operators", nest("1 + ", "1", "", n)),
        ("records", nest("{a: ", "5", "}", n)),
        ("fields", format!("records{}", ".a".repeat(n))),
    ]
}

/// A rule file with a value for each kind of nesting, and an output of the numbers.
fn rule_file(levels: usize) -> String {
    let kinds = nested(levels);
    let lets: String = kinds
        .iter()
        .map(|(kind, expr)| format!("let {kind} = {expr}\n"))
        .collect();
    let fields: Vec<String> = kinds
        .iter()
        .filter(|(k, _)| *k != "records")
        .map(|(k, _)| format!("{k}: {k}"))
        .collect();
    format!(
        "input p {{\n  id: text, identifier\n}}\nlet ones = [1]\n{lets}output {{ {} }}\n",
        fields.join(", ")
    )
}

#[test]
fn one_level_past_the_limit_is_too_deep() {
    for (kind, expr) in nested(129) {
        let codes = error_codes(&format!(
            "let ones = [1]\nlet records = 1\nlet x = {expr}\n"
        ));
        assert_eq!(codes, ["too-deep"], "{kind}");
    }
}

/// Checks `rules` and evaluates them on `{"id": "P"}`, on a thread with a 2 MiB stack (what a
/// test thread, and each thread of a batch, has): the JSON result.
fn on_a_small_thread(rules: String) -> String {
    let run = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let mut diags = Diags::default();
            let loaded = tally::load::load_texts(&[("deep.tally", &rules)], &mut diags);
            let (program, _) = tally::check::check(loaded, diags)
                .unwrap_or_else(|failed| panic!("{:?}", failed.diags));
            let outcome = evaluate_text(
                &program,
                None,
                r#"{"id": "P"}"#,
                false,
                crate::support::as_of(),
            )
            .unwrap_or_else(|_| panic!("the record evaluates"));
            let mut json = String::new();
            tally::report::json::write_outcome(&mut json, &outcome);
            // The stamp that ends every result is not what these tests are about.
            match json.split_once(",\"as_of\":") {
                Some((result, _)) => format!("{result}}}"),
                None => json,
            }
        })
        .expect("a thread starts");
    run.join().expect("no stack overflow")
}

#[test]
fn what_is_allowed_checks_and_evaluates_on_a_small_thread() {
    let json = on_a_small_thread(rule_file(128));
    assert_eq!(
        json,
        r#"{"id":"P","brackets":1,"lists":1,"arguments":2,"ifs":3,"binders":4,"operators":128,"fields":5}"#
    );
}

#[test]
fn a_value_too_deep_is_reported_once_not_again_where_it_is_used() {
    let codes = error_codes(&format!(
        "let x = {}\nlet y = x + 1\n",
        nest("(", "1", ")", 200)
    ));
    assert_eq!(codes, ["too-deep"]);
}

/// `count` values, each reading the one before through `ops` additions: `v1 = v0 + 1 + 1`.
/// Written last value first when `reverse`, so that checking meets the chain from its top.
fn chain(count: usize, ops: usize, reverse: bool) -> String {
    let mut lets: Vec<String> = (1..count)
        .map(|i| format!("let v{i} = v{}{}\n", i - 1, " + 1".repeat(ops)))
        .collect();
    lets.insert(0, "let v0 = 0\n".to_string());
    if reverse {
        lets.reverse();
    }
    format!(
        "input p {{\n  id: text, identifier\n}}\n{}output {{ last: v{} }}\n",
        lets.concat(),
        count - 1
    )
}

#[test]
fn a_long_chain_of_values_is_stopped_with_a_diagnostic() {
    for reverse in [false, true] {
        let codes = error_codes(&chain(20_000, 1, reverse));
        assert_eq!(codes, ["too-deep"], "reverse: {reverse}");
    }
    // Each value counts a level more than its expression nests: 2 + 132 * 2 and 2 + 3 * 88.
    for (count, ops) in [(133, 0), (4, 86)] {
        assert_eq!(
            error_codes(&chain(count, ops, false)),
            ["too-deep"],
            "{count}"
        );
    }
}

#[test]
fn the_longest_chain_allowed_checks_and_evaluates_on_a_small_thread() {
    // 2 + 131 * 2 levels: the limit. (The two values of `rule_file(128)` go 258 deep.)
    let json = on_a_small_thread(chain(132, 0, true));
    assert_eq!(json, r#"{"id":"P","last":0}"#);
}
