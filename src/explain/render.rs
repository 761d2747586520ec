//! Explanations as text, as a document (Markdown or HTML) or JSON. Each begins with the result
//! (points, what is missing, the fewest changes that attain), then the derivation.

use std::fmt::Write;

use super::{DesignationExplained, Element, Explanation, Missing, Move, Section, Step};
use crate::report::document::{Block, Document, code, text as md};

/// How many elements of a list the text shows before it counts the rest.
const TEXT_ELEMENTS: usize = 12;

fn title(e: &Explanation) -> String {
    [e.id.as_deref(), e.name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("  ")
}

/// The whole explanation for a terminal.
pub fn text(e: &Explanation) -> String {
    let mut out = summary_text(e);
    if e.sections.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "\nHow it is computed: each value once, after the values it reads."
    );
    for section in &e.sections {
        section_text(&mut out, section);
    }
    out
}

/// The result alone: one screen per record (`--summary`).
pub fn summary_text(e: &Explanation) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", title(e));
    let _ = writeln!(
        out,
        "as of {} · rules sha256:{} · tally {}",
        e.as_of, e.rules_digest, e.tally_version
    );
    for d in &e.designations {
        designation_text(&mut out, d);
    }
    if !e.outputs.is_empty() {
        out.push('\n');
        for o in &e.outputs {
            let _ = writeln!(out, "  {} = {}", o.field, o.value.0.get());
        }
    }
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
    let short = d
        .missing
        .as_ref()
        .and_then(|m| m.points_short)
        .map(|s| format!(" ({s} short)"))
        .unwrap_or_default();
    format!(
        "{}: {}{max}{needs}: {}{short}",
        d.designation,
        d.total,
        if d.attained {
            "attained"
        } else {
            "not attained"
        }
    )
}

fn designation_text(out: &mut String, d: &DesignationExplained) {
    let _ = writeln!(out, "\n{}", verdict(d));
    if let Some(path) = &d.path {
        let why = path
            .reason
            .as_ref()
            .map(|r| format!(", as {r}"))
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
        let points = format!("{} of {}", s.points, s.max);
        let _ = writeln!(out, "  {label:<width$}  {points:>9}  = {}", s.step);
    }
    for line in &d.unmet {
        let _ = writeln!(out, "  missing: {line}");
    }
    if let Some(m) = &d.missing {
        missing_text(out, m);
    }
}

fn move_text(mv: &Move) -> String {
    let raised: Vec<String> = mv
        .raises
        .iter()
        .map(|r| format!("+{} {}", r.points, r.subcategory))
        .collect();
    format!(
        "{} {} -> {}: {}",
        mv.value,
        mv.from,
        mv.to,
        raised.join(", ")
    )
}

fn missing_text(out: &mut String, m: &Missing) {
    if !m.subcategories_at_zero.is_empty() {
        let _ = writeln!(out, "  at 0 points: {}", m.subcategories_at_zero.join(", "));
    }
    if m.moves.is_empty() {
        let _ = writeln!(out, "  no change of one value found raises it");
    } else {
        let _ = writeln!(out, "  what would raise it, one change at a time:");
        for mv in &m.moves {
            let _ = writeln!(out, "    {}", move_text(mv));
        }
    }
    if !m.plan.is_empty() {
        let verdict = if m.plan_attains {
            "the fewest changes found that attain it:"
        } else {
            "no changes found attain it; the closest:"
        };
        let _ = writeln!(out, "  {verdict}");
        for mv in &m.plan {
            let _ = writeln!(out, "    {}", move_text(mv));
        }
    }
}

fn section_text(out: &mut String, section: &Section) {
    let _ = writeln!(out, "\n{}", section.title);
    for step in &section.steps {
        step_text(out, step);
    }
}

