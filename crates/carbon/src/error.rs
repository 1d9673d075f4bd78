//! The crate's one error type: the contracts' reverts, and refused input, as values.

use thiserror::Error;

/// Why an operation was refused. A function that returns this error has changed nothing.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CarbonError {
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
}
