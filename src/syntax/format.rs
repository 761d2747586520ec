//! `tally fmt`: one canonical layout for rule files.
//!
//! The formatter keeps the author's line breaks and comments and canonicalizes everything
//! else: indentation (two spaces a level, from the structure), the spaces between tokens, blank
//! lines (at most one in a row, none at the edges of a block) and the columns of tables. It
//! only ever changes whitespace, so it cannot change what the rules mean; `tokens` lets a
//! test check exactly that.

use crate::syntax::grammar::ITEM_WORDS;

/// A token of a rule file, as the formatter sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token {
    Word(String),
    Number(String),
    Text(String),
    Punct(&'static str),
    Comment(String),
}

const PUNCTUATION: [&str; 20] = [
    "<=", ">=", "!=", "=", "<", ">", "+", "-", "*", "/", "(", ")", "[", "]", "{", "}", ",", ".",
    ":", "|",
];

/// Words after which a `-` is a sign, not a subtraction.
const KEYWORDS: [&str; 12] = [
    "and", "or", "not", "in", "where", "if", "then", "else", "case", "when", "let", "expect",
];

/// The tokens of one line; `None` when the line holds something the formatter does not know
/// (it then leaves the file alone).
fn tokenize(line: &str) -> Option<Vec<Token>> {
    tokenize_or_where(line).ok()
}

/// The tokens of one line, or the byte in it that the formatter does not know.
fn tokenize_or_where(line: &str) -> Result<Vec<Token>, usize> {
    let mut tokens = Vec::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b' ' || c == b'\t' || c == b'\r' {
            i += 1;
        } else if c == b'#' {
            tokens.push(Token::Comment(line[i..].trim_end().to_string()));
            break;
        } else if c == b'"' {
            let start = i;
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(bytes.len());
            tokens.push(Token::Text(line[start..i].to_string()));
        } else if c.is_ascii_digit() {
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'.' | b'_' | b'%'))
            {
                i += 1;
            }
            // A date: 2025-02-01; a month: 2025-02.
            if i - start == 4 && line[i..].len() >= 6 && date_tail(&line[i..]) {
                i += 6;
            } else if i - start == 4 && month_tail(&line[i..]) {
                i += 3;
            }
            tokens.push(Token::Number(line[start..i].to_string()));
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            tokens.push(Token::Word(line[start..i].to_string()));
        } else if c == b'\\' {
            tokens.push(Token::Punct("\\"));
            i += 1;
        } else if let Some(blank) = line[i..].chars().next().filter(|ch| ch.is_whitespace()) {
            // Any Unicode space separates words, as in the grammar; it is written as a space.
            i += blank.len_utf8();
        } else {
            let p = PUNCTUATION
                .iter()
                .find(|p| line[i..].starts_with(**p))
                .ok_or(i)?;
            tokens.push(Token::Punct(p));
            i += p.len();
        }
    }
    Ok(tokens)
}

fn date_tail(rest: &str) -> bool {
    let b = rest.as_bytes();
    b.len() >= 6
        && b[0] == b'-'
        && b[1].is_ascii_digit()
        && b[2].is_ascii_digit()
        && b[3] == b'-'
        && b[4].is_ascii_digit()
        && b[5].is_ascii_digit()
}

/// `-MM` after four digits, not followed by more of a word or number: the rest of a month.
fn month_tail(rest: &str) -> bool {
    let b = rest.as_bytes();
    b.len() >= 3
        && b[0] == b'-'
        && b[1].is_ascii_digit()
        && b[2].is_ascii_digit()
        && b.get(3)
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.')))
}

/// Every token of a text, for checking that formatting changed no token.
pub fn tokens(text: &str) -> Vec<Token> {
    text.lines()
        .flat_map(|l| tokenize(l).unwrap_or_default())
        .collect()
}

fn ends_value(t: &Token) -> bool {
    match t {
        Token::Word(w) => !KEYWORDS.contains(&w.as_str()),
        Token::Number(_) | Token::Text(_) => true,
        Token::Punct(p) => matches!(*p, ")" | "]" | "}"),
        Token::Comment(_) => false,
    }
}

