//! Target weights: endogenous (yield over risk) and exogenous (Dirichlet noise), as the seed's
//! two weight policies compute them.
//!
//! **Endogenous** (`policy_fei_capital_allocation_endogenous_weight_update`): over the last
//! `window` rows of the yield history,
//!
//! ```text
//! yield_i = max(mean of deposit i's yields, 1e-18)
//! risk_i  = 1 + volatile_asset_risk_i + std_i / (mean_i + 1e-18)
//! weight_i ∝ yield_i / risk_i
//! ```
//!
//! The seed divides the yield sum by the full `window` even when fewer rows exist (early in a
//! run), so the first timesteps understate every yield by the same factor, and the `1e-18`
//! floor then dominates a deposit whose yields are zero. [`Fidelity::Corrected`] divides by the
//! number of rows there are; [`Fidelity::Faithful`] divides by `window`. The standard
//! deviation and mean are numpy's (`np.std`, population, and `np.mean`, with numpy's pairwise
//! summation) in both modes.
//!
//! **Exogenous** (`policy_fei_capital_allocation_exogenous_weight_update`): the seed draws a
//! Dirichlet perturbation `p` with `random_state = timestep`, so every run gets the same noise,
//! and sets `target = normalise(rate · p + current)`. The rebalance then moves `rate` of the way
//! to that target, so the rate is applied twice (a step of about `rate²` toward the noise).
//! [`Fidelity::Corrected`] draws `p` from the run's own stream and sets
//! `target = normalise(p + current)`, leaving the rate to the rebalance alone.

#[cfg(feature = "dirichlet")]
use rand::Rng;

use crate::Fidelity;
#[cfg(feature = "dirichlet")]
use crate::dirichlet::{Dirichlet, numpy_dirichlet};
use crate::error::{CamError, finite, non_negative, same_len};
use crate::rebalance::total;

/// The seed's floor on a moving-average yield, which keeps all-zero yields normalisable.
pub const YIELD_FLOOR: f64 = 1e-18;

