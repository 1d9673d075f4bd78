//! What must hold of every Honey state, and why; [`model`](super::model) declares them, so the
//! engine checks them after every substep of every run.
//!
//! | invariant | why it holds in the corrected model |
//! | --- | --- |
//! | `price_positive` | the multiplicative walk `p·exp(±m)` cannot cross zero, and [`PriceGuard::Reject`](super::PriceGuard::Reject) ends the run (as a model error) where `exp` underflows or overflows; the seed's additive walk crosses zero when `m > 1` |
//! | `target_price_positive` | `size/(C+R) · valuation/max(0.5, σ) · ((C+R)/C)²` is positive for a positive market, and the guard refuses it otherwise |
//! | `reserve_non_negative` | outflows take a share `≤ 1` of the pool, and [`BurnLimit::Reserve`](super::BurnLimit::Reserve) burns at most what is left |
//! | `circulation_non_negative` | [`InflowLimit::Circulation`](super::InflowLimit::Circulation): inflows buy back at most what circulates |
//! | `saturation_in_unit` | a logistic `1/(1 + e^{6−u})` is in `[0, 1]` for any `u` that is not NaN (a NaN ends the run first when non-finite states are checked) |
//! | `supply_changes_by_adjustment` | `R' + C' = (R + netflow + adjustment) + (C − netflow)`: the netflow moves Honey between pool and circulation, and only the policy's mint or burn changes the total; compared to 64 ulps of the terms' magnitude, since the two sums round differently |
//!
//! ```
//! use sim_core::{Experiment, NullSink};
//! use tokensim_models::honey::{self, HoneyOptions, HoneyParams};
//!
//! // At twice the seed's price scale, its additive walk crosses zero in some runs; the
//! // corrected multiplicative walk never does.
//! let model = honey::model();
//! let run = |options| {
//!     let p = HoneyParams { p_variance: 0.5, options, ..HoneyParams::default() };
//!     Experiment::new(&model, vec![p]).runs(20).timesteps(24).seed(3).run(&mut NullSink::default())
//! };
//! let seed = run(HoneyOptions::faithful())?;
//! assert!(seed.failures.iter().any(|f| f.invariant() == Some("price_positive")));
//! assert!(run(HoneyOptions::default())?.is_success());
//! # Ok::<(), sim_core::EngineError>(())
//! ```

use sim_core::{Check, InvariantSet, Invariants, holds};

use super::{HoneyParams, HoneyState};

/// `|a − b| ≤ 64 ε · scale`: equal up to the rounding of sums of that magnitude.
fn close(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= 64.0 * f64::EPSILON * scale
}

fn positive_finite(name: &str, v: f64) -> Result<(), String> {
    holds(v > 0.0 && v.is_finite(), || format!("{name} = {v}"))
}

fn supply_changes_by_adjustment(_: &HoneyParams, c: &Check<'_, HoneyState>) -> Result<(), String> {
    let (b, s) = (c.before, c.state);
    let change = (s.reserve + s.circulation) - (b.reserve + b.circulation);
    let scale = b.reserve.abs() + b.circulation.abs() + s.netflow.abs() + s.adjustment.abs();
    holds(close(change, s.adjustment, scale), || {
        format!(
            "the supply changed by {change}, the adjustment was {} (supply {} → {})",
            s.adjustment,
            b.reserve + b.circulation,
            s.reserve + s.circulation
        )
    })
}

/// The Honey model's invariants, in the order of the module's table.
#[must_use]
pub fn invariants(
    i: Invariants<HoneyState, HoneyParams>,
) -> Invariants<HoneyState, HoneyParams, impl InvariantSet<HoneyState, HoneyParams>> {
    i.check("price_positive", |_, c| {
        positive_finite("price", c.state.price)
    })
    .check("target_price_positive", |_, c| {
        positive_finite("target_price", c.state.target_price)
    })
    .check("reserve_non_negative", |_, c| {
        holds(c.state.reserve >= 0.0, || {
            format!("reserve = {}", c.state.reserve)
        })
    })
    .check("circulation_non_negative", |_, c| {
        holds(c.state.circulation >= 0.0, || {
            format!("circulation = {}", c.state.circulation)
        })
    })
    .check("saturation_in_unit", |_, c| {
        holds((0.0..=1.0).contains(&c.state.saturation), || {
            format!("saturation = {}", c.state.saturation)
        })
    })
    .check("supply_changes_by_adjustment", supply_changes_by_adjustment)
}
