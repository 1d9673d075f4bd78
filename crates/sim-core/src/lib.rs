//! # sim-core: a cadCAD-compatible simulation engine
//!
//! sim-core runs models written the way cadCAD (0.5.3) and radCAD (0.14) users write them, with
//! the same semantics and the same records, on typed state, reproducibly, and fast.
//!
//! ## The semantics (cadCAD's)
//!
//! A [`Model`] is a genesis state and an ordered list of partial state update [`Block`]s.
//! Each timestep `t = 1..=T` runs every block in order; block `k` is substep `k` (from 1).
//! Within a block:
//!
//! 1. every policy sees `(params, substep, history, state)` and returns [`Signals`];
//! 2. the signals are combined key by key: a key emitted by several policies is reduced with the
//!    block's `policy_ops` (default: `a + b`), a key emitted by one is passed through;
//! 3. every state update function (SUF) sees the *same* pre-block state and the combined signals
//!    (a parallel update); a variable no SUF sets is carried over.
//!
//! The [`History`] holds every completed timestep's substep states; the genesis state is
//! timestep 0, so `history.last_state()` (cadCAD's `sH[-1][-1]`) is the last state of the
//! previous timestep.
//!
//! A [`Sweep`] is cadCAD's `M`: under the default [`SweepRule::Zip`], lists of equal length
//! zip into subsets and single-element lists broadcast; [`SweepRule::PadLast`] is radCAD's rule
//! and [`SweepRule::Product`] the cartesian product. An [`Experiment`] runs `N` Monte Carlo runs
//! (numbered from 1) of every subset (from 0) for `T` timesteps.
//!
//! **Records** are one row per substep plus an initial row per run (timestep 0, substep 0),
//! with `simulation, subset, run, substep, timestep`, every state variable and the subset's
//! parameters (or in cadCAD's column order, [`Layout::Cadcad`]), in cadCAD's row order:
//! subset-major, then run, timestep, substep. They stream to a [`Sink`]: [`MemorySink`],
//! [`CsvSink`], or `ParquetSink` (feature `parquet`). A model needs
//! `1 + T · blocks` records per run, `subsets · N` times.
//!
//! ## What is different from cadCAD
//!
//! - State and parameters are structs ([`vars!`]), signals a struct of `Option`s
//!   ([`signals!`]); policies and SUFs are plain functions or closures.
//! - A [`Block`] keeps each function's own type, so its policies and updates are called
//!   directly and inline into one [`Psub::step`]; the engine makes one dynamic call per
//!   substep. A block can also be written as one function, by implementing [`Psub`].
//! - Randomness is explicit: each policy gets its run's [`SimRng`], a stream derived from the
//!   experiment seed and `(subset, run)` only (ChaCha8 by default, numpy's legacy MT19937 as an
//!   option). The records are bit-identical on 1 or N threads.
//! - A run whose policy fails ends alone, and is listed in [`Outcome::failures`]. So does a run
//!   whose policy or update panics: the panic is caught (`catch_unwind`) and recorded as
//!   [`RunError::Panic`] with its message and location, and the other runs go on, on one
//!   thread or many. A model's state must therefore be unwind-safe in `catch_unwind`'s sense;
//!   the engine drops a panicked run's state without reading it again.
//! - A model states its invariants ([`Model::invariant`], module `invariant`'s example): the
//!   engine checks them after every substep ([`InvariantCheck`]), and a violation ends only its
//!   run, as [`RunError::Invariant`]. With the `proptest` feature, `search` looks for a
//!   counterexample over a space of parameters and genesis values, shrinks it and replays it.
//! - Nothing proportional to subsets × runs is built ([`ShardPairs`] computes the pairs from
//!   their positions); a sweep above [`MAX_SUBSETS`], more than [`MAX_THREADS`] threads, and
//!   runs whose histories would not fit in memory ([`Experiment::memory_limit`]) are refused
//!   before anything runs. No more threads are started than there are runs.
//!
//! ## Example
//!
//! A deposit that grows by a swept rate, and a policy that adds noise:
//!
//! ```
//! use sim_core::{Block, BoxError, Ctx, Experiment, MemorySink, Model, SimRng, Sweep, need};
//!
//! #[derive(Clone)]
//! struct State { balance: f64 }
//! sim_core::vars!(State { balance });
//!
//! #[derive(Clone)]
//! struct Params { rate: f64 }
//! sim_core::vars!(Params { rate });
//!
//! #[derive(Default)]
//! struct Input { interest: Option<f64> }
//! sim_core::signals!(Input: f64 { interest });
//!
//! fn accrue(p: &Params, ctx: &Ctx<'_, State>, _rng: &mut SimRng) -> Result<Input, BoxError> {
//!     Ok(Input { interest: Some(ctx.state.balance * p.rate) })
//! }
//! fn jitter(_p: &Params, _ctx: &Ctx<'_, State>, rng: &mut SimRng) -> Result<Input, BoxError> {
//!     Ok(Input { interest: Some(rng.normal(0.0, 0.0)) }) // zero noise: the sum is exact
//! }
//! fn balance(_p: &Params, ctx: &Ctx<'_, State>, i: &Input, next: &mut State) -> Result<(), BoxError> {
//!     next.balance = ctx.state.balance + need(i.interest, "interest")?;
//!     Ok(())
//! }
//!
//! let model = Model::new(State { balance: 100.0 })
//!     .block(Block::new().policy("accrue", accrue).policy("jitter", jitter).update("balance", balance));
//! let subsets = Sweep::new().param("rate", [0.5, 1.0]).subsets(&Params { rate: 0.0 }, Default::default())?;
//! let mut records = MemorySink::new();
//! let outcome = Experiment::new(&model, subsets).runs(2).timesteps(2).seed(1).run(&mut records)?;
//!
//! assert_eq!(outcome.rows, 2 * 2 * 3);
//! let balance = records.f64_column("balance").unwrap();
//! assert_eq!(&balance[..3], &[100.0, 150.0, 225.0]); // subset 0, run 1
//! assert_eq!(&balance[6..9], &[100.0, 200.0, 400.0]); // subset 1, run 1
//! # Ok::<(), sim_core::EngineError>(())
//! ```

