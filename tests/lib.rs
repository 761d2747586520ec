//! Integration tests: one binary, a module per stage.

mod bad_data;
mod budget;
mod check;
mod checker;
mod cli;
mod codes;
mod confinement;
mod data_folders;
mod diagnostics;
mod diff;
mod doc;
mod explain;
mod fmt;
mod lsp;
mod nesting;
mod numbers;
mod output;
mod partners;
mod readme;
mod rules;
mod scenarios;
mod service;
mod stamp;
mod support;
mod testing;
