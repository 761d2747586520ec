//! The types of the language, as the checker infers them.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

/// Index of a record shape in [`crate::ir::Program::records`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RecordId(pub u32);

/// Index of a global (a let, table or input field) in [`crate::ir::Program::globals`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GlobalId(pub u32);

/// A text that can only be one of known values: a `one of` field, a table's row or column
/// labels, or texts written in the rules (`"smb"`, `"enterprise"`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// The name of the kind of text (`feature`), when it has one.
    pub name: Option<String>,
    pub values: BTreeSet<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Type {
    Bool,
    Number,
    Text,
    Choice(Arc<Choice>),
    Date,
    Month,
    List(Box<Type>),
    Map(Box<Type>, Box<Type>),
    Record(RecordId, Arc<str>),
    /// A record written in the rules: `{ name: ..., points: ... }`.
    Struct(Arc<Vec<(String, Type)>>),
    Optional(Box<Type>),
    Table(GlobalId),
    /// The element type of `[]`, which fits any list.
    Nothing,
    /// An expression that already has an error: it fits anything, so one mistake is reported once.
    Error,
}

impl Type {
    pub fn literal(text: &str) -> Type {
        Type::Choice(Arc::new(Choice {
            name: None,
            values: BTreeSet::from([text.to_string()]),
        }))
    }

    pub fn list(of: Type) -> Type {
        Type::List(Box::new(of))
    }

    pub fn is_error(&self) -> bool {
        matches!(self, Type::Error)
    }

    pub fn is_textual(&self) -> bool {
        matches!(self, Type::Text | Type::Choice(_) | Type::Error)
    }

    pub fn element(&self) -> Option<&Type> {
        match self {
            Type::List(t) => Some(t),
            _ => None,
        }
    }

    /// Whether a value of type `self` may stand where `want` is expected.
    pub fn fits(&self, want: &Type) -> bool {
        match (self, want) {
            (Type::Error, _) | (_, Type::Error) | (Type::Nothing, _) => true,
            (Type::Choice(_), Type::Text) => true,
            (Type::Choice(a), Type::Choice(b)) => match (&a.name, &b.name) {
                (Some(x), Some(y)) => x == y,
                _ => a.values.is_subset(&b.values) || b.name.is_none(),
            },
            (Type::Text, Type::Choice(c)) => c.name.is_some(),
            (Type::List(a), Type::List(b)) => a.fits(b),
            (Type::Map(ka, va), Type::Map(kb, vb)) => ka.fits(kb) && va.fits(vb),
            (Type::Record(a, _), Type::Record(b, _)) => a == b,
            (Type::Struct(a), Type::Struct(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b.iter())
                        .all(|((n, x), (m, y))| n == m && x.fits(y))
            }
            (a, Type::Optional(b)) => a.fits(b) || matches!(a, Type::Optional(x) if x.fits(b)),
            (a, b) => a == b,
        }
    }

    /// The type of `if c then a else b`, `[a, b]` and such: the least type both fit.
    pub fn join(&self, other: &Type) -> Option<Type> {
        match (self, other) {
            (Type::Error, _) | (_, Type::Error) => Some(Type::Error),
            (Type::Nothing, t) | (t, Type::Nothing) => Some(t.clone()),
            (Type::Choice(a), Type::Choice(b)) if a.name.is_none() && b.name.is_none() => {
                let values = a.values.union(&b.values).cloned().collect();
                Some(Type::Choice(Arc::new(Choice { name: None, values })))
            }
            (Type::Choice(a), Type::Choice(b)) if a == b => Some(self.clone()),
            (a, b) if a.is_textual() && b.is_textual() => Some(Type::Text),
            (Type::List(a), Type::List(b)) => a.join(b).map(Type::list),
            (a, b) if a == b => Some(a.clone()),
            _ => None,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("true or false"),
            Type::Number => f.write_str("number"),
            Type::Text => f.write_str("text"),
            Type::Choice(c) => match &c.name {
                Some(name) => f.write_str(name),
                None => {
                    let values: Vec<String> = c.values.iter().map(|v| format!("\"{v}\"")).collect();
                    if values.len() == 1 {
                        write!(f, "text {}", values[0])
                    } else {
                        write!(f, "one of {}", values.join(", "))
                    }
                }
            },
            Type::Date => f.write_str("date"),
            Type::Month => f.write_str("month"),
            Type::List(t) => write!(f, "list of {t}"),
            Type::Map(k, v) => write!(f, "map of {k} to {v}"),
            Type::Record(_, name) => f.write_str(name),
            Type::Struct(fields) => {
                let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
                write!(f, "record {{{}}}", names.join(", "))
            }
            Type::Optional(t) => write!(f, "optional {t}"),
            Type::Table(_) => f.write_str("table"),
            Type::Nothing => f.write_str("nothing"),
            Type::Error => f.write_str("(error)"),
        }
    }
}
