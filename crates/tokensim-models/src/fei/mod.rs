//! Fei capital allocation (seed `002_fbe476ddedeb2d25`, Fei's `fei_capital_allocation.py`),
//! as a model on sim-core and [`fei_cam`].
//!
//! The seed is the capital-allocation module of Fei's radCAD model: user FEI moves between four
//! deposits (the FEI/ETH liquidity pool, a money market, the FEI savings deposit, idle FEI)
//! toward target weights set by yield and risk. This model gives that module the environment it
//! reads, with Fei's defaults. One timestep is one day (`dt = 1`); three blocks per timestep:
//!
//! 1. **Environment.**
//!    - *Volatile asset (ETH) price*, a Brownian motion from 2000 with drift `μ = −50` and scale
//!      `σ = 20`: `P ← P + μ·Δ + σ·√Δ·Z`, `Δ = dt / 365` (we read `μ` and `σ` per year; Fei's
//!      sampler spaces the same numbers a day apart, which takes the price below zero by day 40
//!      of its 365).
//!    - *Risk metric* (Fei's money-market module): the least-squares slope of the price over the
//!      last `risk_window` completed days (none before day 3), `m = −slope / mean price`, then
//!      min-max normalised over the run so far (`(m − min)/(max − min)`, `m` itself while
//!      `max = min`).
//!    - *Money market* (Compound's jump-rate model, per block): utilisation
//!      `u = clip(N(0.7, 0.05), 0, 1) · (1 − 0.5·risk)`; borrow rate
//!      `(multiplier·min(u, kink) + jump·max(0, u − kink) + base) · blocks_per_year · dt`; supply
//!      rate `borrow · u · (1 − reserve_factor)`. With base 0, multiplier 23782343987e-18 and jump
//!      518455098934e-18 per block, kink 0.8, reserve factor 0.25 and 2,102,400 blocks a year,
//!      `u = 0.7` gives a 3.5 % borrow rate and a 1.8375 % supply rate.
//!    - *Savings rate*: the parameter `savings_rate` (0.015).
//! 2. **Yield and targets.**
//!    - *Liquidity-pool yield from fees*: `lp_fee · 365 · (lp_turnover + |ΔP/P| / (2·dt))`, a daily
//!      volume of `lp_turnover` of the pool plus the arbitrage a price move `ΔP/P` brings to a
//!      constant-product pool (to first order half the move, in value).
//!    - *Endogenous target weights* ([`fei_cam::endogenous_weights`]):
//!      `w ∝ ȳ / (1 + v + σ_y/μ_y)` over the last `moving_average_window` days' yields, with the
//!      risk metric `v` on the liquidity pool and the money market.
//! 3. **Rebalancing** ([`fei_cam::rebalance()`]): each deposit moves toward its target by
//!    `√(dt / rebalance_duration)` of the gap (`√(1/30)`).
//!
//! Genesis: 195M FEI idle, 30M in the money market, none in the pool or savings.
//!
//! ## Fidelity
//!
//! [`Fidelity::Corrected`] (the default) uses [`fei_cam::Fidelity::Corrected`]: the net changes are
//! applied directly, the total is conserved and no deposit is overdrawn, and the moving average
//! divides by the rows there are. [`Fidelity::Faithful`] uses the seed's pseudo-inverse flows and
//! transfer loop ([`fei_cam::Fidelity::Faithful`]); see [`fei_cam`]'s docs for each defect.
//!
//! Departure from Fei's money-market module: it reports `u · supply rate` as the deposit's
//! yield, applying the utilisation twice; here the deposit earns Compound's supply rate.
//!
//! ```
//! use tokensim_models::fei;
//! use sim_core::{Experiment, MemorySink};
//!
//! let model = fei::model();
//! let mut sink = MemorySink::new();
//! Experiment::new(&model, vec![fei::FeiParams::default()]).runs(1).timesteps(30).seed(1).run(&mut sink)?;
//! // Three substeps a day: genesis plus 90 records.
//! assert_eq!(sink.len(), 91);
//! let total = |i: usize| ["liquidity_pool", "money_market", "savings", "idle"]
//!     .iter().map(|c| sink.f64_column(c).unwrap()[i]).sum::<f64>();
//! // The corrected rebalance conserves the 225M FEI.
//! assert!((total(90) - 225e6).abs() < 1e-6);
//! # Ok::<(), sim_core::EngineError>(())
//! ```

