//! The Honey model's parameters and genesis state, checked before the first run: each refused
//! value is named with its valid range.

use super::{HoneyParams, HoneyState};
use crate::ModelError;
use crate::check::{at_least, finite, positive, within};

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
    within("throttle", p.throttle, 0.0, 1.0, SHARE)?;
    within("outflow_rate", p.outflow_rate, 0.0, 1.0, SHARE)?;
    within(
        "target_reserve_ratio",
        p.target_reserve_ratio,
        0.0,
        1.0,
        SHARE,
    )?;
    positive("valuation_ratio", p.valuation_ratio)?;
    at_least("productivity", p.productivity, 0.0, NON_NEGATIVE)?;
    at_least("growth", p.growth, -1.0, "it must be finite and ≥ -1")?;
    at_least("p_variance", p.p_variance, 0.0, NON_NEGATIVE)?;
    within("p_pull", p.p_pull, 0.0, 1.0, SHARE)?;
    at_least("reserve", s.reserve, 0.0, NON_NEGATIVE)?;
    at_least("circulation", s.circulation, 0.0, NON_NEGATIVE)?;
    at_least("size", s.size, 0.0, NON_NEGATIVE)?;
    within("saturation", s.saturation, 0.0, 1.0, SHARE)?;
    at_least("production", s.production, 0.0, NON_NEGATIVE)?;
    at_least("utility", s.utility, 0.0, NON_NEGATIVE)?;
    positive("price", s.price)?;
    positive("target_price", s.target_price)?;
    finite("netflow", s.netflow)?;
    finite("adjustment", s.adjustment)
}
