//! What each version of the rules reads, interval of time by interval: a rule in force that
//! reads a value or table with no version in force then, a table label that its version in
//! force lacks, or an input field the data has only on other dates. Each would fail at run
//! time on a record of that interval; the checker finds it without data.
//!
//! Time is split at every day on which something changes (`Program::effective_dates`); on
//! one day of each interval, the designations, categories, subcategories and outputs in force
//! are walked through the versions of values and functions in force that day. A finding names
//! the interval it holds in ("before 2026-07-01"); one that holds in every interval none.

use std::rc::Rc;

use chrono::NaiveDate;
use rustc_hash::FxHashSet;

use super::lints::Uses;
use crate::diagnostic::{Code, Diag, Diags};
use crate::ir::types::{GlobalId, RecordId};
use crate::ir::value::Value;
use crate::ir::{ExpectTarget, Expr, FnId, GlobalDef, Period, Program, in_force};
use crate::source::Span;

/// Reports what the rules in force read outside its dates, and returns, for each test without
/// a `date` line (by index), what its expectations would read outside its dates in each
/// interval: an error once its data's date is known (see `testing::data_problems`).
pub(crate) fn check(
    program: &Program,
    uses: &Uses,
    diags: &mut Diags,
) -> Vec<(usize, Period, Diag)> {
    let mut undated_tests = Vec::new();
    let dates = program.effective_dates();
    if dates.is_empty() || !anything_starts_or_stops(program, uses) {
        return undated_tests;
    }
    let intervals = Period::intervals(&dates);
    // Each finding, by what it is about, with the intervals it holds in.
    let mut found: Vec<(Finding, Vec<usize>)> = Vec::new();
    for (index, &(period, day)) in intervals.iter().enumerate() {
        let mut walk = Walk {
            period,
            program,
            uses,
            day,
            globals: FxHashSet::default(),
            functions: FxHashSet::default(),
            found: Vec::new(),
        };
        walk.roots();
        // Each test without a date line on its own, after the rules: what they read wrongly
        // is reported already.
        for (i, test) in program.tests.iter().enumerate() {
            if test.date.is_some() {
                continue;
            }
            let mut alone = Walk {
                globals: walk.globals.clone(),
                functions: walk.functions.clone(),
                found: Vec::new(),
                ..walk
            };
            alone.test(test);
            for finding in alone.found {
                undated_tests.push((i, period, finding.diag(program, Period::default())));
            }
        }
        for finding in walk.found {
            match found.iter_mut().find(|(f, _)| f.key() == finding.key()) {
                Some((_, held)) => held.push(index),
                None => found.push((finding, vec![index])),
            }
        }
    }
    for (finding, held) in found {
        // Consecutive intervals are told as one: "before 2026-07-01", not each piece of it.
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for i in held {
            match runs.last_mut() {
                Some((_, last)) if *last + 1 == i => *last = i,
                _ => runs.push((i, i)),
            }
        }
        for (first, last) in runs {
            let period = Period {
                from: intervals[first].0.from,
                until: intervals[last].0.until,
            };
            diags.push(finding.diag(program, period));
        }
    }
    undated_tests
}

/// Whether something can be missing on some day: a value or table without an undated version,
/// a table whose versions differ in labels, or a dated field that is read. Without one, there
/// is nothing to walk.
fn anything_starts_or_stops(program: &Program, uses: &Uses) -> bool {
    let dated_input = program.kinds.iter().any(|k| {
        let fields = &program.record(k.record).fields;
        fields.iter().any(|f| f.period != Period::default())
    });
    dated_input
        || uses.reads_dated_fields()
        || program.globals.iter().any(|g| match &g.def {
            GlobalDef::Let(vs) => vs.first().is_some_and(|v| v.from.is_some()),
            GlobalDef::Table(vs) => {
                vs.first().is_some_and(|v| v.from.is_some())
                    || vs.windows(2).any(|w| {
                        w[0].value.rows != w[1].value.rows
                            || w[0].value.columns != w[1].value.columns
                    })
            }
            GlobalDef::Input { .. } => false,
        })
}

