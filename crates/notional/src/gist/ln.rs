//! The natural logarithm, correctly rounded to 18 significant digits toward +∞, as decimal.js
//! returns it.
//!
//! `x = m · 10^t` with `m ∈ [1, 10)`, then `m = 2^k · y` with `y ∈ [0.75, 1.5)`, and
//! `ln y = 2·atanh(z) = 2(z + z³/3 + z⁵/5 + …)`, `z = (y − 1)/(y + 1)`, `|z| ≤ 1/5`; so
//! `ln x = ln y + k·ln 2 + t·ln 10`, with `ln 2 = 2·atanh(1/3)` and `ln 10 = 3·ln 2 + 2·atanh(1/9)`.
//! All in fixed point at `10^−W`. The result is rounded only when both ends of its error bound
//! round to the same 18 digits; otherwise `W` doubles. `ln x` of a decimal `x ≠ 1` is
//! transcendental, so it never sits on a boundary and the loop ends (it stops at `W = 4000`).

use std::borrow::Cow;
use std::sync::OnceLock;

use num_bigint::{BigInt, BigUint, Sign};
use num_traits::Zero;

use super::decimal::{Dec, PRECISION, Rounding, digits, pow10, round_sd};

/// First working precision, in decimal places.
const W0: u32 = 60;
/// Last working precision.
const W_MAX: u32 = 4000;

/// `2·atanh(z)` for `z = num/den`, fixed point at `s = 10^w` (truncating each step).
fn atanh2(z: &BigInt, s: &BigInt) -> BigInt {
    let z2 = z * z / s;
    let mut term = z.clone();
    let mut sum = z.clone();
    let mut k = 1u32;
    loop {
        term = &term * &z2 / s;
        if term.is_zero() {
            break;
        }
        k += 2;
        sum += &term / BigInt::from(k);
    }
    sum * 2
}

/// `(ln 2, ln 10)` at `10^−w`, each within a few units of the last place.
fn constants(w: u32) -> (BigInt, BigInt) {
    let s = BigInt::from(pow10(w + 10));
    let ln2 = atanh2(&(&s / 3), &s);
    let ln10 = &ln2 * 3 + atanh2(&(&s / 9), &s);
    let cut = BigInt::from(pow10(10));
    (ln2 / &cut, ln10 / cut)
}

fn cached(w: u32) -> Cow<'static, (BigInt, BigInt)> {
    static C: OnceLock<(BigInt, BigInt)> = OnceLock::new();
    if w == W0 {
        Cow::Borrowed(C.get_or_init(|| constants(W0)))
    } else {
        Cow::Owned(constants(w))
    }
}

/// `ln(coef · 10^exp)` at `10^−w`, with its error bound in units of `10^−w`.
fn ln_fixed(coef: &BigUint, exp: i64, w: u32) -> (BigInt, BigInt) {
    let s = BigInt::from(pow10(w));
    let n = digits(coef);
    let t = exp + i64::from(n) - 1;
    // m = coef / 10^(n−1) ∈ [1, 10), at 10^−w (exact while n − 1 ≤ w).
    let c = BigInt::from(coef.clone());
    let m = if n - 1 <= w {
        c * BigInt::from(pow10(w - (n - 1)))
    } else {
        c / BigInt::from(pow10(n - 1 - w))
    };
    let three_halves = &s * 3 / 2;
    let k: u32 = if m < three_halves {
        0
    } else if m < &s * 3 {
        1
    } else if m < &s * 6 {
        2
    } else {
        3
    };
    let y = m >> k;
    let z = (&y - &s) * &s / (&y + &s);
    let constants = cached(w);
    let (ln2, ln10) = &*constants;
    let value = atanh2(&z, &s) + ln2 * k + ln10 * t;
    // Each truncation costs at most one unit: the series (≤ w terms, three cuts each), the
    // constants (a few units, times k and |t|).
    let bound = BigInt::from(4 * w + 64) + BigInt::from(t.unsigned_abs() + 4) * 8;
    (value, bound)
}

/// A fixed-point value at `10^−w` rounded to 18 significant digits toward +∞.
fn to_dec(v: &BigInt, w: u32) -> Dec {
    let neg = v.sign() == Sign::Minus;
    round_sd(
        neg,
        v.magnitude().clone(),
        -i64::from(w),
        PRECISION,
        Rounding::Ceil,
    )
}

/// `ln(coef · 10^exp)` for a positive value, correctly rounded to 18 digits toward +∞.
pub(crate) fn ln_ceil(coef: &BigUint, exp: i64) -> Dec {
    // ln(1) = 0 exactly (decimal.js returns +0).
    if exp <= 0
        && i64::from(digits(coef)) == 1 - exp
        && *coef == pow10(u32::try_from(-exp).unwrap_or(0))
    {
        return Dec::zero();
    }
    let mut w = W0;
    loop {
        let (v, err) = ln_fixed(coef, exp, w);
        let lo = to_dec(&(&v - &err), w);
        let hi = to_dec(&(&v + &err), w);
        if lo == hi || w >= W_MAX {
            return hi;
        }
        w *= 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ln(s: &str) -> String {
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        let coef: BigUint = format!("{int}{frac}").parse().unwrap();
        ln_ceil(&coef, -i64::try_from(frac.len()).unwrap()).to_string()
    }

    #[test]
    fn constants_match_python_decimal() {
        // Python: Decimal(2).ln(), Decimal(10).ln() at 80 digits.
        let (ln2, ln10) = constants(70);
        assert!(
            ln2.to_string()
                .starts_with("693147180559945309417232121458176568075500134360255254120680009493")
        );
        assert!(
            ln10.to_string()
                .starts_with("2302585092994045684017991454684364207601101488628772976033327900967")
        );
    }

    #[test]
    fn ln_matches_the_reference_traces() {
        // From the notional-gist vectors' traces (decimal.js 10.2.1).
        assert_eq!(ln("0.531091794014570906"), "-0.632820402596571705");
        assert_eq!(ln("0.726206133802676951"), "-0.319921373600396949");
        assert_eq!(ln("1.83871261143471732"), "0.60906565904069635");
        assert_eq!(ln("2.18456013372920998"), "0.781414496487202387");
        assert_eq!(ln("1"), "0");
        assert_eq!(ln("1.00"), "0");
    }
}
