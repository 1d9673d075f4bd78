//! Rates: the square root of a price as a 48-bit fixed-point number, and its compressed
//! storage form (`Strategies.sol` `_expandRate`/`_validRate`, the contracts' test utility
//! `encodeRate`/`encodeFloat`).
//!
//! ```
//! use carbon_orders::U256;
//! use carbon_orders::rate::{ONE, decode_float, encode_float, encode_rate};
//!
//! // A rate of 4 wei per wei: √4 · 2⁴⁸ = 2⁴⁹. 2⁴⁹ >> 48 = 2 has 2 bits, so it is stored as
//! // the mantissa 2⁴⁹ >> 2 = 2⁴⁷ with the exponent 2 in the bits above 48.
//! let r = encode_rate("4")?;
//! assert_eq!(r, U256::from(2 * ONE));
//! let stored = encode_float(r)?;
//! assert_eq!(stored, (ONE >> 1) | (2 << 48));
//! assert_eq!(decode_float(stored)?, r);
//! # Ok::<(), carbon_orders::CarbonError>(())
//! ```

use ruint::aliases::{U256, U512};

use crate::error::CarbonError;

/// The fixed-point one of rates, `2⁴⁸` (`ONE` in the contracts).
pub const ONE: u64 = 1 << 48;

/// `e(v) = (v >> c) | (c << 48)` with `c = bitlen(v >> 48)`: a mantissa of 48 bits and an
/// exponent (the test utility's `encodeFloat`). The low `c` bits of `v` are dropped, so
/// `decode_float(encode_float(v)) ≤ v`.
///
/// # Errors
/// `Overflow` when `v` needs more than `48 + 48` bits (the exponent would not be valid).
pub fn encode_float(v: U256) -> Result<u64, CarbonError> {
    let exponent = (v >> 48usize).bit_len();
    if exponent > 48 {
        return Err(CarbonError::Overflow {
            what: "compressed rate",
        });
    }
    let mantissa: u64 = (v >> exponent).to();
    Ok(mantissa | ((exponent as u64) << 48))
}

/// `d(v) = (v mod 2⁴⁸) << (v >> 48)` (`_expandRate`).
///
/// # Errors
/// `InvalidRate` when the exponent exceeds 48 (`_validRate` is false).
pub fn decode_float(v: u64) -> Result<U256, CarbonError> {
    if !valid_rate(v) {
        return Err(CarbonError::InvalidRate { rate: v });
    }
    Ok(U256::from(v % ONE) << (v / ONE) as usize)
}

/// `_expandRate(rate)` on any `uint256`, as the contract computes it without checking the
/// rate: `(rate mod 2⁴⁸) << (rate / 2⁴⁸)`, modulo 2²⁵⁶ (a shift of 256 or more gives 0). For a
/// valid rate it equals [`decode_float`].
///
/// ```
/// use carbon_orders::U256;
/// use carbon_orders::rate::{ONE, expand_rate};
///
/// assert_eq!(expand_rate(U256::from((ONE >> 1) | (2 << 48))), U256::from(ONE) << 1usize);
/// // Exponent 208: the mantissa's top bits fall off the word.
/// assert_eq!(expand_rate(U256::from((ONE - 1) | (208 << 48))), U256::from(ONE - 1) << 208usize);
/// assert_eq!(expand_rate(U256::from(1u64 | (256 << 48))), U256::ZERO);
/// ```
#[must_use]
pub fn expand_rate(rate: U256) -> U256 {
    let one = U256::from(ONE);
    let shift = rate / one;
    let mantissa = rate % one;
    if shift >= U256::from(256u16) {
        return U256::ZERO;
    }
    mantissa << shift.to::<usize>()
}

/// `_validRate(rate)` on any `uint256`: `ONE >> (rate / 2⁴⁸) > 0`, i.e. an exponent of at most
/// 48 (a shift of 256 or more gives 0).
///
/// ```
/// use carbon_orders::U256;
/// use carbon_orders::rate::valid_rate_word;
///
/// assert!(valid_rate_word(U256::from(48u64 << 48)));
/// assert!(!valid_rate_word(U256::from(49u64 << 48)));
/// assert!(!valid_rate_word(U256::MAX));
/// ```
#[must_use]
pub fn valid_rate_word(rate: U256) -> bool {
    rate / U256::from(ONE) <= U256::from(48u8)
}

/// `_validRate`: `ONE >> exponent > 0`, i.e. the exponent is at most 48.
#[must_use]
pub fn valid_rate(v: u64) -> bool {
    v / ONE <= 48
}

/// A non-negative decimal string as `(digits, scale)`: `value = digits / 10^scale`.
///
/// ```
/// use carbon_orders::rate::parse_decimal;
///
/// let (digits, scale) = parse_decimal("12.50")?;
/// assert_eq!((digits.to_string(), scale), ("1250".to_owned(), 2));
/// assert!(parse_decimal("-1").is_err() && parse_decimal("1e5").is_err());
/// # Ok::<(), carbon_orders::CarbonError>(())
/// ```
///
/// # Errors
/// Anything but digits with at most one point, or more digits than 512 bits hold.
pub fn parse_decimal(text: &str) -> Result<(U512, u32), CarbonError> {
    let bad = || CarbonError::InvalidDecimal {
        text: text.to_owned(),
    };
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let mut digits = U512::ZERO;
    for b in int.bytes().chain(frac.bytes()) {
        digits = digits
            .checked_mul(U512::from(10u8))
            .and_then(|d| d.checked_add(U512::from(b - b'0')))
            .ok_or_else(bad)?;
    }
    let scale = u32::try_from(frac.len()).map_err(|_| bad())?;
    Ok((digits, scale))
}

