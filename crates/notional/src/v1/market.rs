//! [`CashMarket`]'s methods: the exchange rate, the implied rate and the anchor, trades, and
//! liquidity, each as `CashMarket.sol` computes it.

use super::formulas::{
    calculate_implied_rate, max_trade, signed, time_to_maturity, transaction_fee,
};
use super::{
    AddLiquidity, CashMarket, Governance, INSTRUMENT_PRECISION, Liquidity, SECONDS_IN_YEAR, Trade,
    contract,
};
use crate::arith::{mul_div_u128, overflow};
use crate::{NotionalError, Result};

/// Which way a trader trades fCash with the pool.
#[derive(Clone, Copy)]
enum Direction {
    /// Sell fCash to the pool for cash now.
    Borrow,
    /// Buy fCash from the pool with cash now.
    Lend,
}

/// A priced trade, not yet applied ([`CashMarket::quote`]).
struct Quote {
    market: CashMarket,
    cash: u128,
    fee: u128,
    /// What the trader receives (borrowing) or pays (lending), the fee included.
    net: u128,
}

impl CashMarket {
    /// `_getExchangeRate(market, timeToMaturity, fCashAmount)`: the exchange rate (at 1e9) of a
    /// trade of `fcash_amount` fCash into the pool, before fees.
    ///
    /// # Errors
    /// [`NotionalError::DivisionByZero`] for an empty market or a zero scalar,
    /// [`NotionalError::TradeTooLarge`] when `F + f < 0`, [`NotionalError::ProportionOutOfBounds`]
    /// (`p > 1` or `p = 0`), [`NotionalError::RatioOverflow`] (`p = 1` or ratio above `MAX64`),
    /// [`NotionalError::MaturedMarket`] for `t = 0`, [`NotionalError::Overflow`] for a scalar or
    /// a rate outside `uint32`.
    pub fn exchange_rate(
        &self,
        g: &Governance,
        time_to_maturity: u32,
        fcash_amount: i128,
    ) -> Result<u32> {
        contract::get_exchange_rate(
            self,
            g.maturity_length,
            time_to_maturity,
            fcash_amount.into(),
        )?
    }

    /// `_getImpliedRate(market, timeToMaturity)`: `(rate − 1e9) · L / t` of the zero trade.
    ///
    /// # Errors
    /// [`NotionalError::NegativeInterestRate`] for an exchange rate below 1, those of
    /// [`Self::exchange_rate`], and [`NotionalError::Overflow`] above `uint32`.
    pub fn implied_rate(&self, g: &Governance, time_to_maturity: u32) -> Result<u32> {
        contract::get_implied_rate(self, g.maturity_length, time_to_maturity)?
    }

    /// `_getNewRateAnchor(market, timeToMaturity)`:
    /// `anchor − trunc((implied − lastImplied) · t / L)`.
    ///
    /// # Errors
    /// Those of [`Self::implied_rate`] (a negative rate on the anchor update), and
    /// [`NotionalError::Overflow`] for an anchor outside `uint32`.
    pub fn new_rate_anchor(&self, g: &Governance, time_to_maturity: u32) -> Result<u32> {
        contract::get_new_rate_anchor(self, g.maturity_length, time_to_maturity)?
    }

    /// `_tradeCalculation(market, fCashAmount, timeToMaturity)`: the market after the trade and
    /// the cash exchanged. `fcash_amount > 0` sells fCash to the pool (borrowing cash); `< 0` buys
    /// it (lending cash).
    ///
    /// # Errors
    /// [`NotionalError::TradeTooLarge`] when the pool lacks the fCash or the cash,
    /// [`NotionalError::NegativeInterestRate`] when the rate after fees is below 1, and those of
    /// [`Self::new_rate_anchor`] and [`Self::exchange_rate`].
    pub fn trade_calculation(
        &self,
        g: &Governance,
        fcash_amount: i128,
        time_to_maturity: u32,
    ) -> Result<(Self, u128)> {
        let (market, cash) =
            contract::trade_calculation(self, g, fcash_amount.into(), time_to_maturity)?;
        Ok((market, cash?))
    }