pub mod invariants;
mod policies;
mod validate;

use sim_core::{Block, Model, Sweep};

use crate::Fidelity;

pub use policies::{
    DEPOSITS, MoneyMarket, money_market, p_endogenous_weights, p_liquidity_pool_yield,
    p_money_market, p_rebalance, p_savings_rate, p_volatile_asset_price, price_slope,
    rebalance_rate, risk_metric, target_weights,
};
pub use validate::validate;

/// The Fei model's state. The deposits' names are Fei's `fei_*_user_deposit` shortened.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FeiState {
    /// The volatile asset's (ETH's) price (Fei's `volatile_asset_price`).
    pub eth_price: f64,
    /// Its running mean (`volatile_asset_price_mean`).
    pub eth_price_mean: f64,
    /// The normalised risk metric, in `[0, 1]` once normalised (`volatile_asset_risk_metric`).
    pub risk_metric: f64,
    /// The smallest raw risk metric so far (`volatile_asset_risk_metric_min`).
    pub risk_min: f64,
    /// The largest raw risk metric so far (`volatile_asset_risk_metric_max`).
    pub risk_max: f64,
    /// The money market's utilisation (`fei_money_market_utilization`).
    pub utilization: f64,
    /// The money market's supply rate, a year (`fei_money_market_supply_rate`).
    pub mm_rate: f64,
    /// The liquidity pool's fee yield, a year.
    pub lp_rate: f64,
    /// The savings deposit's rate, a year.
    pub savings_rate: f64,
    /// User FEI in the liquidity pool (`fei_liquidity_pool_user_deposit`).
    pub liquidity_pool: f64,
    /// User FEI in the money market (`fei_money_market_user_deposit`).
    pub money_market: f64,
    /// User FEI in the savings deposit (`fei_savings_user_deposit`).
    pub savings: f64,
    /// Idle user FEI (`fei_idle_user_deposit`).
    pub idle: f64,
    /// Target weight of the liquidity pool (`capital_allocation_target_weights[0]`).
    pub w_liquidity_pool: f64,
    /// Target weight of the money market.
    pub w_money_market: f64,
    /// Target weight of the savings deposit.
    pub w_savings: f64,
    /// Target weight of idle FEI.
    pub w_idle: f64,
}

sim_core::vars!(FeiState {
    eth_price,
    eth_price_mean,
    risk_metric,
    risk_min,
    risk_max,
    utilization,
    mm_rate,
    lp_rate,
    savings_rate,
    liquidity_pool,
    money_market,
    savings,
    idle,
    w_liquidity_pool,
    w_money_market,
    w_savings,
    w_idle,
});

impl FeiState {
    /// Fei's defaults: ETH at 2000, 195M FEI idle and 30M in the money market, the savings rate
    /// 0.015, and the current allocation as the first target.
    pub const GENESIS: Self = Self {
        eth_price: 2000.0,
        eth_price_mean: 2000.0,
        risk_metric: 0.0,
        risk_min: 0.0,
        risk_max: 0.0,
        utilization: 0.7,
        // The jump-rate model at u = 0.7: 0.05 · 0.7 · 0.7 · 0.75.
        mm_rate: 0.018_375,
        // The fee yield with no price move: 0.003 · 365 · 0.05.
        lp_rate: 0.054_75,
        savings_rate: 0.015,
        liquidity_pool: 0.0,
        money_market: 30e6,
        savings: 0.0,
        idle: 195e6,
        w_liquidity_pool: 0.0,
        w_money_market: 30.0 / 225.0,
        w_savings: 0.0,
        w_idle: 195.0 / 225.0,
    };

    /// The four deposits' balances, in [`DEPOSITS`] order.
    #[must_use]
    pub fn balances(&self) -> [f64; 4] {
        [
            self.liquidity_pool,
            self.money_market,
            self.savings,
            self.idle,
        ]
    }

