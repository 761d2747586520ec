//! Syntax errors that people make most, recognized from the text around a parse error, so
//! that the error is at the mistake and says how to fix it: a text without its closing
//! quote, a block without its `{` or `}`, a date written 01/07/2026, a misspelt keyword.

use crate::diagnostic::{Code, Diag, suggest};
use crate::source::{FileId, Span};

/// The words that begin a declaration or a line of a block: a word close to one of them
/// that the parser did not expect is most likely it, misspelt.
const LINE_WORDS: [&str; 21] = [
    "import",
    "input",
    "record",
    "let",
    "table",
    "template",
    "designation",
    "output",
    "test",
    "category",
    "subcategory",
    "source",
    "assumption",
    "max",
    "points",
    "path",
    "threshold",
    "require",
    "expect",
    "data",
    "from",
];

/// Blocks whose header ends with `{`.
const BLOCK_WORDS: [&str; 7] = [
    "input",
    "record",
    "category",
    "subcategory",
    "template",
    "output",
    "test",
];

/// The mistake behind a syntax error found at `pos`, in the item at `text[item]`, if it is
/// one of those recognized.
pub(super) fn recognize(
    file: FileId,
    text: &str,
    item: std::ops::Range<usize>,
    pos: usize,
) -> Option<Diag> {
    unclosed_text(file, text, item.clone())
        .or_else(|| braces(file, text, item.clone()))
        .or_else(|| brackets(file, text, item.clone()))
        .or_else(|| slashed_date(file, text, pos))
        .or_else(|| thousands(file, text, pos))
        .or_else(|| capitalized(file, text, pos))
}

/// A line of the item with a `"` that is not closed on it.
fn unclosed_text(file: FileId, text: &str, item: std::ops::Range<usize>) -> Option<Diag> {
    let mut offset = item.start;
    for line in text[item].split_inclusive('\n') {
        let mut open: Option<usize> = None;
        let mut escaped = false;
        for (i, c) in line.char_indices() {
            match c {
                '#' if open.is_none() => break,
                '\\' if open.is_some() && !escaped => {
                    escaped = true;
                    continue;
                }
                '"' if !escaped => open = if open.is_some() { None } else { Some(i) },
                _ => {}
            }
            escaped = false;
        }
        if let Some(start) = open {
            let end = line.trim_end().len();
            if start + 1 == end && line[..start].contains(|c: char| c.is_alphanumeric()) {
                // `source seed: the rules"`: the quote that opens the text is missing.
                let words = line[..start].trim_start();
                let first = line.len() - line.trim_start().len();
                let after = words.split_whitespace().next().map_or(0, str::len);
                let from =
                    first + after + (words[after..].len() - words[after..].trim_start().len());
                return Some(
                    Diag::error(
                        Code::Syntax,
                        Span::new(file, offset + from, offset + end),
                        "this text has no opening `\"`",
                    )
                    .label("a `\"` ends the line, but none opens the text")
                    .help("put a `\"` where the text begins"),
                );
            }
            let shown = &line[start..end];
            return Some(
                Diag::error(
                    Code::Syntax,
                    Span::new(file, offset + start, offset + end),
                    format!("this text is not closed: `{shown}` has no closing `\"`"),
                )
                .label("the text starts here and runs to the end of the line")
                .help("add a `\"` where the text ends; a text is written on one line"),
            );
        }
        offset += line.len();
    }
    None
}

