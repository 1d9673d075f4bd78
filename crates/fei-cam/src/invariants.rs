//! The corrected rebalance's guarantees, as checks a user's property tests can call on a
//! [`Rebalance`] (and this crate's property tests do, over the `proptest` feature's
//! `strategies`). Each returns [`CamError::Violated`] naming the invariant and the values.
//!
//! - [`conserves_total`]: the total user FEI after equals the total before, to the last bit
//!   (`total`, a left-to-right sum, of both);
//! - [`no_negative_balances`]: no deposit ends below zero (no overdraft);
//! - [`transfers_account_for_changes`]: replaying the reported transfers on the balances
//!   before gives the balances after, to `1e-12` of the total.
//!
//! The faithful rebalance (the seed's) keeps none of these exactly: its transfer loop drifts,
//! and it can overdraw.
//!
//! ```
//! use fei_cam::{Fidelity, invariants, rebalance};
//!
//! let before = [500.0, 300.0, 200.0, 0.0];
//! let r = rebalance(&before, &[0.25, 0.25, 0.25, 0.25], 0.5, Fidelity::Corrected)?;
//! invariants::conserves_total(&before, &r)?;
//! invariants::no_negative_balances(&r)?;
//! invariants::transfers_account_for_changes(&r)?;
//! # Ok::<(), fei_cam::CamError>(())
//! ```

use crate::error::CamError;
use crate::rebalance::{Rebalance, total};

fn violated(invariant: &'static str, detail: String) -> CamError {
    CamError::Violated { invariant, detail }
}

/// The total after equals the total of `before`, exactly.
///
/// # Errors
/// [`CamError::Violated`] with both totals.
pub fn conserves_total(before: &[f64], r: &Rebalance) -> Result<(), CamError> {
    let (was, is) = (total(before), total(&r.balances_after));
    if was.to_bits() == is.to_bits() {
        Ok(())
    } else {
        Err(violated(
            "conserves_total",
            format!("total {was} before, {is} after ({:e} apart)", is - was),
        ))
    }
}

/// Every balance after is zero or more.
///
/// # Errors
/// [`CamError::Violated`] naming the first negative (or NaN) balance.
pub fn no_negative_balances(r: &Rebalance) -> Result<(), CamError> {
    match r.balances_after.iter().position(|b| b.is_nan() || *b < 0.0) {
        None => Ok(()),
        Some(i) => Err(violated(
            "no_negative_balances",
            format!("deposit {i} ends at {}", r.balances_after[i]),
        )),
    }
}

/// The transfers, replayed on the balances before, give the balances after within `1e-12` of
/// the total.
///
/// # Errors
/// [`CamError::Violated`] naming the deposit whose replay differs.
pub fn transfers_account_for_changes(r: &Rebalance) -> Result<(), CamError> {
    let mut replay = r.balances_before.clone();
    for t in &r.transfers {
        if let (Some(_), Some(_)) = (replay.get(t.from), replay.get(t.to)) {
            replay[t.from] -= t.amount;
            replay[t.to] += t.amount;
        }
    }
    let tolerance = 1e-12 * total(&r.balances_before).abs();
    for (i, (a, b)) in replay.iter().zip(&r.balances_after).enumerate() {
        let within = (a - b).abs() <= tolerance;
        if !within {
            return Err(violated(
                "transfers_account_for_changes",
                format!("deposit {i}: the transfers give {a}, the rebalance {b}"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Fidelity, rebalance};

    #[test]
    fn a_broken_rebalance_is_named() {
        let before = [500.0, 300.0, 200.0];
        let mut r = rebalance(&before, &[1.0, 1.0, 1.0], 1.0, Fidelity::Corrected).unwrap();
        assert!(conserves_total(&before, &r).is_ok());
        r.balances_after[0] += 1e-9;
        let e = conserves_total(&before, &r).unwrap_err();
        assert!(matches!(
            e,
            CamError::Violated {
                invariant: "conserves_total",
                ..
            }
        ));
        assert!(
            transfers_account_for_changes(&r).is_ok(),
            "1e-9 is within 1e-12 · 1000"
        );
        r.balances_after[1] = -0.5;
        assert_eq!(
            no_negative_balances(&r).unwrap_err().to_string(),
            "invariant `no_negative_balances` violated: deposit 1 ends at -0.5"
        );
        assert!(transfers_account_for_changes(&r).is_err());
    }
}
