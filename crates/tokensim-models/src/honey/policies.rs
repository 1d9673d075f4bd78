//! The Honey model's functions: pure formulas first, then the policies and updates that the
//! block calls. The arithmetic follows the seed's order of operations, so records agree with
//! cadCAD's to the last bit or two (`np.exp` is not always glibc's `exp`).

use sim_core::{BoxError, Ctx, SimRng, need};

use super::{
    BurnLimit, HoneyParams, HoneySignals, HoneyState, InflowLimit, InflowPrice, PriceGuard,
    PriceWalk, VarianceMeaning,
};
use crate::ModelError;

/// Python's `max(a, b)`: `b` only when `b > a` (so a NaN first argument wins).
fn py_max(a: f64, b: f64) -> f64 {
    if b > a { b } else { a }
}

/// Python's `min(a, b)`: `b` only when `b < a`.
fn py_min(a: f64, b: f64) -> f64 {
    if b < a { b } else { a }
}

/// `a / b`, or the seed's `ZeroDivisionError` as [`ModelError::DivisionByZero`].
fn div(a: f64, b: f64, what: &'static str) -> Result<f64, ModelError> {
    if b == 0.0 {
        Err(ModelError::DivisionByZero { what })
    } else {
        Ok(a / b)
    }
}

/// `supply_policy`'s signals: `(netflow, adjustment)`.
///
/// ```
/// use tokensim_models::honey::{HoneyParams, HoneyState, supply};
///
/// // The seed's genesis, first subset: 5 % of the 7473 HNY pool flows out and nothing comes in
/// // yet, so the pool's share of the supply (0.27) is far above the 0.1 target and the policy
/// // burns at its throttle, 0.2 % of the 26 238 HNY supply.
/// let (netflow, adjustment) = supply(&HoneyParams::default(), &HoneyState::GENESIS)?;
/// assert!((netflow + 373.65).abs() < 1e-9);
/// assert!((adjustment + 0.002 * 26_238.0).abs() < 1e-9);
/// # Ok::<(), tokensim_models::ModelError>(())
/// ```
///
/// # Errors
///
/// [`ModelError::DivisionByZero`] for a zero inflow price, supply or target ratio.
pub fn supply(p: &HoneyParams, s: &HoneyState) -> Result<(f64, f64), ModelError> {
    let outflow = s.reserve * p.outflow_rate;
    let inflow_price = match p.options.inflow_price {
        InflowPrice::Market => s.price,
        InflowPrice::Target => s.target_price,
    };
    let mut inflow = div(
        s.size * s.saturation,
        inflow_price,
        "size·saturation / price",
    )?;
    if p.options.inflow_limit == InflowLimit::Circulation && inflow > s.circulation {
        inflow = s.circulation.max(0.0);
    }
    let netflow = inflow - outflow;
    let reserve = s.reserve + netflow;
    let circulation = s.circulation - netflow;
    let supply = reserve + circulation;
    let ratio = div(reserve, supply, "reserve / supply")?;
    let e =
        (1.0 - div(
            ratio,
            p.target_reserve_ratio,
            "ratio / target_reserve_ratio",
        )?) / 12.0;
    let mut adjustment = if p.throttle == 0.0 {
        e * supply
    } else if e < 0.0 {
        py_max(e, -p.throttle) * supply
    } else {
        py_min(e, p.throttle) * supply
    };
    if p.options.burn_limit == BurnLimit::Reserve && adjustment < -reserve {
        adjustment = -reserve.max(0.0);
    }
    Ok((netflow, adjustment))
}

/// `saturation_process`'s signals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Saturation {
    /// `1/(1 + e^{6 − utility})`.
    pub saturation: f64,
    /// `size·(1 + growth)`.
    pub size: f64,
    /// `10·production/(production + size)`.
    pub utility: f64,
    /// `production·productivity² + outflow·(1 + productivity)·price`.
    pub production: f64,
}

