//! The gist's `Market` class: its state, the private `calculate*` helpers in their exact order of
//! operations, and the market-rate methods. Trades are in `trade.rs`, liquidity in
//! `liquidity.rs`.

use num_bigint::BigInt;
use num_traits::Zero;
use serde::{Deserialize, Serialize};

use super::convert::{self, SECONDS_IN_YEAR};
use super::decimal::{Dec, Rounding};
use super::js::{big, div, number};
use super::types::{CashGroup, MarketData, MarketJson, RateParams};
use crate::{NotionalError, Result};

/// The gist's `MAX64`: `new Decimal(9.223372036854775807)`, which is the f64
/// `9.223372036854776` (the literal's nearest double), not `2^63 − 1` over 1e18.
pub const MAX64: f64 = 9.223_372_036_854_776;

/// One maturity's market, as the SDK gist's `Market` computes it.
///
/// Every method returns what the gist returns, bit for bit: JS Numbers as `f64` (NaN included),
/// BigNumbers as [`BigInt`], strings as `String`. Where the gist throws, the method returns the
/// matching [`NotionalError`]. Where it reads the wall clock (`*Now`,
/// `getLiquidityTokenClaims`, `getPresentValue`), the time is an argument.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Market {
    /// The market's balances and rate state (`market`).
    pub market: MarketData,
    /// The global parameters (`rateParams`).
    pub rate_params: RateParams,
    /// The cash group (`cashGroup`).
    pub cash_group: CashGroup,
    /// Maturity, in seconds since the epoch (`maturity`).
    pub maturity: f64,
}

impl Market {
    /// A market from its parts.
    #[must_use]
    pub fn new(
        market: MarketData,
        rate_params: RateParams,
        cash_group: CashGroup,
        maturity: f64,
    ) -> Self {
        Self {
            market,
            rate_params,
            cash_group,
            maturity,
        }
    }

    /// `formatImpliedRate(rate, precision)` with the market's `ratePrecision` (the gist's
    /// instance default precision is 3).
    ///
    /// # Errors
    /// [`NotionalError::InvalidArgument`] when `precision > 100`.
    pub fn format_implied_rate(&self, rate: f64, precision: u32) -> Result<String> {
        convert::format_implied_rate(rate, self.rate_params.rate_precision, precision)
    }

    /// `formatExchangeRate(rate, precision)` with the market's `ratePrecision` (default 4).
    ///
    /// # Errors
    /// [`NotionalError::InvalidArgument`] when `precision > 100`.
    pub fn format_exchange_rate(&self, rate: f64, precision: u32) -> Result<String> {
        convert::format_exchange_rate(rate, self.rate_params.rate_precision, precision)
    }

    /// `periodToAnnualRate(rate)` over the cash group's maturity length.
    #[must_use]
    pub fn period_to_annual_rate(&self, implied_period_rate: f64) -> f64 {
        convert::period_to_annual_rate(implied_period_rate, self.cash_group.maturity_length)
    }

    /// `annualToPeriodRate(rate)` over the cash group's maturity length.
    #[must_use]
    pub fn annual_to_period_rate(&self, annualized_rate: f64) -> f64 {
        convert::annual_to_period_rate(annualized_rate, self.cash_group.maturity_length)
    }

    /// `exchangeToPeriodRate(exchangeRate, blockTime)` for this market. The gist's instance
    /// method passes the default precision 1e9, not `rateParams.ratePrecision`; so does this.
    ///
    /// # Errors
    /// [`NotionalError::MaturedMarket`] after maturity.
    pub fn exchange_to_period_rate(&self, exchange_rate: f64, block_time: f64) -> Result<f64> {
        convert::exchange_to_period_rate(
            exchange_rate,
            block_time,
            self.cash_group.maturity_length,
            self.maturity,
            convert::RATE_PRECISION,
        )
    }

    /// `periodToExchangeRate(rate, blockTime)` for this market (default precision 1e9, as the
    /// gist's instance method).
    ///
    /// # Errors
    /// [`NotionalError::MaturedMarket`] after maturity.
    pub fn period_to_exchange_rate(
        &self,
        implied_period_rate: f64,
        block_time: f64,
    ) -> Result<f64> {
        convert::period_to_exchange_rate(
            implied_period_rate,
            block_time,
            self.cash_group.maturity_length,
            self.maturity,
            convert::RATE_PRECISION,
        )
    }

