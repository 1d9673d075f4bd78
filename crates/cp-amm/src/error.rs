//! The one error type of the crate: every fallible operation returns it, and a failed call leaves
//! any pool it was given unchanged.

use thiserror::Error;

/// Why an AMM operation or an arithmetic step was refused.
///
/// Values are carried as strings so that the enum is the same for every number type.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CpAmmError {
    /// An amount, reserve or price that must be strictly positive was zero or negative.
    #[error("{what} must be positive, got {value}")]
    NonPositive {
        /// Which argument was wrong.
        what: &'static str,
        /// Its value.
        value: String,
    },
    /// An `f64` argument was NaN or infinite.
    #[error("{what} must be finite, got {value}")]
    NonFinite {
        /// Which argument was wrong.
        what: &'static str,
        /// Its value.
        value: String,
    },
    /// The trade asks for at least the whole reserve of the output token.
    #[error("insufficient liquidity: {requested} requested, reserve is {reserve}")]
    InsufficientLiquidity {
        /// The amount asked for (or computed).
        requested: String,
        /// The reserve it must stay below.
        reserve: String,
    },
    /// The trade is so small against the reserves that its result rounds to zero.
    #[error("{what} rounds to zero at this precision")]
    RoundsToZero {
        /// Which computed amount vanished.
        what: &'static str,
    },
    /// One of the crate's guarantees did not hold ([`invariants`](crate::invariants)).
    #[error("invariant `{invariant}` violated: {detail}")]
    Violated {
        /// The invariant, as the function that checks it is named.
        invariant: &'static str,
        /// The values involved.
        detail: String,
    },
    /// An LP withdrawal asked for more shares than exist.
    #[error("insufficient LP shares: {requested} requested, supply is {supply}")]
    InsufficientShares {
        /// Shares asked for.
        requested: String,
        /// Total supply.
        supply: String,
    },
    /// A fee of 100 % or more.
    #[error("fee of {ppm} ppm is not below 1_000_000 ppm (100 %)")]
    InvalidFee {
        /// The fee, in parts per million.
        ppm: u32,
    },
    /// A result does not fit the number type (`f64` infinity, or `Decimal`'s 96-bit mantissa).
    #[error("arithmetic overflow in {op}")]
    Overflow {
        /// The operation that overflowed.
        op: &'static str,
    },
    /// Division of a non-zero number by zero (Python's `DivisionByZero`).
    #[error("division by zero: {dividend} / 0")]
    DivisionByZero {
        /// The dividend.
        dividend: String,
    },
    /// An operation with no defined result, such as 0 / 0 (Python's `InvalidOperation`).
    #[error("invalid operation: {op}")]
    InvalidOperation {
        /// What was attempted.
        op: &'static str,
    },
    /// The square root of a negative number (Python's `InvalidOperation` for `sqrt`).
    #[error("square root of negative number {value}")]
    NegativeSqrt {
        /// The radicand.
        value: String,
    },
    /// A decimal context precision outside `1..=28`.
    #[error("precision {0} is outside 1..=28 significant digits")]
    InvalidPrecision(u32),
}

/// The crate's result type.
pub type Result<T, E = CpAmmError> = std::result::Result<T, E>;
