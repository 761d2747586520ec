//! The checker on each version of the rules in force: a rule in force on some days that reads
//! a value, table, label or input field that does not exist on those days is found without
//! data, naming the interval; what holds in every interval is said once, without one.

use tally::diagnostic::{Code, Diag, Diags};

use crate::support::renderer;

/// An input with an evaluation date, a field the data has from 2026-07-01 and one it has
/// until 2027-01-01.
const SHOP: &str = "input shop {\n  name: text, identifier\n  day: date, evaluation date\n  \
                    sales: number\n  tips: number, from 2026-07-01\n  \
                    coupons: number, until 2027-01-01\n}\n";

fn check(text: &str) -> Result<Vec<Diag>, Vec<Diag>> {
    let mut diags = Diags::default();
    let loaded = tally::load::load_texts(&[("test.tally", text)], &mut diags);
    match tally::check::check(loaded, diags) {
        Ok((_, warnings)) => Ok(warnings),
        Err(rejected) => Err(rejected.diags),
    }
}

/// The codes and messages of every diagnostic, errors and warnings.
fn found(text: &str) -> Vec<(Code, String)> {
    let diags = match check(text) {
        Ok(warnings) => warnings,
        Err(diags) => diags,
    };
    diags.into_iter().map(|d| (d.code, d.message)).collect()
}

fn checks_clean(rules: &str) {
    let text = format!("{SHOP}{rules}");
    let found = found(&text);
    assert!(found.is_empty(), "{found:?}\n{text}");
}

#[test]
fn a_dated_field_read_before_its_date_names_the_rule_the_field_and_the_interval() {
    let text = format!("{SHOP}output {{\n  counted: sales + tips\n}}\n");
    let diags = check(&text).expect_err("does not check");
    assert_eq!(diags.len(), 1, "{diags:?}");
    let diag = &diags[0];
    assert_eq!(diag.code, Code::FieldOutsideDates);
    assert_eq!(
        diag.message,
        "before 2026-07-01: output field `counted` reads the input field `tips`, which the data \
         has only from 2026-07-01"
    );
    let help = diag.help.as_deref().expect("a help line");
    assert!(help.contains("from 2026-07-01"), "{help}");
    // The span is the reading itself, not the whole rule.
    let span = diag.span.expect("a place");
    assert_eq!(&text[span.start as usize..span.end as usize], "tips");
}

#[test]
fn a_field_read_only_while_the_data_has_it_checks() {
    // A dated version of a value, of a function, and a subcategory added on the day.
    checks_clean(
        "let counted = 0\nlet counted from 2026-07-01 = tips\n\
         let kept(x: number) = x\nlet kept(x: number) from 2026-07-01 = x + tips\n\
         let old_coupons = coupons\n\
         designation \"Tipped\" {\n  max 10\n  category \"Sales\" max 10 {\n    \
         subcategory \"Tips\" max 10 from 2026-07-01 {\n      points = min(10, tips)\n    }\n  }\n}\n\
         designation \"Couponed\" until 2027-01-01 {\n  max 10\n  category \"Sales\" max 10 {\n    \
         subcategory \"Coupons\" max 10 {\n      points = min(10, old_coupons)\n    }\n  }\n}\n\
         output {\n  counted: counted\n  kept: kept(sales)\n}\n",
    );
}

#[test]
fn a_field_until_a_date_read_after_it_is_found_from_that_day() {
    let found = found(&format!("{SHOP}output {{\n  c: coupons\n}}\n"));
    assert_eq!(
        found,
        [(
            Code::FieldOutsideDates,
            "from 2027-01-01: output field `c` reads the input field `coupons`, which the data \
             has only before 2027-01-01"
                .to_string()
        )]
    );
}

#[test]
fn a_rule_read_through_a_function_names_the_function_and_the_rule_in_force() {
    let text = format!(
        "{SHOP}let with_tips(x: number) = x + tips\n\
         designation \"Seller\" {{\n  max 10\n  category \"Sales\" max 10 {{\n    \
         subcategory \"Volume\" max 10 until 2026-07-01 {{\n      points = min(10, with_tips(sales))\n    }}\n  \
         }}\n}}\n"
    );
    let diags = check(&text).expect_err("does not check");
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(
        diags[0].message,
        "before 2026-07-01: function `with_tips` reads the input field `tips`, which the data \
         has only from 2026-07-01"
    );
    let labels: Vec<&str> = diags[0].also.iter().map(|(_, l)| l.as_str()).collect();
    assert!(
        labels.contains(
            &"subcategory \"Volume\" of \"Seller\", in force then, reads it through function `with_tips`"
        ),
        "{labels:?}"
    );
}

