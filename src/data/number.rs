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
    match plain_decimal(text).or_else(|| general_decimal(text)) {
        Some(n) if crate::ir::value::fits_28_digits(n) => checked(n, text, whole, limits),
        Some(_) => Err(Problem {
            message: format!("{text} has more than 28 digits"),
            help: "numbers may have up to 28 significant digits; round it in the export".into(),
        }),
        None => Err(Problem {
            message: format!("{text} is too large or too precise"),
            help: "numbers may have up to 28 significant digits and 28 decimal places".into(),
        }),
    }
}

/// Any JSON number, when a decimal holds it exactly. `Decimal::from_scientific` would round
/// a long mantissa, so an exponent is first written out as digits.
fn general_decimal(text: &str) -> Option<Decimal> {
    if !text.contains(['e', 'E']) {
        if let Ok(n) = Decimal::from_str_exact(text) {
            return Some(n);
        }
    }
    Decimal::from_str_exact(&positional(text)?).ok()
}

/// A JSON number written without exponent and without trailing zeros: `6.00e2` is `600`,
/// `600.000` is `600`. `None` when it is far out of a decimal's range.
fn positional(text: &str) -> Option<String> {
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        // Zero is zero whatever its exponent (`0e-99999999999999999999`).
        Some((m, _)) if m.bytes().all(|b| b == b'0' || b == b'.') => return Some("0".into()),
        Some((m, e)) => (m, e.parse::<i64>().ok()?),
        None => (unsigned, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    // Where the decimal point falls in `digits`, counted from its first digit.
    let point = (int.len() as i64 - (int.len() + frac.len() - digits.len()) as i64) + exponent;
    let digits = digits.trim_end_matches('0');
    if digits.is_empty() {
        return Some("0".into());
    }
    if !(-40..=40).contains(&point) {
        return None;
    }
    let len = digits.len() as i64;
    Some(if point >= len {
        format!("{sign}{digits}{}", "0".repeat((point - len) as usize))
    } else if point <= 0 {
        format!("{sign}0.{}{digits}", "0".repeat((-point) as usize))
    } else {
        let (a, b) = digits.split_at(point as usize);
        format!("{sign}{a}.{b}")
    })
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
    fn exact_values_with_more_zeros_than_digits_held_are_read() {
        let read = |text: &str| super::number(text, false, super::Limits::default()).ok();
        let six_hundred = Some(Decimal::from(600));
        assert_eq!(read("600.000000000000000000000000000000"), six_hundred);
        assert_eq!(read("6000000000000000000000000000000e-28"), six_hundred);
        assert_eq!(read("600000000000000000000000000000000E-30"), six_hundred);
        assert_eq!(
            read("-0.500000000000000000000000000000"),
            Some(Decimal::new(-5, 1))
        );
        assert_eq!(
            read("0.000000000000000000000000000000"),
            Some(Decimal::ZERO)
        );
        // Digits that are not zeros are never dropped.
        assert_eq!(read("0.99999999999999999999999999999"), None);
        assert_eq!(read("0.99999999999999999999999999999e0"), None);
        assert_eq!(read("100000000000000000000000000000"), None);
        assert_eq!(read("1e-40"), None);
        assert_eq!(read("1e400"), None);
    }

    #[test]
    fn exponents_are_written_out_exactly() {
        for (text, plain) in [
            ("6e2", "600"),
            ("6E-2", "0.06"),
            ("1.2345e2", "123.45"),
            ("-1.5e-3", "-0.0015"),
            ("0.00125e3", "1.25"),
            ("120e-1", "12"),
            ("0e99999999", "0"),
            ("812.57", "812.57"),
        ] {
            assert_eq!(super::positional(text).as_deref(), Some(plain), "{text}");
        }
    }

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
