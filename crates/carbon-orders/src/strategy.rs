//! Strategies: two linked orders on one pair, traded by a list of actions as `Strategies.sol`
//! `_trade` does, with the trading fee applied to the totals.
//!
//! An action trades against the order that sells the target token; what it pays goes to the
//! other order of the strategy as liquidity, whose capacity grows with it (`z = max(z, y)`).
//! The fee is in ppm of the totals: by source the trader receives
//! `floor(T · (1e6 − fee) / 1e6)`, by target the trader pays `ceil(S · 1e6 / (1e6 − fee))`.
//!
//! **A known defect of the contracts, kept.** By source, the fee is rounded in the protocol's
//! favour, so a trade whose target total is small (1 wei against an order holding 1 wei) can
//! give the trader nothing: `floor(1 · 996 000 / 1e6) = 0`, the whole output goes to the fee,
//! and the source amount is still paid. [`trade`] returns that result as the contract does;
//! a trader guards against it with `minReturn ≥ 1` (the `constraint`), which turns it into
//! [`CarbonError::LowerThanMinReturn`].

use ruint::aliases::U256;

use crate::error::CarbonError;
use crate::math_ex::{mul_div_c, mul_div_f};
use crate::order::{EncodedOrder, to_u128};

/// The contracts' fee resolution, parts per million.
pub const PPM_RESOLUTION: u32 = 1_000_000;

/// A trading fee in ppm (the contracts' default is 4 000, 0.4 %; a pair may override it).
///
/// ```
/// use carbon_orders::FeePpm;
///
/// // 0.4 %, the contracts' default trading fee (`_tradingFeePPM`), is 4000 parts per million.
/// assert_eq!(FeePpm::default().ppm(), 4_000);
/// assert!(FeePpm::new(1_000_001).is_err());
/// # Ok::<(), carbon_orders::CarbonError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FeePpm(u32);

impl FeePpm {
    /// The contracts' default, 4 000 ppm.
    pub const DEFAULT: Self = Self(4_000);
    /// No fee.
    pub const ZERO: Self = Self(0);

    /// A fee of `ppm` parts per million.
    ///
    /// # Errors
    /// `InvalidFee` above 1 000 000.
    pub fn new(ppm: u32) -> Result<Self, CarbonError> {
        if ppm > PPM_RESOLUTION {
            return Err(CarbonError::InvalidFee { ppm });
        }
        Ok(Self(ppm))
    }

    /// The fee in ppm.
    #[must_use]
    pub fn ppm(self) -> u32 {
        self.0
    }
}

impl Default for FeePpm {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Two orders on one pair: `orders[i]` sells token `i`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Strategy {
    /// The two orders.
    pub orders: [EncodedOrder; 2],
}

/// One action of a trade: `amount` against strategy `strategy` (an index into the slice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TradeAction {
    /// Index of the strategy.
    pub strategy: usize,
    /// Source amount (by source) or target amount (by target).
    pub amount: u128,
}

/// Whether the actions' amounts are what the trader pays or what the trader receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TradeBy {
    /// Amounts are source amounts (`tradeBySourceAmount`).
    SourceAmount,
    /// Amounts are target amounts (`tradeByTargetAmount`).
    TargetAmount,
}

/// Totals of a trade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TradeTotals {
    /// Sum of the actions' source amounts, before the fee.
    pub source_before_fee: u128,
    /// Sum of the actions' target amounts, before the fee.
    pub target_before_fee: u128,
    /// What the trader pays (by target: fee included).
    pub source_amount: u128,
    /// What the trader receives (by source: fee deducted).
    pub target_amount: u128,
    /// The fee, in the source token (by target) or the target token (by source).
    pub fee_amount: u128,
}

/// The trader's limit: `minReturn` by source, `maxInput` by target.
pub type Constraint = u128;

