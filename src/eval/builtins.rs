//! The built-in functions: what each computes. Their types are checked in `check::builtins`.

use std::sync::Arc;

use rust_decimal::{Decimal, RoundingStrategy};

use super::EvalError;
use crate::ir::builtins::{Builtin, format_places};
use crate::ir::value::{MapValue, Month, Value};

/// Calls a built-in function on evaluated arguments. `rows` and `columns` read a table, not
/// values, and are evaluated as [`crate::ir::Expr::TableLabels`].
pub(super) fn call(builtin: Builtin, args: &[Value]) -> Result<Value, EvalError> {
    use Builtin::*;
    let number = |i: usize| args[i].as_number();
    Ok(match builtin {
        Count => Value::Number(Decimal::from(args[0].as_list().len())),
        Sum => {
            let mut total = Decimal::ZERO;
            for item in args[0].as_list() {
                total =
                    super::exact::add(total, item.as_number()).ok_or_else(EvalError::overflow)?;
            }
            Value::Number(total)
        }
        Unique => {
            let items = args[0].as_list();
            let mut out: Vec<Value> = Vec::with_capacity(items.len());
            if items.len() <= 32 {
                for item in items {
                    if !out.contains(item) {
                        out.push(item.clone());
                    }
                }
            } else {
                let mut seen = std::collections::HashSet::with_capacity(items.len());
                for item in items {
                    if seen.insert(item) {
                        out.push(item.clone());
                    }
                }
            }
            Value::list(out)
        }
        Min | Max => {
            let items: &[Value] = if args.len() == 1 {
                args[0].as_list()
            } else {
                args
            };
            let mut best = items.first().ok_or_else(|| {
                EvalError::new(format!("{}() of an empty list", builtin.name()))
                    .help("the list has no elements, so it has no least or greatest; check that the list can be empty first")
            })?;
            for item in &items[1..] {
                let better = match builtin {
                    Min => item.cmp_key(best).is_lt(),
                    _ => item.cmp_key(best).is_gt(),
                };
                if better {
                    best = item;
                }
            }
            best.clone()
        }
        Clamp => {
            let (x, low, high) = (number(0), number(1), number(2));
            if low > high {
                return Err(EvalError::new(format!(
                    "clamp() with a low bound {low} above its high bound {high}"
                )));
            }
            Value::Number(x.max(low).min(high))
        }
        Floor => Value::Number(number(0).floor()),
        Ceil => Value::Number(number(0).ceil()),
        Round => {
            let places = places(number(1))?;
            Value::Number(
                number(0).round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero),
            )
        }
        Abs => Value::Number(number(0).abs()),
        MonthOf => match &args[0] {
            Value::Date(d) => Value::Month(Month::of(*d)),
            other => unreachable!("month_of takes a date, found {other:?}"),
        },
        Months => match (&args[0], &args[1]) {
            (Value::Month(a), Value::Month(b)) => {
                if b.0 - a.0 > 12 * 1000 {
                    return Err(EvalError::new("months() of more than a thousand years"));
                }
                Value::list((a.0..=b.0).map(|m| Value::Month(Month(m))).collect())
            }
            other => unreachable!("months takes two months, found {other:?}"),
        },
        Keys => match &args[0] {
            Value::Map(m) => Value::list(m.entries.iter().map(|(k, _)| k.clone()).collect()),
            other => unreachable!("keys takes a map, found {other:?}"),
        },
        Values => match &args[0] {
            Value::Map(m) => Value::list(m.entries.iter().map(|(_, v)| v.clone()).collect()),
            other => unreachable!("values takes a map, found {other:?}"),
        },
        Rows | Columns => unreachable!("rows() and columns() are lowered to TableLabels"),
        Text => {
            let places = format_places(args[1].as_text()).ok_or_else(|| {
                EvalError::new(format!("`{}` is not a number format", args[1].as_text()))
            })?;
            let rounded =
                number(0).round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
            // A negative amount that rounds to zero is written 0.00, not -0.00.
            let mut fixed = if rounded.is_zero() {
                Decimal::ZERO
            } else {
                rounded
            };
            fixed.rescale(places);
            Value::Text(Arc::from(fixed.to_string()))
        }
        ValueOr => match &args[0] {
            Value::Absent => args[1].clone(),
            other => other.clone(),
        },
    })
}

fn places(n: Decimal) -> Result<u32, EvalError> {
    if n.fract().is_zero() && n >= Decimal::ZERO && n <= Decimal::from(28) {
        Ok(n.try_into().unwrap_or(0))
    } else {
        Err(EvalError::new(format!(
            "{n} is not a number of decimal places (0 to 28)"
        )))
    }
}

/// A map built by `per`: keys in the order of the list.
pub(super) fn map_of(entries: Vec<(Value, Value)>) -> Value {
    Value::Map(Arc::new(MapValue::in_order(entries)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_writes_an_amount_that_rounds_to_zero_without_a_sign() {
        let text = |n: Decimal| match call(Builtin::Text, &[Value::Number(n), Value::text("0.00")])
        {
            Ok(Value::Text(t)) => t.to_string(),
            other => panic!("{other:?}"),
        };
        assert_eq!(text(Decimal::new(-4, 3)), "0.00");
        assert_eq!(text(Decimal::new(-5, 3)), "-0.01");
        assert_eq!(text(Decimal::new(12345, 2)), "123.45");
    }
}
