//! The built-in functions the language knows: their names, how each is called, and the
//! decimals a `text` format asks for. Their types are checked in `check::builtins`; what
//! each computes is in `eval::builtins`.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    Count,
    Sum,
    Unique,
    Min,
    Max,
    Clamp,
    Floor,
    Ceil,
    Round,
    Abs,
    MonthOf,
    Months,
    Keys,
    Values,
    Rows,
    Columns,
    Text,
    ValueOr,
}

/// Name, then how it is called, for the language reference and "did you mean".
pub const BUILTINS: [(&str, Builtin, &str); 18] = [
    ("count", Builtin::Count, "count(list): how many elements"),
    (
        "sum",
        Builtin::Sum,
        "sum(list of numbers): their total (0 for an empty list)",
    ),
    (
        "unique",
        Builtin::Unique,
        "unique(list): the list without repeated elements, first ones kept",
    ),
    (
        "min",
        Builtin::Min,
        "min(a, b, ...) or min(list): the least",
    ),
    (
        "max",
        Builtin::Max,
        "max(a, b, ...) or max(list): the greatest",
    ),
    (
        "clamp",
        Builtin::Clamp,
        "clamp(x, low, high): x, but at least low and at most high",
    ),
    (
        "floor",
        Builtin::Floor,
        "floor(x): x rounded down to a whole number",
    ),
    (
        "ceil",
        Builtin::Ceil,
        "ceil(x): x rounded up to a whole number",
    ),
    (
        "round",
        Builtin::Round,
        "round(x, places): x rounded half away from zero to `places` decimals",
    ),
    ("abs", Builtin::Abs, "abs(x): x without its sign"),
    (
        "month_of",
        Builtin::MonthOf,
        "month_of(date): the month a date is in",
    ),
    (
        "months",
        Builtin::Months,
        "months(first, last): the months from first to last, both included",
    ),
    (
        "keys",
        Builtin::Keys,
        "keys(map): the keys of a map, in order",
    ),
    (
        "values",
        Builtin::Values,
        "values(map): the values of a map, in the order of its keys",
    ),
    (
        "rows",
        Builtin::Rows,
        "rows(table): the row labels of a table",
    ),
    (
        "columns",
        Builtin::Columns,
        "columns(table): the column labels of a table",
    ),
    (
        "text",
        Builtin::Text,
        "text(number, \"0.00\"): the number as text with that many decimals",
    ),
    (
        "value_or",
        Builtin::ValueOr,
        "value_or(optional, fallback): the value, or the fallback when the data leaves it out",
    ),
];

impl Builtin {
    pub fn from_name(name: &str) -> Option<Builtin> {
        BUILTINS
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, b, _)| *b)
    }

    pub fn name(self) -> &'static str {
        BUILTINS
            .iter()
            .find(|(_, b, _)| *b == self)
            .map(|(n, _, _)| *n)
            .unwrap_or("?")
    }

    pub fn usage(self) -> &'static str {
        BUILTINS
            .iter()
            .find(|(_, b, _)| *b == self)
            .map(|(_, _, u)| *u)
            .unwrap_or("")
    }
}

/// Decimals a `text` format asks for: `"0"` is 0, `"0.00"` is 2.
pub fn format_places(format: &str) -> Option<u32> {
    match format.split_once('.') {
        None if format == "0" => Some(0),
        Some(("0", zeros)) if !zeros.is_empty() && zeros.bytes().all(|b| b == b'0') => {
            Some(zeros.len() as u32)
        }
        _ => None,
    }
}
