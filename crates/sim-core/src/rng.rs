//! Random streams: one independent stream per `(subset, run)`, derived from one experiment seed.
//!
//! cadCAD models call `np.random` at module level; with `multi_proc` the forked workers inherit
//! one RNG state, so 90 runs see only a few distinct streams. Here every policy receives its
//! run's [`SimRng`] explicitly, and the stream of a run depends only on the experiment seed and
//! the run's `(subset, run)` index, never on threads or scheduling.
//!
//! Three kinds ([`RngKind`]):
//! - [`RngKind::ChaCha8`] (the default): ChaCha8 keyed by the experiment seed, with the ChaCha
//!   stream number `subset · 2³² + run`, so streams are distinct by construction.
//! - [`RngKind::Numpy`]: numpy's legacy `RandomState` (MT19937, `random()` and the polar
//!   `normal()` with its cached second value), one generator per run, seeded by
//!   `init_by_array([seed_lo, seed_hi, subset, run])`.
//! - [`RngKind::NumpyShared`]: one `RandomState(seed)` (`np.random.seed(seed)`, i.e.
//!   `init_genrand`) shared by all runs in record order, as cadCAD's `single_proc` does with the
//!   global numpy state. This is the mode for golden comparisons against such a cadCAD run; it
//!   runs sequentially whatever the thread count.

use rand::{Rng as _, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use rand_mt::Mt;

/// Which generator the runs draw from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RngKind {
    /// ChaCha8, one stream per `(subset, run)` (default).
    #[default]
    ChaCha8,
    /// numpy's legacy MT19937 `RandomState`, one per `(subset, run)`.
    Numpy,
    /// One numpy legacy `RandomState(seed)` shared by all runs in record order (cadCAD
    /// `single_proc` with `np.random.seed(seed)`); runs sequentially.
    NumpyShared,
}

/// The generator a policy draws from.
///
/// Implements [`rand::RngCore`], so every `rand`/`rand_distr` distribution works with it;
/// [`uniform`](Self::uniform) and [`normal`](Self::normal) draw exactly as numpy's legacy
/// `np.random.random()` and `np.random.normal()` when the kind is numpy's.
///
/// ```
/// use sim_core::{RngKind, SimRng};
///
/// // A run's stream depends on the seed and its (subset, run) only, so it is the same on any
/// // thread and in any shard.
/// let mut a = SimRng::for_run(RngKind::ChaCha8, 42, 0, 1);
/// let mut b = SimRng::for_run(RngKind::ChaCha8, 42, 0, 1);
/// assert_eq!(a.uniform(), b.uniform());
/// // numpy's legacy generator, draw for draw: np.random.seed(0); np.random.random().
/// let mut np = SimRng::numpy(0);
/// assert_eq!(np.uniform(), 0.548_813_503_927_324_8);
/// ```
#[derive(Debug, Clone)]
pub struct SimRng {
    inner: Inner,
}

// One generator per run, drawn from in the inner loop: keep it inline rather than boxed.
#[expect(
    clippy::large_enum_variant,
    reason = "one generator per run, kept inline rather than boxed"
)]
#[derive(Debug, Clone)]
enum Inner {
    ChaCha(ChaCha8Rng),
    Numpy(NumpyLegacy),
}

impl SimRng {
    /// The stream of run `run` of subset `subset` under `seed`.
    #[must_use]
    pub fn for_run(kind: RngKind, seed: u64, subset: usize, run: usize) -> Self {
        let (subset, run) = (subset as u64, run as u64);
        let inner = match kind {
            RngKind::ChaCha8 => {
                let mut r = ChaCha8Rng::seed_from_u64(seed);
                r.set_stream((subset << 32) ^ run);
                Inner::ChaCha(r)
            }
            RngKind::Numpy => Inner::Numpy(NumpyLegacy::from_key(&[
                low32(seed),
                low32(seed >> 32),
                low32(subset),
                low32(run),
            ])),
            RngKind::NumpyShared => Inner::Numpy(NumpyLegacy::new(low32(seed))),
        };
        Self { inner }
    }

    /// numpy's `np.random.RandomState(seed)`.
    #[must_use]
    pub fn numpy(seed: u32) -> Self {
        Self {
            inner: Inner::Numpy(NumpyLegacy::new(seed)),
        }
    }

    /// A float uniform in `[0, 1)`: numpy's `random_sample()` (53 bits from two 32-bit draws)
    /// for the numpy kinds; `rand`'s `StandardUniform` for ChaCha.
    pub fn uniform(&mut self) -> f64 {
        match &mut self.inner {
            Inner::ChaCha(r) => r.random::<f64>(),
            Inner::Numpy(r) => r.random_sample(),
        }
    }

    /// A standard normal draw: numpy's legacy polar method (`legacy_gauss`, which caches its
    /// second value) for the numpy kinds; `rand_distr`'s ziggurat for ChaCha.
    pub fn standard_normal(&mut self) -> f64 {
        match &mut self.inner {
            Inner::ChaCha(r) => StandardNormal.sample(r),
            Inner::Numpy(r) => r.gauss(),
        }
    }

