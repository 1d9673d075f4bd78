//! Notional v2's market (`contracts-v2`, `internal/markets/Market.sol` and the cash group's
//! `getRateScalar`, `getTotalFee`, `getReserveFeeShare`), in the contract's integer steps.
//!
//! With `F` the market's fCash, `C` its cash (in underlying; the asset-cash exchange rate of a
//! cToken is left to the caller), `f` the fCash to the account (`f > 0` lends, `f < 0` borrows)
//! and `t` seconds to maturity, on a 360-day year `T`:
//!
//! * `p = (F − f) / (F + C)`, at most 0.99 (`MAX_MARKET_PROPORTION`);
//! * `scalar = s · 1e9 · T / t` from the cash group's `s`;
//! * `rate = ln(p/(1 − p)) / scalar + anchor` (64.64 `ln`, at 1e9), never below 1;
//! * the anchor keeps the last implied rate `r`: `anchor = e^(r·t/T) − ln(p/(1 − p)) / scalar`;
//! * the implied rate is continuously compounded: `ln(rate) · T / t`;
//! * the fee is multiplicative, `e^(fee·t/T)`: lenders' rates are divided by it and borrowers'
//!   multiplied, and `reserveFeeShare` percent of the fee goes to the reserve;
//! * [`MarketV2::fcash_given_cash`] inverts the curve by Newton's method with the analytic
//!   derivative (at most 250 iterations), as `getfCashGivenCashAmount`;
//! * the oracle rate is the time-weighted average of [`oracle_rate`].
//!
//! ABDK's `ln` here is bit-exact; its `exp` is computed exactly instead of by ABDK's table of
//! truncated constants, so `e^(r·t)` can differ from the contract's by one unit of 2^−64 (one
//! unit at 1e9 in the rare case that unit crosses an integer).
//!
//! ## Units
//!
//! Every number is an integer in the contract's units:
//!
//! | quantity | unit | example |
//! |---|---|---|
//! | cash, fCash, liquidity tokens (`total_cash`, `fcash_to_account`, `max_delta` …) | 1e8 per token ([`INTERNAL_TOKEN_PRECISION`]), signed: positive to the account | `1000 · 1e8` = 1000 fCash |
//! | rates, proportions, exchange rates (`last_implied_rate`, `oracle_rate`, scalar, anchor) | 1e9 = 1 ([`RATE_PRECISION`]) | `50_000_000` = 5 % a year |
//! | interest rates | annual, continuously compounded, on a 360-day year ([`IMPLIED_RATE_TIME`]) | |
//! | exchange rate | fCash per unit of cash at 1e9: `e^(r·t/T)` | `1_012_578_451` |
//! | `time_to_maturity`, `block_time`, windows | seconds | `90 · 86_400` |
//! | [`CashGroupV2::total_fee`] | units of five basis points (0.05 % a year) | `6` = 0.30 % a year |
//! | [`CashGroupV2::reserve_fee_share`] | percent of the fee | `30` |
//! | [`CashGroupV2::rate_scalar`] | the byte `s`; the scalar is `s · 1e9 · T / t` | `30` |
//!
//! [`annualised_rate`] turns a quote (fCash and cash) back into the rate a user reads.
//!
//! ## Lending and borrowing
//!
//! ```
//! use notional::v2::{CashGroupV2, MarketV2, annualised_rate};
//!
//! const E8: i128 = 100_000_000; // one token
//! let cash_group = CashGroupV2 {
//!     rate_scalar: 30,
//!     total_fee: 6, // 6 × 5 bp = 0.30 % a year
//!     reserve_fee_share: 30, // percent of the fee to the reserve
//!     rate_oracle_time_window: 3_600, // seconds
//! };
//! let market = MarketV2 {
//!     total_fcash: 1_000_000 * E8,
//!     total_cash: 950_000 * E8,
//!     total_liquidity: 1_000_000 * E8,
//!     last_implied_rate: 50_000_000, // 5 % a year at 1e9
//!     oracle_rate: 50_000_000,
//!     previous_trade_time: 0,
//! };
//! let t = 90 * 86_400; // 90 days to maturity
//!
//! // Lend: buy 1000 fCash (positive fCash to the account) for cash now.
//! let mut lent = market;
//! let lend = lent.calculate_trade(&cash_group, 1_000 * E8, t, 1_000)?;
//! assert_eq!(lend.net_cash_to_account, -98_833_545_734); // pays 988.33545734
//! let rate = annualised_rate(1_000 * E8, lend.net_cash_to_account, t)?;
//! assert!((rate - 0.0469).abs() < 1e-4); // 5 % less the fee: 4.69 % a year
//! assert!(lent.last_implied_rate < market.last_implied_rate); // lending lowers rates
//!
//! // Borrow: sell 1000 fCash (negative to the account), owing 1000 at maturity.
//! let mut borrowed = market;
//! let borrow = borrowed.calculate_trade(&cash_group, -1_000 * E8, t, 1_000)?;
//! assert_eq!(borrow.net_cash_to_account, 98_682_072_578); // receives 986.82072578
//! let rate = annualised_rate(-1_000 * E8, borrow.net_cash_to_account, t)?;
//! assert!((rate - 0.0531).abs() < 1e-4); // 5 % plus the fee
//!
//! // Or fix the cash: borrow exactly 500 by Newton's method, to within 0.00001 fCash.
//! let quote = market.fcash_given_cash(&cash_group, 500 * E8, t, 1_000)?;
//! assert_eq!(quote.fcash, -50_667_341_550); // owes 506.6734155 at maturity
//! # Ok::<(), notional::NotionalError>(())
//! ```

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};

