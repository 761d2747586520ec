//! `--max-steps` and `--max-memory`: the evaluation budget of each record (see `eval::Budget`),
//! shared by the commands that evaluate records.

use clap::Args;

use crate::eval::Budget;
use crate::ir::Program;

#[derive(Args, Debug, Clone, Copy)]
pub struct BudgetArgs {
    /// Evaluation steps each record may take before it fails alone [default: 200000000]
    #[arg(long, value_name = "STEPS", value_parser = clap::value_parser!(u64).range(1..))]
    max_steps: Option<u64>,
    /// Memory the values of each record may take, in bytes or with K, M or G (such as 512M)
    /// [default: 256M]
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    max_memory: Option<u64>,
}

impl BudgetArgs {
    pub fn budget(&self) -> Budget {
        Budget {
            max_steps: self.max_steps.unwrap_or(Budget::DEFAULT.max_steps),
            max_memory: self.max_memory.unwrap_or(Budget::DEFAULT.max_memory),
        }
    }

    /// Gives `program` this budget.
    pub fn apply(&self, program: &mut Program) {
        program.budget = self.budget();
    }
}

/// `1048576`, `1024K`, `512M` or `2G` (powers of 1024).
fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&text[..i], c.to_ascii_uppercase()),
        _ => (text, 'B'),
    };
    let shift = match unit {
        'B' => 0,
        'K' => 10,
        'M' => 20,
        'G' => 30,
        _ => return Err(format!("unknown unit `{unit}`: use K, M or G")),
    };
    let number: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a size such as 512M"))?;
    number
        .checked_mul(1 << shift)
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("`{text}` is not a size between 1 byte and 16 EB"))
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("2g"), Ok(2 << 30));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert!(parse_size("0").is_err());
        assert!(parse_size("12X").is_err());
        assert!(parse_size("99999999999G").is_err());
    }
}
