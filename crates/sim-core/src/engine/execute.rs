//! One run of an experiment: every timestep, every block, the states kept in record order;
//! then its records, either formatted on the worker by the sink's encoder or written row by
//! row.

use super::{Experiment, MAX_RESERVE};
use crate::block::Ctx;
use crate::error::EngineError;
use crate::history::History;
use crate::invariant::{Check, InvariantCheck};
use crate::outcome::{RunError, RunFailure};
use crate::panic::{PanicInfo, catch};
use crate::rng::SimRng;
use crate::signals::Signals;
use crate::sink::{EncodedRun, RowEncoder, RowMeta, Sink, Slot};
use crate::value::Value;
use crate::vars::Vars;

/// Pushes a copy of the last state, in its own slot of `states`, and returns it (to be
/// written by the block where it stays: no copy after, and no store-forwarding stall from
/// reading back fields just written) with the states before it and the last of those. `None`
/// only for an empty `states`.
fn push_copy<S: Clone>(states: &mut Vec<S>) -> Option<(&mut S, &[S], &S)> {
    let last = states.len().checked_sub(1)?;
    states.extend_from_within(last..);
    let (next, done) = states.split_last_mut()?;
    let state = done.last()?;
    Some((next, done, state))
}

/// [`RunError::NonFinite`] for the first variable of `state` that is NaN or infinite.
fn non_finite<S: Vars>(state: &S) -> Option<RunError> {
    let (i, v) = state.first_non_finite()?;
    Some(RunError::NonFinite {
        variable: S::NAMES.get(i).copied().unwrap_or("?"),
        value: v.as_f64(),
    })
}

/// One run's result: its states in record order, its failure if it ended early, and its
/// records formatted on the worker when the sink has an encoder.
pub(super) struct RunOutput<S> {
    pub(super) subset: usize,
    pub(super) run: usize,
    pub(super) states: Vec<S>,
    pub(super) failure: Option<RunFailure>,
    /// The records as the sink's encoder formatted them on the worker.
    pub(super) encoded: Option<Encoded>,
}

/// One run's records, done on the worker: record `i` has index `metas[i]` and is the run's
/// state number `states[i]`; where its bytes are, `laid` says.
pub(super) struct Encoded {
    laid: Laid,
    metas: Vec<RowMeta>,
    states: Vec<usize>,
}

/// Where a run's records went on the worker.
enum Laid {
    /// Formatted by the sink's encoder: record `i` is `bytes[ends[i - 1]..ends[i]]`, or, when
    /// `ends` is `None`, the encoder laid the bytes out otherwise than record after record.
    Bytes {
        bytes: Vec<u8>,
        ends: Option<Vec<usize>>,
    },
    /// Written in the sink's word columns.
    InPlace,
}

impl Encoded {
    /// The number of records.
    pub(super) fn len(&self) -> usize {
        self.metas.len()
    }
}

impl<S, P, G> Experiment<'_, S, P, G>
where
    S: Vars,
    P: Vars,
    G: Signals,
{
    /// One run: every timestep, every block; the states in record order.
    pub(super) fn execute(&self, subset: usize, run: usize, rng: &mut SimRng) -> RunOutput<S> {
        self.hooks.before_run(subset, run);
        let params = &self.subsets[subset];
        let blocks = &self.model.blocks;
        let n_blocks = blocks.len();
        // The run's records; reserved up front (bounded, so a huge `T` cannot ask for it all
        // at once), so that substeps do not reallocate.
        let mut states = Vec::with_capacity(self.rows_per_run().min(MAX_RESERVE));
        states.push(self.genesis_of(subset).clone());
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
                    // `states` always holds genesis, so this never returns; it is written
                    // without indexing so that the loop has no panicking path.
                    let Some((next, done, state)) = push_copy(&mut states) else {
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
                        error = non_finite(next);
                    }
                    if let Some(error) = error {
                        // The failed substep's state is not a record.
                        states.pop();
                        failure = Some((timestep, substep, error));
                        return;
                    }
                    let check_now = match self.invariant_check {
                        InvariantCheck::Substep => true,
                        InvariantCheck::Timestep => substep == n_blocks,
                        InvariantCheck::Off => false,
                    };
                    if check_now
                        && !self.model.invariants.sets.is_empty()
                        && let Some(error) =
                            self.violation(params, &states, (timestep, substep), completed)
                    {
                        // The violating state stays: it is the run's last record.
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

    /// [`RunError::Invariant`] for the first enabled invariant that the last of `states`
    /// violates, at `(timestep, substep)`; `completed` states end the previous timestep.
    #[inline]
    fn violation(
        &self,
        params: &P,
        states: &[S],
        (timestep, substep): (usize, usize),
        completed: usize,
    ) -> Option<RunError> {
        let (state, done) = states.split_last()?;
        let before = match self.invariant_check {
            InvariantCheck::Timestep => done.get(completed.checked_sub(1)?)?,
            _ => done.last()?,
        };
        let check = Check {
            before,
            state,
            timestep,
            substep,
        };
        let v = self
            .model
            .invariants
            .check(params, &check, &self.enabled_invariants)
            .err()?;
        Some(RunError::Invariant {
            name: v.name,
            message: v.message,
            state: S::NAMES.iter().copied().zip(state.values()).collect(),
        })
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

    /// A run's records: their indexes, their states' positions in the run, and their states
    /// as `write` writes them, record after record.
    fn indexed<T>(
        &self,
        out: &RunOutput<S>,
        write: fn(&S, &mut Vec<T>),
    ) -> (Vec<RowMeta>, Vec<usize>, Vec<T>) {
        let n = out.states.len();
        let (mut metas, mut states) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let mut cells = Vec::with_capacity(n * S::NAMES.len());
        for (i, meta, state) in self.records(out) {
            metas.push(meta);
            states.push(i);
            write(state, &mut cells);
        }
        (metas, states, cells)
    }

    /// One run's records through the sink's encoder (on the worker that computed it).
    pub(super) fn encode(
        &self,
        out: &RunOutput<S>,
        params: &[Value],
        encoder: &dyn RowEncoder,
    ) -> Encoded {
        let param_bytes = encoder.encode_params(params);
        let (metas, states, values) = self.indexed(out, S::write_values);
        let mut bytes = Vec::new();
        let ends = encoder.encode_run(&metas, &values, &param_bytes, &mut bytes);
        Encoded {
            laid: Laid::Bytes { bytes, ends },
            metas,
            states,
        }
    }

    /// Writes one run's records in its room in the sink's word columns (on the worker that
    /// computed it).
    pub(super) fn place(
        &self,
        out: &RunOutput<S>,
        params: &[Value],
        mut slot: Slot<'_>,
    ) -> Encoded {
        let (metas, states, words) = self.indexed(out, S::write_words);
        slot.fill(&metas, &words, params);
        Encoded {
            laid: Laid::InPlace,
            metas,
            states,
        }
    }

    /// Writes one run's records; returns how many.
    pub(super) fn emit(
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
            sink.encoded_run(&match &enc.laid {
                Laid::InPlace => EncodedRun::in_place(&enc.metas, params, &values),
                Laid::Bytes { bytes, ends } => EncodedRun::new(
                    &enc.metas,
                    (ends.as_deref().unwrap_or_default(), bytes, ends.is_none()),
                    params,
                    &values,
                ),
            })?;
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
