//! `tally diff OLD NEW --data PATH`: what a change to the rules does to a set of records.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use rayon::prelude::*;
use serde::Serialize;

use super::render::Renderer;
use super::{FAILED, OK, USAGE, emit, load_rules};
use crate::diff::{Pair, Summary, markdown, text};
use crate::ir::Program;
use crate::run::input::Records;

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// The rules before: a file or folder, or a git revision and path such as HEAD~1:rules/
    old: String,
    /// The rules after, in the same forms
    new: String,
    /// The records to evaluate: a file, a folder of them, a JSON Lines file, or - for standard input
    #[arg(long, short)]
    data: PathBuf,
    /// How to print the differences
    #[arg(long, short, value_enum, default_value_t = DiffFormat::Human)]
    format: DiffFormat,
    /// Exit 1 when anything changes
    #[arg(long)]
    fail_on_change: bool,
    /// How many record identifiers each group lists (the counts are always whole)
    #[arg(long, default_value_t = 20, value_name = "N")]
    limit: usize,
    /// Evaluate a record that carries no evaluation date as of this day, YYYY-MM-DD (default: today, UTC)
    #[arg(long, value_name = "DATE", value_parser = crate::stamp::parse_date)]
    as_of: Option<NaiveDate>,
    #[command(flatten)]
    budget: super::budget::BudgetArgs,
}

/// The diff as JSON, with the stamp: the evaluation date of records without their own, the
/// digest of the new rules (and of the old), and tally's version.
#[derive(Serialize)]
struct Stamped<'d> {
    #[serde(flatten)]
    diff: &'d crate::diff::Diff,
    as_of: String,
    rules_digest: String,
    old_rules_digest: String,
    tally_version: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// A summary for people
    Human,
    /// The same as JSON
    Json,
    /// Markdown for a pull request's summary
    Markdown,
}

pub fn run(args: DiffArgs) -> u8 {
    let renderer = Renderer::for_stderr();
    // Removed when the command ends, whichever way it ends.
    let mut temporary: Vec<tempfile::TempDir> = Vec::new();
    let mut programs = Vec::new();
    for spec in [&args.old, &args.new] {
        let path = match materialize(spec, &mut temporary) {
            Ok(path) => path,
            Err(message) => {
                eprintln!("tally diff: {message}");
                cleanup(&mut temporary);
                return USAGE;
            }
        };
        match load_rules(&[path], &renderer) {
            Ok((mut program, _)) => {
                args.budget.apply(&mut program);
                programs.push(program)
            }
            Err(code) => {
                cleanup(&mut temporary);
                return code;
            }
        }
    }
    let as_of = args.as_of.unwrap_or_else(crate::stamp::today);
    let diff = match evaluate_both(&programs[0], &programs[1], &args.data, as_of, args.limit) {
        Ok(diff) => diff,
        Err(message) => {
            eprintln!("tally diff: cannot read --data: {message}");
            cleanup(&mut temporary);
            return USAGE;
        }
    };
    cleanup(&mut temporary);
    let stamp = Stamped {
        diff: &diff,
        as_of: as_of.to_string(),
        rules_digest: programs[1].rules_digest().to_string(),
        old_rules_digest: programs[0].rules_digest().to_string(),
        tally_version: crate::stamp::TALLY_VERSION,
    };
    match args.format {
        DiffFormat::Human => emit(&format!(
            "{}\nas of {} (records without a date of their own) · old rules sha256:{} · new rules sha256:{} · tally {}\n",
            text(&diff, &args.old, &args.new),
            stamp.as_of,
            stamp.old_rules_digest,
            stamp.rules_digest,
            stamp.tally_version
        )),
        DiffFormat::Markdown => emit(&format!(
            "{}\n<sub>as of {} (records without a date of their own) · old rules `sha256:{}` · new rules `sha256:{}` · tally {}</sub>\n",
            markdown(&diff, &args.old, &args.new),
            stamp.as_of,
            stamp.old_rules_digest,
            stamp.rules_digest,
            stamp.tally_version
        )),
        DiffFormat::Json => {
            emit(&(serde_json::to_string_pretty(&stamp).unwrap_or_default() + "\n"))
        }
    }
    // A record that neither version can evaluate is bad data: its impact is unknown.
    let unknown = diff.failures.both.count > 0;
    if unknown || (args.fail_on_change && !diff.is_empty()) {
        FAILED
    } else {
        OK
    }
}

/// Both versions over every record, a chunk at a time: only the summary is kept, so memory
/// does not grow with the number of records.
fn evaluate_both(
    old: &Program,
    new: &Program,
    data: &Path,
    as_of: NaiveDate,
    limit: usize,
) -> std::io::Result<crate::diff::Diff> {
    let mut records = Records::open(data)?;
    let mut summary = Summary::new(limit);
    loop {
        let chunk = records.next_chunk(1024)?;
        if chunk.is_empty() {
            return Ok(summary.finish());
        }
        let pairs: Vec<Pair> = chunk
            .par_iter()
            .map(|record| Pair::evaluate(old, new, record, as_of))
            .collect();
        for pair in pairs {
            summary.add(pair);
        }
    }
}

/// A path as it is, or `REVISION:path` checked out of git into a temporary folder (made with a
/// name no one can guess, and removed when it is dropped).
fn materialize(spec: &str, temporary: &mut Vec<tempfile::TempDir>) -> Result<PathBuf, String> {
    if Path::new(spec).exists() {
        return Ok(PathBuf::from(spec));
    }
    let Some((revision, path)) = spec.split_once(':') else {
        return Err(format!(
            "{spec}: no such file or folder (a git revision is written REVISION:path)"
        ));
    };
    let git = |args: &[&str]| -> Result<String, String> {
        let output = Command::new("git")
            .args(args)
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout)
                .trim_end()
                .to_string())
        } else {
            Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
        }
    };
    git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        &format!("{revision}^{{commit}}"),
    ])
    .map_err(|_| format!("{spec}: `{revision}` is not a git revision here"))?;
    let top = git(&["rev-parse", "--show-toplevel"])?;
    let prefix = git(&["rev-parse", "--show-prefix"])?;
    let full = format!(
        "{prefix}{}",
        path.trim_start_matches("./").trim_end_matches('/')
    );
    let files = git(&[
        "-C",
        &top,
        "ls-tree",
        "-r",
        "--name-only",
        revision,
        "--",
        &full,
    ])?;
    if files.is_empty() {
        return Err(format!("{spec}: nothing at `{full}` in {revision}"));
    }
    let checkout = tempfile::Builder::new()
        .prefix("tally-diff-")
        .tempdir()
        .map_err(|e| format!("cannot make a temporary folder: {e}"))?;
    let dir = checkout.path().to_path_buf();
    temporary.push(checkout);
    for file in files.lines() {
        let content = Command::new("git")
            .args(["-C", &top, "show", &format!("{revision}:{file}")])
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        let target = dir.join(file);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&target, content.stdout).map_err(|e| e.to_string())?;
    }
    Ok(dir.join(full))
}

fn cleanup(temporary: &mut Vec<tempfile::TempDir>) {
    temporary.clear();
}
