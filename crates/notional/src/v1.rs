//! Notional v1's `CashMarket.sol`, contract-exact: integer math in the contract's widths, ABDK
//! 64.64 logarithms, and the contract's rejections as typed errors.
//!
//! The contract computes, for a trade of `f` fCash into the pool (`f > 0` borrows cash, `f < 0`
//! lends it) with `t` seconds to maturity and maturity length `L`:
//!
//! * `p = ⌊(F + f) · 1e18 / (F + C)⌋`, `ratio = ⌊p · 1e18 / (1e18 − p)⌋ ≤ 2^63 − 1`;
//! * `ln = ⌊ln(ratio) · 1e9⌋ − LN_1E18` through ABDK (`ratio` in 1e18 units, `LN_1E18 =
//!   41446531673`);
//! * `scalar = ⌊rateScalar · L / t⌋`, `rate = trunc(ln / scalar) + anchor` (an exchange rate at
//!   1e9);
//! * the anchor rolls down: `anchor − trunc((implied − lastImplied) · t / L)`;
//! * the liquidity fee `⌊liquidityFee · t / L⌋` is added to the rate when borrowing and
//!   subtracted when lending; `cash = ⌊|f| · 1e9 / rate⌋`;
//! * the transaction fee `⌊cash · transactionFee · t / L / 1e18⌋` goes to the reserve.
//!
//! Where the contract's view functions return 0 for a failed trade, these return the reason.
//!
//! ```
//! use notional::v1::{CashMarket, Governance};
//!
//! const E18: u128 = 1_000_000_000_000_000_000;
//! let g = Governance {
//!     maturity_length: 2_592_000, // a 30-day cash group
//!     max_trade_size: 10_000 * E18,
//!     rate_anchor: 1_100_000_000,
//!     rate_scalar: 100,
//!     liquidity_fee: 1_000_000,
//!     transaction_fee: 1_000_000_000_000_000,
//! };
//! let market = CashMarket {
//!     total_fcash: 1_100_000 * E18,
//!     total_liquidity: 1_000_000 * E18,
//!     total_current_cash: 1_000_000 * E18,
//!     rate_scalar: 100,
//!     rate_anchor: 1_010_000_000,
//!     last_implied_rate: 30_950_100,
//! };
//! let (maturity, now) = (1_700_000_000, 1_700_000_000 - 864_000); // ten days before
//! // Borrow: sell 1000 fCash for cash now (after the liquidity and transaction fees).
//! let cash = market.fcash_to_current_cash(&g, maturity, 1_000 * E18, now)?;
//! assert_eq!(cash, 989_126_145_774_216_740_713);
//! // Lend: buying 1000 fCash costs less than 1000 cash, and more than a borrower gets.
//! let cost = market.current_cash_to_fcash(&g, maturity, 1_000 * E18, now)?;
//! assert!(cost > cash && cost < 1_000 * E18);
//! # Ok::<(), notional::NotionalError>(())
//! ```

use ruint::aliases::U256;

use crate::abdk;
use crate::{NotionalError, Result};

/// `INSTRUMENT_PRECISION`: an exchange rate of 1.
pub const INSTRUMENT_PRECISION: u32 = 1_000_000_000;
/// `Common.DECIMALS`.
pub const DECIMALS: u128 = 1_000_000_000_000_000_000;
/// `LN_1E18 = ⌊ln(1e18) · 1e9⌋`.
pub const LN_1E18: i64 = 41_446_531_673;
/// `MAX64`, the largest ratio ABDK's `fromUInt` takes.
pub const MAX64: u64 = 0x7FFF_FFFF_FFFF_FFFF;
/// `Common.SECONDS_IN_YEAR`.
pub const SECONDS_IN_YEAR: u32 = 31_536_000;

