//! The number trait the AMM math is generic over, implemented for `f64` and for
//! `rust_decimal::Decimal` (in Python's default decimal context).
//!
//! Every operation is checked: it returns [`CpAmmError`] instead of producing NaN, infinity, a
//! panic or a silently wrapped value.

use std::cmp::Ordering;
use std::fmt::{Debug, Display};

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::{CpAmmError, DecimalContext, Result};

/// An amount, reserve or price: checked arithmetic with the rounding of the implementing type.
///
/// * `f64`: IEEE-754 binary64, round-to-nearest. An infinite result is
///   [`CpAmmError::Overflow`], `x / 0` is [`CpAmmError::DivisionByZero`].
/// * [`Decimal`]: Python's default `decimal` context, 28 significant digits, `ROUND_HALF_EVEN`
///   (see [`DecimalContext`]), so that results equal the cadCAD notebooks' to the last digit.
///
/// ```
/// use cp_amm::Num;
/// use rust_decimal::Decimal;
///
/// // Decimal computes as Python's decimal context does: 28 significant digits, half-even.
/// let third = Decimal::ONE.try_div(Decimal::from(3))?;
/// assert_eq!(third.to_string(), "0.3333333333333333333333333333");
/// // Products are compared exactly, below the last digit either type keeps.
/// assert_eq!(
///     Num::cmp_products(third, Decimal::from(3), Decimal::ONE, Decimal::ONE),
///     Some(std::cmp::Ordering::Less)
/// );
/// # Ok::<(), cp_amm::CpAmmError>(())
/// ```
pub trait Num: Copy + PartialOrd + Debug + Display + Send + Sync + 'static {
    /// Zero.
    const ZERO: Self;
    /// One.
    const ONE: Self;

    /// `self + rhs`.
    ///
    /// # Errors
    /// [`CpAmmError::Overflow`] when the result does not fit.
    fn try_add(self, rhs: Self) -> Result<Self>;
    /// `self - rhs`.
    ///
    /// # Errors
    /// [`CpAmmError::Overflow`] when the result does not fit.
    fn try_sub(self, rhs: Self) -> Result<Self>;
    /// `self · rhs`.
    ///
    /// # Errors
    /// [`CpAmmError::Overflow`] when the result does not fit.
    fn try_mul(self, rhs: Self) -> Result<Self>;
    /// `self / rhs`.
    ///
    /// # Errors
    /// [`CpAmmError::DivisionByZero`], [`CpAmmError::InvalidOperation`] (0 / 0) or
    /// [`CpAmmError::Overflow`].
    fn try_div(self, rhs: Self) -> Result<Self>;
    /// `√self`.
    ///
    /// # Errors
    /// [`CpAmmError::NegativeSqrt`] when `self < 0`.
    fn try_sqrt(self) -> Result<Self>;
    /// The exact ratio `num / den` rounded to this type.
    ///
    /// # Errors
    /// [`CpAmmError::DivisionByZero`] when `den == 0`.
    fn from_ratio(num: u64, den: u64) -> Result<Self>;
    /// Whether the value is finite (always true for `Decimal`).
    fn is_finite(self) -> bool;
    /// One unit in the last place of `|self|`: the gap to the next representable value away
    /// from zero (for `Decimal`, at 28 significant digits and never below `1e-28`).
    ///
    /// # Errors
    /// [`CpAmmError::Overflow`] at the top of the range.
    fn ulp(self) -> Result<Self>;
    /// The nearest `f64`, for reporting and plotting.
    fn to_f64(self) -> f64;
    /// The exact order of `a·b` against `c·d`, with no rounding (a product rounded to the
    /// type's precision can hide a decrease of `k`); `None` when a value is NaN or infinite.
    fn cmp_products(a: Self, b: Self, c: Self, d: Self) -> Option<Ordering>;
}

/// Orders two exact products `(sign, magnitude)` with the sign first.
fn cmp_signed(s1: i8, s2: i8, magnitudes: impl FnOnce() -> Ordering) -> Ordering {
    match s1.cmp(&s2) {
        Ordering::Equal if s1 == 0 => Ordering::Equal,
        Ordering::Equal if s1 > 0 => magnitudes(),
        Ordering::Equal => magnitudes().reverse(),
        o => o,
    }
}

/// `|v|` as `mantissa · 2^exp` (mantissa 0 for zero), with its sign.
fn f64_parts(v: f64) -> (i8, u64, i32) {
    if v == 0.0 {
        return (0, 0, 0);
    }
    let bits = v.to_bits();
    let sign = if v < 0.0 { -1 } else { 1 };
    // The biased exponent is 11 bits, so it fits an i32.
    let biased = i32::try_from((bits >> 52) & 0x7ff).unwrap_or(0);
    let frac = bits & ((1 << 52) - 1);
    if biased == 0 {
        (sign, frac, -1074)
    } else {
        (sign, frac | (1 << 52), biased - 1075)
    }
}

fn finite(x: f64, op: &'static str) -> Result<f64> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(CpAmmError::Overflow { op })
    }
}

