//! Explanations as text (a tree), as a document (Markdown or HTML, details on demand) or JSON.

use std::fmt::Write;

use super::{DesignationExplained, Element, Explanation, Missing, Node};
use crate::report::document::{Block, Document};

/// How many elements of a list the text shows before it counts the rest.
const TEXT_ELEMENTS: usize = 12;

pub fn text(e: &Explanation) -> String {
    let mut out = String::new();
    let title = [e.id.as_deref(), e.name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("  ");
    let date = e
        .date
        .as_ref()
        .map(|d| format!("  (as of {d})"))
        .unwrap_or_default();
    let _ = writeln!(out, "{title}{date}");
    for d in &e.designations {
        designation_text(&mut out, d);
    }
    if !e.outputs.is_empty() {
        out.push('\n');
        for node in &e.outputs {
            node_text(&mut out, node, 1);
        }
    }
    let _ = writeln!(
        out,
        "\nas of {} · rules sha256:{} · tally {}",
        e.as_of, e.rules_digest, e.tally_version
    );
    out
}

fn verdict(d: &DesignationExplained) -> String {
    let max = d
        .max
        .as_ref()
        .map(|m| format!(" of {m}"))
        .unwrap_or_default();
    let needs = d
        .threshold
        .as_ref()
        .map(|t| format!(", needs {t}"))
        .unwrap_or_default();
    format!(
        "{}: {}{max}, {}{needs}",
        d.designation,
        d.total,
        if d.attained {
            "attained"
        } else {
            "not attained"
        }
    )
}

/// A summary first (path, points, what is missing), then how each subcategory was computed.
fn designation_text(out: &mut String, d: &DesignationExplained) {
    let _ = writeln!(out, "\n{}", verdict(d));
    if let Some(path) = &d.path {
        let why = path
            .elements
            .first()
            .map(|e| format!(", as {}", e.why))
            .unwrap_or_default();
        let _ = writeln!(out, "  path: {}{why}", path.value);
    }
    let width = d
        .subcategories
        .iter()
        .map(|s| s.category.chars().count() + s.name.chars().count() + 3)
        .max()
        .unwrap_or(0);
    for s in &d.subcategories {
        let label = format!("{} / {}", s.category, s.name);
        let source = s
            .source
            .as_ref()
            .map(|s| format!("  [{s}]"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {label:<width$}  {:>3} of {}{source}",
            s.points, s.max
        );
    }
    for line in &d.unmet {
        let _ = writeln!(out, "  missing: {line}");
    }
    if let Some(m) = &d.missing {
        missing_text(out, m);
    }
    for s in &d.subcategories {
        let _ = writeln!(out, "\n  {}: {} of {}", s.name, s.points, s.max);
        node_text(out, &s.rule, 2);
    }
    if let Some(path) = &d.path {
        let _ = writeln!(out, "\n  path: {}", path.value);
        node_text(out, path, 2);
    }
}

fn node_text(out: &mut String, node: &Node, depth: usize) {
    let indent = "  ".repeat(depth);
    let formula = node
        .formula
        .as_ref()
        .map(|f| format!("  = {f}"))
        .unwrap_or_default();
    let at = node
        .at
        .as_ref()
        .map(|a| format!("  ({a})"))
        .unwrap_or_default();
    let _ = writeln!(out, "{indent}{} = {}{formula}{at}", node.name, node.value);
    if node.see_above {
        let _ = writeln!(out, "{indent}  (explained above)");
        return;
    }
    for s in &node.sources {
        let _ = writeln!(out, "{indent}  source: {s}");
    }
    for a in &node.assumptions {
        let _ = writeln!(out, "{indent}  assumption: {a}");
    }
    let computed = node
        .computed
        .as_ref()
        .map(|c| format!("{indent}  = {c}\n"))
        .unwrap_or_default();
    out.push_str(&computed);
    for el in node.elements.iter().take(TEXT_ELEMENTS) {
        element_text(out, el, depth + 1);
    }
    if node.elements.len() > TEXT_ELEMENTS {
        let kept = node.elements.iter().filter(|e| e.kept).count();
        let tally = if kept < node.elements.len() {
            format!("{kept} of {} kept in all; ", node.elements.len())
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "{indent}  ... and {} more ({tally}--format html or markdown lists every one)",
            node.elements.len() - TEXT_ELEMENTS
        );
    }
    for child in &node.children {
        node_text(out, child, depth + 1);
    }
}

fn element_text(out: &mut String, el: &Element, depth: usize) {
    let indent = "  ".repeat(depth);
    let _ = writeln!(
        out,
        "{indent}{} {}: {}",
        if el.kept { "+" } else { "-" },
        el.element,
        el.why
    );
    for child in el.children.iter().take(TEXT_ELEMENTS) {
        element_text(out, child, depth + 1);
    }
}

fn missing_text(out: &mut String, m: &Missing) {
    if let Some(short) = &m.points_short {
        let _ = writeln!(out, "  {short} points short");
    }
    if !m.subcategories_at_zero.is_empty() {
        let _ = writeln!(out, "  at 0 points: {}", m.subcategories_at_zero.join(", "));
    }
    if !m.moves.is_empty() {
        let _ = writeln!(out, "  what would raise each subcategory:");
        for mv in &m.moves {
            let _ = writeln!(
                out,
                "    {}: {} {} -> {}: {}",
                mv.subcategory, mv.value, mv.from, mv.to, mv.gain
            );
        }
    }
    if !m.plan.is_empty() {
        let verdict = if m.plan_attains {
            "attains it"
        } else {
            "is the closest these changes come"
        };
        let _ = writeln!(
            out,
            "  the fewest such changes found that attain it ({verdict}):"
        );
        for mv in &m.plan {
            let _ = writeln!(
                out,
                "    {} {} -> {} ({} {})",
                mv.value, mv.from, mv.to, mv.gain, mv.subcategory
            );
        }
    }
}

pub fn document(e: &Explanation) -> Document {
    let title = [e.id.as_deref(), e.name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    let mut doc = Document::new(format!("Explanation: {title}"));
    if let Some(date) = &e.date {
        doc.push(Block::Paragraph(format!("Evaluated as of {date}.")));
    }
    for d in &e.designations {
        doc.push(Block::Heading(2, verdict(d)));
        if let Some(path) = &d.path {
            doc.push(Block::Paragraph(format!(
                "Path: **{}**{}.",
                path.value,
                path.elements
                    .first()
                    .map(|e| format!(", as {}", e.why))
                    .unwrap_or_default()
            )));
        }
        let rows = d
            .subcategories
            .iter()
            .map(|s| {
                vec![
                    s.category.clone(),
                    s.name.clone(),
                    s.points.clone(),
                    s.max.clone(),
                    s.source.clone().unwrap_or_default(),
                ]
            })
            .collect();
        doc.push(Block::Table(
            vec![
                "Category".into(),
                "Subcategory".into(),
                "Points".into(),
                "Max".into(),
                "Source".into(),
            ],
            rows,
        ));
        for line in &d.unmet {
            doc.push(Block::Paragraph(format!("Missing: {line}.")));
        }
        if let Some(m) = &d.missing {
            missing_blocks(&mut doc, m);
        }
        for s in &d.subcategories {
            doc.push(Block::Heading(
                3,
                format!("{}: {} of {}", s.name, s.points, s.max),
            ));
            doc.push(node_block(&s.rule));
        }
        if let Some(path) = &d.path {
            doc.push(Block::Heading(3, "Path".into()));
            doc.push(node_block(path));
        }
    }
    for node in &e.outputs {
        doc.push(Block::Heading(3, format!("{} = {}", node.name, node.value)));
        doc.push(node_block(node));
    }
    doc
}

fn missing_blocks(doc: &mut Document, m: &Missing) {
    let mut facts = Vec::new();
    if let Some(short) = &m.points_short {
        facts.push(format!("{short} points short"));
    }
    if !m.subcategories_at_zero.is_empty() {
        facts.push(format!(
            "at 0 points: {}",
            m.subcategories_at_zero.join(", ")
        ));
    }
    if !facts.is_empty() {
        doc.push(Block::Paragraph(format!("{}.", facts.join("; "))));
    }
    let rows = |moves: &[super::Move]| {
        moves
            .iter()
            .map(|mv| {
                vec![
                    mv.subcategory.clone(),
                    format!("`{}`", mv.value),
                    format!("{} → {}", mv.from, mv.to),
                    mv.gain.clone(),
                ]
            })
            .collect()
    };
    let header = || {
        vec![
            "Subcategory".into(),
            "Value".into(),
            "Change".into(),
            "Points".into(),
        ]
    };
    if !m.moves.is_empty() {
        doc.push(Block::Paragraph(
            "What would raise each subcategory:".into(),
        ));
        doc.push(Block::Table(header(), rows(&m.moves)));
    }
    if !m.plan.is_empty() {
        let verdict = if m.plan_attains {
            "that attain the designation"
        } else {
            "(they do not reach it)"
        };
        doc.push(Block::Paragraph(format!(
            "The fewest such changes found {verdict}:"
        )));
        doc.push(Block::Table(header(), rows(&m.plan)));
    }
}

fn node_block(node: &Node) -> Block {
    let mut inside = Vec::new();
    if let Some(formula) = &node.formula {
        let at = node
            .at
            .as_ref()
            .map(|a| format!(" ({a})"))
            .unwrap_or_default();
        inside.push(Block::Paragraph(format!("`{} = {formula}`{at}", node.name)));
    }
    if let Some(computed) = &node.computed {
        inside.push(Block::Paragraph(format!("= `{computed}`")));
    }
    if node.see_above {
        inside.push(Block::Paragraph("Explained above.".into()));
    }
    for s in &node.sources {
        inside.push(Block::Paragraph(format!("Source: {s}")));
    }
    for a in &node.assumptions {
        inside.push(Block::Paragraph(format!("Assumption: {a}")));
    }
    if !node.elements.is_empty() {
        inside.push(elements_table(&node.elements));
    }
    inside.extend(node.children.iter().map(node_block));
    Block::Details(format!("`{}` = {}", node.name, node.value), inside)
}

fn elements_table(elements: &[Element]) -> Block {
    let mut rows = Vec::new();
    element_rows(elements, 0, &mut rows);
    Block::Table(vec!["Element".into(), "Kept".into(), "Why".into()], rows)
}

fn element_rows(elements: &[Element], depth: usize, rows: &mut Vec<Vec<String>>) {
    for e in elements {
        let name = format!("{}{}", "↳ ".repeat(depth), e.element);
        rows.push(vec![
            name,
            if e.kept { "yes".into() } else { "no".into() },
            e.why.clone(),
        ]);
        element_rows(&e.children, depth + 1, rows);
    }
}
