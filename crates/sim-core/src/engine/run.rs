//! The three executors of [`Experiment::run`]: runs one at a time on the calling thread (one
//! thread, or numpy's shared stream); windows of runs on a rayon pool while this thread writes
//! the previous window; or, when the sink takes its records in place
//! ([`Sink::word_columns`]), windows of runs on the pool, each run writing its records into
//! the sink's columns itself, while this thread writes the rest of the previous window. All
//! write the same records in the same order.

use std::sync::Arc;

use rayon::prelude::*;

use super::Experiment;
use super::execute::RunOutput;
use crate::error::EngineError;
use crate::outcome::Outcome;
use crate::rng::{RngKind, SimRng};
use crate::shard::ShardPairs;
use crate::signals::Signals;
use crate::sink::{Header, RowEncoder, Sink, Slot, WordColumns};
use crate::value::Value;
use crate::vars::Vars;

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

/// How many records each of a window's runs wrote in its room.
fn lengths<S>(outputs: &[RunOutput<S>]) -> Vec<usize> {
    outputs
        .iter()
        .map(|out| out.encoded.as_ref().map_or(0, |e| e.len()))
        .collect()
}

/// What the writing thread keeps: the sink, the outcome so far, and how many runs are done.
struct Writer<'w> {
    sink: &'w mut dyn Sink,
    jobs: &'w ShardPairs,
    params: &'w [Vec<Value>],
    outcome: Outcome,
    scratch: Vec<Value>,
    done: usize,
}

