//! The crate's one error type: every way an input can be refused, with the value that was wrong.

use thiserror::Error;

/// Why a capital-allocation function refused its input. A function that returns this error
/// has changed nothing.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum CamError {
    /// One of the crate's guarantees did not hold ([`invariants`](crate::invariants)).
    #[error("invariant `{invariant}` violated: {detail}")]
    Violated {
        /// The invariant, as the function that checks it is named.
        invariant: &'static str,
        /// The values involved.
        detail: String,
    },
    /// A number that must be finite was NaN or infinite.
    #[error("{what} must be finite, got {value}")]
    NotFinite {
        /// Which input.
        what: &'static str,
        /// The value given.
        value: f64,
    },
    /// A number that must not be negative was.
    #[error("{what} must not be negative, got {value}")]
    Negative {
        /// Which input.
        what: &'static str,
        /// The value given.
        value: f64,
    },
    /// A number that must be strictly positive was zero or negative.
    #[error("{what} must be positive, got {value}")]
    NotPositive {
        /// Which input.
        what: &'static str,
        /// The value given.
        value: f64,
    },
    /// A transfer or withdrawal asked for more than the deposit holds.
    #[error("cannot move {amount} out of a balance of {balance}")]
    InsufficientBalance {
        /// The amount asked for.
        amount: f64,
        /// The balance there is.
        balance: f64,
    },
    /// Two inputs that must have one length per deposit did not.
    #[error("{what} has {got} entries, expected {expected} (one per deposit)")]
    LengthMismatch {
        /// Which input.
        what: &'static str,
        /// The length required.
        expected: usize,
        /// The length given.
        got: usize,
    },
    /// Too few deposits (or too few entries) for the operation.
    #[error("{what} needs at least {min} entries, got {got}")]
    TooFew {
        /// Which input.
        what: &'static str,
        /// The least allowed.
        min: usize,
        /// The number given.
        got: usize,
    },
    /// More deposits than the incidence matrix can be built for.
    #[error("{n} deposits are too many: the complete graph would need {edges} edges")]
    TooManyDeposits {
        /// Deposits asked for.
        n: usize,
        /// Edges that would need (saturated).
        edges: usize,
    },
    /// A rate outside the range the fidelity accepts.
    #[error("rebalance rate {rate} is outside [0, 1]")]
    RateOutOfRange {
        /// The rate given.
        rate: f64,
    },
    /// A sum that the computation divides by was zero (or not positive).
    #[error("{what} sums to {sum}, which cannot be normalised")]
    DegenerateSum {
        /// Which quantity.
        what: &'static str,
        /// Its sum.
        sum: f64,
    },
    /// The singular value decomposition did not converge, or a matrix was empty.
    #[error("pseudo-inverse failed: {reason}")]
    PseudoInverse {
        /// What went wrong.
        reason: &'static str,
    },
    /// An intermediate result overflowed to infinity or NaN.
    #[error("{what} overflowed (got {value})")]
    Overflow {
        /// Which quantity.
        what: &'static str,
        /// The non-finite value.
        value: f64,
    },
    /// The corrected rebalance could not make the balances' index-order sum equal the total
    /// before it, bit for bit, by moving a few entries by a few ulps (a sum where rounding
    /// skips the exact total for every choice; no such input is known).
    #[error("the rebalanced balances sum to {got}, not the conserved total {expected}")]
    NotConserved {
        /// The total before the rebalance.
        expected: f64,
        /// The best sum reached.
        got: f64,
    },
    /// A transfer between a deposit and itself.
    #[error("a transfer needs two different deposits, got index {index} twice")]
    SameDeposit {
        /// The index given for both ends.
        index: usize,
    },
    /// An index past the end of the deposits.
    #[error("deposit index {index} is out of range for {len} deposits")]
    IndexOutOfRange {
        /// The index.
        index: usize,
        /// How many deposits there are.
        len: usize,
    },
}

/// Checks that `value` is finite.
pub(crate) fn finite(what: &'static str, value: f64) -> Result<f64, CamError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(CamError::NotFinite { what, value })
    }
}

/// Checks that `value` is finite and not negative.
pub(crate) fn non_negative(what: &'static str, value: f64) -> Result<f64, CamError> {
    finite(what, value)?;
    if value < 0.0 {
        Err(CamError::Negative { what, value })
    } else {
        Ok(value)
    }
}

/// Checks that `value` is finite and strictly positive.
pub(crate) fn positive(what: &'static str, value: f64) -> Result<f64, CamError> {
    finite(what, value)?;
    if value > 0.0 {
        Ok(value)
    } else {
        Err(CamError::NotPositive { what, value })
    }
}

/// Checks that `values` has one entry per deposit.
pub(crate) fn same_len(what: &'static str, expected: usize, got: usize) -> Result<(), CamError> {
    if expected == got {
        Ok(())
    } else {
        Err(CamError::LengthMismatch {
            what,
            expected,
            got,
        })
    }
}

/// Checks that a result is finite, naming it as an overflow otherwise.
pub(crate) fn no_overflow(what: &'static str, value: f64) -> Result<f64, CamError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(CamError::Overflow { what, value })
    }
}
