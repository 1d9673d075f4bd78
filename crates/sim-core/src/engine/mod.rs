//! The engine: runs a model over subsets × Monte Carlo runs × timesteps × blocks.
//!
//! This module holds the [`Experiment`], its settings and the checks made before anything
//! runs; `run` holds the two executors (on the calling thread, or on a pool), `execute` one
//! run and its records, `pool` the thread pools (kept across experiments); what a run gives
//! back is in [`crate::outcome`].
//!
//! Each run is independent: its own copy of the genesis state, its own history, its own random
//! stream. Runs execute on a rayon pool in windows of a few runs per thread; each window's
//! records are written in record order before the next window starts, so memory stays bounded
//! and the output is the same for any thread count.

mod execute;
mod pool;
mod run;

use std::sync::OnceLock;

use crate::block::Model;
use crate::error::EngineError;
use crate::hooks::{Hooks, NoHooks};
use crate::invariant::InvariantCheck;
use crate::rng::RngKind;
use crate::shard::ShardPairs;
use crate::signals::Signals;
use crate::sink::RowMeta;
use crate::value::Value;
use crate::vars::Vars;

/// Runs per thread in one window of parallel work, at most.
const RUNS_PER_THREAD: usize = 64;

/// Records held in memory by one window, at most (a window has at least one run per thread).
const WINDOW_ROWS: usize = 1 << 20;

/// States reserved up front per run, at most; longer runs grow their buffer as they go.
const MAX_RESERVE: usize = 1 << 16;

/// Windows per experiment, at least, when runs allow.
const WINDOWS_AT_LEAST: usize = 8;

/// An experiment: a model, its parameter subsets, and how to run them (cadCAD's `sim_config`:
/// `N`, `T`, `M`, plus the seed and the execution settings).
pub struct Experiment<'a, S, P, G: Signals> {
    model: &'a Model<S, P, G>,
    subsets: Vec<P>,
    /// Each subset's genesis state, when the genesis is swept; empty for the model's own.
    genesis: Vec<S>,
    /// The swept genesis variables' record columns (`genesis_NAME`) and their positions in
    /// the state.
    genesis_columns: Vec<(&'static str, usize)>,
    runs: usize,
    timesteps: usize,
    seed: u64,
    rng: RngKind,
    threads: usize,
    simulation: usize,
    drop_substeps: bool,
    check_finite: bool,
    invariant_check: InvariantCheck,
    /// Which of the model's invariants are checked, by position; empty for all.
    enabled_invariants: Vec<bool>,
    /// The names given to [`Experiment::only_invariants`].
    only_invariants: Vec<String>,
    shard: (usize, usize),
    memory_limit: Option<u64>,
    hooks: &'a dyn Hooks,
}

/// The `(subset, run)` pairs of shard `index` of `count` of an experiment with `subsets`
/// subsets of `runs` runs, in record order ([`Experiment::shard`]); none for `count = 0`.
/// Computed from their positions, so a huge experiment costs nothing to describe.
#[must_use]
pub fn shard_pairs(subsets: usize, runs: usize, index: usize, count: usize) -> ShardPairs {
    ShardPairs::new(subsets, runs, index, count)
}

/// Worker threads an experiment accepts at most ([`Experiment::threads`]).
pub const MAX_THREADS: usize = 1024;

/// The memory the engine may plan to hold at once, by default: three quarters of the
/// machine's physical memory (`MemTotal` of `/proc/meminfo`, read once a process), or 6 GiB
/// where that cannot be read.
#[must_use]
pub fn default_memory_limit() -> u64 {
    static LIMIT: OnceLock<u64> = OnceLock::new();
    *LIMIT.get_or_init(|| {
        std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|text| {
                let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
                let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
                Some(kib.saturating_mul(768))
            })
            .unwrap_or(6 << 30)
    })
}

/// The cores available, asked once a process (it reads cgroup files).
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
}

/// A byte count for a message: `1.5 GiB`.
fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    #[expect(clippy::cast_precision_loss, reason = "a size shown to one decimal")]
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

