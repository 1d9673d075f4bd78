//! Records written in place: a sink that keeps its records in memory as columns of 64-bit
//! words asks the engine to write them there ([`Sink::word_columns`](super::Sink::word_columns)).
//! The columns are reserved for the whole experiment up front, in new memory or in buffers the
//! sink recycles from an earlier experiment ([`Sink::recycled_words`](super::Sink::recycled_words)).
//! Before each window of runs, new memory grows by the window's room (zeroed, the columns in
//! parallel, so that the room is in the cache when the runs write it; a recycled buffer is
//! written over as it is), and each run writes its records into its own stretch of each
//! column on the worker that computed it; after the window, the room that runs which ended
//! early left empty is closed up. Nothing is copied after: a notebook's DataFrame takes the
//! columns as they are.

use std::slice::ChunksMut;

use rayon::prelude::*;

use super::RowMeta;
use crate::value::Value;

/// Where a word column's values come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WordSource {
    /// The index column [`INDEX_COLUMNS`](super::INDEX_COLUMNS)`[k]`, as an integer.
    Index(usize),
    /// The state variable `k`, in the header's order.
    State(usize),
    /// The parameter `k`, in the header's order.
    Param(usize),
}

/// Every record of an experiment, as columns of 64-bit words ([`Value::to_word`]), one per
/// [`WordSource`] a sink asked for ([`Sink::word_columns`](super::Sink::word_columns)), in
/// record order; each column has room for `runs` runs of at most `rows` records from the
/// start. The engine fills it and gives it to the sink
/// ([`Sink::filled_columns`](super::Sink::filled_columns)).
///
/// ```
/// use sim_core::sink::{WordColumns, WordSource};
/// use sim_core::{Block, BoxError, Ctx, Experiment, Header, NoSignals, Model, RowMeta, Sink, SinkError, Value};
///
/// #[derive(Clone)]
/// struct State { count: f64 }
/// sim_core::vars!(State { count });
/// #[derive(Clone)]
/// struct Params { step: i64 }
/// sim_core::vars!(Params { step });
/// fn add(p: &Params, c: &Ctx<'_, State>, _: &NoSignals, n: &mut State) -> Result<(), BoxError> {
///     n.count = c.state.count + p.step as f64;
///     Ok(())
/// }
/// let model = Model::new(State { count: 0.0 }).block(Block::new().update("count", add));
///
/// /// Keeps the timestep and the count, written in place by the engine.
/// #[derive(Default)]
/// struct Columns(Vec<Vec<u64>>);
/// impl Sink for Columns {
///     fn begin(&mut self, _: &Header) -> Result<(), SinkError> { Ok(()) }
///     fn row(&mut self, _: &RowMeta, _: &[Value], _: &[Value]) -> Result<(), SinkError> {
///         unreachable!("every record is written in place here")
///     }
///     fn word_columns(&mut self, _runs: usize, _rows: usize) -> Option<Vec<WordSource>> {
///         Some(vec![WordSource::Index(4), WordSource::State(0)])
///     }
///     fn filled_columns(&mut self, columns: WordColumns) -> Result<(), SinkError> {
///         assert_eq!(columns.lengths(), [3, 3]);
///         self.0 = columns.into_columns();
///         Ok(())
///     }
///     fn finish(&mut self) -> Result<(), SinkError> { Ok(()) }
/// }
///
/// let mut sink = Columns::default();
/// Experiment::new(&model, vec![Params { step: 2 }]).runs(2).timesteps(2).threads(2).run(&mut sink)?;
/// assert_eq!(sink.0[0], [0, 1, 2, 0, 1, 2]);
/// assert_eq!(sink.0[1], [0.0, 2.0, 4.0, 0.0, 2.0, 4.0].map(f64::to_bits));
/// # Ok::<(), sim_core::EngineError>(())
/// ```
#[derive(Debug)]
pub struct WordColumns {
    sources: Vec<WordSource>,
    columns: Vec<Vec<u64>>,
    /// The most records a run writes.
    rows: usize,
    /// The records written so far: every column's words before it. A recycled column is
    /// longer; what it holds past `end` is an earlier experiment's, written over or cut off.
    end: usize,
    /// Where the open window starts in every column.
    window_start: usize,
    /// Each run's records, in the experiment's order.
    lengths: Vec<usize>,
}

