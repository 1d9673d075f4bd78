//! From prices in token units to the contract's encoded order, and back: carbon-sdk's
//! `createFromBuyOrder`/`createFromSellOrder` followed by `encodeOrder`, and `decodeOrder`
//! followed by `parseStrategy`'s normalisation.
//!
//! A user thinks of an order as "sell 1.5 ETH between 2000 and 2500 USDC per ETH". The contract
//! holds it as wei of the token sold and square roots of rates in *wei per wei*. Between the
//! two are each token's decimals and, for an order that sells the base token, an inversion:
//!
//! | | [`Side::Sell`] (the SDK's sell order, `order0`) | [`Side::Buy`] (its buy order, `order1`) |
//! |---|---|---|
//! | sells | the base token (`y` in base wei) | the quote token (`y` in quote wei) |
//! | rate of price `p` (quote per base) | `10^(bd − qd) / p`, base wei per quote wei | `p · 10^(qd − bd)`, quote wei per base wei |
//! | lowest rate `L` from | the high price | the low price |
//! | a fresh order's marginal price | the low price (it sells as the price rises) | the high price (it buys as the price falls) |
//!
//! (`bd`, `qd`: the base and quote token's decimals.) The SDK computes in decimal.js at 100
//! significant digits rounding half-down: `1/p` is rounded there, and so is `p · 10^k`
//! when `p` has more than 100 significant digits; this module rounds the same way, exactly
//! (in integers), so its orders are the SDK's to the last bit. The budget is cut (rounded
//! down) to the token's decimals, as ethers' `parseUnits` after the SDK's `trimDecimal`.
//! The rates are then encoded as by [`EncodedOrder::from_rates`].
//!
//! Back from the contract ([`EncodedOrder::prices`]) every price and the budget are exact
//! fractions ([`Ratio`]), the SDK's `decodeOrder` and `parseStrategy` without their rounding.
//! They differ from the prices put in by the contract's resolution: `√rate` is kept in 48-bit
//! fixed point and cut to 48 significant bits, so a rate far below 1 wei per wei keeps fewer
//! bits (about 34 for 1500 USDC per ETH, a relative error near 10⁻¹⁰).
//!
//! ```
//! use carbon_orders::{Decimals, EncodedOrder, PriceRange, Side};
//!
//! // Buy ETH (18 decimals) with 3000 USDC (6 decimals) between 1500 and 1800 USDC per ETH.
//! let eth_usdc = Decimals { base: 18, quote: 6 };
//! let range = PriceRange { low: "1500", marginal: "1800", high: "1800", budget: "3000" };
//! let order = EncodedOrder::from_prices(Side::Buy, eth_usdc, &range)?;
//! assert_eq!(order.y, 3_000_000_000); // 3000 USDC in USDC's wei
//! assert_eq!(order.z, order.y); // a fresh order: the marginal price is its start
//!
//! let back = order.prices(Side::Buy, eth_usdc)?;
//! assert_eq!(back.budget.to_decimal_string(6)?, "3000");
//! // The contract keeps √rate in 48-bit fixed point, and 1500 USDC per ETH is a rate of
//! // 1.5·10⁻⁹ USDC wei per ETH wei: its square root keeps about 34 significant bits.
//! assert!((back.low.to_f64() / 1500.0 - 1.0).abs() < 1e-9); // 1499.99999980 or so
//! assert!((back.high.to_f64() / 1800.0 - 1.0).abs() < 1e-9);
//! # Ok::<(), carbon_orders::CarbonError>(())
//! ```

use ruint::aliases::{U256, U512};

use crate::decode::Ratio;
use crate::error::CarbonError;
use crate::order::EncodedOrder;
use crate::rate::{U1024, cut_to_48_bits, parse_decimal, widen};

/// decimal.js's working precision in carbon-sdk (`Decimal.set({ precision: 100 })`).
const SDK_PRECISION: u32 = 100;

/// Which token an order sells, in a pair quoted as quote-token units per base-token unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// Sells the base token for the quote token as the price rises (carbon-sdk's sell order,
    /// a strategy's `order0`).
    Sell,
    /// Sells the quote token for the base token as the price falls, that is, buys the base
    /// token (carbon-sdk's buy order, a strategy's `order1`).
    Buy,
}

/// The decimals of a pair's two tokens (ERC-20 `decimals()`): 18 for ETH, 6 for USDC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decimals {
    /// The base token's decimals (the token that is priced).
    pub base: u8,
    /// The quote token's decimals (the token prices are in).
    pub quote: u8,
}