/// `saturation_process`'s signals.
///
/// # Errors
///
/// [`ModelError::DivisionByZero`] when `production + size` is 0.
pub fn saturation(p: &HoneyParams, s: &HoneyState) -> Result<Saturation, ModelError> {
    let outflow = s.reserve * p.outflow_rate;
    let production = s.production * (p.productivity * p.productivity)
        + outflow * (1.0 + p.productivity) * s.price;
    let utility = div(10.0 * production, production + s.size, "production + size")?;
    // numpy float64 arithmetic: an overflowing exp gives inf and a saturation of 0, no error.
    let saturation = 1.0 / (1.0 + (-utility + 6.0).exp());
    let size = s.size * (1.0 + p.growth);
    Ok(Saturation {
        saturation,
        size,
        utility,
        production,
    })
}

/// `price_policy`'s target price:
/// `size/(C + R) · valuation_ratio/max(0.5, saturation) · 1/(C/(C + R))²`.
///
/// ```
/// use tokensim_models::honey::{HoneyParams, HoneyState, target_price};
///
/// // At genesis: 100 000 / 26 238 per token, times 2 / max(0.5, 0), over (18 765 / 26 238)².
/// let p = target_price(&HoneyParams::default(), &HoneyState::GENESIS)?;
/// assert!((p - 29.805_305_768_707_7).abs() < 1e-9);
/// # Ok::<(), tokensim_models::ModelError>(())
/// ```
///
/// # Errors
///
/// [`ModelError::DivisionByZero`] when the supply or the circulation is 0.
pub fn target_price(p: &HoneyParams, s: &HoneyState) -> Result<f64, ModelError> {
    let supply = s.circulation + s.reserve;
    let potential_inflows_per_token = div(s.size, supply, "circulation + reserve")?;
    let adjusted_valuation_ratio = p.valuation_ratio / py_max(0.5, s.saturation);
    let share = div(s.circulation, supply, "circulation + reserve")?;
    let supply_sensitivity = div(1.0, share * share, "circulation share²")?;
    Ok(potential_inflows_per_token * adjusted_valuation_ratio * supply_sensitivity)
}

/// `price_policy`'s price step (the seed's additive walk, or the multiplicative one:
/// [`PriceWalk`]), given its two draws: `uniform` (numpy's `random()`) chooses the
/// direction, toward `target` when below `p_pull`; `normal` is the standard normal behind
/// `normal(0, p_variance)`.
///
/// # Errors
///
/// [`ModelError::NegativeScale`] for a negative `p_variance` (numpy raises `ValueError`);
/// [`ModelError::NonPositivePrice`] when the step leaves the price at or below 0 (or not finite)
/// and the guard is [`PriceGuard::Reject`].
pub fn price_step(
    p: &HoneyParams,
    s: &HoneyState,
    target: f64,
    uniform: f64,
    normal: f64,
) -> Result<f64, ModelError> {
    let scale = match p.options.p_variance {
        VarianceMeaning::StdDev => p.p_variance,
        VarianceMeaning::Variance => p.p_variance.sqrt(),
    };
    if p.p_variance < 0.0 {
        return Err(ModelError::NegativeScale {
            scale: p.p_variance.to_string(),
        });
    }
    let toward = if s.price < target { 1.0 } else { -1.0 };
    let direction = if uniform < p.p_pull { toward } else { -toward };
    let magnitude = (0.0 + scale * normal).abs();
    let price = match p.options.price_walk {
        PriceWalk::Additive => s.price + s.price * direction * magnitude,
        PriceWalk::Multiplicative => s.price * (direction * magnitude).exp(),
    };
    if p.options.price_guard == PriceGuard::Reject && !(price > 0.0 && price.is_finite()) {
        return Err(ModelError::NonPositivePrice {
            price: price.to_string(),
        });
    }
    Ok(price)
}

