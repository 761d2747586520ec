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
}

impl Document {
    pub fn new(title: impl Into<String>) -> Document {
        Document {
            title: title.into(),
            blocks: Vec::new(),
        }
    }

    pub fn push(&mut self, block: Block) {
        self.blocks.push(block);
    }

    pub fn markdown(&self) -> String {
        let mut out = format!("# {}\n", self.title);
        for block in &self.blocks {
            markdown_block(&mut out, block);
        }
        out
    }

    pub fn html(&self) -> String {
        let mut out = String::new();
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n",
            escape(&self.title),
            escape(&self.title)
        );
        for block in &self.blocks {
            html_block(&mut out, block);
        }
        out.push_str("</main>\n</body>\n</html>\n");
        out
    }
}

fn markdown_block(out: &mut String, block: &Block) {
    match block {
        Block::Heading(level, text) => {
            let _ = write!(out, "\n{} {text}\n", "#".repeat(*level as usize));
        }
        Block::Paragraph(text) => {
            let _ = write!(out, "\n{text}\n");
        }
        Block::Table(header, rows) => {
            let cell = |c: &str| c.replace('|', "\\|").replace('\n', "<br>");
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
            let _ = write!(out, "\n```tally\n{}\n```\n", text.trim_end());
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

fn html_block(out: &mut String, block: &Block) {
    match block {
        Block::Heading(level, text) => {
            let level = (*level).clamp(2, 6);
            let _ = writeln!(out, "<h{level}>{}</h{level}>", inline(text));
        }
        Block::Paragraph(text) => {
            let _ = writeln!(out, "<p>{}</p>", inline(text));
        }
        Block::Table(header, rows) => {
            out.push_str("<table>\n<thead><tr>");
            for h in header {
                let _ = write!(out, "<th>{}</th>", inline(h));
            }
            out.push_str("</tr></thead>\n<tbody>\n");
            for row in rows {
                out.push_str("<tr>");
                for c in row {
                    let _ = write!(out, "<td>{}</td>", inline(c).replace('\n', "<br>"));
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</tbody>\n</table>\n");
        }
        Block::List(items) => {
            out.push_str("<ul>\n");
            for item in items {
                let _ = writeln!(out, "<li>{}</li>", inline(item));
            }
            out.push_str("</ul>\n");
        }
        Block::Code(text) => {
            let _ = writeln!(out, "<pre><code>{}</code></pre>", escape(text.trim_end()));
        }
        Block::Details(summary, blocks) => {
            let _ = writeln!(out, "<details><summary>{}</summary>", inline(summary));
            for b in blocks {
                html_block(out, b);
            }
            out.push_str("</details>\n");
        }
    }
}

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Escapes text and turns `code` spans and **bold** into HTML.
fn inline(text: &str) -> String {
    let escaped = escape(text);
    let mut out = String::with_capacity(escaped.len());
    let mut code = false;
    for (i, part) in escaped.split('`').enumerate() {
        if i > 0 {
            out.push_str(if code { "</code>" } else { "<code>" });
            code = !code;
        }
        if code {
            out.push_str(part);
        } else {
            let mut bold = false;
            for (j, piece) in part.split("**").enumerate() {
                if j > 0 {
                    out.push_str(if bold { "</strong>" } else { "<strong>" });
                    bold = !bold;
                }
                out.push_str(piece);
            }
            if bold {
                out.push_str("</strong>");
            }
        }
    }
    if code {
        out.push_str("</code>");
    }
    out
}

/// Readable on screen and on paper, with no fonts or scripts from the network.
const STYLE: &str = "
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; line-height: 1.45; color: #1b1f23; margin: 0; background: #fff; }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem 2rem 3rem; }
h1 { font-size: 1.7rem; border-bottom: 2px solid #1b1f23; padding-bottom: .3rem; }
h2 { font-size: 1.35rem; margin-top: 2.2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; }
h3 { font-size: 1.1rem; margin-top: 1.6rem; }
table { border-collapse: collapse; width: 100%; margin: .8rem 0; font-size: .92rem; }
th, td { border: 1px solid #d0d7de; padding: .35rem .55rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f3f5f7; }
tbody tr:nth-child(even) { background: #fafbfc; }
code, pre { font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace; font-size: .88em; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; padding: .7rem; overflow-x: auto; white-space: pre-wrap; }
details { margin: .5rem 0; }
summary { cursor: pointer; font-weight: 600; }
@media print {
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  table, pre { break-inside: avoid; }
  details::details-content { content-visibility: visible; display: block; height: auto; }
  summary { list-style: none; }
}
";
