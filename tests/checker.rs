//! The checker on small rule texts written in the test: what it accepts, the types it infers,
//! and the one diagnostic each mistake gets.

use tally::diagnostic::{Code, Diag, Diags};
use tally::ir::Program;

use crate::support::Test;

/// An input that the texts below can read.
const SHOP: &str = "input shop {\n  name: text, identifier\n  sales: list of number\n  \
                    size: one of \"small\", \"large\"\n}\n";

/// Checks one rule file: the program, or every diagnostic.
fn check(text: &str) -> Result<(Program, Vec<Diag>), Vec<Diag>> {
    let mut diags = Diags::default();
    let loaded = tally::load::load_texts(&[("test.tally", text)], &mut diags);
    tally::check::check(loaded, diags).map_err(|rejected| rejected.diags)
}

/// The codes and messages of the diagnostics of a text that does not check.
fn problems(text: &str) -> Vec<(Code, String)> {
    match check(text) {
        Ok(_) => panic!("checks, but should not:\n{text}"),
        Err(diags) => diags.into_iter().map(|d| (d.code, d.message)).collect(),
    }
}

#[test]
fn definitions_may_come_in_any_order() {
    let text = format!(
        "{SHOP}let doubled = total * 2\nlet total = sum(sales)\noutput {{\n  doubled: doubled\n}}\n"
    );
    let (program, warnings) = check(&text).expect("checks");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(program.kinds.len(), 1);
}

#[test]
fn a_misspelt_name_is_one_error_with_the_close_name() {
    let text = format!("{SHOP}let total = sum(sales)\nlet doubled = totl * 2\n");
    let diags = check(&text).expect_err("does not check");
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code, Code::UnknownName);
    assert_eq!(diags[0].help.as_deref(), Some("did you mean `total`?"));
}

#[test]
fn a_text_is_not_compared_with_a_number() {
    let text = format!("{SHOP}let big = sum(sales) > \"100\"\n");
    let found = problems(&text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Code::TypeMismatch);
}

#[test]
fn a_case_on_a_choice_must_cover_every_value() {
    let text = format!("{SHOP}let rate =\n  case size\n    when \"small\" then 1\n");
    let found = problems(&text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Code::IncompleteCase);
    assert!(found[0].1.contains("\"large\""), "{found:?}");
}

#[test]
fn a_case_with_else_is_complete() {
    let text = format!(
        "{SHOP}let rate =\n  case size\n    when \"small\" then 1\n    else 2\noutput {{\n  rate: rate\n}}\n"
    );
    check(&text).expect("checks");
}

#[test]
fn a_value_defined_by_itself_is_circular() {
    let found = problems("let a = b + 1\nlet b = a\n");
    assert!(
        found
            .iter()
            .all(|(code, _)| *code == Code::CircularDefinition),
        "{found:?}"
    );
    assert!(!found.is_empty());
}

#[test]
fn a_function_is_called_with_its_arguments() {
    let text = format!("{SHOP}let scaled(x: number, by: number) = x * by\nlet s = scaled(1)\n");
    let found = problems(&text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Code::Arity);
}

#[test]
fn a_field_the_input_does_not_declare_is_an_error() {
    let text = format!("{SHOP}record customer {{\n  id: text\n}}\nlet ids = customers.id\n");
    let found = problems(&text);
    assert_eq!(found[0].0, Code::UnknownName, "{found:?}");
}

#[test]
fn a_definition_nobody_reads_is_a_warning_not_an_error() {
    let text = format!("{SHOP}let spare = 1\noutput {{\n  total: sum(sales)\n}}\n");
    let (_, warnings) = check(&text).expect("checks");
    let codes: Vec<Code> = warnings.iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::Unused]);
}

#[test]
fn every_problem_of_a_file_is_reported_at_once() {
    let text = format!("{SHOP}let a = nosuch(1)\nlet b = 1 + \"x\"\nlet c = missing\n");
    let codes: Vec<Code> = problems(&text).into_iter().map(|(code, _)| code).collect();
    assert_eq!(
        codes,
        [Code::UnknownFunction, Code::TypeMismatch, Code::UnknownName]
    );
}

#[test]
fn findings_as_json_carry_the_stable_code_names() {
    let ran = Test::new("checker-json")
        .file(
            "shop.tally",
            &format!("{SHOP}let spare = 1\noutput {{\n  total: sum(sales)\n}}\n"),
        )
        .args(["check", "shop.tally", "--format", "json", "--deny-warnings"])
        .status(1)
        .stdout_has("\"code\": \"unused\"")
        .run();
    assert!(ran.stderr.is_empty(), "{}", ran.stderr);
}