#[test]
fn a_value_defined_only_from_a_date_and_read_before_it_is_an_error() {
    let found = found(&format!(
        "{SHOP}let bonus from 2026-07-01 = 5\noutput {{\n  total: sales + bonus\n}}\n"
    ));
    assert_eq!(
        found,
        [(
            Code::NotInForce,
            "before 2026-07-01: output field `total` reads `bonus`, which has no version in \
             force then: its first version is from 2026-07-01"
                .to_string()
        )]
    );
    // Read only from that day on, it checks.
    checks_clean(
        "let bonus from 2026-07-01 = 5\nlet total = 0\nlet total from 2026-07-01 = bonus\noutput {\n  total: total\n}\n",
    );
}

#[test]
fn a_new_version_of_a_function_is_judged_with_the_versions_in_force_beside_it() {
    // The function's version from 2026-07-01 reads a value that starts only in 2027.
    let found = found(&format!(
        "{SHOP}let bonus from 2027-01-01 = 5\n\
         let with_bonus(x: number) = x\nlet with_bonus(x: number) from 2026-07-01 = x + bonus\n\
         output {{\n  total: with_bonus(sales)\n}}\n"
    ));
    assert_eq!(
        found,
        [(
            Code::NotInForce,
            "from 2026-07-01 until 2027-01-01: function `with_bonus` reads `bonus`, which has no \
             version in force then: its first version is from 2027-01-01"
                .to_string()
        )]
    );
}

#[test]
fn a_table_label_read_when_its_version_lacks_it_is_found() {
    let found = found(&format!(
        "{SHOP}table rates {{\n  | size \\ kind | new |\n  | small | 1 |\n}}\n\
         table rates from 2026-07-01 {{\n  | size \\ kind | new |\n  | small | 1 |\n  | large | 2 |\n}}\n\
         let size = \"large\"\n\
         output {{\n  rate: rates[size, \"new\"]\n}}\n"
    ));
    assert_eq!(
        found,
        [(
            Code::UnknownLabel,
            "before 2026-07-01: output field `rate` reads the row \"large\" of `rates`, which its \
             version in force then does not have"
                .to_string()
        )]
    );
}

#[test]
fn a_finding_over_several_intervals_is_reported_once_with_their_union() {
    // 2025-01-01 splits the time before 2026-07-01 in two; the finding holds in both.
    let found = found(&format!(
        "{SHOP}let rate = 1\nlet rate from 2025-01-01 = 2\n\
         output {{\n  total: sales * rate + tips\n}}\n"
    ));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].1.starts_with("before 2026-07-01: "), "{found:?}");
}

#[test]
fn a_definition_read_only_before_a_date_is_not_unused() {
    checks_clean(
        "let old_rate = 2\nlet new_rate = 3\nlet rate = old_rate\nlet rate from 2026-07-01 = new_rate\n\
         let old_points(x: number) = x\n\
         designation \"Seller\" {\n  max 10\n  category \"Sales\" max 10 {\n    \
         subcategory \"Volume\" max 10 until 2026-07-01 {\n      points = min(10, old_points(sales))\n    }\n    \
         subcategory \"Volume\" max 10 from 2026-07-01 {\n      points = min(10, sales * rate)\n    }\n  \
         }\n}\n",
    );
    // Read by nothing at all, it still is.
    let found = found(&format!(
        "{SHOP}let old_rate = 2\nlet rate = 1\nlet rate from 2026-07-01 = 3\noutput {{\n  r: rate\n}}\n"
    ));
    assert_eq!(
        found,
        [(Code::Unused, "`old_rate` is never used".to_string())]
    );
}

#[test]
fn the_diagnostic_of_a_field_read_outside_its_dates() {
    let text = format!(
        "{SHOP}let counted = sales + tips\n\
         designation \"Seller\" {{\n  max 10\n  category \"Sales\" max 10 {{\n    \
         subcategory \"Volume\" max 10 {{\n      points = min(10, counted)\n    }}\n  }}\n}}\n"
    );
    let diags = check(&text).expect_err("does not check");
    let mut sources = tally::source::SourceMap::default();
    sources.add(std::path::Path::new("test.tally"), text.clone());
    let shown: String = diags.iter().map(|d| renderer().diag(d, &sources)).collect();
    insta::assert_snapshot!(shown);
}

#[test]
fn a_table_written_only_with_dates_marks_the_day_its_readers_start() {
    let card = "table rates from 2025-02-01 {\n  | size \\ kind | new |\n  | small | 1 |\n}\n";
    // Read by rules in force since always, as the shipped rate card is: a record evaluated
    // before that day is refused at run time, saying when the first card takes effect.
    checks_clean(&format!(
        "{card}output {{\n  rate: rates[\"small\", \"new\"]\n}}\n"
    ));
    // Read by a designation dated to be in force before the first card: a mistake.
    let found = found(&format!(
        "{SHOP}{card}designation \"Seller\" from 2024-01-01 {{\n  max 10\n  category \"Sales\" max 10 {{\n    \
         subcategory \"Volume\" max 10 {{\n      points = min(10, rates[\"small\", \"new\"] * sales)\n    }}\n  }}\n}}\n"
    ));
    assert_eq!(
        found,
        [(
            Code::NotInForce,
            "from 2024-01-01 until 2025-02-01: subcategory \"Volume\" of \"Seller\" reads `rates`, \
             which has no version in force then: its first version is from 2025-02-01"
                .to_string()
        )]
    );
}

