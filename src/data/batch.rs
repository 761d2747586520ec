//! Where records come from: a JSON file, a folder of them, a JSON Lines file, or standard
//! input. Records are handed out in chunks, so a batch of any size is read with bounded memory.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use super::Origin;
use crate::source::display_path;

/// The text of one record and where it came from.
#[derive(Debug, Clone)]
pub struct RawRecord {
    pub origin: Origin,
    pub text: String,
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
                let mut text = String::new();
                loop {
                    text.clear();
                    if reader.read_line(&mut text)? == 0 {
                        break;
                    }
                    *line += 1;
                    if !text.trim().is_empty() {
                        let origin = Origin {
                            file: file.clone(),
                            line: Some(*line),
                        };
                        return Ok(Some(RawRecord { origin, text }));
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
            let text = std::fs::read_to_string(&path)
                .map_err(|e| io::Error::new(e.kind(), format!("{name}: {e}")))?;
            return Ok(Some(RawRecord {
                origin: Origin {
                    file: name,
                    line: None,
                },
                text,
            }));
        }
    }

    /// Standard input is JSON Lines when its first line is a whole JSON value; otherwise it is
    /// one JSON document.
    fn open_stdin(&mut self) -> io::Result<Option<RawRecord>> {
        let mut reader = BufReader::with_capacity(1 << 20, io::stdin());
        let mut first = String::new();
        let mut skipped = 0;
        loop {
            first.clear();
            if reader.read_line(&mut first)? == 0 {
                return Ok(None);
            }
            skipped += 1;
            if !first.trim().is_empty() {
                break;
            }
        }
        if serde_json::from_str::<serde::de::IgnoredAny>(&first).is_ok() {
            self.current = Current::Lines {
                reader: Box::new(reader),
                file: "<stdin>".into(),
                line: skipped,
            };
            let origin = Origin {
                file: "<stdin>".into(),
                line: Some(skipped),
            };
            return Ok(Some(RawRecord {
                origin,
                text: first,
            }));
        }
        let mut text = "\n".repeat(skipped - 1);
        text.push_str(&first);
        reader.read_to_string(&mut text)?;
        Ok(Some(RawRecord {
            origin: Origin {
                file: "<stdin>".into(),
                line: None,
            },
            text,
        }))
    }
}

fn is_data_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e == "json" || e == "jsonl" || e == "ndjson")
}