/// Trades `actions` against `strategies`, where `target` is the index (0 or 1) of the order
/// that sells the target token in every strategy, and updates the strategies.
///
/// A strategy on a pair holds two orders, `orders[0]` selling the pair's first token and
/// `orders[1]` the second (carbon-sdk's `order0` and `order1`; with [`Side`](crate::Side),
/// `orders[0]` is the [`Side::Sell`](crate::Side::Sell) order of the base token). A trader
/// who wants the token that `orders[t]` sells passes `target = t`: that order pays out, and
/// the other order, `orders[1 − t]`, receives what the trader pays (the contract's
/// `_tradeOrders` with `targetToken` as the order's index).
///
/// `constraint` is `minReturn` (by source) or `maxInput` (by target); pass 0 or `u128::MAX`
/// for none.
///
/// ```
/// use carbon_orders::{Decimals, EncodedOrder, FeePpm, PriceRange, Side, Strategy, TradeAction, TradeBy, trade};
///
/// // An ETH/USDC strategy: order 0 sells 1 ETH from 2000 to 2500, order 1 buys ETH with
/// // 1000 USDC from 1800 down to 1500.
/// let d = Decimals { base: 18, quote: 6 };
/// let sell = PriceRange { low: "2000", marginal: "2000", high: "2500", budget: "1" };
/// let buy = PriceRange { low: "1500", marginal: "1800", high: "1800", budget: "1000" };
/// let mut strategies = [Strategy {
///     orders: [EncodedOrder::from_prices(Side::Sell, d, &sell)?, EncodedOrder::from_prices(Side::Buy, d, &buy)?],
/// }];
///
/// // A trader pays 500 USDC for ETH: the target token is ETH, which order 0 sells.
/// let pay = TradeAction { strategy: 0, amount: 500_000_000 };
/// let t = trade(&mut strategies, 0, &[pay], TradeBy::SourceAmount, FeePpm::new(2000)?, 0)?;
/// assert!(t.target_amount > 0 && t.target_amount < 250_000_000_000_000_000); // < 0.25 ETH
/// // Order 0 paid the ETH out; order 1 now holds the 500 USDC on top of its 1000.
/// assert_eq!(strategies[0].orders[0].y, 1_000_000_000_000_000_000 - t.target_before_fee);
/// assert_eq!(strategies[0].orders[1].y, 1_500_000_000);
/// # Ok::<(), carbon_orders::CarbonError>(())
/// ```
///
/// # Errors
/// A `target` other than 0 or 1 ([`CarbonError::UnknownOrder`]), a zero amount, an unknown
/// strategy, an order without enough liquidity, an overflow, or a
/// total beyond the constraint. The strategies change only when the whole trade succeeds.
pub fn trade(
    strategies: &mut [Strategy],
    target: usize,
    actions: &[TradeAction],
    by: TradeBy,
    fee: FeePpm,
    constraint: Constraint,
) -> Result<TradeTotals, CarbonError> {
    if target > 1 {
        return Err(CarbonError::UnknownOrder { index: target });
    }
    let mut next = strategies.to_vec();
    let (mut source_total, mut target_total) = (0u128, 0u128);
    let overflow = |what| CarbonError::Overflow { what };
    for (index, action) in actions.iter().enumerate() {
        let (source_amount, target_amount) = apply(&mut next, target, index, action, by)?;
        source_total = source_total
            .checked_add(source_amount)
            .ok_or(overflow("source total"))?;
        target_total = target_total
            .checked_add(target_amount)
            .ok_or(overflow("target total"))?;
    }
    let totals = match by {
        TradeBy::TargetAmount => with_fee_on_source(source_total, target_total, fee, constraint)?,
        TradeBy::SourceAmount => with_fee_on_target(source_total, target_total, fee, constraint)?,
    };
    strategies.copy_from_slice(&next);
    Ok(totals)
}

/// Trades action `index` against its strategy in `strategies`: order `target` pays out, the
/// other order receives. Returns `(source, target)` amounts before the fee.
fn apply(
    strategies: &mut [Strategy],
    target: usize,
    index: usize,
    action: &TradeAction,
    by: TradeBy,
) -> Result<(u128, u128), CarbonError> {
    if action.amount == 0 {
        return Err(CarbonError::InvalidTradeActionAmount { index });
    }
    let strategy = strategies
        .get_mut(action.strategy)
        .ok_or(CarbonError::UnknownStrategy {
            index,
            strategy: action.strategy,
        })?;
    let order = strategy.orders[target];
    let (source_amount, target_amount) = match by {
        TradeBy::SourceAmount => (action.amount, order.target_amount(action.amount)?),
        TradeBy::TargetAmount => (order.source_amount(action.amount)?, action.amount),
    };
    let remaining =
        order
            .y
            .checked_sub(target_amount)
            .ok_or_else(|| CarbonError::InsufficientLiquidity {
                available: order.y,
                needed: target_amount.to_string(),
            })?;
    strategy.orders[target].y = remaining;
    let receiving = &mut strategy.orders[1 - target];
    receiving.y = receiving
        .y
        .checked_add(source_amount)
        .ok_or(CarbonError::Overflow {
            what: "source order liquidity",
        })?;
    receiving.z = receiving.z.max(receiving.y);
    Ok((source_amount, target_amount))
}