/// Who reads: how a message names it, where it is written, and the rule in force that the
/// walk came from (a designation's part or an output field), by its name and place.
#[derive(Clone)]
struct Reader {
    name: String,
    source: Span,
    root: (Span, Rc<str>),
    /// Whether a date makes it in force: a dated version of a value or function on the way,
    /// or a designation, category or subcategory with `from` or `until`.
    dated: bool,
}

enum Problem {
    /// A value or table with no version in force.
    NoVersion(GlobalId),
    /// A field of the input, or of a record inside it, that the data has only on other days.
    Field { record: RecordId, field: u32 },
    /// A row or column its table's version in force does not have.
    Label {
        table: GlobalId,
        label: String,
        rows: bool,
    },
}

struct Finding {
    reader: Reader,
    /// Where the problem is read.
    at: Span,
    problem: Problem,
}

impl Finding {
    fn key(&self) -> (Span, Option<GlobalId>, Option<&str>) {
        match &self.problem {
            Problem::NoVersion(id) => (self.at, Some(*id), None),
            Problem::Field { .. } => (self.at, None, None),
            Problem::Label { table, label, .. } => (self.at, Some(*table), Some(label)),
        }
    }

    fn diag(&self, program: &Program, period: Period) -> Diag {
        let when = period.describe();
        let reader = &self.reader.name;
        let mut diag = match &self.problem {
            Problem::NoVersion(id) => {
                let global = program.global(*id);
                let dates = versions(&global.def);
                let first = dates.first().copied().flatten();
                let since = first.map_or(String::new(), |d| {
                    format!(": its first version is from {d}")
                });
                Diag::error(
                    Code::NotInForce,
                    self.at,
                    format!("{reader} reads `{}`, which has no version in force then{since}", global.name),
                )
                .label("read here")
                .also(global.span, "its first version")
                .help(match first {
                    Some(first) => format!(
                        "write a version of `{}` without a date (in force before {first}), or read it only in rules in force from {first}",
                        global.name
                    ),
                    None => format!("write a version of `{}` without a date", global.name),
                })
            }
            Problem::Field { record, field } => {
                let record = program.record(*record);
                let field = &record.fields[*field as usize];
                let name = &field.name;
                let has = field.period.describe().unwrap_or_default();
                let input = program
                    .kinds
                    .iter()
                    .any(|k| program.record(k.record).name == record.name);
                let what = match input {
                    true => format!("the input field `{name}`"),
                    false => format!("the field `{name}` of {}", record.name),
                };
                let diag = Diag::error(
                    Code::FieldOutsideDates,
                    self.at,
                    format!("{reader} reads {what}, which the data has only {has}"),
                )
                .label("read here")
                .also(field.span, format!("in the data {has}"));
                diag.help(format!(
                    "read `{name}` only in versions of the rules in force {has} (write them with `from`), or give the field a default (`default 0`) or make it `optional`"
                ))
            }
            Problem::Label { table, label, rows } => {
                let global = program.global(*table);
                let what = if *rows { "row" } else { "column" };
                let with = versions(&global.def)
                    .into_iter()
                    .zip(labels(&global.def, *rows))
                    .filter(|(_, ls)| ls.iter().any(|l| l == label))
                    .map(|(from, _)| {
                        from.map_or("without a date".to_string(), |d| format!("from {d}"))
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                Diag::error(
                    Code::UnknownLabel,
                    self.at,
                    format!("{reader} reads the {what} \"{label}\" of `{}`, which its version in force then does not have", global.name),
                )
                .label(format!("no {what} \"{label}\" then"))
                .also(global.span, format!("the versions with \"{label}\": {with}"))
                .help(format!(
                    "add the {what} \"{label}\" to every version of `{}` in force when this is read, or read it only in rules in force when it exists",
                    global.name
                ))
            }
        };
        let (root, root_name) = &self.reader.root;
        if **root_name != *self.reader.name {
            diag = diag.also(
                *root,
                format!("{root_name}, in force then, reads it through {reader}"),
            );
        }
        if let Some(when) = when {
            diag.message = format!("{when}: {}", diag.message);
        }
        diag
    }
}

/// The `from` date of each version of a value or table, in order.
fn versions(def: &GlobalDef) -> Vec<Option<NaiveDate>> {
    match def {
        GlobalDef::Let(vs) => vs.iter().map(|v| v.from).collect(),
        GlobalDef::Table(vs) => vs.iter().map(|v| v.from).collect(),
        GlobalDef::Input { .. } => Vec::new(),
    }
}

/// The row (or column) labels of each version of a table.
fn labels(def: &GlobalDef, rows: bool) -> Vec<Vec<String>> {
    match def {
        GlobalDef::Table(vs) => vs
            .iter()
            .map(|v| {
                let labels = if rows {
                    &v.value.rows
                } else {
                    &v.value.columns
                };
                labels.iter().map(|l| l.to_string()).collect()
            })
            .collect(),
        _ => Vec::new(),
    }
}

struct Walk<'p> {
    program: &'p Program,
    uses: &'p Uses,
    /// The interval walked, and a day in it.
    period: Period,
    day: NaiveDate,
    globals: FxHashSet<GlobalId>,
    functions: FxHashSet<FnId>,
    found: Vec<Finding>,
}

impl<'p> Walk<'p> {
    /// The designations, their parts and the outputs in force on the day.
    fn roots(&mut self) {
        let (program, day) = (self.program, self.day);
        for kind in &program.kinds {
            for d in kind.designations.iter().filter(|d| d.period.contains(day)) {
                let name = format!("designation \"{}\"", d.name);
                let whole = Reader {
                    root: (d.span, Rc::from(name.as_str())),
                    name,
                    source: d.span,
                    dated: d.period != Period::default(),
                };
                if let Some(path) = &d.path {
                    self.expr(path, &whole);
                }
                if let Some(threshold) = &d.threshold {
                    let reader = Reader {
                        source: d.threshold_span.unwrap_or(d.span),
                        ..whole.clone()
                    };
                    self.expr(threshold, &reader);
                }
                for require in &d.requires {
                    let reader = Reader {
                        source: require.condition_span,
                        ..whole.clone()
                    };
                    self.expr(&require.condition, &reader);
                }
                for c in d.categories.iter().filter(|c| c.period.contains(day)) {
                    for s in c.subcategories.iter().filter(|s| s.period.contains(day)) {
                        let name = format!("subcategory \"{}\" of \"{}\"", s.name, d.name);
                        let reader = Reader {
                            root: (s.span, Rc::from(name.as_str())),
                            name,
                            source: s.points_span,
                            dated: whole.dated
                                || c.period != Period::default()
                                || s.period != Period::default(),
                        };
                        self.expr(&s.points, &reader);
                    }
                }
            }
            for field in &kind.output {
                let name = format!("output field `{}`", field.name);
                let reader = Reader {
                    root: (field.span, Rc::from(name.as_str())),
                    name,
                    source: field.body.source,
                    dated: false,
                };
                self.expr(&field.body.expr, &reader);
            }
        }
        // A test with a `date` line reads the versions in force that day; the date of a
        // test's data is known only once the data is read.
        let period = self.period;
        let tests = program.tests.iter();
        for test in tests.filter(|t| t.date.is_some_and(|d| period.contains(d))) {
            self.test(test);
        }
    }

