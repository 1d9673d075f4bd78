//! An experiment run into memory: the records as a [`Frame`] and the summary, through the same
//! job, engine, collector and summary as `tokensim run`, without a file. What the Python
//! package's `run` calls (for the built-in models and a user's alike).

use std::time::Instant;

use sim_core::Hooks;

use crate::error::Error;
use crate::experiment::ExperimentFile;
use crate::frame::{Frame, FrameSink};
use crate::spec::ModelSpec;
use crate::summary::Summary;

use super::{finish, records};

/// How to run an experiment into memory, beyond its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryRun {
    /// Worker threads, 0 for all cores. The records do not depend on it.
    pub threads: usize,
    /// End a run whose state becomes NaN or infinite, naming the variable (on by default).
    pub check_finite: bool,
    /// The most memory the records may take, in bytes (default: this machine's memory, as
    /// [`sim_core::default_memory_limit`] gives it). A run past it fails and returns nothing.
    pub memory_limit: u64,
}

impl Default for MemoryRun {
    fn default() -> Self {
        Self {
            threads: 0,
            check_finite: true,
            memory_limit: sim_core::default_memory_limit(),
        }
    }
}

/// An experiment run into memory: its records, in the file's layout, and its summary (what
/// `summary.json` would hold; the failed runs are in [`Summary::failures`]).
#[derive(Debug, Clone)]
pub struct InMemory {
    /// Every record, column by column.
    pub records: Frame,
    /// The summary, with the analysis hook's results.
    pub summary: Summary,
}

impl ModelSpec {
    /// Runs `file` into memory: every record, in the file's `layout`, and the summary. The
    /// records are those `tokensim run` writes for the same file, value for value. `hooks`
    /// see the progress and may cancel; a cancelled run returns what completed.
    ///
    /// # Errors
    /// The experiment does not fit the model, the engine refuses it, or its records would pass
    /// `options.memory_limit`.
    pub fn run_in_memory(
        &self,
        file: &ExperimentFile,
        options: &MemoryRun,
        hooks: &dyn Hooks,
    ) -> Result<InMemory, Error> {
        let model = self.entry();
        let mut job = file.job(model)?;
        job.threads = options.threads;
        job.check_finite = options.check_finite;
        let subsets = model.subsets(&job)?;
        super::checks::memory(model, &job, subsets.len(), 0)?;
        let runs = sim_core::shard_pairs(subsets.len(), job.runs, job.shard.0, job.shard.1).len();
        let mut sink = FrameSink::new(file.output.layout, runs, options.memory_limit);
        let started = Instant::now();
        let (outcome, collected) = records::collect_run(model, &job, &mut sink, hooks, Vec::new())?;
        let cx = finish::Context {
            name: &file.model,
            spec: self,
            file,
            job: &job,
            subsets: &subsets,
        };
        let summary = finish::summary(
            &cx,
            (&outcome).into(),
            &collected,
            started.elapsed().as_secs_f64(),
        );
        Ok(InMemory {
            records: sink.into_frame(),
            summary,
        })
    }
}
