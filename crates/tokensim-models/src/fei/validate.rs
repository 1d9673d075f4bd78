//! The Fei model's parameters and genesis state, checked before the first run: each refused
//! value is named with its valid range.

use super::{FeiParams, FeiState};
use crate::ModelError;
use crate::check::{in_range, positive};

/// Refuses parameters or a genesis state outside the model's domain.
///
/// * `dt`, `rebalance_duration` and `blocks_per_year` are `> 0`; `moving_average_window` is at
///   least 1 and `risk_window` at least 2 (a slope needs two points).
/// * `savings_rate`, `eth_sigma`, `utilization_sd`, the money market's three per-block rates
///   and `lp_turnover` are `≥ 0`; `kink` and `reserve_factor` are in `[0, 1]`, `lp_fee` in
///   `[0, 1)`; `eth_mu` and `utilization_mean` are finite.
/// * Genesis: `eth_price` and `eth_price_mean` are `> 0`, the four deposits `≥ 0`, the four
///   weights and `utilization` in `[0, 1]`, and every variable is finite.
///
/// # Errors
/// [`ModelError::InvalidParameter`] for the first value out of range.
pub fn validate(s: &FeiState, p: &FeiParams) -> Result<(), ModelError> {
    const NON_NEGATIVE: &str = "it must be finite and ≥ 0";
    const SHARE: &str = "it must be finite and in [0, 1]";
    const POSITIVE: &str = "it must be finite and > 0";
    const FINITE: &str = "it must be finite";
    for (name, v) in [("dt", p.dt), ("rebalance_duration", p.rebalance_duration)] {
        in_range(name, v, positive(), POSITIVE)?;
    }
    in_range(
        "moving_average_window",
        p.moving_average_window,
        1..,
        "it must be at least 1",
    )?;
    in_range("savings_rate", p.savings_rate, 0.0.., NON_NEGATIVE)?;
    in_range("eth_mu", p.eth_mu, .., FINITE)?;
    in_range("eth_sigma", p.eth_sigma, 0.0.., NON_NEGATIVE)?;
    in_range("risk_window", p.risk_window, 2.., "it must be at least 2")?;
    in_range("utilization_mean", p.utilization_mean, .., FINITE)?;
    for (name, v) in [
        ("utilization_sd", p.utilization_sd),
        ("base_rate_per_block", p.base_rate_per_block),
        ("multiplier_per_block", p.multiplier_per_block),
        ("jump_multiplier_per_block", p.jump_multiplier_per_block),
    ] {
        in_range(name, v, 0.0.., NON_NEGATIVE)?;
    }
    in_range("kink", p.kink, 0.0..=1.0, SHARE)?;
    in_range("reserve_factor", p.reserve_factor, 0.0..=1.0, SHARE)?;
    in_range("blocks_per_year", p.blocks_per_year, positive(), POSITIVE)?;
    in_range(
        "lp_fee",
        p.lp_fee,
        0.0..1.0,
        "it must be finite and in [0, 1)",
    )?;
    in_range("lp_turnover", p.lp_turnover, 0.0.., NON_NEGATIVE)?;
    in_range("eth_price", s.eth_price, positive(), POSITIVE)?;
    in_range("eth_price_mean", s.eth_price_mean, positive(), POSITIVE)?;
    for (name, v) in [
        ("liquidity_pool", s.liquidity_pool),
        ("money_market", s.money_market),
        ("savings", s.savings),
        ("idle", s.idle),
    ] {
        in_range(name, v, 0.0.., NON_NEGATIVE)?;
    }
    for (name, v) in [
        ("w_liquidity_pool", s.w_liquidity_pool),
        ("w_money_market", s.w_money_market),
        ("w_savings", s.w_savings),
        ("w_idle", s.w_idle),
        ("utilization", s.utilization),
    ] {
        in_range(name, v, 0.0..=1.0, SHARE)?;
    }
    for (name, v) in [
        ("risk_metric", s.risk_metric),
        ("risk_min", s.risk_min),
        ("risk_max", s.risk_max),
        ("mm_rate", s.mm_rate),
        ("lp_rate", s.lp_rate),
        ("savings_rate", s.savings_rate),
    ] {
        in_range(name, v, .., FINITE)?;
    }
    Ok(())
}
