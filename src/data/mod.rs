//! Data: reading input records (partners, scenarios) from JSON, checked against the shape
//! that the rules declare.

mod cross_check;
mod deserialize;
pub mod locate;
mod number;
pub mod read;

use std::fmt;

/// One step of a path into a JSON document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Field(String),
    Index(usize),
    Key(String),
}

/// A field path as people write it: `customers[3].acr["2024-13"]`.
pub fn path_text(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Field(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
            Step::Key(k) => out.push_str(&format!(
                "[{}]",
                serde_json::to_string(k).unwrap_or_default()
            )),
        }
    }
    out
}

/// What is wrong with one value of the data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub path: Vec<Step>,
    pub message: String,
    pub help: Option<String>,
    /// The error is about the key at `path` (an unknown field), not its value.
    pub at_key: bool,
    /// Line and column in the record's text, when known.
    pub position: Option<(usize, usize)>,
    /// Byte offset in the record's text, when known.
    pub offset: Option<usize>,
}

impl FieldError {
    pub fn new(path: Vec<Step>, message: impl Into<String>) -> FieldError {
        FieldError {
            path,
            message: message.into(),
            help: None,
            at_key: false,
            position: None,
            offset: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> FieldError {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = path_text(&self.path);
        if path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{path}: {}", self.message)
        }
    }
}

/// Where a record came from: a file, or a line of a JSON Lines file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    /// 1-based line of the record in a JSON Lines file.
    pub line: Option<usize>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}", self.file),
            None => f.write_str(&self.file),
        }
    }
}

/// A record that could not be read: every problem found in it.
#[derive(Clone, Debug)]
pub struct BadRecord {
    pub origin: Origin,
    /// The record's identifier, when it could be read.
    pub id: Option<String>,
    pub errors: Vec<FieldError>,
}
