//! Moving FEI between deposits toward target weights: the seed's pseudo-inverse rebalance,
//! faithfully, and the corrected allocation that is the default.
//!
//! Both modes start from the same net changes (the seed's `total_fei_deposit_balance_change`):
//!
//! ```text
//! change_i = rate · (target_i − current_i) · total,   current_i = balance_i / total
//! ```
//!
//! ## `Faithful`: the seed's pseudo-inverse and transfer loop
//!
//! `compute_capital_allocation_rebalance_matrix` solves `M·x = [change, 0]` with
//! `x = pinv(M)·[change, 0]`, where `M` is the [constrained incidence
//! matrix](crate::constrained_incidence_matrix) (incidence matrix plus a row of ones), and puts
//! the edge flows `x` (the seed's `deltas`) in the strictly upper triangle of an `n × n` matrix,
//! row-major. `D[i][j] > 0` moves `D[i][j]` from deposit `j` to deposit `i`; `D[i][j] < 0` moves
//! `|D[i][j]|` from `i` to `j`. (The seed's docstring calls this triangle "lower"; the code fills
//! the upper one, and so does this module.)
//!
//! The seed then visits **every** entry of `D`, row-major. Its
//! `filter(lambda x: x != 0, np.ndenumerate(D))` compares `((row, col), value)` tuples with
//! `0`, which is always true, so zeros and the lower triangle are visited too (moving nothing).
//! Each visit moves `min(|v|, balance[from])`, with balances updated as it goes.
//!
//! For `n ≥ 3` the pseudo-inverse has a closed form ([`seed_flows_closed_form`]):
//!
//! ```text
//! x_e = (b_i − b_j)/n − s · (1 − 2(j−i)/n) / ((n−1)(n−2)/6),   s = Σ_e (b_i − b_j)/n
//! ```
//!
//! The first term is the minimum-norm flow that realises the changes `b` ([`minimum_norm_flows`]);
//! the second is a circular flow, added only to make the flows' signed sum zero as the ones row
//! demands. Together with the sequential clamp this misallocates FEI:
//!
//! * **One-hot, `n = 3`.** Moving 1 000 FEI from deposit 0 to deposit 2 (`[1,0,0] → [0,0,1]`,
//!   rate 1) gives `x = (1000, −2000, 1000)` on edges `(0,1), (0,2), (1,2)`. The loop visits
//!   `D[0][1] = 1000` (move 1000 from 1 to 0: deposit 1 is empty, nothing moves), then
//!   `D[0][2] = −2000` (move 2000 from 0 to 2, clamped to 1000), then `D[1][2] = 1000` (move
//!   1000 from 2 to 1). Everything ends in deposit 1: `[0, 1000, 0]`.
//! * **Fei's default initial state** (idle 195 M, money market 30 M; targets 5 % liquidity pool,
//!   55 % money market, 40 % savings; rate `√(1/30)`): the liquidity pool should gain
//!   `0.05 · √(1/30) · 225 M` = 2.05 M (+0.9 % of the total) and instead gains 23.6 M (+10.5 %).
//!
//! ## `Corrected` (the default)
//!
//! The net changes are applied directly: `after_i = balance_i + change_i`, with the targets
//! normalised to sum to 1 and the rate limited to `[0, 1]`, so that `after_i` lies between the
//! balance and the target and is never negative. Floating-point rounding leaves the new total a
//! few ulps off; the largest new balance absorbs that, found by bisection, so that **the total
//! summed in index order (the seed's `sum`) is bit-identical before and after**. The transfers
//! reported are one decomposition of the net changes: sources pay sinks in index order, at most
//! `n − 1` transfers. No pseudo-inverse, no matrix, no limit on `n`.
//!
//! ```
//! use fei_cam::{Fidelity, rebalance};
//!
//! // Two deposits, all in the first, a 50/50 target. At rate 1 the corrected method lands on
//! // the target; at rate 0.5 it goes half way.
//! let full = rebalance(&[100.0, 0.0], &[0.5, 0.5], 1.0, Fidelity::Corrected)?;
//! assert_eq!(full.balances_after, [50.0, 50.0]);
//! let half = rebalance(&[100.0, 0.0], &[0.5, 0.5], 0.5, Fidelity::Corrected)?;
//! assert_eq!(half.balances_after, [75.0, 25.0]);
//! # Ok::<(), fei_cam::CamError>(())
//! ```

use nalgebra::DMatrix;

