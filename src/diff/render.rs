//! A diff for people (text) and for a pull request's summary (Markdown): counts first, then
//! the first identifiers of each group, the histogram of changes and the largest changes.

use std::fmt::Write;

use rust_decimal::Decimal;

use super::{Bucket, Change, DesignationDiff, Diff, Group, OutputDiff};
use crate::report::document::{code, text as md};

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `+4`, `-10`, `0`.
fn signed(n: Decimal) -> String {
    if n > Decimal::ZERO {
        format!("+{}", n.normalize())
    } else {
        n.normalize().to_string()
    }
}

fn bucket_label(b: &Bucket) -> String {
    if b.from == b.to {
        signed(b.from.0)
    } else {
        format!("{} to {}", signed(b.from.0), signed(b.to.0))
    }
}

/// `3 records: P-1, P-2, P-3`, with a word when the list is cut.
fn ids(group: &Group, limit: usize) -> String {
    let mut out = plural(group.count, "record", "records");
    if !group.ids.is_empty() {
        let _ = write!(out, ": {}", group.ids.join(", "));
    }
    if group.count > group.ids.len() {
        let _ = write!(
            out,
            " and {} more (the first {limit} shown; --limit N for more)",
            group.count - group.ids.len()
        );
    }
    out
}

fn designation_changed(d: &DesignationDiff) -> bool {
    d.changed.count > 0 || d.gained.count > 0 || d.lost.count > 0 || !d.path_changes.is_empty()
}

/// The diff for a terminal.
pub fn text(diff: &Diff, old: &str, new: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "tally diff: {old} -> {new}, over {}: {} changed",
        plural(diff.records, "record", "records"),
        diff.changed
    );
    let f = &diff.failures;
    for (group, what) in [
        (&f.new_only, "fail with the new rules only"),
        (&f.old_only, "fail with the old rules only"),
        (&f.both, "fail with both (their change is unknown)"),
    ] {
        if group.count > 0 {
            let _ = writeln!(out, "\n{what}: {}", ids(group, diff.limit));
            for (id, why) in group.ids.iter().zip(&group.reasons) {
                let _ = writeln!(out, "  {id}: {why}");
            }
        }
    }
    for d in &diff.designations {
        if !designation_changed(d) {
            let _ = writeln!(
                out,
                "\n{}: no changes (attained by {})",
                d.designation, d.attained_after
            );
            continue;
        }
        let _ = writeln!(out, "\n{}", d.designation);
        let _ = writeln!(
            out,
            "  attained: {} -> {} ({})",
            d.attained_before,
            d.attained_after,
            signed(Decimal::from(
                d.attained_after as i64 - d.attained_before as i64
            ))
        );
        if d.gained.count > 0 {
            let _ = writeln!(out, "  gain it: {}", ids(&d.gained, diff.limit));
        }
        if d.lost.count > 0 {
            let _ = writeln!(out, "  lose it: {}", ids(&d.lost, diff.limit));
        }
        for p in &d.path_changes {
            let _ = writeln!(
                out,
                "  path {} -> {}: {}",
                p.before,
                p.after,
                ids(&p.records, diff.limit)
            );
        }
        let _ = writeln!(out, "  points changed: {}", ids(&d.changed, diff.limit));
        for s in &d.subcategories {
            let _ = writeln!(
                out,
                "    {}: {} points in all, over {}",
                s.subcategory,
                signed(s.points.0),
                plural(s.records, "record", "records")
            );
        }
        histogram_text(&mut out, &d.histogram);
        if !d.largest.is_empty() {
            let _ = writeln!(out, "  largest changes of the total:");
            for c in &d.largest {
                let _ = writeln!(out, "    {}", change_text(c));
            }
        }
    }
    for o in diff.outputs.iter().filter(|o| o.changed.count > 0) {
        output_text(&mut out, o, diff.limit);
    }
    if diff.is_empty() {
        out.push_str("\nno changes\n");
    }
    out
}

fn change_text(c: &Change) -> String {
    let why = match (&c.subcategory, c.subcategory_change) {
        (Some(s), Some(n)) => format!("  {s} {}", signed(n.0)),
        _ => String::new(),
    };
    format!(
        "{:<14} {} -> {} ({}){why}",
        c.id,
        c.before,
        c.after,
        signed(c.change.0)
    )
}

fn histogram_text(out: &mut String, histogram: &[Bucket]) {
    if histogram.is_empty() {
        return;
    }
    let _ = writeln!(out, "  change of the total, records:");
    let most = histogram
        .iter()
        .map(|b| b.records)
        .max()
        .unwrap_or(1)
        .max(1);
    let width = histogram
        .iter()
        .map(|b| bucket_label(b).chars().count())
        .max()
        .unwrap_or(0);
    for b in histogram {
        let bar = "#".repeat((b.records * 40).div_ceil(most));
        let _ = writeln!(out, "    {:>width$}  {bar} {}", bucket_label(b), b.records);
    }
}

