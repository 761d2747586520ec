//! A small document model for reports meant to be read (`tally doc`, `tally explain`), with
//! two renderings: Markdown, and a single self-contained HTML file that reads well in a
//! browser and in print.

use std::fmt::Write;

#[derive(Debug, Clone)]
pub enum Block {
    Heading(u8, String),
    Paragraph(String),
    /// A header row and rows of cells.
    Table(Vec<String>, Vec<Vec<String>>),
    List(Vec<String>),
    /// Rule text, shown as written.
    Code(String),
    /// Details a reader may open: a summary line and the blocks inside.
    Details(String, Vec<Block>),
}

#[derive(Debug, Clone, Default)]
pub struct Document {
    pub title: String,
    pub blocks: Vec<Block>,
    /// Whether a table of contents (the second-level headings) follows the title.
    pub toc: bool,
}

impl Document {
    pub fn new(title: impl Into<String>) -> Document {
        Document {
            title: title.into(),
            blocks: Vec::new(),
            toc: false,
        }
    }

    pub fn push(&mut self, block: Block) {
        self.blocks.push(block);
    }

    /// The document as Markdown. Texts in blocks are Markdown already: whatever comes from
    /// rules or data went through [`text`] or [`code`].
    pub fn markdown(&self) -> String {
        let mut out = format!("# {}\n", text(&self.title));
        if self.toc {
            out.push_str(&self.contents());
        }
        for block in &self.blocks {
            markdown_block(&mut out, block);
        }
        out
    }

    /// The Markdown rendered as one self-contained HTML page (one renderer for both), each
    /// heading with an anchor for the table of contents.
    pub fn html(&self) -> String {
        use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
        let markdown = self.markdown();
        let mut events: Vec<Event<'_>> = Parser::new_ext(&markdown, Options::ENABLE_TABLES)
            .map(|event| match event {
                // Only the document's own `<details>` markup is HTML; anything else is text.
                Event::Html(html) if !is_own_markup(&html) => Event::Text(html),
                Event::InlineHtml(html) if &*html != "<br>" => Event::Text(html),
                other => other,
            })
            .collect();
        // Anchors are the slugs of the headings' texts, as GitHub makes them.
        let mut taken: Vec<String> = Vec::new();
        for i in 0..events.len() {
            if !matches!(events[i], Event::Start(Tag::Heading { .. })) {
                continue;
            }
            let mut title = String::new();
            for e in &events[i + 1..] {
                match e {
                    Event::End(TagEnd::Heading(_)) => break,
                    Event::Text(t) | Event::Code(t) => title.push_str(t),
                    _ => {}
                }
            }
            let base = slug_of_plain(&title);
            let n = taken.iter().filter(|t| **t == base).count();
            taken.push(base.clone());
            let id = if n == 0 { base } else { format!("{base}-{n}") };
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
                *slot = Some(CowStr::from(id));
            }
        }
        let mut body = String::new();
        pulldown_cmark::html::push_html(&mut body, events.into_iter());
        let mut out = String::new();
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
            escape(&self.title)
        );
        out.push_str(&body);
        out.push_str("</main>\n</body>\n</html>\n");
        out
    }
}

impl Document {
    /// The second-level headings as links, with the anchors GitHub and [`Document::html`] give
    /// them (a repeated heading gets `-1`, `-2`).
    fn contents(&self) -> String {
        let mut taken: Vec<String> = vec![slug(&text(&self.title)), slug("Contents")];
        let mut out = String::from("\n## Contents\n\n");
        for block in &self.blocks {
            let Block::Heading(level, title) = block else {
                continue;
            };
            let base = slug(title);
            let n = taken.iter().filter(|t| **t == base).count();
            taken.push(base.clone());
            if *level == 2 {
                let anchor = if n == 0 { base } else { format!("{base}-{n}") };
                let _ = writeln!(out, "- [{title}](#{anchor})");
            }
        }
        out
    }
}

/// A heading's anchor as GitHub makes it, from the heading in Markdown: the text without
/// markup, lower case, spaces as hyphens, punctuation dropped.
pub fn slug(markdown: &str) -> String {
    let mut plain = String::new();
    let mut chars = markdown.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => plain.extend(chars.next()),
            '`' | '*' => {}
            c => plain.push(c),
        }
    }
    slug_of_plain(&plain)
}

