//! Dirichlet draws for the exogenous targets: numpy's legacy stream, bit for bit, and a
//! runtime-length version of `rand_distr`'s Dirichlet for ordinary runs.
//!
//! The seed calls `scipy.stats.dirichlet.rvs(alpha, size=1, random_state=timestep)`. scipy turns
//! the integer into `np.random.RandomState(timestep)` (MT19937 seeded by `init_genrand`) and
//! calls its legacy `dirichlet`: one `standard_gamma(α_i)` per entry, summed in order, then each
//! multiplied by `1/sum`. [`LegacyRandomState`] re-creates that stream: `random_sample` is
//! `((u₁ >> 5)·2²⁶ + (u₂ >> 6)) / 2⁵³` from two 32-bit outputs, `standard_exponential` is
//! `−ln(1 − random_sample)`, and `standard_gamma` is numpy's `legacy_standard_gamma`
//! (exponential for `α = 1`, Johnk-style rejection for `α < 1`, Marsaglia–Tsang with the legacy
//! polar Gaussian for `α > 1`).
//!
//! [`Dirichlet`] is `rand_distr::Dirichlet`'s algorithm for a length known only at run time
//! (`rand_distr` 0.5 fixes it in the type): Gamma draws normalised, or, when every `α ≤ 0.1`,
//! stick-breaking with Beta draws, which does not underflow to `0/0` for small `α` the way
//! normalised Gamma draws do (numpy's legacy `dirichlet` returns NaN for `α = 0.001` about one
//! time in five).

use rand::Rng;
use rand_distr::{Beta, Distribution, Gamma};
use rand_mt::Mt;

use crate::error::CamError;

/// numpy's legacy `RandomState`: MT19937 plus the legacy sampling functions.
#[derive(Debug, Clone)]
pub struct LegacyRandomState {
    mt: Mt,
    cached_gauss: Option<f64>,
}

impl LegacyRandomState {
    /// `np.random.RandomState(seed)` for an integer seed (`init_genrand(seed)`).
    #[must_use]
    pub fn new(seed: u32) -> Self {
        Self {
            mt: Mt::new(seed),
            cached_gauss: None,
        }
    }

    /// The next raw 32-bit output.
    pub fn next_u32(&mut self) -> u32 {
        self.mt.next_u32()
    }

    /// `random_sample()`: a double in `[0, 1)` from two outputs.
    pub fn random_sample(&mut self) -> f64 {
        let a = f64::from(self.next_u32() >> 5);
        let b = f64::from(self.next_u32() >> 6);
        (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// `standard_exponential()`: `−ln(1 − random_sample())`.
    pub fn standard_exponential(&mut self) -> f64 {
        -(1.0 - self.random_sample()).ln()
    }

    /// `standard_normal()`, the legacy polar method, which caches its second value.
    pub fn gauss(&mut self) -> f64 {
        if let Some(v) = self.cached_gauss.take() {
            return v;
        }
        loop {
            let x1 = 2.0 * self.random_sample() - 1.0;
            let x2 = 2.0 * self.random_sample() - 1.0;
            let r2 = x1 * x1 + x2 * x2;
            if r2 < 1.0 && r2 != 0.0 {
                let f = (-2.0 * r2.ln() / r2).sqrt();
                self.cached_gauss = Some(f * x1);
                return f * x2;
            }
        }
    }

    /// `standard_gamma(shape)`, numpy's `legacy_standard_gamma`.
    ///
    /// # Errors
    /// A negative or non-finite shape (numpy raises `ValueError`).
    pub fn standard_gamma(&mut self, shape: f64) -> Result<f64, CamError> {
        crate::error::non_negative("gamma shape", shape)?;
        #[expect(clippy::float_cmp, reason = "exact values are the point")]
        if shape == 1.0 {
            return Ok(self.standard_exponential());
        }
        if shape == 0.0 {
            return Ok(0.0);
        }
        if shape < 1.0 {
            loop {
                let u = self.random_sample();
                let v = self.standard_exponential();
                if u <= 1.0 - shape {
                    let x = u.powf(1.0 / shape);
                    if x <= v {
                        return Ok(x);
                    }
                } else {
                    let y = -((1.0 - u) / shape).ln();
                    let x = (1.0 - shape + shape * y).powf(1.0 / shape);
                    if x <= v + y {
                        return Ok(x);
                    }
                }
            }
        }
        let b = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * b).sqrt();
        loop {
            let (x, mut v) = loop {
                let x = self.gauss();
                let v = 1.0 + c * x;
                if v > 0.0 {
                    break (x, v);
                }
            };
            v = v * v * v;
            let u = self.random_sample();
            if u < 1.0 - 0.0331 * (x * x) * (x * x) {
                return Ok(b * v);
            }
            if u.ln() < 0.5 * x * x + b * (1.0 - v + v.ln()) {
                return Ok(b * v);
            }
        }
    }

    /// `dirichlet(alpha)`: legacy Gamma draws, each multiplied by `1/sum`.
    ///
    /// # Errors
    /// An empty `alpha`, an entry that is not positive and finite, or draws that all underflow
    /// to zero (numpy returns NaN there).
    pub fn dirichlet(&mut self, alpha: &[f64]) -> Result<Vec<f64>, CamError> {
        check_alpha(alpha, 1)?;
        let mut draws = Vec::with_capacity(alpha.len());
        let mut acc = 0.0;
        for &a in alpha {
            let g = self.standard_gamma(a)?;
            acc += g;
            draws.push(g);
        }
        normalise_by_inverse(draws, acc)
    }
}

/// `scipy.stats.dirichlet.rvs(alpha, size=1, random_state=seed)[0]`, bit for bit: the seed's
/// perturbation at timestep `seed`.
///
/// ```
/// // numpy.random.RandomState(7).dirichlet([1, 1, 1]): the same draw for the same seed, and a
/// // point of the simplex.
/// let a = fei_cam::numpy_dirichlet(&[1.0, 1.0, 1.0], 7)?;
/// let b = fei_cam::numpy_dirichlet(&[1.0, 1.0, 1.0], 7)?;
/// assert_eq!(a, b);
/// assert!((a.iter().sum::<f64>() - 1.0).abs() < 1e-12 && a.iter().all(|&p| p > 0.0));
/// # Ok::<(), fei_cam::CamError>(())
/// ```
///
/// # Errors
/// As [`LegacyRandomState::dirichlet`].
pub fn numpy_dirichlet(alpha: &[f64], seed: u32) -> Result<Vec<f64>, CamError> {
    LegacyRandomState::new(seed).dirichlet(alpha)
}

/// A Dirichlet distribution over `alpha.len()` deposits, for any random stream: the algorithm of
/// `rand_distr::Dirichlet` with the length chosen at run time. Draws equal
/// `rand_distr::Dirichlet::<f64, N>`'s for the same stream.
///
/// ```
/// use fei_cam::Dirichlet;
/// use rand::SeedableRng;
///
/// let d = Dirichlet::new(&[2.0, 1.0, 1.0])?;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(1);
/// let p = d.sample(&mut rng)?;
/// assert_eq!(p.len(), 3);
/// assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
/// assert!(Dirichlet::new(&[1.0, 0.0]).is_err()); // concentrations must be positive
/// # Ok::<(), fei_cam::CamError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Dirichlet {
    repr: Repr,
}

