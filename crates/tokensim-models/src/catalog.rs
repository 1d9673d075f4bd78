//! The catalog of runnable models, behind one object-safe trait, so that a front end (the
//! `tokensim` command line) can list them, resolve parameters by name and run any of them
//! without knowing their state types.
//!
//! ```
//! use tokensim_models::catalog::{self, Job};
//! use sim_core::{MemorySink, NoHooks};
//!
//! // Every model by name, with its variables, as the command line lists them.
//! let names: Vec<_> = catalog::models().iter().map(|m| m.name()).collect();
//! assert_eq!(names, ["honey", "flash", "fei"]);
//!
//! // Run one by name: 2 runs of 3 months of Honey at its defaults.
//! let honey = catalog::model("honey").unwrap();
//! let job = Job { runs: 2, timesteps: 3, seed: 1, ..Job::default() };
//! let mut records = MemorySink::new();
//! let outcome = honey.run(&job, &mut records, &NoHooks)?;
//! assert_eq!(outcome.rows, 2 * (1 + 3)); // one block: an initial row and one per month
//! assert!(records.column("price").is_some());
//! # Ok::<(), sim_core::EngineError>(())
//! ```

use sim_core::{
    EngineError, Experiment, Hooks, Model, NoHooks, Outcome, RngKind, Signals, Sink, Sweep,
    SweepRule, Value, Vars,
};

use crate::Fidelity;
use crate::{fei, flash, honey};

/// What to run: the sweep over the model's parameters, genesis overrides, and the
/// experiment's settings.
#[derive(Debug, Clone)]
pub struct Job {
    /// Swept parameters; those not named keep the model's defaults.
    pub sweep: Sweep,
    /// How the sweep's lists combine (cadCAD's zip by default).
    pub rule: SweepRule,
    /// Genesis variables set by name.
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
        }
    }
}

