//! Syntax: the grammar, the syntax tree, the parser that builds it, and the formatter.
//!
//! Nothing here knows what a name means; that is the checker's work.

pub mod ast;
pub mod format;
pub mod grammar;
pub mod parse;
