//! The parts of ABDK's signed 64.64 fixed-point library that Notional's contracts call: a value
//! `x` stands for `x / 2^64` in an `i128`.
//!
//! `log_2` is ABDK's bit-by-bit algorithm (square, read the top bit), and `ln` multiplies it by
//! `⌊ln 2 · 2^128⌋` and shifts right by 128, so both are bit-exact with the contracts. `exp` is
//! not ABDK's table of 64 truncated powers of two: it is `⌊e^x · 2^64⌋` computed exactly, which
//! can differ from ABDK's in the last unit (2^−64); only the v2 market uses it.

use num_bigint::BigInt;
use num_traits::{One, ToPrimitive};
use ruint::aliases::U256;

use crate::{NotionalError, Result};

/// `2^64`, the 64.64 representation of 1.
pub(crate) const ONE: i128 = 1 << 64;

/// `⌊ln 2 · 2^128⌋`, ABDK's `ln` multiplier.
const LN2_128: u128 = 0xB172_17F7_D1CF_79AB_C9E3_B398_03F2_F6AF;

fn overflow(op: &'static str) -> NotionalError {
    NotionalError::Overflow { op }
}

/// `fromInt(x)`: `x << 64`, for `|x| ≤ 2^63`.
///
/// # Errors
/// [`NotionalError::Overflow`] outside `[−2^63, 2^63 − 1]`.
pub(crate) fn from_int(x: i128) -> Result<i128> {
    if (i128::from(i64::MIN)..=i128::from(i64::MAX)).contains(&x) {
        Ok(x << 64)
    } else {
        Err(overflow("ABDK fromInt"))
    }
}

/// `toInt(x)`: `x >> 64`, rounding toward −∞.
#[must_use]
pub(crate) fn to_int(x: i128) -> i128 {
    x >> 64
}

/// `toUInt(x)`: `x >> 64` for `x ≥ 0`.
///
/// # Errors
/// [`NotionalError::Overflow`] for a negative `x` (ABDK reverts).
pub(crate) fn to_uint(x: i128) -> Result<u64> {
    u64::try_from(x >> 64).map_err(|_| overflow("ABDK toUInt of a negative value"))
}

/// `mul(x, y)`: `(x · y) >> 64`, rounding toward −∞.
///
/// # Errors
/// [`NotionalError::Overflow`] beyond the 64.64 range.
pub(crate) fn mul(x: i128, y: i128) -> Result<i128> {
    let r: BigInt = (BigInt::from(x) * BigInt::from(y)) >> 64_u32;
    r.to_i128().ok_or_else(|| overflow("ABDK mul"))
}

/// `div(x, y)`: `(x << 64) / y`, rounding toward zero.
///
/// # Errors
/// [`NotionalError::DivisionByZero`], or [`NotionalError::Overflow`] beyond the range.
pub(crate) fn div(x: i128, y: i128) -> Result<i128> {
    if y == 0 {
        return Err(NotionalError::DivisionByZero { op: "ABDK div" });
    }
    let r: BigInt = (BigInt::from(x) << 64_u32) / BigInt::from(y);
    r.to_i128().ok_or_else(|| overflow("ABDK div"))
}

/// `sub(x, y)`.
///
/// # Errors
/// [`NotionalError::Overflow`] beyond the range.
pub(crate) fn sub(x: i128, y: i128) -> Result<i128> {
    x.checked_sub(y).ok_or_else(|| overflow("ABDK sub"))
}

/// `log_2(x)` for `x ≥ 1` (`x ≥ 2^64`): the integer part from the top bit, then 64 fraction bits
/// by repeated squaring, exactly as ABDK computes them.
///
/// # Errors
/// [`NotionalError::InvalidArgument`] for `x < 1`, where the contracts' callers never go (ABDK
/// itself reverts only for `x ≤ 0`, and its `ln` of a value below 1 wraps).
pub(crate) fn log_2(x: i128) -> Result<i128> {
    if x < ONE {
        return Err(NotionalError::InvalidArgument {
            name: "x",
            value: x.into(),
            reason: "the 64.64 logarithm is only used for arguments of at least 1",
        });
    }
    let msb = 127 - x.leading_zeros(); // position of the top bit, 64..=126
    let mut result: i128 = (i128::from(msb) - 64) << 64;
    let mut ux = U256::from(x.unsigned_abs()) << (127 - msb as usize);
    let mut bit: i128 = 1 << 63;
    while bit > 0 {
        ux = ux.wrapping_mul(ux);
        let b: U256 = ux >> 255_usize;
        let shift = 127 + b.to::<usize>();
        ux >>= shift;
        if b == U256::ONE {
            result += bit;
        }
        bit >>= 1;
    }
    Ok(result)
}