/// numpy's `np.add.reduce` of a contiguous `float64` array: pairwise summation with eight
/// accumulators over blocks of up to 128 entries (`pairwise_sum` in numpy's loops).
///
/// ```
/// // numpy's pairwise sum, which can differ from a left-to-right sum in the last bit.
/// let values: Vec<f64> = (1..=200).map(|i| 0.1 * f64::from(i)).collect();
/// let s = fei_cam::numpy_sum(&values);
/// assert!((s - 2010.0).abs() < 1e-9);
/// assert_eq!(fei_cam::numpy_mean(&[1.0, 2.0, 3.0, 4.0]), 2.5);
/// ```
#[must_use]
pub fn numpy_sum(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        a.iter().fold(0.0, |acc, v| acc + v)
    } else if n <= 128 {
        let mut r = [0.0; 8];
        r.copy_from_slice(&a[..8]);
        let whole = n - n % 8;
        let mut i = 8;
        while i < whole {
            for (j, rj) in r.iter_mut().enumerate() {
                *rj += a[i + j];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for v in &a[whole..] {
            res += v;
        }
        res
    } else {
        let half = n / 2;
        let half = half - half % 8;
        numpy_sum(&a[..half]) + numpy_sum(&a[half..])
    }
}

/// `np.mean`: [`numpy_sum`] divided by the length (NaN for no entries, as numpy).
#[must_use]
pub fn numpy_mean(a: &[f64]) -> f64 {
    let n = a.len() as f64;
    numpy_sum(a) / n
}

/// `np.std` (population, `ddof = 0`): `sqrt(sum((x − mean)²) / n)`, in numpy's order.
#[must_use]
pub fn numpy_std(a: &[f64]) -> f64 {
    let mean = numpy_mean(a);
    let squares: Vec<f64> = a
        .iter()
        .map(|x| {
            let d = x - mean;
            d * d
        })
        .collect();
    let n = a.len() as f64;
    (numpy_sum(&squares) / n).sqrt()
}

/// Endogenous target weights from a yield history.
///
/// `history` holds one row per timestep, oldest first, each with one annual yield rate per
/// deposit; only the last `window` rows are used (the seed's `state_history[-window:]`).
/// `volatile_asset_risk` has one entry per deposit (the seed applies its
/// `volatile_asset_risk_metric` to the liquidity pool and the money market, 0 elsewhere).
///
/// ```
/// use fei_cam::{Fidelity, endogenous_weights};
///
/// // Two deposits with steady yields of 4 % and 2 % and no volatile-asset risk: weights ∝ yield,
/// // 2/3 and 1/3 (a steady yield has no spread, so its risk term is 1).
/// let history = vec![vec![0.04, 0.02]; 3];
/// let w = endogenous_weights(&history, &[0.0, 0.0], 3, Fidelity::Corrected)?;
/// assert!((w[0] - 2.0 / 3.0).abs() < 1e-12 && (w[1] - 1.0 / 3.0).abs() < 1e-12);
/// # Ok::<(), fei_cam::CamError>(())
/// ```
///
/// # Errors
/// An empty history or a zero window; rows of different lengths; a negative or non-finite yield
/// or risk; weights that sum to zero or overflow.
pub fn endogenous_weights<R: AsRef<[f64]>>(
    history: &[R],
    volatile_asset_risk: &[f64],
    window: usize,
    fidelity: Fidelity,
) -> Result<Vec<f64>, CamError> {
    if window == 0 {
        return Err(CamError::TooFew {
            what: "moving-average window",
            min: 1,
            got: 0,
        });
    }
    if history.is_empty() {
        return Err(CamError::TooFew {
            what: "yield history",
            min: 1,
            got: 0,
        });
    }
    let rows = &history[history.len().saturating_sub(window)..];
    let n = volatile_asset_risk.len();
    for row in rows {
        let row = row.as_ref();
        same_len("yield history row", n, row.len())?;
        for &y in row {
            non_negative("yield rate", y)?;
        }
    }
    for &r in volatile_asset_risk {
        non_negative("volatile asset risk", r)?;
    }
    let divisor = match fidelity {
        Fidelity::Faithful => window as f64,
        Fidelity::Corrected => rows.len() as f64,
    };
    let mut weights = Vec::with_capacity(n);
    let mut series = Vec::with_capacity(rows.len());
    for (i, &volatile) in volatile_asset_risk.iter().enumerate() {
        series.clear();
        series.extend(rows.iter().map(|r| r.as_ref()[i]));
        // The seed's yield uses Python's `sum`; its mean and std use numpy.
        let yield_i = (total(&series) / divisor).max(YIELD_FLOOR);
        let yield_risk = numpy_std(&series) / (numpy_mean(&series) + YIELD_FLOOR);
        let risk = 1.0 + volatile + yield_risk;
        weights.push(finite("weight", yield_i / risk)?);
    }
    normalise("target weights", weights)
}

/// The exogenous target from a perturbation: `normalise(rate · p + current)` when faithful,
/// `normalise(p + current)` when corrected (see the module docs).
///
/// ```
/// use fei_cam::{Fidelity, exogenous_target_weights};
///
/// // Current weights (1, 0), perturbation (0, 1), rate 0.5: the seed's normalise(0.5·p + c)
/// // is (2/3, 1/3); the corrected normalise(p + c) is (1/2, 1/2).
/// let seed = exogenous_target_weights(&[1.0, 0.0], &[0.0, 1.0], 0.5, Fidelity::Faithful)?;
/// let fixed = exogenous_target_weights(&[1.0, 0.0], &[0.0, 1.0], 0.5, Fidelity::Corrected)?;
/// assert_eq!(seed, [1.0 / 1.5, 0.5 / 1.5]);
/// assert_eq!(fixed, [0.5, 0.5]);
/// # Ok::<(), fei_cam::CamError>(())
/// ```
///
/// # Errors
/// Lengths that differ; a negative or non-finite entry or rate; a zero sum.
pub fn exogenous_target_weights(
    current_weights: &[f64],
    perturbation: &[f64],
    rate: f64,
    fidelity: Fidelity,
) -> Result<Vec<f64>, CamError> {
    same_len("perturbation", current_weights.len(), perturbation.len())?;
    non_negative("rebalance rate", rate)?;
    let scale = match fidelity {
        Fidelity::Faithful => rate,
        Fidelity::Corrected => 1.0,
    };
    let target = current_weights
        .iter()
        .zip(perturbation)
        .map(|(&c, &p)| {
            non_negative("current weight", c)?;
            non_negative("perturbation", p)?;
            crate::error::no_overflow("target weight", scale * p + c)
        })
        .collect::<Result<Vec<_>, _>>()?;
    normalise("exogenous target weights", target)
}

/// The exogenous weight policy with its noise source chosen by the fidelity.
///
/// ```
/// use fei_cam::{ExogenousWeights, Fidelity};
/// use rand::SeedableRng;
///
/// let exo = ExogenousWeights::new(vec![1.0; 4], 4)?;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(7);
/// let current = [0.0, 30.0 / 225.0, 0.0, 195.0 / 225.0];
/// let w = exo.target_weights(&current, 0.2, 1, &mut rng, Fidelity::Corrected)?;
/// assert_eq!(w.len(), 4);
/// assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
/// # Ok::<(), fei_cam::CamError>(())
/// ```
#[cfg(feature = "dirichlet")]
#[cfg_attr(docsrs, doc(cfg(feature = "dirichlet")))]
#[derive(Debug, Clone)]
pub struct ExogenousWeights {
    alpha: Vec<f64>,
    dirichlet: Dirichlet,
}

#[cfg(feature = "dirichlet")]
impl ExogenousWeights {
    /// Dirichlet concentration `alpha` over `deposits` deposits (Fei's default is all ones).
    ///
    /// # Errors
    /// `alpha.len() != deposits`; fewer than 2 deposits; an entry that is not positive, finite
    /// and normal.
    pub fn new(alpha: Vec<f64>, deposits: usize) -> Result<Self, CamError> {
        same_len("Dirichlet concentration", deposits, alpha.len())?;
        let dirichlet = Dirichlet::new(&alpha)?;
        Ok(Self { alpha, dirichlet })
    }

    /// The concentration.
    #[must_use]
    pub fn alpha(&self) -> &[f64] {
        &self.alpha
    }

    /// The perturbation: when faithful numpy's `RandomState(timestep)` draw (the same in
    /// every run); when corrected a draw from `rng`, the run's own stream.
    ///
    /// # Errors
    /// Draws that cannot be normalised (see [`numpy_dirichlet`]).
    pub fn perturbation<G: Rng + ?Sized>(
        &self,
        timestep: u32,
        rng: &mut G,
        fidelity: Fidelity,
    ) -> Result<Vec<f64>, CamError> {
        match fidelity {
            Fidelity::Faithful => numpy_dirichlet(&self.alpha, timestep),
            Fidelity::Corrected => self.dirichlet.sample(rng),
        }
    }

    /// Target weights for one timestep: [`perturbation`](Self::perturbation) then
    /// [`exogenous_target_weights`].
    ///
    /// # Errors
    /// As those two.
    pub fn target_weights<G: Rng + ?Sized>(
        &self,
        current_weights: &[f64],
        rate: f64,
        timestep: u32,
        rng: &mut G,
        fidelity: Fidelity,
    ) -> Result<Vec<f64>, CamError> {
        same_len("current weights", self.alpha.len(), current_weights.len())?;
        let p = self.perturbation(timestep, rng, fidelity)?;
        exogenous_target_weights(current_weights, &p, rate, fidelity)
    }
}

/// `w / w.sum()` with numpy's sum.
fn normalise(what: &'static str, mut w: Vec<f64>) -> Result<Vec<f64>, CamError> {
    let sum = numpy_sum(&w);
    if !(sum > 0.0 && sum.is_finite()) {
        return Err(CamError::DegenerateSum { what, sum });
    }
    for v in &mut w {
        *v /= sum;
    }
    Ok(w)
}

#[cfg(test)]
#[expect(
    clippy::float_cmp,
    reason = "exact values are the point of these tests"
)]
mod tests {
    use super::*;