#[derive(Debug, Clone)]
enum Repr {
    Gamma(Vec<Gamma<f64>>),
    /// Beta draws for stick-breaking; the last share is what remains.
    Beta(Vec<Beta<f64>>),
}

impl Dirichlet {
    /// A Dirichlet with concentration `alpha`.
    ///
    /// # Errors
    /// Fewer than 2 entries, or an entry that is not positive, finite and normal (as
    /// `rand_distr` requires).
    pub fn new(alpha: &[f64]) -> Result<Self, CamError> {
        check_alpha(alpha, 2)?;
        for &a in alpha {
            if !a.is_normal() {
                return Err(CamError::NotPositive {
                    what: "Dirichlet concentration (subnormal)",
                    value: a,
                });
            }
        }
        let repr = if alpha.iter().all(|&a| a <= 0.1) {
            // b_k = α_{k+1} + … + α_{n−1}, summed from the end as rand_distr does.
            let n = alpha.len();
            let mut rest = vec![alpha[n - 1]; n - 1];
            for k in (0..n - 2).rev() {
                rest[k] = rest[k + 1] + alpha[k + 1];
            }
            let betas = alpha[..n - 1]
                .iter()
                .zip(&rest)
                .map(|(&a, &b)| Beta::new(a, b).map_err(|_| refused(a)))
                .collect::<Result<_, _>>()?;
            Repr::Beta(betas)
        } else {
            let gammas = alpha
                .iter()
                .map(|&a| Gamma::new(a, 1.0).map_err(|_| refused(a)))
                .collect::<Result<_, _>>()?;
            Repr::Gamma(gammas)
        };
        Ok(Self { repr })
    }

    /// The number of entries of a draw.
    #[must_use]
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Gamma(g) => g.len(),
            Repr::Beta(b) => b.len() + 1,
        }
    }

    /// Always false: a Dirichlet has at least two entries.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        false
    }

    /// One draw: non-negative entries summing to 1 (up to rounding).
    ///
    /// # Errors
    /// Gamma draws that all underflow to zero, which cannot be normalised. The Beta path used for
    /// small concentrations does not hit this.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> Result<Vec<f64>, CamError> {
        match &self.repr {
            Repr::Gamma(gammas) => {
                let mut sum = 0.0;
                let draws: Vec<f64> = gammas
                    .iter()
                    .map(|g| {
                        let x = g.sample(rng);
                        sum += x;
                        x
                    })
                    .collect();
                normalise_by_inverse(draws, sum)
            }
            Repr::Beta(betas) => {
                let mut acc = 1.0;
                let mut out = Vec::with_capacity(betas.len() + 1);
                for beta in betas {
                    let x = beta.sample(rng);
                    out.push(acc * x);
                    acc *= 1.0 - x;
                }
                out.push(acc);
                Ok(out)
            }
        }
    }
}

