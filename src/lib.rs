//! tally: a small rules language for partner programs.
//!
//! The modules form layers; each uses only the layers listed before it (see
//! `docs/architecture.md`).

extern crate alloc;

// Shared by every layer: source files and spans, diagnostics.
pub mod diagnostic;
pub mod source;

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
pub mod stamp;

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
    check::check(loaded, diags)
}