    #[test]
    fn numpy_sum_is_pairwise() {
        // np.sum([0.1, 0.2, 0.3]) and np.sum([1e16, 1.0, 1.0]) as numpy prints them.
        assert_eq!(numpy_sum(&[0.1, 0.2, 0.3]), 0.600_000_000_000_000_1);
        assert_eq!(numpy_sum(&[1e16, 1.0, 1.0]), 1e16);
        // Nine ones and 1e16 first: the eight accumulators each hold one value, so the 1e16
        // absorbs only what the tree adds to it.
        let mut a = vec![1.0; 9];
        a[0] = 1e16;
        assert_eq!(numpy_sum(&a), 1e16 + 8.0);
    }

    #[test]
    fn endogenous_by_hand() {
        // Two deposits, constant yields 0.02 and 0.04, no volatile risk, no yield risk:
        // weights ∝ 0.02 : 0.04.
        let history = vec![vec![0.02, 0.04]; 5];
        let w = endogenous_weights(&history, &[0.0, 0.0], 3, Fidelity::Corrected).unwrap();
        assert!((w[0] - 1.0 / 3.0).abs() < 1e-15 && (w[1] - 2.0 / 3.0).abs() < 1e-15);
        // A volatile risk of 1 halves the first deposit's weight: 0.01 : 0.04.
        let w = endogenous_weights(&history, &[1.0, 0.0], 3, Fidelity::Corrected).unwrap();
        assert!((w[0] - 0.2).abs() < 1e-15, "{w:?}");
    }

