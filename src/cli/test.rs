//! `tally test`: runs the test cases that live next to the rules.

use std::path::PathBuf;

use clap::Args;

use super::render::Renderer;
use super::{FAILED, OK, default_rules, emit, load_rules};
use crate::diagnostic::Diag;
use crate::ir::Program;
use crate::testing::{CaseResult, Failure, run};

#[derive(Args, Debug)]
pub struct TestArgs {
    /// Rule files or folders of them, with their tests
    #[arg(default_value = "rules")]
    rules: Vec<PathBuf>,
}

pub fn run_tests(args: TestArgs) -> u8 {
    let renderer = Renderer::for_stderr();
    let (program, _) = match load_rules(&default_rules(args.rules), &renderer) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let results = run(&program);
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
    if failed.is_empty() { OK } else { FAILED }
}

fn place(program: &Program, case: &CaseResult) -> (String, usize, usize) {
    let file = program.sources.get(case.span.file);
    let (line, column) = file.line_col(case.span.start);
    (file.name.clone(), line, column)
}

fn describe(program: &Program, failure: &Failure, renderer: &Renderer) -> String {
    match failure {
        Failure::Mismatch {
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
        Failure::Data { file, errors } => {
            let mut out = format!("  the test's data does not fit the input ({file}):\n");
            for (error, span) in errors {
                match span {
                    Some(span) => {
                        let mut diag =
                            Diag::error("bad-data", *span, error.to_string()).label("here");
                        diag.help = error.help.clone();
                        out.push_str(&renderer.diag(&diag, &program.sources));
                    }
                    None => out.push_str(&format!("    {error}\n")),
                }
            }
            out
        }
        Failure::Rule(error) => {
            let mut diag =
                Diag::general("rule-failed", format!("a rule failed: {}", error.message));
            diag.span = error.span;
            diag.label = "while evaluating this".into();
            diag.help = error.help.clone();
            renderer.diag(&diag, &program.sources)
        }
    }
}
