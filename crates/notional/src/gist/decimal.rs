//! decimal.js as the gist configures it: `Decimal.set({precision: 18, rounding: ROUND_CEIL})`.
//!
//! Only what `calculateExchangeRate` uses: the constructor (exact, never rounded), `add`, `sub`,
//! `mul`, `div` and `ln` (each rounded to 18 significant digits toward +∞), `round` (to an
//! integer, toward +∞: it follows the global mode), `trunc`, the comparisons, and
//! `parseInt(x.toFixed(0))`. NaN, ±Infinity and signed zeros behave as in decimal.js.

use std::cmp::Ordering;

use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{One, Signed, Zero};

use super::{js, ln};

/// decimal.js's `precision`.
pub(crate) const PRECISION: u32 = 18;

/// A decimal.js value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Dec {
    /// NaN.
    NaN,
    /// ±Infinity (`true` for −∞).
    Inf(bool),
    /// `(−1)^neg · coef · 10^exp`; `coef = 0` is a signed zero.
    Fin {
        /// Sign.
        neg: bool,
        /// Coefficient.
        coef: BigUint,
        /// Decimal exponent.
        exp: i64,
    },
}

/// How a result is cut to its digits: decimal.js's rounding mode.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rounding {
    /// ROUND_CEIL, the gist's global mode.
    Ceil,
    /// ROUND_DOWN, which `trunc` uses.
    Down,
}

/// `10^n`.
pub(crate) fn pow10(n: u32) -> BigUint {
    BigUint::from(10u32).pow(n)
}

/// Number of decimal digits of `c` (1 for zero).
pub(crate) fn digits(c: &BigUint) -> u32 {
    if c.is_zero() {
        return 1;
    }
    // bits·log10(2) is the count or one below it.
    let est = ((c.bits() - 1) as f64 * std::f64::consts::LOG10_2) as u32;
    if *c >= pow10(est + 1) {
        est + 2
    } else {
        est + 1
    }
}

impl Dec {
    /// `new Decimal(0)`.
    pub(crate) fn zero() -> Self {
        Self::Fin {
            neg: false,
            coef: BigUint::zero(),
            exp: 0,
        }
    }

    /// `new Decimal(1)`.
    pub(crate) fn one() -> Self {
        Self::Fin {
            neg: false,
            coef: BigUint::one(),
            exp: 0,
        }
    }

    /// `new Decimal(bigNumber.toString())`: exact.
    pub(crate) fn from_int(v: &BigInt) -> Self {
        Self::Fin {
            neg: v.sign() == Sign::Minus,
            coef: v.magnitude().clone(),
            exp: 0,
        }
    }

    /// `new Decimal(number)`: the Number's shortest decimal digits (its `toString`), exact.
    pub(crate) fn from_f64(x: f64) -> Self {
        if x.is_nan() {
            return Self::NaN;
        }
        if x.is_infinite() {
            return Self::Inf(x < 0.0);
        }
        if x == 0.0 {
            return Self::Fin {
                neg: x.is_sign_negative(),
                coef: BigUint::zero(),
                exp: 0,
            };
        }
        let (d, n) = js::shortest_digits(x);
        let len = i64::try_from(d.len()).unwrap_or(0);
        Self::Fin {
            neg: x < 0.0,
            coef: d.parse().unwrap_or_default(),
            exp: i64::from(n) - len,
        }
    }

    /// A finite value from a signed coefficient, rounded to the precision toward +∞.
    fn finite(v: BigInt, exp: i64, zero_neg: bool) -> Self {
        let neg = if v.is_zero() {
            zero_neg
        } else {
            v.is_negative()
        };
        round_sd(neg, v.magnitude().clone(), exp, PRECISION, Rounding::Ceil)
    }

    fn signed(&self) -> Option<(BigInt, i64)> {
        match self {
            Self::Fin { neg, coef, exp } => {
                let s = if *neg { Sign::Minus } else { Sign::Plus };
                Some((BigInt::from_biguint(s, coef.clone()), *exp))
            }
            _ => None,
        }
    }

    fn is_neg(&self) -> bool {
        match self {
            Self::NaN => false,
            Self::Inf(n) => *n,
            Self::Fin { neg, .. } => *neg,
        }
    }

