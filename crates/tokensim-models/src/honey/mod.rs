//! The 1Hive Honey supply model (seed `001_a19297b187876f33`, a cadCAD notebook), on sim-core.
//!
//! Outflows from the common pool (`reserve`) are spent productively; production saturates a
//! market of fixed fiat `size`; the captured inflows return Honey to the pool. A supply policy
//! mints or burns from the pool toward a target ratio of pool to supply, at most `throttle` of
//! the supply per month. The price is a random walk pulled toward a fundamental target.
//!
//! ## The model, as the seed writes it (one block, three policies, ten updates)
//!
//! With `R` reserve, `C` circulation, `Z` size, `σ` saturation, `Q` production, `p` price,
//! `p*` target price, and one timestep = one month:
//!
//! - **`supply_policy`** (proportional control):
//!   `outflow = R·outflow_rate`, `inflow = Z·σ / p*`, `netflow = inflow − outflow`;
//!   `R' = R + netflow`, `C' = C − netflow`, `supply = R' + C'`, `ratio = R'/supply`;
//!   `e = (1 − ratio/target_reserve_ratio)/12`;
//!   `adjustment = clamp(e, −throttle, throttle)·supply` (unclamped when `throttle = 0`).
//! - **`saturation_process`**: `Q ← Q·productivity² + outflow·(1 + productivity)·p`;
//!   `utility = 10·Q/(Q + Z)`; `σ = 1/(1 + e^{6 − utility})` (a logistic centred at utility 6);
//!   `Z ← Z·(1 + growth)`.
//! - **`price_policy`**: `p* = Z/(C + R) · valuation_ratio/max(0.5, σ) · 1/(C/(C + R))²`;
//!   with probability `p_pull` the price moves toward `p*`, otherwise away, by a relative
//!   magnitude `m = |N(0, p_variance)|`: `p ← p + p·direction·m` (the seed's additive walk),
//!   or `p ← p·exp(direction·m)` (the corrected multiplicative walk, [`PriceWalk`]).
//! - The updates: `reserve = R + netflow + adjustment`, `circulation = C − netflow`, and the
//!   other eight variables take their signal.
//!
//! ## Known defects, and the options that choose
//!
//! [`HoneyOptions::default()`] is the corrected model; [`HoneyOptions::faithful()`] is the seed.
//!
//! | defect | seed ([`HoneyOptions::faithful`]) | default |
//! | --- | --- | --- |
//! | inflow converts fiat to Honey at `target_price`, a valuation heuristic, not at the market `price` | [`InflowPrice::Target`] | [`InflowPrice::Market`] |
//! | the additive walk `p + p·direction·m` crosses zero when a step away from the target has `m > 1` (a 4σ draw at the seed's `p_variance` 0.25: about 1 % of 120-month runs); production then goes negative and `exp` overflows | [`PriceWalk::Additive`] | [`PriceWalk::Multiplicative`]: `p·exp(direction·m)` moves the log-price by the same `m`, so the median move is the seed's (`0.674·p_variance`, to first order) and the price cannot cross zero |
//! | a price that is not positive and finite (after the additive walk, or a target price of a market of size 0) is kept | [`PriceGuard::Allow`] | [`PriceGuard::Reject`]: the run ends with [`ModelError::NonPositivePrice`](crate::ModelError::NonPositivePrice), reported in the experiment's failures; under the multiplicative walk this takes an `exp` that underflows or overflows |
//! | inflow can buy back more Honey than circulates (a price near zero), leaving circulation negative | [`InflowLimit::Unbounded`] | [`InflowLimit::Circulation`]: inflow takes at most the circulating supply |
//! | with `throttle = 0` and a pool far above target (`target_reserve_ratio < 1/12` suffices), one burn exceeds the pool and the reserve goes negative | [`BurnLimit::Unbounded`] | [`BurnLimit::Reserve`]: a burn takes at most what the pool holds |
//! | `p_variance` is used as a standard deviation (numpy's `scale`), not a variance | [`VarianceMeaning::StdDev`] | [`VarianceMeaning::StdDev`] too: every published 1Hive result uses it so; [`VarianceMeaning::Variance`] takes its square root |
//!
//! Division by zero (a zero target price, pool ratio or supply) raises `ZeroDivisionError` in
//! the seed where the operands are Python floats, and gives `inf` where they are numpy scalars;
//! here it ends the run with [`ModelError::DivisionByZero`](crate::ModelError::DivisionByZero) in both modes.
//!
//! The random draws are the seed's, in its order: `random()` for the direction, then
//! `normal(0, p_variance)`. With [`sim_core::RngKind::NumpyShared`] they are numpy's own.
//!
//! ```
//! use sim_core::{Experiment, MemorySink};
//! use tokensim_models::honey::{self, HoneyParams};
//!
//! // The seed's first subset for a year, ten runs, corrected (the default options).
//! let model = honey::model();
//! let mut records = MemorySink::new();
//! let outcome = Experiment::new(&model, vec![HoneyParams::default()])
//!     .runs(10).timesteps(12).seed(42)
//!     .run(&mut records)?;
//! assert!(outcome.failures.is_empty());
//! // The supply policy keeps the pool's share of the supply near the target ratio, 0.1.
//! let (reserve, circulation) = (records.f64_column("reserve").unwrap(), records.f64_column("circulation").unwrap());
//! let last = reserve.len() - 1; // run 10, month 12
//! let ratio = reserve[last] / (reserve[last] + circulation[last]);
//! assert!(ratio > 0.0 && ratio < 0.5, "{ratio}");
//! # Ok::<(), sim_core::EngineError>(())
//! ```

