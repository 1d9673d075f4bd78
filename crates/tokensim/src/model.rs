//! A model behind one object-safe trait, [`ModelEntry`], so that the command line can list it,
//! resolve its parameters and genesis variables by name and run it without knowing its state,
//! parameter and signal types. [`Entry`] makes one from a model's two constructors.
//!
//! ```
//! use sim_core::{Block, BoxError, Ctx, MemorySink, Model, NoHooks, NoSignals};
//! use tokensim::{Entry, Fidelity, Job, ModelEntry};
//!
//! #[derive(Clone, Default)]
//! struct State { x: f64 }
//! sim_core::vars!(State { x });
//! #[derive(Clone)]
//! struct Params { rate: f64 }
//! sim_core::vars!(Params { rate });
//! fn grow(p: &Params, c: &Ctx<'_, State>, _: &NoSignals, n: &mut State) -> Result<(), BoxError> {
//!     n.x = c.state.x * (1.0 + p.rate);
//!     Ok(())
//! }
//! fn model() -> Model<State, Params, NoSignals> {
//!     Model::new(State { x: 1.0 }).block(Block::new().update("x", grow))
//! }
//! let growth = Entry::new("growth", "compound growth", model, |_: Fidelity| Params { rate: 0.1 });
//! let job = Job { timesteps: 2, ..Job::default() };
//! let mut records = MemorySink::new();
//! growth.run(&job, &mut records, &NoHooks)?;
//! let x = records.f64_column("x").unwrap();
//! assert!((x[2] - 1.21).abs() < 1e-12);
//! assert_eq!(growth.param_names(), ["rate"]);
//! # Ok::<(), sim_core::EngineError>(())
//! ```

use sim_core::search::{Report, Search, Space};
use sim_core::{
    EngineError, Experiment, Fidelity, Hooks, InvariantCheck, Model, NoHooks, Outcome, RngKind,
    Signals, Sink, Sweep, SweepRule, Value, Vars,
};

/// What to run: the sweep over the model's parameters, genesis overrides, and the
/// experiment's settings.
#[derive(Debug, Clone)]
pub struct Job {
    /// Swept parameters; those not named keep the model's defaults.
    pub sweep: Sweep,
    /// How the sweep's lists combine (cadCAD's zip by default).
    pub rule: SweepRule,
    /// Genesis variables set by name, for every subset (a swept genesis variable is in
    /// `sweep`, [`Sweep::genesis`]).
    pub genesis: Vec<(String, Value)>,
    /// The seed's behaviour or the corrected one.
    pub fidelity: Fidelity,
    /// Monte Carlo runs per subset.
    pub runs: usize,
    /// Timesteps per run.
    pub timesteps: usize,
    /// The experiment's seed.
    pub seed: u64,
    /// Worker threads, 0 for all cores.
    pub threads: usize,
    /// `(index, count)`: run only that shard of the `(subset, run)` pairs.
    pub shard: (usize, usize),
    /// End a run whose state becomes NaN or infinite, naming the variable
    /// ([`Experiment::check_finite`]); on by default.
    pub check_finite: bool,
    /// How often the model's invariants are checked ([`Experiment::invariants`]); after every
    /// substep by default.
    pub invariants: InvariantCheck,
    /// The invariants checked, by name; empty for all ([`Experiment::only_invariants`]).
    pub only_invariants: Vec<String>,
}

impl Default for Job {
    fn default() -> Self {
        Self {
            sweep: Sweep::new(),
            rule: SweepRule::Zip,
            genesis: Vec::new(),
            fidelity: Fidelity::Corrected,
            runs: 1,
            timesteps: 1,
            seed: 0,
            threads: 0,
            shard: (0, 1),
            check_finite: true,
            invariants: InvariantCheck::Substep,
            only_invariants: Vec::new(),
        }
    }
}

/// The budget of a search ([`ModelEntry::falsify`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchOptions {
    /// Cases to try.
    pub cases: u32,
    /// The search's seed: the same seed tries the same cases.
    pub seed: u64,
    /// When to stop trying new cases, and shrinking.
    pub time_limit: Option<std::time::Duration>,
}