    fn is_zero(&self) -> bool {
        matches!(self, Self::Fin { coef, .. } if coef.is_zero())
    }

    fn negated(&self) -> Self {
        match self {
            Self::NaN => Self::NaN,
            Self::Inf(n) => Self::Inf(!n),
            Self::Fin { neg, coef, exp } => Self::Fin {
                neg: !neg,
                coef: coef.clone(),
                exp: *exp,
            },
        }
    }

    /// `x.plus(y)`.
    pub(crate) fn add(&self, y: &Self) -> Self {
        match (self, y) {
            (Self::NaN, _) | (_, Self::NaN) => Self::NaN,
            (Self::Inf(a), Self::Inf(b)) => {
                if a == b {
                    Self::Inf(*a)
                } else {
                    Self::NaN
                }
            }
            (Self::Inf(a), _) | (_, Self::Inf(a)) => Self::Inf(*a),
            _ => {
                let ((a, ea), (b, eb)) = (
                    self.signed().unwrap_or_default(),
                    y.signed().unwrap_or_default(),
                );
                let e = ea.min(eb);
                let a = a * BigInt::from(pow10(u32::try_from(ea - e).unwrap_or(0)));
                let b = b * BigInt::from(pow10(u32::try_from(eb - e).unwrap_or(0)));
                // An exact zero is +0 except -0 + -0 (ROUND_CEIL is not ROUND_FLOOR).
                let zero_neg = self.is_zero() && y.is_zero() && self.is_neg() && y.is_neg();
                Self::finite(a + b, e, zero_neg)
            }
        }
    }

    /// `x.minus(y)`.
    pub(crate) fn sub(&self, y: &Self) -> Self {
        self.add(&y.negated())
    }

    /// `x.times(y)`.
    pub(crate) fn mul(&self, y: &Self) -> Self {
        let neg = self.is_neg() != y.is_neg();
        match (self, y) {
            (Self::NaN, _) | (_, Self::NaN) => Self::NaN,
            (Self::Inf(_), o) | (o, Self::Inf(_)) => {
                if o.is_zero() {
                    Self::NaN
                } else {
                    Self::Inf(neg)
                }
            }
            (
                Self::Fin {
                    coef: a, exp: ea, ..
                },
                Self::Fin {
                    coef: b, exp: eb, ..
                },
            ) => round_sd(neg, a * b, ea + eb, PRECISION, Rounding::Ceil),
        }
    }

    /// `x.div(y)`, correctly rounded.
    pub(crate) fn div(&self, y: &Self) -> Self {
        let neg = self.is_neg() != y.is_neg();
        match (self, y) {
            (Self::NaN, _) | (_, Self::NaN) | (Self::Inf(_), Self::Inf(_)) => Self::NaN,
            (Self::Inf(_), _) => Self::Inf(neg),
            (_, Self::Inf(_)) => Self::Fin {
                neg,
                coef: BigUint::zero(),
                exp: 0,
            },
            (
                Self::Fin {
                    coef: a, exp: ea, ..
                },
                Self::Fin {
                    coef: b, exp: eb, ..
                },
            ) => {
                if b.is_zero() {
                    return if a.is_zero() {
                        Self::NaN
                    } else {
                        Self::Inf(neg)
                    };
                }
                if a.is_zero() {
                    return Self::Fin {
                        neg,
                        coef: BigUint::zero(),
                        exp: 0,
                    };
                }
                // Enough digits that the quotient has at least PRECISION + 1 of them; the
                // remainder becomes a sticky digit below.
                let k = (PRECISION + 2 + digits(b)).saturating_sub(digits(a));
                let (q, r) = (a * pow10(k)).div_rem(b);
                let q = q * 10u32 + u32::from(!r.is_zero());
                round_sd(
                    neg,
                    q,
                    ea - eb - i64::from(k) - 1,
                    PRECISION,
                    Rounding::Ceil,
                )
            }
        }
    }

