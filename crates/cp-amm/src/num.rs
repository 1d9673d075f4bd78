//! The number trait the AMM math is generic over, implemented for `f64` and for
//! `rust_decimal::Decimal` (in Python's default decimal context).
//!
//! Every operation is checked: it returns [`CpAmmError`] instead of producing NaN, infinity, a
//! panic or a silently wrapped value.

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
    #[allow(clippy::cast_precision_loss)] // rounding to f64 is the point
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
