//! `tally eval`: evaluate records (partners, scenarios) and print the results.

use std::io;
use std::path::PathBuf;
use std::sync::mpsc;

use clap::Args;

use super::render::Renderer;
use super::{DataFormat, FAILED, OK, USAGE, default_rules, load_rules};
use crate::batch::{Format, evaluate_chunk};
use crate::data::batch::{RawRecord, Records};
use crate::evaluate::RecordError;
use crate::ir::{KindId, Program};

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// Rule files or folders of them
    #[arg(default_value = "rules")]
    rules: Vec<PathBuf>,
    /// A record file, a JSON Lines file, - for standard input, or a folder of them: its
    /// sub-folders are read too, all in name order, and an entry that cannot be read fails
    /// alone
    #[arg(long, short)]
    data: PathBuf,
    /// How to print the results
    #[arg(long, short, value_enum, default_value_t = DataFormat::Table)]
    format: DataFormat,
    /// The input the data is (such as `partner`); by default it is told from the data's fields
    #[arg(long)]
    input: Option<String>,
    /// Threads to evaluate with, 1 to 256 (default: every core)
    #[arg(long, short, value_parser = clap::value_parser!(u16).range(1..=256))]
    jobs: Option<u16>,
    #[command(flatten)]
    budget: super::budget::BudgetArgs,
}

/// Records read and evaluated per chunk: enough to keep every core busy, few enough to keep
/// memory bounded.
const CHUNK: usize = 2048;

pub fn run(args: EvalArgs) -> u8 {
    let renderer = Renderer::for_stderr();
    let (mut program, _warnings) = match load_rules(&default_rules(args.rules), &renderer) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    args.budget.apply(&mut program);
    let kind = match &args.input {
        None => None,
        Some(name) => match program.kinds.iter().position(|k| &k.name == name) {
            Some(i) => Some(KindId(i as u32)),
            None => {
                let names: Vec<&str> = program.kinds.iter().map(|k| k.name.as_str()).collect();
                eprintln!(
                    "tally: the rules declare no input `{name}`; they declare: {}",
                    names.join(", ")
                );
                return USAGE;
            }
        },
    };
    if let Some(jobs) = args.jobs {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(usize::from(jobs))
            .build_global();
    }
    let records = match Records::open(&args.data) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("tally: cannot read --data: {e}");
            return USAGE;
        }
    };
    if !records.skipped.is_empty() {
        let names: Vec<String> = records
            .skipped
            .iter()
            .map(|p| crate::source::display_path(p))
            .collect();
        eprintln!(
            "tally: not read, not data files (*.json, *.jsonl): {}",
            names.join(", ")
        );
    }
    let mut out = super::output::Buffered::new();
    let mut failed = 0usize;
    let mut evaluated = 0usize;
    for chunk in read_ahead(records) {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(e) => {
                eprintln!("tally: cannot read --data: {e}");
                return USAGE;
            }
        };
        if chunk.is_empty() {
            break;
        }
        let format = match args.format {
            DataFormat::Json => Format::Json,
            DataFormat::Table => Format::Table,
        };
        let results = evaluate_chunk(&program, kind, &chunk, format);
        for (record, result) in chunk.iter().zip(results) {
            let result = result.map_err(|error| problem(&program, record, error, &renderer));
            match result {
                Ok(text) => {
                    evaluated += 1;
                    if !out.write(&text) {
                        return FAILED;
                    }
                }
                Err(problem) => {
                    failed += 1;
                    out.flush();
                    eprint!("{problem}");
                }
            }
        }
    }
    if !out.flush() {
        return FAILED;
    }
    if failed > 0 {
        eprintln!(
            "tally: {failed} record{} not evaluated, {evaluated} evaluated",
            if failed == 1 { "" } else { "s" }
        );
        return FAILED;
    }
    if evaluated == 0 {
        eprintln!("tally: no records in {}", args.data.display());
        return FAILED;
    }
    OK
}

/// The chunks of `records` in order, each read on another thread while the one before is
/// evaluated. The reader stops after an empty chunk or an error, or when nobody receives.
fn read_ahead(mut records: Records) -> mpsc::Receiver<io::Result<Vec<RawRecord>>> {
    let (sender, chunks) = mpsc::sync_channel(1);
    std::thread::spawn(move || {
        loop {
            let chunk = records.next_chunk(CHUNK);
            let last = !matches!(&chunk, Ok(c) if !c.is_empty());
            if sender.send(chunk).is_err() || last {
                break;
            }
        }
    });
    chunks
}

/// Why a record has no result, rendered for stderr.
fn problem(
    program: &Program,
    record: &RawRecord,
    error: RecordError,
    renderer: &Renderer,
) -> String {
    match error {
        RecordError::Data { id, errors } => {
            let mut text = String::new();
            for error in &errors {
                text.push_str(&renderer.field_error(
                    &record.origin,
                    id.as_deref(),
                    &record.text,
                    error,
                ));
            }
            text
        }
        RecordError::Rule { id, error } => {
            let who = id.map(|i| format!(" for {i}")).unwrap_or_default();
            let mut diag = crate::diagnostic::Diag::general(
                "rule-failed",
                format!("a rule failed{who} ({}): {}", record.origin, error.message),
            );
            diag.span = error.span;
            diag.label = "while evaluating this".into();
            diag.help = error.help.clone();
            renderer.diag(&diag, &program.sources)
        }
    }
}