/// An order as a user states it: prices in quote-token units per base-token unit and a
/// budget in units of the token sold, as decimal strings (`"2000"`, `"0.0005"`), as
/// carbon-sdk's `createBuySellStrategy` takes them.
///
/// `low ≤ marginal ≤ high`. The marginal price is where the order trades now: for a fresh
/// [`Side::Sell`] order `low`, for a fresh [`Side::Buy`] order `high`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PriceRange<'a> {
    /// The lowest price.
    pub low: &'a str,
    /// The current marginal price.
    pub marginal: &'a str,
    /// The highest price.
    pub high: &'a str,
    /// What the order holds, in units of the token it sells (base for [`Side::Sell`], quote
    /// for [`Side::Buy`]); digits beyond the token's decimals are cut.
    pub budget: &'a str,
}

/// An encoded order read back in token units (see [`EncodedOrder::prices`]): exact fractions,
/// in quote-token units per base-token unit and units of the token sold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OrderPrices {
    /// The lowest price.
    pub low: Ratio,
    /// The current marginal price.
    pub marginal: Ratio,
    /// The highest price.
    pub high: Ratio,
    /// The liquidity `y`, in units of the token sold.
    pub budget: Ratio,
}

impl EncodedOrder {
    /// The order carbon-sdk builds from prices and a budget in token units
    /// (`createFromSellOrder` or `createFromBuyOrder`, then `encodeOrder`); see the
    /// [module docs](crate::prices) for the conversion.
    ///
    /// # Errors
    /// [`CarbonError::InvalidDecimal`] for a string that is not a plain non-negative decimal;
    /// [`CarbonError::InvalidOrder`] for prices out of order, a zero price on a
    /// [`Side::Sell`] order, or a range the SDK refuses (it needs `H ≥ M > L`, or
    /// `H = M = L`, or an empty order with `H > M = L`, on the encoded rates);
    /// [`CarbonError::Overflow`] for a budget or capacity above `2¹²⁸ − 1` or a rate too
    /// large to compress.
    pub fn from_prices(
        side: Side,
        decimals: Decimals,
        range: &PriceRange<'_>,
    ) -> Result<Self, CarbonError> {
        let [low, marginal, high] = [range.low, range.marginal, range.high].map(decimal);
        let (low, marginal, high) = (low?, marginal?, high?);
        if !(le(&low, &marginal)? && le(&marginal, &high)?) {
            return Err(CarbonError::InvalidOrder {
                reason: "the prices must be low ≤ marginal ≤ high",
            });
        }
        let sold = match side {
            Side::Sell => decimals.base,
            Side::Buy => decimals.quote,
        };
        let y = budget(range.budget, sold)?;
        // The shift from token units to wei per wei: 10^(qd − bd) for the buy order's rates,
        // whose inverse the sell order's are.
        let shift = i32::from(decimals.quote) - i32::from(decimals.base);
        let rate = |p: &Fraction| match side {
            Side::Buy => round_significant(&scale10(p, shift)?, SDK_PRECISION),
            Side::Sell => {
                if p.num.is_zero() {
                    return Err(CarbonError::InvalidOrder {
                        reason: "a sell order's prices must be above zero (its rates are their inverses)",
                    });
                }
                let inverse = round_significant(
                    &Fraction {
                        num: p.den,
                        den: p.num,
                    },
                    SDK_PRECISION,
                )?;
                scale10(&inverse, -shift)
            }
        };
        let (lowest, highest) = match side {
            Side::Buy => (rate(&low)?, rate(&high)?),
            Side::Sell => (rate(&high)?, rate(&low)?),
        };
        let marginal = rate(&marginal)?;
        Self::from_exact_rates(
            y,
            encode_rate_fraction(&lowest)?,
            encode_rate_fraction(&highest)?,
            encode_rate_fraction(&marginal)?,
        )
    }