use crate::Fidelity;
use crate::error::{CamError, finite, non_negative, positive, same_len};

/// One move of FEI between two deposits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transfer {
    /// Index of the deposit paying.
    pub from: usize,
    /// Index of the deposit receiving.
    pub to: usize,
    /// Amount moved (after the seed's clamp to the payer's balance).
    pub amount: f64,
    /// Amount asked for (`|D[i][j]|` in the seed; equal to `amount` when corrected).
    pub requested: f64,
}

/// What the seed's `compute_capital_allocation_rebalance_matrix` returns, plus its flows.
#[derive(Debug, Clone, PartialEq)]
pub struct RebalancePlan {
    /// Net change per deposit (`total_fei_deposit_balance_change`).
    pub change: Vec<f64>,
    /// Flow per edge of the complete graph, in lexicographic edge order (`deltas`). For
    /// `n = 2` the second entry is the slack variable.
    pub deltas: Vec<f64>,
    /// The `n × n` rebalance matrix: deltas in the strictly upper triangle, row-major.
    pub matrix: DMatrix<f64>,
}

/// The outcome of a rebalance.
#[derive(Debug, Clone, PartialEq)]
pub struct Rebalance {
    /// The fidelity that produced it.
    pub fidelity: Fidelity,
    /// Net change per deposit asked for (`total_fei_deposit_balance_change`).
    pub change: Vec<f64>,
    /// Flow per edge, lexicographic (`deltas`): the pseudo-inverse's when faithful, the
    /// reported transfers' net per edge when corrected.
    pub deltas: Vec<f64>,
    /// The `n × n` rebalance matrix in the seed's convention (`capital_allocation_rebalance_matrix`).
    pub matrix: DMatrix<f64>,
    /// The transfers made, in order.
    pub transfers: Vec<Transfer>,
    /// Balances before.
    pub balances_before: Vec<f64>,
    /// Balances after.
    pub balances_after: Vec<f64>,
    /// `(before + change) − after`, with entries within `1e-8` of zero set to zero as the seed's
    /// `np.isclose` does (`capital_allocation_rebalance_remainder`).
    pub remainder: Vec<f64>,
}

impl Rebalance {
    /// The seed's "unallocated" test: some deposit's remainder exceeds `tolerance` (the seed
    /// uses `0.001`) of its balance before, `remainder / (balance + 1e-9)`. The seed only logs
    /// this.
    #[must_use]
    pub fn unallocated(&self, tolerance: f64) -> bool {
        self.remainder
            .iter()
            .zip(&self.balances_before)
            .any(|(r, b)| r / (b + 1e-9) > tolerance)
    }
}

/// The sum of `values` in index order, as Python's `sum` adds a list.
#[must_use]
pub fn total(values: &[f64]) -> f64 {
    values.iter().fold(0.0, |acc, v| acc + v)
}

/// Current weights `balance_i / total` and the total, as the seed computes them.
///
/// ```
/// let (w, total) = fei_cam::current_weights(&[25.0, 75.0])?;
/// assert_eq!((w, total), (vec![0.25, 0.75], 100.0));
/// assert!(fei_cam::current_weights(&[0.0, 0.0]).is_err()); // nothing to weigh
/// # Ok::<(), fei_cam::CamError>(())
/// ```
///
/// # Errors
/// No balances; a negative or non-finite balance; a total that is zero or overflows.
pub fn current_weights(balances: &[f64]) -> Result<(Vec<f64>, f64), CamError> {
    if balances.is_empty() {
        return Err(CamError::TooFew {
            what: "balances",
            min: 1,
            got: 0,
        });
    }
    for &b in balances {
        non_negative("balance", b)?;
    }
    let sum = total(balances);
    if !sum.is_finite() {
        return Err(CamError::Overflow {
            what: "total balance",
            value: sum,
        });
    }
    if sum <= 0.0 {
        return Err(CamError::DegenerateSum {
            what: "balances",
            sum,
        });
    }
    Ok((balances.iter().map(|b| b / sum).collect(), sum))
}

