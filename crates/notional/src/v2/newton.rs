//! `getfCashGivenCashAmount`: the fCash a cash amount buys or borrows, found by Newton's method
//! on the market's curve with the contract's analytic derivative (`_calculateDelta`).

use ethnum::I256;

use super::formulas::narrow;
use super::{CashGroup, Market, NewtonQuote, contract, exchange_rate_from_implied_rate};
use crate::{NotionalError, Result};

impl Market {
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
        cg: &CashGroup,
        net_cash_to_account: i128,
        time_to_maturity: u32,
        max_delta: i128,
    ) -> Result<NewtonQuote> {
        if max_delta < 0 {
            return Err(NotionalError::InvalidArgument {
                name: "max_delta",
                value: max_delta.into(),
                reason: "must not be negative",
            });
        }
        let curve = self.curve(cg, time_to_maturity)?;
        let fee = exchange_rate_from_implied_rate(cg.total_fee(), time_to_maturity)?;
        let (fcash, iterations) = contract::get_fcash_given_cash_amount(
            I256::from(curve.total_fcash),
            I256::from(net_cash_to_account),
            I256::from(curve.total_cash),
            I256::from(curve.rate_scalar),
            I256::from(curve.rate_anchor),
            I256::from(fee),
            I256::from(max_delta),
        )?;
        Ok(NewtonQuote {
            fcash: narrow(fcash, "fCash")?,
            iterations,
        })
    }
}
