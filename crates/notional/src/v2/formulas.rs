//! v2's pure functions: the logit of a proportion, the exchange rate on a [`Curve`], the anchor
//! and implied rate, `e^(r·t)`, the oracle's weighted rate, and the annual rate of a quote.

use super::{
    Curve, IMPLIED_RATE_TIME, LOG_RATE_PRECISION_64X64, MAX_MARKET_PROPORTION, Market,
    RATE_PRECISION, RATE_PRECISION_64X64,
};
use crate::abdk;
use crate::arith::{div_i128, mul_i128, overflow};
use crate::{NotionalError, Number, Result};

/// `divInRatePrecision(x, y) = x · 1e9 / y`.
pub(super) fn div_rp(x: i128, y: i128, op: &'static str) -> Result<i128> {
    div_i128(mul_i128(x, RATE_PRECISION, op)?, y, op)
}

/// `mulInRatePrecision(x, y) = x · y / 1e9`.
pub(super) fn mul_rp(x: i128, y: i128, op: &'static str) -> Result<i128> {
    Ok(mul_i128(x, y, op)? / RATE_PRECISION)
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
    if proportion == RATE_PRECISION {
        return Err(NotionalError::RatioOverflow {
            ratio: Number::Infinite,
        });
    }
    let logit = div_rp(proportion, RATE_PRECISION - proportion, "logit")?;
    let x = abdk::from_int(logit).map_err(|_| NotionalError::RatioOverflow {
        ratio: logit.into(),
    })?;
    if x <= 0 {
        return Err(NotionalError::ProportionOutOfBounds {
            proportion: Number::fixed(proportion, 9),
        });
    }
    let l = abdk::sub(abdk::ln(x)?, LOG_RATE_PRECISION_64X64)?;
    Ok(abdk::to_int(abdk::mul(l, RATE_PRECISION_64X64)?))
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
    let numerator = curve
        .total_fcash
        .checked_sub(fcash_to_account)
        .ok_or_else(|| overflow("numerator"))?;
    if numerator < 0 {
        return Err(NotionalError::TradeTooLarge {
            asked: fcash_to_account.into(),
            limit: curve.total_fcash.into(),
            of: "fCash in the market",
        });
    }
    let total = curve
        .total_fcash
        .checked_add(curve.total_cash)
        .ok_or_else(|| overflow("total"))?;
    let proportion = div_rp(numerator, total, "proportion")?;
    if proportion > MAX_MARKET_PROPORTION {
        return Err(NotionalError::ProportionOutOfBounds {
            proportion: Number::fixed(proportion, 9),
        });
    }
    let ln = log_proportion(proportion)?;
    let rate = div_rp(ln, curve.rate_scalar, "ln / scalar")?
        .checked_add(curve.rate_anchor)
        .ok_or_else(|| overflow("rate"))?;
    at_least(rate, RATE_PRECISION)
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
    at_least(implied_rate, 0)?;
    let x = mul_i128(implied_rate, i128::from(time_to_maturity), "r·t")? / IMPLIED_RATE_TIME;
    let x = abdk::div(abdk::from_int(x)?, RATE_PRECISION_64X64)?;
    Ok(abdk::to_int(abdk::mul(
        abdk::exp(x)?,
        RATE_PRECISION_64X64,
    )?))
}

/// `_getRateAnchor(F, r, C, scalar, t)`: `e^(r·t/T) − ln(p/(1 − p)) / scalar` with
/// `p = F/(F+C)`, from the market's totals and last implied rate `r`; `rate_scalar` and the
/// anchor at 1e9, `t` seconds.
///
/// # Errors
/// [`NotionalError::NegativeInterestRate`] if `e^(r·t)` is below 1, and those of
/// [`log_proportion`].
pub fn rate_anchor(market: &Market, rate_scalar: i128, time_to_maturity: u32) -> Result<i128> {
    let rate =
        exchange_rate_from_implied_rate(i128::from(market.last_implied_rate), time_to_maturity)?;
    let rate = at_least(rate, RATE_PRECISION)?;
    let total = market
        .total_fcash
        .checked_add(market.total_cash)
        .ok_or_else(|| overflow("total"))?;
    let proportion = div_rp(market.total_fcash, total, "proportion")?;
    let ln = log_proportion(proportion)?;
    rate.checked_sub(div_rp(ln, rate_scalar, "ln / scalar")?)
        .ok_or_else(|| overflow("rate anchor"))
}

/// `getImpliedRate(F, C, scalar, anchor, t)`: `ln(rate) · T / t` of the curve's zero trade,
/// continuously compounded, annual, at 1e9; `t` seconds.
///
/// # Errors
/// Those of [`exchange_rate`], and [`NotionalError::Overflow`] above `uint32` (429 %).
pub fn implied_rate(curve: &Curve, time_to_maturity: u32) -> Result<u32> {
    let rate = exchange_rate(curve, 0)?;
    let scaled = abdk::div(abdk::from_int(rate)?, RATE_PRECISION_64X64)?;
    let ln_rate = abdk::to_uint(abdk::mul(abdk::ln(scaled)?, RATE_PRECISION_64X64)?)?;
    let implied = div_i128(
        mul_i128(i128::from(ln_rate), IMPLIED_RATE_TIME, "implied")?,
        i128::from(time_to_maturity),
        "implied rate",
    )?;
    u32::try_from(implied).map_err(|_| overflow("implied rate above uint32"))
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
