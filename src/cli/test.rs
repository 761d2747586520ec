//! `tally test`: runs the test cases that live next to the rules.

use std::path::PathBuf;

use clap::Args;

use super::render::Renderer;
use super::{FAILED, OK, default_rules, emit, load_rules};
use crate::diagnostic::{Code, Diag};
use crate::ir::KindId;
use crate::ir::Program;
use crate::testing::coverage::{self, Exercised};
use crate::testing::{CaseFailure, CaseResult, run};

#[derive(Args, Debug)]
pub struct TestArgs {
    /// Rule files or folders of them, with their tests
    #[arg(default_value = "rules")]
    rules: Vec<PathBuf>,
    /// Report which rules, branches and list entries the tests exercised
    #[arg(long)]
    coverage: bool,
    /// Fail (exit 1) when coverage is below this percentage; implies --coverage
    #[arg(long, value_name = "PERCENT")]
    min_coverage: Option<f64>,
    /// Run a test whose data carries no evaluation date (and that sets none with `date`) as of this day, YYYY-MM-DD (default: today, UTC)
    #[arg(long, value_name = "DATE", value_parser = crate::stamp::parse_date)]
    as_of: Option<chrono::NaiveDate>,
    #[command(flatten)]
    budget: super::budget::BudgetArgs,
}

pub fn run_tests(args: TestArgs) -> u8 {
    let renderer = Renderer::for_stderr();
    let (mut program, _) = match load_rules(&default_rules(args.rules), &renderer) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    args.budget.apply(&mut program);
    let measure = args.coverage || args.min_coverage.is_some();
    let mut exercised = Exercised::default();
    let as_of = args.as_of.unwrap_or_else(crate::stamp::today);
    let results = run(&program, as_of, measure.then_some(&mut exercised));
    for case in &results {
        let (file, line, _) = place(&program, case);
        emit(&format!(
            "test {file}:{line} {} ... {}\n",
            case.name,
            if case.passed() { "ok" } else { "FAILED" }
        ));
    }
    let failed: Vec<&CaseResult> = results.iter().filter(|c| !c.passed()).collect();
    for case in &failed {
        let (file, line, _) = place(&program, case);
        emit(&format!("\n---- {} ({file}:{line}) ----\n", case.name));
        for failure in &case.failures {
            emit(&describe(&program, failure, &renderer));
        }
    }
    let passed = results.len() - failed.len();
    emit(&format!("\n{passed} passed, {} failed\n", failed.len()));
    let mut ok = failed.is_empty();
    if measure {
        let mut kinds: Vec<KindId> = program
            .tests
            .iter()
            .filter(|t| program.roots.contains(&t.span.file))
            .filter_map(|t| t.kind)
            .collect();
        kinds.dedup();
        let report = coverage::report(&program, &kinds, &exercised);
        emit(&format!(
            "\ncoverage: {:.1}% (named values {}/{}, branches {}/{}, list entries {}/{})\n",
            report.percent,
            report.rules.0,
            report.rules.1,
            report.branches.0,
            report.branches.1,
            report.entries.0,
            report.entries.1
        ));
        for line in &report.missed {
            emit(&format!("  {line}\n"));
        }
        if let Some(min) = args.min_coverage {
            if report.percent < min {
                emit(&format!(
                    "coverage {:.1}% is below the minimum of {min}%\n",
                    report.percent
                ));
                ok = false;
            }
        }
    }
    if ok { OK } else { FAILED }
}

fn place(program: &Program, case: &CaseResult) -> (String, usize, usize) {
    let file = program.sources.get(case.span.file);
    let (line, column) = file.line_col(case.span.start);
    (file.name.clone(), line, column)
}

pub(crate) fn describe(program: &Program, failure: &CaseFailure, renderer: &Renderer) -> String {
    match failure {
        CaseFailure::Mismatch {
            span,
            target,
            expected,
            actual,
        } => {
            let (line, _) = program.sources.get(span.file).line_col(span.start);
            format!(
                "  line {line}: expect {target} = {expected}\n    expected: {expected}\n    actual:   {actual}\n"
            )
        }
        CaseFailure::Data { file, errors } => {
            let mut out = format!("  the test's data does not fit the input ({file}):\n");
            for (error, span) in errors {
                match span {
                    Some(span) => {
                        let mut diag =
                            Diag::error(Code::BadData, *span, error.to_string()).label("here");
                        diag.help = error.help.clone();
                        out.push_str(&renderer.diag(&diag, &program.sources));
                    }
                    None => out.push_str(&format!("    {error}\n")),
                }
            }
            out
        }
        CaseFailure::Rule(error) => {
            let mut diag = Diag::general(
                Code::RuleFailed,
                format!("a rule failed: {}", error.message),
            );
            diag.span = error.span;
            diag.label = "while evaluating this".into();
            diag.help = error.help.clone();
            renderer.diag(&diag, &program.sources)
        }
    }
}
