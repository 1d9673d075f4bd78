//! The stateful pool: reserves, LP supply and fee, changed only by operations that succeed.

use crate::math::{self, ArbTrade, LiquidityDeposit, LiquidityWithdrawal, Swap, Token};
use crate::num::positive;
use crate::{CpAmmError, Fee, Num, Result};

/// A constant-product pool of tokens `X` and `Y`.
///
/// Every method computes the whole result with the pure functions of [`math`] before it writes
/// anything, so an error leaves the pool exactly as it was.
///
/// ```
/// use cp_amm::{Fee, Pool, Token};
///
/// // An empty pool, then a first deposit: √(1000 · 4000) = 2000 shares.
/// let mut pool = Pool::empty(Fee::bps(30)?);
/// assert_eq!(pool.add_liquidity(1_000.0, 4_000.0)?.shares, 2_000.0);
/// assert_eq!(pool.price()?, 4.0); // Y per X
/// pool.swap_exact_in(Token::Y, 400.0)?;
/// assert!(pool.price()? > 4.0); // buying X made it dearer
/// // A failed call changes nothing.
/// let before = pool.clone();
/// assert!(pool.swap_exact_out(Token::X, 1e9).is_err());
/// assert_eq!(pool, before);
/// # Ok::<(), cp_amm::CpAmmError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pool<N> {
    reserve_x: N,
    reserve_y: N,
    lp_supply: N,
    fee: Fee,
}

impl<N: Num> Pool<N> {
    /// An empty pool; the first [`Pool::add_liquidity`] sets its price.
    #[must_use]
    pub fn empty(fee: Fee) -> Self {
        Self {
            reserve_x: N::ZERO,
            reserve_y: N::ZERO,
            lp_supply: N::ZERO,
            fee,
        }
    }

    /// A pool holding `reserve_x` and `reserve_y`, as after a first deposit of those amounts
    /// (`√(x·y)` LP shares outstanding). The seed's pools are built this way.
    ///
    /// # Errors
    /// [`CpAmmError::NonPositive`] / [`CpAmmError::NonFinite`] for a bad reserve, and arithmetic
    /// errors.
    pub fn new(reserve_x: N, reserve_y: N, fee: Fee) -> Result<Self> {
        let lp_supply = math::initial_shares(reserve_x, reserve_y)?;
        Ok(Self {
            reserve_x,
            reserve_y,
            lp_supply,
            fee,
        })
    }

    /// The reserve of `X`.
    #[must_use]
    pub fn reserve_x(&self) -> N {
        self.reserve_x
    }

    /// The reserve of `Y`.
    #[must_use]
    pub fn reserve_y(&self) -> N {
        self.reserve_y
    }

    /// The reserve of `token`.
    #[must_use]
    pub fn reserve(&self, token: Token) -> N {
        match token {
            Token::X => self.reserve_x,
            Token::Y => self.reserve_y,
        }
    }

    /// Liquidity shares outstanding.
    #[must_use]
    pub fn lp_supply(&self) -> N {
        self.lp_supply
    }

    /// The swap fee.
    #[must_use]
    pub fn fee(&self) -> Fee {
        self.fee
    }

    /// The invariant `k = x · y`.
    ///
    /// # Errors
    /// Arithmetic overflow.
    pub fn k(&self) -> Result<N> {
        self.reserve_x.try_mul(self.reserve_y)
    }

    /// The price of `X` in `Y`: `y / x`.
    ///
    /// # Errors
    /// [`CpAmmError::NonPositive`] for an empty pool.
    pub fn price(&self) -> Result<N> {
        math::spot_price(self.reserve_x, self.reserve_y)
    }

    fn set_reserves(&mut self, input: Token, swap: &Swap<N>) {
        match input {
            Token::X => (self.reserve_x, self.reserve_y) = (swap.reserve_in, swap.reserve_out),
            Token::Y => (self.reserve_y, self.reserve_x) = (swap.reserve_in, swap.reserve_out),
        }
    }