fn output_text(out: &mut String, o: &OutputDiff, limit: usize) {
    let _ = writeln!(
        out,
        "\n{}: changed for {}; sum {} -> {} ({})",
        o.field,
        ids(&o.changed, limit),
        o.sum_before,
        o.sum_after,
        signed(o.sum_after.0 - o.sum_before.0)
    );
    for c in &o.largest {
        let _ = writeln!(out, "    {}", change_text(c));
    }
}

/// The diff as Markdown, for a pull request's summary: one table of counts, then per changed
/// designation the records, the histogram and the largest changes.
pub fn markdown(diff: &Diff, old: &str, new: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### What the change does: {} → {}\n\nOver {}: **{} changed**.",
        code(old),
        code(new),
        plural(diff.records, "record", "records"),
        diff.changed
    );
    let f = &diff.failures;
    for (group, what) in [
        (&f.new_only, "Fail with the new rules only"),
        (&f.old_only, "Fail with the old rules only"),
        (&f.both, "Fail with both (their change is unknown)"),
    ] {
        if group.count > 0 {
            let _ = writeln!(out, "\n**{what}:** {}", md_ids(group));
            for (id, why) in group.ids.iter().zip(&group.reasons) {
                let _ = writeln!(out, "- {}: {}", code(id), md(why));
            }
        }
    }
    if !diff.designations.is_empty() {
        out.push_str(
            "\n| Designation | Attained before | Attained after | Gain it | Lose it | Path changes | Points changed |\n|---|--:|--:|--:|--:|--:|--:|\n",
        );
        for d in &diff.designations {
            let paths: usize = d.path_changes.iter().map(|p| p.records.count).sum();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                cell(&md(&d.designation)),
                d.attained_before,
                d.attained_after,
                d.gained.count,
                d.lost.count,
                paths,
                d.changed.count
            );
        }
    }
    for d in diff.designations.iter().filter(|d| designation_changed(d)) {
        let _ = writeln!(out, "\n#### {}\n", md(&d.designation));
        if d.gained.count > 0 {
            let _ = writeln!(out, "- **Gain it:** {}", md_ids(&d.gained));
        }
        if d.lost.count > 0 {
            let _ = writeln!(out, "- **Lose it:** {}", md_ids(&d.lost));
        }
        for p in &d.path_changes {
            let _ = writeln!(
                out,
                "- **Path {} → {}:** {}",
                md(&p.before),
                md(&p.after),
                md_ids(&p.records)
            );
        }
        for s in &d.subcategories {
            let _ = writeln!(
                out,
                "- **{}:** {} points in all, over {}",
                md(&s.subcategory),
                signed(s.points.0),
                plural(s.records, "record", "records")
            );
        }
        if !d.histogram.is_empty() {
            out.push_str("\n| Change of the total | Records |\n|--:|--:|\n");
            for b in &d.histogram {
                let _ = writeln!(out, "| {} | {} |", bucket_label(b), b.records);
            }
        }
        if !d.largest.is_empty() {
            out.push_str(
                "\n| Record | Before | After | Change | Subcategory responsible |\n|---|--:|--:|--:|---|\n",
            );
            for c in &d.largest {
                let why = match (&c.subcategory, c.subcategory_change) {
                    (Some(s), Some(n)) => format!("{} {}", md(s), signed(n.0)),
                    _ => String::new(),
                };
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    cell(&code(&c.id)),
                    c.before,
                    c.after,
                    signed(c.change.0),
                    cell(&why)
                );
            }
        }
    }
    let changed: Vec<&OutputDiff> = diff
        .outputs
        .iter()
        .filter(|o| o.changed.count > 0)
        .collect();
    if !changed.is_empty() {
        out.push_str(
            "\n| Output | Records changed | Sum before | Sum after |\n|---|--:|--:|--:|\n",
        );
        for o in changed {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                cell(&code(&o.field)),
                o.changed.count,
                o.sum_before,
                o.sum_after
            );
        }
    }
    if diff.is_empty() {
        out.push_str("\nNo changes.\n");
    }
    out
}

/// Identifiers as code, with the count of those left out.
fn md_ids(group: &Group) -> String {
    let mut out = group
        .ids
        .iter()
        .map(|i| code(i))
        .collect::<Vec<_>>()
        .join(", ");
    if group.count > group.ids.len() {
        let _ = write!(out, " and {} more", group.count - group.ids.len());
    }
    format!("{} ({out})", plural(group.count, "record", "records"))
}

/// A table cell: a `|` of the text escaped, also inside code.
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut escaped = false;
    for c in text.chars() {
        if c == '|' && !escaped {
            out.push('\\');
        }
        out.push(c);
        escaped = c == '\\' && !escaped;
    }
    out
}