/// `_addFee(amount)`: what a trader pays for `amount` with the fee on top,
/// `⌈amount · 1e6 / (1e6 − fee)⌉`, exactly as the contract.
///
/// ```
/// use carbon_orders::{FeePpm, add_fee};
///
/// // 0.4 %: 1000 / 0.996 = 1004.016…, rounded up.
/// assert_eq!(add_fee(1000, FeePpm::DEFAULT)?, 1005);
/// assert!(add_fee(1000, FeePpm::new(1_000_000)?).is_err()); // a fee of 100 % divides by zero
/// # Ok::<(), carbon_orders::CarbonError>(())
/// ```
///
/// # Errors
/// `DivisionByZero` for a fee of 100 %; `Overflow` for a result beyond `uint128` (the
/// contract's `SafeCast`).
pub fn add_fee(amount: u128, fee: FeePpm) -> Result<u128, CarbonError> {
    if fee.0 == PPM_RESOLUTION {
        return Err(CarbonError::DivisionByZero {
            what: "fee of 100 %",
        });
    }
    let ppm = U256::from(PPM_RESOLUTION);
    let keep = U256::from(PPM_RESOLUTION - fee.0);
    to_u128(mul_div_c(U256::from(amount), ppm, keep)?)
}

/// `_subtractFee(amount)`: what a trader receives of `amount` after the fee,
/// `⌊amount · (1e6 − fee) / 1e6⌋`, exactly as the contract.
///
/// ```
/// use carbon_orders::{FeePpm, subtract_fee};
///
/// assert_eq!(subtract_fee(1000, FeePpm::DEFAULT)?, 996);
/// assert_eq!(subtract_fee(1, FeePpm::DEFAULT)?, 0); // the whole wei goes to the fee
/// # Ok::<(), carbon_orders::CarbonError>(())
/// ```
///
/// # Errors
/// None for a fee the type holds; the `Result` is the contract's checked arithmetic.
pub fn subtract_fee(amount: u128, fee: FeePpm) -> Result<u128, CarbonError> {
    let ppm = U256::from(PPM_RESOLUTION);
    let keep = U256::from(PPM_RESOLUTION - fee.0);
    to_u128(mul_div_f(U256::from(amount), keep, ppm)?)
}

/// By target: the fee is added to what the trader pays, `⌈source · 1e6 / (1e6 − fee)⌉`, which
/// must stay within `maxInput`.
fn with_fee_on_source(
    source_total: u128,
    target_total: u128,
    fee: FeePpm,
    max_input: Constraint,
) -> Result<TradeTotals, CarbonError> {
    let with_fee = add_fee(source_total, fee)?;
    if with_fee > max_input {
        return Err(CarbonError::GreaterThanMaxInput {
            source_amount: with_fee,
            max_input,
        });
    }
    Ok(TradeTotals {
        source_before_fee: source_total,
        target_before_fee: target_total,
        source_amount: with_fee,
        target_amount: target_total,
        fee_amount: with_fee - source_total,
    })
}