/// The governance parameters of a `CashMarket` (its `G_*` storage).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Governance {
    /// `G_MATURITY_LENGTH`, seconds.
    pub maturity_length: u32,
    /// `G_MAX_TRADE_SIZE`.
    pub max_trade_size: u128,
    /// `G_RATE_ANCHOR`: the annualised anchor a new market starts from (1.1e9 is 10 %).
    pub rate_anchor: u32,
    /// `G_RATE_SCALAR`.
    pub rate_scalar: u16,
    /// `G_LIQUIDITY_FEE`, in exchange-rate units at 1e9 per period.
    pub liquidity_fee: u32,
    /// `G_TRANSACTION_FEE`, a share of the cash traded at 1e18 per period.
    pub transaction_fee: u128,
}

/// One maturity's market (the contract's `Market` struct).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CashMarket {
    /// `totalfCash`.
    pub total_fcash: u128,
    /// `totalLiquidity`.
    pub total_liquidity: u128,
    /// `totalCurrentCash`.
    pub total_current_cash: u128,
    /// `rateScalar`, fixed when the market is initialised.
    pub rate_scalar: u16,
    /// `rateAnchor`, an exchange rate at 1e9.
    pub rate_anchor: u32,
    /// `lastImpliedRate`, a period rate at 1e9.
    pub last_implied_rate: u32,
}

/// A trade's result: the cash exchanged and the transaction fee on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trade {
    /// Cash paid out (borrow) or in (lend), before the transaction fee.
    pub cash: u128,
    /// The transaction fee (`_calculateTransactionFee`).
    pub fee: u128,
}

/// What adding liquidity minted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Liquidity {
    /// Liquidity tokens minted or burned.
    pub tokens: u128,
    /// fCash added (the provider's `CASH_PAYER`) or claimed.
    pub fcash: u128,
    /// Cash deposited or returned.
    pub cash: u128,
}

fn overflow(op: &'static str) -> NotionalError {
    NotionalError::Overflow { op }
}

fn u256(x: u128) -> U256 {
    U256::from(x)
}

fn to_u128(x: U256, op: &'static str) -> Result<u128> {
    u128::try_from(x).map_err(|_| overflow(op))
}

fn checked_div(a: U256, b: U256, op: &'static str) -> Result<U256> {
    a.checked_div(b).ok_or(NotionalError::DivisionByZero { op })
}

/// `uint256(a).mul(b).div(c)` narrowed with `SafeCast.toUint128`, the contract's pro-rata step.
fn mul_div(a: u128, b: u128, c: u128, op: &'static str) -> Result<u128> {
    to_u128(checked_div(u256(a) * u256(b), u256(c), op)?, op)
}

fn mul(a: U256, b: U256, op: &'static str) -> Result<U256> {
    a.checked_mul(b).ok_or_else(|| overflow(op))
}

fn time_to_maturity(maturity: u32, block_time: u32) -> Result<u32> {
    match maturity.checked_sub(block_time) {
        Some(t) if t > 0 => Ok(t),
        _ => Err(NotionalError::MaturedMarket {
            time_to_maturity: (i64::from(maturity) - i64::from(block_time)).to_string(),
        }),
    }
}