/// A model the catalog can run, whatever its state, parameter and signal types.
pub trait ModelEntry: Sync {
    /// Its name, such as `honey`.
    fn name(&self) -> &'static str;
    /// One line on what it models.
    fn description(&self) -> &'static str;
    /// The state variables, in record order.
    fn state_names(&self) -> &'static [&'static str];
    /// The parameters, in record order.
    fn param_names(&self) -> &'static [&'static str];
    /// The parameters of every subset the job's sweep gives, by name, after every check the
    /// run would make before it starts ([`Experiment::check`]: the model's validators on each
    /// subset with the genesis state, the shard, the threads, the memory).
    ///
    /// # Errors
    /// An unknown parameter or genesis variable, a value of the wrong type, lists the sweep
    /// rule refuses, and [`Experiment::check`]'s errors.
    fn subsets(&self, job: &Job) -> Result<Vec<Vec<(&'static str, Value)>>, EngineError>;
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

/// A [`ModelEntry`] from a model's constructor and its parameters' constructor.
///
/// ```
/// use sim_core::{Block, BoxError, Ctx, MemorySink, Model, NoHooks, NoSignals};
/// use tokensim_models::Fidelity;
/// use tokensim_models::catalog::{Entry, Job, ModelEntry};
///
/// #[derive(Clone, Default)]
/// struct State { x: f64 }
/// sim_core::vars!(State { x });
/// #[derive(Clone)]
/// struct Params { rate: f64 }
/// sim_core::vars!(Params { rate });
/// fn grow(p: &Params, c: &Ctx<'_, State>, _: &NoSignals, n: &mut State) -> Result<(), BoxError> {
///     n.x = c.state.x * (1.0 + p.rate);
///     Ok(())
/// }
/// fn model() -> Model<State, Params, NoSignals> {
///     Model::new(State { x: 1.0 }).block(Block::new().update("x", grow))
/// }
/// // A model of your own behind the same object-safe interface as the built-ins.
/// static GROWTH: Entry<State, Params, NoSignals> = Entry {
///     name: "growth",
///     description: "compound growth",
///     model,
///     params: |_: Fidelity| Params { rate: 0.1 },
/// };
/// let job = Job { timesteps: 2, ..Job::default() };
/// let mut records = MemorySink::new();
/// GROWTH.run(&job, &mut records, &NoHooks)?;
/// let x = records.f64_column("x").unwrap();
/// assert!((x[2] - 1.21).abs() < 1e-12);
/// assert_eq!(GROWTH.param_names(), ["rate"]);
/// # Ok::<(), sim_core::EngineError>(())
/// ```
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

/// A model with its genesis overrides applied, and its parameter subsets.
type Parts<S, P, G> = (Model<S, P, G>, Vec<P>);

impl<S: Vars, P: Vars, G: Signals> Entry<S, P, G> {
    fn experiment<'a>(
        &self,
        job: &Job,
        model: &'a Model<S, P, G>,
        subsets: Vec<P>,
        hooks: &'a dyn Hooks,
    ) -> Experiment<'a, S, P, G> {
        Experiment::new(model, subsets)
            .runs(job.runs)
            .timesteps(job.timesteps)
            .seed(job.seed)
            .rng(RngKind::default())
            .threads(job.threads)
            .shard(job.shard.0, job.shard.1)
            .check_finite(job.check_finite)
            .hooks(hooks)
    }

    fn experiment_parts(&self, job: &Job) -> Result<Parts<S, P, G>, EngineError> {
        let mut model = (self.model)();
        for (name, value) in &job.genesis {
            model.genesis.set(name, *value)?;
        }
        let subsets = job.sweep.subsets(&(self.params)(job.fidelity), job.rule)?;
        Ok((model, subsets))
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

    fn subsets(&self, job: &Job) -> Result<Vec<Vec<(&'static str, Value)>>, EngineError> {
        let (model, subsets) = self.experiment_parts(job)?;
        let named_subsets = subsets.iter().map(named).collect();
        self.experiment(job, &model, subsets, &NoHooks).check()?;
        Ok(named_subsets)
    }

    fn run(
        &self,
        job: &Job,
        sink: &mut dyn Sink,
        hooks: &dyn Hooks,
    ) -> Result<Outcome, EngineError> {
        let (model, subsets) = self.experiment_parts(job)?;
        self.experiment(job, &model, subsets, hooks).run(sink)
    }
}

fn honey_params(fidelity: Fidelity) -> honey::HoneyParams {
    honey::HoneyParams {
        options: fidelity.into(),
        ..honey::HoneyParams::default()
    }
}

static HONEY: Entry<honey::HoneyState, honey::HoneyParams, honey::HoneySignals> = Entry {
    name: "honey",
    description: "1Hive Honey supply: mint and burn toward a target pool ratio, market saturation, a price walk",
    model: honey::model,
    params: honey_params,
};

static FLASH: Entry<flash::FlashState, flash::FlashParams, flash::FlashSignals> = Entry {
    name: "flash",
    description: "Flash V3: external and internal constant-product pools, arbitrage, staking whose mint is sold on the market",
    model: flash::model,
    params: flash::FlashParams::with_fidelity,
};

static FEI: Entry<fei::FeiState, fei::FeiParams, fei::FeiSignals> = Entry {
    name: "fei",
    description: "Fei capital allocation: user FEI moves between pool, money market, savings and idle toward yield- and risk-weighted targets",
    model: fei::model,
    params: fei::FeiParams::with_fidelity,
};

static MODELS: [&dyn ModelEntry; 3] = [&HONEY, &FLASH, &FEI];

/// Every model of the catalog.
#[must_use]
pub fn models() -> &'static [&'static dyn ModelEntry] {
    &MODELS
}

/// The model of that name.
#[must_use]
pub fn model(name: &str) -> Option<&'static dyn ModelEntry> {
    models().iter().copied().find(|m| m.name() == name)
}
