//! Parsing: rule-file text -> pest parse tree -> AST.
//!
//! One function per grammar rule turns pest pairs into AST nodes, copying each pair's span.
//! A syntax error does not end the parse: the rest of the file is read item by item, so one
//! load reports every item with a mistake.

mod designation;
mod expr;
mod items;
mod mistakes;

use pest::Parser;
use pest::iterators::Pair;
use rayon::prelude::*;

use crate::diagnostic::{Code, Diag, Diags};
use crate::source::{FileId, Span};
use crate::syntax::ast;
use crate::syntax::grammar::{ITEM_WORDS, Rule, TallyParser, describe};

/// Parses one rule file. Syntax errors go to `diags`; the items that parse are kept.
pub fn parse_file(id: FileId, text: &str, diags: &mut Diags) -> ast::File {
    let (file, found) = parse_one(id, text);
    diags.extend(found.0);
    file
}

/// Parses rule files, several at a time, each with the problems found in it.
pub fn parse_files(files: &[(FileId, &str)]) -> Vec<(ast::File, Diags)> {
    files
        .par_iter()
        .map(|&(id, text)| parse_one(id, text))
        .collect()
}

/// Parses one file on a stack big enough for it: this thread's, one grown for it, or a
/// thread of its own.
///
/// pest descends once per level of nesting, and tally builds it without its stack probe (a
/// probe on every rule it enters cost a fifth of all parse time). Running out of stack is made
/// impossible instead: a text cannot nest deeper than [`nesting_bound`] levels, and it is
/// parsed on a stack with room for that many. Stacks are reserved, not used, so a generous
/// size costs address space only.
fn parse_one(id: FileId, text: &str) -> (ast::File, Diags) {
    let parse = || {
        let mut diags = Diags::default();
        let file = parse_here(id, text, &mut diags);
        (file, diags)
    };
    let need = stack_for(text);
    if stacker::remaining_stack().is_some_and(|left| left >= need) {
        return parse();
    }
    if need <= GROWN_STACK_MAX {
        // A stack of that size for this parse, on this thread: far cheaper than a thread.
        return stacker::grow(need, parse);
    }
    on_own_thread(need, parse).unwrap_or_else(|reason| {
        let mut diags = Diags::default();
        diags.push(not_read(Span::new(id, 0, 0), reason));
        let file = ast::File {
            id,
            items: Vec::new(),
            unparsed: Vec::new(),
        };
        (file, diags)
    })
}

/// Stack one level of nesting takes at most: pest's rules, the Pratt parser and the
/// conversion to the AST, with room to spare. Unoptimised builds use far bigger frames.
const STACK_PER_LEVEL: usize = if cfg!(debug_assertions) {
    16 * 1024
} else {
    2 * 1024
};

/// The largest stack grown on the current thread; a text that needs more (hundreds of KB of
/// rule text) gets a thread of its own, whose failure to start is reported, not a panic.
const GROWN_STACK_MAX: usize = 256 * 1024 * 1024;

/// Stack for everything that is not nesting: the parse of one item, the conversion, errors.
const BASE_STACK: usize = 2 * 1024 * 1024;

/// The most levels of nesting `text` can hold. A level opens with a bracket, a `-`, or a
/// word and a space at least (`if `, `all x in `, `list of `, `not `), so it takes one byte
/// of those characters or three of any others.
fn nesting_bound(text: &str) -> usize {
    let openers = text
        .bytes()
        .filter(|b| matches!(b, b'(' | b'[' | b'{' | b'-'))
        .count();
    openers + (text.len() - openers) / 3
}

/// The stack needed to parse `text`.
fn stack_for(text: &str) -> usize {
    BASE_STACK.saturating_add(nesting_bound(text).saturating_mul(STACK_PER_LEVEL))
}

/// Runs `work` on a thread of its own with `stack` bytes of stack; the reason if the thread
/// cannot start.
fn on_own_thread<T: Send>(stack: usize, work: impl FnOnce() -> T + Send) -> Result<T, String> {
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("tally-parse".into())
            .stack_size(stack)
            .spawn_scoped(scope, work)
            .map_err(|e| {
                format!(
                    "cannot start a thread with {} MB of stack to parse it: {e}",
                    stack >> 20
                )
            })?;
        Ok(handle
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    })
}

