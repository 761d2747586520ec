//! Numbers: every operation exact or an error, division included; the 28-digit limit as
//! documented.

use crate::support::Test;

const RULES: &str =
    "input box {\n  id: text, identifier\n  a: number\n  b: number\n}\noutput { q: a / b }\n";

/// `tally eval --format json` of one record `{a, b}` with the output `q: op`: the test, run.
fn eval(name: &str, op: &str, a: &str, b: &str, status: i32) -> crate::support::Ran {
    Test::new(name)
        .file("box.tally", &RULES.replace("a / b", op))
        .file(
            "box.json",
            &format!("{{\"id\": \"x\", \"a\": {a}, \"b\": {b}}}"),
        )
        .args([
            "eval",
            "box.tally",
            "--data",
            "box.json",
            "--format",
            "json",
        ])
        .status(status)
        .run()
}

fn flat(text: &str) -> String {
    text.replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_division_that_underflows_is_an_error() {
    let ran = eval("num-underflow", "a / b", "1e-20", "1e20", 1);
    assert!(
        flat(&ran.stderr).contains("is too small to compute: it would round to 0"),
        "{}",
        ran.stderr
    );
}

/// A quotient that does not end is kept to 28 decimal places (and 28 significant digits),
/// rounded half to even.
#[test]
fn a_quotient_is_rounded_half_to_even() {
    let ran = eval(
        "num-even-down",
        "a / b",
        "0.5",
        "2000000000000000000000000000",
        0,
    );
    assert!(
        ran.stdout.contains("\"q\":0.0000000000000000000000000002,"),
        "{}",
        ran.stdout
    );
    let ran = eval(
        "num-even-up",
        "a / b",
        "1.5",
        "2000000000000000000000000000",
        0,
    );
    assert!(
        ran.stdout.contains("\"q\":0.0000000000000000000000000008,"),
        "{}",
        ran.stdout
    );
    let ran = eval("num-thirds", "a / b", "2", "3", 0);
    assert!(
        ran.stdout.contains("\"q\":0.6666666666666666666666666667,"),
        "{}",
        ran.stdout
    );
}

#[test]
fn twenty_nine_significant_digits_are_refused() {
    let ran = eval(
        "num-29-data",
        "a / b",
        "1.2345678901234567890123456789",
        "1",
        1,
    );
    assert!(
        flat(&ran.stderr).contains("has more than 28 digits"),
        "{}",
        ran.stderr
    );
    // Zeros at the end are not significant.
    eval(
        "num-29-zeros",
        "a / b",
        "1234567890123456789012345678.0",
        "1",
        0,
    );
    // A sum that needs a 29th digit is an error, not a number the documentation does not allow.
    let ran = eval(
        "num-29-sum",
        "a + b",
        "9999999999999999999999999999",
        "1",
        1,
    );
    assert!(
        flat(&ran.stderr).contains("too large or too precise to compute exactly"),
        "{}",
        ran.stderr
    );
    Test::new("num-29-literal")
        .file("lit.tally", "let x = 12345678901234567890123456789\n")
        .args(["check", "lit.tally"])
        .status(1)
        .stderr_has("number-too-large")
        .run();
}

#[test]
fn zero_with_any_exponent_is_zero() {
    let ran = eval(
        "num-zero-exponent",
        "a / b",
        "0e-99999999999999999999",
        "1",
        0,
    );
    assert!(ran.stdout.contains("\"q\":0,"), "{}", ran.stdout);
}

#[test]
fn text_refuses_more_than_28_places() {
    let places = "0".repeat(29);
    Test::new("num-text-places")
        .file(
            "t.tally",
            &format!("input box {{\n  id: text, identifier\n  a: number\n}}\noutput {{ t: text(a, \"0.{places}\") }}\n"),
        )
        .args(["check", "t.tally"])
        .status(1)
        .stderr_has("up to 28 places")
        .run();
}
