//! The engine: runs a model over subsets × Monte Carlo runs × timesteps × blocks.
//!
//! Each run is independent: its own copy of the genesis state, its own history, its own random
//! stream. Runs execute on a rayon pool in windows of a few runs per thread; each window's
//! records are written in record order before the next window starts, so memory stays bounded
//! and the output is the same for any thread count.

use std::sync::OnceLock;

use rayon::prelude::*;

use crate::block::{Ctx, Model};
use crate::error::{BoxError, EngineError};
use crate::history::History;
use crate::hooks::{Hooks, NoHooks};
use crate::panic::{PanicInfo, catch};
use crate::rng::{RngKind, SimRng};
use crate::shard::ShardPairs;
use crate::signals::Signals;
use crate::sink::{EncodedRun, Header, RowEncoder, RowMeta, Sink};
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
    runs: usize,
    timesteps: usize,
    seed: u64,
    rng: RngKind,
    threads: usize,
    simulation: usize,
    drop_substeps: bool,
    check_finite: bool,
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

/// A run that ended early. Its records up to the failure were written; the other runs are not
/// affected (radCAD's `raise_exceptions=False`).
#[derive(Debug)]
pub struct RunFailure {
    /// The subset, from 0.
    pub subset: usize,
    /// The run, from 1.
    pub run: usize,
    /// The timestep being computed when it failed.
    pub timestep: usize,
    /// The substep (block) being computed when it failed.
    pub substep: usize,
    /// What went wrong.
    pub error: RunError,
}

impl std::fmt::Display for RunFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "subset {} run {} failed at timestep {} substep {}: {}",
            self.subset, self.run, self.timestep, self.substep, self.error
        )
    }
}

/// Why a run ended early.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// A policy returned an error.
    #[error("policy `{name}` failed: {source}")]
    Policy {
        /// The policy's name in its block.
        name: &'static str,
        /// Its error.
        source: BoxError,
    },
    /// A state update function returned an error.
    #[error("state update `{name}` failed: {source}")]
    Update {
        /// The update's name in its block.
        name: &'static str,
        /// Its error.
        source: BoxError,
    },
    /// The block's `policy_ops` reduction gave no value for a key.
    #[error("the reduction of signal `{key}` failed (overflow, or the custom op refused)")]
    Reduction {
        /// The signal.
        key: &'static str,
    },
    /// A policy or state update panicked. The panic was caught ([`std::panic::catch_unwind`]):
    /// it ends this run only, and the panic's message is not printed.
    #[error("panicked at {location}: {message}")]
    Panic {
        /// The panic's message (its `&str` or `String` payload).
        message: String,
        /// Where it was raised, `file:line:column`, or `unknown`.
        location: String,
    },
    /// With [`Experiment::check_finite`]: a state variable became NaN or infinite.
    #[error("state variable `{variable}` is not finite: {value}")]
    NonFinite {
        /// The variable.
        variable: &'static str,
        /// Its value.
        value: f64,
    },
}

/// What an experiment did.
///
/// ```
/// use sim_core::{Block, BoxError, Ctx, Experiment, Model, NullSink};
///
/// #[derive(Clone)]
/// struct State { x: f64 }
/// sim_core::vars!(State { x });
/// #[derive(Clone)]
/// struct Params { fail_at: f64 }
/// sim_core::vars!(Params { fail_at });
/// fn step(p: &Params, c: &Ctx<'_, State>, _: &sim_core::NoSignals, n: &mut State) -> Result<(), BoxError> {
///     if c.timestep as f64 == p.fail_at {
///         return Err("boom".into());
///     }
///     n.x = c.state.x + 1.0;
///     Ok(())
/// }
/// let model = Model::new(State { x: 0.0 }).block(Block::new().update("x", step));
/// // Subset 1 fails at timestep 2 in each of its runs; subset 0 never does.
/// let subsets = vec![Params { fail_at: -1.0 }, Params { fail_at: 2.0 }];
/// let outcome = Experiment::new(&model, subsets).runs(2).timesteps(3).run(&mut NullSink::default())?;
/// assert!(!outcome.is_success());
/// assert_eq!(outcome.failures.len(), 2);
/// assert_eq!((outcome.failures[0].subset, outcome.failures[0].run), (1, 1));
/// assert!(outcome.failures[0].error.to_string().contains("boom"));
/// # Ok::<(), sim_core::EngineError>(())
/// ```
#[derive(Debug, Default)]
pub struct Outcome {
    /// Records written.
    pub rows: u64,
    /// Runs executed (subsets × runs).
    pub runs: usize,
    /// Runs that ended early, in record order.
    pub failures: Vec<RunFailure>,
}