    /// `getRate(maturity)` at `block_time`: the mid exchange rate, 1e9 from maturity on.
    ///
    /// # Errors
    /// Those of [`Self::new_rate_anchor`] and [`Self::exchange_rate`] (the contract's
    /// `RATE_OVERFLOW`).
    pub fn rate(&self, g: &Governance, maturity: u32, block_time: u32) -> Result<u32> {
        if block_time >= maturity {
            return Ok(INSTRUMENT_PRECISION);
        }
        let t = maturity - block_time;
        let mut m = *self;
        m.rate_anchor = m.new_rate_anchor(g, t)?;
        m.exchange_rate(g, t, 0)
    }

    /// `getfCashToCurrentCashAtTime(maturity, fCashAmount, blockTime)`: the cash a borrower
    /// receives for `fcash` fCash, after the transaction fee.
    ///
    /// # Errors
    /// [`NotionalError::MaturedMarket`] from maturity on, and those of [`Self::trade_calculation`].
    pub fn fcash_to_current_cash(
        &self,
        g: &Governance,
        maturity: u32,
        fcash: u128,
        block_time: u32,
    ) -> Result<u128> {
        let t = time_to_maturity(maturity, block_time)?;
        Ok(self.quote(g, Direction::Borrow, fcash, t)?.net)
    }

    /// `getCurrentCashTofCashAtTime(maturity, fCashAmount, blockTime)`: the cash a lender pays
    /// for `fcash` fCash, with the transaction fee.
    ///
    /// # Errors
    /// As [`Self::fcash_to_current_cash`].
    pub fn current_cash_to_fcash(
        &self,
        g: &Governance,
        maturity: u32,
        fcash: u128,
        block_time: u32,
    ) -> Result<u128> {
        let t = time_to_maturity(maturity, block_time)?;
        Ok(self.quote(g, Direction::Lend, fcash, t)?.net)
    }

    /// `takeCurrentCash`: borrow by selling `fcash` fCash; the market is updated only on success.
    ///
    /// # Errors
    /// [`NotionalError::TradeTooLarge`] above `maxTradeSize`, [`NotionalError::Slippage`] when
    /// the implied rate after the fee exceeds `max_implied_rate`, and those of
    /// [`Self::fcash_to_current_cash`].
    pub fn take_current_cash(
        &mut self,
        g: &Governance,
        maturity: u32,
        fcash: u128,
        block_time: u32,
        max_implied_rate: u32,
    ) -> Result<Trade> {
        let limits = (0, max_implied_rate);
        self.take(g, Direction::Borrow, (maturity, block_time), fcash, limits)
    }

    /// `takefCash`: lend by buying `fcash` fCash; the market is updated only on success.
    ///
    /// # Errors
    /// [`NotionalError::TradeTooLarge`] above `maxTradeSize`, [`NotionalError::Slippage`] below
    /// `min_implied_rate`, and those of [`Self::current_cash_to_fcash`].
    pub fn take_fcash(
        &mut self,
        g: &Governance,
        maturity: u32,
        fcash: u128,
        block_time: u32,
        min_implied_rate: u32,
    ) -> Result<Trade> {
        let limits = (min_implied_rate, u32::MAX);
        self.take(g, Direction::Lend, (maturity, block_time), fcash, limits)
    }

    /// `takeCurrentCash` and `takefCash`: the trade of [`Self::quote`] after the max trade size
    /// check, kept only when the implied rate of what the trader receives or pays is within
    /// `(min, max)`.
    fn take(
        &mut self,
        g: &Governance,
        direction: Direction,
        (maturity, block_time): (u32, u32),
        fcash: u128,
        (min, max): (u32, u32),
    ) -> Result<Trade> {
        let t = time_to_maturity(maturity, block_time)?;
        max_trade(g, fcash)?;
        let q = self.quote(g, direction, fcash, t)?;
        let implied = calculate_implied_rate(g, q.net, fcash, t)?;
        if implied < min || implied > max {
            return Err(NotionalError::Slippage {
                implied_rate: implied,
                min,
                max,
            });
        }
        *self = q.market;
        Ok(Trade {
            cash: q.cash,
            fee: q.fee,
        })
    }