/// A block whose `{` is missing (a header line without it, and more `}` than `{`), or whose
/// `}` is missing (matched by indentation, as the rules are laid out by `tally fmt`).
fn braces(file: FileId, text: &str, item: std::ops::Range<usize>) -> Option<Diag> {
    let mut offset = item.start;
    let mut opens: Vec<(usize, usize, &str)> = Vec::new(); // (indent, offset of the line, line)
    let mut headers: Vec<(usize, String)> = Vec::new();
    let (mut open_count, mut close_count) = (0, 0);
    for line in text[item].split_inclusive('\n') {
        let code = code_of(line);
        let indent = line.len() - line.trim_start().len();
        let trimmed = code.trim();
        let word = trimmed.split_whitespace().next().unwrap_or_default();
        if BLOCK_WORDS.contains(&word) && !trimmed.contains('{') && !trimmed.contains('=') {
            headers.push((
                offset + indent,
                line[indent..indent + trimmed.len()].to_string(),
            ));
        }
        for c in code.chars() {
            match c {
                '{' => {
                    open_count += 1;
                    opens.push((indent, offset, line));
                }
                '}' => {
                    close_count += 1;
                    // Blocks opened deeper than this `}` were never closed.
                    while let Some(&(open_indent, at, opened)) = opens.last() {
                        opens.pop();
                        if open_indent <= indent || !trimmed.starts_with('}') {
                            break;
                        }
                        if close_count <= open_count {
                            return Some(unclosed_brace(file, at, opened));
                        }
                    }
                }
                _ => {}
            }
        }
        offset += line.len();
    }
    if close_count > open_count {
        let (at, header) = headers.first()?;
        let at = *at;
        let word = header.split_whitespace().next().unwrap_or_default();
        return Some(
            Diag::error(
                Code::Syntax,
                Span::new(file, at, at + header.len()),
                format!("`{header}` has no `{{`"),
            )
            .label("the `{` is missing at the end of this line")
            .help(format!(
                "write `{header} {{`: a {word}'s contents go between `{{` and `}}`"
            )),
        );
    }
    if open_count > close_count {
        let &(_, at, opened) = opens.last()?;
        return Some(unclosed_brace(file, at, opened));
    }
    None
}

fn unclosed_brace(file: FileId, at: usize, line: &str) -> Diag {
    let indent = line.len() - line.trim_start().len();
    let code = code_of(line);
    let header = &line[indent..indent + code.trim().len()];
    let word = header.split_whitespace().next().unwrap_or("block");
    Diag::error(
        Code::Syntax,
        Span::new(file, at + indent, at + indent + header.len()),
        format!("the `{{` of `{header}` is not closed"),
    )
    .label("opened here")
    .help(format!(
        "add a `}}` where the {word} ends, on its own line, indented as this line"
    ))
}

/// A `(` or `[` that is not closed in the item.
fn brackets(file: FileId, text: &str, item: std::ops::Range<usize>) -> Option<Diag> {
    let mut offset = item.start;
    let mut open: Vec<(usize, char)> = Vec::new();
    for line in text[item].split_inclusive('\n') {
        for (i, c) in code_of(line).char_indices() {
            match c {
                '(' | '[' => open.push((offset + i, c)),
                ')' | ']' => {
                    let want = if c == ')' { '(' } else { '[' };
                    match open.last() {
                        Some(&(_, o)) if o == want => {
                            open.pop();
                        }
                        // A closing bracket of the other kind: the open one is not closed.
                        Some(&(at, o)) => return Some(unclosed_bracket(file, at, o)),
                        None => return None,
                    }
                }
                _ => {}
            }
        }
        offset += line.len();
    }
    let &(at, o) = open.first()?;
    Some(unclosed_bracket(file, at, o))
}

fn unclosed_bracket(file: FileId, at: usize, open: char) -> Diag {
    let close = if open == '(' { ')' } else { ']' };
    Diag::error(
        Code::Syntax,
        Span::new(file, at, at + 1),
        format!("this `{open}` is not closed"),
    )
    .label("opened here")
    .help(format!(
        "add a `{close}` after the last {}",
        if open == '(' {
            "argument"
        } else {
            "entry of the list"
        }
    ))
}