impl WordColumns {
    /// Empty columns, one per source, each with room for `runs` runs of at most `rows`
    /// records: for each, the first of `recycled` with that room (the rest are freed), else
    /// new memory; `None` when that room cannot be had (more than the address space, or the
    /// allocator refuses).
    pub(crate) fn new(
        sources: Vec<WordSource>,
        runs: usize,
        rows: usize,
        mut recycled: Vec<Vec<u64>>,
    ) -> Option<Self> {
        let words = runs.checked_mul(rows)?;
        let mut columns = Vec::with_capacity(sources.len());
        for _ in &sources {
            let column = match recycled.iter().position(|b| b.capacity() >= words) {
                Some(i) => recycled.swap_remove(i),
                None => {
                    let mut column = Vec::new();
                    column.try_reserve_exact(words).ok()?;
                    column
                }
            };
            columns.push(column);
        }
        Some(Self {
            sources,
            columns,
            rows,
            end: 0,
            window_start: 0,
            lengths: Vec::with_capacity(runs),
        })
    }

    /// Each column's source, in the sink's order.
    #[must_use]
    pub fn sources(&self) -> &[WordSource] {
        &self.sources
    }

    /// How many records each run wrote, in the experiment's order.
    #[must_use]
    pub fn lengths(&self) -> &[usize] {
        &self.lengths
    }

    /// The columns, in the sink's order, each run's records after the previous run's.
    #[must_use]
    pub fn into_columns(self) -> Vec<Vec<u64>> {
        let end = self.end;
        let mut columns = self.columns;
        for column in &mut columns {
            column.truncate(end);
        }
        columns
    }

    /// Room for the next `n` runs, one stretch of `rows` words per run in each column: new
    /// memory zeroed (the columns in parallel on `pool`, when there is one), a recycled
    /// column's words as they are (each run writes over every word of its records).
    pub(crate) fn window(&mut self, n: usize, pool: Option<&rayon::ThreadPool>) -> Vec<Slot<'_>> {
        let start = self.end;
        self.window_start = start;
        let end = start.saturating_add(n.saturating_mul(self.rows));
        // New memory grows, zeroed; a recycled column long enough is written over as it is.
        let grow = |column: &mut Vec<u64>| {
            if column.len() < end {
                column.resize(end, 0);
            }
        };
        match pool {
            Some(pool) => pool.install(|| self.columns.par_iter_mut().for_each(grow)),
            None => self.columns.iter_mut().for_each(grow),
        }
        self.end = end;
        let rows = self.rows.max(1);
        let mut stretches: Vec<ChunksMut<'_, u64>> = self
            .columns
            .iter_mut()
            .map(|c| c.get_mut(start..end).unwrap_or_default().chunks_mut(rows))
            .collect();
        let sources = &self.sources;
        (0..n)
            .map(|_| Slot {
                sources,
                columns: stretches.iter_mut().filter_map(Iterator::next).collect(),
            })
            .collect()
    }

    /// Closes the window: its runs wrote `lengths` records each, in order; the room that runs
    /// which ended early left empty is taken out.
    pub(crate) fn close_window(&mut self, lengths: &[usize]) {
        let (start, rows) = (self.window_start, self.rows);
        if lengths.iter().any(|&n| n < rows) {
            for column in &mut self.columns {
                let mut to = start;
                for (j, &n) in lengths.iter().enumerate() {
                    let from = start + j * rows;
                    let n = n.min(rows);
                    column.copy_within(from..from + n, to);
                    to += n;
                }
            }
            // What is left past `end` is written over by the next window or cut off.
            self.end = start + lengths.iter().map(|&n| n.min(rows)).sum::<usize>();
        }
        self.lengths.extend_from_slice(lengths);
    }
}

/// One run's room: a stretch of each column.
pub(crate) struct Slot<'a> {
    sources: &'a [WordSource],
    columns: Vec<&'a mut [u64]>,
}