    /// Sells exactly `amount_in` of `input` ([`math::swap_exact_in`]).
    ///
    /// # Errors
    /// As [`math::swap_exact_in`]; the pool is unchanged.
    pub fn swap_exact_in(&mut self, input: Token, amount_in: N) -> Result<Swap<N>> {
        let swap = math::swap_exact_in(
            amount_in,
            self.reserve(input),
            self.reserve(input.other()),
            self.fee,
        )?;
        self.set_reserves(input, &swap);
        Ok(swap)
    }

    /// Buys exactly `amount_out` of `output` ([`math::swap_exact_out`]).
    ///
    /// # Errors
    /// As [`math::swap_exact_out`]; the pool is unchanged.
    pub fn swap_exact_out(&mut self, output: Token, amount_out: N) -> Result<Swap<N>> {
        let input = output.other();
        let swap = math::swap_exact_out(
            amount_out,
            self.reserve(input),
            self.reserve(output),
            self.fee,
        )?;
        self.set_reserves(input, &swap);
        Ok(swap)
    }

    /// The trade that would move this pool to `target_price` ([`math::arb_trade`]), without
    /// making it.
    ///
    /// # Errors
    /// As [`math::arb_trade`].
    pub fn arb_trade(&self, target_price: N) -> Result<ArbTrade<N>> {
        math::arb_trade(self.reserve_x, self.reserve_y, target_price, self.fee)
    }

    /// Makes the trade that moves this pool to `target_price`. `Ok(None)` when the pool is
    /// already there to the precision of the number type (the trade's amount is not positive,
    /// or so small that its output rounds to zero).
    ///
    /// # Errors
    /// As [`math::arb_trade`] and [`math::swap_exact_in`]; the pool is unchanged.
    pub fn arb_to_price(&mut self, target_price: N) -> Result<Option<(ArbTrade<N>, Swap<N>)>> {
        let trade = self.arb_trade(target_price)?;
        if trade.amount <= N::ZERO {
            return Ok(None);
        }
        match self.swap_exact_in(trade.input, trade.amount) {
            Ok(swap) => Ok(Some((trade, swap))),
            Err(CpAmmError::RoundsToZero { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Deposits up to `amount_x` and `amount_y`. Into an empty pool both are taken and
    /// `√(x·y)` shares minted; otherwise [`math::deposit`] decides.
    ///
    /// # Errors
    /// As [`math::initial_shares`] and [`math::deposit`]; the pool is unchanged.
    pub fn add_liquidity(&mut self, amount_x: N, amount_y: N) -> Result<LiquidityDeposit<N>> {
        let dep = if self.lp_supply > N::ZERO {
            math::deposit(
                amount_x,
                amount_y,
                self.reserve_x,
                self.reserve_y,
                self.lp_supply,
            )?
        } else if self.reserve_x != N::ZERO || self.reserve_y != N::ZERO {
            // Unreachable through this type (shares and reserves reach zero together); a
            // first deposit must never take reserves that belong to no one.
            return Err(CpAmmError::NonPositive {
                what: "lp_supply",
                value: self.lp_supply.to_string(),
            });
        } else {
            LiquidityDeposit {
                amount_x,
                amount_y,
                shares: math::initial_shares(amount_x, amount_y)?,
            }
        };
        let rx = self.reserve_x.try_add(dep.amount_x)?;
        let ry = self.reserve_y.try_add(dep.amount_y)?;
        let s = self.lp_supply.try_add(dep.shares)?;
        (self.reserve_x, self.reserve_y, self.lp_supply) = (rx, ry, s);
        Ok(dep)
    }

    /// Burns `shares` for their part of both reserves ([`math::withdrawal`]).
    ///
    /// # Errors
    /// As [`math::withdrawal`], and [`CpAmmError::NonPositive`] on an empty pool; the pool is
    /// unchanged.
    pub fn remove_liquidity(&mut self, shares: N) -> Result<LiquidityWithdrawal<N>> {
        positive("lp_supply", self.lp_supply)?;
        let w = math::withdrawal(shares, self.reserve_x, self.reserve_y, self.lp_supply)?;
        let rx = self.reserve_x.try_sub(w.amount_x)?;
        let ry = self.reserve_y.try_sub(w.amount_y)?;
        let s = self.lp_supply.try_sub(shares)?;
        (self.reserve_x, self.reserve_y, self.lp_supply) = (rx, ry, s);
        Ok(w)
    }
}