    /// `fcash` fCash sold to the pool (borrowing) or bought from it (lending) `t` seconds
    /// before maturity: the market after it, the cash before the transaction fee, the fee, and
    /// the cash the trader receives (`cash − fee`) or pays (`cash + fee`).
    fn quote(&self, g: &Governance, direction: Direction, fcash: u128, t: u32) -> Result<Quote> {
        let amount = match direction {
            Direction::Borrow => signed(fcash)?,
            Direction::Lend => -signed(fcash)?,
        };
        let (market, cash) = self.trade_calculation(g, amount, t)?;
        let fee = transaction_fee(g, cash, t)?;
        let net = match direction {
            Direction::Borrow => cash
                .checked_sub(fee)
                .ok_or_else(|| overflow("transaction fee above the cash"))?,
            Direction::Lend => cash
                .checked_add(fee)
                .ok_or_else(|| overflow("cash + fee"))?,
        };
        Ok(Quote {
            market,
            cash,
            fee,
            net,
        })
    }

    /// `addLiquidity`: the first deposit initialises the market (scalar and the anchor
    /// `(G_RATE_ANCHOR − 1e9) · t / year + 1e9`, with `max_fcash` as its fCash); later deposits
    /// add fCash pro rata, `F · cash / C`, and mint `L · cash / C` tokens. The market is updated
    /// only on success.
    ///
    /// ```
    /// use notional::v1::{AddLiquidity, CashMarket, Governance};
    ///
    /// const E18: u128 = 1_000_000_000_000_000_000;
    /// let g = Governance {
    ///     maturity_length: 2_592_000, max_trade_size: u128::MAX, rate_anchor: 1_100_000_000,
    ///     rate_scalar: 100, liquidity_fee: 0, transaction_fee: 0,
    /// };
    /// let mut m = CashMarket::default();
    /// let (maturity, now) = (2_592_000, 0);
    /// // The first deposit: 1000 cash and 1100 fCash, 1000 tokens.
    /// let first = m.add_liquidity(&g, maturity, AddLiquidity::at_any_rate(1_000 * E18, 1_100 * E18), now)?;
    /// assert_eq!((first.tokens, first.fcash), (1_000 * E18, 1_100 * E18));
    /// // A later one adds fCash pro rata; refusing more than 100 fCash for 100 cash fails.
    /// assert!(m.add_liquidity(&g, maturity, AddLiquidity::at_any_rate(100 * E18, 100 * E18), now).is_err());
    /// let second = m.add_liquidity(&g, maturity, AddLiquidity::at_any_rate(100 * E18, 110 * E18), now)?;
    /// assert_eq!(second.fcash, 110 * E18);
    /// # Ok::<(), notional::NotionalError>(())
    /// ```
    ///
    /// # Errors
    /// [`NotionalError::MaturedMarket`], [`NotionalError::TradeTooLarge`] when the pro-rata fCash
    /// exceeds `max_fcash`, [`NotionalError::Slippage`] when the implied rate is outside
    /// `[min_implied_rate, max_implied_rate]`, and the initial rate's errors.
    pub fn add_liquidity(
        &mut self,
        g: &Governance,
        maturity: u32,
        add: AddLiquidity,
        block_time: u32,
    ) -> Result<Liquidity> {
        let t = time_to_maturity(maturity, block_time)?;
        let mut m = *self;
        let (tokens, fcash) = if m.total_liquidity == 0 {
            m.initialise(g, add, t)?
        } else {
            m.add_pro_rata(add)?
        };
        let implied = m.last_implied_rate;
        let (min, max) = (add.min_implied_rate, add.max_implied_rate);
        if !(min <= max && min <= implied && implied <= max) {
            return Err(NotionalError::Slippage {
                implied_rate: implied,
                min,
                max,
            });
        }
        *self = m;
        Ok(Liquidity {
            tokens,
            fcash,
            cash: add.cash,
        })
    }