/// `_abdkMath(ratio)`: `⌊ln(ratio) · 1e9⌋` through ABDK 64.64, with `ratio` an integer.
///
/// ```
/// // ⌊ln(2) · 1e9⌋ = 693 147 180.
/// assert_eq!(notional::v1::abdk_math(2)?, 693_147_180);
/// assert!(notional::v1::abdk_math(0).is_err());
/// # Ok::<(), notional::NotionalError>(())
/// ```
///
/// # Errors
/// [`NotionalError::RatioOverflow`] above `MAX64`, [`NotionalError::ProportionOutOfBounds`]
/// for 0 (a zero proportion has no logarithm).
pub fn abdk_math(ratio: u64) -> Result<u64> {
    if ratio > MAX64 {
        return Err(NotionalError::RatioOverflow {
            ratio: ratio.to_string(),
        });
    }
    if ratio == 0 {
        return Err(NotionalError::ProportionOutOfBounds {
            proportion: "0".into(),
        });
    }
    let log = abdk::ln(abdk::from_int(i128::from(ratio))?)?;
    // (abdkLog · PRECISION_64x64) >> 64 with PRECISION_64x64 = 1e9 << 64 is abdkLog · 1e9.
    let result = log
        .checked_mul(i128::from(INSTRUMENT_PRECISION))
        .ok_or_else(|| overflow("_abdkMath"))?;
    abdk::to_uint(result)
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
        let (f, c) = (self.total_fcash, self.total_current_cash);
        let denominator = u256(f)
            .checked_add(u256(c))
            .ok_or_else(|| overflow("totalfCash + totalCurrentCash"))?;
        if denominator.is_zero() || c == 0 {
            return Err(NotionalError::DivisionByZero {
                op: "_getExchangeRate",
            });
        }
        let numerator = i128::try_from(f)
            .ok()
            .and_then(|f| f.checked_add(fcash_amount))
            .ok_or_else(|| overflow("totalfCash + fCashAmount"))?;
        let numerator = u128::try_from(numerator).map_err(|_| NotionalError::TradeTooLarge {
            reason: format!(
                "lending {} fCash from a pool of {f}",
                fcash_amount.unsigned_abs()
            ),
        })?;
        let one = u256(DECIMALS);
        let p = mul(u256(numerator), one, "proportion")? / denominator;
        if p > one {
            return Err(NotionalError::ProportionOutOfBounds {
                proportion: format!("{p}e-18"),
            });
        }
        let ratio = checked_div(mul(p, one, "ratio")?, one - p, "ratio").map_err(|_| {
            NotionalError::RatioOverflow {
                ratio: "Infinity".into(),
            }
        })?;
        let ratio = u64::try_from(ratio).map_err(|_| NotionalError::RatioOverflow {
            ratio: ratio.to_string(),
        })?;
        let abdk_result = i128::from(abdk_math(ratio)?);
        if time_to_maturity == 0 {
            return Err(NotionalError::MaturedMarket {
                time_to_maturity: "0".into(),
            });
        }
        let scalar = i128::from(self.rate_scalar) * i128::from(g.maturity_length)
            / i128::from(time_to_maturity);
        if scalar > i128::from(u32::MAX) {
            return Err(overflow("rate scalar above uint32"));
        }
        if scalar == 0 {
            return Err(NotionalError::DivisionByZero {
                op: "ln / rateScalar",
            });
        }
        // Solidity's signed division truncates toward zero, as Rust's does.
        let rate = (abdk_result - i128::from(LN_1E18)) / scalar + i128::from(self.rate_anchor);
        u32::try_from(rate).map_err(|_| overflow("exchange rate outside uint32"))
    }

    /// `_getImpliedRate(market, timeToMaturity)`: `(rate − 1e9) · L / t` of the zero trade.
    ///
    /// # Errors
    /// [`NotionalError::NegativeInterestRate`] for an exchange rate below 1, those of
    /// [`Self::exchange_rate`], and [`NotionalError::Overflow`] above `uint32`.
    pub fn implied_rate(&self, g: &Governance, time_to_maturity: u32) -> Result<u32> {
        let rate = self.exchange_rate(g, time_to_maturity, 0)?;
        if rate < INSTRUMENT_PRECISION {
            return Err(NotionalError::NegativeInterestRate {
                trade_rate: rate.to_string(),
                rate_precision: INSTRUMENT_PRECISION.to_string(),
            });
        }
        let r = u64::from(rate - INSTRUMENT_PRECISION) * u64::from(g.maturity_length)
            / u64::from(time_to_maturity);
        u32::try_from(r).map_err(|_| overflow("implied rate above uint32"))
    }

    /// `_getNewRateAnchor(market, timeToMaturity)`:
    /// `anchor − trunc((implied − lastImplied) · t / L)`.
    ///
    /// # Errors
    /// Those of [`Self::implied_rate`] (a negative rate on the anchor update), and
    /// [`NotionalError::Overflow`] for an anchor outside `uint32`.
    pub fn new_rate_anchor(&self, g: &Governance, time_to_maturity: u32) -> Result<u32> {
        let implied = self.implied_rate(g, time_to_maturity)?;
        if g.maturity_length == 0 {
            return Err(NotionalError::DivisionByZero {
                op: "_getNewRateAnchor",
            });
        }
        let difference = (i128::from(implied) - i128::from(self.last_implied_rate))
            * i128::from(time_to_maturity)
            / i128::from(g.maturity_length);
        let anchor = i128::from(self.rate_anchor) - difference;
        u32::try_from(anchor).map_err(|_| overflow("rate anchor outside uint32"))
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
        let mut m = *self;
        if fcash_amount < 0 && m.total_fcash < fcash_amount.unsigned_abs() {
            return Err(NotionalError::TradeTooLarge {
                reason: format!(
                    "{} fCash asked of a pool of {}",
                    fcash_amount.unsigned_abs(),
                    m.total_fcash
                ),
            });
        }
        m.rate_anchor = m.new_rate_anchor(g, time_to_maturity)?;
        let rate = u64::from(m.exchange_rate(g, time_to_maturity, fcash_amount)?);
        let fee = (u64::from(g.liquidity_fee) * u64::from(time_to_maturity))
            .checked_div(u64::from(g.maturity_length))
            .ok_or(NotionalError::DivisionByZero {
                op: "liquidity fee",
            })?;
        let rate = if fcash_amount > 0 {
            rate + fee
        } else {
            rate.saturating_sub(fee)
        };
        if rate < u64::from(INSTRUMENT_PRECISION) {
            return Err(NotionalError::NegativeInterestRate {
                trade_rate: rate.to_string(),
                rate_precision: INSTRUMENT_PRECISION.to_string(),
            });
        }
        let cash = mul_div(
            fcash_amount.unsigned_abs(),
            u128::from(INSTRUMENT_PRECISION),
            u128::from(rate),
            "cash",
        )?;
        if fcash_amount > 0 {
            if m.total_current_cash < cash {
                return Err(NotionalError::TradeTooLarge {
                    reason: format!("{cash} cash asked of a pool of {}", m.total_current_cash),
                });
            }
            m.total_fcash = m
                .total_fcash
                .checked_add(fcash_amount.unsigned_abs())
                .ok_or_else(|| overflow("totalfCash"))?;
            m.total_current_cash -= cash;
        } else {
            m.total_fcash -= fcash_amount.unsigned_abs();
            m.total_current_cash = m
                .total_current_cash
                .checked_add(cash)
                .ok_or_else(|| overflow("totalCurrentCash"))?;
        }
        m.last_implied_rate = m.implied_rate(g, time_to_maturity)?;
        Ok((m, cash))
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
        let (_, cash) = self.trade_calculation(g, signed(fcash)?, t)?;
        cash.checked_sub(transaction_fee(g, cash, t)?)
            .ok_or_else(|| overflow("transaction fee above the cash"))
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
        let (_, cash) = self.trade_calculation(g, -signed(fcash)?, t)?;
        cash.checked_add(transaction_fee(g, cash, t)?)
            .ok_or_else(|| overflow("cash + fee"))
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
        let t = time_to_maturity(maturity, block_time)?;
        max_trade(g, fcash)?;
        let (m, cash) = self.trade_calculation(g, signed(fcash)?, t)?;
        let fee = transaction_fee(g, cash, t)?;
        let received = cash
            .checked_sub(fee)
            .ok_or_else(|| overflow("transaction fee above the cash"))?;
        let implied = calculate_implied_rate(g, received, fcash, t)?;
        if implied > max_implied_rate {
            return Err(NotionalError::Slippage {
                implied_rate: implied.to_string(),
                limit: max_implied_rate.to_string(),
            });
        }
        *self = m;
        Ok(Trade { cash, fee })
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
        let t = time_to_maturity(maturity, block_time)?;
        max_trade(g, fcash)?;
        let (m, cash) = self.trade_calculation(g, -signed(fcash)?, t)?;
        let fee = transaction_fee(g, cash, t)?;
        let paid = cash
            .checked_add(fee)
            .ok_or_else(|| overflow("cash + fee"))?;
        let implied = calculate_implied_rate(g, paid, fcash, t)?;
        if implied < min_implied_rate {
            return Err(NotionalError::Slippage {
                implied_rate: implied.to_string(),
                limit: min_implied_rate.to_string(),
            });
        }
        *self = m;
        Ok(Trade { cash, fee })
    }

    /// `addLiquidity`: the first deposit initialises the market (scalar and the anchor
    /// `(G_RATE_ANCHOR − 1e9) · t / year + 1e9`, with `max_fcash` as its fCash); later deposits
    /// add fCash pro rata, `F · cash / C`, and mint `L · cash / C` tokens.
    ///
    /// # Errors
    /// [`NotionalError::MaturedMarket`], [`NotionalError::TradeTooLarge`] when the pro-rata fCash
    /// exceeds `max_fcash`, [`NotionalError::Slippage`] when the implied rate is outside
    /// `[min_implied_rate, max_implied_rate]`, and the initial rate's errors.
    #[expect(
        clippy::too_many_arguments,
        reason = "the reference function's own arguments, one for one"
    )]
    pub fn add_liquidity(
        &mut self,
        g: &Governance,
        maturity: u32,
        cash: u128,
        max_fcash: u128,
        min_implied_rate: u32,
        max_implied_rate: u32,
        block_time: u32,
    ) -> Result<Liquidity> {
        let t = time_to_maturity(maturity, block_time)?;
        let mut m = *self;
        let (tokens, fcash, implied) = if m.total_liquidity == 0 {
            if m.rate_scalar == 0 {
                m.rate_scalar = g.rate_scalar;
            }
            let anchor = (u64::from(g.rate_anchor).checked_sub(u64::from(INSTRUMENT_PRECISION)))
                .ok_or_else(|| overflow("G_RATE_ANCHOR below 1e9"))?
                * u64::from(t)
                / u64::from(SECONDS_IN_YEAR)
                + u64::from(INSTRUMENT_PRECISION);
            m.rate_anchor =
                u32::try_from(anchor).map_err(|_| overflow("rate anchor above uint32"))?;
            m.total_fcash = max_fcash;
            m.total_current_cash = cash;
            m.total_liquidity = cash;
            let implied = m.implied_rate(g, t)?;
            m.last_implied_rate = implied;
            (cash, max_fcash, implied)
        } else {
            let c = m.total_current_cash;
            let tokens = mul_div(m.total_liquidity, cash, c, "addLiquidity tokens")?;
            let fcash = mul_div(m.total_fcash, cash, c, "addLiquidity fCash")?;
            if fcash > max_fcash {
                return Err(NotionalError::TradeTooLarge {
                    reason: format!("deposit needs {fcash} fCash, above maxfCash {max_fcash}"),
                });
            }
            m.total_fcash = m
                .total_fcash
                .checked_add(fcash)
                .ok_or_else(|| overflow("totalfCash"))?;
            m.total_current_cash = m
                .total_current_cash
                .checked_add(cash)
                .ok_or_else(|| overflow("totalCurrentCash"))?;
            m.total_liquidity = m
                .total_liquidity
                .checked_add(tokens)
                .ok_or_else(|| overflow("totalLiquidity"))?;
            (tokens, fcash, m.last_implied_rate)
        };
        if !(min_implied_rate <= max_implied_rate
            && min_implied_rate <= implied
            && implied <= max_implied_rate)
        {
            return Err(NotionalError::Slippage {
                implied_rate: implied.to_string(),
                limit: format!("[{min_implied_rate}, {max_implied_rate}]"),
            });
        }
        *self = m;
        Ok(Liquidity {
            tokens,
            fcash,
            cash,
        })
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
        let cash = mul_div(self.total_current_cash, tokens, l, "removeLiquidity cash")?;
        let fcash = mul_div(self.total_fcash, tokens, l, "removeLiquidity fCash")?;
        let (Some(c), Some(f), Some(liq)) = (
            self.total_current_cash.checked_sub(cash),
            self.total_fcash.checked_sub(fcash),
            self.total_liquidity.checked_sub(tokens),
        ) else {
            return Err(NotionalError::TradeTooLarge {
                reason: format!("{tokens} tokens of {} in the market", self.total_liquidity),
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

fn signed(x: u128) -> Result<i128> {
    i128::try_from(x).map_err(|_| overflow("fCash above int128"))
}

fn max_trade(g: &Governance, fcash: u128) -> Result<()> {
    if fcash > g.max_trade_size {
        return Err(NotionalError::TradeTooLarge {
            reason: format!(
                "{fcash} fCash is above the max trade size {}",
                g.max_trade_size
            ),
        });
    }
    Ok(())
}

/// `_calculateTransactionFee(cash, timeToMaturity)`: `⌊cash · fee · t / L / 1e18⌋`.
///
/// ```
/// use notional::v1::{Governance, transaction_fee};
///
/// const E18: u128 = 1_000_000_000_000_000_000;
/// let g = Governance {
///     maturity_length: 2_592_000, max_trade_size: u128::MAX, rate_anchor: 1_100_000_000,
///     rate_scalar: 100, liquidity_fee: 0, transaction_fee: E18 / 1000, // 0.1 % a period
/// };
/// // A third of the period left: ⌊1000e18 · 1e15 · 864000 / 2592000 / 1e18⌋.
/// assert_eq!(transaction_fee(&g, 1_000 * E18, 864_000)?, 333_333_333_333_333_333);
/// # Ok::<(), notional::NotionalError>(())
/// ```
///
/// # Errors
/// [`NotionalError::DivisionByZero`] for a zero maturity length, [`NotionalError::Overflow`].
pub fn transaction_fee(g: &Governance, cash: u128, time_to_maturity: u32) -> Result<u128> {
    let x = mul(
        mul(u256(cash), u256(g.transaction_fee), "fee")?,
        U256::from(time_to_maturity),
        "fee",
    )?;
    let x =
        checked_div(x, U256::from(g.maturity_length), "_calculateTransactionFee")? / u256(DECIMALS);
    to_u128(x, "fee above uint128")
}

/// `_calculateImpliedRate(cash, fCash, timeToMaturity)`: `(fCash · 1e9 / cash − 1e9) · L / t`.
///
/// ```
/// use notional::v1::{Governance, calculate_implied_rate};
///
/// let g = Governance {
///     maturity_length: 2_592_000, max_trade_size: u128::MAX, rate_anchor: 1_100_000_000,
///     rate_scalar: 100, liquidity_fee: 0, transaction_fee: 0,
/// };
/// // 990 cash for 1000 fCash, 10 days of a 30-day period: ⌊1000e9/990⌋ = 1010101010, so
/// // (1010101010 − 1e9) · 3 = 30 303 030 (3.03 % a period, simple).
/// assert_eq!(calculate_implied_rate(&g, 990, 1000, 864_000)?, 30_303_030);
/// assert!(calculate_implied_rate(&g, 1000, 990, 864_000).is_err()); // a negative rate
/// # Ok::<(), notional::NotionalError>(())
/// ```
///
/// # Errors
/// [`NotionalError::DivisionByZero`] (no cash, `t = 0`), [`NotionalError::NegativeInterestRate`]
/// when fCash is below cash (SafeMath's underflow), [`NotionalError::Overflow`] above `uint32`.
pub fn calculate_implied_rate(
    g: &Governance,
    cash: u128,
    fcash: u128,
    time_to_maturity: u32,
) -> Result<u32> {
    let rate = checked_div(
        mul(u256(fcash), U256::from(INSTRUMENT_PRECISION), "rate")?,
        u256(cash),
        "_calculateImpliedRate",
    )?;
    let excess = rate
        .checked_sub(U256::from(INSTRUMENT_PRECISION))
        .ok_or_else(|| NotionalError::NegativeInterestRate {
            trade_rate: rate.to_string(),
            rate_precision: INSTRUMENT_PRECISION.to_string(),
        })?;
    let r = checked_div(
        mul(excess, U256::from(g.maturity_length), "rate")?,
        U256::from(time_to_maturity),
        "_calculateImpliedRate",
    )?;
    u32::try_from(r).map_err(|_| overflow("implied rate above uint32"))
}