    /// `Decimal.ln(x)`, correctly rounded.
    pub(crate) fn ln(&self) -> Self {
        match self {
            Self::NaN => Self::NaN,
            Self::Inf(true) => Self::NaN,
            Self::Inf(false) => Self::Inf(false),
            Self::Fin { neg, coef, exp } => {
                if coef.is_zero() {
                    Self::Inf(true)
                } else if *neg {
                    Self::NaN
                } else {
                    ln::ln_ceil(coef, *exp)
                }
            }
        }
    }

    /// `x.round()` (toward +∞, the global mode) or `x.trunc()`: to an integer.
    pub(crate) fn to_integer(&self, rounding: Rounding) -> Self {
        match self {
            Self::Fin { neg, coef, exp } if *exp < 0 => {
                let drop = u32::try_from(-exp).unwrap_or(u32::MAX);
                round_at(*neg, coef, drop, *exp, rounding)
            }
            other => other.clone(),
        }
    }

    /// Exact comparison; `None` if either is NaN.
    pub(crate) fn compare(&self, y: &Self) -> Option<Ordering> {
        match (self, y) {
            (Self::NaN, _) | (_, Self::NaN) => None,
            (Self::Inf(a), Self::Inf(b)) => Some(b.cmp(a)),
            (Self::Inf(a), _) => Some(if *a {
                Ordering::Less
            } else {
                Ordering::Greater
            }),
            (_, Self::Inf(b)) => Some(if *b {
                Ordering::Greater
            } else {
                Ordering::Less
            }),
            _ => {
                let ((a, ea), (b, eb)) = (
                    self.signed().unwrap_or_default(),
                    y.signed().unwrap_or_default(),
                );
                let e = ea.min(eb);
                let a = a * BigInt::from(pow10(u32::try_from(ea - e).unwrap_or(0)));
                let b = b * BigInt::from(pow10(u32::try_from(eb - e).unwrap_or(0)));
                Some(a.cmp(&b))
            }
        }
    }

    /// `x.lt(y)`.
    pub(crate) fn lt(&self, y: &Self) -> bool {
        self.compare(y) == Some(Ordering::Less)
    }

    /// `x.gt(y)`.
    pub(crate) fn gt(&self, y: &Self) -> bool {
        self.compare(y) == Some(Ordering::Greater)
    }

    /// `parseInt(x.toFixed(0))`: rounded to an integer toward +∞, then read back as a JS Number
    /// (NaN for NaN and ±Infinity, whose strings parseInt cannot read; `-0` for a negative value
    /// that rounds to zero).
    pub(crate) fn parse_int_to_fixed0(&self) -> f64 {
        match self.to_integer(Rounding::Ceil) {
            Self::Fin { coef, exp, .. } => {
                let int = coef * pow10(u32::try_from(exp).unwrap_or(0));
                let neg = self.is_neg() && !self.is_zero();
                let v: f64 = int.to_string().parse().unwrap_or(f64::NAN);
                if neg { -v } else { v }
            }
            _ => f64::NAN,
        }
    }
}

impl std::fmt::Display for Dec {
    /// decimal.js's `toString`: exponential below 1e-7 and from 1e21.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NaN => f.write_str("NaN"),
            Self::Inf(n) => f.write_str(if *n { "-Infinity" } else { "Infinity" }),
            Self::Fin { neg, coef, exp } => {
                let mut d = coef.to_string();
                let mut e = *exp;
                while d.len() > 1 && d.ends_with('0') {
                    d.pop();
                    e += 1;
                }
                let sign = if *neg && !coef.is_zero() { "-" } else { "" };
                let len = i64::try_from(d.len()).unwrap_or(0);
                let top = e + len - 1; // exponent of the leading digit
                let body = if coef.is_zero() {
                    "0".to_string()
                } else if !(-7..21).contains(&top) {
                    let (a, b) = d.split_at(1);
                    let b = if b.is_empty() {
                        String::new()
                    } else {
                        format!(".{b}")
                    };
                    let es = if top >= 0 {
                        format!("+{top}")
                    } else {
                        top.to_string()
                    };
                    format!("{a}{b}e{es}")
                } else if e >= 0 {
                    format!("{d}{}", "0".repeat(usize::try_from(e).unwrap_or(0)))
                } else if top >= 0 {
                    let (a, b) = d.split_at(usize::try_from(top + 1).unwrap_or(0));
                    format!("{a}.{b}")
                } else {
                    format!(
                        "0.{}{d}",
                        "0".repeat(usize::try_from(-top - 1).unwrap_or(0))
                    )
                };
                write!(f, "{sign}{body}")
            }
        }
    }
}

