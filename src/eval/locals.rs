//! The local slots of the frames being evaluated (binder variables, function parameters) and
//! the arguments of calls. A loop binds its variable to the element where it is, by position
//! in the list it walks: a turn of the loop copies nothing, and for a record changes no
//! reference count.

use super::{EvalError, Evaluation};
use crate::ir::Expr;
use crate::ir::value::Value;

/// A local slot.
pub(super) enum Local {
    Value(Value),
    /// The element `index` of the list `walk` of [`Evaluation::walks`].
    Element {
        walk: u32,
        index: u32,
    },
}

impl Evaluation<'_> {
    /// Runs `f` in a fresh frame of `size` local slots.
    pub(crate) fn with_frame<T>(&mut self, size: u32, f: impl FnOnce(&mut Self) -> T) -> T {
        let saved = self.base;
        self.base = self.stack.len();
        self.stack
            .resize_with(self.base + size as usize, || Local::Value(Value::Absent));
        let result = f(self);
        self.stack.truncate(self.base);
        self.base = saved;
        result
    }

    pub(crate) fn set_local(&mut self, slot: u32, value: Value) {
        self.stack[self.base + slot as usize] = Local::Value(value);
    }

    #[inline(always)]
    pub(crate) fn local(&self, slot: u32) -> &Value {
        match &self.stack[self.base + slot as usize] {
            Local::Value(value) => value,
            Local::Element { walk, index } => &self.walks[*walk as usize][*index as usize],
        }
    }

    /// Binds `slot` to each element of `list` in turn and runs `turn`, until it returns false
    /// or fails. The slot is then cleared: a loop's variable is not read after the loop.
    pub(crate) fn walk(
        &mut self,
        list: Value,
        slot: u32,
        mut turn: impl FnMut(&mut Self) -> Result<bool, EvalError>,
    ) -> Result<(), EvalError> {
        let Value::List(items) = list else {
            unreachable!("the checker guarantees a list here, found {list:?}")
        };
        let count = items.len() as u32;
        let walk = self.walks.len() as u32;
        self.walks.push(items);
        let at = self.base + slot as usize;
        let mut result = Ok(());
        for index in 0..count {
            self.stack[at] = Local::Element { walk, index };
            match turn(self) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        self.stack[at] = Local::Value(Value::Absent);
        self.walks.pop();
        result
    }

    /// Evaluates `args` onto the argument stack; returns where they start.
    pub(super) fn push_args(&mut self, args: &[Expr]) -> Result<usize, EvalError> {
        let top = self.args.len();
        for arg in args {
            match self.eval(arg) {
                Ok(value) => self.args.push(value),
                Err(e) => {
                    self.args.truncate(top);
                    return Err(e);
                }
            }
        }
        Ok(top)
    }
}
