//! One rebalance step on live deposits, with Fei's default parameters: the seed's
//! `policy_fei_capital_allocation_rebalancing` without the cadCAD plumbing.

use crate::Fidelity;
use crate::deposit::Deposit;
use crate::error::{CamError, positive};
use crate::rebalance::{Rebalance, rebalance_at_price};

/// The capital-allocation parameters of Fei's model (`model/system_parameters.py`).
///
/// ```
/// use fei_cam::CamParams;
///
/// // Fei's defaults move √(dt / duration) = √(1/30) of the way each day.
/// let rate = CamParams::default().rebalance_rate()?;
/// assert!((rate - (1.0f64 / 30.0).sqrt()).abs() < 1e-15);
/// # Ok::<(), fei_cam::CamError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CamParams {
    /// Length of a timestep in days (`dt`, default 1).
    pub dt: f64,
    /// Timesteps over which the allocation closes the gap to its target
    /// (`capital_allocation_rebalance_duration`, default 30).
    pub rebalance_duration: f64,
    /// Timesteps in the yield moving average
    /// (`capital_allocation_yield_rate_moving_average_window`, default 3).
    pub moving_average_window: usize,
}

impl Default for CamParams {
    fn default() -> Self {
        Self {
            dt: 1.0,
            rebalance_duration: 30.0,
            moving_average_window: 3,
        }
    }
}

impl CamParams {
    /// `rate = sqrt(dt / rebalance_duration)`, the fraction of the gap closed per step
    /// (`√(1/30) ≈ 0.1826` with the defaults).
    ///
    /// # Errors
    /// A non-positive or non-finite `dt` or duration.
    pub fn rebalance_rate(&self) -> Result<f64, CamError> {
        let dt = positive("dt", self.dt)?;
        let duration = positive("rebalance duration", self.rebalance_duration)?;
        Ok((dt / duration).sqrt())
    }
}

/// Rebalances FEI deposits toward `target_weights` at `rate`, all valued at `fei_price`, and
/// writes the new balances into `deposits` (values revalued at `fei_price`).
///
/// In the faithful rebalance the receiving deposit gets `amount · fei_price / fei_price`, as the seed's
/// `Deposit.transfer` computes it. The deposits change only when the whole rebalance succeeds.
///
/// ```
/// use fei_cam::{Deposit, DepositKind, Fidelity, rebalance_deposits};
///
/// let mut deposits = vec![
///     Deposit::with_balance("FEI", "idle", DepositKind::User, 100.0, 1.0)?,
///     Deposit::new("FEI", "savings", DepositKind::User),
/// ];
/// // All the way to 50/50 at rate 1, at a FEI price of 1.
/// rebalance_deposits(&mut deposits, &[0.5, 0.5], 1.0, 1.0, Fidelity::Corrected)?;
/// assert_eq!((deposits[0].balance(), deposits[1].balance()), (50.0, 50.0));
/// # Ok::<(), fei_cam::CamError>(())
/// ```
///
/// # Errors
/// As [`rebalance`](crate::rebalance()), or a non-positive price.
pub fn rebalance_deposits(
    deposits: &mut [Deposit],
    target_weights: &[f64],
    rate: f64,
    fei_price: f64,
    fidelity: Fidelity,
) -> Result<Rebalance, CamError> {
    let balances: Vec<f64> = deposits.iter().map(Deposit::balance).collect();
    let outcome = rebalance_at_price(&balances, target_weights, rate, fei_price, fidelity)?;
    let mut updated = deposits.to_vec();
    for (d, &b) in updated.iter_mut().zip(&outcome.balances_after) {
        d.set_balance(b, fei_price)?;
    }
    deposits.clone_from_slice(&updated);
    Ok(outcome)
}

#[cfg(test)]
#[expect(
    clippy::float_cmp,
    reason = "exact values are the point of these tests"
)]
mod tests {
    use super::*;
    use crate::DepositKind;

    #[test]
    fn default_rate_is_root_of_one_thirtieth() {
        let rate = CamParams::default().rebalance_rate().unwrap();
        assert_eq!(rate, (1.0_f64 / 30.0).sqrt());
        assert_eq!(rate, 0.182_574_185_835_055_36);
        let bad = CamParams {
            dt: 0.0,
            ..CamParams::default()
        };
        assert!(bad.rebalance_rate().is_err());
    }

    #[test]
    fn deposits_move_and_are_revalued() {
        let mut ds: Vec<Deposit> = [("idle", 90.0), ("savings", 10.0)]
            .into_iter()
            .map(|(l, b)| Deposit::with_balance("FEI", l, DepositKind::User, b, 1.0).unwrap())
            .collect();
        let r = rebalance_deposits(&mut ds, &[0.5, 0.5], 0.5, 2.0, Fidelity::Corrected).unwrap();
        // Half of the way from (90, 10) to (50, 50).
        assert_eq!(r.balances_after, [70.0, 30.0]);
        assert_eq!(ds[0].balance(), 70.0);
        assert_eq!(ds[1].asset_value(), Some(60.0));
        let before = ds.clone();
        assert!(rebalance_deposits(&mut ds, &[0.5, 0.5], 2.0, 1.0, Fidelity::Corrected).is_err());
        assert_eq!(ds, before);
    }
}