impl<S, P, G> Experiment<'_, S, P, G>
where
    S: Vars,
    P: Vars,
    G: Signals,
{
    /// Runs the experiment, writing every record to `sink` in cadCAD's order.
    ///
    /// # Errors
    ///
    /// [`EngineError`] when the experiment cannot start ([`check`](Self::check)'s reasons,
    /// or no thread pool), when it is cancelled ([`Hooks::cancelled`](crate::Hooks::cancelled)),
    /// or when the sink fails. A failing run is not an error: see [`Outcome::failures`].
    pub fn run(&self, sink: &mut dyn Sink) -> Result<Outcome, EngineError> {
        let threads = self.check()?;
        let jobs = self.jobs();
        let params: Vec<Vec<Value>> = (0..self.subsets.len())
            .map(|s| self.param_values(s))
            .collect();
        self.hooks.before_experiment(self.subsets.len(), self.runs);
        sink.begin(&self.header())?;
        let pool = self.pool(threads)?;
        // Records written in place when the sink gives room; else, with a pool, the sink's
        // formatting (if it has an encoder) runs on the workers.
        let rows = self.records_per_run();
        let mut room = sink
            .word_columns(jobs.len(), rows)
            .and_then(|sources| WordColumns::new(sources, jobs.len(), rows, sink.recycled_words()));
        let encoder = match (&pool, &room) {
            (Some(_), None) => sink.encoder(),
            _ => None,
        };
        let window = self.window(threads, jobs.len());
        let mut writer = Writer {
            sink,
            jobs: &jobs,
            params: &params,
            outcome: Outcome {
                runs: jobs.len(),
                ..Outcome::default()
            },
            scratch: Vec::with_capacity(S::NAMES.len()),
            done: 0,
        };
        match (&pool, &mut room) {
            (None, room) => self.run_here(window, room.as_mut(), &mut writer)?,
            // Records written in place leave the writing thread little to do: it waits for
            // each window, without a thread to compute the next meanwhile.
            (Some(pool), Some(room)) => self.run_in_place_on(pool, window, room, &mut writer)?,
            (Some(pool), None) => self.run_on(pool, encoder.as_deref(), window, &mut writer)?,
        }
        if self.hooks.cancelled() {
            return Err(EngineError::Cancelled);
        }
        if let Some(room) = room {
            writer.sink.filled_columns(room)?;
        }
        writer.sink.finish()?;
        self.hooks.after_experiment(&writer.outcome);
        Ok(writer.outcome)
    }

    /// The records' header: the state's and parameters' names, and the genesis with the first
    /// subset as an example row.
    fn header(&self) -> Header {
        let mut example = self.genesis_of(0).values();
        if !self.subsets.is_empty() {
            example.extend(self.param_values(0));
        }
        Header {
            state: S::NAMES,
            params: self.param_names(),
            example,
        }
    }

    /// A pool of `threads` workers (kept for the next experiment), or none when runs execute
    /// on the calling thread.
    fn pool(&self, threads: usize) -> Result<Option<Arc<rayon::ThreadPool>>, EngineError> {
        if self.is_sequential(threads) {
            return Ok(None);
        }
        super::pool::pool(threads).map(Some)
    }

    /// Runs on the calling thread, one at a time; numpy's shared stream runs through all of
    /// them in order, other kinds get a stream per run.
    fn run_here(
        &self,
        window: usize,
        mut room: Option<&mut WordColumns>,
        writer: &mut Writer<'_>,
    ) -> Result<(), EngineError> {
        let mut shared = SimRng::for_run(self.rng, self.seed, 0, 0);
        for (i, chunk) in windows(writer.jobs.clone(), window).enumerate() {
            if self.hooks.cancelled() {
                return Err(EngineError::Cancelled);
            }
            self.before_subsets(writer.jobs, i * window, &chunk);
            let mut slots = room
                .as_deref_mut()
                .map(|room| room.window(chunk.len(), None))
                .unwrap_or_default()
                .into_iter();
            let outputs: Vec<_> = chunk
                .iter()
                .map(|&(s, r)| {
                    let mut out = if self.rng == RngKind::NumpyShared {
                        self.execute(s, r, &mut shared)
                    } else {
                        let mut rng = SimRng::for_run(self.rng, self.seed, s, r);
                        self.execute(s, r, &mut rng)
                    };
                    self.lay(&mut out, slots.next(), None, writer.params);
                    out
                })
                .collect();
            drop(slots);
            if let Some(room) = room.as_deref_mut() {
                room.close_window(&lengths(&outputs));
            }
            self.write(writer, outputs)?;
        }
        Ok(())
    }

    /// One run on a worker: computed, then its records laid ([`lay`](Self::lay)).
    fn compute(
        &self,
        (s, r): (usize, usize),
        slot: Option<Slot<'_>>,
        encoder: Option<&dyn RowEncoder>,
        params: &[Vec<Value>],
    ) -> RunOutput<S> {
        let mut rng = SimRng::for_run(self.rng, self.seed, s, r);
        let mut out = self.execute(s, r, &mut rng);
        self.lay(&mut out, slot, encoder, params);
        out
    }

    /// A computed run's records: written in its room in the sink's word columns, if it has
    /// one, or formatted by the sink's encoder, if there is one (else the writing thread
    /// writes them row by row).
    fn lay(
        &self,
        out: &mut RunOutput<S>,
        slot: Option<Slot<'_>>,
        encoder: Option<&dyn RowEncoder>,
        params: &[Vec<Value>],
    ) {
        let params = &params[out.subset];
        if let Some(slot) = slot {
            out.encoded = Some(self.place(out, params, slot));
        } else if let Some(e) = encoder {
            out.encoded = Some(self.encode(out, params, e));
        }
    }

    /// Runs on `pool`, each run writing its records in its room in the sink's columns; this
    /// thread writes what is left of window k (the failures, the progress, a sink in front of
    /// the columns' sink) while the pool computes window k + 1.
    fn run_in_place_on(
        &self,
        pool: &rayon::ThreadPool,
        window: usize,
        room: &mut WordColumns,
        writer: &mut Writer<'_>,
    ) -> Result<(), EngineError> {
        let (jobs, params) = (writer.jobs, writer.params);
        let mut written: Option<Vec<RunOutput<S>>> = None;
        for (i, chunk) in windows(jobs.clone(), window).enumerate() {
            if self.hooks.cancelled() {
                return Err(EngineError::Cancelled);
            }
            self.before_subsets(jobs, i * window, &chunk);
            let mut computed = None;
            let mut wrote = Ok(());
            pool.in_place_scope(|scope| {
                // One hand-over to the pool a window: the room, then the runs.
                scope.spawn(|_| {
                    let slots = room.window(chunk.len(), Some(pool));
                    let outputs: Vec<_> = chunk
                        .par_iter()
                        .zip(slots)
                        .map(|(&pair, slot)| self.compute(pair, Some(slot), None, params))
                        .collect();
                    room.close_window(&lengths(&outputs));
                    computed = Some(outputs);
                });
                if let Some(outputs) = written.take() {
                    wrote = self.write(writer, outputs);
                }
            });
            wrote?;
            written = computed;
        }
        if let Some(outputs) = written {
            self.write(writer, outputs)?;
        }
        Ok(())
    }

    /// Runs on `pool`: it computes window k + 1 while this thread writes window k. One thread
    /// dispatches windows in order; the channel hands them over in order.
    fn run_on(
        &self,
        pool: &rayon::ThreadPool,
        encoder: Option<&dyn RowEncoder>,
        window: usize,
        writer: &mut Writer<'_>,
    ) -> Result<(), EngineError> {
        let (jobs, params) = (writer.jobs, writer.params);
        std::thread::scope(|scope| -> Result<(), EngineError> {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<RunOutput<S>>>(1);
            scope.spawn(move || {
                for (i, chunk) in windows(jobs.clone(), window).enumerate() {
                    if self.hooks.cancelled() {
                        break;
                    }
                    self.before_subsets(jobs, i * window, &chunk);
                    let outputs = pool.install(|| {
                        chunk
                            .par_iter()
                            .map(|&pair| self.compute(pair, None, encoder, params))
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
                self.write(writer, outputs)?;
            }
            Ok(())
        })
    }

    /// Writes a window's runs in order, with their failures, progress and subset hooks.
    fn write(&self, w: &mut Writer<'_>, outputs: Vec<RunOutput<S>>) -> Result<(), EngineError> {
        for out in outputs {
            let params = &w.params[out.subset];
            w.outcome.rows += self.emit(&out, params, &mut w.scratch, &mut *w.sink)?;
            if let Some(f) = out.failure {
                w.outcome.failures.push(f);
            }
            w.done += 1;
            self.hooks.progress(w.done, w.outcome.runs);
            // The subset's last run in this experiment (or shard).
            if w.jobs.get(w.done).is_none_or(|(s, _)| s != out.subset) {
                self.hooks.after_subset(out.subset);
            }
        }
        Ok(())
    }

    /// Calls `before_subset` for each subset whose first run in this experiment (or shard) is
    /// in `chunk`, the window starting at position `start`.
    fn before_subsets(&self, jobs: &ShardPairs, start: usize, chunk: &[(usize, usize)]) {
        for (k, &(subset, _)) in chunk.iter().enumerate() {
            let first = (start + k)
                .checked_sub(1)
                .and_then(|prev| jobs.get(prev))
                .is_none_or(|(s, _)| s != subset);
            if first {
                self.hooks.before_subset(subset);
            }
        }
    }
}
