//! The checked program: every name resolved to a slot, every type known.
//!
//! The checker builds it from the AST; the evaluator runs it; reports and tools read it.

pub mod budget;
pub mod builtins;
pub mod describe;
pub mod types;
pub mod value;
pub mod walk;

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::ir::builtins::Builtin;
use crate::ir::types::{GlobalId, RecordId, Type};
use crate::ir::value::{Layout, RecordValue, Value};
use crate::source::{SourceMap, Span};
use crate::syntax::ast::{BinderKind, Note};

/// Index of a function in [`Program::functions`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FnId(pub u32);

/// Index of an input kind in [`Program::kinds`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KindId(pub u32);

#[derive(Debug, Default)]
pub struct Program {
    pub sources: SourceMap,
    /// The files that were named (or found in a named folder), not only imported.
    pub roots: Vec<crate::source::FileId>,
    pub records: Vec<RecordShape>,
    pub globals: Vec<Global>,
    pub functions: Vec<Function>,
    pub kinds: Vec<InputKind>,
    pub tests: Vec<Test>,
    /// The digest of `sources`, worked out when first asked for (see [`crate::stamp`]).
    pub digest: std::sync::OnceLock<Arc<str>>,
    /// The work each record's evaluation may take; the command line's `--max-steps` and
    /// `--max-memory` change it.
    pub budget: budget::Budget,
}

impl Program {
    /// Every day on which some part of the rules changes (a dated version of a value,
    /// function or table takes effect, a designation's structure changes, an input field
    /// starts or stops), in order: the timeline a document of the rules shows.
    pub fn effective_dates(&self) -> Vec<NaiveDate> {
        let mut dates = Vec::new();
        for global in &self.globals {
            match &global.def {
                GlobalDef::Let(variants) => dates.extend(variants.iter().filter_map(|v| v.from)),
                GlobalDef::Table(variants) => dates.extend(variants.iter().filter_map(|v| v.from)),
                GlobalDef::Input { .. } => {}
            }
        }
        for function in &self.functions {
            dates.extend(function.later.iter().filter_map(|v| v.from));
        }
        for kind in &self.kinds {
            for d in &kind.designations {
                dates.extend(d.dates());
            }
        }
        for record in &self.records {
            dates.extend(record.fields.iter().flat_map(|f| f.period.dates()));
        }
        dates.sort();
        dates.dedup();
        dates
    }

    /// The SHA-256 of the loaded rule files, as every result's stamp carries it.
    pub fn rules_digest(&self) -> Arc<str> {
        self.digest
            .get_or_init(|| crate::stamp::rules_digest(&self.sources).into())
            .clone()
    }

    pub fn global(&self, id: GlobalId) -> &Global {
        &self.globals[id.0 as usize]
    }

    pub fn record(&self, id: RecordId) -> &RecordShape {
        &self.records[id.0 as usize]
    }

    pub fn function(&self, id: FnId) -> &Function {
        &self.functions[id.0 as usize]
    }

    pub fn kind(&self, id: KindId) -> &InputKind {
        &self.kinds[id.0 as usize]
    }
}

/// A named value: a field of the input, a `let`, or a table.
#[derive(Debug)]
pub struct Global {
    pub name: String,
    pub span: Span,
    pub ty: Type,
    pub def: GlobalDef,
    /// Made by the checker, not written in the rules: a template's argument, or a part of an
    /// expression that is the same for every element of a list (see `check::memo`).
    pub hidden: bool,
}

impl Global {
    /// A value the checker makes from `expr`, written at `span`: one version, no notes.
    pub fn hidden(name: String, span: Span, ty: Type, expr: Expr, frame: u32) -> Global {
        let variant = Variant {
            from: None,
            span,
            notes: Vec::new(),
            value: Body {
                expr,
                frame,
                source: span,
            },
        };
        Global {
            name,
            span,
            ty,
            def: GlobalDef::Let(vec![variant]),
            hidden: true,
        }
    }
}

#[derive(Debug)]
pub enum GlobalDef {
    Input { kind: KindId, field: u32 },
    Let(Vec<Variant<Body>>),
    Table(Vec<Variant<Arc<TableData>>>),
}

/// One dated variant of a let or table; `from: None` is in force since always.
/// Variants are sorted by date, the undated one first.
#[derive(Debug)]
pub struct Variant<T> {
    pub from: Option<NaiveDate>,
    pub span: Span,
    pub notes: Vec<Note>,
    pub value: T,
}