impl Num for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;

    fn try_add(self, rhs: Self) -> Result<Self> {
        finite(self + rhs, "addition")
    }
    fn try_sub(self, rhs: Self) -> Result<Self> {
        finite(self - rhs, "subtraction")
    }
    fn try_mul(self, rhs: Self) -> Result<Self> {
        finite(self * rhs, "multiplication")
    }
    fn try_div(self, rhs: Self) -> Result<Self> {
        if rhs == 0.0 {
            return Err(if self == 0.0 || self.is_nan() {
                CpAmmError::InvalidOperation { op: "0 / 0" }
            } else {
                CpAmmError::DivisionByZero {
                    dividend: self.to_string(),
                }
            });
        }
        finite(self / rhs, "division")
    }
    fn try_sqrt(self) -> Result<Self> {
        if self < 0.0 {
            return Err(CpAmmError::NegativeSqrt {
                value: self.to_string(),
            });
        }
        finite(self.sqrt(), "sqrt")
    }
    fn from_ratio(num: u64, den: u64) -> Result<Self> {
        (num as f64).try_div(den as f64)
    }
    fn is_finite(self) -> bool {
        f64::is_finite(self)
    }
    fn ulp(self) -> Result<Self> {
        let a = self.abs();
        finite(a.next_up() - a, "ulp")
    }
    fn to_f64(self) -> f64 {
        self
    }
    fn cmp_products(a: Self, b: Self, c: Self, d: Self) -> Option<Ordering> {
        if ![a, b, c, d].iter().all(|v| v.is_finite()) {
            return None;
        }
        let (sa, ma, ea) = f64_parts(a);
        let (sb, mb, eb) = f64_parts(b);
        let (sc, mc, ec) = f64_parts(c);
        let (sd, md, ed) = f64_parts(d);
        let (p1, e1) = (u128::from(ma) * u128::from(mb), ea + eb);
        let (p2, e2) = (u128::from(mc) * u128::from(md), ec + ed);
        let magnitudes = || {
            // Both non-zero: compare the positions of the leading bits, then the aligned bits.
            let l1 = i64::from(128 - p1.leading_zeros()) + i64::from(e1);
            let l2 = i64::from(128 - p2.leading_zeros()) + i64::from(e2);
            if l1 != l2 {
                return l1.cmp(&l2);
            }
            // Same leading bit: compare the products aligned to bit 127 (both are below
            // 2^106, so shifting them left loses nothing).
            (p1 << p1.leading_zeros()).cmp(&(p2 << p2.leading_zeros()))
        };
        Some(cmp_signed(sa * sb, sc * sd, magnitudes))
    }
}

const CTX: DecimalContext = DecimalContext::PYTHON_DEFAULT;

impl Num for Decimal {
    const ZERO: Self = Decimal::ZERO;
    const ONE: Self = Decimal::ONE;

    fn try_add(self, rhs: Self) -> Result<Self> {
        CTX.add(self, rhs)
    }
    fn try_sub(self, rhs: Self) -> Result<Self> {
        CTX.sub(self, rhs)
    }
    fn try_mul(self, rhs: Self) -> Result<Self> {
        CTX.mul(self, rhs)
    }
    fn try_div(self, rhs: Self) -> Result<Self> {
        CTX.div(self, rhs)
    }
    fn try_sqrt(self) -> Result<Self> {
        CTX.sqrt(self)
    }
    fn from_ratio(num: u64, den: u64) -> Result<Self> {
        CTX.div(Decimal::from(num), Decimal::from(den))
    }
    fn is_finite(self) -> bool {
        true
    }
    fn ulp(self) -> Result<Self> {
        CTX.ulp(self)
    }
    fn to_f64(self) -> f64 {
        ToPrimitive::to_f64(&self).unwrap_or(f64::NAN)
    }
    fn cmp_products(a: Self, b: Self, c: Self, d: Self) -> Option<Ordering> {
        let sign = |v: Decimal| -> i8 {
            if v.is_zero() {
                0
            } else if v.is_sign_negative() {
                -1
            } else {
                1
            }
        };
        let magnitudes = || crate::context::cmp_product_magnitudes(a, b, c, d);
        Some(cmp_signed(sign(a) * sign(b), sign(c) * sign(d), magnitudes))
    }
}

/// Checks that `x` is finite and strictly positive.
pub(crate) fn positive<N: Num>(what: &'static str, x: N) -> Result<N> {
    if !x.is_finite() {
        return Err(CpAmmError::NonFinite {
            what,
            value: x.to_string(),
        });
    }
    // `!(x > 0)` rather than `x <= 0` so that NaN is caught too.
    if x > N::ZERO {
        Ok(x)
    } else {
        Err(CpAmmError::NonPositive {
            what,
            value: x.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f64_errors_instead_of_nan_or_inf() {
        assert!(matches!(
            1.0f64.try_div(0.0),
            Err(CpAmmError::DivisionByZero { .. })
        ));
        assert!(matches!(
            0.0f64.try_div(0.0),
            Err(CpAmmError::InvalidOperation { .. })
        ));
        assert!(matches!(
            f64::MAX.try_mul(2.0),
            Err(CpAmmError::Overflow { .. })
        ));
        assert!(matches!(
            (-4.0f64).try_sqrt(),
            Err(CpAmmError::NegativeSqrt { .. })
        ));
        assert_eq!(9.0f64.try_sqrt(), Ok(3.0));
    }

    #[test]
    fn positive_rejects_zero_negative_and_nan() {
        assert!(positive("x", 1.0f64).is_ok());
        assert!(matches!(
            positive("x", 0.0f64),
            Err(CpAmmError::NonPositive { .. })
        ));
        assert!(matches!(
            positive("x", -1.0f64),
            Err(CpAmmError::NonPositive { .. })
        ));
        assert!(matches!(
            positive("x", f64::NAN),
            Err(CpAmmError::NonFinite { .. })
        ));
        assert!(matches!(
            positive("x", f64::INFINITY),
            Err(CpAmmError::NonFinite { .. })
        ));
    }

    #[test]
    fn ulp_is_one_unit_in_the_last_place() {
        assert_eq!(Num::ulp(1.0f64), Ok(f64::EPSILON));
        assert_eq!(
            Num::ulp(Decimal::from(1)).unwrap().to_string(),
            "0.000000000000000000000000001"
        );
        assert_eq!(
            <Decimal as Num>::from_ratio(997, 1000).unwrap().to_string(),
            "0.997"
        );
    }
}