/// Parses a file on the current thread, which must have the stack [`stack_for`] asks for it.
fn parse_here(id: FileId, text: &str, diags: &mut Diags) -> ast::File {
    let mut cx = Converter::new(id, diags);
    match TallyParser::parse(Rule::file, text) {
        Ok(mut pairs) => {
            let file = pairs.next().expect("the file rule always yields one pair");
            let mut items = Vec::new();
            let mut unparsed = Vec::new();
            for pair in file.into_inner().filter(|p| p.as_rule() != Rule::EOI) {
                let text = pair.as_str();
                match items::item(&mut cx, pair) {
                    Some(item) => items.push(item),
                    // Reported already; its name is kept so that its uses are not reported too.
                    None => unparsed.extend(declared_name(text)),
                }
            }
            ast::File {
                id,
                items,
                unparsed,
            }
        }
        Err(error) => {
            let (items, unparsed) = recover(&mut cx, text, error);
            ast::File {
                id,
                items,
                unparsed,
            }
        }
    }
}

/// A text that could not be parsed because no thread could be started for it.
fn not_read(at: Span, reason: String) -> Diag {
    Diag::error(Code::Unparsed, at, "this text was not read")
        .label(reason)
        .help("split it into smaller files, or free some memory")
}

/// What the conversion functions share: the file and where problems go.
pub(crate) struct Converter<'d> {
    pub file: FileId,
    pub diags: &'d mut Diags,
    /// How many expressions the one being converted is inside.
    pub depth: usize,
    /// Where the parsed text starts in the file: an item parsed alone after a syntax error.
    pub offset: usize,
}

impl<'d> Converter<'d> {
    fn new(file: FileId, diags: &'d mut Diags) -> Converter<'d> {
        Converter {
            file,
            diags,
            depth: 0,
            offset: 0,
        }
    }

    pub fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let span = pair.as_span();
        Span::new(
            self.file,
            self.offset + span.start(),
            self.offset + span.end(),
        )
    }
}

/// Parses `text` as `rule` again with pest's error detail on, which lists the punctuation
/// it expected as well as the rules; only done after an error, as it costs time.
fn detailed_error(rule: Rule, text: &str) -> Option<pest::error::Error<Rule>> {
    pest::set_error_detail(true);
    let result = TallyParser::parse(rule, text).err();
    pest::set_error_detail(false);
    result
}

/// After a syntax error, parse the file again one item at a time, starting each item at a line
/// that begins with a declaration keyword. Returns the items that parse and the names the
/// others declare.
fn recover(
    cx: &mut Converter<'_>,
    text: &str,
    first: pest::error::Error<Rule>,
) -> (Vec<ast::Item>, Vec<String>) {
    let first = detailed_error(Rule::file, text).unwrap_or(first);
    let starts = item_starts(text);
    let mut items = Vec::new();
    let mut unparsed = Vec::new();
    let mut reported = false;
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        let chunk = &text[start..end];
        // pest's positions are in the chunk; spans are moved to where it is in the file.
        cx.offset = start;
        match TallyParser::parse(Rule::single_item, chunk) {
            Ok(mut pairs) => {
                let single = pairs.next().expect("single_item yields one pair");
                if let Some(pair) = single.into_inner().find(|p| p.as_rule() != Rule::EOI) {
                    let text = pair.as_str();
                    match items::item(cx, pair) {
                        Some(item) => items.push(item),
                        None => unparsed.extend(declared_name(text)),
                    }
                }
            }
            Err(error) => {
                let error = detailed_error(Rule::single_item, chunk).unwrap_or(error);
                cx.diags
                    .push(syntax_error_in(cx.file, text, start..end, error));
                reported = true;
                unparsed.extend(declared_name(chunk));
            }
        }
    }
    cx.offset = 0;
    if starts
        .first()
        .is_none_or(|&s| !text[..s].trim().is_empty() && !only_comments(&text[..s]))
        || !reported
    {
        cx.diags.push(syntax_error(cx.file, text, first));
    }
    (items, unparsed)
}

