//! The Fei model's functions: pure formulas first, then the policies and updates the blocks
//! call.

use fei_cam::{CamError, endogenous_weights, rebalance};
use sim_core::{BoxError, Ctx, History, SimRng, need};

use super::{FeiParams, FeiSignals, FeiState};
use crate::ModelError;

/// The deposits, in the order of every vector here (Fei's `capital_allocation_fei_deposit_variables`).
pub const DEPOSITS: [&str; 4] = ["liquidity_pool", "money_market", "savings", "idle"];

fn bad(name: &'static str, value: impl ToString, reason: &'static str) -> ModelError {
    ModelError::InvalidParameter {
        name,
        value: value.to_string(),
        reason,
    }
}

fn cam(e: CamError) -> ModelError {
    ModelError::CapitalAllocation(e.to_string())
}

/// `√(dt / rebalance_duration)`, the share of the gap closed per step.
///
/// # Errors
/// A non-positive or non-finite `dt` or duration.
pub fn rebalance_rate(p: &FeiParams) -> Result<f64, ModelError> {
    fei_cam::CamParams {
        dt: p.dt,
        rebalance_duration: p.rebalance_duration,
        moving_average_window: 1,
    }
    .rebalance_rate()
    .map_err(cam)
}

/// The least-squares slope of `ys` against `0, 1, …` (numpy's `polyfit(…, 1)[0]`); 0 for fewer
/// than two points.
#[must_use]
pub fn price_slope(ys: &[f64]) -> f64 {
    let n = ys.len();
    if n < 2 {
        return 0.0;
    }
    let nf = n as f64;
    let x_mean = (nf - 1.0) / 2.0;
    let y_mean = ys.iter().sum::<f64>() / nf;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (i, y) in ys.iter().enumerate() {
        let dx = i as f64 - x_mean;
        sxy += dx * (y - y_mean);
        sxx += dx * dx;
    }
    sxy / sxx
}

/// The risk metric of Fei's money-market module: `(normalised, min, max)` from the raw
/// `−slope / mean`, min-max normalised with the running `min` and `max` (the raw value while
/// they are equal; 0 for a non-finite result, as numpy's `nan_to_num(posinf=0, neginf=0)`).
#[must_use]
pub fn risk_metric(slope: f64, mean: f64, min: f64, max: f64) -> (f64, f64, f64) {
    let raw = -slope / mean;
    let raw = if raw.is_nan() { 0.0 } else { raw };
    let (lo, hi) = (min.min(raw), max.max(raw));
    let m = if hi - lo == 0.0 {
        raw
    } else {
        (raw - lo) / (hi - lo)
    };
    let m = if m.is_finite() { m } else { 0.0 };
    (m, lo, hi)
}

/// The money market's state for a step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MoneyMarket {
    /// Utilisation after the risk discount.
    pub utilization: f64,
    /// The borrow rate, a year.
    pub borrow_rate: f64,
    /// The supply rate, a year: what a deposit earns.
    pub supply_rate: f64,
}

/// Compound's jump-rate model at the utilisation `clip(draw, 0, 1) · (1 − 0.5·risk)`.
///
/// # Errors
/// A kink, reserve factor or `dt` out of range.
pub fn money_market(p: &FeiParams, draw: f64, risk: f64) -> Result<MoneyMarket, ModelError> {
    if !(0.0..=1.0).contains(&p.kink) {
        return Err(bad("kink", p.kink, "it must be in [0, 1]"));
    }
    if !(0.0..=1.0).contains(&p.reserve_factor) {
        return Err(bad(
            "reserve_factor",
            p.reserve_factor,
            "it must be in [0, 1]",
        ));
    }
    let u = draw.clamp(0.0, 1.0) * (1.0 - 0.5 * risk.clamp(0.0, 1.0));
    let per_block = p.multiplier_per_block * u.min(p.kink)
        + p.jump_multiplier_per_block * (u - p.kink).max(0.0)
        + p.base_rate_per_block;
    let borrow_rate = per_block * p.blocks_per_year * p.dt;
    let supply_rate = borrow_rate * u * (1.0 - p.reserve_factor);
    if !supply_rate.is_finite() {
        return Err(bad(
            "multiplier_per_block",
            p.multiplier_per_block,
            "the money market's rates are not finite",
        ));
    }
    Ok(MoneyMarket {
        utilization: u,
        borrow_rate,
        supply_rate,
    })
}