/// `rand_distr` refused a concentration that passed our checks (it cannot, for positive normal
/// values; kept as an error rather than a panic).
fn refused(value: f64) -> CamError {
    CamError::NotPositive {
        what: "Dirichlet concentration",
        value,
    }
}

fn check_alpha(alpha: &[f64], min: usize) -> Result<(), CamError> {
    if alpha.len() < min {
        return Err(CamError::TooFew {
            what: "Dirichlet concentration",
            min,
            got: alpha.len(),
        });
    }
    for &a in alpha {
        crate::error::positive("Dirichlet concentration", a)?;
    }
    Ok(())
}

fn normalise_by_inverse(mut draws: Vec<f64>, sum: f64) -> Result<Vec<f64>, CamError> {
    if !(sum > 0.0 && sum.is_finite()) {
        return Err(CamError::DegenerateSum {
            what: "Gamma draws",
            sum,
        });
    }
    let inv = 1.0 / sum;
    for d in &mut draws {
        *d *= inv;
    }
    Ok(draws)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    // Expected values: `scipy.stats.dirichlet.rvs(np.array(alpha), size=1, random_state=seed)[0]`
    // with numpy 2.4.6 / scipy 1.17.1 (the fei-dirichlet suite covers α = 1).
    #[test]
    fn legacy_gamma_for_shapes_other_than_one() {
        let cases: [(&[f64], u32, &[f64]); 4] = [
            (
                &[0.5, 2.0, 1.0, 3.5],
                0,
                &[
                    0.022_220_705_144_547_145,
                    0.239_486_456_962_635_76,
                    0.075_883_184_818_921_4,
                    0.662_409_653_073_895_7,
                ],
            ),
            (
                &[0.5, 2.0, 1.0, 3.5],
                365,
                &[
                    0.187_863_535_578_454_6,
                    0.224_925_952_518_797_88,
                    0.034_873_974_488_958_67,
                    0.552_336_537_413_788_9,
                ],
            ),
            (
                &[0.3, 0.3, 0.3],
                7,
                &[
                    0.002_457_881_607_378_516_7,
                    0.834_809_791_824_281_1,
                    0.162_732_326_568_340_47,
                ],
            ),
            (
                &[5.0, 1.0, 0.9],
                0,
                &[
                    0.884_781_577_338_509_6,
                    0.072_485_254_971_195_2,
                    0.042_733_167_690_295_25,
                ],
            ),
        ];
        for (alpha, seed, expected) in cases {
            assert_eq!(
                numpy_dirichlet(alpha, seed).unwrap(),
                expected,
                "{alpha:?} {seed}"
            );
        }
    }

    #[test]
    fn legacy_small_alpha_can_underflow_to_nan_and_is_refused() {
        // np.random.RandomState(1).dirichlet([0.001] * 4) is [nan, nan, nan, nan].
        assert!(matches!(
            numpy_dirichlet(&[0.001; 4], 1),
            Err(CamError::DegenerateSum { .. })
        ));
        // RandomState(2) gives [0, 0.9999999999999999, 0, 0]: g · (1/g) is not always 1.
        assert_eq!(
            numpy_dirichlet(&[0.001; 4], 2).unwrap(),
            [0.0, 0.999_999_999_999_999_9, 0.0, 0.0]
        );
        // RandomState(0): a share of 1.9e-41 survives next to 1.0.
        assert_eq!(
            numpy_dirichlet(&[0.001; 4], 0).unwrap(),
            [1.896_410_042_567_477e-41, 1.0, 0.0, 0.0]
        );
    }

    #[test]
    fn runtime_dirichlet_equals_rand_distr() {
        for alpha in [
            [1.0, 1.0, 1.0, 1.0],
            [0.05, 0.01, 0.1, 0.001],
            [0.5, 2.0, 0.05, 7.0],
        ] {
            let ours = Dirichlet::new(&alpha).unwrap();
            let theirs = rand_distr::Dirichlet::new(alpha).unwrap();
            let mut a = ChaCha8Rng::seed_from_u64(11);
            let mut b = ChaCha8Rng::seed_from_u64(11);
            for _ in 0..200 {
                assert_eq!(ours.sample(&mut a).unwrap(), theirs.sample(&mut b));
            }
        }
    }

    #[test]
    fn small_alpha_draws_are_finite_and_sum_to_one() {
        let d = Dirichlet::new(&[0.001; 4]).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for _ in 0..1000 {
            let x = d.sample(&mut rng).unwrap();
            assert!(x.iter().all(|v| v.is_finite() && *v >= 0.0), "{x:?}");
            assert!((x.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn refusals() {
        assert!(Dirichlet::new(&[1.0]).is_err());
        assert!(Dirichlet::new(&[1.0, 0.0]).is_err());
        assert!(Dirichlet::new(&[1.0, f64::NAN]).is_err());
        assert!(Dirichlet::new(&[1.0, 1e-310]).is_err());
        assert!(numpy_dirichlet(&[], 0).is_err());
        assert!(numpy_dirichlet(&[1.0, -1.0], 0).is_err());
        assert!(
            LegacyRandomState::new(0)
                .standard_gamma(f64::INFINITY)
                .is_err()
        );
    }
}