/// The name an item declares (`let name ...`, `table name ...`), read from its text.
fn declared_name(item: &str) -> Option<String> {
    // A designation is named by a quoted text; it is kept with its quotes.
    if let Some(rest) = item.strip_prefix("designation") {
        let rest = rest.trim_start().strip_prefix('"')?;
        return Some(format!("\"{}\"", &rest[..rest.find(['"', '\n'])?]));
    }
    let rest = item.split_whitespace().nth(1)?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty() && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
        .then_some(name)
}

fn only_comments(text: &str) -> bool {
    text.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#')
    })
}

fn item_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let word: String = trimmed
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        // `Let` starts a declaration too, so that its mistake is its own.
        if ITEM_WORDS.iter().any(|w| w.eq_ignore_ascii_case(&word)) {
            starts.push(offset + indent);
        }
        offset += line.len();
    }
    starts
}

/// A pest error as a diagnostic: "expected X, found Y" at the exact place.
fn syntax_error(file: FileId, text: &str, error: pest::error::Error<Rule>) -> Diag {
    syntax_error_in(file, text, 0..text.len(), error)
}

/// As [`syntax_error`], for an error found in `text[parsed]`, parsed alone.
fn syntax_error_in(
    file: FileId,
    text: &str,
    parsed: std::ops::Range<usize>,
    error: pest::error::Error<Rule>,
) -> Diag {
    use pest::error::{ErrorVariant, InputLocation};
    let pos = parsed.start
        + match error.location {
            InputLocation::Pos(p) => p,
            InputLocation::Span((s, _)) => s,
        };
    let cut_short = pos >= parsed.end && pos < text.len();
    let pos = if cut_short {
        pos + (text.len() - pos - text[pos..].trim_start().len())
    } else {
        pos
    };
    if let Some(diag) = mistakes::recognize(file, text, parsed.clone(), pos) {
        return diag;
    }
    let found = found_at(text, pos);
    let span = Span::new(file, pos, pos + found.len());
    let found_text = if found.is_empty() {
        "the end of the file".to_string()
    } else {
        format!("`{found}`")
    };
    let attempts = error.parse_attempts();
    match error.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let tokens = attempts.map(|a| a.expected_tokens()).unwrap_or_default();
            let punctuation: Vec<String> = tokens
                .into_iter()
                .map(|t| t.to_string())
                .filter(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_punctuation()))
                .collect();
            let expected = expected_list(&positives, &punctuation);
            if found == "subcategory" && positives.contains(&Rule::kw_category) {
                return Diag::error(
                    Code::Syntax,
                    span,
                    "a subcategory is written inside a category",
                )
                .label("not inside a category")
                .help("put it between the `{` and `}` of a `category \"Name\" max N { ... }`");
            }
            let mut diag = Diag::error(
                Code::Syntax,
                span,
                format!("expected {expected}, found {found_text}"),
            )
            .label(format!("expected {expected}"));
            let comma_missing = punctuation.iter().any(|p| p == ",")
                && !found.is_empty()
                && !matches!(found, ")" | "]" | "}" | "," | ":");
            let help = if comma_missing {
                Some(format!(
                    "a `,` may be missing before `{found}`: the entries of a list and the arguments of a call are separated by commas"
                ))
            } else if cut_short {
                Some("the declaration before this one is unfinished: a `{`, `(` or `[` may not be closed".to_string())
            } else {
                let after_equals = pos > 0 && text.as_bytes()[pos - 1] == b'=';
                syntax_help(
                    if after_equals && found == "=" {
                        "=="
                    } else {
                        found
                    },
                    &positives,
                )
            };
            if let Some(help) = help {
                diag = diag.help(help);
            }
            diag
        }
        ErrorVariant::CustomError { message } => Diag::error(Code::Syntax, span, message),
    }
}

