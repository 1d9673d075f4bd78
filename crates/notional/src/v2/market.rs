//! [`Market`]'s methods: its curve at a time to maturity, trades with the fee and the reserve's
//! share, liquidity, and the oracle rate at a block time.

use ethnum::{I256, U256};

use super::formulas::narrow;
use super::{CashGroup, Curve, Market, Trade, contract, weighted_oracle_rate};
use crate::arith::{mul_div_i128, overflow};
use crate::{NotionalError, Result};

impl Market {
    /// The market's curve `t` seconds before maturity: its totals with the rate scalar and
    /// anchor of `getExchangeRateFactors`, both at 1e9.
    ///
    /// # Errors
    /// [`NotionalError::DivisionByZero`] for an empty side, and the anchor's errors.
    pub fn curve(&self, cg: &CashGroup, time_to_maturity: u32) -> Result<Curve> {
        let rate_scalar = cg.rate_scalar(time_to_maturity)?;
        let (_, total_cash, rate_anchor) = contract::get_exchange_rate_factors(
            &self.parameters(),
            &cg.parameters(),
            U256::from(time_to_maturity),
            U256::ONE,
        )??;
        Ok(Curve {
            total_fcash: self.total_fcash,
            total_cash: narrow(total_cash, "cash")?,
            rate_scalar,
            rate_anchor: narrow(rate_anchor, "rate anchor")?,
        })
    }

    /// `calculateTrade(market, cashGroup, fCashToAccount, timeToMaturity)`: trades
    /// `fcash_to_account` fCash at 1e8 (positive lends, negative borrows) at `time_to_maturity`
    /// seconds before maturity and `block_time` (seconds), and updates the market, its implied
    /// rate and its trade time; a failed trade leaves it unchanged. The cash flows are at 1e8;
    /// see the [module example](super#lending-and-borrowing).
    ///
    /// # Errors
    /// [`NotionalError::TradeTooLarge`] for `f ≥ F`, the curve's and the exchange rate's
    /// errors, and [`NotionalError::InvalidArgument`] for a trade that rounds to no cash.
    pub fn calculate_trade(
        &mut self,
        cg: &CashGroup,
        fcash_to_account: i128,
        time_to_maturity: u32,
        block_time: u32,
    ) -> Result<Trade> {
        let (after, cash) = contract::calculate_trade(
            &self.parameters(),
            &cg.parameters(),
            I256::from(fcash_to_account),
            U256::from(time_to_maturity),
            U256::ONE,
        )?;
        let cash = cash?;
        let trade = Trade {
            net_cash_to_account: narrow(cash.net_asset_cash, "cash to account")?,
            net_cash_to_market: narrow(cash.net_asset_cash_to_market, "cash to market")?,
            cash_to_reserve: narrow(cash.asset_cash_to_reserve, "cash to reserve")?,
        };
        let totals = (
            narrow(after.total_fcash, "fCash")?,
            narrow(after.total_asset_cash, "cash")?,
        );
        (self.total_fcash, self.total_cash) = totals;
        // At most uint32's maximum: getImpliedRate's check.
        self.last_implied_rate = after.last_implied_rate.as_u32();
        self.previous_trade_time = block_time;
        Ok(trade)
    }

    /// The contract's `MarketParameters` of this market (its cash as asset cash at the
    /// [identity rate](contract::AssetRate::IDENTITY)).
    #[must_use]
    pub fn parameters(&self) -> contract::MarketParameters {
        contract::MarketParameters {
            total_fcash: I256::from(self.total_fcash),
            total_asset_cash: I256::from(self.total_cash),
            last_implied_rate: U256::from(self.last_implied_rate),
        }
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
                value: self.total_liquidity.into(),
                reason: "the market has no liquidity (M: zero liquidity)",
            });
        }
        not_negative("cash", cash)?;
        if cash == 0 {
            return Ok((0, 0));
        }
        let c = self.total_cash;
        let tokens = mul_div_i128(self.total_liquidity, cash, c, "addLiquidity tokens")?;
        let fcash = mul_div_i128(self.total_fcash, cash, c, "addLiquidity fCash")?;
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
        not_negative("tokens", tokens)?;
        if tokens == 0 {
            return Ok((0, 0));
        }
        if tokens > self.total_liquidity {
            return Err(NotionalError::TradeTooLarge {
                asked: tokens.into(),
                limit: self.total_liquidity.into(),
                of: "liquidity tokens in the market",
            });
        }
        let l = self.total_liquidity;
        let cash = mul_div_i128(self.total_cash, tokens, l, "removeLiquidity cash")?;
        let fcash = mul_div_i128(self.total_fcash, tokens, l, "removeLiquidity fCash")?;
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

    /// `getOracleRate` for this market at `block_time` (seconds), at 1e9: its stored
    /// [`oracle_rate`](Market::oracle_rate) moved toward the last implied rate over the cash
    /// group's window ([`weighted_oracle_rate`]).
    ///
    /// # Errors
    /// As [`weighted_oracle_rate`].
    pub fn oracle_rate_at(&self, cg: &CashGroup, block_time: u32) -> Result<u32> {
        weighted_oracle_rate(self, cg.rate_oracle_time_window, block_time)
    }
}

/// [`NotionalError::InvalidArgument`] for a negative amount.
fn not_negative(name: &'static str, x: i128) -> Result<()> {
    if x < 0 {
        return Err(NotionalError::InvalidArgument {
            name,
            value: x.into(),
            reason: "must not be negative",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Number;

    #[test]
    fn negative_amounts_are_refused_with_their_value() {
        assert_eq!(
            not_negative("cash", -3),
            Err(NotionalError::InvalidArgument {
                name: "cash",
                value: Number::from(-3i128),
                reason: "must not be negative",
            })
        );
    }
}
