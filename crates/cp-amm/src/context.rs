//! Python's `decimal` arithmetic (a context of `prec` significant digits, `ROUND_HALF_EVEN`) on
//! [`rust_decimal::Decimal`] values.
//!
//! rust_decimal keeps up to 28 decimal *places* in a 96-bit mantissa and rounds its own operators
//! to fit that; Python's default context keeps 28 significant *digits*. The cadCAD notebooks this
//! project re-creates compute in Python's context, so this module re-does each operation the way
//! CPython's `_pydecimal` does: the exact result is formed in a 384-bit integer, then rounded once,
//! half-even, to `prec` significant digits. Division and square root follow `_pydecimal`'s
//! algorithms step for step (a quotient or root of `prec + 1` digits, a sticky last digit when
//! inexact, and the ideal exponent when exact), so that even the representation (`0.9500`, not
//! `0.95000000…`) matches where rust_decimal can hold it.
//!
//! Where a correctly rounded result needs more than 28 decimal places (numbers below about
//! `1e-1` with 28 significant digits), it is rounded, half-even and once, at the 28th place
//! instead: that is the one place where results can differ from Python's, and the crate docs say
//! how often it shows. Results of 2^96 or more are [`CpAmmError::Overflow`] (Python would go on to
//! `E+999999`).

use std::cmp::Ordering;
use std::sync::LazyLock;

use ruint::Uint;
use rust_decimal::Decimal;

use crate::{CpAmmError, Result};

/// Wide enough for every exact intermediate: a 96-bit mantissa times `10^57` (division), a
/// 58-digit radicand (square root), or a product of two 96-bit mantissas.
type Wide = Uint<384, 6>;

/// rust_decimal's largest scale.
const MAX_SCALE: i32 = 28;
/// `10^0 ..= 10^115`; `10^115 < 2^384`.
const POW10_LEN: usize = 116;

static POW10: LazyLock<Vec<Wide>> = LazyLock::new(|| {
    let ten = Wide::from(10u8);
    let mut v = Vec::with_capacity(POW10_LEN);
    let mut p = Wide::from(1u8);
    for _ in 0..POW10_LEN {
        v.push(p);
        p = p.wrapping_mul(ten);
    }
    v
});

/// `10^n` for `n < POW10_LEN`; callers keep `n` in range (every use is bounded by ~60).
fn pow10(n: i32) -> Result<Wide> {
    usize::try_from(n)
        .ok()
        .and_then(|i| POW10.get(i).copied())
        .ok_or(CpAmmError::Overflow { op: "power of ten" })
}

