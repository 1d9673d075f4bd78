//! Reading an encoded order back as prices: the contracts' test utility `decodeOrder`, in exact
//! rational arithmetic.
//!
//! `lowestRate = (b / ONE)²`, `highestRate = ((b + a) / ONE)²` and
//! `marginalRate = ((b + a·y/z) / ONE)²` (the highest rate when `y = z`), with `a = d(A)`,
//! `b = d(B)`. Each is an exact fraction; [`Ratio::to_decimal_string`] prints it as the test
//! data does, rounded half-up to 12 decimals with trailing zeros dropped.

use ruint::aliases::U512;

use crate::error::CarbonError;
use crate::order::EncodedOrder;
use crate::rate::{ONE, U1024, decode_float, widen};

/// A non-negative fraction `num / den`, exact.
///
/// ```
/// use carbon_orders::EncodedOrder;
///
/// // The rates an order holds, exactly: a lowest rate of 1 and a highest of 4 wei per wei.
/// let order = EncodedOrder::from_rates("1000", "1", "4", "4")?;
/// assert_eq!(order.lowest_rate()?.to_decimal_string(12)?, "1");
/// assert_eq!(order.highest_rate()?.to_decimal_string(12)?, "4");
/// assert_eq!(order.marginal_rate()?.to_f64(), 4.0);
/// # Ok::<(), carbon_orders::CarbonError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ratio {
    /// Numerator.
    pub num: U512,
    /// Denominator, never zero.
    pub den: U512,
}

impl Ratio {
    /// The value rounded half-up to `places` decimals, without trailing zeros (`"0.00000000095"`,
    /// `"949999999.999999945717"`).
    ///
    /// # Errors
    /// `Overflow` when scaling by `10^places` leaves 512 bits.
    pub fn to_decimal_string(&self, places: u32) -> Result<String, CarbonError> {
        let overflow = CarbonError::Overflow {
            what: "decimal formatting",
        };
        let mut scale = U512::from(1u8);
        for _ in 0..places {
            scale = scale
                .checked_mul(U512::from(10u8))
                .ok_or(overflow.clone())?;
        }
        let scaled = self.num.checked_mul(scale).ok_or(overflow.clone())?;
        let two = U512::from(2u8);
        let rounded = scaled
            .checked_mul(two)
            .and_then(|v| v.checked_add(self.den))
            .ok_or(overflow)?
            / (self.den * two);
        let digits = rounded.to_string();
        let places = places as usize;
        let padded = format!("{digits:0>width$}", width = places + 1);
        let (int, frac) = padded.split_at(padded.len() - places);
        let frac = frac.trim_end_matches('0');
        Ok(if frac.is_empty() {
            int.to_owned()
        } else {
            format!("{int}.{frac}")
        })
    }

    /// The value as an `f64`, within one ulp (for display and float comparisons): the
    /// quotient is taken to 66 bits in integers, then rounded once to `f64`. Beyond `f64`'s
    /// range it is `inf` or 0.
    #[must_use]
    pub fn to_f64(&self) -> f64 {
        let (num, den) = (widen(self.num), widen(self.den));
        if num.is_zero() || den.is_zero() {
            return 0.0;
        }
        // num·2^s / den has 66 or 67 bits; both shifts stay below 600 bits.
        // bit lengths are at most 512: no wrap.
        let bits = |v: U1024| i64::try_from(v.bit_len()).unwrap_or(0);
        let s = 66 + bits(den) - bits(num);
        let q = if s >= 0 {
            (num << s.unsigned_abs() as usize) / den
        } else {
            num / (den << s.unsigned_abs() as usize)
        };
        let q: u128 = q.saturating_to();
        #[expect(clippy::cast_precision_loss, reason = "the one rounding to f64")]
        let q = q as f64;
        // q · 2^-s, in steps that stay normal until the last.
        let mut v = q;
        let mut e = -s;
        while e > 0 {
            let step = e.min(1000);
            v *= 2f64.powi(i32::try_from(step).unwrap_or(1000));
            e -= step;
        }
        while e < 0 {
            let step = (-e).min(1000);
            v /= 2f64.powi(i32::try_from(step).unwrap_or(1000));
            e += step;
        }
        v
    }
}

impl EncodedOrder {
    /// `(b / ONE)²`, the lowest rate (target wei per source wei).
    ///
    /// # Errors
    /// An invalid compressed rate.
    pub fn lowest_rate(&self) -> Result<Ratio, CarbonError> {
        let b = U512::from(decode_float(self.b)?);
        Ok(Ratio {
            num: b * b,
            den: one_squared(),
        })
    }

    /// `((b + a) / ONE)²`, the highest rate.
    ///
    /// # Errors
    /// An invalid compressed rate.
    pub fn highest_rate(&self) -> Result<Ratio, CarbonError> {
        let s = U512::from(decode_float(self.b)?) + U512::from(decode_float(self.a)?);
        Ok(Ratio {
            num: s * s,
            den: one_squared(),
        })
    }

    /// `((b + a·y/z) / ONE)²`, the marginal rate: the highest rate when `y = z`.
    ///
    /// # Errors
    /// An invalid compressed rate, or `z = 0` with `y ≠ 0` (`OrderDisabled`).
    pub fn marginal_rate(&self) -> Result<Ratio, CarbonError> {
        if self.y == self.z {
            return self.highest_rate();
        }
        if self.z == 0 {
            return Err(CarbonError::OrderDisabled);
        }
        let a = U512::from(decode_float(self.a)?);
        let b = U512::from(decode_float(self.b)?);
        let (y, z) = (U512::from(self.y), U512::from(self.z));
        let s = b * z + a * y;
        Ok(Ratio {
            num: s * s,
            den: z * z * one_squared(),
        })
    }
}

fn one_squared() -> U512 {
    U512::from(ONE) * U512::from(ONE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[expect(clippy::float_cmp, reason = "to_f64 rounds once: the values are exact")]
    #[test]
    fn decimal_strings_by_hand() {
        let r = |n: u64, d: u64| Ratio {
            num: U512::from(n),
            den: U512::from(d),
        };
        assert_eq!(r(1, 8).to_decimal_string(2).unwrap(), "0.13");
        assert_eq!(r(1, 3).to_decimal_string(4).unwrap(), "0.3333");
        assert_eq!(r(5, 1).to_decimal_string(12).unwrap(), "5");
        assert_eq!(
            r(95, 100_000_000_000).to_decimal_string(12).unwrap(),
            "0.00000000095"
        );
        assert_eq!(r(1, 3).to_f64(), 1.0 / 3.0);
        // A numerator far wider than the denominator keeps full precision.
        let wide = Ratio {
            num: U512::from(93_658_229_700_000_001u128) << 300usize,
            den: U512::from(1_000_000_000_000u64) << 300usize,
        };
        assert_eq!(wide.to_f64(), 93_658.229_7);
        let big = Ratio {
            num: U512::from(3u8) << 400usize,
            den: U512::from(7u8),
        };
        assert_eq!(big.to_f64(), 3.0 * 2f64.powi(400) / 7.0);
    }

    #[test]
    fn rates_of_a_flat_order() {
        let o = EncodedOrder::from_rates("10", "1", "1", "1").unwrap();
        assert_eq!(o.lowest_rate().unwrap().to_decimal_string(12).unwrap(), "1");
        assert_eq!(
            o.marginal_rate().unwrap().to_decimal_string(12).unwrap(),
            "1"
        );
    }
}
