//! JavaScript's number semantics where the gist relies on them: `Number.prototype.toString` and
//! `toFixed`, and the two crossings between JS Numbers and ethers v4 `BigNumber`
//! (`bigNumberify(number)` and `toNumber()`).

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};

use crate::{NotionalError, Result};

/// `2^53`: ethers (through bn.js) accepts and returns JS Numbers strictly below it in magnitude.
const SAFE: f64 = 9_007_199_254_740_992.0;

/// The shortest decimal digits that round-trip `x` (finite, non-zero), and the exponent `n` with
/// `|x| = 0.d₁d₂… × 10^n`, as ECMAScript's Number::toString defines them.
pub(crate) fn shortest_digits(x: f64) -> (String, i32) {
    // Rust's `{:e}` prints the shortest round-trip digits, like JavaScript.
    let s = format!("{:e}", x.abs());
    let (mantissa, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    (digits, exp + 1)
}

/// `String(x)` for a JS Number.
pub(crate) fn number_to_string(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if x == 0.0 {
        return "0".into();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let (d, n) = shortest_digits(x);
    let k = i32::try_from(d.len()).unwrap_or(i32::MAX);
    let body = if k <= n && n <= 21 {
        format!("{d}{}", "0".repeat(usize::try_from(n - k).unwrap_or(0)))
    } else if 0 < n && n <= 21 {
        let (a, b) = d.split_at(usize::try_from(n).unwrap_or(0));
        format!("{a}.{b}")
    } else if -6 < n && n <= 0 {
        format!("0.{}{d}", "0".repeat(usize::try_from(-n).unwrap_or(0)))
    } else {
        let e = n - 1;
        let e = if e >= 0 {
            format!("+{e}")
        } else {
            e.to_string()
        };
        if k == 1 {
            format!("{d}e{e}")
        } else {
            format!("{}.{}e{e}", &d[..1], &d[1..])
        }
    };
    format!("{sign}{body}")
}

/// `x.toFixed(digits)`: the exact binary value rounded half up (away from zero on the exact
/// decimal expansion), `String(x)` at or above 1e21, and a `RangeError` above 100 digits.
///
/// # Errors
/// [`NotionalError::InvalidArgument`] when `digits > 100`.
pub(crate) fn to_fixed(x: f64, digits: u32) -> Result<String> {
    if digits > 100 {
        return Err(NotionalError::InvalidArgument {
            name: "precision",
            value: digits.into(),
            reason: "toFixed() digits must be between 0 and 100",
        });
    }
    if !x.is_finite() {
        return Ok(number_to_string(x));
    }
    if x.abs() >= 1e21 {
        return Ok(number_to_string(x));
    }
    let neg = x < 0.0;
    // 1100 places hold the exact expansion of any f64 below 1e21, so nothing is rounded here.
    let exact = format!("{:.1100}", x.abs());
    let (int, frac) = exact.split_once('.').unwrap_or((exact.as_str(), ""));
    let d = digits as usize;
    let mut kept: Vec<u8> = int.bytes().chain(frac.bytes().take(d)).collect();
    let round_up = frac.as_bytes().get(d).is_some_and(|&c| c >= b'5');
    if round_up {
        let mut i = kept.len();
        loop {
            if i == 0 {
                kept.insert(0, b'1');
                break;
            }
            i -= 1;
            if kept[i] == b'9' {
                kept[i] = b'0';
            } else {
                kept[i] += 1;
                break;
            }
        }
    }
    let int_len = kept.len() - d;
    let mut s = String::with_capacity(kept.len() + 2);
    if neg {
        s.push('-');
    }
    s.push_str(std::str::from_utf8(&kept[..int_len]).unwrap_or("0"));
    if d > 0 {
        s.push('.');
        s.push_str(std::str::from_utf8(&kept[int_len..]).unwrap_or(""));
    }
    Ok(s)
}

/// `bigNumberify(x)` for a JS Number: ethers v4 accepts `x` only if `parseInt(String(x)) === x`
/// and bn.js only below `2^53`; anything else throws (`underflow` or `overflow`).
///
/// # Errors
/// [`NotionalError::InvalidNumber`] for NaN, ±∞, fractions and unsafe integers.
pub(crate) fn big(x: f64) -> Result<BigInt> {
    if x.is_finite() && x.trunc() == x && x.abs() < SAFE {
        // Exact: |x| < 2^53 is an integer that i64 holds.
        return Ok(BigInt::from(x as i64));
    }
    Err(NotionalError::InvalidNumber {
        value: crate::JsNumber(x),
    })
}

/// `BigNumber.toNumber()`: bn.js returns integers below `2^53` in magnitude and throws above.
///
/// # Errors
/// [`NotionalError::NumberOverflow`] at or above `2^53`.
pub(crate) fn number(b: &BigInt) -> Result<f64> {
    match b.abs().to_u64() {
        Some(m) if m < (1 << 53) => {
            let v = m as f64;
            Ok(if b.is_negative() { -v } else { v })
        }
        _ => Err(NotionalError::NumberOverflow { value: b.clone() }),
    }
}

/// `a.div(b)` for BigNumbers: truncating, and an error on zero.
///
/// # Errors
/// [`NotionalError::DivisionByZero`] when `b` is zero.
pub(crate) fn div(a: &BigInt, b: &BigInt, op: &'static str) -> Result<BigInt> {
    if b.is_zero() {
        return Err(NotionalError::DivisionByZero { op });
    }
    // num-bigint's `/` truncates toward zero, as bn.js's `div` does.
    Ok(a / b)
}

#[cfg(test)]
#[expect(
    clippy::unreadable_literal,
    clippy::excessive_precision,
    reason = "reference values, digit for digit as printed"
)]
mod tests {
    use super::*;