    /// `fCashFromExchangeRate(exchangeRate, cash)` at the market's precision.
    ///
    /// # Errors
    /// As [`convert::fcash_from_exchange_rate`].
    pub fn fcash_from_exchange_rate(&self, exchange_rate: f64, cash: &BigInt) -> Result<BigInt> {
        convert::fcash_from_exchange_rate(exchange_rate, cash, self.rate_params.rate_precision)
    }

    /// `cashFromExchangeRate(exchangeRate, fCash)` at the market's precision.
    ///
    /// # Errors
    /// As [`convert::cash_from_exchange_rate`].
    pub fn cash_from_exchange_rate(&self, exchange_rate: f64, fcash: &BigInt) -> Result<BigInt> {
        convert::cash_from_exchange_rate(exchange_rate, fcash, self.rate_params.rate_precision)
    }

    /// `impliedPeriodRate(fCash, cash, blockTime)` for this market.
    ///
    /// # Errors
    /// As [`convert::implied_period_rate`].
    pub fn implied_period_rate(
        &self,
        fcash_amount: &BigInt,
        cash_amount: &BigInt,
        block_time: f64,
    ) -> Result<f64> {
        convert::implied_period_rate(
            fcash_amount,
            cash_amount,
            self.cash_group.maturity_length,
            self.maturity,
            block_time,
            self.rate_params.rate_precision,
        )
    }

    /// `exchangeRate(fCash, cash)` at the market's precision.
    ///
    /// # Errors
    /// As [`convert::exchange_rate`].
    pub fn exchange_rate(&self, fcash_amount: &BigInt, cash_amount: &BigInt) -> Result<f64> {
        convert::exchange_rate(fcash_amount, cash_amount, self.rate_params.rate_precision)
    }

    /// `marketExchangeRate(blockTime)`: the spot exchange rate, at `ratePrecision`, of a zero
    /// trade against the market's anchor at `blockTime`. Also the gist's
    /// `marketExchangeRateNow()`, with the clock's time passed as `block_time`. NaN where the
    /// gist's is (an empty fCash side, a zero scalar, `blockTime = maturity`).
    ///
    /// # Errors
    /// [`NotionalError::RatioOverflow`], [`NotionalError::ProportionOutOfBounds`],
    /// [`NotionalError::MaturedMarket`], [`NotionalError::InvalidNumber`] (an uninitialised anchor
    /// BigNumber refuses).
    pub fn market_exchange_rate(&self, block_time: f64) -> Result<f64> {
        let anchor = self.calculate_anchor(block_time, None)?;
        self.calculate_exchange_rate(
            &BigInt::zero(),
            &self.market.total_current_cash,
            &self.market.total_fcash,
            anchor,
            block_time,
        )
    }

    /// `marketImpliedRate(blockTime)`: the implied period rate of [`Self::market_exchange_rate`].
    /// Also `marketImpliedRateNow()` with the time passed in.
    ///
    /// # Errors
    /// As [`Self::market_exchange_rate`], and [`NotionalError::MaturedMarket`].
    pub fn market_implied_rate(&self, block_time: f64) -> Result<f64> {
        self.exchange_to_period_rate(self.market_exchange_rate(block_time)?, block_time)
    }

    /// `toJSON()`.
    #[must_use]
    pub fn to_json(&self) -> MarketJson {
        MarketJson {
            total_current_cash: self.market.total_current_cash.to_string(),
            total_fcash: self.market.total_fcash.to_string(),
            total_liquidity: self.market.total_liquidity.to_string(),
            maturity: self.maturity,
        }
    }

    /// `timeToMaturity(blockTime)`.
    pub(crate) fn time_to_maturity(&self, block_time: f64) -> f64 {
        self.maturity - block_time
    }

