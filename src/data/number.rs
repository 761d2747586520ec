//! Numbers in the data: read exactly as decimals, then checked against what the input shape
//! declares (whole, at least, at most).

use rust_decimal::Decimal;

use crate::ir::FieldShape;

/// What a number must satisfy besides being a number.
#[derive(Clone, Copy, Default)]
pub(super) struct Limits {
    at_least: Option<Decimal>,
    at_most: Option<Decimal>,
}

impl Limits {
    pub fn of(field: &FieldShape) -> Limits {
        Limits {
            at_least: field.at_least,
            at_most: field.at_most,
        }
    }
}

/// Why a number in the data is refused.
pub(super) struct Problem {
    pub message: String,
    pub help: String,
}

/// The value of a JSON number token, exactly, or why it does not fit the shape.
pub(super) fn number(text: &str, whole: bool, limits: Limits) -> Result<Decimal, Problem> {
    let parsed = match plain_decimal(text) {
        Some(n) => Ok(n),
        None if text.bytes().any(|b| b == b'e' || b == b'E') => Decimal::from_scientific(text),
        None => Decimal::from_str_exact(text),
    };
    match parsed {
        Ok(n) => checked(n, text, whole, limits),
        Err(_) => Err(Problem {
            message: format!("{text} is too large or too precise"),
            help: "numbers may have up to 28 significant digits".into(),
        }),
    }
}

/// `n`, read from `text`, when it is as the shape declares.
fn checked(n: Decimal, text: &str, whole: bool, limits: Limits) -> Result<Decimal, Problem> {
    let problem = |message: String, help: String| Err(Problem { message, help });
    if whole && !n.fract().is_zero() {
        return problem(
            format!("expected a whole number, found {text}"),
            "counts and levels are whole numbers".into(),
        );
    }
    if let Some(min) = limits.at_least {
        // Most limits are "at least 0", which a number without a sign meets.
        let met = n.is_sign_positive() && (min.is_zero() || min.is_sign_negative());
        if !met && n < min {
            return problem(
                format!("{text} is below the minimum of {min}"),
                format!("the rules declare this value at least {min}"),
            );
        }
    }
    if let Some(max) = limits.at_most {
        if n > max {
            return problem(
                format!("{text} is above the maximum of {max}"),
                format!("the rules declare this value at most {max}"),
            );
        }
    }
    Ok(n)
}

/// A non-negative number of at most 18 digits without exponent, such as `812.57`, read
/// directly: the same value and scale as `Decimal::from_str_exact`, without its general parse.
fn plain_decimal(text: &str) -> Option<Decimal> {
    let b = text.as_bytes();
    if b.is_empty() || b.len() > 18 {
        return None;
    }
    let mut mantissa: i64 = 0;
    let mut dot = None;
    for (i, &c) in b.iter().enumerate() {
        let digit = c.wrapping_sub(b'0');
        if digit <= 9 {
            mantissa = mantissa * 10 + i64::from(digit);
        } else if c == b'.' && dot.is_none() && i > 0 && i + 1 < b.len() {
            dot = Some(i);
        } else {
            return None;
        }
    }
    let scale = dot.map_or(0, |i| b.len() - i - 1);
    Some(Decimal::new(mantissa, scale as u32))
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    #[test]
    fn plain_decimals_read_as_decimal_does() {
        let texts = [
            "0",
            "5",
            "0.0",
            "0.50",
            "812.57",
            "1234.500",
            "999999999999999999",
            "9999999999999999.9",
            "0.0000000000000001",
            "100",
            "7.0",
        ];
        for text in texts {
            let plain = super::plain_decimal(text).expect("a plain decimal");
            let exact = Decimal::from_str_exact(text).expect("a decimal");
            assert_eq!(plain.serialize(), exact.serialize(), "{text}");
        }
        for text in [
            "-1",
            "1e5",
            "1.",
            ".5",
            "1.2.3",
            "1234567890123456789",
            "",
            "\"5\"",
        ] {
            assert_eq!(super::plain_decimal(text), None, "{text}");
        }
    }
}
