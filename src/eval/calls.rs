//! Function calls remembered for the record. A function's value depends only on its arguments,
//! so a second call with the very same arguments (the same lists, the same numbers) takes the
//! value of the first: a function that calls another with its own argument does not repeat
//! the work of an earlier call with that argument. Values assumed for calls (`tally explain`'s
//! "what if") are kept here too, and come first.

use std::sync::Arc;

use crate::ir::FnId;
use crate::ir::value::Value;

/// Calls remembered per record at most: enough for the calls that repeat, and a bound on the
/// search when a function is called in a loop with ever new arguments.
const MAX: usize = 32;

#[derive(Default)]
pub(crate) struct Calls {
    /// Values taken for calls with equal arguments, whatever the function would give.
    assumed: Vec<(FnId, Vec<Value>, Value)>,
    entries: Vec<(FnId, Box<[Value]>, Value)>,
}

impl Calls {
    pub fn find(&self, function: FnId, args: &[Value]) -> Option<&Value> {
        let assumed = self
            .assumed
            .iter()
            .find(|(f, a, _)| *f == function && a.as_slice() == args);
        let remembered = || {
            self.entries.iter().find(|(f, a, _)| {
                *f == function
                    && a.len() == args.len()
                    && a.iter().zip(args).all(|(x, y)| same(x, y))
            })
        };
        assumed
            .map(|(.., value)| value)
            .or_else(|| remembered().map(|(.., value)| value))
    }

    /// Takes `value` for calls of `function` with `args`. Calls remembered so far may have
    /// read what this replaces, so they are forgotten.
    pub fn assume(&mut self, function: FnId, args: Vec<Value>, value: Value) {
        self.assumed
            .retain(|(f, a, _)| *f != function || *a != args);
        self.assumed.push((function, args, value));
        self.forget();
    }

    pub fn forget(&mut self) {
        self.entries.clear();
    }

    /// The arguments of a call to remember, when there is room for one more.
    pub fn key(&self, args: &[Value]) -> Option<Box<[Value]>> {
        (self.entries.len() < MAX).then(|| args.into())
    }

    pub fn remember(&mut self, function: FnId, args: Box<[Value]>, value: &Value) {
        self.entries.push((function, args, value.clone()));
    }
}

/// The same argument: the same shared list, map or record, or an equal plain value (a number
/// with the same digits and scale, so that even its printed form is the same).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::List(x), Value::List(y)) => Arc::ptr_eq(x, y),
        (Value::Map(x), Value::Map(y)) => Arc::ptr_eq(x, y),
        (Value::Record(x), Value::Record(y)) => Arc::ptr_eq(x, y),
        (Value::Number(x), Value::Number(y)) => x.serialize() == y.serialize(),
        (Value::Text(x), Value::Text(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Date(x), Value::Date(y)) => x == y,
        (Value::Month(x), Value::Month(y)) => x == y,
        (Value::Absent, Value::Absent) => true,
        _ => false,
    }
}
