//! The gist's four trade quotes and `iterateRates`, the loop behind the two that fix the cash
//! side. The loop is capped at [`ITERATION_CAP`], where the gist would spin for ever.

use num_bigint::BigInt;
use num_traits::{One, Zero};

use super::js::{big, div};
use super::market::Market;
use super::types::{IterationReport, Quote};
use crate::{NotionalError, Result};

/// Most loop-body executions of `iterateRates` before [`NotionalError::NoConvergence`].
pub const ITERATION_CAP: u32 = 5000;

/// The per-call constants of a quote at one block time: the gist recomputes them in every call,
/// from the same inputs, so computing them once changes nothing.
struct At {
    anchor: f64,
    fee_rate: f64,
    block_time: f64,
}

impl Market {
    fn at(&self, block_time: f64) -> Result<At> {
        Ok(At {
            anchor: self.calculate_anchor(block_time, None)?,
            fee_rate: self.calculate_fee_rate(block_time),
            block_time,
        })
    }

    /// `getfCashToCurrentCashInput(fCashAmount, blockTime)`: the cash a borrower receives for
    /// selling `fCashAmount` fCash, `f · P / (rate(f) + fee)`.
    ///
    /// # Errors
    /// [`NotionalError::ProportionOutOfBounds`], [`NotionalError::RatioOverflow`],
    /// [`NotionalError::MaturedMarket`], [`NotionalError::InvalidNumber`] (a NaN trade rate),
    /// [`NotionalError::DivisionByZero`].
    pub fn fcash_to_current_cash_input(
        &self,
        fcash_amount: &BigInt,
        block_time: f64,
    ) -> Result<BigInt> {
        self.borrow_cash(fcash_amount, &self.at(block_time)?)
    }

    fn borrow_cash(&self, fcash_amount: &BigInt, at: &At) -> Result<BigInt> {
        let m = &self.market;
        let trade_rate = self.calculate_exchange_rate(
            fcash_amount,
            &m.total_current_cash,
            &m.total_fcash,
            at.anchor,
            at.block_time,
        )? + at.fee_rate;
        let scaled = fcash_amount * big(self.rate_params.rate_precision)?;
        div(&scaled, &big(trade_rate)?, "getfCashToCurrentCashInput")
    }

    /// `getCurrentCashTofCashOutput(fCashAmount, blockTime)`: the cash a lender pays for
    /// `fCashAmount` fCash at maturity, `f · P / (rate(−f) − fee)`.
    ///
    /// # Errors
    /// [`NotionalError::NegativeInterestRate`] when the trade rate after the fee is below
    /// `ratePrecision`, and those of [`Self::fcash_to_current_cash_input`].
    pub fn current_cash_to_fcash_output(
        &self,
        fcash_amount: &BigInt,
        block_time: f64,
    ) -> Result<BigInt> {
        self.lend_cash(fcash_amount, &self.at(block_time)?)
    }

    fn lend_cash(&self, fcash_amount: &BigInt, at: &At) -> Result<BigInt> {
        let m = &self.market;
        let p = self.rate_params.rate_precision;
        let trade_rate = self.calculate_exchange_rate(
            &-fcash_amount,
            &m.total_current_cash,
            &m.total_fcash,
            at.anchor,
            at.block_time,
        )? - at.fee_rate;
        if trade_rate < p {
            return Err(NotionalError::NegativeInterestRate {
                trade_rate: crate::JsNumber(trade_rate).into(),
                rate_precision: crate::JsNumber(p).into(),
            });
        }
        div(
            &(fcash_amount * big(p)?),
            &big(trade_rate)?,
            "getCurrentCashTofCashOutput",
        )
    }

    /// `getfCashToCurrentCashOutput(cashAmount, blockTime)`: the fCash a borrower must sell to
    /// receive exactly `cashAmount`, found by `iterateRates`.
    ///
    /// # Errors
    /// [`NotionalError::NoConvergence`] after [`ITERATION_CAP`] iterations, and those of
    /// [`Self::fcash_to_current_cash_input`].
    pub fn fcash_to_current_cash_output(
        &self,
        cash_amount: &BigInt,
        block_time: f64,
    ) -> Result<Quote> {
        quote(self.iterate_rates(cash_amount, block_time, true))
    }

    /// `getCurrentCashTofCashInput(cashAmount, blockTime)`: the fCash a lender receives for
    /// `cashAmount`, found by `iterateRates`.
    ///
    /// # Errors
    /// [`NotionalError::NoConvergence`] after [`ITERATION_CAP`] iterations, and those of
    /// [`Self::current_cash_to_fcash_output`].
    pub fn current_cash_to_fcash_input(
        &self,
        cash_amount: &BigInt,
        block_time: f64,
    ) -> Result<Quote> {
        quote(self.iterate_rates(cash_amount, block_time, false))
    }

    /// `iterateRates(cashAmount, blockTime, isBuy)` with its iteration count, whether it ends in
    /// an amount or an error. `is_buy` is the borrow side
    /// ([`Self::fcash_to_current_cash_output`]); otherwise the lend side.
    ///
    /// Starting from `f = cash · rate / P`, each step adds `(cash − estimate(f)) · rate / P` (at
    /// least 1) to `f` until the estimate is exactly `cash`.
    #[must_use]
    pub fn iterate_rates(
        &self,
        cash_amount: &BigInt,
        block_time: f64,
        is_buy: bool,
    ) -> IterationReport {
        let mut iterations = 0;
        let result = self.iterate(cash_amount, block_time, is_buy, &mut iterations);
        IterationReport { result, iterations }
    }

    fn iterate(
        &self,
        cash_amount: &BigInt,
        block_time: f64,
        is_buy: bool,
        iterations: &mut u32,
    ) -> Result<BigInt> {
        // `marketExchangeRate` is the zero trade at the anchor the estimates use: one anchor.
        let at = self.at(block_time)?;
        let m = &self.market;
        let market_rate = self.calculate_exchange_rate(
            &BigInt::zero(),
            &m.total_current_cash,
            &m.total_fcash,
            at.anchor,
            block_time,
        )?;
        let rate = big(market_rate)?;
        let precision = big(self.rate_params.rate_precision)?;
        let estimate = |f: &BigInt| {
            if is_buy {
                self.borrow_cash(f, &at)
            } else {
                self.lend_cash(f, &at)
            }
        };
        let mut fcash = div(&(cash_amount * &rate), &precision, "iterateRates")?;
        let mut diff = cash_amount - estimate(&fcash)?;
        while !diff.is_zero() {
            if *iterations >= ITERATION_CAP {
                return Err(NotionalError::NoConvergence {
                    iterations: *iterations,
                });
            }
            let mut fc_diff = div(&(&diff * &rate), &precision, "iterateRates")?;
            if fc_diff.is_zero() {
                // The gist: "The minimum of the diff has to be 1 if this has not converged."
                fc_diff = BigInt::one();
            }
            fcash += fc_diff;
            diff = cash_amount - estimate(&fcash)?;
            *iterations += 1;
        }
        Ok(fcash)
    }
}

fn quote(report: IterationReport) -> Result<Quote> {
    report.result.map(|amount| Quote {
        amount,
        iterations: report.iterations,
    })
}
