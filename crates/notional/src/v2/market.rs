//! [`Market`]'s methods: its curve at a time to maturity, trades with the fee and the reserve's
//! share, liquidity, and the oracle rate at a block time.

use super::formulas::{at_least, div_rp, mul_rp};
use super::{
    CashGroup, Curve, Market, RATE_PRECISION, Trade, exchange_rate,
    exchange_rate_from_implied_rate, implied_rate, rate_anchor, weighted_oracle_rate,
};
use crate::arith::{div_i128, mul_div_i128, mul_i128, overflow};
use crate::{NotionalError, Result};

impl Market {
    /// The market's curve `t` seconds before maturity: its totals with the rate scalar and
    /// anchor of `getExchangeRateFactors`, both at 1e9.
    ///
    /// # Errors
    /// [`NotionalError::DivisionByZero`] for an empty side, and the anchor's errors.
    pub fn curve(&self, cg: &CashGroup, time_to_maturity: u32) -> Result<Curve> {
        let rate_scalar = cg.rate_scalar(time_to_maturity)?;
        if self.total_fcash == 0 || self.total_cash == 0 {
            return Err(NotionalError::DivisionByZero { op: "empty market" });
        }
        Ok(Curve {
            total_fcash: self.total_fcash,
            total_cash: self.total_cash,
            rate_scalar,
            rate_anchor: rate_anchor(self, rate_scalar, time_to_maturity)?,
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
        if self.total_fcash <= fcash_to_account {
            return Err(NotionalError::TradeTooLarge {
                asked: fcash_to_account.into(),
                limit: self.total_fcash.into(),
                of: "fCash in the market",
            });
        }
        let curve = self.curve(cg, time_to_maturity)?;
        let pre_fee = exchange_rate(&curve, fcash_to_account)?;
        let trade = net_cash_amounts(cg, pre_fee, fcash_to_account, time_to_maturity)?;
        if trade.net_cash_to_account == 0 {
            return Err(NotionalError::InvalidArgument {
                name: "fcash_to_account",
                value: fcash_to_account.into(),
                reason: "the trade rounds to no cash",
            });
        }
        let after = Curve {
            total_fcash: self
                .total_fcash
                .checked_sub(fcash_to_account)
                .ok_or_else(|| overflow("fCash"))?,
            total_cash: self
                .total_cash
                .checked_add(trade.net_cash_to_market)
                .ok_or_else(|| overflow("cash"))?,
            ..curve
        };
        let implied = implied_rate(&after, time_to_maturity)?;
        if implied == 0 {
            return Err(NotionalError::NegativeInterestRate {
                trade_rate: 0u32.into(),
                rate_precision: 0u32.into(),
            });
        }
        self.total_fcash = after.total_fcash;
        self.total_cash = after.total_cash;
        self.last_implied_rate = implied;
        self.previous_trade_time = block_time;
        Ok(trade)
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

/// `_getNetCashAmountsUnderlying`: `(to account, to market, to reserve)` for a trade at
/// `pre_fee_rate`.
fn net_cash_amounts(
    cg: &CashGroup,
    pre_fee_rate: i128,
    fcash_to_account: i128,
    time_to_maturity: u32,
) -> Result<Trade> {
    let pre_fee_cash = div_rp(fcash_to_account, pre_fee_rate, "pre-fee cash")?
        .checked_neg()
        .ok_or_else(|| overflow("pre-fee cash"))?;
    let fee_rate = exchange_rate_from_implied_rate(cg.total_fee(), time_to_maturity)?;
    let fee = if fcash_to_account > 0 {
        at_least(
            div_rp(pre_fee_rate, fee_rate, "post-fee rate")?,
            RATE_PRECISION,
        )?;
        mul_rp(pre_fee_cash, RATE_PRECISION - fee_rate, "fee")?
    } else {
        -div_i128(
            mul_i128(pre_fee_cash, RATE_PRECISION - fee_rate, "fee")?,
            fee_rate,
            "fee",
        )?
    };
    let reserve = mul_i128(fee, i128::from(cg.reserve_fee_share), "reserve")? / 100;
    let to_account = pre_fee_cash
        .checked_sub(fee)
        .ok_or_else(|| overflow("cash to account"))?;
    let to_market = to_account
        .checked_add(reserve)
        .and_then(i128::checked_neg)
        .ok_or_else(|| overflow("cash to market"))?;
    Ok(Trade {
        net_cash_to_account: to_account,
        net_cash_to_market: to_market,
        cash_to_reserve: reserve,
    })
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
