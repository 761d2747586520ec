//! `tally eval`: evaluate records (partners, scenarios) and print the results.

use crate::diagnostic::Code;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::mpsc;

use chrono::NaiveDate;
use clap::Args;

use super::render::Renderer;
use super::{DataFormat, FAILED, OK, USAGE, default_rules, load_rules};
use crate::ir::{KindId, Program};
use crate::report::Format;
use crate::run::batch::evaluate_chunk;
use crate::run::input::{RawRecord, Records};
use crate::run::record::{Outcome, RecordError};

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
    /// Evaluate a record that carries no evaluation date as of this day, YYYY-MM-DD (default: today, UTC)
    #[arg(long, value_name = "DATE", value_parser = crate::stamp::parse_date)]
    as_of: Option<NaiveDate>,
    /// Append one JSON line per record to this file: time, record id, SHA-256 of the record, as_of, rules_digest, tally_version, results
    #[arg(long, value_name = "FILE")]
    decision_log: Option<PathBuf>,
    /// Show no progress bar and no summary on standard error (problems are still shown)
    #[arg(long, short)]
    quiet: bool,
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
    let mut log = match &args.decision_log {
        None => None,
        Some(path) => match std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            Ok(file) => Some(io::BufWriter::new(file)),
            Err(e) => {
                eprintln!("tally: cannot open --decision-log {}: {e}", path.display());
                return USAGE;
            }
        },
    };
    let format = match args.format {
        DataFormat::Json => Format::Json,
        DataFormat::Table => Format::Table,
    };
    let as_of = args.as_of.unwrap_or_else(crate::stamp::today);
    let logging = log.is_some();
    let mut out = super::output::Buffered::new();
    let mut failed = 0usize;
    let mut evaluated = 0usize;
    let mut attained = Attained::default();
    let progress = Progress::new(!args.quiet);
    for chunk in read_ahead(records) {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(e) => {
                progress.finish();
                eprintln!("tally: cannot read --data: {e}");
                return USAGE;
            }
        };
        if chunk.is_empty() {
            break;
        }
        let results = evaluate_chunk(
            &program,
            kind,
            &chunk,
            format.shows_reasons(),
            as_of,
            |outcome, record| Printed {
                text: format.print(outcome, &record.origin),
                log: logging.then(|| decision_line(outcome, record)),
                attained: outcome
                    .designations
                    .iter()
                    .map(|d| (d.name.clone(), d.attained))
                    .collect(),
            },
        );
        for (record, result) in chunk.iter().zip(results) {
            if let Some(log) = &mut log {
                let line = match &result {
                    Ok(printed) => printed.log.clone().unwrap_or_default(),
                    Err(error) => failure_line(&program, record, error, as_of),
                };
                if let Err(e) = log.write_all(line.as_bytes()) {
                    eprintln!("tally: cannot write --decision-log: {e}");
                    return USAGE;
                }
            }
            let result = result.map_err(|error| problem(&program, record, error, &renderer));
            match result {
                Ok(printed) => {
                    evaluated += 1;
                    attained.add(&printed.attained);
                    if !out.write(&printed.text) {
                        return FAILED;
                    }
                }
                Err(problem) => {
                    failed += 1;
                    out.flush();
                    progress.suspend(|| eprint!("{problem}"));
                }
            }
        }
        progress.advance(chunk.len());
    }
    progress.finish();
    if !out.flush() {
        return FAILED;
    }
    if let Some(Err(e)) = log.as_mut().map(Write::flush) {
        eprintln!("tally: cannot write --decision-log: {e}");
        return USAGE;
    }
    if !args.quiet && evaluated + failed > 0 {
        eprint!("{}", attained.summary(evaluated, failed));
    } else if failed > 0 {
        // Quiet, but a batch with failures still says how many.
        eprint!("{}", Attained::default().summary(evaluated, failed));
    }
    if failed > 0 {
        return FAILED;
    }
    if evaluated == 0 {
        eprintln!("tally: no records in {}", args.data.display());
        return FAILED;
    }
    OK
}

