//! `tally explain`: one record's evaluation as a readable tree, with what is missing.

use crate::diagnostic::Code;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::render::Renderer;
use super::{FAILED, OK, USAGE, default_rules, emit, load_rules};
use crate::data::read::{detect_kind, identifier, read_record};
use crate::explain::{Explainer, render};
use crate::run::input::Records;

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// Rule files or folders of them
    #[arg(default_value = "rules")]
    rules: Vec<PathBuf>,
    /// The record to explain (a JSON file; of a batch, the first record)
    #[arg(long, short)]
    data: PathBuf,
    /// Only the designations whose name contains this text
    #[arg(long)]
    designation: Option<String>,
    #[arg(long, short, value_enum, default_value_t = ExplainFormat::Text)]
    format: ExplainFormat,
    /// Write to this file instead of standard output
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Explain a record that carries no evaluation date as of this day, YYYY-MM-DD (default: today, UTC)
    #[arg(long, value_name = "DATE", value_parser = crate::stamp::parse_date)]
    as_of: Option<chrono::NaiveDate>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// A tree for the terminal
    Text,
    Json,
    Markdown,
    /// A single self-contained HTML file
    Html,
}

pub fn run(args: ExplainArgs) -> u8 {
    let renderer = Renderer::for_stderr();
    let (program, _) = match load_rules(&default_rules(args.rules), &renderer) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let record = match Records::open(&args.data).and_then(|mut r| r.next_chunk(1)) {
        Ok(mut chunk) if !chunk.is_empty() => chunk.remove(0),
        Ok(_) => {
            eprintln!("tally explain: no record in {}", args.data.display());
            return USAGE;
        }
        Err(e) => {
            eprintln!("tally explain: cannot read --data: {e}");
            return USAGE;
        }
    };
    let as_of = args.as_of.unwrap_or_else(crate::stamp::today);
    let read = match record.encoding_error() {
        Some(error) => Err(vec![error]),
        None => detect_kind(&program, &record.text).map_err(|e| vec![e]),
    };
    let read =
        read.and_then(|kind| read_record(&program, kind, &record.text, as_of).map(|r| (kind, r)));
    let (kind, value) = match read {
        Ok(read) => read,
        Err(errors) => {
            let id = detect_kind(&program, &record.text)
                .ok()
                .and_then(|k| identifier(&program, k, &record.text));
            for error in &errors {
                eprint!(
                    "{}",
                    renderer.field_error(&record.origin, id.as_deref(), &record.text, error)
                );
            }
            return FAILED;
        }
    };
    let explanation =
        match Explainer::new(&program).explain(kind, value, args.designation.as_deref(), as_of) {
            Ok(e) => e,
            Err(error) => {
                let mut diag = crate::diagnostic::Diag::general(
                    Code::RuleFailed,
                    format!("a rule failed: {}", error.message),
                );
                diag.span = error.span;
                diag.help = error.help.clone();
                eprint!("{}", renderer.diag(&diag, &program.sources));
                return FAILED;
            }
        };
    if args.designation.is_some() && explanation.designations.is_empty() {
        let names: Vec<&str> = program
            .kind(kind)
            .designations
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        eprintln!(
            "tally explain: no designation matches; there are: {}",
            names.join(", ")
        );
        return USAGE;
    }
    let text = match args.format {
        ExplainFormat::Text => render::text(&explanation),
        ExplainFormat::Json => {
            serde_json::to_string_pretty(&explanation).unwrap_or_default() + "\n"
        }
        ExplainFormat::Markdown => render::document(&explanation).markdown(),
        ExplainFormat::Html => render::document(&explanation).html(),
    };
    match args.output {
        Some(path) => match std::fs::write(&path, text) {
            Ok(()) => OK,
            Err(e) => {
                eprintln!("tally explain: cannot write {}: {e}", path.display());
                USAGE
            }
        },
        None => {
            emit(&text);
            OK
        }
    }
}
