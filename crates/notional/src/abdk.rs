//! The parts of ABDK's signed 64.64 fixed-point library (`ABDKMath64x64.sol`) that Notional's
//! contracts call: a value `x` stands for `x / 2^64` in an `i128`. Each function is bit for bit
//! the library's on its whole domain, and reverts where it reverts (an error here); the
//! differential tests compare `ln`, `exp` and `from_uint` with the contracts' bytecode.
//!
//! * `log_2` is ABDK's bit-by-bit algorithm (square, read the top bit), and `ln` multiplies it
//!   by `⌊ln 2 · 2^128⌋` and shifts right by 128;
//! * `exp(x) = exp_2(x · ⌊log2(e) · 2^128⌋ >> 128)`, and `exp_2` multiplies one truncated
//!   constant `⌊2^(2^−k) · 2^128⌋` per fraction bit of `x`, as ABDK does; it is within a few
//!   units of 2^−64 of the true value, not its floor.
//!
//! ```
//! use notional::abdk::{ONE, exp, from_uint, ln};
//!
//! assert_eq!(ln(ONE)?, 0);
//! assert_eq!(exp(0)?, ONE);
//! // e^(1496294658 / 2^64) · 2^64 = 18446744075205846274.6…; ABDK's table gives one unit less.
//! assert_eq!(exp(1_496_294_658)?, 18_446_744_075_205_846_273);
//! assert_eq!(from_uint(3u8.into())?, 3 * ONE);
//! assert!(ln(0).is_err());
//! # Ok::<(), notional::NotionalError>(())
//! ```

use num_bigint::BigInt;
use num_traits::{One, ToPrimitive};
use ruint::aliases::U256;

use crate::{NotionalError, Result};

/// `2^64`, the 64.64 representation of 1.
pub const ONE: i128 = 1 << 64;

/// `⌊ln 2 · 2^128⌋`, ABDK's `ln` multiplier.
const LN2_128: u128 = 0xB172_17F7_D1CF_79AB_C9E3_B398_03F2_F6AF;

fn overflow(op: &'static str) -> NotionalError {
    NotionalError::Overflow { op }
}

/// `fromUInt(x)`: `x << 64`, for `x ≤ 2^63 − 1`.
///
/// # Errors
/// [`NotionalError::Overflow`] above `2^63 − 1` (v1's `ABDK_UINT256_OVERFLOW`).
pub fn from_uint(x: ethnum::U256) -> Result<i128> {
    if x > ethnum::U256::from(i64::MAX.unsigned_abs()) {
        return Err(overflow("ABDK fromUInt"));
    }
    Ok(x.as_i128() << 64)
}

/// `fromInt(x)`: `x << 64`, for `|x| ≤ 2^63`.
///
/// # Errors
/// [`NotionalError::Overflow`] outside `[−2^63, 2^63 − 1]`.
pub fn from_int(x: i128) -> Result<i128> {
    if (i128::from(i64::MIN)..=i128::from(i64::MAX)).contains(&x) {
        Ok(x << 64)
    } else {
        Err(overflow("ABDK fromInt"))
    }
}

/// `toInt(x)`: `x >> 64`, rounding toward −∞.
#[must_use]
pub fn to_int(x: i128) -> i128 {
    x >> 64
}

/// `toUInt(x)`: `x >> 64` for `x ≥ 0`.
///
/// # Errors
/// [`NotionalError::Overflow`] for a negative `x` (ABDK reverts).
pub fn to_uint(x: i128) -> Result<u64> {
    u64::try_from(x >> 64).map_err(|_| overflow("ABDK toUInt of a negative value"))
}

/// `mul(x, y)`: `(x · y) >> 64`, rounding toward −∞.
///
/// # Errors
/// [`NotionalError::Overflow`] beyond the 64.64 range.
pub fn mul(x: i128, y: i128) -> Result<i128> {
    let r: BigInt = (BigInt::from(x) * BigInt::from(y)) >> 64_u32;
    r.to_i128().ok_or_else(|| overflow("ABDK mul"))
}

