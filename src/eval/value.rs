//! Run-time values: what expressions evaluate to and what the data is read into.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// A calendar month, counted from year 0: `year * 12 + (month - 1)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(pub i32);

impl Month {
    pub fn of(date: NaiveDate) -> Month {
        Month(date.year() * 12 + date.month0() as i32)
    }

    pub fn new(year: i32, month: u32) -> Option<Month> {
        (1..=12)
            .contains(&month)
            .then(|| Month(year * 12 + month as i32 - 1))
    }

    /// Reads `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Month> {
        let (y, m) = text.split_once('-')?;
        if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        Month::new(y.parse().ok()?, m.parse().ok()?)
    }

    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    pub fn month(self) -> u32 {
        self.0.rem_euclid(12) as u32 + 1
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

/// The field names of a record, shared by every record of that kind.
#[derive(Debug, PartialEq, Eq)]
pub struct Layout {
    pub name: String,
    pub fields: Vec<String>,
}

#[derive(Debug)]
pub struct RecordValue {
    pub layout: Arc<Layout>,
    pub fields: Vec<Value>,
}

/// A map read from the data (sorted by key, for fast lookups) or built by `per` (in the
/// order of its list, as people expect to read it).
#[derive(Debug)]
pub struct MapValue {
    pub entries: Vec<(Value, Value)>,
    /// What a missing key reads as, when the input shape gives a `default`.
    pub default: Option<Value>,
    sorted: bool,
    /// For a map keyed by months (a customer's ACR): the entry of each month from the first,
    /// so a month is found without a search.
    by_month: Option<(i32, Vec<u32>)>,
}

const NO_ENTRY: u32 = u32::MAX;

impl MapValue {
    pub fn new(mut entries: Vec<(Value, Value)>, default: Option<Value>) -> MapValue {
        entries.sort_by(|a, b| a.0.cmp_key(&b.0));
        let by_month = month_index(&entries);
        MapValue {
            entries,
            default,
            sorted: true,
            by_month,
        }
    }

    pub fn in_order(entries: Vec<(Value, Value)>) -> MapValue {
        MapValue {
            entries,
            default: None,
            sorted: false,
            by_month: None,
        }
    }

    pub fn get(&self, key: &Value) -> Option<&Value> {
        let found = match (&self.by_month, key) {
            (Some((first, slots)), Value::Month(m)) => {
                let i = m.0 - first;
                if i >= 0 && (i as usize) < slots.len() && slots[i as usize] != NO_ENTRY {
                    Some(slots[i as usize] as usize)
                } else {
                    None
                }
            }
            _ if self.sorted => self.entries.binary_search_by(|(k, _)| k.cmp_key(key)).ok(),
            _ => self.entries.iter().position(|(k, _)| k == key),
        };
        found.map(|i| &self.entries[i].1).or(self.default.as_ref())
    }
}

/// An index by month for sorted entries whose keys are all months, when they are not spread
/// too thin.
fn month_index(entries: &[(Value, Value)]) -> Option<(i32, Vec<u32>)> {
    let (Value::Month(first), Value::Month(last)) = (&entries.first()?.0, &entries.last()?.0)
    else {
        return None;
    };
    let span = (last.0 - first.0) as usize + 1;
    if span > entries.len() * 4 + 32 {
        return None;
    }
    let mut slots = vec![NO_ENTRY; span];
    for (i, (k, _)) in entries.iter().enumerate() {
        let Value::Month(m) = k else { return None };
        slots[(m.0 - first.0) as usize] = i as u32;
    }
    Some((first.0, slots))
}

#[derive(Clone, Debug)]
pub enum Value {
    Bool(bool),
    Number(Decimal),
    Text(Arc<str>),
    Date(NaiveDate),
    Month(Month),
    List(Arc<Vec<Value>>),
    Map(Arc<MapValue>),
    Record(Arc<RecordValue>),
    /// An optional field that the data leaves out.
    Absent,
}

impl Value {
    pub fn text(s: &str) -> Value {
        Value::Text(Arc::from(s))
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(items))
    }

    pub fn as_number(&self) -> Decimal {
        match self {
            Value::Number(n) => *n,
            other => unreachable!("the checker guarantees a number here, found {other:?}"),
        }
    }

    pub fn as_bool(&self) -> bool {
        match self {
            Value::Bool(b) => *b,
            other => unreachable!("the checker guarantees a boolean here, found {other:?}"),
        }
    }

    pub fn as_list(&self) -> &[Value] {
        match self {
            Value::List(items) => items,
            other => unreachable!("the checker guarantees a list here, found {other:?}"),
        }
    }

    pub fn as_text(&self) -> &str {
        match self {
            Value::Text(t) => t,
            other => unreachable!("the checker guarantees a text here, found {other:?}"),
        }
    }

    /// Order of map keys and of `min`/`max`/`lowest`; values of one type only.
    pub fn cmp_key(&self, other: &Value) -> Ordering {
        match (self, other) {
            (Value::Number(a), Value::Number(b)) => a.cmp(b),
            (Value::Text(a), Value::Text(b)) => a.cmp(b),
            (Value::Month(a), Value::Month(b)) => a.cmp(b),
            (Value::Date(a), Value::Date(b)) => a.cmp(b),
            (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
            (Value::List(a), Value::List(b)) => a
                .iter()
                .zip(b.iter())
                .map(|(x, y)| x.cmp_key(y))
                .find(|o| o.is_ne())
                .unwrap_or(a.len().cmp(&b.len())),
            _ => Ordering::Equal,
        }
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::Text(a), Value::Text(b)) => a == b,
            (Value::Date(a), Value::Date(b)) => a == b,
            (Value::Month(a), Value::Month(b)) => a == b,
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Map(a), Value::Map(b)) => a.entries == b.entries,
            (Value::Record(a), Value::Record(b)) => Arc::ptr_eq(a, b) || a.fields == b.fields,
            (Value::Absent, Value::Absent) => true,
            _ => false,
        }
    }
}

impl Eq for Value {}

impl Hash for Value {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        match self {
            Value::Bool(b) => b.hash(state),
            Value::Number(n) => n.normalize().hash(state),
            Value::Text(t) => t.hash(state),
            Value::Date(d) => d.hash(state),
            Value::Month(m) => m.hash(state),
            Value::List(items) => items.hash(state),
            Value::Map(m) => m.entries.len().hash(state),
            Value::Record(r) => r.fields.hash(state),
            Value::Absent => {}
        }
    }
}

/// How a value reads in messages and tables: numbers as written, texts quoted in lists.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(true) => f.write_str("true"),
            Value::Bool(false) => f.write_str("false"),
            Value::Number(n) => write!(f, "{}", n.normalize()),
            Value::Text(t) => f.write_str(t),
            Value::Date(d) => write!(f, "{d}"),
            Value::Month(m) => write!(f, "{m}"),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    match item {
                        Value::Text(t) => write!(f, "\"{t}\"")?,
                        other => write!(f, "{other}")?,
                    }
                }
                f.write_str("]")
            }
            Value::Map(m) => {
                f.write_str("{")?;
                for (i, (k, v)) in m.entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_str("}")
            }
            Value::Record(r) => {
                f.write_str("{")?;
                for (i, (name, v)) in r.layout.fields.iter().zip(&r.fields).enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{name}: {v}")?;
                }
                f.write_str("}")
            }
            Value::Absent => f.write_str("(none)"),
        }
    }
}
