//! Integration tests: one binary, a module per stage.

mod bad_data;
mod check;
mod cli;
mod dated;
mod diagnostics;
mod diff;
mod doc;
mod explain;
mod fmt;
mod nesting;
mod partners;
mod readme;
mod rules;
mod scenarios;
mod stamp;
mod support;
mod testing;