    /// The first deposit: the scalar, the initial anchor, `max_fcash` fCash, `cash` cash and
    /// as many tokens, and the implied rate they give. Returns `(tokens, fCash)`.
    fn initialise(&mut self, g: &Governance, add: AddLiquidity, t: u32) -> Result<(u128, u128)> {
        if self.rate_scalar == 0 {
            self.rate_scalar = g.rate_scalar;
        }
        let anchor = (u64::from(g.rate_anchor).checked_sub(u64::from(INSTRUMENT_PRECISION)))
            .ok_or_else(|| overflow("G_RATE_ANCHOR below 1e9"))?
            * u64::from(t)
            / u64::from(SECONDS_IN_YEAR)
            + u64::from(INSTRUMENT_PRECISION);
        self.rate_anchor =
            u32::try_from(anchor).map_err(|_| overflow("rate anchor above uint32"))?;
        self.total_fcash = add.max_fcash;
        self.total_current_cash = add.cash;
        self.total_liquidity = add.cash;
        self.last_implied_rate = self.implied_rate(g, t)?;
        Ok((add.cash, add.max_fcash))
    }

    /// A later deposit: `L · cash / C` tokens and `F · cash / C` fCash, at most `max_fcash`.
    /// Returns `(tokens, fCash)`.
    fn add_pro_rata(&mut self, add: AddLiquidity) -> Result<(u128, u128)> {
        let c = self.total_current_cash;
        let tokens = mul_div_u128(self.total_liquidity, add.cash, c, "addLiquidity tokens")?;
        let fcash = mul_div_u128(self.total_fcash, add.cash, c, "addLiquidity fCash")?;
        if fcash > add.max_fcash {
            return Err(NotionalError::TradeTooLarge {
                asked: fcash.into(),
                limit: add.max_fcash.into(),
                of: "fCash, the deposit's maxfCash",
            });
        }
        let (Some(f), Some(c), Some(l)) = (
            self.total_fcash.checked_add(fcash),
            self.total_current_cash.checked_add(add.cash),
            self.total_liquidity.checked_add(tokens),
        ) else {
            return Err(overflow("addLiquidity"));
        };
        (
            self.total_fcash,
            self.total_current_cash,
            self.total_liquidity,
        ) = (f, c, l);
        Ok((tokens, fcash))
    }

    /// `removeLiquidity`: burns `tokens` for `C · tokens / L` cash and `F · tokens / L` fCash.
    ///
    /// # Errors
    /// [`NotionalError::MaturedMarket`], [`NotionalError::DivisionByZero`] for an empty market,
    /// [`NotionalError::TradeTooLarge`] for more tokens than exist.
    pub fn remove_liquidity(
        &mut self,
        maturity: u32,
        tokens: u128,
        block_time: u32,
    ) -> Result<Liquidity> {
        time_to_maturity(maturity, block_time)?;
        let l = self.total_liquidity;
        let cash = mul_div_u128(self.total_current_cash, tokens, l, "removeLiquidity cash")?;
        let fcash = mul_div_u128(self.total_fcash, tokens, l, "removeLiquidity fCash")?;
        let (Some(c), Some(f), Some(liq)) = (
            self.total_current_cash.checked_sub(cash),
            self.total_fcash.checked_sub(fcash),
            self.total_liquidity.checked_sub(tokens),
        ) else {
            return Err(NotionalError::TradeTooLarge {
                asked: tokens.into(),
                limit: self.total_liquidity.into(),
                of: "liquidity tokens in the market",
            });
        };
        self.total_current_cash = c;
        self.total_fcash = f;
        self.total_liquidity = liq;
        Ok(Liquidity {
            tokens,
            fcash,
            cash,
        })
    }
}