#[test]
fn a_dated_version_of_a_function_whose_work_grows_as_a_power_is_warned_of() {
    // Only the version from 2026-07-01 loops three deep over the list.
    let text = "input shop {\n  name: text, identifier\n  day: date, evaluation date\n  \
                sales: list of number\n}\n\
                let spread(l: list of number) = sum a in l: a\n\
                let spread(l: list of number) from 2026-07-01 =\n  \
                sum a in sales: sum b in sales: sum c in sales: a * b * c + sum(l)\n\
                output {\n  s: spread(sales)\n}\n";
    let found = found(text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Code::WorkGrowsAsAPower);
    assert!(
        found[0].1.contains("`spread` grows as the 3rd power"),
        "{found:?}"
    );
}

/// A copy of rules/azure whose data gains `fabric_workloads` from 2026-07-01, with `changes`
/// in a file of next year's changes: what `tally check` finds.
fn azure_with_a_new_field(name: &str, changes: &str) -> Vec<(Code, String)> {
    let dir = crate::support::temp_dir(name);
    crate::support::edited_copy(
        std::path::Path::new("rules/azure"),
        &dir,
        "partner.tally",
        "  deployments: list of deployment\n}",
        "  deployments: list of deployment\n  fabric_workloads: whole number, at least 0, from 2026-07-01\n}",
    );
    let file = format!("import \"common.tally\"\n\n{changes}");
    std::fs::write(dir.join("next-year.tally"), file).expect("write");
    let found = match tally::load_rules(std::slice::from_ref(&dir)) {
        Ok((_, warnings)) => warnings,
        Err(rejected) => rejected.diags,
    };
    let _ = std::fs::remove_dir_all(&dir);
    found.into_iter().map(|d| (d.code, d.message)).collect()
}

#[test]
fn a_new_field_of_the_shipped_input_is_read_from_its_day_or_reported() {
    let found = azure_with_a_new_field(
        "new-field-from-its-day",
        "let deployment_points from 2026-07-01 =\n  \
         min(count(counted_deployments) + fabric_workloads, max_deployments) * points_per_deployment\n",
    );
    assert!(found.is_empty(), "{found:?}");
    // Dated six months too early: the three designations read it through usage growth.
    let found = azure_with_a_new_field(
        "new-field-too-early",
        "let usage_growth_points from 2026-01-01 = min(20, fabric_workloads)\n",
    );
    assert_eq!(
        found,
        [(
            Code::FieldOutsideDates,
            "from 2026-01-01 until 2026-07-01: `usage_growth_points` reads the input field \
             `fabric_workloads`, which the data has only from 2026-07-01"
                .to_string()
        )]
    );
}