pub mod invariants;
mod policies;
mod validate;

use sim_core::{Block, Model, Sweep};

use crate::Fidelity;

pub use policies::{
    Saturation, price_policy, price_step, saturation, saturation_process, supply, supply_policy,
    target_price, transition,
};
pub use validate::validate;

/// The Honey model's state (the seed's `genesis_states`, same names).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HoneyState {
    /// The common pool's balance.
    pub reserve: f64,
    /// Total supply minus the common pool.
    pub circulation: f64,
    /// The market's size, in fiat inflows per month.
    pub size: f64,
    /// The share of the market captured, in `(0, 1)`.
    pub saturation: f64,
    /// Production, from outflows and upkeep.
    pub production: f64,
    /// Diminishing returns on production, in `[0, 10)`.
    pub utility: f64,
    /// The market price (a random walk).
    pub price: f64,
    /// The fundamental price the walk is pulled toward.
    pub target_price: f64,
    /// Inflow minus outflow of the last step.
    pub netflow: f64,
    /// The supply policy's mint (+) or burn (−) of the last step.
    pub adjustment: f64,
}

sim_core::vars!(HoneyState {
    reserve,
    circulation,
    size,
    saturation,
    production,
    utility,
    price,
    target_price,
    netflow,
    adjustment,
});

impl HoneyState {
    /// The seed's genesis state: 7,473 HNY in the pool of 26,238, a $100k market, price 10.
    pub const GENESIS: Self = Self {
        reserve: 7473.0,
        circulation: 18765.0,
        size: 100_000.0,
        saturation: 0.0,
        production: 0.0,
        utility: 0.0,
        price: 10.0,
        target_price: 10.0,
        netflow: 0.0,
        adjustment: 0.0,
    };
}

impl Default for HoneyState {
    fn default() -> Self {
        Self::GENESIS
    }
}

/// The Honey model's parameters (the seed's `params`, same names), and its options.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HoneyParams {
    /// The largest mint or burn per step, as a share of supply; 0 for unbounded.
    pub throttle: f64,
    /// The share of the pool spent per step.
    pub outflow_rate: f64,
    /// The target ratio of pool to supply.
    pub target_reserve_ratio: f64,
    /// The ratio of price to monthly inflows at saturation.
    pub valuation_ratio: f64,
    /// How productively outflows are used.
    pub productivity: f64,
    /// The market's growth rate per step.
    pub growth: f64,
    /// The scale of price moves (a standard deviation in the seed; see [`VarianceMeaning`]).
    pub p_variance: f64,
    /// The probability that the price moves toward its target.
    pub p_pull: f64,
    /// Which behaviour to give where the seed has a defect (not a record column).
    pub options: HoneyOptions,
}

sim_core::vars!(HoneyParams {
    throttle,
    outflow_rate,
    target_reserve_ratio,
    valuation_ratio,
    productivity,
    growth,
    p_variance,
    p_pull,
});

impl Default for HoneyParams {
    /// The seed's first subset: throttle 0.002, target ratio 0.1, the rest as in its `params`.
    fn default() -> Self {
        Self {
            throttle: 0.002,
            outflow_rate: 0.05,
            target_reserve_ratio: 0.1,
            valuation_ratio: 2.0,
            productivity: 0.88,
            growth: 0.0,
            p_variance: 0.25,
            p_pull: 0.75,
            options: HoneyOptions::default(),
        }
    }
}

/// The price at which inflows (fiat) become Honey.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InflowPrice {
    /// The market price, `size·saturation/price` (default).
    #[default]
    Market,
    /// The seed's `size·saturation/target_price`.
    Target,
}

/// What to do when a price step makes the price zero or negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PriceGuard {
    /// End the run with [`ModelError::NonPositivePrice`](crate::ModelError::NonPositivePrice)(crate::ModelError) (default).
    #[default]
    Reject,
    /// Keep it, as the seed does.
    Allow,
}

/// How far a burn may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BurnLimit {
    /// At most the pool's balance after the netflow (default).
    #[default]
    Reserve,
    /// As the seed: any amount, so an unthrottled burn can leave the pool negative.
    Unbounded,
}

