//! What the fuzz targets share: the shipped rules, loaded once, a small evaluation budget, and
//! rendering diagnostics the way the command line does (a span that does not fit its file
//! panics there).

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::NaiveDate;
use tally::cli::render::Renderer;
use tally::diagnostic::Diag;
use tally::eval::Budget;
use tally::ir::Program;
use tally::source::SourceMap;

/// Small enough that an input which makes the rules work without end stops in milliseconds;
/// the shipped rules need about 1,400 steps for a partner with 25 customers.
pub const BUDGET: Budget = Budget {
    max_steps: 200_000,
    max_memory: 8 << 20,
};

/// The date records without one are evaluated as of: fixed, so that a crash replays.
pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 15).expect("a date")
}

/// The rules in the repository's `rules/`, checked, under [`BUDGET`].
pub fn shipped() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        let rules = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../rules");
        let (mut program, _) = match tally::load_rules(&[rules]) {
            Ok(loaded) => loaded,
            Err(rejected) => panic!("the shipped rules do not check: {:?}", rejected.diags),
        };
        program.budget = BUDGET;
        program
    })
}

/// Renders diagnostics for the terminal and as the JSON, GitHub and SARIF findings.
pub fn render(diags: &[Diag], sources: &SourceMap) {
    let renderer = Renderer::new(false, 100);
    for diag in diags {
        let _ = renderer.diag(diag, sources);
    }
    let _ = tally::report::findings::json(diags, sources);
    let _ = tally::report::findings::github(diags, sources);
    let _ = tally::report::findings::sarif(diags, sources);
}
