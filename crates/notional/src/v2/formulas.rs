//! v2's pure functions: the logit of a proportion, the exchange rate on a [`Curve`], the anchor
//! and implied rate, `e^(r·t)`, the oracle's weighted rate, and the annual rate of a quote.

use ethnum::{I256, U256};

use super::{Curve, IMPLIED_RATE_TIME, Market, RATE_PRECISION, contract};
use crate::arith::overflow;
use crate::{NotionalError, Result};

/// A contract value as an `i128`, or an overflow naming `op`.
pub(super) fn narrow(x: I256, op: &'static str) -> Result<i128> {
    i128::try_from(x).map_err(|_| overflow(op))
}

/// [`NotionalError::NegativeInterestRate`] for an exchange rate below `floor` (both at 1e9).
pub(super) fn at_least(rate: i128, floor: i128) -> Result<i128> {
    if rate < floor {
        return Err(NotionalError::NegativeInterestRate {
            trade_rate: rate.into(),
            rate_precision: floor.into(),
        });
    }
    Ok(rate)
}

/// The annual, continuously compounded interest rate of a quote, as a fraction (`0.05` is
/// 5 % a year): `ln(|fCash| / |cash|) · T / t` on the 360-day year `T`, the convention of
/// [`implied_rate`] and `lastImpliedRate`. `fcash_to_account` and `net_cash_to_account` are
/// a trade's two legs at 1e8 (opposite signs: lending pays cash for positive fCash, borrowing
/// receives cash for negative fCash); `time_to_maturity` is in seconds. A lender's rate is
/// after the fee, a borrower's includes it.
///
/// ```
/// use notional::v2::annualised_rate;
///
/// // Pay 990 for 1000 fCash a quarter (90 days) from maturity: ln(1000/990) · 4 ≈ 4.02 %.
/// const E8: i128 = 100_000_000;
/// let r = annualised_rate(1_000 * E8, -990 * E8, 90 * 86_400)?;
/// assert!((r - 4.0 * (1000.0f64 / 990.0).ln()).abs() < 1e-15);
/// # Ok::<(), notional::NotionalError>(())
/// ```
///
/// # Errors
/// [`NotionalError::MaturedMarket`] for `t = 0`; [`NotionalError::InvalidArgument`] for a
/// zero leg or two legs of the same sign (not a trade).
pub fn annualised_rate(
    fcash_to_account: i128,
    net_cash_to_account: i128,
    time_to_maturity: u32,
) -> Result<f64> {
    if time_to_maturity == 0 {
        return Err(NotionalError::MaturedMarket {
            time_to_maturity: 0u32.into(),
        });
    }
    if fcash_to_account == 0
        || net_cash_to_account == 0
        || fcash_to_account.signum() == net_cash_to_account.signum()
    {
        return Err(NotionalError::InvalidArgument {
            name: "net_cash_to_account",
            value: net_cash_to_account.into(),
            reason: "a trade's fCash and cash legs are non-zero and of opposite signs",
        });
    }
    #[expect(
        clippy::cast_precision_loss,
        reason = "a rate for people to read: f64's 53 bits are ample"
    )]
    let ratio = fcash_to_account.unsigned_abs() as f64 / net_cash_to_account.unsigned_abs() as f64;
    #[expect(
        clippy::cast_precision_loss,
        reason = "a 360-day year in seconds is exact"
    )]
    let year = IMPLIED_RATE_TIME as f64;
    Ok(ratio.ln() * year / f64::from(time_to_maturity))
}

/// `_logProportion(p)`: `ln(p / (1 − p))` at 1e9, through ABDK with `ln(1e9)` subtracted
/// (`proportion` at 1e9).
///
/// ```
/// use notional::v2::log_proportion;
///
/// // p = 0.5: ln(1) = 0; p = 0.75: ln(3) = 1.0986… at 1e9.
/// assert!(log_proportion(500_000_000)?.abs() <= 1);
/// assert!((log_proportion(750_000_000)? - 1_098_612_288).abs() <= 1);
/// assert!(log_proportion(1_000_000_000).is_err());
/// # Ok::<(), notional::NotionalError>(())
/// ```
///
/// # Errors
/// [`NotionalError::RatioOverflow`] at `p = 1` or for a logit above `2^63`,
/// [`NotionalError::ProportionOutOfBounds`] when the logit is not positive.
pub fn log_proportion(proportion: i128) -> Result<i128> {
    narrow(
        contract::log_proportion(I256::from(proportion))??,
        "log proportion",
    )
}

/// `_getExchangeRate(F, C, scalar, anchor, f)`: `ln(p/(1 − p)) / scalar + anchor` at 1e9,
/// with `p = (F − f)/(F + C)`, on the curve's totals, scalar and anchor; `f` at 1e8, the
/// result at 1e9 (fCash per unit of cash).
///
/// ```
/// use notional::v2::{Curve, exchange_rate};
///
/// const E8: i128 = 100_000_000;
/// // An even market (p = 0.5, ln 1 = 0): the rate is the anchor.
/// let curve = Curve { total_fcash: 1_000 * E8, total_cash: 1_000 * E8, rate_scalar: 100_000_000_000, rate_anchor: 1_010_000_000 };
/// assert_eq!(exchange_rate(&curve, 0)?, 1_010_000_000);
/// // Lending (buying fCash) lowers the proportion and the rate.
/// assert!(exchange_rate(&curve, 10 * E8)? < 1_010_000_000);
/// # Ok::<(), notional::NotionalError>(())
/// ```
///
/// # Errors
/// [`NotionalError::TradeTooLarge`] for `f > F`, [`NotionalError::ProportionOutOfBounds`] above
/// 0.99, [`NotionalError::NegativeInterestRate`] below 1, and those of [`log_proportion`].
pub fn exchange_rate(curve: &Curve, fcash_to_account: i128) -> Result<i128> {
    let rate = contract::get_exchange_rate(
        I256::from(curve.total_fcash),
        I256::from(curve.total_cash),
        I256::from(curve.rate_scalar),
        I256::from(curve.rate_anchor),
        I256::from(fcash_to_account),
    )??;
    narrow(rate, "exchange rate")
}