/// Number of decimal digits of `c` (Python's `len(str(c))`; 1 for zero).
fn digits(c: Wide) -> i32 {
    let mut n = 1usize;
    // Skip ahead by the bit length: 1233/4096 < log10(2).
    let est = (c.bit_len() * 1233) >> 12;
    if est > 1 {
        n = est;
    }
    while n < POW10_LEN && POW10[n] <= c {
        n += 1;
    }
    // n <= 116, so the cast is lossless.
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// `10^0 ..= 10^38`, every power of ten a `u128` holds.
const P10: [u128; 39] = {
    let mut t = [1u128; 39];
    let mut i = 1;
    while i < 39 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// Number of decimal digits of `c` (1 for zero).
fn digits128(c: u128) -> i32 {
    // ilog10 of a u128 is at most 38.
    c.checked_ilog10()
        .map_or(1, |d| i32::try_from(d).unwrap_or(38) + 1)
}

/// `c · 10^n` when it fits a `u128`.
fn shl10(c: u128, n: i32) -> Option<u128> {
    c.checked_mul(*P10.get(usize::try_from(n).ok()?)?)
}

/// A decimal value split into sign, coefficient and exponent: `(-1)^neg · coeff · 10^exp`.
/// rust_decimal's mantissa has 96 bits, so the coefficient fits a `u128`.
#[derive(Clone, Copy)]
struct Parts {
    neg: bool,
    coeff: u128,
    exp: i32,
}

impl Parts {
    fn of(d: Decimal) -> Self {
        let m = d.mantissa();
        // scale <= 28, so the cast is lossless.
        let scale = i32::try_from(d.scale()).unwrap_or(MAX_SCALE);
        Self {
            neg: m < 0,
            coeff: m.unsigned_abs(),
            exp: -scale,
        }
    }

    fn wide(self) -> Wide {
        Wide::from(self.coeff)
    }
}

/// The exact order of `|a·b|` against `|c·d|` (no rounding): both products are formed in
/// [`Wide`] (two 96-bit mantissas, 192 bits, times at most `10^56` to align the scales: under
/// 2^378).
pub(crate) fn cmp_product_magnitudes(a: Decimal, b: Decimal, c: Decimal, d: Decimal) -> Ordering {
    let product = |x: Decimal, y: Decimal| {
        let (x, y) = (Parts::of(x), Parts::of(y));
        (x.wide() * y.wide(), x.exp + y.exp)
    };
    let (p1, e1) = product(a, b);
    let (p2, e2) = product(c, d);
    // Scale the one with the larger exponent up to the other's (exponents are −56..=0).
    let up = |p: Wide, by: i32| pow10(by).map_or(p, |t| p * t);
    if e1 >= e2 {
        up(p1, e1 - e2).cmp(&p2)
    } else {
        p1.cmp(&up(p2, e2 - e1))
    }
}

/// A Python `decimal` context: `prec` significant digits, `ROUND_HALF_EVEN`, with
/// `DivisionByZero`, `InvalidOperation` and `Overflow` trapped (returned as errors).
///
/// ```
/// use cp_amm::DecimalContext;
/// use rust_decimal::Decimal;
///
/// let ctx = DecimalContext::PYTHON_DEFAULT;
/// let third = ctx.div(Decimal::from(100_000), Decimal::from(3))?;
/// // 28 significant digits, as Python prints `Decimal(100000) / 3`:
/// assert_eq!(third.to_string(), "33333.33333333333333333333333");
/// # Ok::<(), cp_amm::CpAmmError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DecimalContext {
    prec: u32,
}

impl Default for DecimalContext {
    fn default() -> Self {
        Self::PYTHON_DEFAULT
    }
}

impl DecimalContext {
    /// Python's `decimal.DefaultContext`: 28 digits, `ROUND_HALF_EVEN`.
    pub const PYTHON_DEFAULT: Self = Self { prec: 28 };

    /// A context of `prec` significant digits.
    ///
    /// # Errors
    /// [`CpAmmError::InvalidPrecision`] unless `1 <= prec <= 28` (rust_decimal's mantissa holds
    /// at most 28 digits in every case).
    pub fn new(prec: u32) -> Result<Self> {
        if (1..=28).contains(&prec) {
            Ok(Self { prec })
        } else {
            Err(CpAmmError::InvalidPrecision(prec))
        }
    }

    /// The number of significant digits.
    #[must_use]
    pub fn precision(self) -> u32 {
        self.prec
    }

    fn prec(self) -> i32 {
        // prec <= 28.
        i32::try_from(self.prec).unwrap_or(28)
    }

    /// Rounds `x` to this context, as Python's unary `+x` does.
    ///
    /// # Errors
    /// None in practice; the signature matches the other operations.
    pub fn round(self, x: Decimal) -> Result<Decimal> {
        let p = Parts::of(x);
        self.finish128(p.neg, p.coeff, p.exp, "round")
    }

    /// `a + b`, correctly rounded.
    ///
    /// # Errors
    /// [`CpAmmError::Overflow`] when the rounded sum has 2^96 or more units.
    pub fn add(self, a: Decimal, b: Decimal) -> Result<Decimal> {
        let (a, b) = (Parts::of(a), Parts::of(b));
        let exp = a.exp.min(b.exp);
        // Fast path: both aligned coefficients and their sum fit a u128.
        if let (Some(ca), Some(cb)) = (shl10(a.coeff, a.exp - exp), shl10(b.coeff, b.exp - exp)) {
            let sum = if a.neg == b.neg {
                ca.checked_add(cb).map(|c| (a.neg, c))
            } else if ca >= cb {
                Some((a.neg, ca - cb))
            } else {
                Some((b.neg, cb - ca))
            };
            if let Some((neg, c)) = sum {
                return self.finish128(neg && c != 0, c, exp, "addition");
            }
        }
        let ca = a.wide() * pow10(a.exp - exp)?;
        let cb = b.wide() * pow10(b.exp - exp)?;
        let (neg, coeff) = if a.neg == b.neg {
            (a.neg, ca + cb)
        } else if ca >= cb {
            (a.neg, ca - cb)
        } else {
            (b.neg, cb - ca)
        };
        self.finish(neg && !coeff.is_zero(), coeff, exp, "addition")
    }

    /// `a - b`, correctly rounded.
    ///
    /// # Errors
    /// [`CpAmmError::Overflow`] when the rounded difference has 2^96 or more units.
    pub fn sub(self, a: Decimal, b: Decimal) -> Result<Decimal> {
        self.add(a, -b)
    }

    /// `a · b`, correctly rounded.
    ///
    /// # Errors
    /// [`CpAmmError::Overflow`] when the rounded product has 2^96 or more units.
    pub fn mul(self, a: Decimal, b: Decimal) -> Result<Decimal> {
        let (a, b) = (Parts::of(a), Parts::of(b));
        let (neg, exp) = (a.neg != b.neg, a.exp + b.exp);
        match a.coeff.checked_mul(b.coeff) {
            Some(c) => self.finish128(neg, c, exp, "multiplication"),
            None => self.finish(neg, a.wide() * b.wide(), exp, "multiplication"),
        }
    }

    /// `a / b`, correctly rounded (CPython's `Decimal.__truediv__`).
    ///
    /// # Errors
    /// [`CpAmmError::DivisionByZero`] for `x / 0` with `x ≠ 0`, [`CpAmmError::InvalidOperation`]
    /// for `0 / 0`, [`CpAmmError::Overflow`] when the quotient has 2^96 or more units.
    pub fn div(self, a: Decimal, b: Decimal) -> Result<Decimal> {
        let (pa, pb) = (Parts::of(a), Parts::of(b));
        let neg = pa.neg != pb.neg;
        if pb.coeff == 0 {
            return Err(if pa.coeff == 0 {
                CpAmmError::InvalidOperation { op: "0 / 0" }
            } else {
                CpAmmError::DivisionByZero {
                    dividend: a.to_string(),
                }
            });
        }
        let ideal = pa.exp - pb.exp;
        if pa.coeff == 0 {
            return self.finish128(false, 0, ideal, "division");
        }
        let shift = digits128(pb.coeff) - digits128(pa.coeff) + self.prec() + 1;
        let mut exp = ideal - shift;
        let (q, r) = if shift >= 0 {
            match shl10(pa.coeff, shift) {
                Some(n) => (n / pb.coeff, n % pb.coeff != 0),
                None => {
                    let (q, r) = (pa.wide() * pow10(shift)?).div_rem(pb.wide());
                    let q =
                        u128::try_from(q).map_err(|_| CpAmmError::Overflow { op: "division" })?;
                    (q, !r.is_zero())
                }
            }
        } else {
            let d = shl10(pb.coeff, -shift).ok_or(CpAmmError::Overflow { op: "division" })?;
            (pa.coeff / d, pa.coeff % d != 0)
        };
        // The quotient has prec + 1 or prec + 2 <= 30 digits, so it fits a u128.
        let mut q = q;
        if r {
            // Inexact: a sticky last digit keeps the one rounding correct.
            if q % 5 == 0 {
                q += 1;
            }
        } else {
            // Exact: move toward the ideal exponent, as Python does.
            while exp < ideal && q % 10 == 0 {
                q /= 10;
                exp += 1;
            }
        }
        self.finish128(neg, q, exp, "division")
    }

    /// `√a`, correctly rounded half-even (CPython's `Decimal.sqrt`).
    ///
    /// # Errors
    /// [`CpAmmError::NegativeSqrt`] for `a < 0` (Python's `InvalidOperation`).
    pub fn sqrt(self, a: Decimal) -> Result<Decimal> {
        let p = Parts::of(a);
        if p.coeff == 0 {
            return self.finish128(false, 0, p.exp >> 1, "sqrt");
        }
        if p.neg {
            return Err(CpAmmError::NegativeSqrt {
                value: a.to_string(),
            });
        }
        let prec = self.prec() + 1;
        let mut e = p.exp >> 1;
        let len = digits128(p.coeff);
        let (mut c, l) = if p.exp & 1 == 1 {
            (p.wide() * Wide::from(10u8), (len >> 1) + 1)
        } else {
            (p.wide(), (len + 1) >> 1)
        };
        let shift = prec - l;
        let mut exact = if shift >= 0 {
            c *= pow10(2 * shift)?;
            true
        } else {
            let (q, r) = c.div_rem(pow10(-2 * shift)?);
            c = q;
            r.is_zero()
        };
        e -= shift;
        let mut n = c.root(2);
        exact = exact && n * n == c;
        if exact {
            if shift >= 0 {
                n /= pow10(shift)?;
            } else {
                n *= pow10(-shift)?;
            }
            e += shift;
        } else if (n % Wide::from(5u8)).is_zero() {
            n += Wide::from(1u8);
        }
        self.finish(false, n, e, "sqrt")
    }

    /// One unit in the last place of `x` in this context (never below `1e-28`, rust_decimal's
    /// smallest step).
    ///
    /// # Errors
    /// None in practice: the unit of any `Decimal` is representable.
    pub fn ulp(self, x: Decimal) -> Result<Decimal> {
        let p = Parts::of(x);
        let adjusted = if p.coeff == 0 {
            -MAX_SCALE
        } else {
            digits128(p.coeff) - 1 + p.exp
        };
        let e = (adjusted - (self.prec() - 1)).max(-MAX_SCALE);
        self.finish128(false, 1, e, "ulp")
    }

    /// Rounds the exact value `(-1)^neg · coeff · 10^exp` half-even to `prec` digits (and to at
    /// most 28 places), then builds the `Decimal`. This is `_pydecimal`'s `_fix`. Coefficients
    /// wider than a `u128` are rounded here; the rest is [`Self::finish128`].
    fn finish(self, neg: bool, coeff: Wide, exp: i32, op: &'static str) -> Result<Decimal> {
        if let Ok(c) = u128::try_from(coeff) {
            return self.finish128(neg, c, exp, op);
        }
        // More than 38 digits, so more than `prec`: at least 11 must go. Cut to one digit past
        // the rounding point, with a sticky last digit for what was cut, and let finish128 do the
        // one rounding (the same trick as in `div`).
        let n = digits(coeff);
        let cut = (n - self.prec()).max(-exp - MAX_SCALE) - 1;
        let (q, r) = coeff.div_rem(pow10(cut)?);
        // At most prec + 1 digits remain.
        let mut q = u128::try_from(q).map_err(|_| CpAmmError::Overflow { op })?;
        if !r.is_zero() && q % 5 == 0 {
            q += 1;
        }
        self.finish128(neg, q, exp + cut, op)
    }

    /// [`Self::finish`] for a coefficient that fits a `u128`.
    fn finish128(self, neg: bool, coeff: u128, exp: i32, op: &'static str) -> Result<Decimal> {
        let overflow = CpAmmError::Overflow { op };
        let mut coeff = coeff;
        let mut exp = exp;
        let n = digits128(coeff);
        let drop = (n - self.prec()).max(-exp - MAX_SCALE).max(0);
        if drop > 0 {
            coeff = match usize::try_from(drop).ok().and_then(|i| P10.get(i)) {
                // 10^39 > u128::MAX: everything rounds away (below half of 10^39).
                None => 0,
                Some(&unit) => {
                    let (mut q, r) = (coeff / unit, coeff % unit);
                    let half = unit / 2;
                    if r > half || (r == half && q % 2 == 1) {
                        q += 1;
                    }
                    q
                }
            };
            exp += drop;
            if digits128(coeff) > self.prec() {
                // Rounding carried into a new digit (999… → 1000…): drop the trailing zero.
                coeff /= 10;
                exp += 1;
            }
        }
        if coeff == 0 {
            let scale = u32::try_from((-exp).clamp(0, MAX_SCALE)).unwrap_or(0);
            return Ok(Decimal::new(0, scale));
        }
        if exp > 0 {
            coeff = shl10(coeff, exp).ok_or(overflow.clone())?;
            exp = 0;
        }
        if coeff >> 96 != 0 {
            return Err(overflow);
        }
        let m = i128::try_from(coeff).map_err(|_| overflow.clone())?;
        let scale = u32::try_from(-exp).map_err(|_| overflow.clone())?;
        Decimal::try_from_i128_with_scale(if neg { -m } else { m }, scale).map_err(|_| overflow)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
    const CTX: DecimalContext = DecimalContext::PYTHON_DEFAULT;

    // Expected strings are what CPython 3.11 prints under the default context.
    #[test]
    fn division_matches_python() {
        assert_eq!(
            CTX.div(d("1"), d("3")).unwrap().to_string(),
            "0.3333333333333333333333333333"
        );
        assert_eq!(
            CTX.div(d("2"), d("3")).unwrap().to_string(),
            "0.6666666666666666666666666667"
        );
        assert_eq!(
            CTX.div(d("95000.00"), d("100000")).unwrap().to_string(),
            "0.95"
        );
        assert_eq!(CTX.div(d("1"), d("8")).unwrap().to_string(), "0.125");
        assert_eq!(CTX.div(d("-7"), d("2")).unwrap().to_string(), "-3.5");
    }

    #[test]
    fn sqrt_matches_python() {
        assert_eq!(
            CTX.sqrt(d("2")).unwrap().to_string(),
            "1.414213562373095048801688724"
        );
        assert_eq!(CTX.sqrt(d("0.81")).unwrap().to_string(), "0.9");
        assert_eq!(CTX.sqrt(d("10000000000")).unwrap().to_string(), "100000");
        assert_eq!(
            CTX.sqrt(d("0.5")).unwrap().to_string(),
            "0.7071067811865475244008443621"
        );
        assert!(matches!(
            CTX.sqrt(d("-1")),
            Err(CpAmmError::NegativeSqrt { .. })
        ));
    }

    #[test]
    fn rounding_is_half_even_at_28_digits() {
        // 29 significant digits, ending in an exact half: ties go to the even neighbour.
        assert_eq!(
            CTX.round(d("1.0000000000000000000000000005")).unwrap(),
            d("1.000000000000000000000000000")
        );
        assert_eq!(
            CTX.round(d("1.0000000000000000000000000015")).unwrap(),
            d("1.000000000000000000000000002")
        );
        // Python: Decimal('99999.99') * Decimal('99999.99') = 9999998000.0001
        assert_eq!(
            CTX.mul(d("99999.99"), d("99999.99")).unwrap(),
            d("9999998000.0001")
        );
    }

    #[test]
    fn traps_are_errors() {
        assert!(matches!(
            CTX.div(d("1"), d("0")),
            Err(CpAmmError::DivisionByZero { .. })
        ));
        assert!(matches!(
            CTX.div(d("0"), d("0")),
            Err(CpAmmError::InvalidOperation { .. })
        ));
        assert!(matches!(
            CTX.mul(Decimal::MAX, d("2")),
            Err(CpAmmError::Overflow { .. })
        ));
    }

    #[test]
    fn cancellation_keeps_28_digits() {
        // 100000 - 33333.33333333333333333333333 = 66666.66666666666666666666667 in Python.
        let a = CTX.div(d("100000"), d("3")).unwrap();
        assert_eq!(
            CTX.sub(d("100000"), a).unwrap().to_string(),
            "66666.66666666666666666666667"
        );
    }

    #[test]
    fn small_numbers_are_limited_to_28_places() {
        // Python keeps 28 digits (0.03333…3 to 29 places); rust_decimal stops at 28 places.
        assert_eq!(
            CTX.div(d("1"), d("30")).unwrap().to_string(),
            "0.0333333333333333333333333333"
        );
    }

    #[test]
    fn ulp_steps_the_last_digit() {
        assert_eq!(
            CTX.ulp(d("104828.4836721918295772111633")).unwrap(),
            d("0.0000000000000000000001")
        );
        assert_eq!(
            CTX.ulp(d("0")).unwrap(),
            d("0.0000000000000000000000000001")
        );
    }
}
