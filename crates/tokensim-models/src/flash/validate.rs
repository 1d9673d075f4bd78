//! The Flash V3 model's parameters and genesis state, checked before the first run: each
//! refused value is named with its valid range. The same ranges hold in both fidelities (the
//! seed ignores `fee_rate` and `burn_rate`, but a value out of range is a mistake either way).

use rust_decimal::Decimal;

use super::{FlashParams, FlashState};
use crate::ModelError;
use crate::check::{in_range, positive};

/// Refuses parameters or a genesis state outside the model's domain.
///
/// * `fee_rate` and `burn_rate` are in `[0, 1)` (the fee also a whole number of parts per
///   million); `mint_rate` is `≥ 0`; `ext_swap_rand_factor` is finite and `≥ 0`.
/// * `market_apy_low < market_apy_high`, with their difference an `i64` (the seed draws
///   `randrange(low, high)`); `steps_per_year ≥ 1`.
/// * Genesis: the four pool reserves are `> 0`; `staked`, `minted`, `burned` and
///   `market_apy` are `≥ 0`.
///
/// # Errors
/// [`ModelError::InvalidParameter`] for the first value out of range.
pub fn validate(s: &FlashState, p: &FlashParams) -> Result<(), ModelError> {
    const BELOW_ONE: &str = "it must be in [0, 1)";
    in_range(
        "fee_rate",
        p.fee_rate,
        Decimal::ZERO..Decimal::ONE,
        BELOW_ONE,
    )?;
    let ppm = p.fee_rate.checked_mul(Decimal::from(1_000_000));
    if ppm.is_none_or(|ppm| !ppm.fract().is_zero()) {
        return Err(ModelError::InvalidParameter {
            name: "fee_rate",
            value: p.fee_rate.to_string(),
            reason: "it must be a whole number of parts per million",
        });
    }
    in_range(
        "burn_rate",
        p.burn_rate,
        Decimal::ZERO..Decimal::ONE,
        BELOW_ONE,
    )?;
    in_range("mint_rate", p.mint_rate, Decimal::ZERO.., "it must be ≥ 0")?;
    in_range(
        "ext_swap_rand_factor",
        p.ext_swap_rand_factor,
        0.0..,
        "it must be finite and ≥ 0",
    )?;
    super::policies::market_apy_width(p)?;
    in_range(
        "steps_per_year",
        p.steps_per_year,
        1..,
        "it must be at least 1",
    )?;
    for (name, v) in [
        ("ext_flash", s.ext_flash),
        ("ext_alt", s.ext_alt),
        ("int_flash", s.int_flash),
        ("int_alt", s.int_alt),
    ] {
        in_range(name, v, positive(), "a pool reserve must be > 0")?;
    }
    for (name, v) in [
        ("staked", s.staked),
        ("minted", s.minted),
        ("burned", s.burned),
        ("market_apy", s.market_apy),
    ] {
        in_range(name, v, Decimal::ZERO.., "it must be ≥ 0")?;
    }
    Ok(())
}
