//! # fei-cam: Fei Protocol's capital-allocation rebalancing
//!
//! Fei's cadCAD model (seed `002_fbe476ddedeb2d25`, `model/parts/fei_capital_allocation.py`)
//! moves user-circulating FEI between deposits (a liquidity pool, a money market, the savings
//! deposit, idle FEI) toward target weights, part of the way each timestep. This crate is that
//! module as a library: the [`Deposit`] type, the constrained incidence matrix and its
//! pseudo-inverse, the seed's rebalance and transfer loop reproduced exactly, a corrected
//! rebalance (the default), and the two ways the seed sets targets.
//!
//! ## The math
//!
//! With balances `b`, total `T = Σb`, current weights `c = b/T`, targets `w` and rate `r`:
//!
//! * **Rate** ([`CamParams::rebalance_rate`]): `r = √(dt / rebalance_duration)`, `√(1/30)` with
//!   Fei's defaults (`dt` = 1 day, duration 30 steps, moving-average window 3).
//! * **Net changes** ([`balance_changes`]): `Δ = r · (w − c) · T`.
//! * **Incidence matrix** ([`constrained_incidence_matrix`]): the complete graph on `n`
//!   deposits, edges `(i, j)`, `i < j`, lexicographic; column `e` has `+1` at row `i`, `−1` at
//!   row `j`; a row of ones appended; for `n = 2` a zero slack column first.
//! * **Seed flows** ([`compute_capital_allocation_rebalance_matrix`]):
//!   `x = pinv(M) · [Δ, 0]` (numpy's cutoff, [`pseudo_inverse`]), in closed form
//!   `x_e = (Δ_i − Δ_j)/n − s·(1 − 2(j−i)/n)/((n−1)(n−2)/6)`, `s = Σ_e (Δ_i − Δ_j)/n`
//!   ([`seed_flows_closed_form`]), laid out in the upper triangle of `D`; the seed's loop then
//!   moves `min(|D_ij|, balance)` entry by entry ([`seed_transfer_loop`]).
//! * **Corrected** ([`Fidelity::Corrected`]): `b' = b + Δ` with `w` normalised and `r ∈ [0, 1]`,
//!   so each deposit moves toward its target and none goes negative; the total summed in index
//!   order is bit-identical before and after. The minimum-norm flows without the ones row,
//!   `x_e = (Δ_i − Δ_j)/n`, are [`minimum_norm_flows`].
//! * **Endogenous weights** ([`endogenous_weights`]): `w ∝ ȳ / (1 + v + σ_y/μ_y)` over the
//!   moving-average window, `ȳ` floored at `1e-18`.
//! * **Exogenous weights** ([`ExogenousWeights`]): a Dirichlet perturbation `p`; the seed's
//!   target is `normalise(r·p + c)` with `p` from `RandomState(timestep)`
//!   ([`numpy_dirichlet`], bit-identical with scipy), the corrected one `normalise(p + c)` with
//!   `p` from the run's stream ([`Dirichlet`]).
//!
//! ## Seed defects: faithful and corrected
//!
//! Every function that differs takes a [`Fidelity`]. [`Fidelity::Faithful`] reproduces the seed;
//! [`Fidelity::Corrected`], the default, fixes it:
//!
//! | defect in the seed | corrected |
//! | --- | --- |
//! | the ones row adds a circular flow, and the sequential clamp then misallocates (one-hot `n = 3`: `[1,0,0] → [0,0,1]` ends in deposit 1; on Fei's default state the liquidity pool gains +10.5 % of the total instead of +0.9 %) | net changes applied directly, total conserved, no overdraft |
//! | the docstring says "lower triangular"; the code fills the upper triangle | the upper triangle, documented |
//! | Dirichlet noise is seeded with the timestep, so every run gets the same noise | drawn from the run's own stream |
//! | the exogenous path applies the rebalance rate twice | applied once, in the rebalance |
//! | the moving average divides by the full window even when the history is shorter | divides by the rows there are |
//!
//! The worked examples are in [`rebalance`](mod@rebalance)'s docs and tests. The corrected
//! rebalance's guarantees are checks in [`invariants`], and the `proptest` feature's
//! `strategies` draw its domain; this crate's property tests use both.
//!
//! ## Errors
//!
//! Every function returns [`CamError`] for bad input (a negative or non-finite amount, a
//! length that is not one per deposit, a zero sum, a rate out of range) and changes nothing.
//!
//! ## Example
//!
//! ```
//! use fei_cam::{CamParams, Fidelity, rebalance};
//!
//! // Fei's default initial state: liquidity pool, money market, savings, idle.
//! let balances = [0.0, 30e6, 0.0, 195e6];
//! let targets = [0.05, 0.55, 0.40, 1e-18];
//! let rate = CamParams::default().rebalance_rate()?;
//!
//! let fixed = rebalance(&balances, &targets, rate, Fidelity::Corrected)?;
//! // The pool gets rate · 5 % · 225 M ≈ 2.05 M (0.9 % of the total)...
//! assert!((fixed.balances_after[0] / 225e6 - 0.0091).abs() < 1e-4);
//! // ...and the total is unchanged to the last bit.
//! assert_eq!(fixed.balances_after.iter().sum::<f64>(), 225e6);
//!
//! // The seed's pseudo-inverse and transfer loop put 10.5 % of the total there.
//! let seed = rebalance(&balances, &targets, rate, Fidelity::Faithful)?;
//! assert!((seed.balances_after[0] / 225e6 - 0.105).abs() < 1e-3);
//! # Ok::<(), fei_cam::CamError>(())
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

