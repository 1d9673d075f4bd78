//! The swap fee, taken from the input amount and left in the pool (Uniswap v2's model).

use crate::{CpAmmError, Num, Result};

/// A fee on the input of a swap, held in parts per million.
///
/// The trader pays `amount_in`; the curve sees `amount_in · (1 − fee)`; the whole `amount_in`
/// joins the reserve, so the fee accrues to liquidity providers and `k` grows.
///
/// ```
/// use cp_amm::Fee;
///
/// // Uniswap v2's 0.3 %: 30 basis points, 3000 parts per million; γ = 0.997.
/// let fee = Fee::bps(30)?;
/// assert_eq!(fee, Fee::ppm(3_000)?);
/// assert_eq!(fee.gamma::<f64>()?, 0.997);
/// assert!(Fee::bps(10_001).is_err()); // above 100 %
/// # Ok::<(), cp_amm::CpAmmError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Fee {
    ppm: u32,
}

/// One million parts.
const PPM: u32 = 1_000_000;

impl Fee {
    /// No fee: the seed's `swap`.
    pub const ZERO: Self = Self { ppm: 0 };

    /// A fee in basis points (1 bp = 0.01 %); Uniswap v2's 0.3 % is `Fee::bps(30)`.
    ///
    /// # Errors
    /// [`CpAmmError::InvalidFee`] when the fee is 100 % or more.
    pub fn bps(bps: u32) -> Result<Self> {
        Self::ppm(bps.saturating_mul(100))
    }

    /// A fee in parts per million (Uniswap v3's unit); `Fee::ppm(3000)` is 0.3 %.
    ///
    /// # Errors
    /// [`CpAmmError::InvalidFee`] when the fee is 100 % or more.
    pub fn ppm(ppm: u32) -> Result<Self> {
        if ppm < PPM {
            Ok(Self { ppm })
        } else {
            Err(CpAmmError::InvalidFee { ppm })
        }
    }

    /// The fee in parts per million.
    #[must_use]
    pub fn as_ppm(self) -> u32 {
        self.ppm
    }

    /// Whether this is the zero fee.
    #[must_use]
    pub fn is_zero(self) -> bool {
        self.ppm == 0
    }

    /// `1 − fee` in the number type (`γ` in the Uniswap papers).
    ///
    /// # Errors
    /// Arithmetic errors of the number type (none for `f64` or `Decimal`).
    pub fn gamma<N: Num>(self) -> Result<N> {
        N::from_ratio(u64::from(PPM - self.ppm), u64::from(PPM))
    }

    /// The part of `amount_in` the curve sees: `amount_in · (1 − fee)`; exactly `amount_in` for
    /// the zero fee.
    ///
    /// # Errors
    /// Arithmetic errors of the number type.
    pub fn apply<N: Num>(self, amount_in: N) -> Result<N> {
        if self.is_zero() {
            Ok(amount_in)
        } else {
            amount_in.try_mul(self.gamma()?)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    #[test]
    fn units_and_bounds() {
        assert_eq!(Fee::bps(30).unwrap(), Fee::ppm(3000).unwrap());
        assert_eq!(
            Fee::bps(10_000),
            Err(CpAmmError::InvalidFee { ppm: 1_000_000 })
        );
        assert_eq!(
            Fee::bps(u32::MAX),
            Err(CpAmmError::InvalidFee { ppm: u32::MAX })
        );
        assert!(Fee::ppm(999_999).is_ok());
        let g: Decimal = Fee::bps(30).unwrap().gamma().unwrap();
        assert_eq!(g.to_string(), "0.997");
        assert_eq!(Fee::bps(30).unwrap().apply(1000.0), Ok(997.0));
    }
}
