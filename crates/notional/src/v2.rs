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
    /// The total fee, in units of five basis points.
    pub total_fee: u8,
    /// The reserve's share of the fee, in percent.
    pub reserve_fee_share: u8,
    /// The oracle's time window, seconds.
    pub rate_oracle_time_window: u32,
}

impl CashGroupV2 {
    /// `getRateScalar`: `s · 1e9 · T / t`, required positive.
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

    /// `getTotalFee`: the fee as an annual rate at 1e9.
    #[must_use]
    pub fn total_fee(&self) -> i128 {
        i128::from(self.total_fee) * FIVE_BASIS_POINTS
    }
}

/// One v2 market, in underlying cash.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MarketV2 {
    /// `totalfCash`.
    pub total_fcash: i128,
    /// `totalAssetCash`, here in underlying terms.
    pub total_cash: i128,
    /// `totalLiquidity`.
    pub total_liquidity: i128,
    /// `lastImpliedRate`, annual and continuously compounded, at 1e9.
    pub last_implied_rate: u32,
    /// `oracleRate`.
    pub oracle_rate: u32,
    /// `previousTradeTime`.
    pub previous_trade_time: u32,
}

/// A v2 trade's cash flows (`calculateTrade`'s return, with the market's share).
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
    /// fCash to the account.
    pub fcash: i128,
    /// Exchange-rate evaluations made.
    pub iterations: u32,
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

/// `_logProportion(p)`: `ln(p / (1 − p))` at 1e9, through ABDK with `ln(1e9)` subtracted.
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

/// `_getExchangeRate(F, C, scalar, anchor, f)`: `ln(p/(1 − p)) / scalar + anchor` at 1e9.
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

/// `getExchangeRateFromImpliedRate(r, t)`: `e^(r·t/T)` at 1e9.
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

/// `_getRateAnchor(F, r, C, scalar, t)`: `e^(r·t/T) − ln(p/(1 − p)) / scalar` with `p = F/(F+C)`.
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

/// `getImpliedRate(F, C, scalar, anchor, t)`: `ln(rate) · T / t`, continuously compounded.
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
    /// The scalar and anchor of a trade at `t` (`getExchangeRateFactors`).
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
    /// `fcash_to_account` fCash (positive lends, negative borrows) and updates the market,
    /// its implied rate and its trade time; a failed trade leaves it unchanged.
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
    /// most `max_delta`.
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
    /// returns `(tokens, −fCash)` as the contract does.
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
    /// `F · tokens / L` fCash.
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

    /// `getOracleRate` for this market at `block_time`.
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
    small(&(big(a) * big(b) / nonzero(c)?), op)
}

fn nonzero(x: i128) -> Result<BigInt> {
    if x == 0 {
        return Err(NotionalError::DivisionByZero { op: "empty market" });
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
        (r, big(cash) * &total * &rp / nonzero(fee)?)
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