use crate::abdk;
use crate::{NotionalError, Result};

/// `Constants.RATE_PRECISION`.
pub const RATE_PRECISION: i128 = 1_000_000_000;
/// `Constants.IMPLIED_RATE_TIME`: a 360-day year.
pub const IMPLIED_RATE_TIME: i128 = 360 * 86_400;
/// `Constants.MAX_MARKET_PROPORTION`: 0.99 at 1e9.
pub const MAX_MARKET_PROPORTION: i128 = 990_000_000;
/// `Constants.INTERNAL_TOKEN_PRECISION`: 1e8.
pub const INTERNAL_TOKEN_PRECISION: i128 = 100_000_000;
/// `Constants.FIVE_BASIS_POINTS` at 1e9.
pub const FIVE_BASIS_POINTS: i128 = 500_000;
/// `Constants.LOG_RATE_PRECISION_64x64 = ⌊ln(1e9) · 2^64⌋`.
pub const LOG_RATE_PRECISION_64X64: i128 = 382_276_781_265_598_821_176;
/// `Constants.RATE_PRECISION_64x64 = 1e9 << 64`.
pub const RATE_PRECISION_64X64: i128 = RATE_PRECISION << 64;
/// `getfCashGivenCashAmount`'s iteration limit.
pub const NEWTON_ITERATIONS: u32 = 250;

/// A v2 cash group's parameters for one market (the bytes the contract packs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CashGroupV2 {
    /// The market's rate scalar byte `s` (the scalar is `s · 1e9 · T / t`).
    pub rate_scalar: u8,
    /// The total fee, an annual rate in units of five basis points (`6` = 0.30 % a year).
    pub total_fee: u8,
    /// The reserve's share of the fee, in percent (0–100).
    pub reserve_fee_share: u8,
    /// The oracle's time window, seconds.
    pub rate_oracle_time_window: u32,
}

impl CashGroupV2 {
    /// `getRateScalar`: `s · 1e9 · T / t`, required positive (`t` in seconds; the result at
    /// 1e9).
    ///
    /// # Errors
    /// [`NotionalError::MaturedMarket`] for `t = 0`, [`NotionalError::DivisionByZero`] for a
    /// scalar that truncates to 0.
    pub fn rate_scalar(&self, time_to_maturity: u32) -> Result<i128> {
        if time_to_maturity == 0 {
            return Err(NotionalError::MaturedMarket {
                time_to_maturity: "0".into(),
            });
        }
        let s = i128::from(self.rate_scalar) * RATE_PRECISION * IMPLIED_RATE_TIME
            / i128::from(time_to_maturity);
        if s <= 0 {
            return Err(NotionalError::DivisionByZero {
                op: "rate scalar is zero",
            });
        }
        Ok(s)
    }