    /// The four yields, in [`DEPOSITS`] order (idle FEI earns nothing).
    #[must_use]
    pub fn yields(&self) -> [f64; 4] {
        [self.lp_rate, self.mm_rate, self.savings_rate, 0.0]
    }

    /// The four target weights, in [`DEPOSITS`] order.
    #[must_use]
    pub fn weights(&self) -> [f64; 4] {
        [
            self.w_liquidity_pool,
            self.w_money_market,
            self.w_savings,
            self.w_idle,
        ]
    }
}

impl Default for FeiState {
    fn default() -> Self {
        Self::GENESIS
    }
}

/// The Fei model's parameters (Fei's `system_parameters.py` names, shortened), with its
/// defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FeiParams {
    /// Days per timestep (`dt`).
    pub dt: f64,
    /// Timesteps to close the allocation gap (`capital_allocation_rebalance_duration`).
    pub rebalance_duration: f64,
    /// Days in the yield moving average (`capital_allocation_yield_rate_moving_average_window`).
    pub moving_average_window: i64,
    /// The FEI savings rate, a year.
    pub savings_rate: f64,
    /// The ETH price's drift, a year.
    pub eth_mu: f64,
    /// The ETH price's scale, a year.
    pub eth_sigma: f64,
    /// Days in the risk metric's slope (`volatile_asset_risk_metric_time_window`).
    pub risk_window: i64,
    /// The utilisation process's mean.
    pub utilization_mean: f64,
    /// The utilisation process's standard deviation.
    pub utilization_sd: f64,
    /// Compound's base rate per block.
    pub base_rate_per_block: f64,
    /// Compound's multiplier per block.
    pub multiplier_per_block: f64,
    /// Compound's jump multiplier per block.
    pub jump_multiplier_per_block: f64,
    /// The utilisation where the jump starts (`money_market_kink`).
    pub kink: f64,
    /// The share of interest kept as reserves (`money_market_reserve_factor`).
    pub reserve_factor: f64,
    /// Blocks a year (`blocks_per_year`).
    pub blocks_per_year: f64,
    /// The liquidity pool's swap fee.
    pub lp_fee: f64,
    /// The pool's daily volume, as a share of its value, besides arbitrage (not in Fei's model).
    pub lp_turnover: f64,
    /// The seed's rebalance or the corrected one (not a record column).
    pub fidelity: Fidelity,
}

sim_core::vars!(FeiParams {
    dt,
    rebalance_duration,
    moving_average_window,
    savings_rate,
    eth_mu,
    eth_sigma,
    risk_window,
    utilization_mean,
    utilization_sd,
    base_rate_per_block,
    multiplier_per_block,
    jump_multiplier_per_block,
    kink,
    reserve_factor,
    blocks_per_year,
    lp_fee,
    lp_turnover,
});

impl Default for FeiParams {
    fn default() -> Self {
        Self {
            dt: 1.0,
            rebalance_duration: 30.0,
            moving_average_window: 3,
            savings_rate: 0.015,
            eth_mu: -50.0,
            eth_sigma: 20.0,
            risk_window: 30,
            utilization_mean: 0.7,
            utilization_sd: 0.05,
            base_rate_per_block: 0.0,
            multiplier_per_block: 23_782_343_987e-18,
            jump_multiplier_per_block: 518_455_098_934e-18,
            kink: 0.8,
            reserve_factor: 0.25,
            blocks_per_year: 2_102_400.0,
            lp_fee: 0.003,
            lp_turnover: 0.05,
            fidelity: Fidelity::Corrected,
        }
    }
}

impl FeiParams {
    /// Fei's defaults under `fidelity`.
    #[must_use]
    pub fn with_fidelity(fidelity: Fidelity) -> Self {
        Self {
            fidelity,
            ..Self::default()
        }
    }
}

/// fei-cam's fidelity for the model's: the same word ([`fei_cam::Fidelity`] is fei-cam's own
/// enum, since the math crates depend on nothing of ours).
#[must_use]
pub const fn cam_fidelity(fidelity: Fidelity) -> fei_cam::Fidelity {
    match fidelity {
        Fidelity::Corrected => fei_cam::Fidelity::Corrected,
        Fidelity::Faithful => fei_cam::Fidelity::Faithful,
    }
}