/// An expression with the number of local slots it needs.
#[derive(Debug)]
pub struct Body {
    pub expr: Expr,
    pub frame: u32,
    /// Where the expression is written, for documents and explanations.
    pub source: Span,
}

#[derive(Debug)]
pub struct TableData {
    pub row_axis: String,
    pub column_axis: String,
    pub rows: Vec<Arc<str>>,
    pub columns: Vec<Arc<str>>,
    /// Row after row.
    pub cells: Vec<Decimal>,
}

impl TableData {
    pub fn get(&self, row: &str, column: &str) -> Option<Decimal> {
        let r = self.rows.iter().position(|l| &**l == row)?;
        let c = self.columns.iter().position(|l| &**l == column)?;
        Some(self.cells[r * self.columns.len() + c])
    }
}

#[derive(Debug)]
pub struct Function {
    pub name: String,
    pub span: Span,
    pub params: Vec<(String, Type)>,
    pub ret: Type,
    pub notes: Vec<Note>,
    pub body: Body,
    /// Versions from later dates (`let f(x: number) from 2026-07-01 = ...`), by date.
    pub later: Vec<Variant<Body>>,
}

impl Function {
    /// The version of the body in force on `date`.
    pub fn body_on(&self, date: NaiveDate) -> &Body {
        self.later
            .iter()
            .rev()
            .find(|v| v.from.is_some_and(|from| from <= date))
            .map_or(&self.body, |v| &v.value)
    }
}

/// The data one rule set reads, and what it computes from it.
#[derive(Debug)]
pub struct InputKind {
    pub name: String,
    pub title: Option<String>,
    pub span: Span,
    pub record: RecordId,
    pub identifier: Option<u32>,
    pub display_name: Option<u32>,
    pub evaluation_date: Option<u32>,
    pub designations: Vec<Designation>,
    pub output: Vec<OutputField>,
}

/// When a designation, category or subcategory is in force: from a day on (`from`, included)
/// up to a day (`until`, not included). Both open: always.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Period {
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

impl Period {
    pub fn contains(self, date: NaiveDate) -> bool {
        self.from.is_none_or(|from| from <= date) && self.until.is_none_or(|until| date < until)
    }

    /// The days on which it starts or stops being in force.
    pub fn dates(self) -> impl Iterator<Item = NaiveDate> {
        self.from.into_iter().chain(self.until)
    }

    /// The intervals of time that `dates` (sorted, without repeats) split time into, each with
    /// a day in it: before the first date, then from each date up to the next.
    pub fn intervals(dates: &[NaiveDate]) -> Vec<(Period, NaiveDate)> {
        let mut out = Vec::new();
        if let Some(day) = dates.first().and_then(|d| d.pred_opt()) {
            out.push((
                Period {
                    from: None,
                    until: Some(dates[0]),
                },
                day,
            ));
        }
        for (i, &from) in dates.iter().enumerate() {
            out.push((
                Period {
                    from: Some(from),
                    until: dates.get(i + 1).copied(),
                },
                from,
            ));
        }
        out
    }

    /// How a reader is told when it is in force: `from 2026-07-01`, `before 2026-07-01`,
    /// `from 2025-07-01 until 2026-07-01`; none when always.
    pub fn describe(self) -> Option<String> {
        match (self.from, self.until) {
            (None, None) => None,
            (Some(from), None) => Some(format!("from {from}")),
            (None, Some(until)) => Some(format!("before {until}")),
            (Some(from), Some(until)) => Some(format!("from {from} until {until}")),
        }
    }
}

/// `max N from DATE`: a maximum that changes on a day. Sorted by date.
#[derive(Clone, Copy, Debug)]
pub struct MaxChange {
    pub from: NaiveDate,
    pub value: Decimal,
    pub span: Span,
}

/// The maximum in force on `date`: the last change made by then, or `base`.
pub fn max_on(base: Decimal, changes: &[MaxChange], date: NaiveDate) -> Decimal {
    changes
        .iter()
        .rev()
        .find(|c| c.from <= date)
        .map_or(base, |c| c.value)
}

/// Slots of a designation's frame that its `require`s read.
pub const SLOT_TOTAL: u32 = 0;
pub const SLOT_THRESHOLD: u32 = 1;
pub const SLOT_SUBCATEGORIES: u32 = 2;
pub const SLOT_PATH: u32 = 3;
/// The first slot free for the designation's own expressions.
pub const SLOT_FIRST_FREE: u32 = 4;