/// The test utility's `encodeRate`: `floor(sqrt(r) · 2⁴⁸)`, computed exactly as
/// `isqrt(floor(r · 2⁹⁶))`, then cut to its top 48 significant bits (the bits `encode_float`
/// would drop are cleared). `r` is a decimal string, wei of the sold token per wei bought.
///
/// **A known defect of the encoding, kept.** A rate below `2⁻⁹⁶` (about `1.26·10⁻²⁹`) has
/// `floor(r · 2⁹⁶) = 0` and encodes to 0, and rates just above it keep only a few significant
/// bits. An order whose lowest rate is that small gets `L = 0` and trades down to price 0, as
/// on chain; the contracts and the SDK do not refuse it, and neither does this crate.
///
/// # Errors
/// An invalid decimal, or a rate too large for 512-bit arithmetic.
pub fn encode_rate(rate: &str) -> Result<U256, CarbonError> {
    let (digits, scale) = parse_decimal(rate)?;
    let overflow = CarbonError::Overflow { what: "rate" };
    let shifted = digits.checked_shl(96).ok_or(overflow.clone())?;
    let ten = U512::from(10u8);
    let mut pow = U512::from(1u8);
    for _ in 0..scale {
        pow = pow.checked_mul(ten).ok_or(overflow.clone())?;
    }
    cut_to_48_bits((shifted / pow).root(2))
}

/// `encodeRate`'s last step: `root = floor(√r · 2⁴⁸)` as a `U256` with the bits that
/// [`encode_float`] would drop cleared, for a root computed in any width.
///
/// # Errors
/// `Overflow` when the root needs more than 256 bits.
pub(crate) fn cut_to_48_bits<const BITS: usize, const LIMBS: usize>(
    root: ruint::Uint<BITS, LIMBS>,
) -> Result<U256, CarbonError> {
    if root.bit_len() > 256 {
        return Err(CarbonError::Overflow { what: "rate" });
    }
    let l = root.as_limbs();
    let data = U256::from_limbs([l[0], l[1], l[2], l[3]]);
    let length = (data >> 48usize).bit_len();
    Ok((data >> length) << length)
}

/// 1024-bit integers, for exact fractions whose parts carry `10^decimals` and `2⁹⁶`.
pub(crate) type U1024 = ruint::Uint<1024, 16>;

/// `v` in 1024 bits.
pub(crate) fn widen(v: U512) -> U1024 {
    let mut limbs = [0u64; 16];
    limbs[..8].copy_from_slice(v.as_limbs());
    U1024::from_limbs(limbs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn very_low_rates_encode_to_zero() {
        // 2⁻⁹⁶ ≈ 1.262e-29: below it the encoded rate is 0, at 4·2⁻⁹⁶ it is 2.
        assert_eq!(
            encode_rate("0.00000000000000000000000000001").unwrap(),
            U256::ZERO
        );
        assert_eq!(
            encode_rate("0.00000000000000000000000000006").unwrap(),
            U256::from(2u8)
        );
        let o =
            crate::EncodedOrder::from_rates("1000", "0.00000000000000000000000000001", "1", "1")
                .unwrap();
        assert_eq!(o.b, 0);
        // It still trades: with b = 0 and a = ONE the curve is x·y²/(x·y + z²), so 10 wei in
        // gives floor(10·1000²/(10·1000 + 1000²)) = floor(9.9) = 9 out.
        assert_eq!(o.target_amount(10).unwrap(), 9);
    }

    #[test]
    fn float_round_trip_by_hand() {
        // 2⁴⁸ + 3 needs one exponent bit: the low bit is dropped.
        let v = U256::from(ONE + 3);
        let e = encode_float(v).unwrap();
        assert_eq!(e, ((ONE + 3) >> 1) | (1 << 48));
        assert_eq!(decode_float(e).unwrap(), U256::from(ONE + 2));
        assert_eq!(encode_float(U256::from(5u8)).unwrap(), 5);
        assert!(decode_float(49 << 48).is_err());
        assert!(valid_rate(48 << 48));
    }

    #[test]
    fn rates_by_hand() {
        // sqrt(1) · 2⁴⁸ = 2⁴⁸ exactly; sqrt(4) · 2⁴⁸ = 2⁴⁹, whose low bit is cut (it is 0).
        assert_eq!(encode_rate("1").unwrap(), U256::from(ONE));
        assert_eq!(encode_rate("4").unwrap(), U256::from(ONE) << 1);
        assert_eq!(encode_rate("0.25").unwrap(), U256::from(ONE >> 1));
        assert_eq!(encode_rate("0").unwrap(), U256::ZERO);
        // isqrt(2 · 2⁹⁶) = 398065729532860 (Python's math.isqrt); 49 bits, so the last bit is
        // cleared, and it is already 0.
        assert_eq!(
            encode_rate("2").unwrap(),
            U256::from(398_065_729_532_860_u64)
        );
        // isqrt(7 · 2⁹⁶) = 744712788664093 has 50 bits: its low two bits are cleared.
        assert_eq!(
            encode_rate("7").unwrap(),
            U256::from(744_712_788_664_092_u64)
        );
        for bad in ["", ".", "-1", "1e5", "1.2.3", "x"] {
            assert!(encode_rate(bad).is_err(), "{bad}");
        }
    }
}
