//! The one error type of the crate. The first seven variants are the gist's failures, one to one
//! with the conformance vectors' `error.kind`; the rest are the contracts' rejections and bad
//! arguments. A failed call changes nothing.

use std::fmt;

use num_bigint::{BigInt, Sign};
use ruint::aliases::U256;
use thiserror::Error;

/// A number an error reports, in the kind of number that produced it, printed as its source
/// prints it (so the enum stays `Eq` whatever produced the value).
///
/// ```
/// use notional::{JsNumber, Number};
///
/// assert_eq!(Number::from(-5i128).to_string(), "-5");
/// assert_eq!(Number::Fixed { value: 990_000_001.into(), decimals: 9 }.to_string(), "990000001e-9");
/// assert_eq!(Number::Js(JsNumber(1e21)).to_string(), "1e+21");
/// assert_eq!(Number::Infinite.to_string(), "Infinity");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Number {
    /// An integer, exact: a contract's `uint256`/`int256`, or an ethers `BigNumber`.
    Int(BigInt),
    /// A contract integer at a fixed precision, `value · 10^−decimals` (a proportion at 1e9 or
    /// 1e18); printed `{value}e-{decimals}`.
    Fixed {
        /// The integer as the contract holds it.
        value: BigInt,
        /// Its precision's exponent (9 for 1e9).
        decimals: u8,
    },
    /// A JavaScript Number (the gist's floats).
    Js(JsNumber),
    /// A decimal.js value (the gist's decimals at 18 significant digits), as decimal.js prints
    /// it.
    Decimal(String),
    /// A ratio whose divisor was zero (`p = 1` in `p / (1 − p)`), printed `Infinity`.
    Infinite,
}

impl Number {
    /// An integer at `decimals` decimal places ([`Number::Fixed`]).
    #[must_use]
    pub fn fixed(value: impl Into<BigInt>, decimals: u8) -> Self {
        Self::Fixed {
            value: value.into(),
            decimals,
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int(x) => write!(f, "{x}"),
            Self::Fixed { value, decimals } => write!(f, "{value}e-{decimals}"),
            Self::Js(x) => write!(f, "{x}"),
            Self::Decimal(s) => f.write_str(s),
            Self::Infinite => f.write_str("Infinity"),
        }
    }
}

macro_rules! number_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Number {
            fn from(x: $t) -> Self {
                Self::Int(BigInt::from(x))
            }
        }
    )*};
}
number_from_int!(i64, i128, u32, u64, u128);

impl From<BigInt> for Number {
    fn from(x: BigInt) -> Self {
        Self::Int(x)
    }
}

impl From<U256> for Number {
    fn from(x: U256) -> Self {
        Self::Int(big_u256(x))
    }
}

/// A `uint256` as a [`BigInt`].
pub(crate) fn big_u256(x: U256) -> BigInt {
    BigInt::from_bytes_le(Sign::Plus, &x.to_le_bytes::<32>())
}

impl From<JsNumber> for Number {
    fn from(x: JsNumber) -> Self {
        Self::Js(x)
    }
}

/// A JavaScript Number in an error: an `f64` compared by its bits (so `NaN` equals itself),
/// printed as JavaScript's `String(x)` prints it.
#[derive(Debug, Clone, Copy)]
pub struct JsNumber(pub f64);

impl PartialEq for JsNumber {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}

impl Eq for JsNumber {}

impl std::hash::Hash for JsNumber {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.to_bits().hash(state);
    }
}

impl fmt::Display for JsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::gist::js::number_to_string(self.0))
    }
}