    /// `getTotalFee`: the fee as an annual rate at 1e9 (`total_fee · 500_000`).
    #[must_use]
    pub fn total_fee(&self) -> i128 {
        i128::from(self.total_fee) * FIVE_BASIS_POINTS
    }
}

/// One v2 market, in underlying cash (see the [units](self#units)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MarketV2 {
    /// `totalfCash`, at 1e8 per fCash.
    pub total_fcash: i128,
    /// `totalAssetCash`, here in underlying terms, at 1e8 per token.
    pub total_cash: i128,
    /// `totalLiquidity`, liquidity tokens at 1e8.
    pub total_liquidity: i128,
    /// `lastImpliedRate`, annual and continuously compounded, at 1e9 (`50_000_000` = 5 %).
    pub last_implied_rate: u32,
    /// `oracleRate`, as the last implied rate.
    pub oracle_rate: u32,
    /// `previousTradeTime`, seconds (a block timestamp).
    pub previous_trade_time: u32,
}

/// A v2 trade's cash flows (`calculateTrade`'s return, with the market's share), at 1e8 per
/// token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TradeV2 {
    /// Cash to the account: negative when lending, positive when borrowing.
    pub net_cash_to_account: i128,
    /// Cash into the market.
    pub net_cash_to_market: i128,
    /// Fee to the reserve (never negative).
    pub cash_to_reserve: i128,
}

/// The result of [`MarketV2::fcash_given_cash`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewtonQuote {
    /// fCash to the account, at 1e8 (positive lends, negative borrows).
    pub fcash: i128,
    /// Exchange-rate evaluations made.
    pub iterations: u32,
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
            time_to_maturity: "0".into(),
        });
    }
    if fcash_to_account == 0
        || net_cash_to_account == 0
        || fcash_to_account.signum() == net_cash_to_account.signum()
    {
        return Err(NotionalError::InvalidArgument {
            name: "net_cash_to_account",
            value: format!("{net_cash_to_account} for {fcash_to_account} fCash"),
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

fn overflow(op: &'static str) -> NotionalError {
    NotionalError::Overflow { op }
}

fn div(a: i128, b: i128, op: &'static str) -> Result<i128> {
    if b == 0 {
        return Err(NotionalError::DivisionByZero { op });
    }
    a.checked_div(b).ok_or_else(|| overflow(op))
}

fn mul(a: i128, b: i128, op: &'static str) -> Result<i128> {
    a.checked_mul(b).ok_or_else(|| overflow(op))
}

/// `divInRatePrecision(x, y) = x · 1e9 / y`.
fn div_rp(x: i128, y: i128, op: &'static str) -> Result<i128> {
    div(mul(x, RATE_PRECISION, op)?, y, op)
}

/// `mulInRatePrecision(x, y) = x · y / 1e9`.
fn mul_rp(x: i128, y: i128, op: &'static str) -> Result<i128> {
    Ok(mul(x, y, op)? / RATE_PRECISION)
}

fn big(x: i128) -> BigInt {
    BigInt::from(x)
}

fn small(x: &BigInt, op: &'static str) -> Result<i128> {
    x.to_i128().ok_or_else(|| overflow(op))
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
            ratio: "Infinity".into(),
        });
    }
    let logit = div_rp(proportion, RATE_PRECISION - proportion, "logit")?;
    let x = abdk::from_int(logit).map_err(|_| NotionalError::RatioOverflow {
        ratio: logit.to_string(),
    })?;
    if x <= 0 {
        return Err(NotionalError::ProportionOutOfBounds {
            proportion: format!("{proportion}e-9"),
        });
    }
    let l = abdk::sub(abdk::ln(x)?, LOG_RATE_PRECISION_64X64)?;
    Ok(abdk::to_int(abdk::mul(l, RATE_PRECISION_64X64)?))
}

