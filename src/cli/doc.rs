//! `tally doc`: the rule files as a document (Markdown or self-contained HTML).

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::render::Renderer;
use super::{OK, USAGE, default_rules, emit, load_rules};

#[derive(Args, Debug)]
pub struct DocArgs {
    /// Rule files or folders of them
    #[arg(default_value = "rules")]
    rules: Vec<PathBuf>,
    /// Markdown, or a single HTML file with no outside resources
    #[arg(long, short, value_enum, default_value_t = DocFormat::Markdown)]
    format: DocFormat,
    /// Write to this file instead of standard output
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Only the versions in force on this day, YYYY-MM-DD (without it: every version with its date)
    #[arg(long, value_name = "DATE", value_parser = crate::stamp::parse_date)]
    as_of: Option<chrono::NaiveDate>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DocFormat {
    Markdown,
    Html,
}

pub fn run(args: DocArgs) -> u8 {
    let renderer = Renderer::for_stderr();
    let (program, _) = match load_rules(&default_rules(args.rules), &renderer) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let document = crate::doc::document_as_of(&program, args.as_of);
    let text = match args.format {
        DocFormat::Markdown => document.markdown(),
        DocFormat::Html => document.html(),
    };
    match args.output {
        Some(path) => match std::fs::write(&path, text) {
            Ok(()) => OK,
            Err(e) => {
                eprintln!("tally doc: cannot write {}: {e}", path.display());
                USAGE
            }
        },
        None => {
            emit(&text);
            OK
        }
    }
}
