//! Values assumed for function calls: `tally explain`'s "what if" takes a value for a call
//! inside a function, which has no name to assume a value for. Calls are not remembered
//! otherwise: a cache of calls gained under 2 % end to end (docs/performance.md).

use crate::ir::FnId;
use crate::ir::value::Value;

#[derive(Default)]
pub(crate) struct Calls {
    /// Values taken for calls with equal arguments, whatever the function would give.
    assumed: Vec<(FnId, Vec<Value>, Value)>,
}

impl Calls {
    pub fn find(&self, function: FnId, args: &[Value]) -> Option<&Value> {
        self.assumed
            .iter()
            .find(|(f, a, _)| *f == function && a.as_slice() == args)
            .map(|(.., value)| value)
    }

    /// Takes `value` for calls of `function` with `args`.
    pub fn assume(&mut self, function: FnId, args: Vec<Value>, value: Value) {
        self.assumed
            .retain(|(f, a, _)| *f != function || *a != args);
        self.assumed.push((function, args, value));
    }
}