    /// The expectations of a test evaluated on the day.
    fn test(&mut self, test: &'p crate::ir::Test) {
        let name = format!("test \"{}\"", test.name);
        for expectation in &test.expectations {
            if let ExpectTarget::Value { body, .. } = &expectation.target {
                let reader = Reader {
                    root: (test.span, Rc::from(name.as_str())),
                    name: name.clone(),
                    source: body.source,
                    dated: true,
                };
                self.expr(&body.expr, &reader);
            }
        }
    }

    /// Walks `expr`, read by `reader`, and what it reads in turn.
    fn expr(&mut self, expr: &'p Expr, reader: &Reader) {
        let program = self.program;
        // Fields of the records inside the input, where the checker noted their reads.
        for (at, record, field) in self.uses.dated_fields_in(reader.source) {
            let period = program.record(record).fields[field as usize].period;
            if !period.contains(self.day) {
                self.found.push(Finding {
                    reader: reader.clone(),
                    at,
                    problem: Problem::Field { record, field },
                });
            }
        }
        let mut next: Vec<(&'p Expr, Reader)> = Vec::new();
        expr.walk(&mut |e| match e {
            Expr::Global(id) => {
                let global = program.global(*id);
                match &global.def {
                    GlobalDef::Input { kind, field } => {
                        let record = program.kind(*kind).record;
                        let shape = &program.record(record).fields[*field as usize];
                        if !shape.optional
                            && shape.default.is_none()
                            && !shape.period.contains(self.day)
                        {
                            let problem = Problem::Field {
                                record,
                                field: *field,
                            };
                            self.find(reader, *id, problem);
                        }
                    }
                    GlobalDef::Let(variants) => match in_force(variants, self.day) {
                        None => self.find(reader, *id, Problem::NoVersion(*id)),
                        Some(v) if self.globals.insert(*id) => {
                            let name = if global.hidden {
                                reader.name.clone()
                            } else {
                                format!("`{}`", global.name)
                            };
                            next.push((
                                &v.value.expr,
                                Reader {
                                    name,
                                    source: v.value.source,
                                    root: reader.root.clone(),
                                    dated: reader.dated || v.from.is_some(),
                                },
                            ));
                        }
                        Some(_) => {}
                    },
                    GlobalDef::Table(_) => {}
                }
            }
            Expr::TableGet {
                table,
                row,
                column,
                span,
            } => self.table(reader, *table, *span, [(row, true), (column, false)]),
            Expr::TableLabels { table, .. } => self.table(reader, *table, reader.source, []),
            Expr::CallFn { function, .. } if self.functions.insert(*function) => {
                let f = program.function(*function);
                let body = f.body_on(self.day);
                next.push((
                    &body.expr,
                    Reader {
                        name: format!("function `{}`", f.name),
                        source: body.source,
                        root: reader.root.clone(),
                        dated: reader.dated || !std::ptr::eq(body, &f.body),
                    },
                ));
            }
            _ => {}
        });
        for (expr, reader) in next {
            self.expr(expr, &reader);
        }
    }

    /// A table read at `span`: its version in force, and the labels written out that it has.
    fn table<const N: usize>(
        &mut self,
        reader: &Reader,
        table: GlobalId,
        span: Span,
        keys: [(&Expr, bool); N],
    ) {
        let GlobalDef::Table(variants) = &self.program.global(table).def else {
            return;
        };
        let Some(version) = in_force(variants, self.day) else {
            // A table written only with dates (a rate card) marks the day the rules that read
            // it start: a record evaluated earlier is refused, saying when the first version
            // takes effect. Only a rule dated to be in force before it is a mistake.
            if !reader.dated {
                return;
            }
            self.found.push(Finding {
                reader: reader.clone(),
                at: span,
                problem: Problem::NoVersion(table),
            });
            return;
        };
        for (key, rows) in keys {
            let Some(label) = self.constant_text(key) else {
                continue;
            };
            let labels = if rows {
                &version.value.rows
            } else {
                &version.value.columns
            };
            if !labels.iter().any(|l| **l == *label) {
                self.found.push(Finding {
                    reader: reader.clone(),
                    at: span,
                    problem: Problem::Label {
                        table,
                        label: label.to_string(),
                        rows,
                    },
                });
            }
        }
    }

    /// The text `expr` is on the day, when it is written out: a text, or a value whose version
    /// in force is one.
    fn constant_text(&self, expr: &'p Expr) -> Option<&'p str> {
        let mut expr = expr;
        // Bounded: a value defined in terms of itself is an error found before.
        for _ in 0..64 {
            match expr {
                Expr::Const(Value::Text(t)) => return Some(t),
                Expr::Global(id) => match &self.program.global(*id).def {
                    GlobalDef::Let(variants) => expr = &in_force(variants, self.day)?.value.expr,
                    _ => return None,
                },
                _ => return None,
            }
        }
        None
    }

    fn find(&mut self, reader: &Reader, id: GlobalId, problem: Problem) {
        let at = self
            .uses
            .read_in(id, reader.source)
            .unwrap_or(reader.source);
        self.found.push(Finding {
            reader: reader.clone(),
            at,
            problem,
        });
    }
}
