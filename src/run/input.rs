//! Where records come from: a JSON file, a folder of them, a JSON Lines file, or standard
//! input. Records are handed out in chunks, so a batch of any size is read with bounded memory.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::data::{FieldError, Origin};
use crate::source::display_path;

/// The text of one record and where it came from.
#[derive(Debug, Clone)]
pub struct RawRecord {
    pub origin: Origin,
    pub text: String,
    /// Where the bytes stop being UTF-8, if they do; `text` is then a lossy copy, and the
    /// record is reported as bad instead of read.
    pub not_utf8_at: Option<usize>,
}

impl RawRecord {
    /// A record from its bytes. A byte-order mark at the start is dropped: JSON allows a reader
    /// to ignore one, and editors on Windows write it.
    pub fn new(origin: Origin, mut bytes: Vec<u8>) -> RawRecord {
        if bytes.starts_with(b"\xEF\xBB\xBF") {
            bytes.drain(..3);
        }
        match String::from_utf8(bytes) {
            Ok(text) => RawRecord {
                origin,
                text,
                not_utf8_at: None,
            },
            Err(e) => RawRecord {
                origin,
                not_utf8_at: Some(e.utf8_error().valid_up_to()),
                text: String::from_utf8_lossy(e.as_bytes()).into_owned(),
            },
        }
    }

    /// The record's bytes as the decision log hashes them: a file's text, or a line of a JSON
    /// Lines file without its line ending.
    pub fn logged_bytes(&self) -> &[u8] {
        let text = match self.origin.line {
            Some(_) => self.text.trim_end_matches(['\n', '\r']),
            None => &self.text,
        };
        text.as_bytes()
    }

    /// Why the record cannot be read at all: text that is not UTF-8.
    pub fn encoding_error(&self) -> Option<FieldError> {
        let offset = self.not_utf8_at?;
        let mut error = FieldError::new(Vec::new(), "the text is not valid UTF-8")
            .help("save the file as UTF-8; JSON data must be UTF-8 text");
        error.position = Some(crate::data::locate::line_col(&self.text, offset));
        error.offset = Some(offset);
        Some(error)
    }
}

enum Current {
    None,
    Lines {
        reader: Box<dyn BufRead + Send>,
        file: String,
        line: usize,
    },
}

/// Reads records from the paths given to `--data`.
pub struct Records {
    pending: VecDeque<PathBuf>,
    current: Current,
    stdin: bool,
}

impl Records {
    /// `-` is standard input (JSON Lines, or one JSON document); a folder holds `*.json` and
    /// `*.jsonl` files, read in name order.
    pub fn open(path: &Path) -> io::Result<Records> {
        let mut records = Records {
            pending: VecDeque::new(),
            current: Current::None,
            stdin: false,
        };
        if path == Path::new("-") {
            records.stdin = true;
        } else if path.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(path)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && is_data_file(p))
                .collect();
            files.sort();
            if files.is_empty() {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("{}: no *.json or *.jsonl files", path.display()),
                ));
            }
            records.pending.extend(files);
        } else if path.is_file() {
            records.pending.push_back(path.to_path_buf());
        } else if path.exists() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{}: not a file or a folder", path.display()),
            ));
        } else {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("{}: no such file or folder", path.display()),
            ));
        }
        Ok(records)
    }

    /// Up to `max` records, or fewer at the end; empty when there are no more.
    pub fn next_chunk(&mut self, max: usize) -> io::Result<Vec<RawRecord>> {
        let mut chunk = Vec::new();
        while chunk.len() < max {
            match self.next_record()? {
                Some(record) => chunk.push(record),
                None => break,
            }
        }
        Ok(chunk)
    }

    fn next_record(&mut self) -> io::Result<Option<RawRecord>> {
        loop {
            if let Current::Lines { reader, file, line } = &mut self.current {
                let mut bytes = Vec::new();
                loop {
                    bytes.clear();
                    if reader.read_until(b'\n', &mut bytes)? == 0 {
                        break;
                    }
                    *line += 1;
                    if !blank(&bytes) {
                        let origin = Origin {
                            file: file.clone(),
                            line: Some(*line),
                        };
                        return Ok(Some(RawRecord::new(origin, bytes)));
                    }
                }
                self.current = Current::None;
            }
            if self.stdin {
                self.stdin = false;
                if let Some(record) = self.open_stdin()? {
                    return Ok(Some(record));
                }
                continue;
            }
            let Some(path) = self.pending.pop_front() else {
                return Ok(None);
            };
            let name = display_path(&path);
            if path
                .extension()
                .is_some_and(|e| e == "jsonl" || e == "ndjson")
            {
                let reader = Box::new(BufReader::with_capacity(1 << 20, File::open(&path)?));
                self.current = Current::Lines {
                    reader,
                    file: name,
                    line: 0,
                };
                continue;
            }
            let bytes = std::fs::read(&path)
                .map_err(|e| io::Error::new(e.kind(), format!("{name}: {e}")))?;
            let origin = Origin {
                file: name,
                line: None,
            };
            return Ok(Some(RawRecord::new(origin, bytes)));
        }
    }

    /// Standard input is JSON Lines when its first line is a whole JSON value; otherwise it is
    /// one JSON document.
    fn open_stdin(&mut self) -> io::Result<Option<RawRecord>> {
        let mut reader = BufReader::with_capacity(1 << 20, io::stdin());
        let mut first = Vec::new();
        let mut skipped = 0;
        loop {
            first.clear();
            if reader.read_until(b'\n', &mut first)? == 0 {
                return Ok(None);
            }
            skipped += 1;
            if !blank(&first) {
                break;
            }
        }
        let json = first.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&first);
        if serde_json::from_slice::<serde::de::IgnoredAny>(json).is_ok() {
            self.current = Current::Lines {
                reader: Box::new(reader),
                file: "<stdin>".into(),
                line: skipped,
            };
            let origin = Origin {
                file: "<stdin>".into(),
                line: Some(skipped),
            };
            return Ok(Some(RawRecord::new(origin, first)));
        }
        let mut bytes = vec![b'\n'; skipped - 1];
        bytes.append(&mut first);
        reader.read_to_end(&mut bytes)?;
        let origin = Origin {
            file: "<stdin>".into(),
            line: None,
        };
        Ok(Some(RawRecord::new(origin, bytes)))
    }
}

/// A line with nothing but whitespace, which JSON Lines allows between records.
fn blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

fn is_data_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e == "json" || e == "jsonl" || e == "ndjson")
}