//!
//! ## Running it your way
//!
//! Each option is one builder call on [`Experiment`]. The model below is used in every
//! example: a balance that a policy grows by a random share, then a fee in a second block.
//!
//! ```
//! # use sim_core::{Block, BoxError, Ctx, Model, SimRng, need};
//! # #[derive(Clone)] struct State { balance: f64 }
//! # sim_core::vars!(State { balance });
//! # #[derive(Clone)] struct Params { drift: f64 }
//! # sim_core::vars!(Params { drift });
//! # #[derive(Default)] struct Input { growth: Option<f64> }
//! # sim_core::signals!(Input: f64 { growth });
//! # fn grow(p: &Params, c: &Ctx<'_, State>, rng: &mut SimRng) -> Result<Input, BoxError> {
//! #     Ok(Input { growth: Some(c.state.balance * rng.normal(p.drift, 0.01)) })
//! # }
//! # fn apply(_: &Params, c: &Ctx<'_, State>, i: &Input, n: &mut State) -> Result<(), BoxError> {
//! #     n.balance = c.state.balance + need(i.growth, "growth")?;
//! #     Ok(())
//! # }
//! # fn fee(_: &Params, c: &Ctx<'_, State>, _: &Input, n: &mut State) -> Result<(), BoxError> {
//! #     n.balance = c.state.balance - 0.1;
//! #     Ok(())
//! # }
//! # let model = Model::new(State { balance: 100.0 })
//! #     .block(Block::new().policy("grow", grow).update("balance", apply))
//! #     .block(Block::new().update("balance", fee));
//! use sim_core::{Experiment, Hooks, MemorySink};
//! use std::sync::atomic::{AtomicUsize, Ordering};
//!
//! let subsets = vec![Params { drift: 0.01 }, Params { drift: 0.02 }];
//!
//! // Progress: a Hooks implementation sees every finished run (indicatif's ProgressBar
//! // goes here in the tokensim command line); `cancelled` can stop the experiment.
//! struct Progress(AtomicUsize);
//! impl Hooks for Progress {
//!     fn progress(&self, done: usize, _total: usize) {
//!         self.0.store(done, Ordering::Relaxed);
//!     }
//! }
//! let progress = Progress(AtomicUsize::new(0));
//! let mut all = MemorySink::new();
//! Experiment::new(&model, subsets.clone()).runs(3).timesteps(10).seed(7)
//!     .hooks(&progress)
//!     .run(&mut all)?;
//! assert_eq!(progress.0.load(Ordering::Relaxed), 2 * 3);
//!
//! // Shards: shard i of n runs the (subset, run) pairs at positions i, i + n, …; together
//! // the shards' rows are the whole experiment's, on any machines (docs/SCALING.md).
//! let mut shard0 = MemorySink::new();
//! let mut shard1 = MemorySink::new();
//! for (i, sink) in [&mut shard0, &mut shard1].into_iter().enumerate() {
//!     Experiment::new(&model, subsets.clone()).runs(3).timesteps(10).seed(7)
//!         .shard(i, 2)
//!         .run(sink)?;
//! }
//! assert_eq!(shard0.len() + shard1.len(), all.len());
//! // (subset 0, run 1) is shard 0's first pair: the same 1 + 10 · 2 rows as in the whole.
//! let balance = all.f64_column("balance").unwrap();
//! assert_eq!(shard0.f64_column("balance").unwrap()[..21], balance[..21]);
//!
//! // drop_substeps keeps the initial row and each timestep's last substep (radCAD's option);
//! // simulation(i) sets the `simulation` column, as cadCAD numbers appended experiments.
//! let mut lean = MemorySink::new();
//! Experiment::new(&model, subsets.clone()).runs(3).timesteps(10).seed(7)
//!     .drop_substeps(true)
//!     .simulation(4)
//!     .run(&mut lean)?;
//! assert_eq!(lean.len(), 2 * 3 * (1 + 10)); // one row a timestep instead of two
//! let lean_balance = lean.f64_column("balance").unwrap();
//! assert_eq!(lean_balance[1], balance[2]); // timestep 1's last substep
//! assert!(lean.meta().iter().all(|row| row.simulation == 4));
//!
//! // check_finite ends a run whose state turns NaN or infinite, naming the variable, instead
//! // of writing the NaN on; the other runs go on.
//! let exploding = vec![Params { drift: f64::INFINITY }];
//! let outcome = Experiment::new(&model, exploding).runs(2).timesteps(3).seed(7)
//!     .check_finite(true)
//!     .run(&mut MemorySink::new())?;
//! assert_eq!(outcome.failures.len(), 2);
//! assert!(outcome.failures[0].error.to_string().contains("balance"));
//! # Ok::<(), sim_core::EngineError>(())
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

