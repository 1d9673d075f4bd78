//! The Honey model's parameters and genesis state, checked before the first run: each refused
//! value is named with its valid range.

use super::{HoneyParams, HoneyState};
use crate::ModelError;
use crate::check::{in_range, positive};

/// Refuses parameters or a genesis state outside the model's domain.
///
/// * `throttle`, `outflow_rate`, `target_reserve_ratio` and `p_pull` are shares: `[0, 1]`
///   (a negative throttle mints without bound; NaN would act as 0).
/// * `valuation_ratio` is a ratio of price to inflows: `> 0`.
/// * `productivity` and `p_variance` are `≥ 0`; `growth` is `≥ −1` (the market cannot shrink
///   by more than all of it).
/// * Genesis: `reserve`, `circulation`, `size`, `production` and `utility` are `≥ 0`,
///   `saturation` is in `[0, 1]`, `price` and `target_price` are `> 0`, and every variable is
///   finite.
///
/// # Errors
/// [`ModelError::InvalidParameter`] for the first value out of range.
pub fn validate(s: &HoneyState, p: &HoneyParams) -> Result<(), ModelError> {
    const SHARE: &str = "it must be finite and in [0, 1]";
    const NON_NEGATIVE: &str = "it must be finite and ≥ 0";
    const POSITIVE: &str = "it must be finite and > 0";
    for (name, v) in [
        ("throttle", p.throttle),
        ("outflow_rate", p.outflow_rate),
        ("target_reserve_ratio", p.target_reserve_ratio),
    ] {
        in_range(name, v, 0.0..=1.0, SHARE)?;
    }
    in_range("valuation_ratio", p.valuation_ratio, positive(), POSITIVE)?;
    in_range("productivity", p.productivity, 0.0.., NON_NEGATIVE)?;
    in_range("growth", p.growth, -1.0.., "it must be finite and ≥ -1")?;
    in_range("p_variance", p.p_variance, 0.0.., NON_NEGATIVE)?;
    in_range("p_pull", p.p_pull, 0.0..=1.0, SHARE)?;
    for (name, v) in [
        ("reserve", s.reserve),
        ("circulation", s.circulation),
        ("size", s.size),
    ] {
        in_range(name, v, 0.0.., NON_NEGATIVE)?;
    }
    in_range("saturation", s.saturation, 0.0..=1.0, SHARE)?;
    in_range("production", s.production, 0.0.., NON_NEGATIVE)?;
    in_range("utility", s.utility, 0.0.., NON_NEGATIVE)?;
    in_range("price", s.price, positive(), POSITIVE)?;
    in_range("target_price", s.target_price, positive(), POSITIVE)?;
    in_range("netflow", s.netflow, .., "it must be finite")?;
    in_range("adjustment", s.adjustment, .., "it must be finite")
}