/// Net change per deposit, `rate · (target − current) · total` in the seed's order of
/// operations (`total_fei_deposit_balance_change`).
///
/// ```
/// // rate · (target − current) · total: half of the way from (1, 0) to (0.5, 0.5) on 100.
/// // (target weights first, then current ones)
/// let d = fei_cam::balance_changes(&[0.5, 0.5], &[1.0, 0.0], 100.0, 0.5)?;
/// assert_eq!(d, [-25.0, 25.0]);
/// # Ok::<(), fei_cam::CamError>(())
/// ```
///
/// # Errors
/// Lengths that differ; a non-finite input; a negative rate or total; an overflow.
pub fn balance_changes(
    target_weights: &[f64],
    current_weights: &[f64],
    total_fei: f64,
    rate: f64,
) -> Result<Vec<f64>, CamError> {
    same_len(
        "target weights",
        current_weights.len(),
        target_weights.len(),
    )?;
    non_negative("total FEI", total_fei)?;
    non_negative("rebalance rate", rate)?;
    target_weights
        .iter()
        .zip(current_weights)
        .map(|(&t, &c)| {
            finite("target weight", t)?;
            finite("current weight", c)?;
            let v = rate * (t - c) * total_fei;
            crate::error::no_overflow("balance change", v)
        })
        .collect()
}

mod conserve;
mod corrected;
mod seed;

pub use seed::{
    compute_capital_allocation_rebalance_matrix, minimum_norm_flows,
    populate_delta_triangular_matrix, seed_flows_closed_form, seed_remainder, seed_transfer_loop,
};

/// Rebalances `balances` toward `target_weights` at `rate`.
///
/// * [`Fidelity::Corrected`]: target weights are normalised; the rate must be in `[0, 1]`.
/// * [`Fidelity::Faithful`]: the seed's computation as written; any rate `≥ 0`.
///
/// # Errors
/// An empty or negative or non-finite balance, a zero total; target weights of another length,
/// negative or non-finite, or (corrected fidelity) summing to zero; a rate out of range; in the seed
/// fidelity, more than [`MAX_DEPOSITS`](crate::MAX_DEPOSITS) deposits.
pub fn rebalance(
    balances: &[f64],
    target_weights: &[f64],
    rate: f64,
    fidelity: Fidelity,
) -> Result<Rebalance, CamError> {
    rebalance_at_price(balances, target_weights, rate, 1.0, fidelity)
}

pub(crate) fn rebalance_at_price(
    balances: &[f64],
    target_weights: &[f64],
    rate: f64,
    price: f64,
    fidelity: Fidelity,
) -> Result<Rebalance, CamError> {
    let (current, sum) = current_weights(balances)?;
    same_len("target weights", balances.len(), target_weights.len())?;
    for &t in target_weights {
        non_negative("target weight", t)?;
    }
    non_negative("rebalance rate", rate)?;
    positive("FEI price", price)?;
    match fidelity {
        Fidelity::Faithful => {
            let plan =
                compute_capital_allocation_rebalance_matrix(target_weights, &current, sum, rate)?;
            let (transfers, after) = seed_transfer_loop(&plan.matrix, balances, price)?;
            let remainder = seed_remainder(balances, &plan.change, &after);
            Ok(Rebalance {
                fidelity,
                change: plan.change,
                deltas: plan.deltas,
                matrix: plan.matrix,
                transfers,
                balances_before: balances.to_vec(),
                balances_after: after,
                remainder,
            })
        }
        Fidelity::Corrected => corrected::corrected(balances, target_weights, &current, sum, rate),
    }
}

#[cfg(test)]
#[expect(
    clippy::float_cmp,
    reason = "exact values are the point of these tests"
)]
mod tests {
    use super::*;

    fn close(got: &[f64], expected: &[f64]) {
        assert_eq!(got.len(), expected.len());
        for (g, e) in got.iter().zip(expected) {
            assert!((g - e).abs() < 1e-9, "{got:?} vs {expected:?}");
        }
    }

    #[test]
    fn one_hot_three_deposits_as_worked_in_the_docs() {
        let r = rebalance(
            &[1000.0, 0.0, 0.0],
            &[0.0, 0.0, 1.0],
            1.0,
            Fidelity::Faithful,
        )
        .unwrap();
        assert_eq!(r.change, [-1000.0, 0.0, 1000.0]);
        close(&r.deltas, &[1000.0, -2000.0, 1000.0]);
        // The fei-rebalance vectors give [0, 1000, 0] and remainder [0, −1000, 1000]; the SVD
        // leaves ulps of 1000 behind.
        close(&r.balances_after, &[0.0, 1000.0, 0.0]);
        close(&r.remainder, &[0.0, -1000.0, 1000.0]);
        assert!(r.unallocated(0.001));

        let c = rebalance(
            &[1000.0, 0.0, 0.0],
            &[0.0, 0.0, 1.0],
            1.0,
            Fidelity::Corrected,
        )
        .unwrap();
        assert_eq!(c.balances_after, [0.0, 0.0, 1000.0]);
        assert_eq!(
            c.transfers,
            [Transfer {
                from: 0,
                to: 2,
                amount: 1000.0,
                requested: 1000.0
            }]
        );
        // D[0][2] < 0: moves from 0 to 2, in the seed's convention.
        assert_eq!(c.deltas, [0.0, -1000.0, 0.0]);
        assert_eq!(c.remainder, [0.0; 3]);
    }

