//! The search for a counterexample to a model's invariants (feature `proptest`): Echidna's and
//! Foundry's invariant testing, for mechanism models.
//!
//! A [`Space`] gives, for each parameter or genesis variable to explore, a range or a set of
//! values. Each case of a [`Search`] is one run: a point of the space, a random-stream seed and
//! a number of timesteps, drawn by proptest's test runner. The first case whose run violates an
//! invariant (or panics) is shrunk by proptest toward the simplest failing case: ranges toward
//! their lower end, sets toward their first value, the seed toward 0 and the timesteps toward
//! one. Then the seeds 0, 1, 2, … (up to [`Search::seed_tries`]) are tried on the shrunk point,
//! the one that fails earliest within the horizon is kept, the horizon is cut to the timestep of
//! the violation (a run's prefix does not depend on its length, so that is exact), and each
//! dimension is bisected toward its simplest value again under that seed (`shrink`).
//!
//! The [`Counterexample`] replays exactly: one subset, one run, its seed and timesteps
//! ([`Counterexample::replay`]; in `tokensim`, the experiment file it writes).
//!
//! ```
//! use sim_core::search::{Search, Space};
//! use sim_core::{Block, BoxError, Ctx, Model, NoSignals, SimRng, holds};
//!
//! #[derive(Clone)]
//! struct State { stock: f64 }
//! sim_core::vars!(State { stock });
//! #[derive(Clone)]
//! struct Params { harvest: f64, regrowth: f64 }
//! sim_core::vars!(Params { harvest, regrowth });
//!
//! #[derive(Default)]
//! struct Input { catch: Option<f64> }
//! sim_core::signals!(Input: f64 { catch });
//!
//! fn fish(p: &Params, c: &Ctx<'_, State>, rng: &mut SimRng) -> Result<Input, BoxError> {
//!     Ok(Input { catch: Some(p.harvest * (0.5 + rng.uniform())) })
//! }
//! fn stock(p: &Params, c: &Ctx<'_, State>, i: &Input, n: &mut State) -> Result<(), BoxError> {
//!     n.stock = c.state.stock * (1.0 + p.regrowth) - i.catch.unwrap_or(0.0);
//!     Ok(())
//! }
//! let model = Model::new(State { stock: 100.0 })
//!     .block(Block::new().policy("fish", fish).update("stock", stock))
//!     .invariant("stock_non_negative", |_, c| {
//!         holds(c.state.stock >= 0.0, || format!("stock = {}", c.state.stock))
//!     });
//!
//! // A modest harvest never empties the stock; a heavy one can.
//! let base = Params { harvest: 5.0, regrowth: 0.05 };
//! let safe = Space::new().param_range("harvest", 0.0, 4.0);
//! let report = Search::new(&model, base.clone(), safe).timesteps(50).cases(64).run()?;
//! assert!(report.counterexample.is_none());
//! assert_eq!(report.cases, 64);
//!
//! let risky = Space::new().param_range("harvest", 0.0, 40.0).param_set("regrowth", [0.05, 0.1]);
//! let report = Search::new(&model, base, risky).timesteps(50).cases(64).run()?;
//! let found = report.counterexample.expect("a heavy harvest empties the stock");
//! assert_eq!(found.invariant.as_deref(), Some("stock_non_negative"));
//! // Shrunk toward the simplest case: regrowth at its first value, one run of as many
//! // timesteps as it takes.
//! assert_eq!(found.values[1].1, sim_core::Value::F64(0.05));
//! assert_eq!(found.timesteps, found.timestep);
//! // It replays: the same violation at the same substep.
//! let replayed = found.replay(&model, &Params { harvest: 5.0, regrowth: 0.05 })?.expect("fails again");
//! assert_eq!((replayed.timestep, replayed.substep), (found.timestep, found.substep));
//! # Ok::<(), sim_core::EngineError>(())
//! ```

mod report;
mod shrink;
mod space;

use std::cell::{Cell, RefCell};
use std::time::{Duration, Instant};

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

use crate::block::Model;
use crate::engine::Experiment;
use crate::error::EngineError;
use crate::invariant::InvariantCheck;
use crate::outcome::{RunError, RunFailure};
use crate::signals::Signals;
use crate::sink::NullSink;
use crate::value::Value;
use crate::vars::Vars;

