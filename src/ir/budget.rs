//! The limits of one record's evaluation, part of a program so that every command and the
//! library evaluate under the same budget (see `eval::budget` for how it is counted).

/// The limits of one record's evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Expressions evaluated and turns of loops.
    pub max_steps: u64,
    /// Bytes of values made.
    pub max_memory: u64,
}

impl Budget {
    /// A partner of the shipped rules with 25 customers takes about 1,400 steps and 2 KB, and
    /// one with 10,000 customers about 250,000 steps and 400 KB: both well under 1 % of these,
    /// which a runaway rule reaches in a few seconds.
    pub const DEFAULT: Budget = Budget {
        max_steps: 200_000_000,
        max_memory: 256 << 20,
    };
}

impl Default for Budget {
    fn default() -> Budget {
        Budget::DEFAULT
    }
}