/// `ln(x)` for `x ≥ 1`: `log_2(x) · ⌊ln 2 · 2^128⌋ >> 128`.
///
/// # Errors
/// As [`log_2`].
pub(crate) fn ln(x: i128) -> Result<i128> {
    let l = log_2(x)?;
    // l ≥ 0 here, so ABDK's uint256 product is this one.
    let p: U256 = (U256::from(l.unsigned_abs()) * U256::from(LN2_128)) >> 128_usize;
    p.to::<u128>().try_into().map_err(|_| overflow("ABDK ln"))
}

/// `⌊e^(x / 2^64) · 2^64⌋` for `x < 2^70` (ABDK's `exp` domain; 0 below `−2^70`).
///
/// # Errors
/// [`NotionalError::Overflow`] at or above `2^70` (ABDK reverts) or beyond the 64.64 range.
pub(crate) fn exp(x: i128) -> Result<i128> {
    if x >= 0x40_0000_0000_0000_0000 {
        return Err(overflow("ABDK exp"));
    }
    if x < -0x40_0000_0000_0000_0000 {
        return Ok(0);
    }
    // e^(x/2^64) at 2^−(64+G) by the Taylor series of e^(r) with r = x/2^(64+k) reduced by
    // halving k times and squaring back; G guard bits keep the floor exact.
    const G: u32 = 64;
    const K: u32 = 16;
    let scale = 64 + G;
    let one = BigInt::one() << scale;
    let r = (BigInt::from(x) << G) >> K; // x / 2^K at 2^−scale (floor)
    let mut term = one.clone();
    let mut sum = one.clone();
    let mut n = 1u32;
    loop {
        term = ((&term * &r) >> scale) / n;
        if term == BigInt::ZERO {
            break;
        }
        sum += &term;
        n += 1;
    }
    for _ in 0..K {
        sum = (&sum * &sum) >> scale;
    }
    let v = sum >> G;
    v.to_i128().ok_or_else(|| overflow("ABDK exp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_of_powers_of_ten() {
        // ln(1e18)·1e9 = 41446531673.89… so the contract's LN_1E18 is its floor, 41446531673.
        let l = ln(from_int(1_000_000_000_000_000_000).unwrap()).unwrap();
        let scaled = mul(l, from_int(1_000_000_000).unwrap()).unwrap();
        assert_eq!(to_uint(scaled).unwrap(), 41_446_531_673);
        // LOG_RATE_PRECISION_64x64 = ⌊ln(1e9)·2^64⌋ = 382276781265598821176; ABDK's ln is within
        // a few units of it.
        let l9 = ln(from_int(1_000_000_000).unwrap()).unwrap();
        assert!((l9 - 382_276_781_265_598_821_176).abs() < 64);
        assert_eq!(ln(ONE).unwrap(), 0);
        assert!(ln(ONE - 1).is_err());
    }

    #[test]
    fn exp_is_the_floor_of_the_true_value() {
        assert_eq!(exp(0).unwrap(), ONE);
        // e = 2.718281828459045235360287471352…; ⌊e·2^64⌋ = 50143449209799256682.
        assert_eq!(exp(ONE).unwrap(), 50_143_449_209_799_256_682);
        // e^−1·2^64 = 6786177901268885274.6…
        assert_eq!(exp(-ONE).unwrap(), 6_786_177_901_268_885_274);
        assert!(exp(0x40_0000_0000_0000_0000).is_err());
        assert_eq!(exp(-0x40_0000_0000_0000_0001).unwrap(), 0);
    }
}