/// The tokens of a line with canonical spaces between them.
fn spaced(tokens: &[Token]) -> String {
    let mut out = String::new();
    for (i, t) in tokens.iter().enumerate() {
        let text = match t {
            Token::Word(s) | Token::Number(s) | Token::Text(s) | Token::Comment(s) => s.as_str(),
            Token::Punct(p) => p,
        };
        if i > 0 && space_between(&tokens[..i], t) {
            out.push(' ');
        }
        out.push_str(text);
    }
    out
}

fn space_between(before: &[Token], next: &Token) -> bool {
    let prev = &before[before.len() - 1];
    // A `-` that starts a value: after an operator or bracket, or after the words a signed
    // number follows (`at least -5`, `default -3`), where no blank may split it.
    let unary_minus = |i: usize| {
        matches!(before.get(i), Some(Token::Punct("-")))
            && i.checked_sub(1).and_then(|j| before.get(j)).is_none_or(|t| {
                !ends_value(t) || matches!(t, Token::Word(w) if matches!(w.as_str(), "least" | "most" | "default"))
            })
    };
    match (prev, next) {
        (_, Token::Comment(_)) => true,
        (Token::Punct("(" | "[" | "."), _) => false,
        (_, Token::Punct(")" | "]" | "," | "." | ":")) => false,
        (Token::Word(_) | Token::Punct(")" | "]"), Token::Punct("(")) => {
            matches!(prev, Token::Word(w) if KEYWORDS.contains(&w.as_str()))
        }
        (p, Token::Punct("[")) if ends_value(p) && !matches!(p, Token::Punct("}")) => false,
        (Token::Punct("-"), _) if unary_minus(before.len() - 1) => false,
        (Token::Punct("{"), Token::Punct("}")) => false,
        _ => true,
    }
}

/// Words that begin a statement inside a block; any other line inside a block continues the
/// statement before it, unless it is a field (`name: ...`) or a table row.
const STATEMENTS: [&str; 12] = [
    "source",
    "assumption",
    "path",
    "threshold",
    "max",
    "category",
    "subcategory",
    "points",
    "require",
    "data",
    "expect",
    "date",
];
/// Words and marks that, at the start of a line, continue the expression of the line before.
const CONTINUERS: [&str; 20] = [
    "and", "or", "where", "then", "else", "when", "in", "+", "-", "*", "/", "=", "!=", "<", "<=",
    ">", ">=", "not", ".", "case",
];

/// A clause that the lines after it indent under: `where` (then `and`/`or`) and `case` (then
/// `when`/`else`).
#[derive(Clone, Copy, PartialEq)]
enum Clause {
    Where(usize),
    Case(usize),
}

/// An open `{`, `(` or `[`, and the level its contents are indented to.
#[derive(Clone, Copy)]
struct Open {
    block: bool,
    level: usize,
}

/// Whether two texts parse to the same tree, blanks and comments aside: what formatting must
/// keep. Both must parse.
pub fn same_parse(a: &str, b: &str) -> bool {
    use pest::Parser;
    let shape = |text: &str| {
        crate::syntax::grammar::TallyParser::parse(crate::syntax::grammar::Rule::file, text)
            .ok()
            .map(|pairs| {
                pairs
                    .flatten()
                    .map(|p| {
                        (
                            p.as_rule(),
                            p.as_str().split_whitespace().collect::<String>(),
                        )
                    })
                    .collect::<Vec<_>>()
            })
    };
    matches!((shape(a), shape(b)), (Some(x), Some(y)) if x == y)
}

/// Formats a rule file. Returns `None` when a line holds something the formatter does not
/// know, so that the file is left as it is.
pub fn format(text: &str) -> Option<String> {
    format_or_why(text).ok()
}

/// Why a file cannot be formatted: the byte of the file the formatter does not know, and what
/// to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unformattable {
    pub offset: usize,
    pub message: String,
    pub help: String,
}

