//! Checked integer arithmetic shared by `v1` and `v2`. The contracts revert on an overflow
//! (SafeMath, Solidity 0.8's checks, `SafeCast`) and on a division by zero; these return the
//! matching [`NotionalError`] naming the operation instead. v1 works in `uint256` (here `u128`
//! amounts widened to [`U256`]), v2 in `int256` (here `i128`); the pro-rata step `a · b / c`
//! is one routine on 256-bit magnitudes for both.

use ruint::aliases::U256;

use crate::{NotionalError, Result};

/// The overflow error of operation `op`.
pub(crate) fn overflow(op: &'static str) -> NotionalError {
    NotionalError::Overflow { op }
}

/// `a / b`, or [`NotionalError::DivisionByZero`] naming `op`.
pub(crate) fn div_u256(a: U256, b: U256, op: &'static str) -> Result<U256> {
    a.checked_div(b).ok_or(NotionalError::DivisionByZero { op })
}

/// `a · b` in `uint256`, or an overflow.
pub(crate) fn mul_u256(a: U256, b: U256, op: &'static str) -> Result<U256> {
    a.checked_mul(b).ok_or_else(|| overflow(op))
}

/// `SafeCast.toUint128`.
pub(crate) fn to_u128(x: U256, op: &'static str) -> Result<u128> {
    u128::try_from(x).map_err(|_| overflow(op))
}

/// `uint256(a).mul(b).div(c)` narrowed to `u128`: v1's pro-rata step.
pub(crate) fn mul_div_u128(a: u128, b: u128, c: u128, op: &'static str) -> Result<u128> {
    to_u128(
        div_u256(U256::from(a) * U256::from(b), U256::from(c), op)?,
        op,
    )
}

/// `a.mul(b).div(c)` in `int256` (SafeInt256), truncating toward zero: v2's pro-rata step.
/// The product of two `i128`s fits 256 bits, so it is computed on magnitudes.
pub(crate) fn mul_div_i128(a: i128, b: i128, c: i128, op: &'static str) -> Result<i128> {
    let magnitude = div_u256(
        U256::from(a.unsigned_abs()) * U256::from(b.unsigned_abs()),
        U256::from(c.unsigned_abs()),
        op,
    )?;
    let magnitude = to_u128(magnitude, op)?;
    if (a < 0) ^ (b < 0) ^ (c < 0) {
        0i128
            .checked_sub_unsigned(magnitude)
            .ok_or_else(|| overflow(op))
    } else {
        i128::try_from(magnitude).map_err(|_| overflow(op))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mul_div_truncates_toward_zero_in_both_widths() {
        assert_eq!(mul_div_u128(7, 3, 2, "t"), Ok(10));
        assert_eq!(mul_div_i128(-7, 3, 2, "t"), Ok(-10));
        assert_eq!(mul_div_i128(7, -3, -2, "t"), Ok(10));
        assert_eq!(mul_div_i128(i128::MIN, 1, 1, "t"), Ok(i128::MIN));
        assert_eq!(mul_div_i128(i128::MIN, -1, 1, "t"), Err(overflow("t")));
        assert_eq!(
            mul_div_i128(i128::MAX, i128::MAX, i128::MAX, "t"),
            Ok(i128::MAX)
        );
        assert_eq!(
            mul_div_u128(1, 1, 0, "t"),
            Err(NotionalError::DivisionByZero { op: "t" })
        );
        assert_eq!(mul_div_u128(u128::MAX, 2, 1, "t"), Err(overflow("t")));
    }
}
