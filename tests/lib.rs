//! Integration tests: one binary, a module per stage.

mod bad_data;
mod cli;
mod diagnostics;
mod partners;
mod rules;
mod scenarios;
mod support;
