//! `tally check`: everything that can be known about rule files without data.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::render::Renderer;
use super::{FAILED, OK, USAGE, default_rules, emit};
use crate::check::Rejected;
use crate::diagnostic::{Code, Diag, suggest};
use crate::report::findings;
use crate::source::SourceMap;

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Rule files or folders of them
    #[arg(default_value = "rules")]
    rules: Vec<PathBuf>,
    /// How to print the findings
    #[arg(long, short, value_enum, default_value_t = FindingsFormat::Human)]
    format: FindingsFormat,
    /// Count warnings as findings too (exit 1)
    #[arg(long)]
    deny_warnings: bool,
    /// Print what a diagnostic code means, an example and the fix (such as `unknown-name`)
    #[arg(long, value_name = "CODE")]
    explain: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FindingsFormat {
    /// Diagnostics with the source around them
    Human,
    /// A JSON array, one object per finding
    Json,
    /// GitHub Actions annotations (::error file=...,line=...::message)
    Github,
    /// SARIF 2.1.0, for code scanning
    Sarif,
}

pub fn run(args: CheckArgs) -> u8 {
    if let Some(name) = &args.explain {
        return explain(name);
    }
    let rules = default_rules(args.rules);
    let (diags, sources) = match crate::load_rules(&rules) {
        Ok((program, warnings)) => (warnings, program.sources),
        Err(Rejected { sources, diags }) => (diags, sources),
    };
    if diags.iter().any(|d| d.span.is_none() && d.is_error()) {
        // A rule path that does not exist: a usage error, not a finding in the rules.
        let renderer = Renderer::for_stderr();
        for d in &diags {
            eprint!("{}", renderer.diag(d, &sources));
        }
        return USAGE;
    }
    print(&diags, &sources, args.format);
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if args.format == FindingsFormat::Human {
        eprintln!(
            "tally check: {} file{}, {errors} error{}, {warnings} warning{}",
            sources.files().count(),
            plural(sources.files().count()),
            plural(errors),
            plural(warnings)
        );
    }
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        FAILED
    } else {
        OK
    }
}

/// `--explain CODE`: the code's page of `docs/diagnostics.md`.
fn explain(name: &str) -> u8 {
    let name = name.trim_start_matches("tally::");
    match Code::from_name(name).and_then(Code::page) {
        Some(page) => {
            emit(&format!("{page}\n"));
            OK
        }
        None => {
            let names = Code::ALL.iter().map(|code| code.name());
            eprintln!("error: `{name}` is not a diagnostic code");
            let help = suggest(name, names)
                .map_or(String::new(), |close| format!("did you mean `{close}`? "));
            eprintln!("  help: {help}every code is listed in docs/diagnostics.md");
            USAGE
        }
    }
}

fn print(diags: &[Diag], sources: &SourceMap, format: FindingsFormat) {
    match format {
        FindingsFormat::Human => {
            let renderer = Renderer::for_stderr();
            for d in diags {
                eprint!("{}", renderer.diag(d, sources));
            }
        }
        FindingsFormat::Json => emit(&findings::json(diags, sources)),
        FindingsFormat::Github => emit(&findings::github(diags, sources)),
        FindingsFormat::Sarif => emit(&findings::sarif(diags, sources)),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
