//! The seed's method: net changes through the pseudo-inverse of the constrained incidence
//! matrix into a triangle of flows, then the sequential transfer loop, reproduced exactly
//! (`Fidelity::Faithful`).

use nalgebra::{DMatrix, DVector};

use super::{RebalancePlan, Transfer, balance_changes, total};
use crate::error::{CamError, finite, non_negative, positive, same_len};
use crate::incidence::{constrained_incidence_matrix, edge_count};
use crate::pinv::{NUMPY_RCOND, pseudo_inverse};

/// The seed's `populate_delta_triangular_matrix`: `D[i][j] = d[k]` for `i < j`, row-major,
/// zeros elsewhere. (The seed's docstring says "lower triangular"; it is the upper triangle.)
///
/// # Errors
/// Fewer than `n(n−1)/2` deltas (the seed raises `IndexError`).
pub fn populate_delta_triangular_matrix(
    deltas: &[f64],
    n: usize,
) -> Result<DMatrix<f64>, CamError> {
    let m = edge_count(n);
    if deltas.len() < m {
        return Err(CamError::TooFew {
            what: "deltas",
            min: m,
            got: deltas.len(),
        });
    }
    let mut d = DMatrix::zeros(n, n);
    let mut k = 0;
    for i in 0..n {
        for j in i + 1..n {
            d[(i, j)] = deltas[k];
            k += 1;
        }
    }
    Ok(d)
}

/// The seed's `compute_capital_allocation_rebalance_matrix`: the net changes, the edge flows
/// `pinv(M)·[change, 0]` (numpy's cutoff `rcond = 1e-15`) and the rebalance matrix.
///
/// # Errors
/// As [`balance_changes`]; more than [`MAX_DEPOSITS`](crate::MAX_DEPOSITS) deposits; a
/// pseudo-inverse that fails.
pub fn compute_capital_allocation_rebalance_matrix(
    target_fei_allocation: &[f64],
    current_fei_allocation: &[f64],
    total_fei: f64,
    rebalance_rate: f64,
) -> Result<RebalancePlan, CamError> {
    let change = balance_changes(
        target_fei_allocation,
        current_fei_allocation,
        total_fei,
        rebalance_rate,
    )?;
    let n = change.len();
    let m = constrained_incidence_matrix(n)?;
    let pinv = pseudo_inverse(&m, NUMPY_RCOND)?;
    let rhs = DVector::from_iterator(n + 1, change.iter().copied().chain([0.0]));
    let deltas: Vec<f64> = (pinv * rhs).iter().copied().collect();
    for &d in &deltas {
        crate::error::no_overflow("delta", d)?;
    }
    let matrix = populate_delta_triangular_matrix(&deltas, n)?;
    Ok(RebalancePlan {
        change,
        deltas,
        matrix,
    })
}

/// The minimum-norm flows on the complete graph that realise net changes `b` (with `Σb = 0`):
/// `x_e = (b_i − b_j)/n` for edge `e = (i, j)`, lexicographic. This is `pinv(A)·b` for the plain
/// incidence matrix `A`, without the seed's ones row.
///
/// # Errors
/// More than [`MAX_DEPOSITS`](crate::MAX_DEPOSITS) entries (the flows are quadratic in `n`).
pub fn minimum_norm_flows(change: &[f64]) -> Result<Vec<f64>, CamError> {
    let n = change.len();
    check_deposits(n)?;
    let nf = n as f64;
    let mut flows = Vec::with_capacity(edge_count(n));
    for i in 0..n {
        for j in i + 1..n {
            flows.push((change[i] - change[j]) / nf);
        }
    }
    Ok(flows)
}

/// The seed's pseudo-inverse flows in closed form: [`minimum_norm_flows`] minus the circular
/// flow that the ones row adds,
/// `x_e = (b_i − b_j)/n − s·(1 − 2(j−i)/n)/((n−1)(n−2)/6)` with `s = Σ_e (b_i − b_j)/n`,
/// for `n ≥ 3`. For `n = 2` it is `[(b₀ − b₁)/2, −(b₀ − b₁)/2]` (flow and slack); for `n < 2`,
/// no flows.
///
/// # Errors
/// More than [`MAX_DEPOSITS`](crate::MAX_DEPOSITS) entries.
pub fn seed_flows_closed_form(change: &[f64]) -> Result<Vec<f64>, CamError> {
    let n = change.len();
    let mut flows = minimum_norm_flows(change)?;
    match n {
        0 | 1 => {}
        2 => flows.push(-flows[0]),
        _ => {
            let nf = n as f64;
            let s = total(&flows);
            let norm = (nf - 1.0) * (nf - 2.0) / 6.0;
            let mut k = 0;
            for i in 0..n {
                for j in i + 1..n {
                    let gap = (j - i) as f64;
                    flows[k] -= s * (1.0 - 2.0 * gap / nf) / norm;
                    k += 1;
                }
            }
        }
    }
    Ok(flows)
}

fn check_deposits(n: usize) -> Result<(), CamError> {
    if n > crate::MAX_DEPOSITS {
        return Err(CamError::TooManyDeposits {
            n,
            edges: edge_count(n),
        });
    }
    Ok(())
}

/// The seed's transfer loop over a rebalance matrix: every entry, row-major; `v > 0` moves from
/// the column's deposit to the row's, `v < 0` the other way; each moves
/// `min(|v|, balance[from])`, and the receiver gets `amount · price / price` (the seed's
/// `Deposit.transfer` with `fei_price` on both sides). Returns the non-zero transfers and the
/// balances after.
///
/// # Errors
/// A matrix that is not `n × n` for `n` balances; a non-finite entry; a negative or non-finite
/// balance; a non-positive price.
pub fn seed_transfer_loop(
    matrix: &DMatrix<f64>,
    balances: &[f64],
    price: f64,
) -> Result<(Vec<Transfer>, Vec<f64>), CamError> {
    let n = balances.len();
    same_len("rebalance matrix rows", n, matrix.nrows())?;
    same_len("rebalance matrix columns", n, matrix.ncols())?;
    for &b in balances {
        non_negative("balance", b)?;
    }
    for &v in matrix.iter() {
        finite("rebalance matrix entry", v)?;
    }
    positive("FEI price", price)?;
    let mut after = balances.to_vec();
    let mut transfers = Vec::new();
    for row in 0..n {
        for col in 0..n {
            let value = matrix[(row, col)];
            let (from, to) = if value > 0.0 { (col, row) } else { (row, col) };
            let requested = value.abs();
            let amount = requested.min(after[from]);
            after[from] -= amount;
            let received = amount * price / price;
            after[to] = crate::error::no_overflow("balance", after[to] + received)?;
            if value != 0.0 {
                transfers.push(Transfer {
                    from,
                    to,
                    amount,
                    requested,
                });
            }
        }
    }
    Ok((transfers, after))
}

/// The seed's `rebalance_remainder`: `(before + change) − after`, then entries within `1e-8` of
/// zero (numpy's `isclose(r, 0)`: `|r| ≤ atol = 1e-8`) set to zero.
#[must_use]
pub fn seed_remainder(before: &[f64], change: &[f64], after: &[f64]) -> Vec<f64> {
    before
        .iter()
        .zip(change)
        .zip(after)
        .map(|((b, c), a)| {
            let r = (b + c) - a;
            if r.abs() <= 1e-8 { 0.0 } else { r }
        })
        .collect()
}