impl Outcome {
    /// Whether every run completed.
    #[must_use]
    pub fn is_success(&self) -> bool {
        self.failures.is_empty()
    }
}

struct RunOutput<S> {
    subset: usize,
    run: usize,
    states: Vec<S>,
    failure: Option<RunFailure>,
    /// The records as the sink's encoder formatted them on the worker.
    encoded: Option<Encoded>,
}

/// The pairs in windows of `size` (at least 1), each collected on its own: only one window's
/// pairs exist at a time.
fn windows(jobs: ShardPairs, size: usize) -> impl Iterator<Item = Vec<(usize, usize)>> {
    let mut jobs = jobs;
    let size = size.max(1);
    std::iter::from_fn(move || {
        let chunk: Vec<_> = jobs.by_ref().take(size).collect();
        (!chunk.is_empty()).then_some(chunk)
    })
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

/// One run's records, formatted: record `i` is `bytes[ends[i - 1]..ends[i]]`, with index
/// `metas[i]`, of the run's state number `states[i]`.
struct Encoded {
    bytes: Vec<u8>,
    ends: Vec<usize>,
    metas: Vec<RowMeta>,
    states: Vec<usize>,
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
            runs: 1,
            timesteps: 1,
            seed: 0,
            rng: RngKind::default(),
            threads: 0,
            simulation: 0,
            drop_substeps: false,
            check_finite: false,
            shard: (0, 1),
            memory_limit: None,
            hooks: &NoHooks,
        }
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
        for (subset, p) in self.subsets.iter().enumerate() {
            self.model
                .check(p)
                .map_err(|reason| EngineError::Invalid { subset, reason })?;
        }
        Ok(threads)
    }

    /// Runs the experiment, writing every record to `sink` in cadCAD's order.
    ///
    /// # Errors
    ///
    /// [`EngineError`] when the experiment cannot start ([`check`](Self::check)'s reasons,
    /// or no thread pool), when it is cancelled ([`Hooks::cancelled`]), or when the sink
    /// fails. A failing run is not an error: see [`Outcome::failures`].
    pub fn run(&self, sink: &mut dyn Sink) -> Result<Outcome, EngineError> {
        let threads = self.check()?;
        let mut example = self.model.genesis.values();
        example.extend(self.subsets.first().map(Vars::values).unwrap_or_default());
        let header = Header {
            state: S::NAMES,
            params: P::NAMES,
            example,
        };
        let jobs = self.jobs();
        let total = jobs.len();
        let params: Vec<Vec<Value>> = self.subsets.iter().map(Vars::values).collect();

        self.hooks.before_experiment(self.subsets.len(), self.runs);
        sink.begin(&header)?;
        let mut outcome = Outcome {
            runs: total,
            ..Outcome::default()
        };
        let mut scratch = Vec::with_capacity(S::NAMES.len());
        let mut done = 0;

        let pool = if self.is_sequential(threads) {
            None
        } else {
            Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .map_err(|e| EngineError::ThreadPool(e.to_string()))?,
            )
        };
        // With a pool, the sink's formatting (if it has an encoder) runs on the workers.
        let encoder = if pool.is_some() { sink.encoder() } else { None };
        let encoder = encoder.as_deref();
        let window = self.window(threads, total);

        let mut write = |outputs: Vec<RunOutput<S>>| -> Result<(), EngineError> {
            for out in outputs {
                outcome.rows += self.emit(&out, &params[out.subset], &mut scratch, sink)?;
                if let Some(f) = out.failure {
                    outcome.failures.push(f);
                }
                done += 1;
                self.hooks.progress(done, total);
                // The subset's last run in this experiment (or shard).
                if jobs.get(done).is_none_or(|(s, _)| s != out.subset) {
                    self.hooks.after_subset(out.subset);
                }
            }
            Ok(())
        };
        // The subset's first run in this experiment (or shard) starts it.
        let before_subsets = |start: usize, chunk: &[(usize, usize)]| {
            for (k, &(subset, _)) in chunk.iter().enumerate() {
                let first = (start + k)
                    .checked_sub(1)
                    .and_then(|prev| jobs.get(prev))
                    .is_none_or(|(s, _)| s != subset);
                if first {
                    self.hooks.before_subset(subset);
                }
            }
        };

        match &pool {
            None => {
                let mut shared = SimRng::for_run(self.rng, self.seed, 0, 0);
                for (i, chunk) in windows(jobs.clone(), window).enumerate() {
                    if self.hooks.cancelled() {
                        return Err(EngineError::Cancelled);
                    }
                    before_subsets(i * window, &chunk);
                    let outputs = chunk
                        .iter()
                        .map(|&(s, r)| {
                            if self.rng == RngKind::NumpyShared {
                                self.execute(s, r, &mut shared)
                            } else {
                                let mut rng = SimRng::for_run(self.rng, self.seed, s, r);
                                self.execute(s, r, &mut rng)
                            }
                        })
                        .collect();
                    write(outputs)?;
                }
            }
            // The pool computes window k + 1 while this thread writes window k: one thread
            // dispatches windows in order, the channel hands them over in order.
            Some(pool) => std::thread::scope(|scope| -> Result<(), EngineError> {
                let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<RunOutput<S>>>(1);
                let jobs = &jobs;
                let params = &params;
                scope.spawn(move || {
                    for (i, chunk) in windows(jobs.clone(), window).enumerate() {
                        if self.hooks.cancelled() {
                            break;
                        }
                        before_subsets(i * window, &chunk);
                        let outputs = pool.install(|| {
                            chunk
                                .par_iter()
                                .map(|&(s, r)| {
                                    let mut rng = SimRng::for_run(self.rng, self.seed, s, r);
                                    let mut out = self.execute(s, r, &mut rng);
                                    if let Some(e) = encoder {
                                        out.encoded = Some(self.encode(&out, &params[s], e));
                                    }
                                    out
                                })
                                .collect()
                        });
                        // The writer stopped (a sink error): stop computing.
                        if tx.send(outputs).is_err() {
                            break;
                        }
                    }
                });
                for outputs in rx {
                    if self.hooks.cancelled() {
                        return Err(EngineError::Cancelled);
                    }
                    write(outputs)?;
                }
                Ok(())
            })?,
        }
        if self.hooks.cancelled() {
            return Err(EngineError::Cancelled);
        }
        sink.finish()?;
        self.hooks.after_experiment(&outcome);
        Ok(outcome)
    }

    /// One run: every timestep, every block; the states in record order.
    fn execute(&self, subset: usize, run: usize, rng: &mut SimRng) -> RunOutput<S> {
        self.hooks.before_run(subset, run);
        let params = &self.subsets[subset];
        let blocks = &self.model.blocks;
        let n_blocks = blocks.len();
        // The run's records; reserved up front (bounded, so a huge `T` cannot ask for it all
        // at once), so that substeps do not reallocate.
        let mut states = Vec::with_capacity(self.rows_per_run().min(MAX_RESERVE));
        states.push(self.model.genesis.clone());
        let mut scratch = Vec::new();
        let mut failure = None;
        // The (timestep, substep) being computed, for a panic's failure record.
        let mut at = (0, 0);

        // One `catch_unwind` around the whole run rather than one per substep: a panic leaves
        // `states` as it was, plus the slot of the substep that panicked.
        let caught = catch(|| {
            for timestep in 1..=self.timesteps {
                // Polled every 256 timesteps (and at the first): a dynamic call a substep
                // would cost more than the rest of the loop's bookkeeping.
                if timestep % 256 == 1 && self.hooks.cancelled() {
                    return;
                }
                let completed = 1 + (timestep - 1) * n_blocks;
                for (k, block) in blocks.iter().enumerate() {
                    let substep = k + 1;
                    at = (timestep, substep);
                    // The next state starts as a copy of this one, in its own slot of
                    // `states`: the block writes it where it stays (no copy after, and no
                    // store-forwarding stall from reading back fields just written).
                    let Some(last) = states.len().checked_sub(1) else {
                        return;
                    };
                    states.extend_from_within(last..);
                    let Some((next, done)) = states.split_last_mut() else {
                        return;
                    };
                    let Some(state) = done.last() else {
                        return;
                    };
                    let ctx = Ctx {
                        substep,
                        timestep,
                        run,
                        subset,
                        history: History::new(&done[..completed], n_blocks),
                        state,
                    };
                    let mut error = block.step(params, &ctx, rng, next).err();
                    if error.is_none() && self.check_finite {
                        scratch.clear();
                        next.write_values(&mut scratch);
                        if let Some((i, v)) =
                            scratch.iter().enumerate().find(|(_, v)| !v.is_finite())
                        {
                            error = Some(RunError::NonFinite {
                                variable: S::NAMES[i],
                                value: v.as_f64(),
                            });
                        }
                    }
                    if let Some(error) = error {
                        // The failed substep's state is not a record.
                        states.pop();
                        failure = Some((timestep, substep, error));
                        return;
                    }
                }
            }
        });
        if let Err(PanicInfo { message, location }) = caught {
            // The panicked substep's slot, if it was pushed, is not a record.
            let (timestep, substep) = at;
            let pushed = 1 + (timestep.saturating_sub(1)) * n_blocks + substep;
            if states.len() == pushed {
                states.pop();
            }
            failure = Some((timestep, substep, RunError::Panic { message, location }));
        }
        let failure = failure.map(|(timestep, substep, error)| RunFailure {
            subset,
            run,
            timestep,
            substep,
            error,
        });
        self.hooks.after_run(subset, run, failure.is_none());
        RunOutput {
            subset,
            run,
            states,
            failure,
            encoded: None,
        }
    }

    /// A run's records: each kept state's position in the run, its index and the state, in
    /// record order.
    fn records<'o>(
        &'o self,
        out: &'o RunOutput<S>,
    ) -> impl Iterator<Item = (usize, RowMeta, &'o S)> {
        let n_blocks = self.model.blocks.len();
        // The `(timestep, substep)` of the next state: genesis is (0, 0), then (1, 1) ….
        let mut next = (0, 0);
        out.states.iter().enumerate().filter_map(move |(i, state)| {
            let (timestep, substep) = next;
            next = if timestep == 0 || substep == n_blocks {
                (timestep + 1, 1)
            } else {
                (timestep, substep + 1)
            };
            // With `drop_substeps`, only the genesis row and each timestep's last substep.
            let kept = !self.drop_substeps || timestep == 0 || substep == n_blocks;
            kept.then_some((
                i,
                RowMeta {
                    simulation: self.simulation,
                    subset: out.subset,
                    run: out.run,
                    substep,
                    timestep,
                },
                state,
            ))
        })
    }

    /// One run's records through the sink's encoder (on the worker that computed it).
    fn encode(&self, out: &RunOutput<S>, params: &[Value], encoder: &dyn RowEncoder) -> Encoded {
        let param_bytes = encoder.encode_params(params);
        let n = out.states.len();
        let mut enc = Encoded {
            bytes: Vec::with_capacity(n * 256),
            ends: Vec::with_capacity(n),
            metas: Vec::with_capacity(n),
            states: Vec::with_capacity(n),
        };
        let mut scratch = Vec::with_capacity(S::NAMES.len());
        for (i, meta, state) in self.records(out) {
            scratch.clear();
            state.write_values(&mut scratch);
            encoder.encode_row(&meta, &scratch, &param_bytes, &mut enc.bytes);
            enc.ends.push(enc.bytes.len());
            enc.metas.push(meta);
            enc.states.push(i);
        }
        enc
    }

    /// Writes one run's records; returns how many.
    fn emit(
        &self,
        out: &RunOutput<S>,
        params: &[Value],
        scratch: &mut Vec<Value>,
        sink: &mut dyn Sink,
    ) -> Result<u64, EngineError> {
        let rows = if let Some(enc) = &out.encoded {
            let values = |i: usize, v: &mut Vec<Value>| {
                if let Some(state) = enc.states.get(i).and_then(|&k| out.states.get(k)) {
                    state.write_values(v);
                }
            };
            sink.encoded_run(&EncodedRun::new(
                &enc.metas, &enc.ends, &enc.bytes, params, &values,
            ))?;
            enc.metas.len()
        } else {
            let mut rows = 0;
            for (_, meta, state) in self.records(out) {
                scratch.clear();
                state.write_values(scratch);
                sink.row(&meta, scratch, params)?;
                rows += 1;
            }
            rows
        };
        Ok(u64::try_from(rows).unwrap_or(u64::MAX))
    }
}