/// `getExchangeRateFromImpliedRate(r, t)`: `e^(r·t/T)` at 1e9, for `r` an annual rate at 1e9
/// and `t` seconds.
///
/// ```
/// // 5 % a year for a whole (360-day) year: e^0.05 = 1.051271096… at 1e9.
/// let r = notional::v2::exchange_rate_from_implied_rate(50_000_000, 360 * 86_400)?;
/// assert!((r - 1_051_271_096).abs() <= 1);
/// # Ok::<(), notional::NotionalError>(())
/// ```
///
/// # Errors
/// [`NotionalError::NegativeInterestRate`] for a negative rate, [`NotionalError::Overflow`] for
/// an exponent out of ABDK's range.
pub fn exchange_rate_from_implied_rate(implied_rate: i128, time_to_maturity: u32) -> Result<i128> {
    let r = u128::try_from(at_least(implied_rate, 0)?).map_err(|_| overflow("implied rate"))?;
    narrow(
        contract::get_exchange_rate_from_implied_rate(U256::from(r), U256::from(time_to_maturity))?,
        "e^(r·t)",
    )
}

/// `_getRateAnchor(F, r, C, scalar, t)`: `e^(r·t/T) − ln(p/(1 − p)) / scalar` with
/// `p = F/(F+C)`, from the market's totals and last implied rate `r`; `rate_scalar` and the
/// anchor at 1e9, `t` seconds.
///
/// # Errors
/// [`NotionalError::NegativeInterestRate`] if `e^(r·t)` is below 1, and those of
/// [`log_proportion`].
pub fn rate_anchor(market: &Market, rate_scalar: i128, time_to_maturity: u32) -> Result<i128> {
    let anchor = contract::get_rate_anchor(
        I256::from(market.total_fcash),
        U256::from(market.last_implied_rate),
        I256::from(market.total_cash),
        I256::from(rate_scalar),
        U256::from(time_to_maturity),
    )??;
    narrow(anchor, "rate anchor")
}

/// `getImpliedRate(F, C, scalar, anchor, t)`: `ln(rate) · T / t` of the curve's zero trade,
/// continuously compounded, annual, at 1e9; `t` seconds.
///
/// # Errors
/// Those of [`exchange_rate`], and [`NotionalError::Overflow`] above `uint32` (429 %).
pub fn implied_rate(curve: &Curve, time_to_maturity: u32) -> Result<u32> {
    let r = contract::get_implied_rate(
        I256::from(curve.total_fcash),
        I256::from(curve.total_cash),
        I256::from(curve.rate_scalar),
        I256::from(curve.rate_anchor),
        U256::from(time_to_maturity),
    )??;
    // At most uint32's maximum: the contract's check.
    Ok(r.as_u32())
}

/// `_updateRateOracle`: the market's last implied rate weighted by the time since its last
/// trade over the `window`, and its stored oracle rate by the rest; past the window, the last
/// implied rate. Rates at 1e9, times and the window in seconds.
///
/// ```
/// use notional::v2::{Market, weighted_oracle_rate};
///
/// let m = Market { last_implied_rate: 60_000_000, oracle_rate: 50_000_000, previous_trade_time: 1_000, ..Market::default() };
/// // Half a window (1800 of 3600 s) after a trade at 6 %, the oracle moves half way from 5 %.
/// assert_eq!(weighted_oracle_rate(&m, 3_600, 2_800)?, 55_000_000);
/// // Past the window it is the last implied rate.
/// assert_eq!(weighted_oracle_rate(&m, 3_600, 10_000)?, 60_000_000);
/// # Ok::<(), notional::NotionalError>(())
/// ```
///
/// # Errors
/// [`NotionalError::InvalidArgument`] for a zero window (the contract's `require`).
pub fn weighted_oracle_rate(market: &Market, window: u32, block_time: u32) -> Result<u32> {
    if window == 0 {
        return Err(NotionalError::InvalidArgument {
            name: "rate_oracle_time_window",
            value: 0u32.into(),
            reason: "the oracle's window must be positive",
        });
    }
    let last = market.last_implied_rate;
    if market.previous_trade_time > block_time {
        return Ok(last);
    }
    let diff = u128::from(block_time - market.previous_trade_time);
    if diff > u128::from(window) {
        return Ok(last);
    }
    let rp = RATE_PRECISION.unsigned_abs();
    let last_weight = diff * rp / u128::from(window);
    let oracle_weight = rp - last_weight;
    let r = (u128::from(last) * last_weight + u128::from(market.oracle_rate) * oracle_weight) / rp;
    // A weighted average of two uint32 values is a uint32.
    u32::try_from(r).map_err(|_| overflow("oracle rate"))
}