/// The endogenous target weights from the last `moving_average_window` completed days' yields
/// (the seed's `state_history[-window:]`), with the risk metric on the pool and the money market.
///
/// # Errors
/// A window below 1, and [`fei_cam::endogenous_weights`]'s errors (negative yields or risk).
pub fn target_weights(
    p: &FeiParams,
    history: &History<'_, FeiState>,
    risk: f64,
) -> Result<[f64; 4], ModelError> {
    let window = usize::try_from(p.moving_average_window)
        .ok()
        .filter(|w| *w > 0)
        .ok_or_else(|| {
            bad(
                "moving_average_window",
                p.moving_average_window,
                "it must be at least 1",
            )
        })?;
    let rows: Vec<[f64; 4]> = (1..=window.min(history.len()))
        .rev()
        .filter_map(|k| history.back(k).and_then(<[FeiState]>::last))
        .map(FeiState::yields)
        .collect();
    let w = endogenous_weights(
        &rows,
        &[risk, risk, 0.0, 0.0],
        window,
        super::cam_fidelity(p.fidelity),
    )
    .map_err(cam)?;
    Ok([w[0], w[1], w[2], w[3]])
}

fn positive_window(p: &FeiParams) -> Result<usize, ModelError> {
    usize::try_from(p.risk_window)
        .ok()
        .filter(|w| *w > 1)
        .ok_or_else(|| bad("risk_window", p.risk_window, "it must be at least 2"))
}

/// `p_volatile_asset_price`: `P + μ·Δ + σ·√Δ·Z`, `Δ = dt/365` years.
///
/// # Errors
/// A non-finite price, or a negative `σ` or `dt`.
pub fn p_volatile_asset_price(
    p: &FeiParams,
    c: &Ctx<'_, FeiState>,
    rng: &mut SimRng,
) -> Result<FeiSignals, BoxError> {
    if !(p.dt > 0.0 && p.dt.is_finite()) {
        return Err(bad("dt", p.dt, "it must be positive and finite").into());
    }
    if p.eth_sigma.is_nan() || p.eth_sigma < 0.0 {
        return Err(bad("eth_sigma", p.eth_sigma, "it must be ≥ 0").into());
    }
    let years = p.dt / 365.0;
    let price =
        c.state.eth_price + p.eth_mu * years + p.eth_sigma * years.sqrt() * rng.standard_normal();
    if !price.is_finite() {
        return Err(bad("eth_mu", p.eth_mu, "the price is not finite").into());
    }
    Ok(FeiSignals {
        eth_price: Some(price),
        ..FeiSignals::default()
    })
}

/// `p_money_market`: the running mean price, the risk metric, and the jump-rate model at a
/// Gaussian utilisation draw.
///
/// # Errors
/// As [`money_market`]; a risk window below 2.
pub fn p_money_market(
    p: &FeiParams,
    c: &Ctx<'_, FeiState>,
    rng: &mut SimRng,
) -> Result<FeiSignals, BoxError> {
    let t = c.timestep;
    let s = c.state;
    let mean = (s.eth_price_mean * (t as f64 - 1.0) + s.eth_price) / t as f64;
    let window = positive_window(p)?;
    // Fei's `series[-min(t, window):-1]` over the completed days' prices: only the days the
    // slope reads, not the whole history.
    let slope = if t > 2 {
        let days = c.history.len();
        let prices: Vec<f64> = (days.saturating_sub(t.min(window))..days - 1)
            .filter_map(|k| c.history.timestep(k).and_then(<[FeiState]>::last))
            .map(|st| st.eth_price)
            .collect();
        price_slope(&prices)
    } else {
        0.0
    };
    let (risk, lo, hi) = risk_metric(slope, mean, s.risk_min, s.risk_max);
    let draw = p.utilization_mean + p.utilization_sd * rng.standard_normal();
    let mm = money_market(p, draw, risk)?;
    Ok(FeiSignals {
        eth_price_mean: Some(mean),
        risk_metric: Some(risk),
        risk_min: Some(lo),
        risk_max: Some(hi),
        utilization: Some(mm.utilization),
        mm_rate: Some(mm.supply_rate),
        ..FeiSignals::default()
    })
}