    #[test]
    fn fei_default_state_liquidity_pool_gain() {
        // fei-rebalance case 95 (`fei_default_init_n4`): pool, money market, savings, idle.
        let balances = [0.0, 30e6, 0.0, 195e6];
        let targets = [0.05, 0.55, 0.4, 1e-18];
        let rate = (1.0_f64 / 30.0).sqrt();
        let seed = rebalance(&balances, &targets, rate, Fidelity::Faithful).unwrap();
        // The vectors' balances_after, to their tolerance 1e-9 · 225e6.
        let expected = [
            23_620_535.292_410_3,
            29_144_183.503_898_174,
            12_837_247.441_527_322,
            159_398_033.762_164_18,
        ];
        for (g, e) in seed.balances_after.iter().zip(expected) {
            assert!((g - e).abs() < 0.225, "{:?}", seed.balances_after);
        }
        // +10.5 % of the total in the pool, against rate · 5 % = +0.913 %.
        assert!((seed.balances_after[0] / 225e6 - 0.104_98).abs() < 1e-4);
        let fixed = rebalance(&balances, &targets, rate, Fidelity::Corrected).unwrap();
        assert!((fixed.balances_after[0] - rate * 0.05 * 225e6).abs() < 1e-6);
        assert!((fixed.balances_after[2] - rate * 0.4 * 225e6).abs() < 1e-6);
        assert_eq!(fixed.balances_after.iter().sum::<f64>(), 225e6);
    }

    #[test]
    fn closed_form_of_the_one_hot_case() {
        close(
            &seed_flows_closed_form(&[-1000.0, 0.0, 1000.0]).unwrap(),
            &[1000.0, -2000.0, 1000.0],
        );
        assert_eq!(
            minimum_norm_flows(&[-1000.0, 0.0, 1000.0])
                .unwrap()
                .iter()
                .map(|x| x * 3.0)
                .collect::<Vec<_>>(),
            [-1000.0, -2000.0, -1000.0]
        );
        assert_eq!(seed_flows_closed_form(&[2.0, -2.0]).unwrap(), [2.0, -2.0]);
        assert!(seed_flows_closed_form(&[5.0]).unwrap().is_empty());
        assert!(minimum_norm_flows(&[0.0; crate::MAX_DEPOSITS + 1]).is_err());
    }

    #[test]
    fn zero_entries_are_visited_but_not_reported() {
        let m = DMatrix::from_row_slice(2, 2, &[0.0, -3.0, 0.0, 0.0]);
        let (t, after) = seed_transfer_loop(&m, &[2.0, 1.0], 1.0).unwrap();
        assert_eq!(after, [0.0, 3.0]);
        assert_eq!(
            t,
            [Transfer {
                from: 0,
                to: 1,
                amount: 2.0,
                requested: 3.0
            }]
        );
    }

    #[test]
    fn refusals() {
        let m = Fidelity::Corrected;
        assert!(rebalance(&[], &[], 0.5, m).is_err());
        assert!(rebalance(&[0.0, 0.0], &[0.5, 0.5], 0.5, m).is_err());
        assert!(rebalance(&[1.0, 1.0], &[0.5], 0.5, m).is_err());
        assert!(rebalance(&[1.0, 1.0], &[0.5, -0.5], 0.5, m).is_err());
        assert!(rebalance(&[1.0, 1.0], &[0.0, 0.0], 0.5, m).is_err());
        assert_eq!(
            rebalance(&[1.0, 1.0], &[0.5, 0.5], 1.5, m),
            Err(CamError::RateOutOfRange { rate: 1.5 })
        );
        assert!(rebalance(&[1.0, f64::NAN], &[0.5, 0.5], 0.5, m).is_err());
        assert!(populate_delta_triangular_matrix(&[1.0], 3).is_err());
    }
}
