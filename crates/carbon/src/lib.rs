//! # carbon: Bancor Carbon's concentrated orders
//!
//! Carbon (the CarbonOrderUI notebook, seed `004_ab0d54064f1f8efe`, and Bancor's
//! carbon-contracts) lets a maker sell one token for another along a curve between two
//! prices. This crate holds the contracts' integer math, bit-exact with `Strategies.sol` and
//! `MathEx.sol`.
//!
//! ## The math
//!
//! Rates are square roots of prices (wei sold per wei bought) in 48-bit fixed point,
//! `ONE = 2⁴⁸`, stored compressed: `e(v) = (v >> c) | (c << 48)` with `c = bitlen(v >> 48)`,
//! expanded as `d(v) = (v mod 2⁴⁸) << (v >> 48)` ([`rate`]). An order is
//! `{y, z, A = e(H − L), B = e(L)}` ([`EncodedOrder`]). With `a = d(A)`, `b = d(B)`:
//!
//! * by source, `x` in gives `x(a·y + b·z)² / (a·x(a·y + b·z) + (z·ONE)²)` out, rounded down;
//! * by target, `x` out costs `x(z·ONE)² / ((a·y + b·z)(a·y + b·z − a·x))` in, rounded up;
//! * with `a = 0` (a single price) these are `x·b²/ONE²` and `x·ONE²/b²`.
//!
//! The contract evaluates them with 512-bit `mulDiv` and a `minFactor` scaling so nothing
//! overflows 256 bits ([`math_ex`]); so does this crate, with ruint.
//!
//! ## Errors
//!
//! The contract's reverts are [`CarbonError`] values (`OrderDisabled`, `InsufficientLiquidity`,
//! `Overflow` including the `uint128` cast, `InvalidRate`); nothing panics. The SDK's
//! off-chain convention (0 or `u128::MAX` instead of a revert) is [`Convention::Sdk`].
//!
//! ## Example
//!
//! ```
//! use carbon::EncodedOrder;
//!
//! // Sell 2 962 962 wei between rates 1 and 2, starting at 2 (carbon-trade's first vector).
//! let order = EncodedOrder::from_rates("2962962", "1", "2", "2")?;
//! assert_eq!(order.target_amount(1000)?, 1999);
//! // Buying 1999 back costs at least what was paid for it.
//! assert!(order.source_amount(1999)? >= 1000);
//! # Ok::<(), carbon::CarbonError>(())
//! ```

mod decode;
mod error;
mod matching;
pub mod math_ex;
mod order;
mod pair;
pub mod rate;
mod strategy;
mod ui;

pub use decode::Ratio;
pub use error::CarbonError;
pub use matching::{
    Amount, MatchAction, MatchOptions, match_by_source_amount, match_by_target_amount,
};
pub use order::{
    Convention, EncodedOrder, calculate_trade_source_amount, calculate_trade_target_amount,
};
pub use pair::Pair;
pub use ruint::aliases::U256;
pub use strategy::{
    Constraint, FeePpm, PPM_RESOLUTION, Strategy, TradeAction, TradeBy, TradeTotals, trade,
};
pub use ui::{
    AddLiquidity, CarbonOrderUi, EPSILON, PriceBound, SellOptions, StrategyUi, TradeKind, UiTrade,
};
