//! `tally fmt`: rewrites rule files in the canonical layout, or with `--check` lists the files
//! that are not, with a diff.

use std::path::PathBuf;

use clap::Args;

use super::render::Renderer;
use super::{FAILED, OK, USAGE, default_rules, emit};
use crate::diagnostic::Diags;
use crate::load::rule_files;
use crate::source::{SourceMap, display_path};
use crate::syntax::format::{format, same_parse};

#[derive(Args, Debug)]
pub struct FmtArgs {
    /// Rule files or folders of them
    #[arg(default_value = "rules")]
    paths: Vec<PathBuf>,
    /// Change nothing; list the files that are not formatted, with a diff, and exit 1
    #[arg(long)]
    check: bool,
}

pub fn run(args: FmtArgs) -> u8 {
    let renderer = Renderer::for_stderr();
    let mut diags = Diags::default();
    let files = rule_files(&default_rules(args.paths), &mut diags);
    if diags.has_errors() {
        let sources = SourceMap::default();
        for d in &diags.0 {
            eprint!("{}", renderer.diag(d, &sources));
        }
        return USAGE;
    }
    let mut unformatted = 0;
    let mut broken = 0;
    for path in files {
        let name = display_path(&path);
        let text = match crate::source::read_text(&path) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("tally fmt: {name}: {e}");
                broken += 1;
                continue;
            }
        };
        // Only files that parse are formatted: a layout for a broken file could mislead.
        let mut sources = SourceMap::default();
        let id = sources.add(&path, text.clone());
        let mut parse_diags = Diags::default();
        crate::syntax::parse::parse_file(id, &text, &mut parse_diags);
        if parse_diags.has_errors() {
            for d in parse_diags.sorted() {
                eprint!("{}", renderer.diag(&d, &sources));
            }
            eprintln!("tally fmt: {name} has syntax errors; it was not formatted");
            broken += 1;
            continue;
        }
        let Some(formatted) = format(&text) else {
            eprintln!("tally fmt: {name}: cannot format this file");
            broken += 1;
            continue;
        };
        if formatted == text {
            continue;
        }
        // A layout must not change what the file says; refuse rather than write one that does.
        if !same_parse(&text, &formatted) {
            eprintln!(
                "tally fmt: {name}: the new layout would not read the same; the file was left as it is (this is a bug in tally fmt)"
            );
            broken += 1;
            continue;
        }
        unformatted += 1;
        if args.check {
            let diff = similar::TextDiff::from_lines(&text, &formatted);
            emit(&format!(
                "{name} is not formatted:\n{}",
                diff.unified_diff()
                    .header(&name, &format!("{name} (formatted)"))
            ));
        } else if let Err(e) = std::fs::write(&path, formatted) {
            eprintln!("tally fmt: {name}: {e}");
            broken += 1;
        } else {
            emit(&format!("formatted {name}\n"));
        }
    }
    if broken > 0 {
        USAGE
    } else if args.check && unformatted > 0 {
        eprintln!(
            "tally fmt: {unformatted} file{} not formatted; run `tally fmt` to format",
            if unformatted == 1 { " is" } else { "s are" }
        );
        FAILED
    } else {
        OK
    }
}