#[test]
fn a_dated_field_of_a_record_inside_the_input_is_found_where_it_is_read() {
    let shop = "input shop {\n  name: text, identifier\n  day: date, evaluation date\n  \
                items: list of item\n}\nrecord item \"An item\" {\n  price: number\n  \
                tip: number, from 2026-07-01\n}\n";
    // Read through a projection, as an element's field in `where`, and in a test dated before.
    let text = format!(
        "{shop}output {{\n  tips: sum(items.tip)\n  n: count(items where tip > 0)\n}}\n\
         test \"early\" {{\n  data {{ \"name\": \"x\", \"day\": \"2025-01-01\", \"items\": [] }}\n  \
         date 2025-01-01\n  expect sum(items.tip) = 0\n}}\n"
    );
    let diags = check(&text).expect_err("does not check");
    let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "before 2026-07-01: output field `tips` reads the field `tip` of item, which the data has only from 2026-07-01",
            "before 2026-07-01: output field `n` reads the field `tip` of item, which the data has only from 2026-07-01",
            "before 2026-07-01: test \"early\" reads the field `tip` of item, which the data has only from 2026-07-01",
        ]
    );
    assert!(diags.iter().all(|d| d.code == Code::FieldOutsideDates));
    // Read only from that day on, in a version, a subcategory and a test of that day, it checks.
    let text = format!(
        "{shop}let tips = 0\nlet tips from 2026-07-01 = sum i in items: i.tip\n\
         designation \"Seller\" {{\n  max 10\n  category \"Sales\" max 10 {{\n    \
         subcategory \"Tips\" max 10 from 2026-07-01 {{\n      points = min(10, count(items where tip > 0))\n    }}\n  }}\n}}\n\
         output {{\n  tips: tips\n}}\n\
         test \"late\" {{\n  data {{ \"name\": \"x\", \"day\": \"2026-08-01\", \"items\": [] }}\n  \
         date 2026-08-01\n  expect sum(items.tip) = 0\n}}\n"
    );
    let found = found(&text);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_test_without_a_date_line_is_judged_on_its_data_s_date() {
    let rules = "input shop {\n  name: text, identifier\n  day: optional date, evaluation date\n  \
                 items: list of item\n}\nrecord item \"An item\" {\n  price: number\n  \
                 tip: number, from 2026-07-01\n}\n\
                 let tips = 0\nlet tips from 2026-07-01 = sum(items.tip)\noutput {\n  t: tips\n}\n";
    let test = |day: &str| {
        format!(
            "{rules}test \"t\" {{\n  data {{ \"name\": \"x\", \"day\": \"{day}\", \"items\": [] }}\n  \
             expect sum(items.tip) = 0\n}}\n"
        )
    };
    let load = |text: &str| {
        let dir = crate::support::temp_dir("test-on-its-date");
        std::fs::write(dir.join("r.tally"), text).expect("write");
        let loaded = tally::load_rules(std::slice::from_ref(&dir));
        let _ = std::fs::remove_dir_all(&dir);
        loaded.map(|_| ()).map_err(|r| r.diags)
    };
    // Its data is of a day the field is in the data: it checks.
    assert!(load(&test("2026-08-01")).is_ok());
    // Of a day before: an error of the rules, found before the test runs.
    let diags = load(&test("2025-01-01")).expect_err("does not check");
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code, Code::FieldOutsideDates);
    assert_eq!(
        diags[0].message,
        "as of 2025-01-01, this test's date: test \"t\" reads the field `tip` of item, which the \
         data has only from 2026-07-01"
    );
}

#[test]
fn a_test_whose_data_has_no_date_fails_as_of_a_day_it_reads_outside_its_dates() {
    let dir = crate::support::temp_dir("test-as-of-outside");
    let text = "input shop {\n  name: text, identifier\n  day: optional date, evaluation date\n  \
                items: list of item\n}\nrecord item \"An item\" {\n  price: number\n  \
                tip: number, from 2026-07-01\n}\n\
                let tips = 0\nlet tips from 2026-07-01 = sum(items.tip)\noutput {\n  t: tips\n}\n\
                test \"undated\" {\n  data { \"name\": \"x\", \"items\": [{ \"price\": 1, \"tip\": 2 }] }\n  \
                expect sum(items.tip) = 2\n}\n";
    std::fs::write(dir.join("r.tally"), text).expect("write");
    let run = |as_of: &str| {
        std::process::Command::new(insta_cmd::get_cargo_bin("tally"))
            .env("NO_COLOR", "1")
            .args(["test", dir.to_str().expect("path"), "--as-of", as_of])
            .output()
            .expect("tally runs")
    };
    assert!(run("2026-08-01").status.success());
    // Before the day, the expectation fails with the reason; it is not evaluated (a panic
    // once, on the missing value).
    let before = run("2025-01-01");
    let stdout = String::from_utf8_lossy(&before.stdout);
    assert_eq!(before.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("as of 2025-01-01: test \"undated\" reads the field `tip` of item"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_case_names_the_texts_of_the_versions_in_force_with_it() {
    let tier = "let tier = \"gold\"\nlet tier from 2026-07-01 = \"platinum\"\n";
    // Before the date, `tier` is only "gold": the version of `rate` in force then covers it.
    checks_clean(&format!(
        "{tier}let rate = case tier when \"gold\" then 1\n\
         let rate from 2026-07-01 = case tier when \"platinum\" then 2\noutput {{\n  r: rate\n}}\n"
    ));
    // A version in force from the date must cover "platinum", and is told when.
    let dated = found(&format!(
        "{SHOP}{tier}let rate = case tier when \"gold\" then 1\n\
         let rate from 2026-07-01 = case tier when \"gold\" then 3\noutput {{\n  r: rate\n}}\n"
    ));
    assert_eq!(
        dated,
        [(
            Code::IncompleteCase,
            "from 2026-07-01: `case` has no `when` for \"platinum\"".to_string()
        )]
    );
    // Undated, it is in force with both versions.
    let undated = found(&format!(
        "{SHOP}{tier}let rate = case tier when \"gold\" then 1\noutput {{\n  r: rate\n}}\n"
    ));
    assert_eq!(
        undated,
        [(
            Code::IncompleteCase,
            "`case` has no `when` for \"platinum\"".to_string()
        )]
    );
}