/// The token at `pos`: a word, a quoted text, or one character.
fn found_at(text: &str, pos: usize) -> &str {
    let rest = &text[pos.min(text.len())..];
    let Some(first) = rest.chars().next() else {
        return "";
    };
    let len = if first.is_ascii_alphanumeric() || first == '_' {
        rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len())
    } else if first == '"' {
        rest[1..].find(['"', '\n']).map_or(rest.len(), |i| i + 2)
    } else if rest.starts_with("==")
        || rest.starts_with("!=")
        || rest.starts_with("<=")
        || rest.starts_with(">=")
    {
        2
    } else {
        first.len_utf8()
    };
    &rest[..len.min(rest.len())]
}

fn is_operator(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::where_op
            | Rule::kw_where
            | Rule::or
            | Rule::kw_or
            | Rule::and
            | Rule::kw_and
            | Rule::not_in
            | Rule::in_op
            | Rule::kw_in
            | Rule::eq
            | Rule::ne
            | Rule::lt
            | Rule::le
            | Rule::gt
            | Rule::ge
            | Rule::add
            | Rule::sub
            | Rule::mul
            | Rule::div
            | Rule::field_access
            | Rule::index
    )
}

fn expected_list(positives: &[Rule], punctuation: &[String]) -> String {
    let wants_expression = positives
        .iter()
        .any(|r| matches!(r, Rule::expr | Rule::body_expr | Rule::postfix_expr));
    let wants_operator = positives.iter().any(|r| is_operator(*r));
    // Closing and separating marks say most; opening ones are part of "an expression".
    let quoted: Vec<String> = punctuation
        .iter()
        .filter(|p| match p.as_str() {
            "," | "]" | ")" | "}" | ":" | "|" => true,
            "{" | "(" | "[" => !wants_expression && !wants_operator,
            "=" => !wants_operator,
            _ => false,
        })
        .map(|p| format!("`{p}`"))
        .collect();
    let mut words: Vec<&str> = quoted.iter().map(String::as_str).collect();
    let mut operator = false;
    for &rule in positives {
        if is_operator(rule) || (rule == Rule::kw_not && operator) {
            operator = true;
            continue;
        }
        if wants_expression && matches!(rule, Rule::neg | Rule::not | Rule::kw_not) {
            continue;
        }
        let word = describe(rule);
        if !words.contains(&word) {
            words.push(word);
        }
    }
    if operator {
        words.push("an operator");
    }
    match words.len() {
        0 => "something else".to_string(),
        1 => words[0].to_string(),
        n => format!("{} or {}", words[..n - 1].join(", "), words[n - 1]),
    }
}

/// Whether `word` is a word of the language, as the grammar's `keyword` rule says.
fn is_keyword(word: &str) -> bool {
    TallyParser::parse(Rule::keyword, word).is_ok_and(|p| p.as_str() == word)
}

/// A hint for the mistakes people make most.
fn syntax_help(found: &str, positives: &[Rule]) -> Option<String> {
    if let Some(help) = mistakes::misspelt_keyword(found) {
        return Some(help);
    }
    if positives.contains(&Rule::kw_then) {
        return Some("an `if` is written `if condition then value else other`".into());
    }
    if positives.contains(&Rule::kw_else) {
        return Some("an `if` needs an `else`: `if condition then value else other`".into());
    }
    if found == "&" || found == "|" {
        return Some("write `and` or `or`".into());
    }
    if found == "==" {
        return Some("tally compares with a single `=`".into());
    }
    if found.is_empty() && positives.iter().any(|r| !is_operator(*r)) {
        return Some(
            "a `{`, `(` or `[` may not be closed, or the last declaration is unfinished".into(),
        );
    }
    if positives.contains(&Rule::ident) && is_keyword(found) {
        return Some(format!(
            "`{found}` is a word of the language; choose another name"
        ));
    }
    if found.starts_with('\'') {
        return Some("texts are written in double quotes: \"like this\"".into());
    }
    if found == "," && positives.iter().any(|r| is_operator(*r)) {
        return Some("write numbers without thousands separators (1000000 or 1_000_000)".into());
    }
    if positives.contains(&Rule::annotation) || positives.iter().any(|r| is_operator(*r)) {
        return Some(
            "each declaration starts on its own line with `let`, `table`, `designation`, ...; \
                     `source \"...\"` and `assumption \"...\"` may follow it"
                .into(),
        );
    }
    None
}
