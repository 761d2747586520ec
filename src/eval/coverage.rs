//! What tests exercise: which branches of `if` and `case` ran, and which entries of named lists
//! an `in` found. Recorded only when asked for (`tally test --coverage`).

use std::collections::HashSet;

use super::Evaluation;
use crate::ir::Expr;
use crate::ir::types::GlobalId;
use crate::ir::value::Value;

#[derive(Debug, Default)]
pub struct Coverage {
    /// (the `if` or `case` node, the branch taken: 1 then / 0 else, or the arm's index).
    pub branches: HashSet<(usize, usize)>,
    /// (a named list, the index of an entry an `in` found).
    pub entries: HashSet<(GlobalId, usize)>,
}

/// A node's identity for coverage: its address, stable for the life of the program.
pub fn node_id(expr: &Expr) -> usize {
    expr as *const Expr as usize
}

impl Evaluation<'_> {
    pub(super) fn cover_branch(&mut self, node: &Expr, branch: usize) {
        if let Some(coverage) = &mut self.coverage {
            coverage.branches.insert((node_id(node), branch));
        }
    }

    /// Records the entry of a named list that `item in list` found. A list passed to a
    /// function is still the named list: it is found by identity among the computed values.
    #[cold]
    pub(super) fn cover_entry(&mut self, item: &Value, list: &Value) {
        let Value::List(items) = list else { return };
        let Some(index) = items.iter().position(|i| i == item) else {
            return;
        };
        let named = self
            .memo
            .iter()
            .position(|v| matches!(v, Some(Value::List(m)) if std::sync::Arc::ptr_eq(m, items)));
        if let (Some(id), Some(coverage)) = (named, &mut self.coverage) {
            coverage.entries.insert((GlobalId(id as u32), index));
        }
    }
}
