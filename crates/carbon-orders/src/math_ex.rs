//! `MathEx.sol`: multiply-then-divide with a 512-bit intermediate, rounded down or up, and the
//! smallest factor that brings a 512-bit product back under `2²⁵⁶`.
//!
//! The contract computes the 512-bit product with `mulmod` tricks; here it is a `U512` from
//! ruint, but only when the product needs it: a product under `2¹²⁸` (with a divisor under
//! `2¹²⁸`) divides in native `u128`, one under `2²⁵⁶` in `U256`, and only a larger one in
//! `U512`. In trades of real orders the product nearly always fits in 256 bits, and 512-bit
//! division was the largest single cost of a trade (PERFORMANCE.md has the before and after).
//! The results, and when they revert, are the same.
//!
//! ```
//! use carbon_orders::U256;
//! use carbon_orders::math_ex::{min_factor, mul_div_c, mul_div_f};
//!
//! // 7·5/3 = 11.67: down to 11, up to 12.
//! let (x, y, z) = (U256::from(7u8), U256::from(5u8), U256::from(3u8));
//! assert_eq!(mul_div_f(x, y, z)?, U256::from(11u8));
//! assert_eq!(mul_div_c(x, y, z)?, U256::from(12u8));
//! // A 512-bit product divides back into 256 bits: (2²⁵⁵ · 6) / 4 = 2²⁵⁵ · 1.5.
//! let big = U256::from(1u8) << 255;
//! assert_eq!(mul_div_f(big, U256::from(6u8), U256::from(8u8))?, (big >> 2) * U256::from(3u8));
//! // The factor the contract divides by so that the product fits in 256 bits:
//! // 2²⁵⁵ · 6 = 3 · 2²⁵⁶, so hi = 3, lo = 0 and the factor is hi + 1.
//! assert_eq!(min_factor(big, U256::from(6u8)), U256::from(4u8));
//! assert!(mul_div_f(x, y, U256::ZERO).is_err()); // the EVM's division by zero
//! # Ok::<(), carbon_orders::CarbonError>(())
//! ```

use ruint::aliases::{U256, U512};

use crate::error::CarbonError;

fn wide(x: U256) -> U512 {
    U512::from(x)
}

/// `x` as a `U256`, or `Overflow` when it needs more than 256 bits.
fn narrow(x: U512, what: &'static str) -> Result<U256, CarbonError> {
    if x.bit_len() > 256 {
        return Err(CarbonError::Overflow { what });
    }
    let l = x.as_limbs();
    Ok(U256::from_limbs([l[0], l[1], l[2], l[3]]))
}

/// `floor(x·y / z)` and whether the division was exact, for `z ≠ 0`, in the narrowest
/// integers that hold the product.
fn mul_div_rem(x: U256, y: U256, z: U256, what: &'static str) -> Result<(U256, bool), CarbonError> {
    if let Some(p) = x.checked_mul(y) {
        if let (Ok(p), Ok(d)) = (u128::try_from(p), u128::try_from(z)) {
            return Ok((U256::from(p / d), p % d == 0));
        }
        let (q, r) = p.div_rem(z);
        return Ok((q, r.is_zero()));
    }
    let (q, r) = (wide(x) * wide(y)).div_rem(wide(z));
    Ok((narrow(q, what)?, r.is_zero()))
}

/// `floor(x·y / z)` (`MathEx.mulDivF`).
///
/// # Errors
/// `z = 0` (the EVM's division-by-zero panic) or a result of `2²⁵⁶` or more (`Overflow`).
pub fn mul_div_f(x: U256, y: U256, z: U256) -> Result<U256, CarbonError> {
    if z.is_zero() {
        return Err(CarbonError::DivisionByZero { what: "mulDivF" });
    }
    Ok(mul_div_rem(x, y, z, "mulDivF")?.0)
}

