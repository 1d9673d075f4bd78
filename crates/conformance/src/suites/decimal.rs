//! Comparing a result with an expected decimal string, in units of the expected value's 28th
//! significant digit, without rounding either side (the expected strings may hold more digits
//! than rust_decimal can).

use std::cmp::Ordering;

/// A decimal `coeff · 10^exp` parsed exactly from a string such as `-12.5`, `0E+1` or `1e-30`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Dec {
    coeff: i128,
    exp: i32,
}

impl Dec {
    /// Parses Python's `str(Decimal)` forms; `None` when the string is not a decimal or has
    /// more than 38 significant digits.
    pub(crate) fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let (mant, e) = match s.find(['e', 'E']) {
            Some(i) => (&s[..i], s[i + 1..].parse::<i32>().ok()?),
            None => (s, 0),
        };
        let (neg, mant) = match mant.strip_prefix('-') {
            Some(m) => (true, m),
            None => (false, mant.strip_prefix('+').unwrap_or(mant)),
        };
        let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        let digits: String = int.chars().chain(frac.chars()).collect();
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let digits = digits.trim_start_matches('0');
        let coeff: i128 = if digits.is_empty() {
            0
        } else if digits.len() > 38 {
            return None;
        } else {
            digits.parse().ok()?
        };
        let exp = e.checked_sub(i32::try_from(frac.len()).ok()?)?;
        Some(Self {
            coeff: if neg { -coeff } else { coeff },
            exp,
        })
    }
}

fn ndigits(c: i128) -> i32 {
    let c = c.unsigned_abs();
    if c == 0 {
        1
    } else {
        i32::try_from(c.ilog10()).unwrap_or(0) + 1
    }
}

fn scaled(d: Dec, to: i32) -> Option<i128> {
    let shift = u32::try_from(d.exp - to).ok()?;
    d.coeff.checked_mul(10i128.checked_pow(shift)?)
}

/// The gap `|got − expected|` in units of the expected value's `prec`-th significant digit;
/// `None` when it is too large to count. A zero expected value must be matched exactly.
pub(crate) fn ulps(expected: Dec, got: Dec, prec: i32) -> Option<f64> {
    if expected.coeff == 0 {
        return (got.coeff == 0).then_some(0.0);
    }
    let ulp_exp = ndigits(expected.coeff) - 1 + expected.exp - (prec - 1);
    let m = expected.exp.min(got.exp).min(ulp_exp);
    let a = scaled(expected, m)?;
    let b = scaled(got, m)?;
    let diff = a.checked_sub(b)?.unsigned_abs();
    let unit = 10u128.checked_pow(u32::try_from(ulp_exp - m).ok()?)?;

    Some(match diff.cmp(&0) {
        Ordering::Equal => 0.0,
        _ => diff as f64 / unit as f64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_python_forms() {
        assert_eq!(Dec::parse("0E+1"), Some(Dec { coeff: 0, exp: 1 }));
        assert_eq!(
            Dec::parse("-12.50"),
            Some(Dec {
                coeff: -1250,
                exp: -2
            })
        );
        assert_eq!(Dec::parse("1e-30"), Some(Dec { coeff: 1, exp: -30 }));
        assert_eq!(Dec::parse("abc"), None);
        assert_eq!(Dec::parse("."), None);
    }

    #[test]
    fn counts_units_of_the_28th_digit() {
        let e = Dec::parse("48284.83672191829616919975555").unwrap();
        let g = Dec::parse("48284.83672191829616919975557").unwrap();
        assert_eq!(ulps(e, g, 28), Some(2.0));
        assert_eq!(ulps(e, e, 28), Some(0.0));
        // Same value, other representation.
        assert_eq!(
            ulps(
                Dec::parse("0.9500").unwrap(),
                Dec::parse("0.95").unwrap(),
                28
            ),
            Some(0.0)
        );
        assert_eq!(
            ulps(Dec::parse("0E+1").unwrap(), Dec::parse("0").unwrap(), 28),
            Some(0.0)
        );
        assert_eq!(
            ulps(Dec::parse("0").unwrap(), Dec::parse("1e-28").unwrap(), 28),
            None
        );
        // Half a unit.
        let e = Dec::parse("1.000000000000000000000000000").unwrap();
        let g = Dec::parse("1.0000000000000000000000000005").unwrap();
        assert_eq!(ulps(e, g, 28), Some(0.5));
    }
}
