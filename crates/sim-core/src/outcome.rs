//! What an experiment did: the [`Outcome`], and each run that ended early ([`RunFailure`],
//! [`RunError`]).

#[cfg(doc)]
use crate::engine::Experiment;
use crate::error::BoxError;
use crate::value::Value;

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

impl RunFailure {
    /// The invariant this run violated, when that is why it ended.
    #[must_use]
    pub fn invariant(&self) -> Option<&'static str> {
        match &self.error {
            RunError::Invariant { name, .. } => Some(name),
            _ => None,
        }
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
    /// One of the model's invariants ([`Model::invariant`](crate::Model::invariant)) does not
    /// hold after the substep. The violating state is the run's last record.
    #[error("invariant `{name}` violated: {message} ({})", describe(state))]
    Invariant {
        /// The invariant.
        name: &'static str,
        /// What it said: the values involved.
        message: String,
        /// The violating state, every variable by name.
        state: Vec<(&'static str, Value)>,
    },
}

/// `a = 1, b = 2`.
fn describe(state: &[(&'static str, Value)]) -> String {
    state
        .iter()
        .map(|(n, v)| format!("{n} = {v}"))
        .collect::<Vec<_>>()
        .join(", ")
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