/// The README's example, run as a doctest so that the README cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

mod block;
mod engine;
mod error;
mod fidelity;
mod history;
mod hooks;
mod invariant;
mod outcome;
mod panic;
mod rng;
#[cfg(feature = "proptest")]
#[cfg_attr(docsrs, doc(cfg(feature = "proptest")))]
pub mod search;
mod shard;
mod signals;
pub mod sink;
mod sweep;
mod value;
mod vars;

pub use block::{Block, Ctx, Model, Named, Policies, Policy, Psub, Update, Updates, Validator};
pub use engine::{Experiment, MAX_THREADS, default_memory_limit, shard_pairs};
pub use error::{BoxError, EngineError, SinkError};
pub use fidelity::Fidelity;
pub use history::History;
pub use hooks::{Hooks, NoHooks};
pub use invariant::{
    Check, InvariantCheck, InvariantSet, Invariants, NamedCheck, Verdict, Violation, holds,
};
pub use outcome::{Outcome, RunError, RunFailure};
pub use rng::{RngKind, SimRng};
pub use shard::ShardPairs;
pub use signals::{MissingSignal, NoSignals, PolicyOp, SignalValue, Signals, merge_field, need};
pub use sink::{
    CsvSink, EncodedRun, Header, Layout, MemorySink, NullSink, RowEncoder, RowMeta, Sink,
    WordColumns, WordSource,
};
pub use sweep::{MAX_SUBSETS, Sweep, SweepRule};
pub use value::{Scalar, Value};
pub use vars::{NoParams, VarError, Vars};

// Re-exported so that models can name the RNG traits without depending on `rand` directly.
pub use rand;