pub use report::{Counterexample, Report};
use shrink::Shrinking;
pub use space::{Dim, Domain, Space, Target};

/// A search for a counterexample: a model, its base parameters, the [`Space`] to explore, and
/// the budget (the module's example).
pub struct Search<'a, S, P, G: Signals> {
    model: &'a Model<S, P, G>,
    params: P,
    space: Space,
    cases: u32,
    timesteps: usize,
    seed: u64,
    time_limit: Option<Duration>,
    check: InvariantCheck,
    only: Vec<String>,
    check_finite: bool,
    errors_count: bool,
    seed_tries: u64,
    /// Runs made, all told (for the report's count of shrinking runs).
    runs: Cell<u32>,
}

/// One run of `params` from `genesis`, with `(seed, timesteps)` and the checks
/// `(invariants, only these, finite)`, into no sink: its failure, if it had one. A case of a
/// search and a counterexample's replay are both this.
fn one_run<S: Vars, P: Vars, G: Signals>(
    model: &Model<S, P, G>,
    params: P,
    genesis: S,
    (seed, timesteps): (u64, usize),
    (check, only, check_finite): (InvariantCheck, &[String], bool),
) -> Result<Option<RunFailure>, EngineError> {
    let outcome = Experiment::new(model, vec![params])
        .genesis(vec![genesis], &[])
        .runs(1)
        .timesteps(timesteps)
        .seed(seed)
        .threads(1)
        .check_finite(check_finite)
        .invariants(check)
        .only_invariants(only.iter().cloned())
        .run(&mut NullSink::default())?;
    Ok(outcome.failures.into_iter().next())
}

/// Cases run by one proptest runner, between looks at the time limit.
const BATCH: u32 = 64;

/// One case: the point's values (in the space's order), the run's seed, its timesteps.
type Case = (Vec<Value>, u64, usize);

impl<'a, S: Vars, P: Vars, G: Signals> Search<'a, S, P, G> {
    /// A search of `model` over `space`, the other parameters at `params` and the genesis
    /// state the model's: 256 cases of up to 100 timesteps, from seed 0, every invariant
    /// checked after every substep, non-finite states ending a run (as `tokensim run` does).
    #[must_use]
    pub fn new(model: &'a Model<S, P, G>, params: P, space: Space) -> Self {
        Self {
            model,
            params,
            space,
            cases: 256,
            timesteps: 100,
            seed: 0,
            time_limit: None,
            check: InvariantCheck::Substep,
            only: Vec::new(),
            check_finite: true,
            errors_count: false,
            seed_tries: 1024,
            runs: Cell::new(0),
        }
    }

    /// Cases to try (proptest's `cases`).
    #[must_use]
    pub fn cases(mut self, n: u32) -> Self {
        self.cases = n;
        self
    }

    /// The longest run, in timesteps; each case draws its own from `1..=n`.
    #[must_use]
    pub fn timesteps(mut self, n: usize) -> Self {
        self.timesteps = n;
        self
    }

    /// The search's own seed: the same seed draws the same cases.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Stops trying new cases (and shrinking) after this long; the report says how many ran.
    #[must_use]
    pub fn time_limit(mut self, limit: Duration) -> Self {
        self.time_limit = Some(limit);
        self
    }

    /// How often invariants are checked in each run (default: every substep).
    #[must_use]
    pub fn invariants(mut self, check: InvariantCheck) -> Self {
        self.check = check;
        self
    }

    /// Searches for a counterexample to these invariants only (all when empty).
    #[must_use]
    pub fn only_invariants<I: IntoIterator<Item = T>, T: Into<String>>(mut self, names: I) -> Self {
        self.only = names.into_iter().map(Into::into).collect();
        self
    }

    /// Whether a NaN or infinite state ends a run (default: yes, as in `tokensim run`).
    #[must_use]
    pub fn check_finite(mut self, check: bool) -> Self {
        self.check_finite = check;
        self
    }

    /// Whether a run that ends on a model's error (a policy's or update's `Err`, a non-finite
    /// state) is a counterexample too. By default only invariant violations and panics are:
    /// an error is the model refusing a state, as it is written to.
    #[must_use]
    pub fn errors_count(mut self, count: bool) -> Self {
        self.errors_count = count;
        self
    }

