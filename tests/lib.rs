//! Integration tests: one binary, a module per stage.

mod bad_data;
mod budget;
mod check;
mod cli;
mod confinement;
mod data_folders;
mod diagnostics;
mod diff;
mod doc;
mod explain;
mod fmt;
mod nesting;
mod output;
mod partners;
mod readme;
mod rules;
mod scenarios;
mod support;
mod testing;
