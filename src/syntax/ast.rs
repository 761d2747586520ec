//! The abstract syntax tree of a rule file, as the parser builds it.
//!
//! Every node carries the span it came from; nothing here is resolved or checked yet.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::source::{FileId, Span};

#[derive(Clone, Debug)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct File {
    pub id: FileId,
    pub items: Vec<Item>,
    /// Names declared by items that did not parse: uses of them are not reported again.
    pub unparsed: Vec<String>,
}

#[derive(Clone, Debug)]
pub enum Item {
    Import(Import),
    Shape(ShapeDecl),
    Let(LetDecl),
    Table(TableDecl),
    Template(TemplateDecl),
    Designation(Designation),
    Output(OutputDecl),
    Test(TestDecl),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Import(i) => i.span,
            Item::Shape(s) => s.span,
            Item::Let(l) => l.span,
            Item::Table(t) => t.span,
            Item::Template(t) => t.span,
            Item::Designation(d) => d.span,
            Item::Output(o) => o.span,
            Item::Test(t) => t.span,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Import {
    pub path: String,
    pub path_span: Span,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteKind {
    Source,
    Assumption,
}

/// `source "..."` or `assumption "..."`: the citation an auditor follows.
#[derive(Clone, Debug)]
pub struct Note {
    pub kind: NoteKind,
    pub text: String,
    pub span: Span,
}

/// `input NAME { ... }` (the data a rule set reads) or `record NAME { ... }` (a part of it).
#[derive(Clone, Debug)]
pub struct ShapeDecl {
    pub is_input: bool,
    pub name: Ident,
    pub title: Option<String>,
    pub notes: Vec<Note>,
    pub fields: Vec<FieldDecl>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct FieldDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    pub modifiers: Vec<Modifier>,
    pub notes: Vec<Note>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct TypeExpr {
    pub kind: TypeExprKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum TypeExprKind {
    /// `text`, `number`, `date`, `month`, `boolean`, a record or a table axis.
    Named(Ident),
    Whole,
    Optional(Box<TypeExpr>),
    List(Box<TypeExpr>),
    Map(Box<TypeExpr>, Box<TypeExpr>),
    Enum(Vec<(String, Span)>),
}

#[derive(Clone, Debug)]
pub enum ModifierKind {
    Identifier,
    DisplayName,
    EvaluationDate,
    /// `from DATE until DATE`: when the data has this field.
    Period(Period),
    AtLeast(Decimal),
    AtMost(Decimal),
    Default(Literal),
    UniqueBy(Ident),
    RefersTo(Ident, Ident),
}

#[derive(Clone, Debug)]
pub struct Modifier {
    pub kind: ModifierKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Number(Decimal),
    Text(String),
    Bool(bool),
    Date(NaiveDate),
}

/// `let name(params) from DATE = body`, with its notes.
#[derive(Clone, Debug)]
pub struct LetDecl {
    pub name: Ident,
    pub params: Option<Vec<Param>>,
    pub from: Option<(NaiveDate, Span)>,
    pub body: Expr,
    pub notes: Vec<Note>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Param {
    pub name: Ident,
    pub ty: TypeExpr,
}

#[derive(Clone, Debug)]
pub struct TableDecl {
    pub name: Ident,
    pub from: Option<(NaiveDate, Span)>,
    pub notes: Vec<Note>,
    pub row_axis: Ident,
    pub column_axis: Ident,
    pub columns: Vec<Ident>,
    pub rows: Vec<TableRow>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct TableRow {
    pub label: Ident,
    pub cells: Vec<(Decimal, Span)>,
    pub span: Span,
}

/// `from DATE until DATE`: when a designation, category or subcategory is in force.
#[derive(Clone, Copy, Debug, Default)]
pub struct Period {
    pub from: Option<(NaiveDate, Span)>,
    pub until: Option<(NaiveDate, Span)>,
}

/// `max N from DATE`: a maximum that changes on a date.
#[derive(Clone, Copy, Debug)]
pub struct MaxChange {
    pub value: Decimal,
    pub from: NaiveDate,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Designation {
    pub name: String,
    pub name_span: Span,
    pub period: Period,
    pub form: DesignationForm,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum DesignationForm {
    Written(Box<DesignationBody>),
    /// `designation "Name" = template(args)`.
    FromTemplate {
        template: Ident,
        args: Vec<Expr>,
        notes: Vec<Note>,
        span: Span,
    },
}

/// What a designation (or a template of designations) is made of.
#[derive(Clone, Debug, Default)]
pub struct DesignationBody {
    pub notes: Vec<Note>,
    pub path: Option<Expr>,
    pub threshold: Option<Expr>,
    pub max: Option<(Decimal, Span)>,
    pub max_changes: Vec<MaxChange>,
    pub categories: Vec<Category>,
    pub requires: Vec<Require>,
}

/// `template name(params) { ... }`: a designation written once and used by several.
#[derive(Clone, Debug)]
pub struct TemplateDecl {
    pub name: Ident,
    pub params: Vec<Param>,
    /// A later version of the template of this name, from this day.
    pub from: Option<(NaiveDate, Span)>,
    pub body: DesignationBody,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Category {
    pub name: String,
    pub name_span: Span,
    pub max: (Decimal, Span),
    pub max_changes: Vec<MaxChange>,
    pub period: Period,
    pub notes: Vec<Note>,
    pub subcategories: Vec<Subcategory>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Subcategory {
    pub name: String,
    pub name_span: Span,
    pub max: (Decimal, Span),
    pub max_changes: Vec<MaxChange>,
    pub period: Period,
    pub notes: Vec<Note>,
    pub points: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Require {
    pub label: Option<String>,
    pub condition: Expr,
    pub notes: Vec<Note>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct OutputDecl {
    pub notes: Vec<Note>,
    pub fields: Vec<OutputField>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct OutputField {
    pub name: Ident,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct TestDecl {
    pub name: String,
    pub name_span: Span,
    pub data: TestData,
    pub date: Option<(NaiveDate, Span)>,
    pub expectations: Vec<Expectation>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum TestData {
    /// A data file, relative to the rule file.
    Path(String, Span),
    /// A JSON object written in the rule file.
    Inline(String, Span),
}

#[derive(Clone, Debug)]
pub struct Expectation {
    pub target: ExpectTarget,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ExpectTarget {
    /// `"Designation"` (attained), `"Designation".total`, `"Designation"."Subcategory"`.
    Designation {
        name: String,
        field: Option<(String, Span)>,
        span: Span,
    },
    /// A named value or output field, for example `net_customer_adds` or `best_mix.packs`.
    Value(Expr),
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "=",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::NotIn => "not in",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        }
    }

    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge
        )
    }
}

/// The binder forms `KIND x in list: body`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinderKind {
    /// The sum of the body over the list.
    Sum,
    /// True when the body is true for every element.
    All,
    /// True when the body is true for some element.
    Any,
    /// The list of the body's values.
    Each,
    /// A map from each element to the body's value.
    Per,
    /// The element with the lowest body value (the first on a tie).
    Lowest,
    /// The least of the body's values.
    Min,
    /// The greatest of the body's values.
    Max,
}

impl BinderKind {
    pub fn word(self) -> &'static str {
        match self {
            BinderKind::Sum => "sum",
            BinderKind::All => "all",
            BinderKind::Any => "any",
            BinderKind::Each => "each",
            BinderKind::Per => "per",
            BinderKind::Lowest => "lowest",
            BinderKind::Min => "min",
            BinderKind::Max => "max",
        }
    }
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Number(Decimal),
    Text(String),
    Bool(bool),
    Date(NaiveDate),
    /// A month literal, `2024-12`, counted in months from year 0 (as the IR's months are).
    Month(i32),
    Name(String),
    List(Vec<Expr>),
    Record(Vec<(Ident, Expr)>),
    Call(Ident, Vec<Expr>),
    Field(Box<Expr>, Ident),
    Index(Box<Expr>, Vec<Expr>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `list where condition`: the element's fields are names in the condition.
    Where(Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Case(Box<Expr>, Vec<(Expr, Expr)>, Option<Box<Expr>>),
    Binder(BinderKind, Ident, Box<Expr>, Box<Expr>),
}