/// The signals of the Fei blocks, each emitted by one policy.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FeiSignals {
    /// From `p_volatile_asset_price`.
    pub eth_price: Option<f64>,
    /// From `p_money_market`.
    pub eth_price_mean: Option<f64>,
    /// From `p_money_market`.
    pub risk_metric: Option<f64>,
    /// From `p_money_market`.
    pub risk_min: Option<f64>,
    /// From `p_money_market`.
    pub risk_max: Option<f64>,
    /// From `p_money_market`.
    pub utilization: Option<f64>,
    /// From `p_money_market`.
    pub mm_rate: Option<f64>,
    /// From `p_liquidity_pool_yield`.
    pub lp_rate: Option<f64>,
    /// From `p_savings_rate`.
    pub savings_rate: Option<f64>,
    /// From `p_endogenous_weights`.
    pub w_liquidity_pool: Option<f64>,
    /// From `p_endogenous_weights`.
    pub w_money_market: Option<f64>,
    /// From `p_endogenous_weights`.
    pub w_savings: Option<f64>,
    /// From `p_endogenous_weights`.
    pub w_idle: Option<f64>,
    /// From `p_rebalance`.
    pub liquidity_pool: Option<f64>,
    /// From `p_rebalance`.
    pub money_market: Option<f64>,
    /// From `p_rebalance`.
    pub savings: Option<f64>,
    /// From `p_rebalance`.
    pub idle: Option<f64>,
}

sim_core::signals!(FeiSignals: f64 {
    eth_price,
    eth_price_mean,
    risk_metric,
    risk_min,
    risk_max,
    utilization,
    mm_rate,
    lp_rate,
    savings_rate,
    w_liquidity_pool,
    w_money_market,
    w_savings,
    w_idle,
    liquidity_pool,
    money_market,
    savings,
    idle,
});

/// The Fei model: genesis and its three blocks (environment; yields and targets; rebalancing).
#[must_use]
pub fn model() -> Model<FeiState, FeiParams, FeiSignals> {
    use policies as p;
    use policies::updates as u;
    Model::new(FeiState::GENESIS)
        .validate(|s, p| validate(s, p).map_err(Into::into))
        .block(
            Block::new()
                .policy("p_volatile_asset_price", p::p_volatile_asset_price)
                .policy("p_money_market", p::p_money_market)
                .policy("p_savings_rate", p::p_savings_rate)
                .update("eth_price", u::eth_price)
                .update("eth_price_mean", u::eth_price_mean)
                .update("risk_metric", u::risk_metric)
                .update("risk_min", u::risk_min)
                .update("risk_max", u::risk_max)
                .update("utilization", u::utilization)
                .update("mm_rate", u::mm_rate)
                .update("savings_rate", u::savings_rate),
        )
        .block(
            Block::new()
                .policy("p_liquidity_pool_yield", p::p_liquidity_pool_yield)
                .policy("p_endogenous_weights", p::p_endogenous_weights)
                .update("lp_rate", u::lp_rate)
                .update("w_liquidity_pool", u::w_liquidity_pool)
                .update("w_money_market", u::w_money_market)
                .update("w_savings", u::w_savings)
                .update("w_idle", u::w_idle),
        )
        .block(
            Block::new()
                .policy("p_rebalance", p::p_rebalance)
                .update("liquidity_pool", u::liquidity_pool)
                .update("money_market", u::money_market)
                .update("savings", u::savings)
                .update("idle", u::idle),
        )
        .invariants(invariants::invariants)
}

/// Fei's default horizon: 365 daily steps.
pub const TIMESTEPS: usize = 365;

/// The savings-rate sweep of Fei's second notebook: 0.005 to 0.03 by 0.005.
#[must_use]
pub fn savings_rate_sweep() -> Sweep {
    Sweep::new().param("savings_rate", [0.005, 0.01, 0.015, 0.02, 0.025, 0.03])
}
