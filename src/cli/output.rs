//! The one path every write to standard output and standard error takes.
//!
//! - A reader that has gone away (`tally check | head -c 1`) or a closed stream is not worth a
//!   panic: a failed write to standard output marks it closed and later writes are dropped
//!   (the commands that write a lot stop early), and a failed write to standard error is
//!   ignored. The exit code stays the command's own.
//! - Control characters that come from data or rules (a `partner_id` of
//!   `"\u001b[2J\u001b]0;x\u0007"`) are written escaped, as `\u{1b}`, so that nothing a record
//!   or a rule file holds can clear the screen, retitle the terminal or rewrite a line. Line
//!   breaks and tabs stay; so do the colour codes of diagnostics, when colours are on.
//!
//! `cli/mod.rs` makes `print!`, `println!`, `eprint!` and `eprintln!` in every command come
//! here, so a new command cannot bypass it.

use std::borrow::Cow;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
/// Whether diagnostics on standard error are in colour (see `Renderer::for_stderr`).
static STDERR_COLOURS: AtomicBool = AtomicBool::new(false);

/// Writes `text` to standard output; false once standard output is closed.
pub fn out(text: &str) -> bool {
    if stdout_closed() {
        return false;
    }
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_all(printable(text, false).as_bytes())
        .and_then(|()| stdout.flush());
    if written.is_err() {
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
    }
    written.is_ok()
}

/// Writes `text` to standard error; a closed standard error is ignored.
pub fn err(text: &str) {
    let colours = STDERR_COLOURS.load(Ordering::Relaxed);
    let _ = std::io::stderr()
        .lock()
        .write_all(printable(text, colours).as_bytes());
}

/// Whether standard error is a terminal (a progress bar is worth drawing).
pub fn stderr_is_terminal() -> bool {
    std::io::IsTerminal::is_terminal(&std::io::stderr())
}

/// Where `eval`'s progress bar draws: standard error, at most 10 times a second. The bar is
/// the one writer that bypasses `err`: it writes cursor codes of its own (which `printable`
/// would escape) and nothing from data or rules, only counts.
pub fn progress_target() -> indicatif::ProgressDrawTarget {
    indicatif::ProgressDrawTarget::stderr_with_hz(10)
}

/// Whether a write to standard output has failed: its reader is gone.
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// Lets the colour codes of diagnostics through on standard error.
pub fn colours_on_stderr(on: bool) {
    STDERR_COLOURS.store(on, Ordering::Relaxed);
}

/// Standard output for commands that write much (`eval` over a batch): buffered, through the
/// same escaping.
pub struct Buffered {
    inner: std::io::BufWriter<std::io::StdoutLock<'static>>,
}

impl Buffered {
    pub fn new() -> Buffered {
        Buffered {
            inner: std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock()),
        }
    }

    /// Writes `text`; false once standard output is closed.
    pub fn write(&mut self, text: &str) -> bool {
        if stdout_closed() {
            return false;
        }
        let ok = self
            .inner
            .write_all(printable(text, false).as_bytes())
            .is_ok();
        if !ok {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
        }
        ok
    }

    pub fn flush(&mut self) -> bool {
        let ok = !stdout_closed() && self.inner.flush().is_ok();
        if !ok {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
        }
        ok
    }
}

impl Default for Buffered {
    fn default() -> Buffered {
        Buffered::new()
    }
}

impl Drop for Buffered {
    fn drop(&mut self) {
        // A failed flush at the end is the closed reader's; `into_inner` would not panic either.
        let _ = self.flush();
    }
}

/// `text` with its control characters escaped: all but line breaks and tabs, and, with
/// `colours`, the colour codes (`ESC [ ... m`) of diagnostics.
pub fn printable(text: &str, colours: bool) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if !unsafe_char(c) {
            out.push(c);
            continue;
        }
        if c == '\r' && chars.peek().is_some_and(|(_, next)| *next == '\n') {
            out.push(c);
            continue;
        }
        if colours && c == '\u{1b}' {
            if let Some(len) = colour_code(&text[at..]) {
                out.push_str(&text[at..at + len]);
                for _ in 1..text[at..at + len].chars().count() {
                    chars.next();
                }
                continue;
            }
        }
        out.extend(c.escape_unicode());
    }
    Cow::Owned(out)
}

/// The characters a terminal acts on rather than shows: C0 and C1 controls other than line
/// breaks and tabs, DEL, and the bidirectional overrides that make text read other than it is.
fn unsafe_char(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    }
}

/// The length of a colour code (`ESC [ digits and ; m`) at the start of `text`.
fn colour_code(text: &str) -> Option<usize> {
    let rest = text.strip_prefix("\u{1b}[")?;
    let len = rest
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b';')
        .count();
    (rest.as_bytes().get(len) == Some(&b'm')).then_some(2 + len + 1)
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn control_characters_are_escaped() {
        let id = "\u{1b}[2J\u{1b}]0;x\u{7}";
        assert_eq!(printable(id, false), "\\u{1b}[2J\\u{1b}]0;x\\u{7}");
        assert_eq!(printable("a\r\nb\tc\n", false), "a\r\nb\tc\n");
        assert_eq!(printable("a\rb", false), "a\\u{d}b");
        assert_eq!(printable("\u{202e}txt", false), "\\u{202e}txt");
        assert_eq!(printable("\u{85}", false), "\\u{85}");
        assert_eq!(printable("plain", false), "plain");
    }

    #[test]
    fn colour_codes_pass_only_when_colours_are_on() {
        let red = "\u{1b}[31;1mred\u{1b}[0m";
        assert_eq!(printable(red, true), red);
        assert_eq!(printable(red, false), "\\u{1b}[31;1mred\\u{1b}[0m");
        assert_eq!(printable("\u{1b}[2J", true), "\\u{1b}[2J");
    }
}
