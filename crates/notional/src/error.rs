//! The one error type of the crate. The first seven variants are the gist's failures, one to one
//! with the conformance vectors' `error.kind`; the rest are the contracts' rejections and bad
//! arguments. A failed call changes nothing.

use thiserror::Error;

/// Why a market calculation was refused.
///
/// Values are carried as strings (the gist's decimals and integers, the contracts' integers), so
/// the enum is `Eq` whatever number type produced them.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum NotionalError {
    /// The proportion `(F + f) / (F + C)` is below 0 or above 1 (the gist's `RangeError` "Trade
    /// size … out of bounds …, proportion = …"); in v2, fCash the pool does not have.
    #[error("trade size out of bounds: proportion = {proportion}")]
    ProportionOutOfBounds {
        /// The proportion, as computed.
        proportion: String,
    },
    /// The ratio `p / (1 − p)` exceeds the gist's `MAX64` (the f64 `9.223372036854776`) or the
    /// contract's `2^63 − 1` (over 1e18). `p = 1` divides by zero into it.
    #[error("trade size out of bounds: ratio = {ratio}")]
    RatioOverflow {
        /// The ratio, as computed (`Infinity` when `p = 1`).
        ratio: String,
    },
    /// The market has matured: time to maturity is negative (the gist's `exchangeToPeriodRate`
    /// and `periodToExchangeRate`), or zero where the contract refuses it.
    #[error("the market has matured: time to maturity is {time_to_maturity}")]
    MaturedMarket {
        /// `maturity − blockTime`.
        time_to_maturity: String,
    },
    /// A rate below the floor: the gist's "Cannot lend at negative interest rates" (the lend's
    /// rate after the fee is below `ratePrecision`), and the contracts' exchange rates below 1
    /// (an implied rate on the anchor update, a trade after fees).
    #[error("negative interest rate: rate {trade_rate} is below {rate_precision}")]
    NegativeInterestRate {
        /// The trade's exchange rate after fees.
        trade_rate: String,
        /// The rate that means 1 (`ratePrecision`).
        rate_precision: String,
    },
    /// An integer division by zero (ethers' BigNumber `division by zero`, Solidity's revert).
    #[error("division by zero in {op}")]
    DivisionByZero {
        /// The operation.
        op: &'static str,
    },
    /// A JS Number that ethers' BigNumber refuses: NaN, infinite, fractional, or an unsafe integer
    /// (`|x| ≥ 2^53`). The gist reaches it when `calculateExchangeRate` returns NaN.
    #[error("invalid number for BigNumber: {value}")]
    InvalidNumber {
        /// The number, as JavaScript prints it.
        value: String,
    },
    /// `iterateRates` did not converge within the cap (the gist loops for ever).
    #[error("iterateRates did not converge within {iterations} iterations")]
    NoConvergence {
        /// Iterations run.
        iterations: u32,
    },
    /// A BigNumber too large for a JS Number (`toNumber` of `|x| ≥ 2^53`).
    #[error("number overflow: {value} does not fit a JS Number")]
    NumberOverflow {
        /// The integer.
        value: String,
    },
    /// A result does not fit the contract's integer type (Solidity's checked arithmetic reverts).
    #[error("arithmetic overflow in {op}")]
    Overflow {
        /// The operation.
        op: &'static str,
    },
    /// A trade larger than the market allows: more cash or fCash than the pool holds, or above
    /// `maxTradeSize` (v1 `CashMarket.sol`).
    #[error("trade too large: {reason}")]
    TradeTooLarge {
        /// Which limit.
        reason: String,
    },
    /// The trade's implied rate is beyond the limit the trader set (the contracts'
    /// `TRADE_FAILED_SLIPPAGE` and `OUT_OF_IMPLIED_RATE_BOUNDS`).
    #[error("implied rate {implied_rate} is beyond the limit {limit}")]
    Slippage {
        /// The trade's implied rate.
        implied_rate: String,
        /// The trader's limit.
        limit: String,
    },
    /// An argument outside its domain (a negative amount, a zero parameter, a format precision
    /// above 100).
    #[error("invalid {name} = {value}: {reason}")]
    InvalidArgument {
        /// The argument.
        name: &'static str,
        /// Its value.
        value: String,
        /// What was wrong.
        reason: &'static str,
    },
}

impl NotionalError {
    /// The kind's name, as the conformance vectors spell `error.kind`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::ProportionOutOfBounds { .. } => "ProportionOutOfBounds",
            Self::RatioOverflow { .. } => "RatioOverflow",
            Self::MaturedMarket { .. } => "MaturedMarket",
            Self::NegativeInterestRate { .. } => "NegativeInterestRate",
            Self::DivisionByZero { .. } => "DivisionByZero",
            Self::InvalidNumber { .. } => "InvalidNumber",
            Self::NoConvergence { .. } => "NoConvergence",
            Self::NumberOverflow { .. } => "NumberOverflow",
            Self::Overflow { .. } => "Overflow",
            Self::TradeTooLarge { .. } => "TradeTooLarge",
            Self::Slippage { .. } => "Slippage",
            Self::InvalidArgument { .. } => "InvalidArgument",
        }
    }
}

/// The crate's result type.
pub type Result<T, E = NotionalError> = std::result::Result<T, E>;
