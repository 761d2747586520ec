//! Reports: outcomes as the data contract's JSON and as tables for people; diagnostics for machines.

pub mod document;
pub mod findings;
pub mod json;
pub mod rule_text;
pub mod table;

use crate::data::Origin;
use crate::run::record::Outcome;

/// How results are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A breakdown for people.
    Table,
    /// The data contract's JSON, one line per record.
    Json,
}

impl Format {
    /// Whether the format shows the condition behind each value chosen by `if`.
    pub fn shows_reasons(self) -> bool {
        self == Format::Table
    }

    /// One record's outcome in this format, ending with a newline.
    pub fn print(self, outcome: &Outcome, origin: &Origin) -> String {
        let mut text = String::with_capacity(2048);
        match self {
            Format::Json => json::write_outcome(&mut text, outcome),
            Format::Table => table::write_outcome(&mut text, outcome, &origin.to_string()),
        }
        text.push('\n');
        text
    }
}