/// A model the catalog can run, whatever its state, parameter and signal types.
pub trait ModelEntry: Sync {
    /// Its name, as experiment files name it.
    fn name(&self) -> &'static str;
    /// One line on what it models.
    fn description(&self) -> &'static str;
    /// The state variables, in record order.
    fn state_names(&self) -> &'static [&'static str];
    /// The parameters, in record order.
    fn param_names(&self) -> &'static [&'static str];
    /// The default parameters under `fidelity`, by name, in record order.
    fn defaults(&self, fidelity: Fidelity) -> Vec<(&'static str, Value)>;
    /// The genesis state, by name, in record order.
    fn genesis(&self) -> Vec<(&'static str, Value)>;
    /// The model's invariants ([`Model::invariant`]), in the order declared.
    fn invariant_names(&self) -> Vec<&'static str>;
    /// The parameters of every subset the job's sweep gives, by name (then the swept genesis
    /// variables, as `genesis_NAME`, as the records have them), after every check the
    /// run would make before it starts ([`Experiment::check`]: the model's validators on each
    /// subset with the genesis state, the shard, the threads, the memory).
    ///
    /// # Errors
    /// An unknown parameter or genesis variable, a value of the wrong type, lists the sweep
    /// rule refuses, and [`Experiment::check`]'s errors.
    fn subsets(&self, job: &Job) -> Result<Vec<Vec<(&'static str, Value)>>, EngineError>;
    /// Searches for a counterexample to the model's invariants (`tokensim falsify`): each case
    /// is one run of a point of `space`, with the job's one subset as the other parameters,
    /// the job's genesis overrides, its timesteps as the longest horizon, and its invariant
    /// and finite checks ([`Search`](sim_core::search::Search)).
    ///
    /// # Errors
    /// As [`subsets`](Self::subsets), and the search's refusals.
    fn falsify(
        &self,
        job: &Job,
        space: &Space,
        options: &SearchOptions,
    ) -> Result<Report, EngineError>;
    /// Runs the job, writing every record to `sink`.
    ///
    /// # Errors
    /// As [`subsets`](Self::subsets), an unknown genesis variable, and the engine's errors.
    fn run(
        &self,
        job: &Job,
        sink: &mut dyn Sink,
        hooks: &dyn Hooks,
    ) -> Result<Outcome, EngineError>;
}

/// A [`ModelEntry`] from a model's constructor and its parameters' constructor (the module's
/// example).
pub struct Entry<S, P, G: Signals> {
    /// See [`ModelEntry::name`].
    pub name: &'static str,
    /// See [`ModelEntry::description`].
    pub description: &'static str,
    /// Builds the model (genesis and blocks).
    pub model: fn() -> Model<S, P, G>,
    /// The default parameters under a fidelity.
    pub params: fn(Fidelity) -> P,
}

fn named<V: Vars>(v: &V) -> Vec<(&'static str, Value)> {
    V::NAMES.iter().copied().zip(v.values()).collect()
}

/// A model with its genesis overrides applied, its parameter subsets, and each subset's
/// genesis state when the genesis is swept.
type Parts<S, P, G> = (Model<S, P, G>, Vec<P>, Vec<S>);

impl<S: Vars, P: Vars, G: Signals> Entry<S, P, G> {
    /// An entry named `name` (the experiment file's `model = "…"`), described in one line, from
    /// the model's constructor and the default parameters under a fidelity.
    #[must_use]
    pub const fn new(
        name: &'static str,
        description: &'static str,
        model: fn() -> Model<S, P, G>,
        params: fn(Fidelity) -> P,
    ) -> Self {
        Self {
            name,
            description,
            model,
            params,
        }
    }

    fn experiment<'a>(
        &self,
        job: &Job,
        model: &'a Model<S, P, G>,
        (subsets, genesis): (Vec<P>, Vec<S>),
        hooks: &'a dyn Hooks,
    ) -> Experiment<'a, S, P, G> {
        let swept: Vec<&str> = job
            .sweep
            .genesis_entries()
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        Experiment::new(model, subsets)
            .genesis(genesis, &swept)
            .runs(job.runs)
            .timesteps(job.timesteps)
            .seed(job.seed)
            .rng(RngKind::default())
            .threads(job.threads)
            .shard(job.shard.0, job.shard.1)
            .check_finite(job.check_finite)
            .invariants(job.invariants)
            .only_invariants(job.only_invariants.iter().cloned())
            .hooks(hooks)
    }

    fn experiment_parts(&self, job: &Job) -> Result<Parts<S, P, G>, EngineError> {
        let mut model = (self.model)();
        for (name, value) in &job.genesis {
            model.genesis.set(name, *value)?;
        }
        let subsets = job.sweep.subsets(&(self.params)(job.fidelity), job.rule)?;
        let genesis = if job.sweep.genesis_entries().is_empty() {
            Vec::new()
        } else {
            job.sweep.genesis_states(&model.genesis, job.rule)?
        };
        Ok((model, subsets, genesis))
    }
}

impl<S: Vars, P: Vars, G: Signals> ModelEntry for Entry<S, P, G> {
    fn name(&self) -> &'static str {
        self.name
    }

    fn description(&self) -> &'static str {
        self.description
    }

    fn state_names(&self) -> &'static [&'static str] {
        S::NAMES
    }

    fn param_names(&self) -> &'static [&'static str] {
        P::NAMES
    }

    fn defaults(&self, fidelity: Fidelity) -> Vec<(&'static str, Value)> {
        named(&(self.params)(fidelity))
    }

    fn genesis(&self) -> Vec<(&'static str, Value)> {
        named(&(self.model)().genesis)
    }

    fn invariant_names(&self) -> Vec<&'static str> {
        (self.model)().invariant_names().to_vec()
    }

    fn subsets(&self, job: &Job) -> Result<Vec<Vec<(&'static str, Value)>>, EngineError> {
        let (model, subsets, genesis) = self.experiment_parts(job)?;
        let experiment = self.experiment(job, &model, (subsets, genesis), &NoHooks);
        experiment.check()?;
        // The columns as the records hold them, swept genesis variables included.
        Ok(experiment.subset_columns())
    }

    fn falsify(
        &self,
        job: &Job,
        space: &Space,
        options: &SearchOptions,
    ) -> Result<Report, EngineError> {
        let (model, subsets, _) = self.experiment_parts(job)?;
        let base = subsets.into_iter().next().ok_or(EngineError::NoSubsets)?;
        let mut search = Search::new(&model, base, space.clone())
            .cases(options.cases)
            .seed(options.seed)
            .timesteps(job.timesteps)
            .invariants(job.invariants)
            .only_invariants(job.only_invariants.iter().cloned())
            .check_finite(job.check_finite);
        if let Some(limit) = options.time_limit {
            search = search.time_limit(limit);
        }
        search.run()
    }

    fn run(
        &self,
        job: &Job,
        sink: &mut dyn Sink,
        hooks: &dyn Hooks,
    ) -> Result<Outcome, EngineError> {
        let (model, subsets, genesis) = self.experiment_parts(job)?;
        self.experiment(job, &model, (subsets, genesis), hooks)
            .run(sink)
    }
}