    /// `calculateAnchor(blockTime, totalCurrentCash?, totalfCash?)`.
    ///
    /// As in the gist, the implied rate it starts from is computed with the market's stored
    /// `rateAnchor`, even when that is 0 and the global anchor is then used; the uninitialised
    /// anchor therefore comes out near twice the global one. Kept, for bit-exactness.
    pub(crate) fn calculate_anchor(
        &self,
        block_time: f64,
        totals: Option<(&BigInt, &BigInt)>,
    ) -> Result<f64> {
        let (cash, fcash) =
            totals.unwrap_or((&self.market.total_current_cash, &self.market.total_fcash));
        let m = &self.market;
        let rate =
            self.calculate_exchange_rate(&BigInt::zero(), cash, fcash, m.rate_anchor, block_time)?;
        let new_implied_rate = self.exchange_to_period_rate(rate, block_time)?;
        let ttm = self.time_to_maturity(block_time);
        let mut rate_difference = 0.0;
        if m.last_implied_rate != 0.0 {
            rate_difference = (((new_implied_rate - m.last_implied_rate) * ttm)
                / self.cash_group.maturity_length)
                .trunc();
        }
        let rate_anchor = if m.rate_anchor == 0.0 {
            let p = &self.rate_params;
            let precision = big(p.rate_precision)?;
            let a = (big(p.global_rate_anchor)? - &precision) * big(ttm)?;
            number(&(div(&a, &big(SECONDS_IN_YEAR)?, "calculateAnchor")? + precision))?
        } else {
            m.rate_anchor
        };
        Ok(rate_anchor - rate_difference)
    }

    /// `calculateScalar(blockTime)`: `trunc(scalar · L / ttm)`, with the global scalar when the
    /// market's is 0.
    pub(crate) fn calculate_scalar(&self, block_time: f64) -> f64 {
        let mut rate_scalar = self.rate_params.global_rate_scalar;
        if self.market.rate_scalar != 0.0 {
            rate_scalar = self.market.rate_scalar;
        }
        ((rate_scalar * self.cash_group.maturity_length) / self.time_to_maturity(block_time))
            .trunc()
    }

    /// `calculateFeeRate(blockTime)`: `trunc(liquidityFee · ttm / L)`.
    pub(crate) fn calculate_fee_rate(&self, block_time: f64) -> f64 {
        ((self.rate_params.liquidity_fee * self.time_to_maturity(block_time))
            / self.cash_group.maturity_length)
            .trunc()
    }

    /// `calculateExchangeRate(fCash, totalCurrentCash, totalfCash, anchor, blockTime)`:
    ///
    /// `p = (F + f)/(F + C)`, `ratio = p/(1 − p)`,
    /// `rate = trunc(round(ln(ratio) · P) / scalar) + anchor`, in decimal.js at 18 digits
    /// rounding toward +∞ (so `round` is a ceiling), returned through `parseInt(toFixed(0))`.
    pub(crate) fn calculate_exchange_rate(
        &self,
        fcash_amount: &BigInt,
        total_current_cash: &BigInt,
        total_fcash: &BigInt,
        anchor: f64,
        block_time: f64,
    ) -> Result<f64> {
        let f = Dec::from_int(fcash_amount);
        let c = Dec::from_int(total_current_cash);
        let tf = Dec::from_int(total_fcash);
        let one = Dec::one();
        let proportion = tf.add(&f).div(&tf.add(&c));
        if proportion.lt(&Dec::zero()) || proportion.gt(&one) {
            return Err(NotionalError::ProportionOutOfBounds {
                proportion: crate::Number::Decimal(proportion.to_string()),
            });
        }
        let scalar = self.calculate_scalar(block_time);
        let ratio = proportion.div(&one.sub(&proportion));
        if ratio.gt(&Dec::from_f64(MAX64)) {
            return Err(NotionalError::RatioOverflow {
                ratio: crate::Number::Decimal(ratio.to_string()),
            });
        }
        let log_portion = ratio
            .ln()
            .mul(&Dec::from_f64(self.rate_params.rate_precision))
            .to_integer(Rounding::Ceil);
        let rate = log_portion
            .div(&Dec::from_f64(scalar))
            .to_integer(Rounding::Down)
            .add(&Dec::from_f64(anchor));
        Ok(rate.parse_int_to_fixed0())
    }
}
