//! `tally explain`: one record's evaluation as a readable tree, with what is missing.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::render::Renderer;
use super::{FAILED, OK, USAGE, default_rules, emit, load_rules};
use crate::data::read::{detect_kind, identifier, read_record};
use crate::explain::{Explainer, render};
use crate::run::input::{RawRecord, Records};

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// Rule files or folders of them
    #[arg(default_value = "rules")]
    rules: Vec<PathBuf>,
    /// The records to explain: a JSON file, a folder or a JSON Lines file (of a batch, the
    /// first record, or those chosen with --id)
    #[arg(long, short)]
    data: PathBuf,
    /// Explain the record with this identifier (`partner_id`, ...); repeat for several
    #[arg(long = "id", value_name = "ID")]
    ids: Vec<String>,
    /// Only the result: points, what is missing and the fewest changes that attain, without
    /// the derivation
    #[arg(long)]
    summary: bool,
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
    #[command(flatten)]
    budget: super::budget::BudgetArgs,
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
    let (mut program, _) = match load_rules(&default_rules(args.rules.clone()), &renderer) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    args.budget.apply(&mut program);
    let records = match chosen(&program, &args) {
        Ok(records) => records,
        Err(code) => return code,
    };
    let mut explained = Vec::new();
    let mut code = OK;
    for record in records {
        match explain_one(&program, &renderer, &args, &record) {
            Ok(e) => explained.push(e),
            Err(failed) => code = code.max(failed),
        }
    }
    if explained.is_empty() {
        return code.max(FAILED);
    }
    let text = match args.format {
        ExplainFormat::Text => {
            let texts: Vec<String> = explained
                .iter()
                .map(|e| {
                    if args.summary {
                        render::summary_text(e)
                    } else {
                        render::text(e)
                    }
                })
                .collect();
            texts.join("\n")
        }
        // Several records in JSON: one array, so the output stays one JSON document.
        ExplainFormat::Json if explained.len() > 1 => {
            serde_json::to_string_pretty(&explained).unwrap_or_default() + "\n"
        }
        ExplainFormat::Json => {
            serde_json::to_string_pretty(&explained[0]).unwrap_or_default() + "\n"
        }
        ExplainFormat::Markdown => render::documents(&explained).markdown(),
        ExplainFormat::Html => render::documents(&explained).html(),
    };
    let written = match &args.output {
        Some(path) => match std::fs::write(path, text) {
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
    };
    code.max(written)
}

/// The records to explain: those with the identifiers asked for, or the first.
fn chosen(program: &crate::ir::Program, args: &ExplainArgs) -> Result<Vec<RawRecord>, u8> {
    let mut records = Records::open(&args.data).map_err(|e| {
        eprintln!("tally explain: cannot read --data: {e}");
        USAGE
    })?;
    let mut found: Vec<RawRecord> = Vec::new();
    let mut seen = 0usize;
    loop {
        let chunk = records.next_chunk(256).map_err(|e| {
            eprintln!("tally explain: cannot read --data: {e}");
            USAGE
        })?;
        if chunk.is_empty() {
            break;
        }
        for record in chunk {
            seen += 1;
            if args.ids.is_empty() {
                if found.is_empty() {
                    found.push(record);
                }
                continue;
            }
            let id = detect_kind(program, &record.text)
                .ok()
                .and_then(|k| identifier(program, k, &record.text));
            if id.is_some_and(|id| args.ids.contains(&id)) {
                found.push(record);
            }
        }
        // Without --id only the first record is explained: no need to read the rest.
        if args.ids.is_empty() && !found.is_empty() {
            break;
        }
        if !args.ids.is_empty() && found.len() >= args.ids.len() {
            break;
        }
    }
    if found.is_empty() {
        if args.ids.is_empty() {
            eprintln!("tally explain: no record in {}", args.data.display());
        } else {
            eprintln!(
                "tally explain: no record with the identifier {} among the {seen} records of {}",
                args.ids.join(", "),
                args.data.display()
            );
        }
        return Err(USAGE);
    }
    if !args.ids.is_empty() && found.len() < args.ids.len() {
        let ids: Vec<String> = found
            .iter()
            .filter_map(|r| {
                detect_kind(program, &r.text)
                    .ok()
                    .and_then(|k| identifier(program, k, &r.text))
            })
            .collect();
        let absent: Vec<&str> = args
            .ids
            .iter()
            .filter(|i| !ids.contains(i))
            .map(String::as_str)
            .collect();
        eprintln!(
            "tally explain: no record with the identifier {} in {}",
            absent.join(", "),
            args.data.display()
        );
    }
    Ok(found)
}

/// One record, explained in the format asked for; an error is reported here.
fn explain_one(
    program: &crate::ir::Program,
    renderer: &Renderer,
    args: &ExplainArgs,
    record: &RawRecord,
) -> Result<crate::explain::Explanation, u8> {
    let read = match record.encoding_error() {
        Some(error) => Err(vec![error]),
        None => detect_kind(program, &record.text).map_err(|e| vec![e]),
    };
    let as_of = args.as_of.unwrap_or_else(crate::stamp::today);
    let read =
        read.and_then(|kind| read_record(program, kind, &record.text, as_of).map(|r| (kind, r)));
    let (kind, value) = match read {
        Ok(read) => read,
        Err(errors) => {
            let id = detect_kind(program, &record.text)
                .ok()
                .and_then(|k| identifier(program, k, &record.text));
            for error in &errors {
                eprint!(
                    "{}",
                    renderer.field_error(&record.origin, id.as_deref(), &record.text, error)
                );
            }
            return Err(FAILED);
        }
    };
    let explainer = Explainer::new(program);
    let only = args.designation.as_deref();
    let explained = if args.summary {
        explainer.summary(kind, value, only, as_of)
    } else {
        explainer.explain(kind, value, only, as_of)
    };
    let explanation = match explained {
        Ok(e) => e,
        Err(error) => {
            let mut diag = crate::diagnostic::Diag::general(
                crate::diagnostic::Code::RuleFailed,
                format!("a rule failed: {}", error.message),
            );
            diag.span = error.span;
            diag.help = error.help.clone();
            eprint!("{}", renderer.diag(&diag, &program.sources));
            return Err(FAILED);
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
        return Err(USAGE);
    }
    Ok(explanation)
}
