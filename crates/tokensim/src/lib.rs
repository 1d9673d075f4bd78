//! tokensim's command line as a library: register your models (and, if you like, named
//! experiments), hand over to [`Registry::main`], and your binary has everything the
//! `tokensim` binary has for the built-in models: `list`, `show`, `run` with TOML experiment
//! files, `falsify` (a search for a counterexample to the model's invariants), sweeps,
//! `--runs`/`--seed`/`--threads`/`--shard`/`--format`, a progress bar, `summary.json`, plots,
//! and output written whole or not at all.
//!
//! The built-in `tokensim` binary is such a binary: it registers Honey, Flash and Fei through
//! the same [`ModelSpec`] and [`NamedExperiment`], and nothing in this library names them.
//!
//! A model is sim-core's [`Model`](sim_core::Model) (cadCAD's partial state update blocks over
//! typed state and parameters); [`ModelSpec`] adds what the command line needs beyond the
//! records, each with a default: the variables to plot (every state variable), the heatmaps of
//! a two-parameter grid (each plotted variable's final mean), and an analysis hook whose JSON
//! goes into the summary (none).
//!
//! ```
//! use sim_core::{Block, BoxError, Ctx, Model, NoSignals};
//! use tokensim::{Fidelity, ModelSpec, Registry};
//!
//! #[derive(Clone)]
//! struct State { x: f64 }
//! sim_core::vars!(State { x });
//! #[derive(Clone)]
//! struct Params { rate: f64 }
//! sim_core::vars!(Params { rate });
//!
//! fn grow(p: &Params, c: &Ctx<'_, State>, _: &NoSignals, n: &mut State) -> Result<(), BoxError> {
//!     n.x = c.state.x * (1.0 + p.rate);
//!     Ok(())
//! }
//! fn model() -> Model<State, Params, NoSignals> {
//!     Model::new(State { x: 1.0 }).block(Block::new().update("x", grow))
//! }
//!
//! // What a user's crate exports, and its `main.rs` hands to `tokensim::main!(register)`.
//! pub fn register(registry: &mut Registry) {
//!     registry.model(ModelSpec::new("growth", "compound growth", model, |_: Fidelity| Params { rate: 0.1 }));
//! }
//!
//! let mut registry = Registry::new();
//! register(&mut registry);
//! // The summary `tokensim run growth` would write, computed in memory.
//! let spec = registry.find_model("growth").unwrap();
//! let mut file = tokensim::ExperimentFile::for_model(spec.entry());
//! file.sim.runs = 2;
//! file.sim.timesteps = 2;
//! let summary = spec.summarize(&file)?;
//! assert!((summary.subsets[0].final_mean("x").unwrap() - 1.21).abs() < 1e-12);
//! # Ok::<(), tokensim::Error>(())
//! ```

/// The README's example, run as a doctest so that the README cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

#[cfg(feature = "builtins")]
#[cfg_attr(docsrs, doc(cfg(feature = "builtins")))]
pub mod builtins;
mod cli;
mod collect;
mod error;
mod experiment;
mod falsify;
mod frame;
mod merge;
mod model;
mod output;
mod plots;
#[cfg(feature = "python")]
mod python;
mod registry;
mod run;
mod scaffold;
mod search;
mod signals;
mod spec;
mod summary;

pub use error::Error;
pub use experiment::{
    DEFAULT_CASES, ExperimentFile, Format, GenesisValue, InvariantsSection, OutputSection,
    Overrides, RuleName, Scalar, SearchDomain, SearchSection, SimSection,
};
pub use falsify::Falsified;
pub use frame::{Column, Frame, RECYCLE_LIMIT};
pub use model::{Entry, Job, ModelEntry, SearchOptions};
#[cfg(feature = "python")]
#[cfg_attr(docsrs, doc(cfg(feature = "python")))]
pub use python::{RunResult, Simulations, TokensimError, add_simulations, numpy, pyo3};
pub use registry::{NamedExperiment, Registry};
pub use run::memory::{InMemory, MemoryRun};
pub use sim_core::Fidelity;
pub use spec::{AnalysisFn, Finished, ModelSpec};
pub use summary::{FailureSummary, InvariantSummary, ShardInfo, Stats, SubsetSummary, Summary};
