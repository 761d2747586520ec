//! The work one record may cost: a number of evaluation steps and an amount of memory for the
//! values the rules make. Rules that pass `check` can still ask for 10^11 calls (functions that
//! each call the one before in a loop) or for a billion-element list (binders nested nine deep):
//! the budget stops such a record with an error that names the rule running, and the other
//! records are evaluated. The model is Regorus's instruction limit.
//!
//! A step is an expression evaluated or a turn of a loop; work that walks a list without
//! evaluating anything per element (`sum(list)`, `x in list`) costs one step per element.
//! Memory is what the values made while evaluating the record take (each element of a list, a
//! map or a record made by the rules counts its size), added up as they are made: values freed
//! along the way still count, which keeps the count cheap and the bound safe.

use super::{EvalError, Evaluation};

pub use crate::ir::budget::Budget;

/// The bytes a value made by the rules is counted for: the slot it takes in its list.
pub(super) const VALUE_SIZE: u64 = std::mem::size_of::<crate::ir::value::Value>() as u64;

/// What is left of the budget while a record is evaluated.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Left {
    steps: u64,
    memory: u64,
}

impl Left {
    pub fn new(budget: Budget) -> Left {
        Left {
            steps: budget.max_steps,
            memory: budget.max_memory,
        }
    }
}

impl Evaluation<'_> {
    /// Takes one step of the budget.
    #[inline(always)]
    pub(super) fn step(&mut self) -> Result<(), EvalError> {
        self.steps(1)
    }

    /// Takes `n` steps of the budget: work over a list of `n` elements.
    #[inline(always)]
    pub(super) fn steps(&mut self, n: usize) -> Result<(), EvalError> {
        match self.left.steps.checked_sub(n as u64) {
            Some(left) => {
                self.left.steps = left;
                Ok(())
            }
            None => Err(self.over_budget(false)),
        }
    }

    /// Takes the memory of `values` values from the budget.
    #[inline(always)]
    pub(super) fn made(&mut self, values: usize) -> Result<(), EvalError> {
        match self.left.memory.checked_sub(values as u64 * VALUE_SIZE) {
            Some(left) => {
                self.left.memory = left;
                Ok(())
            }
            None => Err(self.over_budget(true)),
        }
    }

    /// Steps and bytes used so far on this record.
    pub fn used(&self) -> (u64, u64) {
        let budget = self.program.budget;
        (
            budget.max_steps - self.left.steps,
            budget.max_memory - self.left.memory,
        )
    }

    #[cold]
    fn over_budget(&mut self, memory: bool) -> EvalError {
        // Nothing more may run for this record: whatever catches the error cannot go on.
        self.left = Left {
            steps: 0,
            memory: 0,
        };
        let budget = self.program.budget;
        let (what, limit, option) = if memory {
            (
                "memory",
                format!("{} MB", budget.max_memory.div_ceil(1 << 20)),
                "--max-memory",
            )
        } else {
            (
                "steps",
                format!("{} steps", budget.max_steps),
                "--max-steps",
            )
        };
        let mut error = EvalError::new(format!(
            "this record needs more than its budget of {limit} (evaluation {what})"
        ))
        .help(format!(
            "a rule's work grows as a power of its input (loops inside loops over the same \
             lists, or functions that call each other in a fan: `tally check` warns of them); \
             if the data really is that large, raise {option}"
        ));
        error.over_budget = true;
        error
    }
}

/// Names the rule that was running when a record ran out of budget, the innermost one that
/// has a name: a named value, a function, an output field or a subcategory.
pub(crate) fn name_rule(
    mut error: EvalError,
    what: &str,
    name: &str,
    span: crate::source::Span,
) -> EvalError {
    if error.over_budget && !error.rule_named {
        error.rule_named = true;
        let what = if what.is_empty() {
            String::new()
        } else {
            format!("{what} ")
        };
        error.message = format!("{} while computing {what}`{name}`", error.message);
        error.span = Some(span);
    }
    error
}