impl Slot<'_> {
    /// Writes a run's records, column after column: their indexes `metas`, their states as
    /// words `states` (record after record, `states.len() / metas.len()` each, in the
    /// header's order), their subset's parameters `params`. Records past the room are not
    /// written.
    pub(crate) fn fill(&mut self, metas: &[RowMeta], states: &[u64], params: &[Value]) {
        let width = states.len().checked_div(metas.len()).unwrap_or(0).max(1);
        for (column, source) in self.columns.iter_mut().zip(self.sources) {
            match *source {
                WordSource::Index(k) => {
                    for (cell, meta) in column.iter_mut().zip(metas) {
                        *cell = meta.index().get(k).map_or(0, |&i| i as u64);
                    }
                }
                WordSource::State(k) => {
                    let words = states.get(k..).unwrap_or_default().iter().step_by(width);
                    for (cell, word) in column.iter_mut().zip(words) {
                        *cell = *word;
                    }
                }
                WordSource::Param(k) => {
                    let word = params.get(k).map_or(0, Value::to_word);
                    let n = metas.len().min(column.len());
                    column.get_mut(..n).unwrap_or_default().fill(word);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(run: usize, timestep: usize) -> RowMeta {
        RowMeta {
            simulation: 0,
            subset: 0,
            run,
            substep: usize::from(timestep > 0),
            timestep,
        }
    }

    /// Runs of 3, 1 and 2 records of two variables, `[true, -t]` at timestep `t`, in two
    /// windows.
    fn filled(pool: Option<&rayon::ThreadPool>, recycled: Vec<Vec<u64>>) -> WordColumns {
        let sources = vec![
            WordSource::Index(4),
            WordSource::State(1),
            WordSource::Param(0),
        ];
        let mut columns = WordColumns::new(sources, 3, 3, recycled).unwrap();
        let params = [Value::F64(0.5)];
        for window in [&[3][..], &[1, 2]] {
            let mut slots = columns.window(window.len(), pool);
            for (slot, &n) in slots.iter_mut().zip(window) {
                // The first run gives a fourth record, past its room: not written.
                let given = if n == 3 { 4 } else { n };
                let metas: Vec<_> = (0..given).map(|t| meta(1, t)).collect();
                let states: Vec<_> = (0..given)
                    .flat_map(|t| {
                        let t = i64::try_from(t).unwrap();
                        [Value::Bool(true), Value::I64(-t)].map(|v| v.to_word())
                    })
                    .collect();
                slot.fill(&metas, &states, &params);
            }
            drop(slots);
            columns.close_window(window);
        }
        columns
    }

    #[test]
    fn runs_follow_each_other_whatever_their_length() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        for pool in [None, Some(&pool)] {
            let columns = filled(pool, Vec::new());
            assert_eq!(columns.lengths(), [3, 1, 2]);
            let columns = columns.into_columns();
            assert_eq!(columns[0], vec![0, 1, 2, 0, 0, 1]);
            assert_eq!(
                columns[1],
                [0, -1, -2, 0, 0, -1].map(|i: i64| i.cast_unsigned())
            );
            assert_eq!(columns[2], vec![0.5f64.to_bits(); 6]);
            // The room for all was there from the start.
            assert!(columns.iter().all(|c| c.capacity() == 9));
        }
    }

    #[test]
    fn recycled_buffers_are_written_over_and_give_the_same_columns() {
        let fresh = filled(None, Vec::new()).into_columns();
        // Two buffers with room for the experiment's 9 words (holding 12 and 9 old words), one
        // without (4): the two are taken and written over; the third column is new memory.
        let recycled = vec![vec![7; 4], vec![u64::MAX; 12], vec![9; 9]];
        let ptrs: Vec<_> = recycled.iter().map(Vec::as_ptr).collect();
        let columns = filled(None, recycled).into_columns();
        assert_eq!(columns, fresh);
        let mut reused: Vec<_> = columns.iter().map(Vec::as_ptr).collect();
        reused.sort_unstable();
        let mut expected = [ptrs[1], ptrs[2]];
        expected.sort_unstable();
        assert!(expected.iter().all(|p| reused.binary_search(p).is_ok()));
        assert!(reused.iter().all(|p| *p != ptrs[0]));
    }

    #[test]
    fn room_that_cannot_be_had_is_none() {
        let none = Vec::new;
        assert!(WordColumns::new(vec![WordSource::State(0)], usize::MAX, 2, none()).is_none());
        assert!(WordColumns::new(vec![WordSource::State(0)], usize::MAX / 8, 2, none()).is_none());
        assert!(WordColumns::new(vec![WordSource::State(0)], 1 << 40, 1 << 20, none()).is_none());
    }
}
