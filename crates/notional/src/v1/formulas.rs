//! v1's free functions: the logarithm through ABDK, the transaction fee, the implied rate of a
//! trade, and the checks every trade makes first.

use ruint::aliases::U256;

use super::{DECIMALS, Governance, INSTRUMENT_PRECISION};
use crate::arith::{div_u256, mul_u256, overflow, to_u128};
use crate::{NotionalError, Result};

/// `maturity − block_time`, refused from maturity on.
pub(super) fn time_to_maturity(maturity: u32, block_time: u32) -> Result<u32> {
    match maturity.checked_sub(block_time) {
        Some(t) if t > 0 => Ok(t),
        _ => Err(NotionalError::MaturedMarket {
            time_to_maturity: (i64::from(maturity) - i64::from(block_time)).into(),
        }),
    }
}

/// `_abdkMath(ratio)`: `⌊ln(ratio) · 1e9⌋` through ABDK 64.64, with `ratio` an integer.
///
/// ```
/// // ⌊ln(2) · 1e9⌋ = 693 147 180.
/// assert_eq!(notional::v1::abdk_math(2)?, 693_147_180);
/// assert!(notional::v1::abdk_math(0).is_err());
/// # Ok::<(), notional::NotionalError>(())
/// ```
///
/// # Errors
/// [`NotionalError::RatioOverflow`] above `MAX64`, [`NotionalError::ProportionOutOfBounds`]
/// for 0 (a zero proportion has no logarithm).
pub fn abdk_math(ratio: u64) -> Result<u64> {
    super::contract::abdk_math(ethnum::U256::from(ratio))?
}

/// fCash as the contract's signed amount.
pub(super) fn signed(x: u128) -> Result<i128> {
    i128::try_from(x).map_err(|_| overflow("fCash above int128"))
}

/// `G_MAX_TRADE_SIZE`'s check.
pub(super) fn max_trade(g: &Governance, fcash: u128) -> Result<()> {
    if fcash > g.max_trade_size {
        return Err(NotionalError::TradeTooLarge {
            asked: fcash.into(),
            limit: g.max_trade_size.into(),
            of: "fCash, the max trade size",
        });
    }
    Ok(())
}

/// `_calculateTransactionFee(cash, timeToMaturity)`: `⌊cash · fee · t / L / 1e18⌋`.
///
/// ```
/// use notional::v1::{Governance, transaction_fee};
///
/// const E18: u128 = 1_000_000_000_000_000_000;
/// let g = Governance {
///     maturity_length: 2_592_000, max_trade_size: u128::MAX, rate_anchor: 1_100_000_000,
///     rate_scalar: 100, liquidity_fee: 0, transaction_fee: E18 / 1000, // 0.1 % a period
/// };
/// // A third of the period left: ⌊1000e18 · 1e15 · 864000 / 2592000 / 1e18⌋.
/// assert_eq!(transaction_fee(&g, 1_000 * E18, 864_000)?, 333_333_333_333_333_333);
/// # Ok::<(), notional::NotionalError>(())
/// ```
///
/// # Errors
/// [`NotionalError::DivisionByZero`] for a zero maturity length, [`NotionalError::Overflow`].
pub fn transaction_fee(g: &Governance, cash: u128, time_to_maturity: u32) -> Result<u128> {
    let x = mul_u256(
        mul_u256(U256::from(cash), U256::from(g.transaction_fee), "fee")?,
        U256::from(time_to_maturity),
        "fee",
    )?;
    let x = div_u256(x, U256::from(g.maturity_length), "_calculateTransactionFee")?
        / U256::from(DECIMALS);
    to_u128(x, "fee above uint128")
}

/// `_calculateImpliedRate(cash, fCash, timeToMaturity)`: `(fCash · 1e9 / cash − 1e9) · L / t`.
///
/// ```
/// use notional::v1::{Governance, calculate_implied_rate};
///
/// let g = Governance {
///     maturity_length: 2_592_000, max_trade_size: u128::MAX, rate_anchor: 1_100_000_000,
///     rate_scalar: 100, liquidity_fee: 0, transaction_fee: 0,
/// };
/// // 990 cash for 1000 fCash, 10 days of a 30-day period: ⌊1000e9/990⌋ = 1010101010, so
/// // (1010101010 − 1e9) · 3 = 30 303 030 (3.03 % a period, simple).
/// assert_eq!(calculate_implied_rate(&g, 990, 1000, 864_000)?, 30_303_030);
/// assert!(calculate_implied_rate(&g, 1000, 990, 864_000).is_err()); // a negative rate
/// # Ok::<(), notional::NotionalError>(())
/// ```
///
/// # Errors
/// [`NotionalError::DivisionByZero`] (no cash, `t = 0`), [`NotionalError::NegativeInterestRate`]
/// when fCash is below cash (SafeMath's underflow), [`NotionalError::Overflow`] above `uint32`.
pub fn calculate_implied_rate(
    g: &Governance,
    cash: u128,
    fcash: u128,
    time_to_maturity: u32,
) -> Result<u32> {
    let rate = div_u256(
        mul_u256(U256::from(fcash), U256::from(INSTRUMENT_PRECISION), "rate")?,
        U256::from(cash),
        "_calculateImpliedRate",
    )?;
    let excess = rate
        .checked_sub(U256::from(INSTRUMENT_PRECISION))
        .ok_or_else(|| NotionalError::NegativeInterestRate {
            trade_rate: rate.into(),
            rate_precision: INSTRUMENT_PRECISION.into(),
        })?;
    let r = div_u256(
        mul_u256(excess, U256::from(g.maturity_length), "rate")?,
        U256::from(time_to_maturity),
        "_calculateImpliedRate",
    )?;
    u32::try_from(r).map_err(|_| overflow("implied rate above uint32"))
}