/// Formats a rule file, or says where and why it cannot. The JSON of `data { }` is kept byte
/// for byte: it is the test's input, and a space the formatter would drop (a no-break space
/// between JSON tokens, which JSON refuses) could make a failing test pass.
pub fn format_or_why(text: &str) -> Result<String, Unformattable> {
    const MARK: &str = "\u{0}tally-data-";
    let ranges = data_ranges(text);
    if ranges.is_empty() {
        return layout(text);
    }
    if let Some(offset) = text.find(MARK) {
        return Err(Unformattable {
            offset,
            message: "the file holds a NUL character".into(),
            help: "remove the NUL character; rule files are text".into(),
        });
    }
    // Each JSON object stands in the layout as a text token, then comes back as it was.
    let mut masked = String::with_capacity(text.len());
    // Where each stand-in starts in the masked text, and its length.
    let mut shifts: Vec<(usize, usize)> = Vec::new();
    let mut last = 0;
    for (i, range) in ranges.iter().enumerate() {
        masked.push_str(&text[last..range.start]);
        let token = format!("\"{MARK}{i}\u{0}\"");
        shifts.push((masked.len(), token.len()));
        masked.push_str(&token);
        last = range.end;
    }
    masked.push_str(&text[last..]);
    let formatted = layout(&masked).map_err(|mut why| {
        // Back to an offset in the file as written: the stand-ins before it are as long as
        // their JSON again (the formatter knows every character of a stand-in).
        let before = shifts
            .iter()
            .zip(&ranges)
            .filter(|((at, _), _)| *at < why.offset);
        why.offset = before.fold(why.offset, |offset, ((_, len), range)| {
            offset - len + range.len()
        });
        why
    })?;
    let mut out = formatted;
    for (i, range) in ranges.iter().enumerate() {
        out = out.replacen(&format!("\"{MARK}{i}\u{0}\""), &text[range.clone()], 1);
    }
    Ok(out)
}

/// The byte ranges of the JSON objects written in `data { }`.
fn data_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    use pest::Parser;
    let Ok(pairs) =
        crate::syntax::grammar::TallyParser::parse(crate::syntax::grammar::Rule::file, text)
    else {
        return Vec::new();
    };
    pairs
        .flatten()
        .filter(|p| p.as_rule() == crate::syntax::grammar::Rule::test_data)
        .filter_map(|p| {
            p.into_inner()
                .find(|inner| inner.as_rule() == crate::syntax::grammar::Rule::json_object)
        })
        .map(|json| json.as_span().start()..json.as_span().end())
        .collect()
}