    #[test]
    fn short_history_seed_divides_by_the_window() {
        // One row, window 3. The seed's yields are 0.03/3 = 0.01 and max(0/3, 1e-18); the
        // corrected ones 0.03 and 1e-18. Both yield risks are 0. Scaling every yield by the same
        // factor leaves normalised weights alone, so the defect shows only against the floor.
        let history = vec![vec![0.03, 0.0]];
        let seed = endogenous_weights(&history, &[0.0, 0.0], 3, Fidelity::Faithful).unwrap();
        let fixed = endogenous_weights(&history, &[0.0, 0.0], 3, Fidelity::Corrected).unwrap();
        assert_eq!(seed, [0.01 / (0.01 + 1e-18), 1e-18 / (0.01 + 1e-18)]);
        assert_eq!(fixed, [0.03 / (0.03 + 1e-18), 1e-18 / (0.03 + 1e-18)]);
    }

    #[test]
    fn exogenous_applies_the_rate_once_when_corrected() {
        let c = [0.5, 0.5];
        let p = [1.0, 0.0];
        let seed = exogenous_target_weights(&c, &p, 0.5, Fidelity::Faithful).unwrap();
        // (0.5·1 + 0.5, 0.5·0 + 0.5) / 1.5
        assert_eq!(seed, [1.0 / 1.5, 0.5 / 1.5]);
        let fixed = exogenous_target_weights(&c, &p, 0.5, Fidelity::Corrected).unwrap();
        assert_eq!(fixed, [0.75, 0.25]);
    }

    #[test]
    fn refusals() {
        let h = vec![vec![0.1, 0.2]];
        assert!(endogenous_weights(&h, &[0.0, 0.0], 0, Fidelity::Corrected).is_err());
        assert!(endogenous_weights::<Vec<f64>>(&[], &[0.0, 0.0], 3, Fidelity::Corrected).is_err());
        assert!(endogenous_weights(&h, &[0.0], 3, Fidelity::Corrected).is_err());
        assert!(
            endogenous_weights(&[vec![-0.1, 0.2]], &[0.0, 0.0], 3, Fidelity::Corrected).is_err()
        );
        #[cfg(feature = "dirichlet")]
        assert!(ExogenousWeights::new(vec![1.0; 3], 4).is_err());
        assert!(
            exogenous_target_weights(&[0.0, 0.0], &[0.0, 0.0], 1.0, Fidelity::Corrected).is_err()
        );
    }
}
