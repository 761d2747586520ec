//! `tally lsp`: the language server, on standard input and output.

use super::{FAILED, OK};

pub fn run() -> u8 {
    match crate::lsp::serve_stdio() {
        Ok(()) => OK,
        Err(e) => {
            eprintln!("tally lsp: {e}");
            FAILED
        }
    }
}