    /// The order's prices and budget in token units: carbon-sdk's `decodeOrder` then
    /// `parseStrategy`'s normalisation, in exact fractions. For a [`Side::Sell`] order each
    /// price is `10^(bd − qd)` over the rate (so the lowest price comes from the highest
    /// rate); for a [`Side::Buy`] order it is the rate times `10^(bd − qd)`.
    ///
    /// ```
    /// use carbon_orders::{Decimals, EncodedOrder, PriceRange, Side};
    ///
    /// let eth_usdc = Decimals { base: 18, quote: 6 };
    /// let range = PriceRange { low: "2000", marginal: "2100", high: "2500", budget: "1.5" };
    /// let order = EncodedOrder::from_prices(Side::Sell, eth_usdc, &range)?;
    /// let back = order.prices(Side::Sell, eth_usdc)?;
    /// assert_eq!(back.budget.to_decimal_string(18)?, "1.5");
    /// assert!((back.marginal.to_f64() - 2100.0).abs() < 1e-6);
    /// # Ok::<(), carbon_orders::CarbonError>(())
    /// ```
    ///
    /// # Errors
    /// [`CarbonError::InvalidRate`] for an invalid compressed rate;
    /// [`CarbonError::OrderDisabled`] for `z = 0` with `y > 0`; [`CarbonError::InvalidOrder`]
    /// for a zero rate on a [`Side::Sell`] order (its price would be infinite);
    /// [`CarbonError::Overflow`] when a fraction does not fit 512 bits (only for decimals
    /// far beyond any token's).
    pub fn prices(&self, side: Side, decimals: Decimals) -> Result<OrderPrices, CarbonError> {
        // The exact rates of `decode.rs`, widened so that `10^decimals` fits beside them.
        let wide = |r: Ratio| Fraction {
            num: widen(r.num),
            den: widen(r.den),
        };
        let lowest = wide(self.lowest_rate()?);
        let highest = wide(self.highest_rate()?);
        let marginal = wide(self.marginal_rate()?);
        let shift = i32::from(decimals.base) - i32::from(decimals.quote);
        let price = |r: &Fraction| -> Result<Ratio, CarbonError> {
            match side {
                Side::Buy => to_ratio(&scale10(r, shift)?),
                Side::Sell => {
                    if r.num.is_zero() {
                        return Err(CarbonError::InvalidOrder {
                            reason: "a sell order with a zero rate has an infinite price",
                        });
                    }
                    to_ratio(&scale10(
                        &Fraction {
                            num: r.den,
                            den: r.num,
                        },
                        shift,
                    )?)
                }
            }
        };
        let (low, high) = match side {
            Side::Buy => (price(&lowest)?, price(&highest)?),
            Side::Sell => (price(&highest)?, price(&lowest)?),
        };
        let sold = match side {
            Side::Sell => decimals.base,
            Side::Buy => decimals.quote,
        };
        let budget = to_ratio(&scale10(
            &Fraction {
                num: U1024::from(self.y),
                den: U1024::from(1u8),
            },
            -i32::from(sold),
        )?)?;
        Ok(OrderPrices {
            low,
            marginal: price(&marginal)?,
            high,
            budget,
        })
    }
}

/// A non-negative fraction in 1024 bits (`den > 0`).
#[derive(Debug, Clone, Copy)]
struct Fraction {
    num: U1024,
    den: U1024,
}

fn overflow() -> CarbonError {
    CarbonError::Overflow {
        what: "price conversion",
    }
}

/// A plain decimal string as an exact fraction.
fn decimal(text: &str) -> Result<Fraction, CarbonError> {
    let (digits, scale) = parse_decimal(text)?;
    Ok(Fraction {
        num: widen(digits),
        den: pow10(scale)?,
    })
}

fn pow10(e: u32) -> Result<U1024, CarbonError> {
    U1024::from(10u8)
        .checked_pow(U1024::from(e))
        .ok_or_else(overflow)
}

/// `a ≤ b`, exactly.
fn le(a: &Fraction, b: &Fraction) -> Result<bool, CarbonError> {
    let l = a.num.checked_mul(b.den).ok_or_else(overflow)?;
    let r = b.num.checked_mul(a.den).ok_or_else(overflow)?;
    Ok(l <= r)
}

/// `f · 10^e`.
fn scale10(f: &Fraction, e: i32) -> Result<Fraction, CarbonError> {
    let p = pow10(e.unsigned_abs())?;
    Ok(if e >= 0 {
        Fraction {
            num: f.num.checked_mul(p).ok_or_else(overflow)?,
            den: f.den,
        }
    } else {
        Fraction {
            num: f.num,
            den: f.den.checked_mul(p).ok_or_else(overflow)?,
        }
    })
}

/// `f` rounded to `digits` significant decimal digits, ties toward zero (decimal.js's
/// `ROUND_HALF_DOWN`); zero stays zero.
fn round_significant(f: &Fraction, digits: u32) -> Result<Fraction, CarbonError> {
    if f.num.is_zero() {
        return Ok(*f);
    }
    // f · 10^e has `digits` integer digits: estimate e from the lengths of num and den (off
    // by at most one), then step.
    let len = |v: U1024| i64::try_from(v.to_string().len()).unwrap_or(i64::MAX);
    let mut e = i64::from(digits) - (len(f.num) - len(f.den));
    let (lo, hi) = (pow10(digits - 1)?, pow10(digits)?);
    for _ in 0..4 {
        let m = magnitude(f, e)?;
        if m >= hi {
            e -= 1;
        } else if m < lo {
            e += 1;
        } else {
            break;
        }
    }
    let e32 = i32::try_from(e).map_err(|_| overflow())?;
    let scaled = scale10(f, e32)?;
    let (q, r) = (scaled.num / scaled.den, scaled.num % scaled.den);
    let twice = r.checked_mul(U1024::from(2u8)).ok_or_else(overflow)?;
    let q = if twice > scaled.den {
        q + U1024::from(1u8)
    } else {
        q
    };
    scale10(
        &Fraction {
            num: q,
            den: U1024::from(1u8),
        },
        -e32,
    )
}