    #[test]
    fn number_to_string_matches_javascript() {
        for (x, s) in [
            (1.0, "1"),
            (-1.5, "-1.5"),
            (1e21, "1e+21"),
            (1.5e21, "1.5e+21"),
            (123456789012345680000.0, "123456789012345680000"),
            (1e-7, "1e-7"),
            (0.000001, "0.000001"),
            (9.223372036854775807, "9.223372036854776"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
            (-0.0, "0"),
        ] {
            assert_eq!(number_to_string(x), s, "{x:e}");
        }
    }

    #[test]
    fn to_fixed_rounds_the_exact_value_half_up() {
        // Node: (0.5).toFixed(0) = '1', (2.5).toFixed(0) = '3', (1.005).toFixed(2) = '1.00'
        // (1.005 is 1.00499999999999989…), (-0.0001).toFixed(2) = '-0.00'.
        assert_eq!(to_fixed(0.5, 0).unwrap(), "1");
        assert_eq!(to_fixed(2.5, 0).unwrap(), "3");
        assert_eq!(to_fixed(1.005, 2).unwrap(), "1.00");
        assert_eq!(to_fixed(-0.0001, 2).unwrap(), "-0.00");
        assert_eq!(to_fixed(99.9999, 3).unwrap(), "100.000");
        assert_eq!(to_fixed(0.4123456, 4).unwrap(), "0.4123");
        assert_eq!(to_fixed(1e21, 2).unwrap(), "1e+21");
        assert_eq!(to_fixed(f64::NAN, 2).unwrap(), "NaN");
        assert!(to_fixed(1.0, 101).is_err());
    }

    #[test]
    fn bignumber_crossings() {
        assert_eq!(big(-5.0).unwrap(), BigInt::from(-5));
        assert!(big(0.5).is_err());
        assert!(big(f64::NAN).is_err());
        assert!(big(SAFE).is_err());
        assert_eq!(big(SAFE - 1.0).unwrap(), BigInt::from((1_i64 << 53) - 1));
        assert!(number(&BigInt::from(1_i64 << 53)).is_err());
        assert_eq!(
            number(&BigInt::from(-(1_i64 << 52))).unwrap(),
            -(2f64.powi(52))
        );
        assert_eq!(
            div(&BigInt::from(-7), &BigInt::from(2), "t").unwrap(),
            BigInt::from(-3)
        );
        assert!(div(&BigInt::from(7), &BigInt::zero(), "t").is_err());
    }
}