/// What `p_variance` means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VarianceMeaning {
    /// The standard deviation of the relative price move, as the seed uses it (default).
    #[default]
    StdDev,
    /// A variance: the standard deviation is its square root.
    Variance,
}

/// How the price moves by its relative magnitude `m = |N(0, scale)|` and direction `±1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PriceWalk {
    /// `price·exp(direction·m)` (default): the log-price moves by `±m`, so the median move is
    /// the seed's to first order, and the price stays positive.
    #[default]
    Multiplicative,
    /// The seed's `price + price·direction·m`, which crosses zero when `m > 1` away from the
    /// target.
    Additive,
}

/// How much Honey the inflows may buy back from circulation in a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InflowLimit {
    /// At most the circulating supply (default): no one sells Honey they do not have.
    #[default]
    Circulation,
    /// As the seed: `size·saturation/price`, whatever circulates.
    Unbounded,
}

/// The Honey model's choices where the seed has a defect; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HoneyOptions {
    /// How the price walks.
    pub price_walk: PriceWalk,
    /// How much the inflows may buy back.
    pub inflow_limit: InflowLimit,
    /// Which price converts inflows.
    pub inflow_price: InflowPrice,
    /// What a non-positive price does.
    pub price_guard: PriceGuard,
    /// How far a burn may go.
    pub burn_limit: BurnLimit,
    /// What `p_variance` means.
    pub p_variance: VarianceMeaning,
}

impl HoneyOptions {
    /// The seed, defects included.
    #[must_use]
    pub const fn faithful() -> Self {
        Self {
            price_walk: PriceWalk::Additive,
            inflow_limit: InflowLimit::Unbounded,
            inflow_price: InflowPrice::Target,
            price_guard: PriceGuard::Allow,
            burn_limit: BurnLimit::Unbounded,
            p_variance: VarianceMeaning::StdDev,
        }
    }
}

impl From<Fidelity> for HoneyOptions {
    fn from(f: Fidelity) -> Self {
        match f {
            Fidelity::Corrected => Self::default(),
            Fidelity::Faithful => Self::faithful(),
        }
    }
}

/// The signals of the Honey block (the seed's policy dict keys); each is emitted by one policy.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HoneySignals {
    /// From `supply_policy`.
    pub netflow: Option<f64>,
    /// From `supply_policy`.
    pub adjustment: Option<f64>,
    /// From `saturation_process`.
    pub saturation: Option<f64>,
    /// From `saturation_process`.
    pub size: Option<f64>,
    /// From `saturation_process`.
    pub utility: Option<f64>,
    /// From `saturation_process`.
    pub production: Option<f64>,
    /// From `price_policy`.
    pub price: Option<f64>,
    /// From `price_policy`.
    pub target_price: Option<f64>,
}

sim_core::signals!(HoneySignals: f64 {
    netflow,
    adjustment,
    saturation,
    size,
    utility,
    production,
    price,
    target_price,
});

/// The Honey model: the seed's genesis state and its one block.
#[must_use]
pub fn model() -> Model<HoneyState, HoneyParams, HoneySignals> {
    use policies::updates as u;
    Model::new(HoneyState::GENESIS)
        .validate(|s, p| validate(s, p).map_err(Into::into))
        .block(
            Block::new()
                .policy("supply_policy", supply_policy)
                .policy("saturation_process", saturation_process)
                .policy("price_policy", price_policy)
                .update("reserve", u::update_reserve)
                .update("circulation", u::update_circulation)
                .update("netflow", u::update_netflow)
                .update("adjustment", u::update_adjustment)
                .update("price", u::update_price)
                .update("target_price", u::update_target_price)
                .update("saturation", u::update_saturation)
                .update("utility", u::update_utility)
                .update("size", u::update_size)
                .update("production", u::update_production),
        )
        .invariants(invariants::invariants)
}

/// The seed's Monte Carlo runs per subset.
pub const SEED_RUNS: usize = 10;
/// The seed's timesteps (months).
pub const SEED_TIMESTEPS: usize = 120;

/// The seed's sweep (its `params`): throttle {0.002, 0.004, 0.008} × target reserve ratio
/// {0.1, 0.2, 0.3}, written zipped as the seed writes it, 9 subsets.
#[must_use]
pub fn seed_sweep() -> Sweep {
    let throttle = [0.002, 0.004, 0.008];
    let ratio = [0.1, 0.2, 0.3];
    Sweep::new()
        .param("throttle", ratio.iter().flat_map(|_| throttle))
        .param("outflow_rate", [0.05])
        .param("target_reserve_ratio", ratio.iter().flat_map(|r| [*r; 3]))
        .param("valuation_ratio", [2.0])
        .param("productivity", [0.88])
        .param("growth", [0.0])
        .param("p_variance", [0.25])
        .param("p_pull", [0.75])
}