/// Rounds `coef · 10^exp` to `sd` significant digits with `rounding`.
pub(crate) fn round_sd(neg: bool, coef: BigUint, exp: i64, sd: u32, rounding: Rounding) -> Dec {
    let n = digits(&coef);
    if n <= sd {
        return Dec::Fin { neg, coef, exp };
    }
    round_at(neg, &coef, n - sd, exp, rounding)
}

/// Drops the last `drop` digits of `coef · 10^exp`, with `rounding`.
fn round_at(neg: bool, coef: &BigUint, drop: u32, exp: i64, rounding: Rounding) -> Dec {
    let (mut q, r) = coef.div_rem(&pow10(drop));
    if rounding == Rounding::Ceil && !neg && !r.is_zero() {
        q += 1u32;
    }
    Dec::Fin {
        neg,
        coef: q,
        exp: exp + i64::from(drop),
    }
}

#[cfg(test)]
#[expect(
    clippy::excessive_precision,
    reason = "reference values, digit for digit as printed"
)]
mod tests {
    use super::*;

    fn d(s: &str) -> Dec {
        let (neg, s) = s.strip_prefix('-').map_or((false, s), |r| (true, r));
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        let coef: BigUint = format!("{int}{frac}").parse().unwrap();
        Dec::Fin {
            neg,
            coef,
            exp: -i64::try_from(frac.len()).unwrap(),
        }
    }

    #[test]
    fn operations_round_to_18_digits_toward_plus_infinity() {
        // decimal.js 10.2.1, precision 18, ROUND_CEIL (values checked under Node).
        let sum = d("227613564048390296303140").add(&d("0"));
        assert_eq!(sum.to_string(), "2.27613564048390297e+23");
        let neg = d("-227613564048390296303140").add(&d("0"));
        assert_eq!(neg.to_string(), "-2.27613564048390296e+23");
        assert_eq!(d("1").div(&d("3")).to_string(), "0.333333333333333334");
        assert_eq!(d("-1").div(&d("3")).to_string(), "-0.333333333333333333");
        assert_eq!(d("2").div(&d("3")).to_string(), "0.666666666666666667");
        assert_eq!(
            d("1").sub(&d("0.346871295431628887")).to_string(),
            "0.653128704568371113"
        );
        assert_eq!(
            d("-632820402").div(&d("209")).to_string(),
            "-3027848.81339712918"
        );
        assert_eq!(
            d("-0.6328204025").to_integer(Rounding::Ceil).to_string(),
            "0"
        );
        assert_eq!(d("0.2").to_integer(Rounding::Ceil).to_string(), "1");
        assert_eq!(
            d("-3027848.8").to_integer(Rounding::Down).to_string(),
            "-3027848"
        );
    }

    #[test]
    fn specials_follow_decimal_js() {
        let zero = Dec::zero();
        assert_eq!(d("1").div(&zero), Dec::Inf(false));
        assert_eq!(zero.div(&zero), Dec::NaN);
        assert_eq!(zero.ln(), Dec::Inf(true));
        assert_eq!(Dec::Inf(true).mul(&zero), Dec::NaN);
        assert!(Dec::Inf(false).gt(&Dec::from_f64(9.223_372_036_854_776)));
        assert!(!Dec::NaN.lt(&zero) && !Dec::NaN.gt(&zero));
        assert!(Dec::NaN.parse_int_to_fixed0().is_nan());
        assert!(Dec::Inf(false).parse_int_to_fixed0().is_nan());
        let minus_zero = d("-0.4").parse_int_to_fixed0();
        assert!(minus_zero == 0.0 && minus_zero.is_sign_negative());
        assert_eq!(
            Dec::from_f64(9.223_372_036_854_775_807).to_string(),
            "9.223372036854776"
        );
    }
}
