//! Hooks around the experiment, each subset and each run, and progress reports.
//!
//! radCAD calls hooks before and after the experiment, each subset and each run; a CLI draws a
//! progress bar from "runs done out of total". Every method has an empty default.

use crate::outcome::Outcome;

/// Callbacks the engine makes while an experiment runs.
///
/// Every hook is called in record order except the run hooks. `before_subset` is called just
/// before the subset's first run is started (on the thread that dispatches work to the pool
/// when there is one); `after_subset`, [`progress`](Self::progress) and the experiment hooks
/// are called on the calling thread, after the records concerned were written. Run hooks are
/// called on the thread that executes the run, just before and just after it, so hooks must
/// be `Sync` and should be quick.
pub trait Hooks: Sync {
    /// Before anything runs: the number of subsets and of runs per subset.
    fn before_experiment(&self, _subsets: usize, _runs: usize) {}
    /// After the last record was written.
    fn after_experiment(&self, _outcome: &Outcome) {}
    /// Before the first run of a subset is started.
    fn before_subset(&self, _subset: usize) {}
    /// After the last record of a subset was written.
    fn after_subset(&self, _subset: usize) {}
    /// Before a run starts (on its worker thread).
    fn before_run(&self, _subset: usize, _run: usize) {}
    /// After a run ends, `ok` false when it failed (on its worker thread).
    fn after_run(&self, _subset: usize, _run: usize, _ok: bool) {}
    /// After each run's records were written: runs done out of the total.
    fn progress(&self, _done: usize, _total: usize) {}
    /// Whether to stop (a Ctrl-C, a deadline). Polled before each window of runs and every 256
    /// timesteps of a run, on any thread; once it returns `true` no run goes on, and
    /// [`Experiment::run`](crate::Experiment::run) returns
    /// [`EngineError::Cancelled`](crate::EngineError::Cancelled) without finishing the sink.
    fn cancelled(&self) -> bool {
        false
    }
}

/// No hooks.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHooks;

impl Hooks for NoHooks {}
