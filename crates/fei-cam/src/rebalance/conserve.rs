//! Exact summation: nudging a few entries by a few ulps so that their index-order sum is a
//! given total, bit for bit (the corrected rebalance's conservation guarantee).

use super::total;
use crate::error::CamError;

/// Adjusts `after` by a few ulps so that its index-order sum is exactly `sum`.
///
/// With the other entries fixed, the sum is a non-decreasing function of one entry `v`, so
/// bisection on the bits of `v` finds the smallest `v` whose sum is `≥ sum`. That sum is `sum`
/// itself unless rounding skips it: when `v` and a partial sum share an ulp and a later entry
/// has a half-ulp bit, ties to even make the sum step by two floats. So each entry is tried as
/// the absorber, largest first, and if every one is skipped over, another entry is moved by one
/// to three of its own ulps first, which changes the tie pattern.
#[expect(clippy::float_cmp, reason = "bit-identical totals are the contract")]
pub(super) fn conserve(after: &mut [f64], sum: f64) -> Result<(), CamError> {
    let got = total(after);
    if got == sum {
        return Ok(());
    }
    let mut order: Vec<usize> = (0..after.len()).filter(|&k| after[k] > 0.0).collect();
    order.sort_by(|&a, &b| after[b].total_cmp(&after[a]));
    let residual = (sum - got).abs();
    for &k in &order {
        if absorb(after, k, sum, residual) {
            return Ok(());
        }
    }
    for &other in &order {
        let saved = after[other];
        for steps in [1_i64, -1, 2, -2, 3, -3] {
            let moved = f64::from_bits(saved.to_bits().saturating_add_signed(steps));
            if !(moved >= 0.0 && moved.is_finite()) {
                continue;
            }
            after[other] = moved;
            let residual = (sum - total(after)).abs();
            for &k in order.iter().filter(|&&k| k != other) {
                if absorb(after, k, sum, residual) {
                    return Ok(());
                }
            }
        }
        after[other] = saved;
    }
    Err(CamError::NotConserved { expected: sum, got })
}

/// Tries to make `total(after) == sum` by changing `after[k]` alone; restores it on failure.
#[expect(clippy::float_cmp, reason = "exact values are the point")]
fn absorb(after: &mut [f64], k: usize, sum: f64, residual: f64) -> bool {
    let v = after[k];
    let mut with = |x: f64| {
        after[k] = x;
        total(after)
    };
    let mut step = residual.max(ulp(sum));
    let mut bracket = None;
    for _ in 0..8 {
        let (lo, hi) = ((v - step).max(0.0), v + step);
        if with(lo) <= sum && with(hi) >= sum {
            bracket = Some((lo, hi));
            break;
        }
        step *= 4.0;
    }
    if let Some((lo, hi)) = bracket {
        // Non-negative floats order as their bit patterns.
        let (mut a, mut b) = (lo.to_bits(), hi.to_bits());
        while a < b {
            let mid = a + (b - a) / 2;
            if with(f64::from_bits(mid)) < sum {
                a = mid + 1;
            } else {
                b = mid;
            }
        }
        if with(f64::from_bits(a)) == sum {
            return true;
        }
    }
    after[k] = v;
    false
}

fn ulp(x: f64) -> f64 {
    let x = x.abs();
    if x.is_finite() {
        f64::from_bits(x.to_bits() + 1) - x
    } else {
        f64::MIN_POSITIVE
    }
}