/// `div(x, y)`: `(x << 64) / y`, rounding toward zero.
///
/// # Errors
/// [`NotionalError::DivisionByZero`], or [`NotionalError::Overflow`] beyond the range.
pub fn div(x: i128, y: i128) -> Result<i128> {
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
pub fn sub(x: i128, y: i128) -> Result<i128> {
    x.checked_sub(y).ok_or_else(|| overflow("ABDK sub"))
}

/// `log_2(x)` for `x > 0`: the integer part from the top bit, then 64 fraction bits by
/// repeated squaring, exactly as ABDK computes them (for `x < 1` too, where it is negative).
///
/// # Errors
/// [`NotionalError::InvalidArgument`] for `x ≤ 0` (ABDK's `require(x > 0)`).
pub fn log_2(x: i128) -> Result<i128> {
    if x <= 0 {
        return Err(NotionalError::InvalidArgument {
            name: "x",
            value: x.into(),
            reason: "ABDK's logarithm takes a positive 64.64 value",
        });
    }
    let msb = 127 - x.leading_zeros(); // position of the top bit, 0..=126
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

/// `ln(x)` for `x > 0`: `log_2(x) · ⌊ln 2 · 2^128⌋ >> 128`, rounding toward −∞ (ABDK's
/// `uint256` product of a negative `log_2` wraps to the same value).
///
/// # Errors
/// As [`log_2`].
pub fn ln(x: i128) -> Result<i128> {
    let l = log_2(x)?;
    // |l| < 2^71, so |l · LN2_128| < 2^199 and the quotient fits an i128.
    let p: BigInt = (BigInt::from(l) * BigInt::from(LN2_128)) >> 128_u32;
    p.to_i128().ok_or_else(|| overflow("ABDK ln"))
}

/// ABDK's `exp_2` constants: `⌊2^(2^−k) · 2^128⌋` for the fraction bits `k = 1..=64` of `x`,
/// copied from `ABDKMath64x64.sol` (notional-finance/contracts-v2 @ c35bfe00).
#[rustfmt::skip]
const EXP_2_FACTORS: [u128; 64] = [
    0x6A09_E667_F3BC_C908_B2FB_1366_EA95_7D3E,
    0x306F_E0A3_1B71_52DE_8D5A_4630_5C85_EDEC,
    0x172B_83C7_D517_ADCD_F7C8_C50E_B14A_791F,
    0x0B55_86CF_9890_F629_8B92_B718_42A9_8363,
    0x059B_0D31_5857_43AE_7C54_8EB6_8CA4_17FD,
    0x02C9_A3E7_7806_0EE6_F7CA_CA4F_7A29_BDE8,
    0x0163_DA9F_B333_56D8_4A66_AE33_6DCD_FA3F,
    0x00B1_AFA5_ABCB_ED61_29AB_13EC_11DC_9543,
    0x0058_C86D_A1C0_9EA1_FF19_D294_CF2F_679B,
    0x002C_605E_2E8C_EC50_6D21_BFC8_9A23_A00F,
    0x0016_2F39_0405_1FA1_28BC_A9C5_5C31_E5DF,
    0x000B_175E_FFDC_76BA_38E3_1671_CA93_9725,
    0x0005_8BA0_1FB9_F96D_6CAC_D4B1_8091_7C3D,
    0x0002_C5CC_37DA_9491_D098_5C34_8C68_E7B3,
    0x0001_62E5_25EE_0547_5445_7D59_9529_2026,
    0x0000_B172_5577_5C04_0618_BF4A_4ADE_83FC,
    0x0000_58B9_1B5B_C9AE_2EED_81E9_B7D4_CFAB,
    0x0000_2C5C_89D5_EC6C_A4D7_C8AC_C017_B7C9,
    0x0000_162E_43F4_F831_060E_02D8_39A9_D16D,
    0x0000_0B17_21BC_FC99_D9F8_90EA_0691_1763,
    0x0000_058B_90CF_1E6D_97F9_CA14_DBCC_1628,
    0x0000_02C5_C863_B73F_0164_68F6_BAC5_CA2B,
    0x0000_0162_E430_E5A1_8F61_19E3_C022_82A5,
    0x0000_00B1_7218_3551_4B86_E6D9_6EFD_1BFE,
    0x0000_0058_B90C_0B48_C6BE_5DF8_46C5_B2EF,
    0x0000_002C_5C86_01CC_6B9E_9421_3C72_737A,
    0x0000_0016_2E42_FFF0_37DF_38AA_2B21_9F06,
    0x0000_000B_1721_7FBA_9C73_9AA5_819F_44F9,
    0x0000_0005_8B90_BFCD_EE5A_CD3C_1CED_C823,
    0x0000_0002_C5C8_5FE3_1F35_A6A3_0DA1_BE50,
    0x0000_0001_62E4_2FF0_999C_E354_1B9F_FFCF,
    0x0000_0000_B172_17F8_0F4E_F5AA_DDA4_5554,
    0x0000_0000_58B9_0BFB_F847_9BD5_A81B_51AD,
    0x0000_0000_2C5C_85FD_F84B_D62A_E30A_74CC,
    0x0000_0000_162E_42FE_FB2F_ED25_7559_BDAA,
    0x0000_0000_0B17_217F_7D5A_7716_BBA4_A9AE,
    0x0000_0000_058B_90BF_BE9D_DBAC_5E10_9CCE,
    0x0000_0000_02C5_C85F_DF4B_15DE_6F17_EB0D,
    0x0000_0000_0162_E42F_EFA4_94F1_478F_DE05,
    0x0000_0000_00B1_7217_F7D2_0CF9_27C8_E94C,
    0x0000_0000_0058_B90B_FBE8_F71C_B4E4_B33D,
    0x0000_0000_002C_5C85_FDF4_77B6_62B2_6945,
    0x0000_0000_0016_2E42_FEFA_3AE5_3369_388C,
    0x0000_0000_000B_1721_7F7D_1D35_1A38_9D40,
    0x0000_0000_0005_8B90_BFBE_8E8B_2D3D_4EDE,
    0x0000_0000_0002_C5C8_5FDF_4741_BEA6_E77E,
    0x0000_0000_0001_62E4_2FEF_A39F_E955_83C2,
    0x0000_0000_0000_B172_17F7_D1CF_B72B_45E1,
    0x0000_0000_0000_58B9_0BFB_E8E7_CC35_C3F0,
    0x0000_0000_0000_2C5C_85FD_F473_E242_EA38,
    0x0000_0000_0000_162E_42FE_FA39_F02B_772C,
    0x0000_0000_0000_0B17_217F_7D1C_F7D8_3C1A,
    0x0000_0000_0000_058B_90BF_BE8E_7BDC_BE2E,
    0x0000_0000_0000_02C5_C85F_DF47_3DEA_871F,
    0x0000_0000_0000_0162_E42F_EFA3_9EF4_4D91,
    0x0000_0000_0000_00B1_7217_F7D1_CF79_E949,
    0x0000_0000_0000_0058_B90B_FBE8_E7BC_E544,
    0x0000_0000_0000_002C_5C85_FDF4_73DE_6ECA,
    0x0000_0000_0000_0016_2E42_FEFA_39EF_366F,
    0x0000_0000_0000_000B_1721_7F7D_1CF7_9AFA,
    0x0000_0000_0000_0005_8B90_BFBE_8E7B_CD6D,
    0x0000_0000_0000_0002_C5C8_5FDF_473D_E6B2,
    0x0000_0000_0000_0001_62E4_2FEF_A39E_F358,
    0x0000_0000_0000_0000_B172_17F7_D1CF_79AB,
];

/// [`EXP_2_FACTORS`] as words (the constants need 129 bits).
static EXP_2_FACTORS_WIDE: std::sync::LazyLock<[U256; 64]> = std::sync::LazyLock::new(|| {
    EXP_2_FACTORS.map(|f| U256::from(f) | (U256::from(1u8) << 128_usize))
});

/// `⌊log2(e) · 2^128⌋`, the constant of ABDK's `exp` (`0x171547652B82FE1777D0FFDA0D23A7D12`,
/// 129 bits: its top bit is added where it is used).
const LOG2_E_128: u128 = 0x7154_7652_B82F_E177_7D0F_FDA0_D23A_7D12;

/// `exp_2(x)`: `2^(x / 2^64)` at 2^−64 by ABDK's product of one truncated constant per fraction
/// bit, shifted by the integer part; bit for bit the contract's.
///
/// # Errors
/// [`NotionalError::Overflow`] at or above `2^70` (ABDK reverts) or beyond the 64.64 range.
pub fn exp_2(x: i128) -> Result<i128> {
    if x >= 0x40_0000_0000_0000_0000 {
        return Err(overflow("ABDK exp_2"));
    }
    if x < -0x40_0000_0000_0000_0000 {
        return Ok(0);
    }
    let mut result = U256::from(1u8) << 127_usize;
    for (k, factor) in EXP_2_FACTORS_WIDE.iter().enumerate() {
        if x & (1 << (63 - k)) != 0 {
            result = (result * *factor) >> 128_usize;
        }
    }
    // 63 − ⌊x / 2^64⌋ is 0..=127 in the domain above.
    let shift = 63 - (x >> 64);
    result >>= usize::try_from(shift).map_err(|_| overflow("ABDK exp_2"))?;
    i128::try_from(result).map_err(|_| overflow("ABDK exp_2"))
}

/// `exp(x)`: `exp_2(x · ⌊log2(e) · 2^128⌋ >> 128)` as ABDK computes it, so `e^(x / 2^64)` at
/// 2^−64 bit for bit with the contract (within a few units of 2^−64 of the true value).
///
/// # Errors
/// [`NotionalError::Overflow`] at or above `2^70` (ABDK reverts) or beyond the 64.64 range.
pub fn exp(x: i128) -> Result<i128> {
    if x >= 0x40_0000_0000_0000_0000 {
        return Err(overflow("ABDK exp"));
    }
    if x < -0x40_0000_0000_0000_0000 {
        return Ok(0);
    }
    let y: BigInt =
        (BigInt::from(x) * (BigInt::from(LOG2_E_128) + (BigInt::one() << 128_u32))) >> 128_u32;
    exp_2(y.to_i128().ok_or_else(|| overflow("ABDK exp"))?)
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
        assert!(ln(0).is_err() && ln(-1).is_err());
        // Below 1 the logarithm is negative; values from the v2 harness's bytecode
        // (notional-v2-evm `abdkLn`).
        assert_eq!(ln(130).unwrap(), -728_533_591_015_451_368_135);
        assert_eq!(
            ln(2_642_246_900_157_396_511).unwrap(),
            -35_846_787_205_104_212_633
        );
        assert_eq!(ln(i128::MAX - 1).unwrap(), 805_537_444_647_767_306_565);
    }

    #[test]
    fn exp_is_abdks_table_bit_for_bit() {
        assert_eq!(exp(0).unwrap(), ONE);
        // Values from the v2 harness's bytecode (notional-v2-evm `abdkExp`); the exact floors
        // differ in the last units, e.g. ⌊e^(1496294658/2^64)·2^64⌋ = 18446744075205846274.
        assert_eq!(exp(1_496_294_658).unwrap(), 18_446_744_075_205_846_273);
        assert_eq!(
            exp(26_461_204_328_995_488_194).unwrap(),
            77_428_322_926_873_889_504
        );
        assert_eq!(
            exp(-123_304_445_337_375_743_916).unwrap(),
            23_064_526_441_682_708
        );
        assert_eq!(
            exp(738_967_189_992_750_205_657).unwrap(),
            4_608_248_488_213_713_680_515_546_111_470_747_263
        );
        assert_eq!(exp(-1_180_591_620_717_411_303_418).unwrap(), 0);
        assert!(exp(0x40_0000_0000_0000_0000).is_err());
        assert_eq!(exp(-0x40_0000_0000_0000_0001).unwrap(), 0);
    }
}
