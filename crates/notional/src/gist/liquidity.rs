//! The gist's liquidity methods: token claims, minting, pool share, the fCash a deposit adds,
//! the implied rate after it, and the present value of fCash.

use num_bigint::BigInt;
use num_traits::Zero;

use super::js::{big, div, number, to_fixed};
use super::market::Market;
use super::types::LiquidityClaims;
use crate::Result;

/// `WeiPerEther`, the haircut's precision.
fn wei_per_ether() -> BigInt {
    BigInt::from(1_000_000_000_000_000_000_u64)
}

impl Market {
    /// `getLiquidityTokenClaims(tokens, shouldHaircut)`: the cash and fCash that `tokens`
    /// liquidity tokens claim, `total · tokens / totalLiquidity`, times
    /// `liquidityHaircut / 1e18` before maturity when `should_haircut`. `now` replaces the gist's
    /// wall clock.
    ///
    /// # Errors
    /// [`crate::NotionalError::DivisionByZero`] when there is no liquidity.
    pub fn liquidity_token_claims(
        &self,
        tokens: &BigInt,
        should_haircut: bool,
        now: f64,
    ) -> Result<LiquidityClaims> {
        let m = &self.market;
        let cash_claim = div(
            &(&m.total_current_cash * tokens),
            &m.total_liquidity,
            "getLiquidityTokenClaims",
        )?;
        let fcash_claim = div(
            &(&m.total_fcash * tokens),
            &m.total_liquidity,
            "getLiquidityTokenClaims",
        )?;
        if self.maturity <= now || !should_haircut {
            return Ok(LiquidityClaims {
                cash_claim,
                fcash_claim,
            });
        }
        let h = &self.rate_params.liquidity_haircut;
        Ok(LiquidityClaims {
            cash_claim: div(
                &(cash_claim * h),
                &wei_per_ether(),
                "getLiquidityTokenClaims",
            )?,
            fcash_claim: div(
                &(fcash_claim * h),
                &wei_per_ether(),
                "getLiquidityTokenClaims",
            )?,
        })
    }

    /// `getTokensMinted(cashAmount)`: `totalLiquidity · cash / totalCurrentCash`, or `cash` into
    /// an empty pool.
    ///
    /// # Errors
    /// [`crate::NotionalError::DivisionByZero`] when there is liquidity but no cash.
    pub fn tokens_minted(&self, cash_amount: &BigInt) -> Result<BigInt> {
        let m = &self.market;
        if m.total_liquidity.is_zero() {
            return Ok(cash_amount.clone());
        }
        div(
            &(&m.total_liquidity * cash_amount),
            &m.total_current_cash,
            "getTokensMinted",
        )
    }

    /// `getPoolShare(tokens, calculatePostAdd)`: `tokens` as a share of the pool (of the pool
    /// after adding them, if `calculate_post_add`), as `"x.xxx%"` (truncated to 1/1000 of a
    /// percent by BigNumber division, then JS `toFixed(3)`); `"100%"` for an empty pool.
    ///
    /// # Errors
    /// [`crate::NotionalError::DivisionByZero`], [`crate::NotionalError::NumberOverflow`].
    pub fn pool_share(&self, tokens: &BigInt, calculate_post_add: bool) -> Result<String> {
        let total = &self.market.total_liquidity;
        if total.is_zero() {
            return Ok("100%".into());
        }
        let divisor = if calculate_post_add {
            total + tokens
        } else {
            total.clone()
        };
        let share = number(&div(
            &(tokens * BigInt::from(100_000)),
            &divisor,
            "getPoolShare",
        )?)?;
        Ok(to_fixed(share / 1000.0, 3)? + "%")
    }

    /// `getfCashForLiquidity(cashAmount)`: the fCash a deposit of `cash` adds,
    /// `totalfCash · cash / totalCurrentCash`.
    ///
    /// # Errors
    /// [`crate::NotionalError::DivisionByZero`] when the pool has no cash.
    pub fn fcash_for_liquidity(&self, cash_amount: &BigInt) -> Result<BigInt> {
        let m = &self.market;
        div(
            &(&m.total_fcash * cash_amount),
            &m.total_current_cash,
            "getfCashForLiquidity",
        )
    }

    /// `getImpliedRatePostLiquidity(cashAmount, blockTime, fCash?)`: the market's implied period
    /// rate after depositing `cash` and `fcash` (by default [`Self::fcash_for_liquidity`]).
    ///
    /// # Errors
    /// Those of [`Self::market_implied_rate`], and division by zero for the default fCash.
    pub fn implied_rate_post_liquidity(
        &self,
        cash_amount: &BigInt,
        block_time: f64,
        fcash: Option<&BigInt>,
    ) -> Result<f64> {
        let m = &self.market;
        let fcash = match fcash {
            Some(f) => f.clone(),
            None => div(
                &(&m.total_fcash * cash_amount),
                &m.total_current_cash,
                "getImpliedRatePostLiquidity",
            )?,
        };
        let new_cash = &m.total_current_cash + cash_amount;
        let new_fcash = &m.total_fcash + fcash;
        let anchor = self.calculate_anchor(block_time, Some((&new_cash, &new_fcash)))?;
        let rate = self.calculate_exchange_rate(
            &BigInt::zero(),
            &new_cash,
            &new_fcash,
            anchor,
            block_time,
        )?;
        self.exchange_to_period_rate(rate, block_time)
    }

    /// `getPresentValue(fCashValue)`: `fCash · P / marketExchangeRate(now)`. `now` replaces the
    /// gist's wall clock.
    ///
    /// # Errors
    /// Those of [`Self::market_exchange_rate`], [`crate::NotionalError::InvalidNumber`] for a
    /// NaN rate, [`crate::NotionalError::DivisionByZero`].
    pub fn present_value(&self, fcash_value: &BigInt, now: f64) -> Result<BigInt> {
        let rate = self.market_exchange_rate(now)?;
        div(
            &(fcash_value * big(self.rate_params.rate_precision)?),
            &big(rate)?,
            "getPresentValue",
        )
    }
}