    /// How many seeds (0, 1, …) to try on the shrunk point, for the one that fails earliest
    /// (default 1024; 0 keeps proptest's).
    #[must_use]
    pub fn seed_tries(mut self, n: u64) -> Self {
        self.seed_tries = n;
        self
    }

    /// Runs one case: `Ok(None)` when it holds, the failure that counts otherwise.
    fn run_case(
        &self,
        (values, seed, timesteps): &Case,
    ) -> Result<Option<RunFailure>, EngineError> {
        self.runs.set(self.runs.get().saturating_add(1));
        let (params, genesis) = self
            .space
            .apply(&self.params, &self.model.genesis, values)?;
        let checks = (self.check, self.only.as_slice(), self.check_finite);
        let failure = one_run(self.model, params, genesis, (*seed, *timesteps), checks)?;
        Ok(failure.filter(|f| {
            self.errors_count
                || matches!(f.error, RunError::Invariant { .. } | RunError::Panic { .. })
        }))
    }

    /// Checks the search before running it: a space of known names and non-empty domains, at
    /// least one case and one timestep, and the invariants asked for.
    fn check(&self) -> Result<(), EngineError> {
        self.space.check::<S, P>()?;
        if self.cases == 0 || self.timesteps == 0 {
            return Err(EngineError::Zero {
                what: if self.cases == 0 {
                    "cases"
                } else {
                    "timesteps"
                },
                got: 0,
            });
        }
        // The model's own checks, on the base point (unknown invariants, blocks).
        Experiment::new(self.model, vec![self.params.clone()])
            .only_invariants(self.only.iter().cloned())
            .threads(1)
            .check()
            .map(|_| ())
            .or_else(|e| match e {
                // The base point itself may be outside the model's domain; cases are checked
                // one by one.
                EngineError::Invalid { .. } => Ok(()),
                e => Err(e),
            })
    }

    /// Runs the search.
    ///
    /// # Errors
    ///
    /// A space that names no parameter or genesis variable of the model, an empty range or
    /// set, zero cases or timesteps, an unknown invariant, or a space whose points the model's
    /// validators almost all refuse ([`EngineError::Search`]).
    pub fn run(&self) -> Result<Report, EngineError> {
        self.check()?;
        self.runs.set(0);
        let started = Instant::now();
        let deadline = self.time_limit.map(|d| started + d);
        let past = || deadline.is_some_and(|d| Instant::now() >= d);
        // Proptest shrinks a tuple's elements in order: the horizon first (to the violation's
        // timestep), then the seed, then the point, under that horizon.
        let strategy = (
            1..=self.timesteps,
            proptest::num::u64::ANY,
            self.space.strategy(),
        )
            .prop_map(|(timesteps, seed, values)| (values, seed, timesteps));
        // The runs made when the first failure was found: the rest shrink it.
        let (tried, rejected, found_at) = (Cell::new(0u32), Cell::new(0u32), Cell::new(0u32));
        let found = Cell::new(false);
        let engine_error = RefCell::new(None);
        let test = |case: Case| {
            if past() {
                return Ok(());
            }
            if !found.get() {
                tried.set(tried.get() + 1);
            }
            match self.run_case(&case) {
                Ok(None) => Ok(()),
                Ok(Some(failure)) => {
                    if !found.get() {
                        found_at.set(self.runs.get());
                    }
                    found.set(true);
                    Err(TestCaseError::fail(failure.to_string()))
                }
                Err(EngineError::Invalid { reason, .. }) => {
                    if !found.get() {
                        // Refused points are not cases.
                        tried.set(tried.get() - 1);
                    }
                    rejected.set(rejected.get() + 1);
                    Err(TestCaseError::reject(reason.to_string()))
                }
                Err(e) => {
                    engine_error.borrow_mut().get_or_insert(e);
                    Err(TestCaseError::fail("engine error"))
                }
            }
        };
        let result = self.batches(&strategy, test, &past);
        if let Some(e) = engine_error.into_inner() {
            return Err(e);
        }
        let counterexample = match result {
            Ok(()) => None,
            Err(TestError::Fail(_, case)) => Some(self.minimise(case, &past)?),
            Err(TestError::Abort(why)) => {
                return Err(EngineError::Search {
                    reason: format!(
                        "{why}: the model's validators refused {} of {} points drawn; narrow the space",
                        rejected.get(),
                        rejected.get() + tried.get()
                    ),
                });
            }
        };
        Ok(Report {
            cases: tried.get(),
            rejected: rejected.get(),
            shrinks: if counterexample.is_some() {
                self.runs.get().saturating_sub(found_at.get())
            } else {
                0
            },
            space: self.space.to_string(),
            timesteps: self.timesteps,
            timed_out: past(),
            elapsed: started.elapsed(),
            counterexample,
        })
    }