impl<'a, S, P, G> Experiment<'a, S, P, G>
where
    S: Vars,
    P: Vars,
    G: Signals,
{
    /// An experiment of `model` over these parameter subsets (see [`Sweep`](crate::Sweep)),
    /// with 1 run of 1 timestep, seed 0, ChaCha8 streams and all cores until set otherwise.
    #[must_use]
    pub fn new(model: &'a Model<S, P, G>, subsets: Vec<P>) -> Self {
        Self {
            model,
            subsets,
            genesis: Vec::new(),
            genesis_columns: Vec::new(),
            runs: 1,
            timesteps: 1,
            seed: 0,
            rng: RngKind::default(),
            threads: 0,
            simulation: 0,
            drop_substeps: false,
            check_finite: false,
            invariant_check: InvariantCheck::default(),
            enabled_invariants: Vec::new(),
            only_invariants: Vec::new(),
            shard: (0, 1),
            memory_limit: None,
            hooks: &NoHooks,
        }
    }

    /// A genesis state per subset (a genesis sweep: [`Sweep::genesis`](crate::Sweep::genesis)
    /// and [`Sweep::genesis_states`](crate::Sweep::genesis_states)), instead of the model's
    /// one. The variables named in `swept` are written in the records after the parameters, as
    /// parameters are, in columns named `genesis_NAME`; a name that is not a state variable is
    /// refused by [`check`](Self::check).
    #[must_use]
    pub fn genesis(mut self, states: Vec<S>, swept: &[&str]) -> Self {
        self.genesis = states;
        self.genesis_columns = swept
            .iter()
            .map(|name| {
                let at = S::NAMES
                    .iter()
                    .position(|n| n == name)
                    .unwrap_or(usize::MAX);
                (crate::sink::genesis_column(name), at)
            })
            .collect();
        self
    }

    /// The genesis state of `subset`.
    pub(crate) fn genesis_of(&self, subset: usize) -> &S {
        self.genesis.get(subset).unwrap_or(&self.model.genesis)
    }

    /// The record's parameter cells of `subset`: its parameters, then its swept genesis values.
    pub(crate) fn param_values(&self, subset: usize) -> Vec<Value> {
        let mut v = self.subsets[subset].values();
        if !self.genesis_columns.is_empty() {
            let g = self.genesis_of(subset).values();
            v.extend(
                self.genesis_columns
                    .iter()
                    .filter_map(|(_, at)| g.get(*at).copied()),
            );
        }
        v
    }

    /// Each subset's parameter cells by column name, as the records hold them: `P`'s, then
    /// the swept genesis variables' (`genesis_NAME`).
    #[must_use]
    pub fn subset_columns(&self) -> Vec<Vec<(&'static str, Value)>> {
        let names = self.param_names();
        (0..self.subsets.len())
            .map(|s| names.iter().copied().zip(self.param_values(s)).collect())
            .collect()
    }

    /// The parameter columns: `P`'s, then the swept genesis variables'.
    pub(crate) fn param_names(&self) -> Vec<&'static str> {
        P::NAMES
            .iter()
            .copied()
            .chain(self.genesis_columns.iter().map(|(n, _)| *n))
            .collect()
    }

    /// Monte Carlo runs per subset (cadCAD's `N`).
    #[must_use]
    pub fn runs(mut self, n: usize) -> Self {
        self.runs = n;
        self
    }

    /// Timesteps per run (cadCAD's `T = range(n)`).
    #[must_use]
    pub fn timesteps(mut self, n: usize) -> Self {
        self.timesteps = n;
        self
    }

    /// The experiment seed every run's stream derives from.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The random generator kind (default ChaCha8).
    #[must_use]
    pub fn rng(mut self, kind: RngKind) -> Self {
        self.rng = kind;
        self
    }

    /// Worker threads; 0 (the default) means one per core. The records do not depend on it.
    /// No more threads are started than there are `(subset, run)` pairs to run, and
    /// [`run`](Self::run) refuses more than [`MAX_THREADS`].
    #[must_use]
    pub fn threads(mut self, n: usize) -> Self {
        self.threads = n;
        self
    }

    /// The `simulation` index written in every record (cadCAD numbers appended configs).
    #[must_use]
    pub fn simulation(mut self, index: usize) -> Self {
        self.simulation = index;
        self
    }

    /// Keep only the last substep of each timestep, and the initial row (radCAD's
    /// `drop_substeps`).
    #[must_use]
    pub fn drop_substeps(mut self, drop: bool) -> Self {
        self.drop_substeps = drop;
        self
    }

    /// End a run whose state gets a NaN or infinite float, naming the variable.
    #[must_use]
    pub fn check_finite(mut self, check: bool) -> Self {
        self.check_finite = check;
        self
    }

    /// How often the model's invariants are checked ([`Model::invariant`]): after every
    /// substep (the default), at the end of each timestep, or not at all. A violation ends
    /// its run as [`RunError::Invariant`](crate::RunError::Invariant); the other runs go on.
    #[must_use]
    pub fn invariants(mut self, check: InvariantCheck) -> Self {
        self.invariant_check = check;
        self
    }

    /// Checks only the named invariants (all of them when `names` is empty);
    /// [`check`](Self::check) refuses a name the model does not declare.
    #[must_use]
    pub fn only_invariants<I: IntoIterator<Item = T>, T: Into<String>>(mut self, names: I) -> Self {
        self.only_invariants = names.into_iter().map(Into::into).collect();
        self.enabled_invariants = self.model.invariants.enabled(&self.only_invariants);
        self
    }

    /// The memory the experiment may plan to hold at once (default
    /// [`default_memory_limit`]): [`run`](Self::run) refuses, before anything runs, an
    /// experiment whose runs in flight would hold more states than that
    /// ([`EngineError::TooLarge`]).
    #[must_use]
    pub fn memory_limit(mut self, bytes: u64) -> Self {
        self.memory_limit = Some(bytes);
        self
    }

    /// Hooks and progress callbacks.
    #[must_use]
    pub fn hooks(mut self, hooks: &'a dyn Hooks) -> Self {
        self.hooks = hooks;
        self
    }

    /// Runs only shard `index` of `count` (from 0): the `(subset, run)` pairs whose position
    /// in record order is `index` modulo `count`. Each pair's rows are exactly its rows in the
    /// full experiment (its random stream depends on the pair alone), so the shards'
    /// records, put back in `(subset, run)` order, are the full experiment's. The default is
    /// `(0, 1)`, everything.
    ///
    /// [`run`](Self::run) refuses `count = 0`, `index ≥ count`, and sharding with
    /// [`RngKind::NumpyShared`], whose one stream runs through every run in order.
    #[must_use]
    pub fn shard(mut self, index: usize, count: usize) -> Self {
        self.shard = (index, count);
        self
    }

    /// The `(subset, run)` pairs this experiment (or its shard) runs, in record order.
    #[must_use]
    pub fn jobs(&self) -> ShardPairs {
        shard_pairs(self.subsets.len(), self.runs, self.shard.0, self.shard.1)
    }

    /// The parameter subsets.
    #[must_use]
    pub fn subsets(&self) -> &[P] {
        &self.subsets
    }

    /// The number of records the experiment writes when every run completes.
    ///
    /// Saturates at `u64::MAX` for settings too large to count; it allocates nothing.
    #[must_use]
    pub fn expected_rows(&self) -> u64 {
        let per_run = if self.drop_substeps {
            self.timesteps.saturating_add(1)
        } else {
            self.rows_per_run()
        };
        let rows = self.jobs().len().saturating_mul(per_run);
        u64::try_from(rows).unwrap_or(u64::MAX)
    }

    /// Refuses an experiment whose size cannot be counted, or whose runs in flight would hold
    /// more states than the memory limit.
    fn check_size(&self, threads: usize) -> Result<(), EngineError> {
        let subsets = self.subsets.len();
        if subsets.checked_mul(self.runs).is_none() {
            return Err(EngineError::TooLarge {
                what: format!(
                    "{subsets} subsets × {} runs is more (subset, run) pairs than can be counted",
                    self.runs
                ),
            });
        }
        let limit = self.memory_limit.unwrap_or_else(default_memory_limit);
        // A run keeps every state it computes (its history); on a pool its records are also
        // formatted there (about 24 bytes a cell, with their index), and up to three windows
        // of runs are held at once: one being written, one handed over, one being computed.
        let sequential = self.is_sequential(threads);
        let state = std::mem::size_of::<S>().max(1);
        let row = if sequential {
            state
        } else {
            state + std::mem::size_of::<RowMeta>() + 16 + 24 * (S::NAMES.len() + P::NAMES.len())
        };
        let as_u64 = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        let rows = self.rows_per_run();
        let per_run = as_u64(rows).saturating_mul(as_u64(row));
        let runs_held = if sequential {
            1
        } else {
            self.window(threads, self.jobs().len()).saturating_mul(3)
        };
        let held = per_run.saturating_mul(as_u64(runs_held));
        if held > limit {
            return Err(EngineError::TooLarge {
                what: format!(
                    "{} timesteps × {} substeps is {rows} records of about {row} bytes (the state{}), {} per run and {} for the {runs_held} run(s) held at once on {threads} thread(s), above the memory limit of {}",
                    self.timesteps,
                    self.model.blocks.len(),
                    if sequential {
                        ""
                    } else {
                        " and its formatted row"
                    },
                    bytes(per_run),
                    bytes(held),
                    bytes(limit),
                ),
            });
        }
        Ok(())
    }

    /// Whether runs execute on the calling thread, one at a time.
    fn is_sequential(&self, threads: usize) -> bool {
        threads == 1 || self.rng == RngKind::NumpyShared
    }

    /// Runs per window of parallel work, for `threads` threads and `total` runs: several
    /// windows, so that writing one overlaps computing the next, each of at most
    /// [`WINDOW_ROWS`] records but at least a run per thread.
    fn window(&self, threads: usize, total: usize) -> usize {
        if self.is_sequential(threads) {
            return 1;
        }
        let overlap = total.div_ceil(WINDOWS_AT_LEAST);
        (WINDOW_ROWS / self.rows_per_run())
            .min(overlap)
            .clamp(threads, threads * RUNS_PER_THREAD)
    }

    /// States one run keeps: genesis plus one per substep (saturating).
    fn rows_per_run(&self) -> usize {
        self.timesteps
            .saturating_mul(self.model.blocks.len())
            .saturating_add(1)
    }

    /// Records one run writes at most: its states, or with `drop_substeps` genesis and one a
    /// timestep (saturating).
    fn records_per_run(&self) -> usize {
        if self.drop_substeps {
            self.timesteps.saturating_add(1)
        } else {
            self.rows_per_run()
        }
    }

    /// Everything [`run`](Self::run) checks before it starts, without running anything: the
    /// model has blocks, there are subsets, runs and timesteps, the shard exists, the threads
    /// are within [`MAX_THREADS`], the experiment fits in memory, and the model's validators
    /// accept every subset. Returns the number of threads the run would use.
    ///
    /// # Errors
    /// As [`run`](Self::run), for the reasons above.
    pub fn check(&self) -> Result<usize, EngineError> {
        if self.model.blocks.is_empty() {
            return Err(EngineError::NoBlocks);
        }
        if self.subsets.is_empty() {
            return Err(EngineError::NoSubsets);
        }
        for (what, got) in [("runs", self.runs), ("timesteps", self.timesteps)] {
            if got == 0 {
                return Err(EngineError::Zero { what, got });
            }
        }
        let (index, count) = self.shard;
        if count == 0 || index >= count {
            return Err(EngineError::Shard { index, count });
        }
        if count > 1 && self.rng == RngKind::NumpyShared {
            return Err(EngineError::ShardSharedStream);
        }
        if self.threads > MAX_THREADS {
            return Err(EngineError::TooManyThreads {
                got: self.threads,
                max: MAX_THREADS,
            });
        }
        // Never more threads than pairs to run.
        let threads = if self.threads == 0 {
            cores()
        } else {
            self.threads
        }
        .min(self.jobs().len())
        .max(1);
        self.check_size(threads)?;
        self.check_genesis()?;
        self.check_invariant_names()?;
        for (subset, p) in self.subsets.iter().enumerate() {
            self.model
                .check_with(self.genesis_of(subset), p)
                .map_err(|reason| EngineError::Invalid { subset, reason })?;
        }
        Ok(threads)
    }

    /// The model's invariants have distinct names, and those asked for exist.
    fn check_invariant_names(&self) -> Result<(), EngineError> {
        let names = self.model.invariant_names();
        if let Some((_, name)) = names
            .iter()
            .enumerate()
            .find(|(i, n)| names.get(..*i).is_some_and(|before| before.contains(n)))
        {
            return Err(EngineError::DuplicateInvariant {
                name: (*name).to_owned(),
            });
        }
        if let Some(unknown) = self
            .only_invariants
            .iter()
            .find(|o| !names.contains(&o.as_str()))
        {
            return Err(EngineError::UnknownInvariant {
                name: unknown.clone(),
                known: if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                },
            });
        }
        Ok(())
    }

    /// A genesis sweep has one state per subset, and its columns name state variables.
    fn check_genesis(&self) -> Result<(), EngineError> {
        if !self.genesis.is_empty() && self.genesis.len() != self.subsets.len() {
            return Err(EngineError::GenesisCount {
                states: self.genesis.len(),
                subsets: self.subsets.len(),
            });
        }
        if let Some((name, _)) = self
            .genesis_columns
            .iter()
            .find(|(_, at)| *at == usize::MAX)
        {
            return Err(EngineError::Var(crate::VarError::Unknown {
                name: name.trim_start_matches("genesis_").to_owned(),
                known: S::NAMES.join(", "),
            }));
        }
        Ok(())
    }
}