/// `ceil(x·y / z)` (`MathEx.mulDivC`).
///
/// # Errors
/// As [`mul_div_f`], and a result of `2²⁵⁶` or more after rounding up.
pub fn mul_div_c(x: U256, y: U256, z: U256) -> Result<U256, CarbonError> {
    if z.is_zero() {
        return Err(CarbonError::DivisionByZero { what: "mulDivC" });
    }
    let (q, exact) = mul_div_rem(x, y, z, "mulDivC")?;
    if exact {
        Ok(q)
    } else {
        q.checked_add(U256::from(1u8))
            .ok_or(CarbonError::Overflow { what: "mulDivC" })
    }
}

/// The smallest `z` with `x·y / z ≤ 2²⁵⁶ − 1` (`MathEx.minFactor`): `hi + 1`, or `hi + 2` when
/// `hi + lo > 2²⁵⁶ − 1`, for the product `2²⁵⁶·hi + lo`. Never zero.
#[must_use]
pub fn min_factor(x: U256, y: U256) -> U256 {
    let p = wide(x) * wide(y);
    let limbs = p.as_limbs();
    let lo = U256::from_limbs([limbs[0], limbs[1], limbs[2], limbs[3]]);
    let hi = U256::from_limbs([limbs[4], limbs[5], limbs[6], limbs[7]]);
    // Cannot overflow: hi ≤ 2²⁵⁶ − 2, and hi = 2²⁵⁶ − 2 only with lo = 1, where hi ≤ !lo.
    if hi > !lo {
        hi + U256::from(2u8)
    } else {
        hi + U256::from(1u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(v: u128) -> U256 {
        U256::from(v)
    }

    #[test]
    fn rounding_by_hand() {
        assert_eq!(mul_div_f(u(7), u(3), u(2)).unwrap(), u(10));
        assert_eq!(mul_div_c(u(7), u(3), u(2)).unwrap(), u(11));
        assert_eq!(mul_div_c(u(8), u(3), u(2)).unwrap(), u(12));
        assert!(mul_div_f(u(1), u(1), u(0)).is_err());
        // (2²⁵⁶ − 1)² / (2²⁵⁶ − 1) = 2²⁵⁶ − 1 fits; with divisor 1 it does not.
        assert_eq!(
            mul_div_f(U256::MAX, U256::MAX, U256::MAX).unwrap(),
            U256::MAX
        );
        assert_eq!(
            mul_div_f(U256::MAX, U256::MAX, u(1)),
            Err(CarbonError::Overflow { what: "mulDivF" })
        );
    }

    /// The 512-bit division every tier must agree with.
    fn reference(x: U256, y: U256, z: U256) -> Option<(U256, bool)> {
        let (q, r) = (wide(x) * wide(y)).div_rem(wide(z));
        narrow(q, "reference").ok().map(|q| (q, r.is_zero()))
    }

    proptest::proptest! {
        #[test]
        fn every_tier_is_the_512_bit_division(
            x in proptest::array::uniform4(proptest::prelude::any::<u64>()),
            y in proptest::array::uniform4(proptest::prelude::any::<u64>()),
            z in proptest::array::uniform4(proptest::prelude::any::<u64>()),
            // Shift each operand right so that all three tiers (u128, U256, U512) come up.
            sx in 0usize..256, sy in 0usize..256, sz in 0usize..256,
        ) {
            let x = U256::from_limbs(x) >> sx;
            let y = U256::from_limbs(y) >> sy;
            let z = (U256::from_limbs(z) >> sz).max(u(1));
            proptest::prop_assert_eq!(mul_div_rem(x, y, z, "t").ok(), reference(x, y, z));
        }
    }

    #[test]
    fn min_factor_by_hand() {
        assert_eq!(min_factor(u(0), u(5)), u(1));
        assert_eq!(min_factor(u(3), u(5)), u(1));
        // 2²⁵⁶ = 2¹²⁸ · 2¹²⁸: hi = 1, lo = 0, so z = 2 (2²⁵⁶ / 2 fits, / 1 does not).
        let two128 = U256::from(1u8) << 128;
        assert_eq!(min_factor(two128, two128), u(2));
        // (2²⁵⁶ − 1)²: hi = 2²⁵⁶ − 2, lo = 1, hi ≤ !lo, so z = 2²⁵⁶ − 1.
        assert_eq!(min_factor(U256::MAX, U256::MAX), U256::MAX);
    }
}