    /// Runs the cases in batches, each on a runner of its own seeded by (seed, batch) (so the
    /// same seed draws the same cases), with the time limit looked at between them.
    fn batches<T: Strategy<Value = Case>>(
        &self,
        strategy: &T,
        test: impl Fn(Case) -> Result<(), TestCaseError> + Copy,
        past: &dyn Fn() -> bool,
    ) -> Result<(), TestError<Case>> {
        let mut left = self.cases;
        let mut batch_index = 0u64;
        while left > 0 && !past() {
            let mut bytes = [0u8; 32];
            bytes[..8].copy_from_slice(&self.seed.to_le_bytes());
            bytes[8..16].copy_from_slice(&batch_index.to_le_bytes());
            batch_index += 1;
            let batch = left.min(BATCH);
            left -= batch;
            let config = Config {
                cases: batch,
                failure_persistence: None,
                max_global_rejects: batch.saturating_mul(4).max(64),
                max_local_rejects: u32::MAX,
                ..Config::default()
            };
            let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
            TestRunner::new_with_rng(config, rng).run(strategy, test)?;
        }
        Ok(())
    }

    /// After proptest's shrinking: of the seeds 0, 1, … ([`seed_tries`](Self::seed_tries)),
    /// the one whose run fails earliest within the case's horizon (the smaller seed on a tie),
    /// then the horizon cut to the violation's timestep, then each dimension bisected toward
    /// its simplest value.
    fn minimise(&self, case: Case, past: &dyn Fn() -> bool) -> Result<Counterexample, EngineError> {
        let (values, mut seed, timesteps) = case;
        let mut best = self.run_case(&(values.clone(), seed, timesteps))?;
        for s in 0..self.seed_tries {
            let Some(horizon) = best.as_ref().map(|f| f.timestep) else {
                break;
            };
            if past() {
                break;
            }
            // Only an earlier violation, or as early from a smaller seed, is simpler.
            let Some(f) = self.run_case(&(values.clone(), s, horizon))? else {
                continue;
            };
            if f.timestep < horizon || (f.timestep == horizon && s < seed) {
                seed = s;
                best = Some(f);
            }
        }
        let failure = best.ok_or_else(|| EngineError::Search {
            reason:
                "the shrunk case no longer fails: the model is not deterministic for a given seed"
                    .to_owned(),
        })?;
        let horizon = failure.timestep.clamp(1, timesteps);
        let mut case = Shrinking {
            values,
            seed,
            horizon,
            failure,
        };
        self.refine(&mut case, past)?;
        let (params, _) = self
            .space
            .apply(&self.params, &self.model.genesis, &case.values)?;
        Ok(Counterexample::new(
            &self.space,
            &params,
            case.values,
            case.seed,
            case.horizon,
            case.failure,
            (self.check, &self.only, self.check_finite),
        ))
    }

    /// Runs the search and panics with the counterexample, and how to replay it, when it
    /// finds one: the body of a `#[test]`. `model` is the model's name in a tokensim binary
    /// (for the replay command).
    ///
    /// # Panics
    ///
    /// On a counterexample, or when the search cannot run (its error).
    pub fn assert_holds(&self, model: &str) {
        match self.run() {
            Ok(report) => {
                if let Some(c) = &report.counterexample {
                    panic!("{report}\n\n{}", c.replay_hint(model));
                }
            }
            Err(e) => panic!("the search could not run: {e}"),
        }
    }
}
