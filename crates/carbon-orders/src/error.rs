//! The crate's one error type: the contracts' reverts, and refused input, as values.

use thiserror::Error;

/// Why an operation was refused. A function that returns this error has changed nothing.
///
/// The first group are the contracts' reverts and the integer math's refusals; the second
/// (from [`Pair`](crate::Pair) on) are the float [`CarbonOrderUi`](crate::CarbonOrderUi)'s, which
/// carry the `f64` that was refused, so the enum is `PartialEq` but not `Eq`.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum CarbonError {
    /// One of the crate's guarantees did not hold ([`invariants`](crate::invariants)).
    #[error("invariant `{invariant}` violated: {detail}")]
    Violated {
        /// The invariant, as the function that checks it is named.
        invariant: &'static str,
        /// The values involved.
        detail: String,
    },
    /// The order has no curve to trade on (`z = 0` or both rates zero).
    #[error("the order is disabled")]
    OrderDisabled,
    /// The trade asks for more than the order holds (the contract's `InsufficientLiquidity`).
    #[error("insufficient liquidity: the order holds {available}, the trade needs {needed}")]
    InsufficientLiquidity {
        /// What the order holds (`y`).
        available: u128,
        /// What the trade needs.
        needed: String,
    },
    /// A result does not fit its type (`MathEx.Overflow`, Solidity's checked arithmetic, or the
    /// final `uint128` cast).
    #[error("overflow in {what}")]
    Overflow {
        /// Which step.
        what: &'static str,
    },
    /// A compressed rate whose exponent exceeds 48 (the contract's `InvalidRate`).
    #[error("invalid rate {rate:#x}: its exponent exceeds 48")]
    InvalidRate {
        /// The compressed rate.
        rate: u64,
    },
    /// A division by zero that the contract would revert on.
    #[error("division by zero in {what}")]
    DivisionByZero {
        /// Which step.
        what: &'static str,
    },
    /// A trade action with a zero amount (the contract's `InvalidTradeActionAmount`).
    #[error("trade action {index} has a zero amount")]
    InvalidTradeActionAmount {
        /// The action's position.
        index: usize,
    },
    /// A trade action naming a strategy that does not exist.
    #[error("trade action {index} names strategy {strategy}, which does not exist")]
    UnknownStrategy {
        /// The action's position.
        index: usize,
        /// The strategy named.
        strategy: usize,
    },
    /// A trade by target that costs more than `maxInput` (`GreaterThanMaxInput`).
    #[error("the trade costs {source_amount}, more than the maximum input {max_input}")]
    GreaterThanMaxInput {
        /// What it costs, fee included.
        source_amount: u128,
        /// The limit.
        max_input: u128,
    },
    /// A trade by source that returns less than `minReturn` (`LowerThanMinReturn`).
    #[error("the trade returns {target_amount}, less than the minimum return {min_return}")]
    LowerThanMinReturn {
        /// What it returns, fee deducted.
        target_amount: u128,
        /// The limit.
        min_return: u128,
    },
    /// A trading fee above 1 000 000 ppm.
    #[error("a trading fee of {ppm} ppm is above 1 000 000")]
    InvalidFee {
        /// The fee given.
        ppm: u32,
    },
    /// A decimal string that is not a non-negative decimal number.
    #[error("`{text}` is not a non-negative decimal number")]
    InvalidDecimal {
        /// The text given.
        text: String,
    },
    /// An order whose prices or rates cannot make a curve: prices out of order, a zero price
    /// where its inverse is needed, or rates carbon-sdk's `encodeOrder` refuses.
    #[error("invalid order: {reason}")]
    InvalidOrder {
        /// What is wrong.
        reason: &'static str,
    },
    /// An order index other than 0 or 1 in a two-order strategy.
    #[error("a strategy has orders 0 and 1, not {index}")]
    UnknownOrder {
        /// The index given.
        index: usize,
    },
    /// A pair that is not `BASE/QUOTE` with two different, non-empty tokens.
    #[error("`{text}` is not a pair of the form BASE/QUOTE with two different tokens")]
    InvalidPair {
        /// The text given.
        text: String,
    },
    /// A token that is not one of the pair's two.
    #[error("token {token} is not part of the pair {pair}")]
    TokenNotInPair {
        /// The token given.
        token: String,
        /// The pair, as `BASE/QUOTE`.
        pair: String,
    },
    /// A float input that is NaN or infinite, or out of its range (a price `≤ 0`, a negative
    /// amount, a convexity `Q` outside `(0, 1]`).
    #[error("{name} = {value} is invalid: {reason}")]
    InvalidInput {
        /// Which input (the reference's name, such as `pa`, `yint` or `dy`).
        name: &'static str,
        /// The value given.
        value: f64,
        /// What it must be.
        reason: &'static str,
    },
    /// A holding above the curve's capacity (`y > yint`).
    #[error("y = {y} is above the curve's capacity yint = {yint}")]
    AboveCapacity {
        /// The holding.
        y: f64,
        /// The capacity.
        yint: f64,
    },
    /// A float trade that needs more than the order holds (the float twin of
    /// `InsufficientLiquidity`).
    #[error("the trade needs {needed} of the token sold and the order holds {available}")]
    TradeBeyondLiquidity {
        /// What the order holds (`y`).
        available: f64,
        /// What the trade needs (`dy`).
        needed: f64,
    },
    /// A trade that would take `y` above `yint` when expanding the curve is not allowed.
    #[error(
        "the trade takes y to {y}, above yint = {yint}, and expanding the curve is not allowed"
    )]
    CurveNeedsExpanding {
        /// `y` after the trade.
        y: f64,
        /// The capacity.
        yint: f64,
    },
    /// A target price outside what the curve can still reach.
    #[error("price {price} is out of bounds: {bound}")]
    PriceOutOfBounds {
        /// The price asked for, in the pair's convention.
        price: f64,
        /// Which bound it passes.
        bound: crate::PriceBound,
    },
    /// A float result that is not finite (an overflow of `f64`).
    #[error("{what} is not finite")]
    NotFinite {
        /// Which result.
        what: &'static str,
    },
}