/// Why a market calculation was refused.
///
/// Values are carried as [`Number`]s, in the kind of number that produced them (the gist's JS
/// Numbers and decimals, the contracts' integers).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum NotionalError {
    /// One of the crate's guarantees did not hold ([`invariants`](crate::invariants)).
    #[error("invariant `{invariant}` violated: {detail}")]
    Violated {
        /// The invariant, as the function that checks it is named.
        invariant: &'static str,
        /// The values involved.
        detail: String,
    },
    /// The proportion `(F + f) / (F + C)` is below 0 or above 1 (the gist's `RangeError` "Trade
    /// size … out of bounds …, proportion = …"); in v2, fCash the pool does not have.
    #[error("trade size out of bounds: proportion = {proportion}")]
    ProportionOutOfBounds {
        /// The proportion, as computed.
        proportion: Number,
    },
    /// The ratio `p / (1 − p)` exceeds the gist's `MAX64` (the f64 `9.223372036854776`) or the
    /// contract's `2^63 − 1` (over 1e18). `p = 1` divides by zero into it.
    #[error("trade size out of bounds: ratio = {ratio}")]
    RatioOverflow {
        /// The ratio, as computed ([`Number::Infinite`] when `p = 1`).
        ratio: Number,
    },
    /// The market has matured: time to maturity is negative (the gist's `exchangeToPeriodRate`
    /// and `periodToExchangeRate`), or zero where the contract refuses it.
    #[error("the market has matured: time to maturity is {time_to_maturity}")]
    MaturedMarket {
        /// `maturity − blockTime`.
        time_to_maturity: Number,
    },
    /// A rate below the floor: the gist's "Cannot lend at negative interest rates" (the lend's
    /// rate after the fee is below `ratePrecision`), and the contracts' exchange rates below 1
    /// (an implied rate on the anchor update, a trade after fees).
    #[error("negative interest rate: rate {trade_rate} is below {rate_precision}")]
    NegativeInterestRate {
        /// The trade's exchange rate after fees.
        trade_rate: Number,
        /// The rate that means 1 (`ratePrecision`).
        rate_precision: Number,
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
        /// The number.
        value: JsNumber,
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
        value: BigInt,
    },
    /// A result does not fit the contract's integer type (Solidity's checked arithmetic reverts).
    #[error("arithmetic overflow in {op}")]
    Overflow {
        /// The operation.
        op: &'static str,
    },
    /// A trade larger than the market allows: more cash or fCash than the pool holds, or above
    /// `maxTradeSize` (v1 `CashMarket.sol`).
    #[error("trade too large: {asked} asked of {limit} {of}")]
    TradeTooLarge {
        /// The amount the trade needs.
        asked: Number,
        /// The most there is, or that is allowed.
        limit: Number,
        /// What the limit is of (`"fCash in the pool"`, `"max trade size"` …).
        of: &'static str,
    },
    /// The trade's implied rate is beyond the limit the trader set (the contracts'
    /// `TRADE_FAILED_SLIPPAGE` and `OUT_OF_IMPLIED_RATE_BOUNDS`).
    #[error("implied rate {implied_rate} is outside the limits [{min}, {max}]")]
    Slippage {
        /// The trade's implied rate.
        implied_rate: u32,
        /// The trader's lower limit (0 when there is none).
        min: u32,
        /// The trader's upper limit (`u32::MAX` when there is none).
        max: u32,
    },
    /// An argument outside its domain (a negative amount, a zero parameter, a format precision
    /// above 100).
    #[error("invalid {name} = {value}: {reason}")]
    InvalidArgument {
        /// The argument.
        name: &'static str,
        /// Its value.
        value: Number,
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
            Self::Violated { .. } => "Violated",
        }
    }
}

/// The crate's result type.
pub type Result<T, E = NotionalError> = std::result::Result<T, E>;

/// What a contract function returns when it does not revert: its value, or (`Err`) the reason
/// for the failure value it returns instead of reverting (v1's rate of 0 with `false`, a cash
/// amount of 0; v2's `(0, false)` and its zero trade). The contract-shaped functions of
/// [`v1::contract`](crate::v1::contract) and [`v2::contract`](crate::v2::contract) return a
/// [`Result`] of one: `Err` is a revert.
pub type Attempt<T> = std::result::Result<T, NotionalError>;
