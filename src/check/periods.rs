//! When the dated parts of a designation are in force: a designation, category or subcategory
//! written again `from` a date is its next version, `until` ends one, and `max N from DATE`
//! changes a maximum.

use crate::diagnostic::{Code, Diag, Diags};
use crate::ir::{MaxChange, Period};
use crate::source::Span;
use crate::syntax::ast;

/// The periods of the versions of one thing (same name), in the order written: each is in
/// force from its `from` until its `until` or the next version's `from`, whichever comes
/// first. Two versions in force on one day are an error.
pub(super) fn versions(
    what: &str,
    name: &str,
    written: &[(ast::Period, Span)],
    diags: &mut Diags,
) -> Vec<Period> {
    let mut periods: Vec<Period> = written
        .iter()
        .map(|(p, _)| Period {
            from: p.from.map(|(d, _)| d),
            until: p.until.map(|(d, _)| d),
        })
        .collect();
    for ((p, span), period) in written.iter().zip(&periods) {
        if let (Some(from), Some((until, until_span))) = (period.from, p.until) {
            if until <= from {
                diags.push(
                    Diag::error(
                        Code::EmptyPeriod,
                        until_span,
                        format!("{what} \"{name}\" stops on {until}, before it starts on {from}"),
                    )
                    .label("not after the start")
                    .also(*span, "this one")
                    .help("`until` is the first day it is no longer in force: a day after `from`"),
                );
            }
        }
    }
    let mut order: Vec<usize> = (0..written.len()).collect();
    order.sort_by_key(|&i| periods[i].from);
    for pair in order.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let next = periods[b].from;
        let clash = match (periods[a].from, next) {
            (x, y) if x == y => true,
            _ => periods[a]
                .until
                .is_some_and(|until| next.is_some_and(|n| until > n)),
        };
        if clash {
            let when = next.map_or("without a date".to_string(), |d| format!("on {d}"));
            diags.push(
                Diag::error(
                    Code::OverlappingVariants,
                    written[b].1,
                    format!("{what} \"{name}\" has two versions in force {when}"),
                )
                .label("second version")
                .also(written[a].1, "first version")
                .help(format!("give each version of the {what} its own `from` date; the one before stops where the next starts")),
            );
        } else if let Some(next) = next {
            let until = periods[a].until.map_or(next, |u| u.min(next));
            periods[a].until = Some(until);
        }
    }
    periods
}

/// `max N from DATE` lines, by date; two for one day are an error.
pub(super) fn max_changes(changes: &[ast::MaxChange], diags: &mut Diags) -> Vec<MaxChange> {
    let mut out: Vec<MaxChange> = changes
        .iter()
        .map(|c| MaxChange {
            from: c.from,
            value: c.value,
            span: c.span,
        })
        .collect();
    out.sort_by_key(|c| c.from);
    for pair in out.windows(2) {
        if pair[0].from == pair[1].from {
            diags.push(
                Diag::error(
                    Code::OverlappingVariants,
                    pair[1].span,
                    format!("two maxima from {}", pair[0].from),
                )
                .label("second one")
                .also(pair[0].span, "first one")
                .help("keep one `max N from DATE` per date"),
            );
        }
    }
    out
}