/// One whole timestep without its randomness: the next state, given the next price.
///
/// This is what the `honey-transitions` conformance suite checks against the authors' records.
///
/// # Errors
///
/// As [`supply`], [`saturation`] and [`target_price`].
pub fn transition(p: &HoneyParams, s: &HoneyState, price: f64) -> Result<HoneyState, ModelError> {
    let (netflow, adjustment) = supply(p, s)?;
    let sat = saturation(p, s)?;
    let target = target_price(p, s)?;
    Ok(HoneyState {
        reserve: s.reserve + netflow + adjustment,
        circulation: s.circulation - netflow,
        size: sat.size,
        saturation: sat.saturation,
        production: sat.production,
        utility: sat.utility,
        price,
        target_price: target,
        netflow,
        adjustment,
    })
}

/// The seed's `supply_policy`.
///
/// # Errors
///
/// As [`supply`].
pub fn supply_policy(
    p: &HoneyParams,
    ctx: &Ctx<'_, HoneyState>,
    _rng: &mut SimRng,
) -> Result<HoneySignals, BoxError> {
    let (netflow, adjustment) = supply(p, ctx.state)?;
    Ok(HoneySignals {
        netflow: Some(netflow),
        adjustment: Some(adjustment),
        ..HoneySignals::default()
    })
}

/// The seed's `saturation_process`.
///
/// # Errors
///
/// As [`saturation`].
pub fn saturation_process(
    p: &HoneyParams,
    ctx: &Ctx<'_, HoneyState>,
    _rng: &mut SimRng,
) -> Result<HoneySignals, BoxError> {
    let s = saturation(p, ctx.state)?;
    Ok(HoneySignals {
        saturation: Some(s.saturation),
        size: Some(s.size),
        utility: Some(s.utility),
        production: Some(s.production),
        ..HoneySignals::default()
    })
}

/// The seed's `price_policy`: draws `random()` then `normal(0, p_variance)`.
///
/// # Errors
///
/// As [`target_price`] and [`price_step`].
pub fn price_policy(
    p: &HoneyParams,
    ctx: &Ctx<'_, HoneyState>,
    rng: &mut SimRng,
) -> Result<HoneySignals, BoxError> {
    let target = target_price(p, ctx.state)?;
    if p.options.price_guard == PriceGuard::Reject && !(target > 0.0 && target.is_finite()) {
        return Err(ModelError::NonPositivePrice {
            price: format!("{target} (the target price)"),
        }
        .into());
    }
    let uniform = rng.uniform();
    let normal = rng.standard_normal();
    let price = price_step(p, ctx.state, target, uniform, normal)?;
    Ok(HoneySignals {
        price: Some(price),
        target_price: Some(target),
        ..HoneySignals::default()
    })
}

/// The seed's ten state update functions.
pub(super) mod updates {
    use super::{BoxError, Ctx, HoneyParams, HoneySignals, HoneyState, need};

    type Result = std::result::Result<(), BoxError>;

    pub(crate) fn update_reserve(
        _: &HoneyParams,
        c: &Ctx<'_, HoneyState>,
        i: &HoneySignals,
        n: &mut HoneyState,
    ) -> Result {
        n.reserve =
            c.state.reserve + need(i.netflow, "netflow")? + need(i.adjustment, "adjustment")?;
        Ok(())
    }

    pub(crate) fn update_circulation(
        _: &HoneyParams,
        c: &Ctx<'_, HoneyState>,
        i: &HoneySignals,
        n: &mut HoneyState,
    ) -> Result {
        n.circulation = c.state.circulation - need(i.netflow, "netflow")?;
        Ok(())
    }

    macro_rules! take {
        ($($name:ident => $field:ident),* $(,)?) => {$(
            pub(crate) fn $name(
                _: &HoneyParams,
                _: &Ctx<'_, HoneyState>,
                i: &HoneySignals,
                n: &mut HoneyState,
            ) -> Result {
                n.$field = need(i.$field, stringify!($field))?;
                Ok(())
            }
        )*};
    }

    take!(
        update_netflow => netflow,
        update_adjustment => adjustment,
        update_price => price,
        update_target_price => target_price,
        update_saturation => saturation,
        update_utility => utility,
        update_size => size,
        update_production => production,
    );
}
