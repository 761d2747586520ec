//! Running the test cases that live next to the rules (`test "name" { data ...; expect ... }`).

pub mod coverage;

use std::sync::Arc;

use chrono::NaiveDate;

use crate::data::FieldError;
use crate::data::read::read_record;
use crate::diagnostic::Diag;
use crate::eval::designation::DesignationResult;
use crate::eval::{EvalError, Evaluation};
use crate::ir::value::{RecordValue, Value};
use crate::ir::{ExpectTarget, KindId, Program, Test, TestInput};
use crate::source::Span;

/// What one test case found.
#[derive(Debug)]
pub struct CaseResult {
    pub name: String,
    pub span: Span,
    pub failures: Vec<CaseFailure>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

#[derive(Debug)]
pub enum CaseFailure {
    /// A value is not what the test expects.
    Mismatch {
        span: Span,
        target: String,
        expected: String,
        actual: String,
    },
    /// The test's data does not fit the input; the span is where, in the rule file, when the
    /// data is written there.
    Data {
        file: String,
        errors: Vec<(FieldError, Option<Span>)>,
    },
    /// A rule failed on the test's data.
    Rule(EvalError),
}

/// Runs the tests of the files that were named (not those of files they only import), in
/// the order they are written. A test whose data has no evaluation date and that sets none
/// with `date` runs as of `as_of`. With `exercised`, records what they exercise.
pub fn run(
    program: &Program,
    as_of: NaiveDate,
    mut exercised: Option<&mut coverage::Exercised>,
) -> Vec<CaseResult> {
    program
        .tests
        .iter()
        .filter(|t| program.roots.contains(&t.span.file))
        .map(|t| run_one(program, t, as_of, exercised.as_deref_mut()))
        .collect()
}

/// A test's data, read against the input it declares.
fn read_data(
    program: &Program,
    test: &Test,
    kind: KindId,
    as_of: NaiveDate,
) -> Result<Arc<RecordValue>, CaseFailure> {
    let (text, origin, base) = match &test.data {
        // Read as rule files are: a regular file, of a bounded size.
        TestInput::File(path, _) => match crate::source::read_text(path) {
            Ok(text) => (text, crate::source::display_path(path), None),
            Err(e) => {
                return Err(CaseFailure::Rule(EvalError::new(format!(
                    "cannot read {}: {e}",
                    crate::source::display_path(path)
                ))));
            }
        },
        TestInput::Inline(text, span) => (
            text.clone(),
            program.sources.get(span.file).name.clone(),
            Some(*span),
        ),
    };
    read_record(program, kind, &text, as_of).map_err(|errors| {
        let errors = errors
            .into_iter()
            .map(|e| {
                let span = base.zip(e.offset).map(|(b, o)| {
                    Span::new(b.file, b.start as usize + o, b.start as usize + o + 1)
                });
                (e, span)
            })
            .collect();
        CaseFailure::Data {
            file: origin,
            errors,
        }
    })
}

/// The problems of every test's data, found without running the tests: data that is not
/// JSON or does not fit the input is an error of the rules (`tally check`), not a failed test.
pub fn data_problems(program: &Program) -> Vec<Diag> {
    // The date only fills a record's missing evaluation date; it changes no shape.
    let as_of = crate::stamp::today();
    let mut diags = Vec::new();
    for test in &program.tests {
        let Some(kind) = test.kind else { continue };
        let data_span = match &test.data {
            TestInput::File(_, span) | TestInput::Inline(_, span) => *span,
        };
        match read_data(program, test, kind, test.date.unwrap_or(as_of)) {
            Ok(record) => {
                // What the expectations read outside its dates, on the day of this data.
                let date = crate::ir::evaluation_date(program, kind, &record, as_of);
                for (period, diag) in &test.outside_dates {
                    if period.contains(date) {
                        let mut diag = diag.clone().also(test.span, "in this test");
                        diag.message = format!("as of {date}, this test's date: {}", diag.message);
                        diags.push(diag);
                    }
                }
            }
            Err(CaseFailure::Data { file, errors }) => {
                for (error, span) in errors {
                    let path = crate::data::path_text(&error.path);
                    let at = if path.is_empty() {
                        String::new()
                    } else {
                        format!(" at {path}")
                    };
                    let message = match span {
                        Some(_) => format!("the test's data{at}: {}", error.message),
                        None => format!("the test's data ({file}){at}: {}", error.message),
                    };
                    let mut diag = Diag::error(
                        crate::diagnostic::Code::BadTestData,
                        span.unwrap_or(data_span),
                        message,
                    )
                    .label(if span.is_some() { "here" } else { "this data" });
                    if let Some(help) = &error.help {
                        diag = diag.help(help.clone());
                    }
                    diags.push(diag.also(test.span, "in this test"));
                }
            }
            Err(CaseFailure::Rule(error)) => diags.push(
                Diag::error(
                    crate::diagnostic::Code::BadTestData,
                    data_span,
                    error.message.clone(),
                )
                .label("this data")
                .help("test data is a JSON file beside the rule file, or JSON written in the test"),
            ),
            Err(CaseFailure::Mismatch { .. }) => {}
        }
    }
    diags
}

fn run_one(
    program: &Program,
    test: &Test,
    as_of: NaiveDate,
    exercised: Option<&mut coverage::Exercised>,
) -> CaseResult {
    let as_of = test.date.unwrap_or(as_of);
    let mut result = CaseResult {
        name: test.name.clone(),
        span: test.span,
        failures: Vec::new(),
    };
    let Some(kind) = test.kind else { return result };
    let record = match read_data(program, test, kind, as_of) {
        Ok(record) => record,
        Err(failure) => {
            result.failures.push(failure);
            return result;
        }
    };
    let record = match (test.date, program.kind(kind).evaluation_date) {
        (Some(date), Some(field)) => {
            let mut fields = record.fields.clone();
            fields[field as usize] = Value::Date(date);
            Arc::new(RecordValue {
                layout: record.layout.clone(),
                fields,
            })
        }
        _ => record,
    };
    // An expectation that reads what is not in force on the day fails, and is not evaluated.
    let date = crate::ir::evaluation_date(program, kind, &record, as_of);
    if let Some((_, diag)) = test.outside_dates.iter().find(|(p, _)| p.contains(date)) {
        let mut error = EvalError::new(format!("as of {date}: {}", diag.message));
        if let Some(span) = diag.span {
            error = error.at(span);
        }
        if let Some(help) = &diag.help {
            error = error.help(help.clone());
        }
        result.failures.push(CaseFailure::Rule(error));
        return result;
    }
    let mut ev = Evaluation::new(program, kind, record, as_of);
    if exercised.is_some() {
        ev.coverage = Some(Box::default());
    }
    let result = expect_all(program, kind, test, &mut ev, result);
    if let (Some(exercised), Some(coverage)) = (exercised, ev.coverage.take()) {
        let evaluated = ev
            .memo
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_some())
            .map(|(i, _)| crate::ir::types::GlobalId(i as u32));
        exercised.add(evaluated, *coverage);
    }
    result
}

