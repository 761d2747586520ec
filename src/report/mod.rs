//! Reports: outcomes as the data contract's JSON and as tables for people; diagnostics for machines.

pub mod document;
pub mod findings;
pub mod json;
pub mod rule_text;
pub mod table;