/// The README's example, run as a doctest so that the README cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// nalgebra, whose `DMatrix` the matrix functions take and return.
pub use nalgebra;

mod deposit;
#[cfg(feature = "dirichlet")]
mod dirichlet;
mod error;
mod incidence;
pub mod invariants;
mod pinv;
pub mod rebalance;
mod step;
#[cfg(feature = "proptest")]
#[cfg_attr(docsrs, doc(cfg(feature = "proptest")))]
pub mod strategies;
mod weights;

pub use deposit::{Deposit, DepositKind, transfer_between};
#[cfg(feature = "dirichlet")]
#[cfg_attr(docsrs, doc(cfg(feature = "dirichlet")))]
pub use dirichlet::{Dirichlet, LegacyRandomState, numpy_dirichlet};
pub use error::CamError;
pub use incidence::{
    MAX_DEPOSITS, complete_graph_edges, constrained_incidence_matrix, edge_count, incidence_matrix,
};
pub use pinv::{NUMPY_RCOND, pseudo_inverse};
pub use rebalance::{
    Rebalance, RebalancePlan, Transfer, balance_changes,
    compute_capital_allocation_rebalance_matrix, current_weights, minimum_norm_flows,
    populate_delta_triangular_matrix, rebalance, seed_flows_closed_form, seed_remainder,
    seed_transfer_loop, total,
};
pub use step::{CamParams, rebalance_deposits};
#[cfg(feature = "dirichlet")]
#[cfg_attr(docsrs, doc(cfg(feature = "dirichlet")))]
pub use weights::ExogenousWeights;
pub use weights::{
    YIELD_FLOOR, endogenous_weights, exogenous_target_weights, numpy_mean, numpy_std, numpy_sum,
};

/// Which behaviour to give where the seed has a defect: every function whose result differs
/// between the two takes one. See the crate docs for what each does. The same words as
/// `carbon_orders::Fidelity`, `tokensim_models::Fidelity` and the command line's `--fidelity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[non_exhaustive]
pub enum Fidelity {
    /// The fixed behaviour (the default).
    #[default]
    Corrected,
    /// The seed's behaviour, defects included, for comparison with its published results.
    Faithful,
}
