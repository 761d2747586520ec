//! tally: a small rules language for partner programs.
//!
//! The modules form layers, and each uses only the layers below it: base (`source`,
//! `diagnostic`, `stamp`) -> `syntax` -> `load` -> `ir` -> `analysis` -> `check` -> `data` and
//! `eval` -> `run` -> `report` -> the tools (`explain`, `doc`, `diff`, `testing`, `service`,
//! `lsp`) -> `cli`. `docs/architecture.md` has a line per module.

extern crate alloc;

// Shared by every layer: source files and spans, diagnostics, the stamp of a result.
pub mod diagnostic;
pub mod source;
pub mod stamp;

// Text to a checked program.
pub mod analysis;
pub mod check;
pub mod ir;
pub mod load;
pub mod syntax;

// Data and evaluation.
pub mod data;
pub mod eval;
pub mod run;

// Reports and the tools built on them.
pub mod diff;
pub mod doc;
pub mod explain;
pub mod report;
pub mod testing;

// The language service for editors, and the Language Server Protocol over it.
pub mod lsp;
pub mod service;

// The command line, and the same tools as a service.
pub mod cli;
pub mod serve;

use std::path::PathBuf;

/// Loads the rule files under `paths` (files or folders) and checks them: the program and its
/// warnings, or every problem found.
pub fn load_rules(
    paths: &[PathBuf],
) -> Result<(ir::Program, Vec<diagnostic::Diag>), check::Rejected> {
    let mut diags = diagnostic::Diags::default();
    let loaded = load::load(paths, &mut diags);
    let (program, mut warnings) = check::check(loaded, diags)?;
    // Test data that does not fit the input is an error of the rules, found before any test runs.
    let problems = testing::data_problems(&program);
    if problems.is_empty() {
        return Ok((program, warnings));
    }
    warnings.extend(problems);
    Err(check::Rejected {
        sources: program.sources,
        diags: warnings,
    })
}
