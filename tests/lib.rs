//! Integration tests: one binary, a module per stage.

mod bad_data;
mod check;
mod checker;
mod cli;
mod codes;
mod dated;
mod diagnostics;
mod diff;
mod doc;
mod explain;
mod fmt;
mod lsp;
mod mistakes;
mod nesting;
mod partners;
mod readme;
mod rules;
mod scenarios;
mod serve;
mod service;
mod stamp;
mod support;
mod testing;
