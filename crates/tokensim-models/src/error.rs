//! The tokensim-models crate's one error type.

use cp_amm::CpAmmError;
use thiserror::Error;

/// Why a model function refused its input.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ModelError {
    /// An AMM operation or a decimal operation failed (this includes Python's `DivisionByZero`,
    /// as [`CpAmmError::DivisionByZero`], and its `InvalidOperation` for a negative square root,
    /// as [`CpAmmError::NegativeSqrt`]).
    #[error(transparent)]
    Amm(#[from] CpAmmError),
    /// Flash V3, faithful mode: the mint rate does not exceed the market rate, where the seed's
    /// `p_flash_to_stake` returns an unassigned variable (Python's `UnboundLocalError`).
    #[error(
        "no stake opportunity: FPY {fpy} does not exceed the market APY {m_apy} (the seed raises UnboundLocalError)"
    )]
    NoStakeOpportunity {
        /// The mint rate (FPY).
        fpy: String,
        /// The market rate (mAPY).
        m_apy: String,
    },
    /// Flash V3, corrected mode: the price that would remove FLASH's premium,
    /// `px1 − (FPY − mAPY)`, is not positive, so no sale of FLASH reaches it.
    #[error("the target price px1 − (FPY − mAPY) = {target} is not positive")]
    TargetPriceNotPositive {
        /// The target price.
        target: String,
    },
    /// A division by zero, where the seed raises Python's `ZeroDivisionError`.
    #[error("division by zero in {what}")]
    DivisionByZero {
        /// The divisor, as a formula.
        what: &'static str,
    },
    /// Honey: a price step left the price at or below zero (or not finite), and the guard
    /// rejects it.
    #[error("the price became {price}, not positive")]
    NonPositivePrice {
        /// The price the step produced.
        price: String,
    },
    /// Fei: the capital-allocation library refused (its message; [`fei_cam::CamError`] carries
    /// floats, so it is kept as text to keep this type `Eq`).
    #[error("capital allocation: {0}")]
    CapitalAllocation(String),
    /// A model parameter outside its domain.
    #[error("parameter `{name}` = {value}: {reason}")]
    InvalidParameter {
        /// The parameter.
        name: &'static str,
        /// The value given.
        value: String,
        /// What it must be.
        reason: &'static str,
    },
    /// A negative standard deviation for a normal draw (numpy raises `ValueError: scale < 0`).
    #[error("the scale of a normal draw is negative: {scale}")]
    NegativeScale {
        /// The scale given.
        scale: String,
    },
}
