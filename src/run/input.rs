//! Where records come from: a JSON file, a folder of them, a JSON Lines file, or standard
//! input. Records are handed out in chunks, so a batch of any size is read with bounded memory.
//!
//! A folder is read whole, sub-folders too, in name order: every entry is either read or
//! reported with its path. An entry that cannot be read (no permission, a FIFO, a device, a
//! link that leads nowhere or out of the folder, a record over [`MAX_RECORD`]) becomes a bad
//! record of its own, so it fails alone and the others are evaluated; files whose names are
//! not data files (`README.md`) are listed in [`Records::skipped`].

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
    /// Why the entry could not be read at all (`text` is then empty).
    pub unreadable: Option<String>,
}

/// The largest record read (a JSON file, or a line of JSON Lines): far above any partner (one
/// with 10,000 customers is about 5 MB), and a bound on the memory one record can take.
pub const MAX_RECORD: u64 = 256 << 20;

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
                unreadable: None,
            },
            Err(e) => RawRecord {
                origin,
                not_utf8_at: Some(e.utf8_error().valid_up_to()),
                text: String::from_utf8_lossy(e.as_bytes()).into_owned(),
                unreadable: None,
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

    /// An entry that could not be read, and why.
    pub fn unreadable(origin: Origin, why: impl Into<String>) -> RawRecord {
        RawRecord {
            origin,
            text: String::new(),
            not_utf8_at: None,
            unreadable: Some(why.into()),
        }
    }

    /// Why the record cannot be read at all: an entry that cannot be read, or text that is not
    /// UTF-8.
    pub fn encoding_error(&self) -> Option<FieldError> {
        if let Some(why) = &self.unreadable {
            return Some(
                FieldError::new(Vec::new(), format!("cannot read this entry: {why}"))
                    .help("--data reads regular files (*.json, *.jsonl) and folders of them"),
            );
        }
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

/// An entry of the data to read, or one that is reported instead.
enum Entry {
    File(PathBuf),
    Bad(PathBuf, String),
}

/// Reads records from the paths given to `--data`.
pub struct Records {
    pending: VecDeque<Entry>,
    current: Current,
    stdin: bool,
    /// Files of a folder that are not data files by their names, which are not read.
    pub skipped: Vec<PathBuf>,
}

impl Records {
    /// `-` is standard input (JSON Lines, or one JSON document); a folder holds `*.json` and
    /// `*.jsonl` files, read in name order.
    pub fn open(path: &Path) -> io::Result<Records> {
        let mut records = Records {
            pending: VecDeque::new(),
            current: Current::None,
            stdin: false,
            skipped: Vec::new(),
        };
        if path == Path::new("-") {
            records.stdin = true;
        } else if path.is_dir() {
            let root = path
                .canonicalize()
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
            let entries = list(path)
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
            records.folder(entries, &root);
            if records.pending.is_empty() {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("{}: no *.json or *.jsonl files", path.display()),
                ));
            }
        } else if path.is_file() {
            records.pending.push_back(Entry::File(path.to_path_buf()));
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

    /// Queues the entries of a folder, depth first in name order: data files to read, and
    /// what cannot be read, to be reported in its place.
    fn folder(&mut self, entries: Vec<(PathBuf, Option<std::fs::FileType>)>, root: &Path) {
        for (path, kind) in entries {
            let link = kind.is_none_or(|k| k.is_symlink());
            let bad = |why: &str| Entry::Bad(path.clone(), why.to_string());
            if link {
                match path.canonicalize() {
                    Err(_) => {
                        self.pending.push_back(bad("a link that leads nowhere"));
                        continue;
                    }
                    Ok(target) if !target.starts_with(root) => {
                        self.pending
                            .push_back(bad("a link to a place outside the folder; not followed"));
                        continue;
                    }
                    Ok(_) => {}
                }
            }
            // What the entry is, through a link inside the folder.
            let Ok(meta) = std::fs::metadata(&path) else {
                self.pending.push_back(bad("cannot look at it"));
                continue;
            };
            if meta.is_dir() {
                match list(&path) {
                    // A link back to a folder above would list it forever.
                    Ok(_) if link => self
                        .pending
                        .push_back(bad("a link to a folder; not followed")),
                    Ok(inner) => self.folder(inner, root),
                    Err(e) => self
                        .pending
                        .push_back(Entry::Bad(path.clone(), format!("cannot list it: {e}"))),
                }
            } else if !meta.is_file() {
                self.pending
                    .push_back(bad("not a regular file (a FIFO, socket or device)"));
            } else if is_data_file(&path) {
                self.pending.push_back(Entry::File(path));
            } else {
                self.skipped.push(path);
            }
        }
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
                    let read = (&mut *reader)
                        .take(MAX_RECORD + 1)
                        .read_until(b'\n', &mut bytes);
                    let origin = |line: usize| Origin {
                        file: file.clone(),
                        line: Some(line),
                    };
                    match read {
                        Ok(0) => break,
                        Ok(_) => {}
                        Err(e) => {
                            *line += 1;
                            let record = RawRecord::unreadable(origin(*line), e.to_string());
                            self.current = Current::None;
                            return Ok(Some(record));
                        }
                    }
                    *line += 1;
                    if bytes.len() as u64 > MAX_RECORD {
                        let record = RawRecord::unreadable(origin(*line), too_large());
                        skip_line(&mut **reader)?;
                        return Ok(Some(record));
                    }
                    if !blank(&bytes) {
                        return Ok(Some(RawRecord::new(origin(*line), bytes)));
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
            let path = match self.pending.pop_front() {
                None => return Ok(None),
                Some(Entry::File(path)) => path,
                Some(Entry::Bad(path, why)) => {
                    let origin = Origin {
                        file: display_path(&path),
                        line: None,
                    };
                    return Ok(Some(RawRecord::unreadable(origin, why)));
                }
            };
            let name = display_path(&path);
            let origin = Origin {
                file: name.clone(),
                line: None,
            };
            let file = match open_regular(&path) {
                Ok(file) => file,
                Err(e) => return Ok(Some(RawRecord::unreadable(origin, e.to_string()))),
            };
            if path
                .extension()
                .is_some_and(|e| e == "jsonl" || e == "ndjson")
            {
                let reader = Box::new(BufReader::with_capacity(1 << 20, file));
                self.current = Current::Lines {
                    reader,
                    file: name,
                    line: 0,
                };
                continue;
            }
            let mut bytes = Vec::new();
            return Ok(Some(
                match file.take(MAX_RECORD + 1).read_to_end(&mut bytes) {
                    Ok(_) if bytes.len() as u64 > MAX_RECORD => {
                        RawRecord::unreadable(origin, too_large())
                    }
                    Ok(_) => RawRecord::new(origin, bytes),
                    Err(e) => RawRecord::unreadable(origin, e.to_string()),
                },
            ));
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
            if (&mut reader)
                .take(MAX_RECORD + 1)
                .read_until(b'\n', &mut first)?
                == 0
            {
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
        reader.take(MAX_RECORD + 1).read_to_end(&mut bytes)?;
        let origin = Origin {
            file: "<stdin>".into(),
            line: None,
        };
        if bytes.len() as u64 > MAX_RECORD {
            return Ok(Some(RawRecord::unreadable(origin, too_large())));
        }
        Ok(Some(RawRecord::new(origin, bytes)))
    }
}

/// The entries of a folder, in name order, with what the listing says each is.
fn list(dir: &Path) -> io::Result<Vec<(PathBuf, Option<std::fs::FileType>)>> {
    let mut entries: Vec<(PathBuf, Option<std::fs::FileType>)> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| (e.path(), e.file_type().ok())))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(entries)
}

/// A file opened for reading, if it is a regular file: a FIFO would block the open, and a
/// device would never end.
fn open_regular(path: &Path) -> io::Result<File> {
    let not_a_file = || {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file (a FIFO, socket or device)",
        )
    };
    if !std::fs::metadata(path)?.is_file() {
        return Err(not_a_file());
    }
    let file = File::open(path)?;
    if !file.metadata()?.is_file() {
        return Err(not_a_file());
    }
    Ok(file)
}

/// Reads to the end of the line, keeping nothing.
fn skip_line(reader: &mut dyn BufRead) -> io::Result<()> {
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            return Ok(());
        }
        match buffer.iter().position(|b| *b == b'\n') {
            Some(at) => {
                reader.consume(at + 1);
                return Ok(());
            }
            None => {
                let all = buffer.len();
                reader.consume(all);
            }
        }
    }
}

fn too_large() -> String {
    format!(
        "the record is larger than {} MB, more than any record tally reads",
        MAX_RECORD >> 20
    )
}

/// A line with nothing but whitespace, which JSON Lines allows between records.
fn blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

fn is_data_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e == "json" || e == "jsonl" || e == "ndjson")
}