    /// `loc + scale · standard_normal()`, as numpy's `normal(loc, scale)` computes it.
    pub fn normal(&mut self, loc: f64, scale: f64) -> f64 {
        loc + scale * self.standard_normal()
    }
}

fn low32(v: u64) -> u32 {
    (v & 0xFFFF_FFFF) as u32
}

impl RngCore for SimRng {
    fn next_u32(&mut self) -> u32 {
        match &mut self.inner {
            Inner::ChaCha(r) => r.next_u32(),
            Inner::Numpy(r) => r.mt.next_u32(),
        }
    }

    fn next_u64(&mut self) -> u64 {
        match &mut self.inner {
            Inner::ChaCha(r) => r.next_u64(),
            // numpy's mt19937_next64: the first draw is the high word.
            Inner::Numpy(r) => (u64::from(r.mt.next_u32()) << 32) | u64::from(r.mt.next_u32()),
        }
    }

    fn fill_bytes(&mut self, dst: &mut [u8]) {
        match &mut self.inner {
            Inner::ChaCha(r) => r.fill_bytes(dst),
            Inner::Numpy(_) => {
                for chunk in dst.chunks_mut(4) {
                    let b = self.next_u32().to_le_bytes();
                    chunk.copy_from_slice(&b[..chunk.len()]);
                }
            }
        }
    }
}

/// numpy's legacy `RandomState`: MT19937 plus the cached Gaussian.
#[derive(Debug, Clone)]
struct NumpyLegacy {
    /// Boxed: the state is 2.5 KB and a run's generator moves between threads.
    mt: Box<Mt>,
    gauss: Option<f64>,
}

impl NumpyLegacy {
    fn new(seed: u32) -> Self {
        Self {
            mt: Box::new(Mt::new(seed)),
            gauss: None,
        }
    }

    fn from_key(key: &[u32]) -> Self {
        Self {
            mt: Box::new(Mt::new_with_key(key.iter().copied())),
            gauss: None,
        }
    }

    /// `legacy_double` / `random_sample`: `((a >> 5)·2²⁶ + (b >> 6)) / 2⁵³`.
    fn random_sample(&mut self) -> f64 {
        let a = self.mt.next_u32() >> 5;
        let b = self.mt.next_u32() >> 6;
        (f64::from(a) * 67_108_864.0 + f64::from(b)) / 9_007_199_254_740_992.0
    }

    /// `legacy_gauss`: Marsaglia's polar method, returning `f·x2` and caching `f·x1`.
    fn gauss(&mut self) -> f64 {
        if let Some(g) = self.gauss.take() {
            return g;
        }
        loop {
            let x1 = 2.0 * self.random_sample() - 1.0;
            let x2 = 2.0 * self.random_sample() - 1.0;
            let r2 = x1 * x1 + x2 * x2;
            if r2 < 1.0 && r2 != 0.0 {
                let f = (-2.0 * r2.ln() / r2).sqrt();
                self.gauss = Some(f * x1);
                return f * x2;
            }
        }
    }
}

#[cfg(test)]
#[expect(clippy::float_cmp, reason = "the reference values are exact")]
mod tests {
    use super::*;

    #[test]
    fn mt19937_reference_outputs() {
        // mt19937ar.c's default seed 5489: the first outputs published with the algorithm.
        let mut mt = Mt::new(5489);
        assert_eq!(mt.next_u32(), 3_499_211_612);
        assert_eq!(mt.next_u32(), 581_869_302);
        // mt19937ar.out: init_by_array({0x123, 0x234, 0x345, 0x456}) starts 1067595299.
        let mut mt = Mt::new_with_key([0x123, 0x234, 0x345, 0x456]);
        assert_eq!(mt.next_u32(), 1_067_595_299);
        assert_eq!(mt.next_u32(), 955_945_823);
    }

    #[test]
    fn numpy_seed_zero() {
        // np.random.seed(0); np.random.random(3)
        let mut r = SimRng::numpy(0);
        assert_eq!(r.uniform(), 0.548_813_503_927_324_8);
        assert_eq!(r.uniform(), 0.715_189_366_372_419_5);
        assert_eq!(r.uniform(), 0.602_763_376_071_643_9);
        // np.random.seed(0); np.random.standard_normal(3): polar pairs, second value cached.
        let mut r = SimRng::numpy(0);
        assert_eq!(r.standard_normal(), 1.764_052_345_967_664);
        assert_eq!(r.standard_normal(), 0.400_157_208_367_223_3);
        assert_eq!(r.standard_normal(), 0.978_737_984_105_739_2);
    }

    #[test]
    fn chacha_streams_differ_by_subset_and_run() {
        let a = SimRng::for_run(RngKind::ChaCha8, 7, 0, 1).next_u64();
        let b = SimRng::for_run(RngKind::ChaCha8, 7, 0, 2).next_u64();
        let c = SimRng::for_run(RngKind::ChaCha8, 7, 1, 1).next_u64();
        let a2 = SimRng::for_run(RngKind::ChaCha8, 7, 0, 1).next_u64();
        assert_eq!(a, a2);
        assert!(a != b && a != c && b != c);
    }
}
