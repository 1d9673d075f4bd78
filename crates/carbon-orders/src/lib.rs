//! # carbon-orders: Bancor Carbon's concentrated orders
//!
//! Carbon (the CarbonOrderUI notebook, seed `004_ab0d54064f1f8efe`, Bancor's carbon-contracts,
//! carbon-sdk and carbon-simulator) lets a maker sell one token for another along a curve
//! between two prices. This crate holds three things, each exact with its reference:
//!
//! * the contracts' integer math ([`EncodedOrder`], [`Strategy`], [`trade`]), bit-exact with
//!   `Strategies.sol` and `MathEx.sol`;
//! * carbon-sdk's matching of an amount across many orders ([`match_by_source_amount`],
//!   [`match_by_target_amount`], [`match_orders`]), action for action with
//!   [`Fidelity::Faithful`], and kept within the amount asked for by default;
//! * carbon-simulator's float order `CarbonOrderUI` ([`CarbonOrderUi`], [`StrategyUi`],
//!   [`Pair`]), in the reference's order of operations, bit-identical on the notebook's values.
//!
//! ## The curve
//!
//! An order sells `y` of one token (the `y` token) for the other (the `x` token). With
//! `B = sqrt(pb)` and `S = sqrt(pa) − sqrt(pb)`, where `pa ≥ pb` are the start and end prices
//! in `dy/dx`, and capacity `yint`, the curve is
//!
//! `x(y) = yint·(yint − y) / ((B + S)(B·yint + S·y))`,
//!
//! the marginal price is `(B + S·y/yint)²`, and a trade of `dx` in gives
//! `dy = dx(S·y + B·yint)² / (S·dx(S·y + B·yint) + yint²)` out (by source), while `dy` out
//! costs `dx = dy·yint² / ((S·y + B·yint)(S·y + B·yint − S·dy))` (by target). The notebook's
//! reparametrisation: `Q = sqrt(pb/pa)`, `Γ = 1 − sqrt(Q)`, reference points
//! `y0 = yint(1 − Γ)/(2 − Γ)` and `x0 = xint(1 − Γ)/(2 − Γ)`, asymptotes
//! `yasym = y0(1 − 1/Γ)`, `xasym = x0(1 − 1/Γ)`, and the invariant
//! `(x − xasym)(y − yasym) = κ = x0·y0/Γ²`.
//!
//! ## The contract's integers
//!
//! The contract stores `A = S` and `B` as rates (square roots of wei-per-wei prices) in 48-bit
//! fixed point, `ONE = 2⁴⁸`, compressed: `e(v) = (v >> c) | (c << 48)` with
//! `c = bitlen(v >> 48)`, expanded as `d(v) = (v mod 2⁴⁸) << (v >> 48)` ([`rate`]). An order is
//! `{y, z = yint, A = e(H − L), B = e(L)}` ([`EncodedOrder`]). With `a = d(A)`, `b = d(B)`:
//!
//! * by source, `x` in gives `x(a·y + b·z)² / (a·x(a·y + b·z) + (z·ONE)²)` out, rounded down;
//! * by target, `x` out costs `x(z·ONE)² / ((a·y + b·z)(a·y + b·z − a·x))` in, rounded up;
//! * with `a = 0` (a single price) these are `x·b²/ONE²` and `x·ONE²/b²`.
//!
//! The contract evaluates them with 512-bit `mulDiv` and a `minFactor` scaling so nothing
//! overflows 256 bits ([`math_ex`]); so does this crate, with ruint. Rounding always favours
//! the order's owner.
//!
//! The guarantees (rounding favours the order's owner, `y ≤ z`, trades and matchings within
//! liquidity and amount, marginal rates moving one way) are checks in [`invariants`], and the
//! `proptest` feature's `strategies` draw the domain; this crate's property tests use both.
//!
//! ## Errors
//!
//! One error type, [`CarbonError`]. The contract's reverts are values (`OrderDisabled`,
//! `InsufficientLiquidity`, `Overflow` including the `uint128` cast, `InvalidRate`); the SDK's
//! off-chain convention (0 or `u128::MAX` instead of a revert) is [`Convention::Sdk`]. The
//! float order refuses NaN, non-positive prices, `y > yint`, negative amounts and trades
//! beyond its liquidity. Nothing panics, and a refused call changes nothing.
//!
//! Known defects of the references are documented behaviour: `z` computed from rates can
//! exceed `2¹²⁸ − 1` (carbon-sdk #334), which [`EncodedOrder::from_rates`] refuses as
//! `Overflow`; a rate below `2⁻⁹⁶` encodes to 0, so its order trades at the lowest rate 0
//! (see [`rate::encode_rate`]); and with 1 wei of liquidity the fee can take the whole output,
//! so [`trade`] returns 0 to the trader, as the contract does.
//!
//! ## Example
//!
//! ```
//! use carbon_orders::{CarbonOrderUi, EncodedOrder, Pair, SellOptions};
//!
//! // Sell 2 962 962 wei between rates 1 and 2, starting at 2 (carbon-trade's first vector).
//! let order = EncodedOrder::from_rates("2962962", "1", "2", "2")?;
//! assert_eq!(order.target_amount(1000)?, 1999);
//! // Buying 1999 back costs at least what was paid for it.
//! assert!(order.source_amount(1999)? >= 1000);
//!
//! // The notebook's float order: sell 1 ETH from 2000 to 2500 USDC per ETH, then half of it.
//! let pair = Pair::parse("ETH/USDC")?;
//! let eth = CarbonOrderUi::from_prices(&pair, "ETH", 2000.0, 2500.0, 1.0, 1.0)?;
//! let t = eth.selly(0.5, SellOptions::default())?;
//! assert_eq!(format!("{:.4}", t.dx), "1055.7281");
//! assert_eq!(format!("{:.4}", t.pmarg), "2229.1236");
//! # Ok::<(), carbon_orders::CarbonError>(())
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

/// The README's example, run as a doctest so that the README cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

mod decode;
mod error;
pub mod invariants;
mod matching;
pub mod math_ex;
mod order;
mod pair;
pub mod prices;
pub mod rate;
#[cfg(feature = "proptest")]
#[cfg_attr(docsrs, doc(cfg(feature = "proptest")))]
pub mod strategies;
mod strategy;
mod ui;

pub use decode::Ratio;
pub use error::CarbonError;
pub use matching::{
    Amount, Fidelity, MatchAction, MatchMethod, MatchResults, match_amount, match_by_source_amount,
    match_by_target_amount, match_orders,
};
pub use order::{
    Convention, EncodedOrder, calculate_trade_source_amount, calculate_trade_target_amount,
    single_trade_action,
};
pub use pair::Pair;
pub use prices::{Decimals, OrderPrices, PriceRange, Side};
pub use ruint::aliases::U256;
pub use strategy::{
    Constraint, FeePpm, PPM_RESOLUTION, Strategy, TradeAction, TradeBy, TradeTotals, add_fee,
    subtract_fee, trade,
};
pub use ui::{
    AddLiquidity, CarbonOrderUi, EPSILON, PriceBound, SellOptions, StrategyUi, TradeKind, UiTrade,
};
