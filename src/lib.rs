//! tally: a small rules language for partner programs.

extern crate alloc;

pub mod ast;
pub mod batch;
pub mod check;
pub mod cli;
pub mod data;
pub mod diagnostic;
pub mod diff;
pub mod doc;
pub mod eval;
pub mod evaluate;
pub mod explain;
pub mod format;
pub mod ir;
pub mod load;
pub mod parse;
pub mod report;
pub mod source;
pub mod syntax;
pub mod testing;
pub mod types;

use std::path::PathBuf;

/// Loads the rule files under `paths` (files or folders) and checks them: the program and its
/// warnings, or every problem found.
pub fn load_rules(
    paths: &[PathBuf],
) -> Result<(ir::Program, Vec<diagnostic::Diag>), check::Failed> {
    let mut diags = diagnostic::Diags::default();
    let loaded = load::load(paths, &mut diags);
    let (program, mut warnings) = check::check(loaded, diags)?;
    // Test data that does not fit the input is an error of the rules, found before any test runs.
    let problems = testing::data_problems(&program);
    if problems.is_empty() {
        return Ok((program, warnings));
    }
    warnings.extend(problems);
    Err(check::Failed {
        sources: program.sources,
        diags: warnings,
    })
}