#[derive(Debug)]
pub struct Designation {
    pub name: String,
    pub span: Span,
    pub notes: Vec<Note>,
    pub path: Option<Expr>,
    pub threshold: Option<Expr>,
    pub threshold_span: Option<Span>,
    pub max: Option<Decimal>,
    pub max_span: Option<Span>,
    /// `max N from DATE` lines, by date.
    pub max_changes: Vec<MaxChange>,
    /// When this designation (this version of it) is in force.
    pub period: Period,
    pub categories: Vec<Category>,
    pub requires: Vec<Require>,
    pub frame: u32,
    /// The layout of the records in `subcategories`.
    pub subcategory_layout: Arc<Layout>,
}

#[derive(Debug)]
pub struct Category {
    pub name: Arc<str>,
    pub span: Span,
    pub max: Decimal,
    pub max_span: Span,
    pub max_changes: Vec<MaxChange>,
    pub period: Period,
    pub notes: Vec<Note>,
    pub subcategories: Vec<Subcategory>,
}

impl Category {
    pub fn max_on(&self, date: NaiveDate) -> Decimal {
        max_on(self.max, &self.max_changes, date)
    }
}

impl Designation {
    pub fn max_on(&self, date: NaiveDate) -> Option<Decimal> {
        self.max.map(|base| max_on(base, &self.max_changes, date))
    }

    /// Every day on which this designation's structure changes: it, a category or a
    /// subcategory starts or stops, or a maximum changes.
    pub fn dates(&self) -> Vec<NaiveDate> {
        let mut dates: Vec<NaiveDate> = self.period.dates().collect();
        dates.extend(self.max_changes.iter().map(|c| c.from));
        for c in &self.categories {
            dates.extend(c.period.dates());
            dates.extend(c.max_changes.iter().map(|m| m.from));
            for s in &c.subcategories {
                dates.extend(s.period.dates());
                dates.extend(s.max_changes.iter().map(|m| m.from));
            }
        }
        dates.sort();
        dates.dedup();
        dates
    }
}

#[derive(Debug)]
pub struct Subcategory {
    pub name: Arc<str>,
    pub span: Span,
    pub max: Decimal,
    pub max_span: Span,
    pub max_changes: Vec<MaxChange>,
    pub period: Period,
    pub notes: Vec<Note>,
    /// The `source` notes, joined: what the result carries.
    pub source: Option<std::sync::Arc<str>>,
    pub points: Expr,
    pub points_span: Span,
}

impl Subcategory {
    pub fn max_on(&self, date: NaiveDate) -> Decimal {
        max_on(self.max, &self.max_changes, date)
    }
}

#[derive(Debug)]
pub struct Require {
    pub label: Option<String>,
    pub span: Span,
    pub condition_span: Span,
    pub notes: Vec<Note>,
    pub condition: Expr,
}

#[derive(Debug)]
pub struct OutputField {
    pub name: String,
    pub span: Span,
    pub body: Body,
}

/// The shape of a record in the data.
#[derive(Debug)]
pub struct RecordShape {
    pub name: String,
    pub title: Option<String>,
    pub span: Span,
    pub layout: Arc<Layout>,
    pub fields: Vec<FieldShape>,
}

impl RecordShape {
    pub fn field(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }
}

#[derive(Debug)]
pub struct FieldShape {
    pub name: String,
    pub span: Span,
    pub notes: Vec<Note>,
    pub ty: ShapeType,
    pub optional: bool,
    pub default: Option<Value>,
    pub at_least: Option<Decimal>,
    pub at_most: Option<Decimal>,
    /// For a list of records: the field that must differ between its elements.
    pub unique_by: Option<u32>,
    /// The value must be the key field of an element of a list of the input.
    pub refers_to: Option<Reference>,
    /// Something in this field is checked once the whole record is read (a reference, a
    /// table label, or a dated field's presence), so the check visits it.
    pub cross_check: bool,
    /// When the data has this field (`from DATE`, `until DATE`): outside it, it may be left out.
    pub period: Period,
}

#[derive(Debug, Clone)]
pub struct Reference {
    pub list_field: u32,
    pub key_field: u32,
    pub text: String,
}

#[derive(Debug, Clone)]
pub enum ShapeType {
    Text,
    Number {
        whole: bool,
    },
    Bool,
    Date,
    Month,
    Choice(Arc<[String]>),
    /// The row or column labels of a table.
    Axis {
        table: GlobalId,
        rows: bool,
        name: String,
    },
    List(Box<ShapeType>),
    Map(Box<ShapeType>, Box<ShapeType>),
    Record(RecordId),
}