/// The canonical layout of a rule file (see the module's comment).
fn layout(text: &str) -> Result<String, Unformattable> {
    let mut lines: Vec<Vec<Token>> = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let tokens = tokenize_or_where(line.trim_end_matches(['\n', '\r'])).map_err(|at| {
            let c = line[at..].chars().next().unwrap_or(' ');
            Unformattable {
                offset: start + at,
                message: format!("the formatter does not know the character `{}` here", c.escape_default()),
                help: "rule files use letters, digits, the operators of the language, texts in quotes and comments; remove or quote this character".into(),
            }
        })?;
        lines.push(tokens);
        start += line.len();
    }
    let mut out: Vec<String> = Vec::new();
    let mut open: Vec<Open> = Vec::new();
    let mut clause: Option<Clause> = None;
    let mut previous_open = false; // the previous code line leaves an expression unfinished
    let mut first_in_block = false;
    // What the current statement of a block is: notes after a field or a `require` belong to it.
    let mut notes_attach = false;
    for tokens in &lines {
        if tokens.is_empty() {
            out.push(String::new());
            continue;
        }
        let first = first_text(&tokens[0]);
        let comment_only = matches!(tokens[0], Token::Comment(_));
        let closers = tokens
            .iter()
            .take_while(|t| matches!(t, Token::Punct(")" | "]" | "}")))
            .count();
        // The level of the line that opened what this line first closes, or the level inside.
        let base = match closers {
            0 => open.last().map_or(0, |o| o.level),
            n => open
                .len()
                .checked_sub(n)
                .and_then(|i| open.get(i))
                .map_or(0, |o| o.level.saturating_sub(1)),
        };
        let is_note = matches!(first, "source" | "assumption");
        let continues = !comment_only
            && closers == 0
            && match open.last() {
                None => !ITEM_WORDS.contains(&first),
                Some(o) if o.block => {
                    !first_in_block
                        && (previous_open
                            || (is_note && notes_attach)
                            || !(STATEMENTS.contains(&first)
                                || is_field_line(tokens)
                                || first == "|"))
                }
                Some(_) => previous_open || CONTINUERS.contains(&first),
            };
        if open.last().is_some_and(|o| o.block) && !continues && !comment_only && closers == 0 {
            notes_attach = is_field_line(tokens) || first == "require";
        }
        let level = if !continues && !comment_only {
            clause = None;
            base
        } else {
            let continued = base + 1;
            match (first, clause) {
                ("and" | "or", Some(Clause::Where(l))) => l + 1,
                ("when" | "else", Some(Clause::Case(l))) => l + 1,
                ("where", _) => {
                    clause = Some(Clause::Where(continued));
                    continued
                }
                ("case", _) => {
                    clause = Some(Clause::Case(continued));
                    continued
                }
                _ if comment_only => {
                    if open.last().is_none_or(|o| o.block) && !previous_open {
                        base
                    } else {
                        continued
                    }
                }
                _ => continued,
            }
        };
        out.push(format!("{}{}", "  ".repeat(level), spaced(tokens)));
        let mut opened_here = false;
        for t in tokens {
            match t {
                Token::Punct(p @ ("(" | "[" | "{")) => {
                    let level = if opened_here {
                        open.last().map_or(level + 1, |o| o.level)
                    } else {
                        level + 1
                    };
                    open.push(Open {
                        block: *p == "{",
                        level,
                    });
                    opened_here = true;
                }
                Token::Punct(")" | "]" | "}") => {
                    open.pop();
                }
                _ => {}
            }
        }
        if !comment_only {
            let last = tokens
                .iter()
                .rev()
                .find(|t| !matches!(t, Token::Comment(_)));
            previous_open = last.is_some_and(|t| {
                !ends_value(t) && !matches!(t, Token::Punct("{" | "(" | "[" | "|" | ","))
            });
            first_in_block = matches!(last, Some(Token::Punct("{")));
        }
    }
    Ok(finish(align_tables(out)))
}

fn first_text(token: &Token) -> &str {
    match token {
        Token::Word(w) => w,
        Token::Punct(p) => p,
        _ => "",
    }
}

/// `name: type` in an input or record, `name: value` in an output or record, `"key": value`
/// in JSON data.
fn is_field_line(tokens: &[Token]) -> bool {
    matches!(
        tokens,
        [Token::Word(_) | Token::Text(_), Token::Punct(":"), ..]
    )
}

/// Pads the cells of consecutive table rows to the same widths.
fn align_tables(lines: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].trim_start().starts_with('|') {
            out.push(lines[i].clone());
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && lines[i].trim_start().starts_with('|') {
            i += 1;
        }
        let rows: Vec<(String, Vec<String>)> = lines[start..i]
            .iter()
            .map(|l| {
                let indent = l[..l.len() - l.trim_start().len()].to_string();
                let cells = l
                    .trim()
                    .trim_matches('|')
                    .split('|')
                    .map(|c| c.trim().to_string())
                    .collect();
                (indent, cells)
            })
            .collect();
        let columns = rows.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                rows.iter()
                    .filter_map(|(_, cells)| cells.get(c))
                    .map(|s| s.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for (indent, cells) in rows {
            let padded: Vec<String> = cells
                .iter()
                .enumerate()
                .map(|(c, s)| format!("{s:<w$}", w = widths[c]))
                .collect();
            out.push(format!("{indent}| {} |", padded.join(" | ")));
        }
    }
    out
}

/// Blank lines: none at the start, none after `{` or before `}`, at most one in a row; one
/// newline at the end.
fn finish(lines: Vec<String>) -> String {
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        if line.is_empty() {
            let after_open = out.last().is_none_or(|l| l.is_empty() || l.ends_with('{'));
            let before_close = lines[i + 1..]
                .iter()
                .find(|l| !l.is_empty())
                .is_none_or(|l| l.trim_start().starts_with('}'));
            if after_open || before_close {
                continue;
            }
        }
        out.push(line.clone());
    }
    let mut text = out.join("\n");
    text.push('\n');
    text
}
