//! sim-core's one error type, and the boxed error that model functions return.

use crate::vars::VarError;

/// What a policy or state update function returns on failure: any error, boxed.
///
/// Model code uses `?` on its own error types; the engine records the message and ends only
/// that run (see [`RunFailure`](crate::RunFailure)).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why an experiment could not be set up or its records not written.
///
/// A failing *run* is not an `EngineError`: it ends that run only and is listed in the
/// [`Outcome`](crate::Outcome).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// A sweep's lists have lengths that the sweep rule does not accept.
    #[error(
        "parameter `{param}` has {len} values where the sweep has {expected} subsets; lists must be of equal length or of length 1"
    )]
    SweepLength {
        /// The offending parameter.
        param: String,
        /// Its number of values.
        len: usize,
        /// The number of subsets implied by the other lists.
        expected: usize,
    },
    /// A swept parameter has no values.
    #[error("parameter `{param}` has an empty list of values")]
    EmptySweep {
        /// The offending parameter.
        param: String,
    },
    /// A parameter is swept twice.
    #[error("parameter `{param}` appears twice in the sweep")]
    DuplicateParam {
        /// The offending parameter.
        param: String,
    },
    /// A genesis variable or a parameter could not be set by name.
    #[error(transparent)]
    Var(#[from] VarError),
    /// A shard that does not exist (`index ≥ count`, or `count = 0`).
    #[error(
        "shard {index}/{count} does not exist: the index must be below the count, and the count at least 1"
    )]
    Shard {
        /// The shard's index, from 0.
        index: usize,
        /// The number of shards.
        count: usize,
    },
    /// Sharding an experiment whose runs share one numpy stream (`RngKind::NumpyShared`).
    #[error("runs that share one random stream (numpy single-process) cannot be sharded")]
    ShardSharedStream,
    /// A fidelity name that is neither `corrected` nor `faithful`
    /// ([`Fidelity`](crate::Fidelity)'s `FromStr`).
    #[error("unknown fidelity `{given}` (expected `corrected` or `faithful`)")]
    UnknownFidelity {
        /// The name given.
        given: String,
    },
    /// An invariant check setting that is not `substep`, `timestep` or `off`
    /// ([`InvariantCheck`](crate::InvariantCheck)'s `FromStr`).
    #[error("unknown invariant check `{given}` (expected `substep`, `timestep` or `off`)")]
    UnknownInvariantCheck {
        /// The word given.
        given: String,
    },
    /// An experiment asked to check an invariant the model does not declare
    /// ([`Experiment::only_invariants`](crate::Experiment::only_invariants)).
    #[error("the model has no invariant `{name}` (invariants: {known})")]
    UnknownInvariant {
        /// The name given.
        name: String,
        /// The model's invariants, comma-separated (`none` when it has none).
        known: String,
    },
    /// A search for a counterexample that cannot run (its space, or a model that refuses
    /// almost every point of it).
    #[error("search: {reason}")]
    Search {
        /// What is wrong.
        reason: String,
    },
    /// Two of a model's invariants share a name.
    #[error("the model declares invariant `{name}` twice")]
    DuplicateInvariant {
        /// The name.
        name: String,
    },
    /// A genesis sweep whose number of states is not the number of subsets.
    #[error("a genesis sweep gives {states} genesis states for {subsets} parameter subsets")]
    GenesisCount {
        /// The genesis states given.
        states: usize,
        /// The parameter subsets.
        subsets: usize,
    },
    /// The model has no partial state update blocks.
    #[error("the model has no partial state update blocks")]
    NoBlocks,
    /// The experiment has no subsets (an empty parameter list).
    #[error("the experiment has no subsets")]
    NoSubsets,
    /// `runs` or `timesteps` is zero.
    #[error("{what} must be at least 1, got {got}")]
    Zero {
        /// Which setting.
        what: &'static str,
        /// The value given.
        got: usize,
    },
    /// More worker threads than [`MAX_THREADS`](crate::MAX_THREADS).
    #[error("{got} threads is more than the {max} an experiment may use")]
    TooManyThreads {
        /// The number asked for.
        got: usize,
        /// The most accepted.
        max: usize,
    },
    /// An experiment too large to run on this machine, refused before anything ran.
    #[error("the experiment is too large: {what}")]
    TooLarge {
        /// What is too large, with its size and the limit.
        what: String,
    },
    /// The model's checks ([`Model::validate`](crate::Model::validate)) refused a subset's
    /// parameters or the genesis state.
    #[error("subset {subset}: {reason}")]
    Invalid {
        /// The subset refused, from 0.
        subset: usize,
        /// The check's error (its message is this error's; it is not repeated as a source).
        reason: BoxError,
    },
    /// The experiment was cancelled ([`Hooks::cancelled`](crate::Hooks::cancelled)).
    #[error("the experiment was cancelled")]
    Cancelled,
    /// The thread pool could not be built.
    #[error("cannot start the thread pool: {0}")]
    ThreadPool(String),
    /// The sink could not write.
    #[error("cannot write records: {0}")]
    Sink(#[from] SinkError),
}

/// Why a sink could not write.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SinkError {
    /// An I/O error.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The Parquet writer failed.
    #[cfg(feature = "parquet")]
    #[cfg_attr(docsrs, doc(cfg(feature = "parquet")))]
    #[error(transparent)]
    Parquet(#[from] parquet::errors::ParquetError),
    /// A second experiment given to a sink whose records have other columns (their names and
    /// order differ): the file would hold two tables.
    #[error(
        "the sink already holds records with the columns {expected}; an experiment with the columns {got} needs a sink of its own"
    )]
    OtherColumns {
        /// The columns the sink holds, comma-separated.
        expected: String,
        /// The new experiment's, comma-separated.
        got: String,
    },
    /// A second experiment given to a Parquet sink after the first finished: its file is
    /// complete (its footer written).
    #[error(
        "the Parquet file is complete (the first experiment finished it); write the next experiment to a sink of its own"
    )]
    Finished,
    /// A column changed type within a file (Parquet columns have one type).
    #[error("column `{column}` holds {expected} values but got a {got} value")]
    ColumnType {
        /// The column.
        column: String,
        /// Its type, fixed by its first value.
        expected: &'static str,
        /// The type of the value that did not fit.
        got: &'static str,
    },
}
