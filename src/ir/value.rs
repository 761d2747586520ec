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
        let b = text.as_bytes();
        if b.len() != 7 || b[4] != b'-' {
            return None;
        }
        let digit = |i: usize| b[i].is_ascii_digit().then(|| u32::from(b[i] - b'0'));
        let year = digit(0)? * 1000 + digit(1)? * 100 + digit(2)? * 10 + digit(3)?;
        Month::new(year as i32, digit(5)? * 10 + digit(6)?)
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
    by_month: Option<MonthIndex>,
}

/// Months an index kept in the map itself covers: four years of months, found with one
/// pointer less to follow than in a separate list.
const NEAR_MONTHS: usize = 48;

/// The position in `entries` of each month from `first` (`u8::MAX` or `u32::MAX`: none).
#[derive(Debug)]
enum MonthIndex {
    Near {
        first: i32,
        slots: [u8; NEAR_MONTHS],
    },
    Far {
        first: i32,
        slots: Vec<u32>,
    },
}

impl MonthIndex {
    #[inline]
    fn position(&self, month: Month) -> Option<usize> {
        // A month before the first wraps to a position past the end.
        match self {
            MonthIndex::Near { first, slots } => {
                let i = month.0.wrapping_sub(*first) as u32 as usize;
                slots.get(i).filter(|&&s| s != u8::MAX).map(|&s| s as usize)
            }
            MonthIndex::Far { first, slots } => {
                let i = month.0.wrapping_sub(*first) as u32 as usize;
                slots
                    .get(i)
                    .filter(|&&s| s != u32::MAX)
                    .map(|&s| s as usize)
            }
        }
    }
}

impl MapValue {
    pub fn new(mut entries: Vec<(Value, Value)>, default: Option<Value>) -> MapValue {
        entries.sort_by(|a, b| a.0.cmp_key(&b.0));
        MapValue::sorted(entries, default)
    }

    /// A map whose entries are already sorted by key.
    pub fn sorted(entries: Vec<(Value, Value)>, default: Option<Value>) -> MapValue {
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

    #[inline]
    pub fn get(&self, key: &Value) -> Option<&Value> {
        let found = match (&self.by_month, key) {
            (Some(index), Value::Month(m)) => index.position(*m),
            _ => self.search(key),
        };
        found.map(|i| &self.entries[i].1).or(self.default.as_ref())
    }

    fn search(&self, key: &Value) -> Option<usize> {
        if self.sorted {
            self.entries.binary_search_by(|(k, _)| k.cmp_key(key)).ok()
        } else {
            self.entries.iter().position(|(k, _)| k == key)
        }
    }
}

/// Whether the keys are in order without repeats (data usually lists a map that way).
pub fn strictly_sorted(entries: &[(Value, Value)]) -> bool {
    entries.windows(2).all(|w| match (&w[0].0, &w[1].0) {
        (Value::Month(a), Value::Month(b)) => a < b,
        (a, b) => a.cmp_key(b).is_lt(),
    })
}

/// An index by month for sorted entries whose keys are all months, when they are not spread
/// too thin.
fn month_index(entries: &[(Value, Value)]) -> Option<MonthIndex> {
    let (Value::Month(first), Value::Month(last)) = (&entries.first()?.0, &entries.last()?.0)
    else {
        return None;
    };
    let first = first.0;
    let span = (last.0 - first) as usize + 1;
    // Every key a month from `first` to `last`; anything else (a key the reader refused, in a
    // record that is bad anyway) and there is no index.
    let months = entries.iter().map(|(k, _)| match k {
        Value::Month(m) if (first..=last.0).contains(&m.0) => Some((m.0 - first) as usize),
        _ => None,
    });
    if span <= NEAR_MONTHS && entries.len() < u8::MAX as usize {
        let mut slots = [u8::MAX; NEAR_MONTHS];
        for (i, month) in months.enumerate() {
            slots[month?] = i as u8;
        }
        Some(MonthIndex::Near { first, slots })
    } else if span <= entries.len() * 4 + 32 {
        let mut slots = vec![u32::MAX; span];
        for (i, month) in months.enumerate() {
            slots[month?] = i as u32;
        }
        Some(MonthIndex::Far { first, slots })
    } else {
        None
    }
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

    #[inline]
    pub fn as_number(&self) -> Decimal {
        match self {
            Value::Number(n) => *n,
            other => unreachable!("the checker guarantees a number here, found {other:?}"),
        }
    }

    #[inline]
    pub fn as_bool(&self) -> bool {
        match self {
            Value::Bool(b) => *b,
            other => unreachable!("the checker guarantees a boolean here, found {other:?}"),
        }
    }

    #[inline]
    pub fn as_list(&self) -> &[Value] {
        match self {
            Value::List(items) => items,
            other => unreachable!("the checker guarantees a list here, found {other:?}"),
        }
    }

    #[inline]
    pub fn as_text(&self) -> &str {
        match self {
            Value::Text(t) => t,
            other => unreachable!("the checker guarantees a text here, found {other:?}"),
        }
    }

    /// Order of map keys and of `min`/`max`/`lowest`; values of one type only.
    pub fn cmp_key(&self, other: &Value) -> Ordering {
        match (self, other) {
            (Value::Number(a), Value::Number(b)) => compare_numbers(a, b),
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
            // Keys of one map are of one kind, but for a key the reader refused (absent):
            // kinds are ranked, so that the order stays total and a sort stays sound.
            _ => self.kind_rank().cmp(&other.kind_rank()),
        }
    }

    fn kind_rank(&self) -> u8 {
        match self {
            Value::Absent => 0,
            Value::Bool(_) => 1,
            Value::Number(_) => 2,
            Value::Text(_) => 3,
            Value::Date(_) => 4,
            Value::Month(_) => 5,
            Value::List(_) => 6,
            Value::Map(_) => 7,
            Value::Record(_) => 8,
        }
    }
}

/// The order of two decimals, as `Decimal::cmp` gives it, but quicker for the usual case of
/// amounts in cents against whole thresholds: the mantissas brought to the same scale.
fn compare_numbers(a: &Decimal, b: &Decimal) -> Ordering {
    const POWERS: [i128; 10] = [
        1,
        10,
        100,
        1_000,
        10_000,
        100_000,
        1_000_000,
        10_000_000,
        100_000_000,
        1_000_000_000,
    ];
    let (x, y) = (a.mantissa(), b.mantissa());
    let (sa, sb) = (a.scale() as usize, b.scale() as usize);
    // A mantissa has at most 96 bits: times 10^9 it still fits an i128.
    match sa.cmp(&sb) {
        Ordering::Equal => x.cmp(&y),
        Ordering::Less if sb - sa < POWERS.len() => (x * POWERS[sb - sa]).cmp(&y),
        Ordering::Greater if sa - sb < POWERS.len() => x.cmp(&(y * POWERS[sa - sb])),
        _ => a.cmp(b),
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