/// One record's printed result, its decision-log line when asked for, and whether it
/// attained each designation.
struct Printed {
    text: String,
    log: Option<String>,
    attained: Vec<(String, bool)>,
}

/// For each designation, in the order first met: how many records attained it, of how many
/// evaluated for it.
#[derive(Default)]
struct Attained(Vec<(String, usize, usize)>);

impl Attained {
    fn add(&mut self, designations: &[(String, bool)]) {
        for (name, attained) in designations {
            let i = match self.0.iter().position(|(n, _, _)| n == name) {
                Some(i) => i,
                None => {
                    self.0.push((name.clone(), 0, 0));
                    self.0.len() - 1
                }
            };
            self.0[i].1 += usize::from(*attained);
            self.0[i].2 += 1;
        }
    }

    /// The closing summary: a line of counts, and a line of designations when there are any.
    fn summary(&self, evaluated: usize, failed: usize) -> String {
        let mut text = format!(
            "tally: {evaluated} record{} evaluated, {failed} failed\n",
            if evaluated == 1 { "" } else { "s" }
        );
        if !self.0.is_empty() {
            let each: Vec<String> = self
                .0
                .iter()
                .map(|(name, attained, of)| format!("{name} {attained} of {of}"))
                .collect();
            text.push_str(&format!("tally: attained: {}\n", each.join(", ")));
        }
        text
    }
}

/// The progress bar: drawn on a terminal's standard error once a batch has run for a second.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    started: std::time::Instant,
}

impl Progress {
    fn new(wanted: bool) -> Progress {
        let bar = (wanted && super::output::stderr_is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::hidden();
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} {pos} records evaluated, {elapsed}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            bar
        });
        Progress {
            bar,
            started: std::time::Instant::now(),
        }
    }

    fn advance(&self, records: usize) {
        let Some(bar) = &self.bar else { return };
        bar.inc(records as u64);
        if bar.is_hidden() && self.started.elapsed() >= std::time::Duration::from_secs(1) {
            bar.set_draw_target(super::output::progress_target());
            // The spinner turns between chunks too, so a slow chunk does not look stuck.
            bar.enable_steady_tick(std::time::Duration::from_millis(100));
        }
    }

    /// Runs `write` with the bar off the screen, so that a message does not mix with it.
    fn suspend(&self, write: impl FnOnce()) {
        match &self.bar {
            Some(bar) => bar.suspend(write),
            None => write(),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// The decision-log line of a record with a result.
fn decision_line(outcome: &Outcome, record: &RawRecord) -> String {
    let mut json = String::with_capacity(2048);
    crate::report::json::write_outcome(&mut json, outcome);
    crate::stamp::decision_line(
        outcome.id.as_ref().map(|(_, id)| id.as_str()),
        &record.origin.to_string(),
        record.logged_bytes(),
        &outcome.stamp,
        Ok(&json),
    )
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

/// The decision-log line of a record that has no result: why, in one line.
fn failure_line(
    program: &Program,
    record: &RawRecord,
    error: &RecordError,
    as_of: NaiveDate,
) -> String {
    let (id, why) = match error {
        RecordError::Data { id, errors } => (
            id.clone(),
            errors
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; "),
        ),
        RecordError::Rule { id, error } => (id.clone(), error.message.clone()),
    };
    // A record that could not be read has no evaluation date of its own to tell.
    let stamp = crate::stamp::Stamp::new(as_of, program.rules_digest());
    crate::stamp::decision_line(
        id.as_deref(),
        &record.origin.to_string(),
        record.logged_bytes(),
        &stamp,
        Err(&why),
    )
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
                Code::RuleFailed,
                format!("a rule failed{who} ({}): {}", record.origin, error.message),
            );
            diag.span = error.span;
            diag.label = "while evaluating this".into();
            diag.help = error.help.clone();
            renderer.diag(&diag, &program.sources)
        }
    }
}