/// A number written with a thousands separator: `1,000`.
fn thousands(file: FileId, text: &str, pos: usize) -> Option<Diag> {
    if !text[pos.min(text.len())..].starts_with(',') {
        return None;
    }
    let before = &text[..pos];
    let digits = before.len()
        - before
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == ',' || c == '_')
            .len();
    let after = &text[pos..];
    let len = after
        .find(|c: char| !(c.is_ascii_digit() || c == ','))
        .unwrap_or(after.len());
    let groups_ok = after[..len].split(',').skip(1).all(|g| g.len() == 3);
    if digits == 0 || len < 4 || !groups_ok {
        return None;
    }
    let number = &text[pos - digits..pos + len];
    let plain = number.replace(',', "");
    Some(
        Diag::error(
            Code::Syntax,
            Span::new(file, pos - digits, pos + len),
            format!("`{number}` is written with a thousands separator"),
        )
        .label("a `,` separates values")
        .help(format!(
            "write `{plain}`, or `{}` to group the digits",
            number.replace(',', "_")
        )),
    )
}

/// A line without its comment, with texts blanked so that their braces do not count.
fn code_of(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_text = false;
    let mut escaped = false;
    for c in line.chars() {
        if in_text {
            match c {
                '\\' if !escaped => {
                    escaped = true;
                    out.push(' ');
                    continue;
                }
                '"' if !escaped => in_text = false,
                _ => {}
            }
            escaped = false;
            // Blanked byte for byte, so that offsets into the line stay the same.
            if c == '"' {
                out.push('"');
            } else {
                out.extend(std::iter::repeat_n(' ', c.len_utf8()));
            }
            continue;
        }
        match c {
            '#' => break,
            '"' => in_text = true,
            _ => {}
        }
        out.push(c);
    }
    out.trim_end_matches('\n').to_string()
}

/// A date written with slashes, `01/07/2026`, where tally reads YYYY-MM-DD.
fn slashed_date(file: FileId, text: &str, pos: usize) -> Option<Diag> {
    let rest = &text[pos.min(text.len())..];
    let len = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '/'))
        .unwrap_or(rest.len());
    let parts: Vec<&str> = rest[..len].split('/').collect();
    let [a, b, year] = parts.as_slice() else {
        return None;
    };
    if year.len() != 4 || a.is_empty() || b.is_empty() || a.len() > 2 || b.len() > 2 {
        return None;
    }
    let (a, b): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
    let day_first = format!("{year}-{b:02}-{a:02}");
    let month_first = format!("{year}-{a:02}-{b:02}");
    let help = if a > 12 || a == b {
        format!("write `{day_first}`")
    } else if b > 12 {
        format!("write `{month_first}`")
    } else {
        format!(
            "write `{day_first}` for day {a} of month {b}, or `{month_first}` for day {b} of month {a}"
        )
    };
    Some(
        Diag::error(
            Code::Syntax,
            Span::new(file, pos, pos + len),
            format!(
                "`{}` is not a date tally reads: dates are written YYYY-MM-DD",
                &rest[..len]
            ),
        )
        .label("not YYYY-MM-DD")
        .help(help),
    )
}

/// A word of the language written with a capital: `Let`.
fn capitalized(file: FileId, text: &str, pos: usize) -> Option<Diag> {
    let rest = &text[pos.min(text.len())..];
    let word = &rest[..rest
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len())];
    let keyword = LINE_WORDS
        .iter()
        .find(|w| w.eq_ignore_ascii_case(word) && **w != word)?;
    Some(
        Diag::error(
            Code::Syntax,
            Span::new(file, pos, pos + word.len()),
            format!("`{word}` is written `{keyword}`"),
        )
        .label("not a word of the language")
        .help(format!(
            "write `{keyword}`: the words of the language are in lower case"
        )),
    )
}

/// "did you mean `source`?" for a word found where the parser expected something else.
pub(super) fn misspelt_keyword(found: &str) -> Option<String> {
    if found.is_empty() || !found.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    if LINE_WORDS.contains(&found) {
        return None;
    }
    if let Some(word) = LINE_WORDS.iter().find(|w| w.eq_ignore_ascii_case(found)) {
        return Some(format!(
            "did you mean `{word}`? words of the language are written in lower case"
        ));
    }
    suggest(found, LINE_WORDS).map(|word| format!("did you mean `{word}`?"))
}