fn step_text(out: &mut String, step: &Step) {
    let from = step
        .in_force_from
        .as_ref()
        .map(|d| format!("  (in force from {d})"))
        .unwrap_or_default();
    let _ = writeln!(out, "  {} = {}{from}", step.name, step.shown);
    if let Some(function) = &step.function {
        let _ = writeln!(out, "    function {function}");
        for a in &step.arguments {
            let _ = writeln!(out, "    with {a}");
        }
    }
    if let Some(formula) = &step.formula {
        let _ = writeln!(out, "    = {formula}");
    }
    match &step.computed {
        Some(c) if Some(c) != step.formula.as_ref() => {
            let _ = writeln!(out, "    = {c}");
        }
        _ if step.formula.is_some() && !step.reads.is_empty() && step.elements.is_empty() => {
            let reads: Vec<String> = step
                .reads
                .iter()
                .map(|r| format!("{} = {}", r.name, r.value.0.get()))
                .collect();
            let _ = writeln!(out, "    reads {}", reads.join("; "));
        }
        _ => {}
    }
    for el in step.elements.iter().take(TEXT_ELEMENTS) {
        element_text(out, el, 2);
    }
    if step.elements.len() > TEXT_ELEMENTS {
        let kept = step.elements.iter().filter(|e| e.kept).count();
        let _ = writeln!(
            out,
            "    ... and {} more ({kept} of {} kept or counted in all; --format json, markdown or html lists every one)",
            step.elements.len() - TEXT_ELEMENTS,
            step.elements.len()
        );
    }
    for s in &step.sources {
        let _ = writeln!(out, "    source: {s}");
    }
    for a in &step.assumptions {
        let _ = writeln!(out, "    assumption: {a}");
    }
    if let Some(at) = &step.at {
        let _ = writeln!(out, "    at {at}");
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

/// The explanation as a document: Markdown for a pull request or a ticket, HTML to print.
pub fn document(e: &Explanation) -> Document {
    let mut doc = Document::new(format!("Explanation: {}", title(e)));
    doc.push(Block::Paragraph(format!(
        "Evaluated as of {} with the rules of digest `sha256:{}`, tally {}.",
        md(&e.as_of),
        e.rules_digest,
        md(&e.tally_version)
    )));
    doc.push(Block::Heading(2, "Result".into()));
    for d in &e.designations {
        doc.push(Block::Heading(3, md(&verdict(d))));
        if let Some(path) = &d.path {
            let why = path
                .reason
                .as_ref()
                .map(|r| format!(", as {}", md(r)))
                .unwrap_or_default();
            doc.push(Block::Paragraph(format!(
                "Path: **{}**{why}.",
                md(&path.value)
            )));
        }
        let rows = d
            .subcategories
            .iter()
            .map(|s| {
                vec![
                    md(&s.category),
                    md(&s.name),
                    format!("{} of {}", s.points, s.max),
                    code(&s.step),
                ]
            })
            .collect();
        doc.push(Block::Table(
            vec![
                "Category".into(),
                "Subcategory".into(),
                "Points".into(),
                "Computed as".into(),
            ],
            rows,
        ));
        for line in &d.unmet {
            doc.push(Block::Paragraph(format!("Missing: {}.", md(line))));
        }
        if let Some(m) = &d.missing {
            missing_blocks(&mut doc, m);
        }
    }
    for o in &e.outputs {
        doc.push(Block::Paragraph(format!(
            "{} = {}",
            code(&o.field),
            code(o.value.0.get())
        )));
    }
    if !e.sections.is_empty() {
        doc.push(Block::Heading(2, "How it is computed".into()));
        doc.push(Block::Paragraph(
            "Each value once, after the values it reads.".into(),
        ));
        for section in &e.sections {
            doc.push(Block::Heading(3, md(&section.title)));
            for step in &section.steps {
                step_blocks(&mut doc, step);
            }
        }
    }
    doc
}

/// Several explanations in one document, each under its record's heading.
pub fn documents(es: &[Explanation]) -> Document {
    match es {
        [one] => document(one),
        _ => {
            let mut doc = Document::new("Explanations");
            for e in es {
                let one = document(e);
                doc.push(Block::Heading(1, md(&title(e))));
                doc.blocks.extend(one.blocks);
            }
            doc
        }
    }
}

fn missing_blocks(doc: &mut Document, m: &Missing) {
    if !m.subcategories_at_zero.is_empty() {
        doc.push(Block::Paragraph(format!(
            "At 0 points: {}.",
            md(&m.subcategories_at_zero.join(", "))
        )));
    }
    let rows = |moves: &[Move]| {
        moves
            .iter()
            .map(|mv| {
                let raised: Vec<String> = mv
                    .raises
                    .iter()
                    .map(|r| format!("+{} {}", r.points, md(&r.subcategory)))
                    .collect();
                vec![
                    code(&mv.value),
                    format!("{} → {}", md(&mv.from), md(&mv.to)),
                    raised.join(", "),
                ]
            })
            .collect()
    };
    let header = || vec!["Value".into(), "Change".into(), "Raises".into()];
    if !m.moves.is_empty() {
        doc.push(Block::Paragraph(
            "What would raise it, one change at a time:".into(),
        ));
        doc.push(Block::Table(header(), rows(&m.moves)));
    }
    if !m.plan.is_empty() {
        doc.push(Block::Paragraph(
            if m.plan_attains {
                "The fewest changes found that attain it:"
            } else {
                "No changes found attain it; the closest:"
            }
            .into(),
        ));
        doc.push(Block::Table(header(), rows(&m.plan)));
    }
}

fn step_blocks(doc: &mut Document, step: &Step) {
    let from = step
        .in_force_from
        .as_ref()
        .map(|d| format!(" (in force from {})", md(d)))
        .unwrap_or_default();
    let mut lines = vec![format!(
        "**{}** = {}{from}",
        code(&step.name),
        md(&step.shown)
    )];
    if let Some(function) = &step.function {
        lines.push(format!("function {}", code(function)));
        for a in &step.arguments {
            lines.push(format!("with {}", code(a)));
        }
    }
    if let Some(formula) = &step.formula {
        lines.push(format!("= {}", code(formula)));
    }
    if let Some(c) = &step.computed {
        if Some(c) != step.formula.as_ref() {
            lines.push(format!("= {}", code(c)));
        }
    }
    for s in &step.sources {
        lines.push(format!("Source: {}", md(s)));
    }
    for a in &step.assumptions {
        lines.push(format!("Assumption: {}", md(a)));
    }
    if let Some(at) = &step.at {
        lines.push(format!("At {}", code(at)));
    }
    // Hard line breaks: one fact a line.
    doc.push(Block::Paragraph(lines.join("\\\n")));
    if !step.elements.is_empty() {
        let kept = step.elements.iter().filter(|e| e.kept).count();
        let mut rows = Vec::new();
        element_rows(&step.elements, 0, &mut rows);
        let table = Block::Table(vec!["Element".into(), "Kept".into(), "Why".into()], rows);
        if step.elements.len() > TEXT_ELEMENTS {
            doc.push(Block::Details(
                format!("{} elements, {kept} kept or counted", step.elements.len()),
                vec![table],
            ));
        } else {
            doc.push(table);
        }
    }
}

fn element_rows(elements: &[Element], depth: usize, rows: &mut Vec<Vec<String>>) {
    for e in elements {
        let name = format!("{}{}", "↳ ".repeat(depth), md(&e.element));
        rows.push(vec![
            name,
            if e.kept { "yes".into() } else { "no".into() },
            md(&e.why),
        ]);
        element_rows(&e.children, depth + 1, rows);
    }
}
