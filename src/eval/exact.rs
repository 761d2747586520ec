//! Exact decimal arithmetic. rust_decimal keeps 28 significant digits and rounds a sum or a
//! product that needs more; here such a result is `None`, like an overflow, so that it becomes
//! an error rather than a number that is quietly not the exact one.

use rust_decimal::Decimal;

use crate::ir::value::fits_28_digits;

/// `x + y`, when it is exact.
#[inline]
pub fn add(x: Decimal, y: Decimal) -> Option<Decimal> {
    let sum = x.checked_add(y)?;
    (kept_every_digit(x, y, sum) && fits_28_digits(sum)).then_some(sum)
}

/// `x - y`, when it is exact.
#[inline]
pub fn sub(x: Decimal, y: Decimal) -> Option<Decimal> {
    let difference = x.checked_sub(y)?;
    (kept_every_digit(x, -y, difference) && fits_28_digits(difference)).then_some(difference)
}

/// Whether `sum`, computed from `x + y`, is that sum exactly.
#[inline]
fn kept_every_digit(x: Decimal, y: Decimal, sum: Decimal) -> bool {
    sum.scale() >= x.scale().max(y.scale()) || dropped_only_zeros(x, y, sum.scale())
}

/// Digits past `scale` were dropped to fit. They were all zero when the operands' own digits
/// past `scale` add up to a whole number of units of the last digit kept.
#[cold]
fn dropped_only_zeros(x: Decimal, y: Decimal, scale: u32) -> bool {
    let tail = |v: Decimal| v - v.trunc_with_scale(scale);
    let unit = Decimal::new(1, scale);
    ((tail(x) + tail(y)) % unit).is_zero()
}

/// `x * y`, when it is exact.
#[inline]
pub fn mul(x: Decimal, y: Decimal) -> Option<Decimal> {
    let product = x.checked_mul(y)?;
    if !fits_28_digits(product) {
        return None;
    }
    let full_scale = x.scale() + y.scale();
    if product.scale() >= full_scale {
        return Some(product);
    }
    // The exact product is (mantissa x * mantissa y) / 10^full_scale, and `product` kept that
    // to fewer decimals: it is exact when the digits it dropped were all zero.
    let dropped = full_scale - product.scale();
    let mut wide = wide_product(x.mantissa().unsigned_abs(), y.mantissa().unsigned_abs());
    (0..dropped)
        .all(|_| divide_by_ten(&mut wide) == 0)
        .then_some(product)
}

/// `x / y` (`y` not zero): exact when the quotient ends within 28 significant digits and 28
/// decimal places; otherwise rounded there, half to even. `None` for an overflow, and for a
/// quotient so small that it would round to 0 (an underflow: 0 would be a silent error).
pub fn div(x: Decimal, y: Decimal) -> Option<Decimal> {
    let quotient = x.checked_div(y)?;
    if quotient.is_zero() && !x.is_zero() {
        return None;
    }
    if fits_28_digits(quotient) {
        Some(quotient)
    } else {
        Some(
            quotient
                .round_sf_with_strategy(28, rust_decimal::RoundingStrategy::MidpointNearestEven)?,
        )
    }
}

/// The product of two mantissas (each under 2^96) as four 64-bit limbs, lowest first.
fn wide_product(a: u128, b: u128) -> [u64; 4] {
    let a = [a as u64, (a >> 64) as u64];
    let b = [b as u64, (b >> 64) as u64];
    let mut out = [0u64; 4];
    for i in 0..2 {
        let mut carry = 0u128;
        for j in 0..2 {
            let cur = out[i + j] as u128 + a[i] as u128 * b[j] as u128 + carry;
            out[i + j] = cur as u64;
            carry = cur >> 64;
        }
        out[i + 2] = carry as u64;
    }
    out
}

/// Divides in place and returns the remainder.
fn divide_by_ten(n: &mut [u64; 4]) -> u64 {
    let mut rem = 0u128;
    for limb in n.iter_mut().rev() {
        let cur = (rem << 64) | *limb as u128;
        *limb = (cur / 10) as u64;
        rem = cur % 10;
    }
    rem as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn sums_that_fit_are_kept() {
        assert_eq!(add(d("1234.50"), d("74.07")), Some(d("1308.57")));
        assert_eq!(sub(d("0.1"), d("0.3")), Some(d("-0.2")));
    }

    #[test]
    fn a_sum_that_would_be_rounded_is_refused() {
        // 1000.00000000000000000000000001 needs 30 significant digits.
        assert_eq!(add(d("1000"), d("0.00000000000000000000000001")), None);
        assert_eq!(add(d("999399"), d("0.9999999999999999999999999999")), None);
    }

    #[test]
    fn a_sum_that_only_drops_zeros_is_exact() {
        // 10^26 + 0.10 = 100000000000000000000000000.1: the 0 dropped is not a loss.
        let big = d("100000000000000000000000000");
        assert_eq!(
            add(big, d("0.10")),
            Some(d("100000000000000000000000000.1"))
        );
        // 99999999999999999999999999.5 + 0.5: the halves make a whole unit that carries.
        assert_eq!(
            add(d("99999999999999999999999999.5"), d("0.5")),
            Some(d("100000000000000000000000000"))
        );
        // 10^27 + 0.1 would need a 29th digit: more than a number may have.
        assert_eq!(add(d("1000000000000000000000000000"), d("0.1")), None);
    }

    #[test]
    fn products_are_exact_or_refused() {
        assert_eq!(mul(d("1308.57"), d("100")), Some(d("130857")));
        assert_eq!(mul(d("0.5"), d("0.2")), Some(d("0.1")));
        // 28 + 28 decimals, all significant: the exact product has 56.
        let third = d("0.3333333333333333333333333333");
        assert_eq!(mul(third, third), None);
        // Scales add up past 28, but only zeros are dropped.
        let tiny = d("0.0000000000000000000000000010");
        assert_eq!(mul(tiny, d("10.0")), Some(Decimal::new(1, 26)));
    }
}
