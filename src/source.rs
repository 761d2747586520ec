//! Source text: the rule files of a load, and spans into them.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use miette::{NamedSource, SourceSpan};

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one source file. Spans are for messages: AST equality ignores them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }

    /// From the start of this span to the end of `last`, its last part: pest's span of a
    /// form that ends in a name also holds the blank after it.
    pub fn until(self, last: Span) -> Span {
        debug_assert_eq!(self.file, last.file);
        Span {
            end: last.end,
            ..self
        }
    }

    /// The smallest span that covers both.
    pub fn to(self, other: Span) -> Span {
        debug_assert_eq!(self.file, other.file);
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.end == self.start
    }

    pub fn source_span(self) -> SourceSpan {
        SourceSpan::from((self.start as usize, self.len()))
    }
}

/// One loaded file: the name it is shown with and its text.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub name: String,
    pub text: Arc<str>,
    /// Where each line starts, worked out when first needed (see [`Indexed`]).
    lines: OnceLock<Arc<[usize]>>,
}

impl SourceFile {
    /// The text for miette, with its lines indexed once for every diagnostic of the file.
    pub fn indexed(&self) -> Indexed {
        Indexed {
            text: self.text.clone(),
            lines: self.lines.get_or_init(|| line_starts(&self.text)).clone(),
        }
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        line_col(&self.text, offset as usize)
    }
}

/// The start of the character a byte offset falls in (clamped to the text): parsers that
/// count bytes, such as serde_json's columns, can point inside one.
pub fn char_start(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..char_start(text, offset)];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// All the files of a load, so that any span can be turned into a message.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
    /// The first file of each path: loading looks up every import by path, and a search of the
    /// list would make loading quadratic in the files.
    by_path: rustc_hash::FxHashMap<PathBuf, FileId>,
    /// The working directory, which names are shown relative to; looked up once.
    cwd: OnceLock<Option<PathBuf>>,
}

impl SourceMap {
    pub fn add(&mut self, path: &Path, text: String) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.files.push(SourceFile {
            path: path.to_path_buf(),
            name: shown_from(
                path,
                self.cwd
                    .get_or_init(|| std::env::current_dir().ok())
                    .as_deref(),
            ),
            text: Arc::from(text),
            lines: OnceLock::new(),
        });
        self.by_path.entry(path.to_path_buf()).or_insert(id);
        id
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.by_path.get(path).copied()
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn named_source(&self, id: FileId) -> NamedSource<Indexed> {
        let file = self.get(id);
        NamedSource::new(file.name.clone(), file.indexed())
    }

    /// The text a span covers.
    pub fn snippet(&self, span: Span) -> &str {
        &self.get(span.file).text[span.start as usize..span.end as usize]
    }
}

/// A rule file's text. A byte-order mark at the start, which some editors on Windows write,
/// is not part of it.
pub fn read_text(path: &Path) -> std::io::Result<String> {
    // A FIFO would block the open until someone writes to it, and a device never ends: only
    // regular files are read, and only up to a size no rule file comes near.
    use std::io::Read;
    let not_a_file = || std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file");
    if !std::fs::metadata(path)?.is_file() {
        return Err(not_a_file());
    }
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    if !file.metadata()?.is_file() {
        return Err(not_a_file());
    }
    if size > MAX_RULE_FILE {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "{} MB, more than the {} MB a rule file may have",
                size >> 20,
                MAX_RULE_FILE >> 20
            ),
        ));
    }
    let mut text = String::with_capacity(size as usize);
    file.take(MAX_RULE_FILE + 1).read_to_string(&mut text)?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// The largest rule file read: far above any rule set (all of `rules/` is 47 KB).
pub const MAX_RULE_FILE: u64 = 16 << 20;

/// A path as it is shown in messages: relative to the working directory when it can be.
pub fn display_path(path: &Path) -> String {
    shown_from(path, std::env::current_dir().ok().as_deref())
}

fn shown_from(path: &Path, cwd: Option<&Path>) -> String {
    let shown = cwd
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .unwrap_or(path);
    shown.to_string_lossy().replace('\\', "/")
}

/// The byte offset of the start of each line of `text`.
fn line_starts(text: &str) -> Arc<[usize]> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// A text for miette with the start of each line: miette finds the lines around a span by
/// scanning the text from its start, so 20,000 diagnostics of one file took quadratic time;
/// here the lines are found by a binary search and miette reads only those.
#[derive(Debug, Clone)]
pub struct Indexed {
    text: Arc<str>,
    lines: Arc<[usize]>,
}

impl Indexed {
    pub fn new(text: Arc<str>) -> Indexed {
        let lines = line_starts(&text);
        Indexed { text, lines }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The 0-based line an offset is on.
    fn line_of(&self, offset: usize) -> usize {
        self.lines
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }
}

impl miette::SourceCode for Indexed {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let start = span.offset().min(self.text.len());
        let end = (start + span.len()).min(self.text.len());
        let first = self.line_of(start).saturating_sub(before);
        let last = (self.line_of(end.saturating_sub(usize::from(end > start))) + after)
            .min(self.lines.len() - 1);
        let from = self.lines[first];
        let to = self.lines.get(last + 1).copied().unwrap_or(self.text.len());
        let slice: &'a str = &self.text[from..to];
        let local = SourceSpan::new((start - from).into(), end - start);
        let inner = slice.read_span(&local, before, after)?;
        Ok(Box::new(miette::MietteSpanContents::new(
            inner.data(),
            SourceSpan::new((inner.span().offset() + from).into(), inner.span().len()),
            inner.line() + first,
            inner.column(),
            inner.line_count(),
        )))
    }
}
