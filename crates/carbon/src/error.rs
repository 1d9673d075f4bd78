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
    /// A decimal string that is not a non-negative decimal number.
    #[error("`{text}` is not a non-negative decimal number")]
    InvalidDecimal {
        /// The text given.
        text: String,
    },
}