/// `p_savings_rate`: the parameter.
///
/// # Errors
/// A negative or non-finite rate.
pub fn p_savings_rate(
    p: &FeiParams,
    _: &Ctx<'_, FeiState>,
    _: &mut SimRng,
) -> Result<FeiSignals, BoxError> {
    if !(p.savings_rate >= 0.0 && p.savings_rate.is_finite()) {
        return Err(bad("savings_rate", p.savings_rate, "it must be finite and ≥ 0").into());
    }
    Ok(FeiSignals {
        savings_rate: Some(p.savings_rate),
        ..FeiSignals::default()
    })
}

/// `p_liquidity_pool_yield`: `lp_fee · 365 · (lp_turnover + |ΔP/P| / (2·dt))` for today's price
/// move.
///
/// # Errors
/// Negative fee or turnover.
pub fn p_liquidity_pool_yield(
    p: &FeiParams,
    c: &Ctx<'_, FeiState>,
    _: &mut SimRng,
) -> Result<FeiSignals, BoxError> {
    if !(p.lp_fee >= 0.0 && p.lp_turnover >= 0.0) {
        return Err(bad("lp_fee", p.lp_fee, "the fee and turnover must be ≥ 0").into());
    }
    let before = c.history.last_state().eth_price;
    let mv = ((c.state.eth_price - before) / before).abs();
    let mv = if mv.is_finite() { mv } else { 0.0 };
    Ok(FeiSignals {
        lp_rate: Some(p.lp_fee * 365.0 * (p.lp_turnover + mv / (2.0 * p.dt))),
        ..FeiSignals::default()
    })
}

/// `p_endogenous_weights`: [`target_weights`] with today's risk metric.
///
/// # Errors
/// As [`target_weights`].
pub fn p_endogenous_weights(
    p: &FeiParams,
    c: &Ctx<'_, FeiState>,
    _: &mut SimRng,
) -> Result<FeiSignals, BoxError> {
    let w = target_weights(p, &c.history, c.state.risk_metric)?;
    Ok(FeiSignals {
        w_liquidity_pool: Some(w[0]),
        w_money_market: Some(w[1]),
        w_savings: Some(w[2]),
        w_idle: Some(w[3]),
        ..FeiSignals::default()
    })
}

/// `p_rebalance` (the seed's `policy_fei_capital_allocation_rebalancing`): moves the deposits
/// toward today's target weights.
///
/// # Errors
/// As [`rebalance_rate`] and [`fei_cam::rebalance()`].
pub fn p_rebalance(
    p: &FeiParams,
    c: &Ctx<'_, FeiState>,
    _: &mut SimRng,
) -> Result<FeiSignals, BoxError> {
    let rate = rebalance_rate(p)?;
    let r = rebalance(
        &c.state.balances(),
        &c.state.weights(),
        rate,
        super::cam_fidelity(p.fidelity),
    )
    .map_err(cam)?;
    let b = &r.balances_after;
    Ok(FeiSignals {
        liquidity_pool: Some(b[0]),
        money_market: Some(b[1]),
        savings: Some(b[2]),
        idle: Some(b[3]),
        ..FeiSignals::default()
    })
}

/// The state updates: each takes its signal.
pub(super) mod updates {
    use super::{BoxError, Ctx, FeiParams, FeiSignals, FeiState, need};

    type Result = std::result::Result<(), BoxError>;

    macro_rules! take {
        ($($field:ident),* $(,)?) => {$(
            pub(crate) fn $field(
                _: &FeiParams,
                _: &Ctx<'_, FeiState>,
                i: &FeiSignals,
                n: &mut FeiState,
            ) -> Result {
                n.$field = need(i.$field, stringify!($field))?;
                Ok(())
            }
        )*};
    }

    take!(
        eth_price,
        eth_price_mean,
        risk_metric,
        risk_min,
        risk_max,
        utilization,
        mm_rate,
        savings_rate,
        lp_rate,
        w_liquidity_pool,
        w_money_market,
        w_savings,
        w_idle,
        liquidity_pool,
        money_market,
        savings,
        idle,
    );
}