#[derive(Debug)]
pub struct Test {
    pub name: String,
    pub span: Span,
    pub kind: Option<KindId>,
    pub data: TestInput,
    /// Replaces the data's evaluation date.
    pub date: Option<NaiveDate>,
    pub expectations: Vec<Expectation>,
    /// For a test without a `date` line: what its expectations read that is not in force in
    /// an interval (a value with no version then, a field the data lacks then). The date of
    /// its data, read after checking, says whether it is an error.
    pub outside_dates: Vec<(Period, crate::diagnostic::Diag)>,
}

#[derive(Debug)]
pub enum TestInput {
    File(std::path::PathBuf, Span),
    Inline(String, Span),
}

#[derive(Debug)]
pub struct Expectation {
    pub span: Span,
    pub target: ExpectTarget,
    pub expected: Value,
    pub expected_text: String,
}

#[derive(Debug)]
pub enum ExpectTarget {
    Attained {
        designation: usize,
    },
    Total {
        designation: usize,
    },
    Path {
        designation: usize,
    },
    Points {
        designation: usize,
        category: usize,
        subcategory: usize,
    },
    Value {
        body: Body,
        text: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compare {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Compare {
    /// How the comparison is written in a rule file.
    pub fn symbol(self) -> &'static str {
        match self {
            Compare::Eq => "=",
            Compare::Ne => "!=",
            Compare::Lt => "<",
            Compare::Le => "<=",
            Compare::Gt => ">",
            Compare::Ge => ">=",
        }
    }

    /// The comparison that holds exactly when this one does not.
    pub fn negated(self) -> Compare {
        match self {
            Compare::Eq => Compare::Ne,
            Compare::Ne => Compare::Eq,
            Compare::Lt => Compare::Ge,
            Compare::Le => Compare::Gt,
            Compare::Gt => Compare::Le,
            Compare::Ge => Compare::Lt,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    MonthPlus,
    MonthMinus,
    MonthsBetween,
    DatePlus,
    DateMinus,
    DaysBetween,
    /// `list + list`: the first list, then the entries of the second it does not have.
    ListPlus,
    /// `list - list`: the first list without the entries of the second.
    ListMinus,
}

#[derive(Debug)]
pub enum Expr {
    Const(Value),
    Global(GlobalId),
    Local(u32),
    Field(Box<Expr>, u32),
    /// `list.field`: the field of every element.
    Project(Box<Expr>, u32),
    MapGet {
        map: Box<Expr>,
        key: Box<Expr>,
        span: Span,
    },
    TableGet {
        table: GlobalId,
        row: Box<Expr>,
        column: Box<Expr>,
        span: Span,
    },
    /// `rows(table)` or `columns(table)`.
    TableLabels {
        table: GlobalId,
        rows: bool,
    },
    Not(Box<Expr>),
    Neg(Box<Expr>, Span),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Compare(Compare, Box<Expr>, Box<Expr>),
    Arith(Arith, Box<Expr>, Box<Expr>, Span),
    In {
        item: Box<Expr>,
        list: Box<Expr>,
        negated: bool,
    },
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Case {
        subject: Box<Expr>,
        arms: Vec<(Expr, Expr)>,
        otherwise: Option<Box<Expr>>,
        span: Span,
    },
    /// `list where condition`, the element in `slot`.
    Filter {
        list: Box<Expr>,
        slot: u32,
        condition: Box<Expr>,
    },
    Binder {
        kind: BinderKind,
        slot: u32,
        list: Box<Expr>,
        body: Box<Expr>,
        span: Span,
    },
    List(Vec<Expr>),
    Record(Arc<Layout>, Vec<Expr>),
    Call {
        builtin: Builtin,
        args: Vec<Expr>,
        span: Span,
    },
    CallFn {
        function: FnId,
        args: Vec<Expr>,
        span: Span,
    },
}

/// The variant of a dated let or table in force on `date`: the newest that has taken effect
/// by then, never one dated later.
pub fn in_force<T>(variants: &[Variant<T>], date: NaiveDate) -> Option<&Variant<T>> {
    variants
        .iter()
        .rev()
        .find(|v| v.from.is_none_or(|from| from <= date))
}

/// The day a record is evaluated as of: its own evaluation date when the input declares one
/// and the record has it, otherwise `as_of` (`--as-of`, or today).
pub fn evaluation_date(
    program: &Program,
    kind: KindId,
    record: &RecordValue,
    as_of: NaiveDate,
) -> NaiveDate {
    program
        .kind(kind)
        .evaluation_date
        .and_then(|i| match record.fields.get(i as usize) {
            Some(Value::Date(d)) => Some(*d),
            _ => None,
        })
        .unwrap_or(as_of)
}
