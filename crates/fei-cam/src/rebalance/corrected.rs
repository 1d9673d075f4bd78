//! The corrected method (`Fidelity::Corrected`, the default): the net changes applied directly,
//! the total conserved bit for bit, and the transfers that realise them.

use nalgebra::DMatrix;

use super::conserve::conserve;
use super::{Rebalance, Transfer, balance_changes, seed_remainder, total};
use crate::Fidelity;
use crate::error::CamError;

pub(super) fn corrected(
    balances: &[f64],
    target_weights: &[f64],
    current: &[f64],
    sum: f64,
    rate: f64,
) -> Result<Rebalance, CamError> {
    if rate > 1.0 {
        return Err(CamError::RateOutOfRange { rate });
    }
    let weight_sum = total(target_weights);
    if !(weight_sum > 0.0 && weight_sum.is_finite()) {
        return Err(CamError::DegenerateSum {
            what: "target weights",
            sum: weight_sum,
        });
    }
    let target: Vec<f64> = target_weights.iter().map(|t| t / weight_sum).collect();
    let change = balance_changes(&target, current, sum, rate)?;
    let mut after: Vec<f64> = balances
        .iter()
        .zip(&change)
        .map(|(b, c)| (b + c).max(0.0))
        .collect();
    conserve(&mut after, sum)?;
    let transfers = decompose(balances, &after);
    let n = balances.len();
    let mut matrix = DMatrix::zeros(n, n);
    for t in &transfers {
        if t.to < t.from {
            matrix[(t.to, t.from)] += t.amount;
        } else {
            matrix[(t.from, t.to)] -= t.amount;
        }
    }
    let deltas = (0..n)
        .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
        .map(|(i, j)| matrix[(i, j)])
        .collect();
    let remainder = seed_remainder(balances, &change, &after);
    Ok(Rebalance {
        fidelity: Fidelity::Corrected,
        change,
        deltas,
        matrix,
        transfers,
        balances_before: balances.to_vec(),
        balances_after: after,
        remainder,
    })
}

/// Sources (deposits that shrink) pay sinks (deposits that grow) in index order.
fn decompose(before: &[f64], after: &[f64]) -> Vec<Transfer> {
    let mut out: Vec<(usize, f64)> = Vec::new();
    let mut into: Vec<(usize, f64)> = Vec::new();
    for (i, (b, a)) in before.iter().zip(after).enumerate() {
        if a < b {
            out.push((i, b - a));
        } else if a > b {
            into.push((i, a - b));
        }
    }
    let mut transfers = Vec::with_capacity(out.len() + into.len());
    let (mut s, mut t) = (0, 0);
    while s < out.len() && t < into.len() {
        let amount = out[s].1.min(into[t].1);
        if amount > 0.0 {
            transfers.push(Transfer {
                from: out[s].0,
                to: into[t].0,
                amount,
                requested: amount,
            });
        }
        out[s].1 -= amount;
        into[t].1 -= amount;
        if out[s].1 <= into[t].1 {
            s += 1;
        } else {
            t += 1;
        }
    }
    transfers
}