/// By source: the fee is taken from what the trader receives, `⌊target · (1e6 − fee) / 1e6⌋`,
/// which must reach `minReturn`.
fn with_fee_on_target(
    source_total: u128,
    target_total: u128,
    fee: FeePpm,
    min_return: Constraint,
) -> Result<TradeTotals, CarbonError> {
    let after_fee = subtract_fee(target_total, fee)?;
    if after_fee < min_return {
        return Err(CarbonError::LowerThanMinReturn {
            target_amount: after_fee,
            min_return,
        });
    }
    Ok(TradeTotals {
        source_before_fee: source_total,
        target_before_fee: target_total,
        source_amount: source_total,
        target_amount: after_fee,
        fee_amount: target_total - after_fee,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(y: u128) -> EncodedOrder {
        // Rate 1 both ways: a = 0, b = ONE.
        EncodedOrder::from_rates(&y.to_string(), "1", "1", "1").unwrap()
    }

    #[test]
    fn one_wei_of_liquidity_can_all_go_to_the_fee() {
        let s0 = [Strategy {
            orders: [flat(0), flat(1)],
        }];
        let action = [TradeAction {
            strategy: 0,
            amount: 1,
        }];
        // Sells by source with the default fee, to order `target`, with minReturn `min`.
        let sell = |s: &mut [Strategy; 1], target, min| {
            trade(
                s,
                target,
                &action,
                TradeBy::SourceAmount,
                FeePpm::DEFAULT,
                min,
            )
        };
        let mut s = s0;
        let t = sell(&mut s, 1, 0).unwrap();
        assert_eq!(
            (
                t.source_amount,
                t.target_before_fee,
                t.target_amount,
                t.fee_amount
            ),
            (1, 1, 0, 1)
        );
        assert_eq!((s[0].orders[1].y, s[0].orders[0].y), (0, 1));
        // With minReturn = 1 the trader is protected, and nothing changes.
        let mut s = s0;
        assert_eq!(
            sell(&mut s, 1, 1),
            Err(CarbonError::LowerThanMinReturn {
                target_amount: 0,
                min_return: 1
            })
        );
        assert_eq!(s, s0);
        // An order index other than 0 or 1 is refused, not read as 1.
        let mut s = s0;
        assert_eq!(
            sell(&mut s, 7, 0),
            Err(CarbonError::UnknownOrder { index: 7 })
        );
        assert_eq!(s, s0);
    }

    #[test]
    fn fees_by_hand() {
        let mut s = [Strategy {
            orders: [flat(0), flat(1_000_000)],
        }];
        let act = [TradeAction {
            strategy: 0,
            amount: 1000,
        }];
        // By source at 0.4 %: 1000 out before the fee, floor(1000 · 0.996) = 996 after.
        let t = trade(&mut s, 1, &act, TradeBy::SourceAmount, FeePpm::DEFAULT, 0).unwrap();
        assert_eq!((t.target_amount, t.fee_amount), (996, 4));
        assert_eq!((s[0].orders[1].y, s[0].orders[0].y), (999_000, 1000));
        assert_eq!(s[0].orders[0].z, 1000);
        // By target: ceil(1000 · 1e6 / 996 000) = ceil(1004.016…) = 1005.
        let t = trade(
            &mut s,
            1,
            &act,
            TradeBy::TargetAmount,
            FeePpm::DEFAULT,
            u128::MAX,
        )
        .unwrap();
        assert_eq!((t.source_amount, t.fee_amount), (1005, 5));
    }

    #[test]
    fn refusals_leave_strategies_alone() {
        let mut s = [Strategy {
            orders: [flat(0), flat(100)],
        }];
        let before = s;
        let big = [TradeAction {
            strategy: 0,
            amount: 101,
        }];
        assert!(matches!(
            trade(
                &mut s,
                1,
                &big,
                TradeBy::TargetAmount,
                FeePpm::ZERO,
                u128::MAX
            ),
            Err(CarbonError::InsufficientLiquidity { .. })
        ));
        let ok_then_zero = [
            TradeAction {
                strategy: 0,
                amount: 10,
            },
            TradeAction {
                strategy: 0,
                amount: 0,
            },
        ];
        assert!(
            trade(
                &mut s,
                1,
                &ok_then_zero,
                TradeBy::SourceAmount,
                FeePpm::ZERO,
                0
            )
            .is_err()
        );
        let one = [TradeAction {
            strategy: 0,
            amount: 10,
        }];
        assert!(matches!(
            trade(&mut s, 1, &one, TradeBy::SourceAmount, FeePpm::ZERO, 11),
            Err(CarbonError::LowerThanMinReturn { .. })
        ));
        assert_eq!(s, before);
        assert!(FeePpm::new(1_000_001).is_err());
    }
}
