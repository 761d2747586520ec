//! The command line: `tally eval`, `check`, `fmt`, `test`, `diff`, `explain` and `doc`.
//! Each command returns its exit code; `main` only parses the arguments.

// Every write of the commands goes through `output`: these shadow the standard macros in the
// modules declared below them, so no command can panic on a closed pipe or print a raw
// control character from data or rules.
#[allow(unused_macros)]
macro_rules! print {
    ($($arg:tt)*) => {{
        $crate::cli::output::out(&format!($($arg)*));
    }};
}
#[allow(unused_macros)]
macro_rules! println {
    () => {{
        $crate::cli::output::out("\n");
    }};
    ($($arg:tt)*) => {{
        $crate::cli::output::out(&format!("{}\n", format_args!($($arg)*)));
    }};
}
macro_rules! eprint {
    ($($arg:tt)*) => {{
        $crate::cli::output::err(&format!($($arg)*));
    }};
}
macro_rules! eprintln {
    () => {{
        $crate::cli::output::err("\n");
    }};
    ($($arg:tt)*) => {{
        $crate::cli::output::err(&format!("{}\n", format_args!($($arg)*)));
    }};
}

pub mod output;

mod budget;
mod check;
mod diff;
mod doc;
mod eval;
mod explain;
mod fmt;
mod lsp;
pub mod render;
pub(crate) mod test;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::check::Rejected;
use crate::ir::Program;
use render::Renderer;

/// Every record was evaluated; the check found nothing; the tests passed.
pub const OK: u8 = 0;
/// A record could not be evaluated (bad data, or a rule failed on it); `check` found problems;
/// a test failed; `diff` met a record neither version evaluates, or with `--fail-on-change`
/// found a change.
pub const FAILED: u8 = 1;
/// The rules do not load or check, or the command line is wrong.
pub const USAGE: u8 = 2;

const EXIT_CODES: &str = "\
Exit codes:
  0  done: every record evaluated, no findings, every test passed
  1  something failed: a record could not be evaluated (bad data, or a rule failed on it),
     `check` found problems, a test failed, or `diff --fail-on-change` found a change
  2  the rules do not load or check, or the command line is wrong";

#[derive(Parser, Debug)]
#[command(
    name = "tally",
    version,
    about = "Rule files that program managers edit, auditors read and CI checks",
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Evaluate partners or scenarios against the rules
    #[command(after_help = EXIT_CODES)]
    Eval(eval::EvalArgs),
    /// Check rule files without data: syntax, names, types, and that the numbers add up
    #[command(after_help = CHECK_EXIT_CODES)]
    Check(check::CheckArgs),
    /// Format rule files in the canonical layout (comments and line breaks are kept)
    #[command(after_help = FMT_EXIT_CODES)]
    Fmt(fmt::FmtArgs),
    /// Run the test cases written next to the rules
    #[command(after_help = TEST_EXIT_CODES)]
    Test(test::TestArgs),
    /// Compare two versions of the rules over a set of records: who gains or loses what
    #[command(after_help = DIFF_EXIT_CODES)]
    Diff(diff::DiffArgs),
    /// Explain one record's evaluation: every point back to its rule, source and data
    #[command(after_help = EXIT_CODES)]
    Explain(explain::ExplainArgs),
    /// Render the rule files as a document for readers who do not read code
    #[command(after_help = EXIT_CODES)]
    Doc(doc::DocArgs),
    /// Serve the Language Server Protocol on standard input and output, for editors
    Lsp,
    /// Serve the rules: a JSON API for systems under /v1, and the studio in the browser at /
    #[command(after_help = SERVE_EXIT_CODES)]
    Serve(crate::serve::ServeArgs),
}

const SERVE_EXIT_CODES: &str = "\
Exit codes:
  0  stopped by SIGTERM or Ctrl-C after finishing the requests in flight
  2  the rules do not load or check, the address cannot be bound, or the command line is wrong";

const DIFF_EXIT_CODES: &str = "\
Exit codes:
  0  compared (with --fail-on-change: nothing changed)
  1  a record could not be evaluated with either version (bad data), or
     with --fail-on-change: something changed
  2  the rules do not load or check, a revision or path does not exist, or the command line is wrong";

const TEST_EXIT_CODES: &str = "\
Exit codes:
  0  every test passed
  1  a test failed
  2  the rules do not load or check, or the command line is wrong";

const FMT_EXIT_CODES: &str = "\
Exit codes:
  0  formatted (with --check: every file is formatted)
  1  with --check: some files are not formatted
  2  a file does not parse or cannot be written, or the command line is wrong";

const CHECK_EXIT_CODES: &str = "\
Exit codes:
  0  no errors (and, with --deny-warnings, no warnings)
  1  findings: errors, or warnings with --deny-warnings
  2  a rule path does not exist, or the command line is wrong";

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DataFormat {
    /// A breakdown for people
    Table,
    /// The data contract's JSON, one line per record
    Json,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Eval(args) => eval::run(args),
        Command::Check(args) => check::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Test(args) => test::run_tests(args),
        Command::Diff(args) => diff::run(args),
        Command::Doc(args) => doc::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Lsp => lsp::run(),
        Command::Serve(args) => crate::serve::run(args),
    };
    ExitCode::from(code)
}

/// Writes to standard output (see `output`): a reader that has gone away (`tally check | head`)
/// is not worth a panic, and the rest of the output is dropped.
fn emit(text: &str) {
    output::out(text);
}

fn default_rules(rules: Vec<PathBuf>) -> Vec<PathBuf> {
    if rules.is_empty() {
        vec![PathBuf::from("rules")]
    } else {
        rules
    }
}

/// Loads and checks rules; on failure prints every problem and gives the exit code.
fn load_rules(
    paths: &[PathBuf],
    renderer: &Renderer,
) -> Result<(Program, Vec<crate::diagnostic::Diag>), u8> {
    match crate::load_rules(paths) {
        Ok(loaded) => Ok(loaded),
        Err(Rejected { sources, diags }) => {
            let errors = diags.iter().filter(|d| d.is_error()).count();
            for diag in &diags {
                eprint!("{}", renderer.diag(diag, &sources));
            }
            eprintln!(
                "tally: the rules have {errors} error{}",
                if errors == 1 { "" } else { "s" }
            );
            Err(USAGE)
        }
    }
}