fn expect_all(
    program: &Program,
    kind: crate::ir::KindId,
    test: &Test,
    ev: &mut Evaluation<'_>,
    mut result: CaseResult,
) -> CaseResult {
    let designations = &program.kind(kind).designations;
    let mut results: Vec<Option<DesignationResult>> = vec![None; designations.len()];
    for expectation in &test.expectations {
        let actual = match &expectation.target {
            ExpectTarget::Value { body, .. } => ev.with_frame(body.frame, |ev| ev.eval(&body.expr)),
            ExpectTarget::Attained { designation }
            | ExpectTarget::Total { designation }
            | ExpectTarget::Path { designation }
            | ExpectTarget::Points { designation, .. } => {
                // The version of the designation in force on the test's date.
                let written = &designations[*designation];
                let Some(i) = designations
                    .iter()
                    .position(|d| d.name == written.name && d.period.contains(ev.date))
                else {
                    result
                        .failures
                        .push(CaseFailure::Rule(EvalError::new(format!(
                            "designation \"{}\" is not in force on {}",
                            written.name, ev.date
                        ))));
                    return result;
                };
                if results[i].is_none() {
                    match ev.designation(&designations[i]) {
                        Ok(r) => results[i] = Some(r),
                        Err(e) => {
                            result.failures.push(CaseFailure::Rule(e));
                            return result;
                        }
                    }
                }
                let r = results[i].as_ref().expect("evaluated above");
                Ok(match &expectation.target {
                    ExpectTarget::Attained { .. } => Value::Bool(r.attained),
                    ExpectTarget::Total { .. } => Value::Number(r.total),
                    ExpectTarget::Path { .. } => {
                        r.path.as_deref().map_or(Value::Absent, Value::text)
                    }
                    ExpectTarget::Points {
                        category,
                        subcategory,
                        ..
                    } => {
                        let name =
                            &designations[i].categories[*category].subcategories[*subcategory].name;
                        match r.subcategories.iter().find(|s| s.name == *name) {
                            Some(s) => Value::Number(s.points),
                            None => {
                                result
                                    .failures
                                    .push(CaseFailure::Rule(EvalError::new(format!(
                                        "subcategory \"{name}\" of \"{}\" is not in force on {}",
                                        r.name, ev.date
                                    ))));
                                return result;
                            }
                        }
                    }
                    ExpectTarget::Value { .. } => unreachable!("handled above"),
                })
            }
        };
        match actual {
            Ok(actual) if actual == expectation.expected => {}
            Ok(actual) => result.failures.push(CaseFailure::Mismatch {
                span: expectation.span,
                target: target_text(program, kind, &expectation.target),
                expected: expectation.expected_text.clone(),
                actual: shown(&actual),
            }),
            Err(e) => {
                result.failures.push(CaseFailure::Rule(e));
                return result;
            }
        }
    }
    result
}

/// What an expectation is about, as written.
fn target_text(program: &Program, kind: crate::ir::KindId, target: &ExpectTarget) -> String {
    let name = |d: usize| format!("\"{}\"", program.kind(kind).designations[d].name);
    match target {
        ExpectTarget::Value { text, .. } => text.clone(),
        ExpectTarget::Attained { designation } => format!("{} attained", name(*designation)),
        ExpectTarget::Total { designation } => format!("{}.total", name(*designation)),
        ExpectTarget::Path { designation } => format!("{}.path", name(*designation)),
        ExpectTarget::Points {
            designation,
            category,
            subcategory,
        } => {
            let d = &program.kind(kind).designations[*designation];
            format!(
                "{}.\"{}\"",
                name(*designation),
                d.categories[*category].subcategories[*subcategory].name
            )
        }
    }
}

/// A value as it would be written in a rule file.
fn shown(value: &Value) -> String {
    match value {
        Value::Text(t) => format!("\"{t}\""),
        other => other.to_string(),
    }
}
