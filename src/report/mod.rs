//! Reports: outcomes as the data contract's JSON, and as tables for people.

pub mod json;
pub mod table;