fn slug_of_plain(plain: &str) -> String {
    plain
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn is_own_markup(html: &str) -> bool {
    let html = html.trim_start();
    html.starts_with("<details>") || html.starts_with("</details>")
}

/// Text from rules or data, made safe to place in Markdown: every character that Markdown or
/// HTML could read as markup is escaped, so `<img onerror=...>` and `[x](javascript:...)` stay
/// text, and a line break cannot start a heading or a list.
pub fn text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for (i, c) in raw.chars().enumerate() {
        match c {
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '~' | '#' | '!' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '-' | '+' | '=' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Rule text as an inline code span, whatever backticks it holds.
pub fn code(raw: &str) -> String {
    let raw: String = raw
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut longest = 0;
    let mut run = 0;
    for c in raw.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if raw.starts_with('`') || raw.ends_with('`') || longest > 0 {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{raw}{pad}{fence}")
}

fn markdown_block(out: &mut String, block: &Block) {
    match block {
        Block::Heading(level, text) => {
            let _ = write!(
                out,
                "\n{} {text}\n",
                "#".repeat((*level).clamp(1, 6) as usize)
            );
        }
        Block::Paragraph(text) => {
            let _ = write!(out, "\n{text}\n");
        }
        Block::Table(header, rows) => {
            let _ = write!(
                out,
                "\n| {} |\n|{}\n",
                header
                    .iter()
                    .map(|h| cell(h))
                    .collect::<Vec<_>>()
                    .join(" | "),
                "---|".repeat(header.len())
            );
            for row in rows {
                let _ = writeln!(
                    out,
                    "| {} |",
                    row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
                );
            }
        }
        Block::List(items) => {
            out.push('\n');
            for item in items {
                let _ = writeln!(out, "- {item}");
            }
        }
        Block::Code(text) => {
            let fence = if text.contains("```") { "~~~~" } else { "```" };
            let _ = write!(out, "\n{fence}tally\n{}\n{fence}\n", text.trim_end());
        }
        Block::Details(summary, blocks) => {
            let _ = write!(out, "\n<details><summary>{}</summary>\n", escape(summary));
            for b in blocks {
                markdown_block(out, b);
            }
            out.push_str("\n</details>\n");
        }
    }
}

/// A table cell: one line, and every `|` escaped (also inside code, as tables require).
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut escaped = false;
    for c in text.chars() {
        match c {
            '|' if !escaped => out.push_str("\\|"),
            '\n' => out.push(' '),
            c => out.push(c),
        }
        escaped = c == '\\' && !escaped;
    }
    out
}

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Readable on screen and on paper, with no fonts or scripts from the network.
const STYLE: &str = "
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; line-height: 1.45; color: #1b1f23; margin: 0; background: #fff; }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem 2rem 3rem; box-sizing: border-box; }
p, li { overflow-wrap: break-word; }
h1 { font-size: 1.7rem; border-bottom: 2px solid #1b1f23; padding-bottom: .3rem; }
h2 { font-size: 1.35rem; margin-top: 2.2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; }
h3 { font-size: 1.1rem; margin-top: 1.6rem; }
table { border-collapse: collapse; width: 100%; margin: .8rem 0; font-size: .92rem; }
th, td { border: 1px solid #d0d7de; padding: .35rem .55rem; text-align: left; vertical-align: top; overflow-wrap: normal; word-break: normal; hyphens: manual; }
th { white-space: nowrap; }
code { overflow-wrap: anywhere; }
th { background: #f3f5f7; }
tbody tr:nth-child(even) { background: #fafbfc; }
code, pre { font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace; font-size: .88em; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; padding: .7rem; overflow-x: auto; white-space: pre-wrap; }
details { margin: .5rem 0; }
summary { cursor: pointer; font-weight: 600; }
@page { size: A4; margin: 15mm; }
@media print {
  main { max-width: none; padding: 0; }
  body { font-size: 10pt; }
  h2 { break-after: avoid; }
  table, pre { break-inside: avoid; }
  details::details-content { content-visibility: visible; display: block; height: auto; }
  summary { list-style: none; }
}
";