/// `floor(f · 10^e)`.
fn magnitude(f: &Fraction, e: i64) -> Result<U1024, CarbonError> {
    let s = scale10(f, i32::try_from(e).map_err(|_| overflow())?)?;
    Ok(s.num / s.den)
}

/// The SDK's `encodeRate` of an exact rate: `floor(sqrt(r) · 2⁴⁸)` with the bits that
/// `encodeFloat` drops cleared (as [`crate::rate::encode_rate`] for a decimal string).
fn encode_rate_fraction(r: &Fraction) -> Result<U256, CarbonError> {
    let shifted = r.num.checked_shl(96).ok_or_else(overflow)?;
    cut_to_48_bits((shifted / r.den).root(2))
}

/// The budget string cut to `decimals` places, in the token's smallest unit.
fn budget(text: &str, decimals: u8) -> Result<u128, CarbonError> {
    let (digits, scale) = parse_decimal(text)?;
    let digits = widen(digits);
    let d = u32::from(decimals);
    let wei = if scale >= d {
        digits / pow10(scale - d)?
    } else {
        digits.checked_mul(pow10(d - scale)?).ok_or_else(overflow)?
    };
    if wei.bit_len() > 128 {
        return Err(CarbonError::Overflow { what: "budget" });
    }
    Ok(wei.to())
}

/// An exact fraction in lowest terms as a 512-bit [`Ratio`].
fn to_ratio(f: &Fraction) -> Result<Ratio, CarbonError> {
    let g = f.num.gcd(f.den);
    let (num, den) = (f.num / g, f.den / g);
    if num.bit_len() > 512 || den.bit_len() > 512 {
        return Err(overflow());
    }
    let narrow = |v: U1024| {
        let l = v.as_limbs();
        let mut limbs = [0u64; 8];
        limbs.copy_from_slice(&l[..8]);
        U512::from_limbs(limbs)
    };
    Ok(Ratio {
        num: narrow(num),
        den: narrow(den),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frac(n: u64, d: u64) -> Fraction {
        Fraction {
            num: U1024::from(n),
            den: U1024::from(d),
        }
    }

    #[test]
    fn rounding_to_significant_digits_by_hand() {
        // 2/3 to 3 digits: 0.667 (up); 1/8 = 0.125 to 2 digits: a tie, half-down gives 0.12.
        let r = round_significant(&frac(2, 3), 3).unwrap();
        assert_eq!((r.num, r.den), (U1024::from(667u32), U1024::from(1000u32)));
        let r = round_significant(&frac(1, 8), 2).unwrap();
        assert_eq!((r.num, r.den), (U1024::from(12u32), U1024::from(100u32)));
        // 123456 to 3 digits: 123000; 0.000123456 to 3: 0.000123; 1/1 stays 1.
        let r = round_significant(&frac(123_456, 1), 3).unwrap();
        assert_eq!(r.num / r.den, U1024::from(123_000u32));
        let r = round_significant(&frac(123_456, 1_000_000_000), 3).unwrap();
        assert_eq!(
            (r.num, r.den),
            (U1024::from(123u32), U1024::from(1_000_000u32))
        );
        let r = round_significant(&frac(1, 1), 100).unwrap();
        assert_eq!(r.num / r.den, U1024::from(1u8));
        // 1/7 at 100 digits: the period 142857 sixteen times, then 1428, and digits 101–102
        // are 57…, above half: the last digit rounds up to 9.
        let r = round_significant(&frac(1, 7), 100).unwrap();
        let s = r.num.to_string();
        assert_eq!(s.len(), 100);
        assert!(s.starts_with("142857142857"));
        assert!(s.ends_with("8571429"));
        assert_eq!(r.den, pow10(100).unwrap());
    }

    #[test]
    fn budgets_are_cut_to_the_decimals() {
        assert_eq!(budget("1.5", 18).unwrap(), 1_500_000_000_000_000_000);
        assert_eq!(budget("0.1234567", 6).unwrap(), 123_456);
        assert_eq!(budget("3000", 0).unwrap(), 3000);
        assert!(matches!(
            budget("1e5", 6),
            Err(CarbonError::InvalidDecimal { .. })
        ));
        assert!(matches!(
            budget("1000000000000000000000", 18),
            Err(CarbonError::Overflow { .. })
        ));
    }
}