/// `_getExchangeRate(F, C, scalar, anchor, f)`: `ln(p/(1 − p)) / scalar + anchor` at 1e9,
/// with `p = (F − f)/(F + C)`. `F`, `C`, `f` at 1e8; `scalar`, `anchor` and the result at 1e9
/// (fCash per unit of cash).
///
/// # Errors
/// [`NotionalError::TradeTooLarge`] for `f > F`, [`NotionalError::ProportionOutOfBounds`] above
/// 0.99, [`NotionalError::NegativeInterestRate`] below 1, and those of [`log_proportion`].
pub fn exchange_rate(
    total_fcash: i128,
    total_cash: i128,
    rate_scalar: i128,
    rate_anchor: i128,
    fcash_to_account: i128,
) -> Result<i128> {
    let numerator = total_fcash
        .checked_sub(fcash_to_account)
        .ok_or_else(|| overflow("numerator"))?;
    if numerator < 0 {
        return Err(NotionalError::TradeTooLarge {
            reason: format!("{fcash_to_account} fCash asked of a market of {total_fcash}"),
        });
    }
    let total = total_fcash
        .checked_add(total_cash)
        .ok_or_else(|| overflow("total"))?;
    let proportion = div_rp(numerator, total, "proportion")?;
    if proportion > MAX_MARKET_PROPORTION {
        return Err(NotionalError::ProportionOutOfBounds {
            proportion: format!("{proportion}e-9 (max 0.99)"),
        });
    }
    let ln = log_proportion(proportion)?;
    let rate = div_rp(ln, rate_scalar, "ln / scalar")?
        .checked_add(rate_anchor)
        .ok_or_else(|| overflow("rate"))?;
    if rate < RATE_PRECISION {
        return Err(NotionalError::NegativeInterestRate {
            trade_rate: rate.to_string(),
            rate_precision: RATE_PRECISION.to_string(),
        });
    }
    Ok(rate)
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
/// [`NotionalError::Overflow`] for an exponent out of ABDK's range.
pub fn exchange_rate_from_implied_rate(implied_rate: i128, time_to_maturity: u32) -> Result<i128> {
    if implied_rate < 0 {
        return Err(NotionalError::NegativeInterestRate {
            trade_rate: implied_rate.to_string(),
            rate_precision: "0".into(),
        });
    }
    let x = mul(implied_rate, i128::from(time_to_maturity), "r·t")? / IMPLIED_RATE_TIME;
    let x = abdk::div(abdk::from_int(x)?, RATE_PRECISION_64X64)?;
    Ok(abdk::to_int(abdk::mul(
        abdk::exp(x)?,
        RATE_PRECISION_64X64,
    )?))
}

/// `_getRateAnchor(F, r, C, scalar, t)`: `e^(r·t/T) − ln(p/(1 − p)) / scalar` with
/// `p = F/(F+C)`; `F`, `C` at 1e8, `r`, `scalar` and the anchor at 1e9, `t` seconds.
///
/// # Errors
/// [`NotionalError::NegativeInterestRate`] if `e^(r·t)` is below 1, and those of
/// [`log_proportion`].
pub fn rate_anchor(
    total_fcash: i128,
    last_implied_rate: u32,
    total_cash: i128,
    rate_scalar: i128,
    time_to_maturity: u32,
) -> Result<i128> {
    let rate = exchange_rate_from_implied_rate(i128::from(last_implied_rate), time_to_maturity)?;
    if rate < RATE_PRECISION {
        return Err(NotionalError::NegativeInterestRate {
            trade_rate: rate.to_string(),
            rate_precision: RATE_PRECISION.to_string(),
        });
    }
    let total = total_fcash
        .checked_add(total_cash)
        .ok_or_else(|| overflow("total"))?;
    let proportion = div_rp(total_fcash, total, "proportion")?;
    let ln = log_proportion(proportion)?;
    rate.checked_sub(div_rp(ln, rate_scalar, "ln / scalar")?)
        .ok_or_else(|| overflow("rate anchor"))
}

/// `getImpliedRate(F, C, scalar, anchor, t)`: `ln(rate) · T / t`, continuously compounded,
/// annual, at 1e9; `F`, `C` at 1e8, `scalar`, `anchor` at 1e9, `t` seconds.
///
/// # Errors
/// Those of [`exchange_rate`], and [`NotionalError::Overflow`] above `uint32` (429 %).
pub fn implied_rate(
    total_fcash: i128,
    total_cash: i128,
    rate_scalar: i128,
    rate_anchor: i128,
    time_to_maturity: u32,
) -> Result<u32> {
    let rate = exchange_rate(total_fcash, total_cash, rate_scalar, rate_anchor, 0)?;
    let scaled = abdk::div(abdk::from_int(rate)?, RATE_PRECISION_64X64)?;
    let ln_rate = abdk::to_uint(abdk::mul(abdk::ln(scaled)?, RATE_PRECISION_64X64)?)?;
    let implied = div(
        mul(i128::from(ln_rate), IMPLIED_RATE_TIME, "implied")?,
        i128::from(time_to_maturity),
        "implied rate",
    )?;
    u32::try_from(implied).map_err(|_| overflow("implied rate above uint32"))
}

/// `_updateRateOracle`: the last implied rate weighted by the time since the last trade over the
/// window, and the previous oracle rate by the rest; past the window, the last implied rate.
/// Rates at 1e9, times and the window in seconds.
///
/// ```
/// use notional::v2::oracle_rate;
///
/// // Half a window (1800 of 3600 s) after a trade at 6 %, the oracle moves half way from 5 %.
/// assert_eq!(oracle_rate(1_000, 60_000_000, 50_000_000, 3_600, 2_800)?, 55_000_000);
/// // Past the window it is the last implied rate.
/// assert_eq!(oracle_rate(1_000, 60_000_000, 50_000_000, 3_600, 10_000)?, 60_000_000);
/// # Ok::<(), notional::NotionalError>(())
/// ```
///
/// # Errors
/// [`NotionalError::InvalidArgument`] for a zero window (the contract's `require`).
pub fn oracle_rate(
    previous_trade_time: u32,
    last_implied_rate: u32,
    oracle_rate: u32,
    window: u32,
    block_time: u32,
) -> Result<u32> {
    if window == 0 {
        return Err(NotionalError::InvalidArgument {
            name: "rate_oracle_time_window",
            value: "0".into(),
            reason: "the oracle's window must be positive",
        });
    }
    if previous_trade_time > block_time {
        return Ok(last_implied_rate);
    }
    let diff = u128::from(block_time - previous_trade_time);
    if diff > u128::from(window) {
        return Ok(last_implied_rate);
    }
    let rp = RATE_PRECISION.unsigned_abs();
    let last_weight = diff * rp / u128::from(window);
    let oracle_weight = rp - last_weight;
    let r = (u128::from(last_implied_rate) * last_weight + u128::from(oracle_rate) * oracle_weight)
        / rp;
    // A weighted average of two uint32 values is a uint32.
    u32::try_from(r).map_err(|_| overflow("oracle rate"))
}

/// `_getNetCashAmountsUnderlying`: `(to account, to market, to reserve)` for a trade at
/// `pre_fee_rate`.
fn net_cash_amounts(
    cg: &CashGroupV2,
    pre_fee_rate: i128,
    fcash_to_account: i128,
    time_to_maturity: u32,
) -> Result<TradeV2> {
    let pre_fee_cash = div_rp(fcash_to_account, pre_fee_rate, "pre-fee cash")?
        .checked_neg()
        .ok_or_else(|| overflow("pre-fee cash"))?;
    let fee_rate = exchange_rate_from_implied_rate(cg.total_fee(), time_to_maturity)?;
    let fee = if fcash_to_account > 0 {
        let post_fee_rate = div_rp(pre_fee_rate, fee_rate, "post-fee rate")?;
        if post_fee_rate < RATE_PRECISION {
            return Err(NotionalError::NegativeInterestRate {
                trade_rate: post_fee_rate.to_string(),
                rate_precision: RATE_PRECISION.to_string(),
            });
        }
        mul_rp(pre_fee_cash, RATE_PRECISION - fee_rate, "fee")?
    } else {
        -div(
            mul(pre_fee_cash, RATE_PRECISION - fee_rate, "fee")?,
            fee_rate,
            "fee",
        )?
    };
    let reserve = mul(fee, i128::from(cg.reserve_fee_share), "reserve")? / 100;
    let to_account = pre_fee_cash
        .checked_sub(fee)
        .ok_or_else(|| overflow("cash to account"))?;
    let to_market = to_account
        .checked_add(reserve)
        .and_then(i128::checked_neg)
        .ok_or_else(|| overflow("cash to market"))?;
    Ok(TradeV2 {
        net_cash_to_account: to_account,
        net_cash_to_market: to_market,
        cash_to_reserve: reserve,
    })
}

impl MarketV2 {
    /// The scalar and anchor of a trade at `t` seconds to maturity (`getExchangeRateFactors`),
    /// both at 1e9.
    ///
    /// # Errors
    /// [`NotionalError::DivisionByZero`] for an empty side, and the anchor's errors.
    pub fn exchange_rate_factors(
        &self,
        cg: &CashGroupV2,
        time_to_maturity: u32,
    ) -> Result<(i128, i128)> {
        let scalar = cg.rate_scalar(time_to_maturity)?;
        if self.total_fcash == 0 || self.total_cash == 0 {
            return Err(NotionalError::DivisionByZero { op: "empty market" });
        }
        let anchor = rate_anchor(
            self.total_fcash,
            self.last_implied_rate,
            self.total_cash,
            scalar,
            time_to_maturity,
        )?;
        Ok((scalar, anchor))
    }

    /// `calculateTrade(market, cashGroup, fCashToAccount, timeToMaturity)`: trades
    /// `fcash_to_account` fCash at 1e8 (positive lends, negative borrows) at `time_to_maturity`
    /// seconds before maturity and `block_time` (seconds), and updates the market, its implied
    /// rate and its trade time; a failed trade leaves it unchanged. The cash flows are at 1e8;
    /// see the [module example](self#lending-and-borrowing).
    ///
    /// # Errors
    /// [`NotionalError::TradeTooLarge`] for `f ≥ F`, the factors' and the exchange rate's
    /// errors, and [`NotionalError::InvalidArgument`] for a trade that rounds to no cash.
    pub fn calculate_trade(
        &mut self,
        cg: &CashGroupV2,
        fcash_to_account: i128,
        time_to_maturity: u32,
        block_time: u32,
    ) -> Result<TradeV2> {
        if self.total_fcash <= fcash_to_account {
            return Err(NotionalError::TradeTooLarge {
                reason: format!(
                    "{fcash_to_account} fCash asked of a market of {}",
                    self.total_fcash
                ),
            });
        }
        let (scalar, anchor) = self.exchange_rate_factors(cg, time_to_maturity)?;
        let pre_fee = exchange_rate(
            self.total_fcash,
            self.total_cash,
            scalar,
            anchor,
            fcash_to_account,
        )?;
        let trade = net_cash_amounts(cg, pre_fee, fcash_to_account, time_to_maturity)?;
        if trade.net_cash_to_account == 0 {
            return Err(NotionalError::InvalidArgument {
                name: "fcash_to_account",
                value: fcash_to_account.to_string(),
                reason: "the trade rounds to no cash",
            });
        }
        let fcash = self
            .total_fcash
            .checked_sub(fcash_to_account)
            .ok_or_else(|| overflow("fCash"))?;
        let cash = self
            .total_cash
            .checked_add(trade.net_cash_to_market)
            .ok_or_else(|| overflow("cash"))?;
        let implied = implied_rate(fcash, cash, scalar, anchor, time_to_maturity)?;
        if implied == 0 {
            return Err(NotionalError::NegativeInterestRate {
                trade_rate: "0".into(),
                rate_precision: "0".into(),
            });
        }
        self.total_fcash = fcash;
        self.total_cash = cash;
        self.last_implied_rate = implied;
        self.previous_trade_time = block_time;
        Ok(trade)
    }

    /// `getfCashGivenCashAmount`: the fCash to the account for `net_cash_to_account` cash
    /// (negative lends), by Newton's method on `f(x) = cash · rate(x) · fee + x` with
    /// `f'(x) = 1 − cash · fee · (F + C) / (scalar · (F − x)(C + x))`, stopping when a step is at
    /// most `max_delta`. Cash, fCash and `max_delta` at 1e8 (`1_000` is 0.00001 fCash),
    /// `time_to_maturity` in seconds.
    ///
    /// # Errors
    /// [`NotionalError::NoConvergence`] after 250 iterations, and the exchange rate's errors at
    /// any guess.
    pub fn fcash_given_cash(
        &self,
        cg: &CashGroupV2,
        net_cash_to_account: i128,
        time_to_maturity: u32,
        max_delta: i128,
    ) -> Result<NewtonQuote> {
        if max_delta < 0 {
            return Err(NotionalError::InvalidArgument {
                name: "max_delta",
                value: max_delta.to_string(),
                reason: "must not be negative",
            });
        }
        let (scalar, anchor) = self.exchange_rate_factors(cg, time_to_maturity)?;
        let fee = exchange_rate_from_implied_rate(cg.total_fee(), time_to_maturity)?;
        let (f, c) = (self.total_fcash, self.total_cash);
        let mut guess = mul_rp(net_cash_to_account, anchor, "guess")?
            .checked_neg()
            .ok_or_else(|| overflow("guess"))?;
        for i in 0..NEWTON_ITERATIONS {
            let rate = exchange_rate(f, c, scalar, anchor, guess)?;
            let delta = calculate_delta(net_cash_to_account, f, c, scalar, guess, rate, fee)?;
            if delta.abs() <= max_delta {
                return Ok(NewtonQuote {
                    fcash: guess,
                    iterations: i + 1,
                });
            }
            guess = guess.checked_sub(delta).ok_or_else(|| overflow("guess"))?;
        }
        Err(NotionalError::NoConvergence {
            iterations: NEWTON_ITERATIONS,
        })
    }

    /// `addLiquidity(market, cash)`: mints `L · cash / C` tokens and adds `F · cash / C` fCash;
    /// returns `(tokens, −fCash)` as the contract does, all at 1e8.
    ///
    /// # Errors
    /// [`NotionalError::InvalidArgument`] for an uninitialised market or negative cash,
    /// [`NotionalError::DivisionByZero`] without cash.
    pub fn add_liquidity(&mut self, cash: i128) -> Result<(i128, i128)> {
        if self.total_liquidity <= 0 {
            return Err(NotionalError::InvalidArgument {
                name: "total_liquidity",
                value: self.total_liquidity.to_string(),
                reason: "the market has no liquidity (M: zero liquidity)",
            });
        }
        if cash < 0 {
            return Err(NotionalError::InvalidArgument {
                name: "cash",
                value: cash.to_string(),
                reason: "must not be negative",
            });
        }
        if cash == 0 {
            return Ok((0, 0));
        }
        let tokens = mul_div(self.total_liquidity, cash, self.total_cash, "tokens")?;
        let fcash = mul_div(self.total_fcash, cash, self.total_cash, "fCash")?;
        let (Some(l), Some(f), Some(c)) = (
            self.total_liquidity.checked_add(tokens),
            self.total_fcash.checked_add(fcash),
            self.total_cash.checked_add(cash),
        ) else {
            return Err(overflow("addLiquidity"));
        };
        (self.total_liquidity, self.total_fcash, self.total_cash) = (l, f, c);
        Ok((tokens, -fcash))
    }

    /// `removeLiquidity(market, tokens)`: burns `tokens` for `C · tokens / L` cash and
    /// `F · tokens / L` fCash, all at 1e8; returns `(cash, fCash)`.
    ///
    /// # Errors
    /// [`NotionalError::InvalidArgument`] for negative tokens, [`NotionalError::TradeTooLarge`]
    /// for more than exist, [`NotionalError::DivisionByZero`] for an empty market.
    pub fn remove_liquidity(&mut self, tokens: i128) -> Result<(i128, i128)> {
        if tokens < 0 {
            return Err(NotionalError::InvalidArgument {
                name: "tokens",
                value: tokens.to_string(),
                reason: "must not be negative",
            });
        }
        if tokens == 0 {
            return Ok((0, 0));
        }
        if tokens > self.total_liquidity {
            return Err(NotionalError::TradeTooLarge {
                reason: format!("{tokens} tokens of {}", self.total_liquidity),
            });
        }
        let l = self.total_liquidity;
        let cash = mul_div(self.total_cash, tokens, l, "cash")?;
        let fcash = mul_div(self.total_fcash, tokens, l, "fCash")?;
        let (Some(f), Some(c)) = (
            self.total_fcash.checked_sub(fcash),
            self.total_cash.checked_sub(cash),
        ) else {
            return Err(overflow("removeLiquidity"));
        };
        (self.total_liquidity, self.total_fcash, self.total_cash) =
            (self.total_liquidity - tokens, f, c);
        Ok((cash, fcash))
    }

    /// `getOracleRate` for this market at `block_time` (seconds), at 1e9.
    ///
    /// # Errors
    /// As [`oracle_rate`].
    pub fn oracle_rate(&self, cg: &CashGroupV2, block_time: u32) -> Result<u32> {
        oracle_rate(
            self.previous_trade_time,
            self.last_implied_rate,
            self.oracle_rate,
            cg.rate_oracle_time_window,
            block_time,
        )
    }
}

/// `a.mul(b).div(c)` in int256 (SafeInt256), the contract's pro-rata step.
fn mul_div(a: i128, b: i128, c: i128, op: &'static str) -> Result<i128> {
    small(&(big(a) * big(b) / nonzero(c, "empty market")?), op)
}

/// `x` as a divisor, or [`NotionalError::DivisionByZero`] naming the division `op`.
fn nonzero(x: i128, op: &'static str) -> Result<BigInt> {
    if x == 0 {
        return Err(NotionalError::DivisionByZero { op });
    }
    Ok(big(x))
}

/// `_calculateDelta`: `f(x) / f'(x)` in the contract's precisions (1e9 rates, 1e8 tokens).
fn calculate_delta(
    cash: i128,
    total_fcash: i128,
    total_cash: i128,
    scalar: i128,
    guess: i128,
    rate: i128,
    fee: i128,
) -> Result<i128> {
    let rp = big(RATE_PRECISION);
    let total = big(total_fcash) + big(total_cash);
    let denominator =
        big(scalar) * ((big(total_fcash) - big(guess)) * (big(total_cash) + big(guess))) / &rp;
    let (rate, derivative) = if guess > 0 {
        let r = div_rp(rate, fee, "rate / fee")?;
        (
            r,
            big(cash) * &total * &rp / nonzero(fee, "a zero fee factor in the derivative")?,
        )
    } else {
        (
            mul_rp(rate, fee, "rate · fee")?,
            big(cash) * (big(fee) * &total) / &rp,
        )
    };
    if rate < RATE_PRECISION {
        return Err(NotionalError::NegativeInterestRate {
            trade_rate: rate.to_string(),
            rate_precision: RATE_PRECISION.to_string(),
        });
    }
    if denominator.is_zero() {
        return Err(NotionalError::DivisionByZero {
            op: "_calculateDelta",
        });
    }
    let derivative = big(INTERNAL_TOKEN_PRECISION) - derivative / denominator;
    if derivative.is_zero() {
        return Err(NotionalError::DivisionByZero {
            op: "_calculateDelta",
        });
    }
    let numerator = big(mul_rp(cash, rate, "cash · rate")?) + big(guess);
    let delta = numerator * big(INTERNAL_TOKEN_PRECISION) / derivative;
    if delta.abs() > big(i128::MAX) {
        return Err(overflow("delta"));
    }
    small(&delta, "delta")
}
