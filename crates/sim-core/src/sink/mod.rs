//! Where records go: a [`Sink`] receives rows as the engine produces them.
//!
//! A row is cadCAD's record: `simulation, subset, run, substep, timestep`, then every state
//! variable, then (for sinks that want them, as the 1Hive results files have them) the subset's
//! parameters. Rows arrive in cadCAD's order, subset-major, then run, timestep and substep,
//! whatever the thread count, so a sink can stream them straight to disk.
//!
//! ```
//! use sim_core::{Block, BoxError, Ctx, CsvSink, Experiment, Model, SimRng};
//!
//! #[derive(Clone)]
//! struct State { count: f64 }
//! sim_core::vars!(State { count });
//! #[derive(Clone)]
//! struct Params { step: f64 }
//! sim_core::vars!(Params { step });
//!
//! fn add(p: &Params, c: &Ctx<'_, State>, _: &sim_core::NoSignals, n: &mut State) -> Result<(), BoxError> {
//!     n.count = c.state.count + p.step;
//!     Ok(())
//! }
//! let model = Model::new(State { count: 0.0 }).block(Block::new().update("count", add));
//!
//! // cadCAD's records with the parameters after the state, to any `io::Write` (a file, here a
//! // Vec; `with_layout(Layout::Cadcad)` gives cadCAD's own column order); floats
//! // are written as Python prints them.
//! let mut csv = CsvSink::new(Vec::new());
//! Experiment::new(&model, vec![Params { step: 2.0 }]).runs(1).timesteps(2).run(&mut csv)?;
//! let text = String::from_utf8(csv.into_inner()?).unwrap();
//! assert_eq!(
//!     text,
//!     "simulation,subset,run,substep,timestep,count,step\n\
//!      0,0,1,0,0,0.0,2.0\n\
//!      0,0,1,1,1,2.0,2.0\n\
//!      0,0,1,1,2,4.0,2.0\n"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod csv;
mod memory;
#[cfg(feature = "parquet")]
mod parquet;
mod words;

pub use self::csv::CsvSink;
pub use self::memory::MemorySink;
#[cfg(feature = "parquet")]
#[cfg_attr(docsrs, doc(cfg(feature = "parquet")))]
pub use self::parquet::ParquetSink;
pub(crate) use self::words::Slot;
pub use self::words::{WordColumns, WordSource};

use std::sync::Arc;

use crate::error::SinkError;
use crate::value::Value;

/// The index columns of every record, in cadCAD's order.
pub const INDEX_COLUMNS: [&str; 5] = ["simulation", "subset", "run", "substep", "timestep"];

/// The order of a record's columns in a file sink ([`CsvSink::with_layout`],
/// `ParquetSink::with_layout`).
///
/// ```
/// use sim_core::{Block, BoxError, Ctx, CsvSink, Experiment, Layout, Model, NoSignals};
/// # #[derive(Clone)] struct State { count: f64 }
/// # sim_core::vars!(State { count });
/// # #[derive(Clone)] struct Params { step: f64 }
/// # sim_core::vars!(Params { step });
/// # fn add(p: &Params, c: &Ctx<'_, State>, _: &NoSignals, n: &mut State) -> Result<(), BoxError> {
/// #     n.count = c.state.count + p.step;
/// #     Ok(())
/// # }
/// let model = Model::new(State { count: 0.0 }).block(Block::new().update("count", add));
/// // cadCAD's DataFrame: the state, then the index; no parameter columns.
/// let mut csv = CsvSink::new(Vec::new()).with_layout(Layout::Cadcad);
/// Experiment::new(&model, vec![Params { step: 2.0 }]).runs(1).timesteps(1).run(&mut csv)?;
/// let text = String::from_utf8(csv.into_inner()?).unwrap();
/// assert_eq!(
///     text,
///     "count,simulation,subset,run,substep,timestep\n\
///      0.0,0,0,1,0,0\n\
///      2.0,0,0,1,1,1\n"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Layout {
    /// tokensim's: the index columns (`simulation, subset, run, substep, timestep`), the
    /// state, then the parameters (as the 1Hive results files have them). The default.
    #[default]
    Tokensim,
    /// cadCAD's and radCAD's DataFrame: the state, then `simulation, subset, run, substep,
    /// timestep`, and no parameter columns.
    Cadcad,
}

impl Layout {
    /// Whether the index columns come first.
    #[must_use]
    pub const fn index_first(self) -> bool {
        matches!(self, Layout::Tokensim)
    }
}

/// The index of one record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RowMeta {
    /// The experiment's index in a batch of experiments (cadCAD's `simulation`), from 0.
    pub simulation: usize,
    /// The parameter subset, from 0.
    pub subset: usize,
    /// The Monte Carlo run, from 1.
    pub run: usize,
    /// The substep, from 1; 0 for the initial row.
    pub substep: usize,
    /// The timestep, from 1; 0 for the initial row.
    pub timestep: usize,
}

/// The columns of an experiment's records.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// The state variables' names, in order.
    pub state: &'static [&'static str],
    /// The parameters' names, in order (then a genesis sweep's `genesis_NAME` columns).
    pub params: Vec<&'static str>,
    /// The genesis state's values, then the first subset's parameters: the columns' types,
    /// for a sink that must declare them even when no row comes (an empty shard). Empty when
    /// unknown.
    pub example: Vec<Value>,
}

impl Header {
    /// Every column name: the index columns, the state, then the parameters.
    pub fn all(&self) -> impl Iterator<Item = &'static str> + '_ {
        INDEX_COLUMNS
            .iter()
            .copied()
            .chain(self.state.iter().copied())
            .chain(self.params.iter().copied())
    }
}

impl RowMeta {
    /// The index's values in the order of [`INDEX_COLUMNS`].
    ///
    /// ```
    /// let meta = sim_core::RowMeta { simulation: 0, subset: 2, run: 1, substep: 3, timestep: 7 };
    /// assert_eq!(meta.index(), [0, 2, 1, 3, 7]);
    /// ```
    #[must_use]
    pub const fn index(&self) -> [usize; 5] {
        [
            self.simulation,
            self.subset,
            self.run,
            self.substep,
            self.timestep,
        ]
    }
}

/// The record column of a swept genesis variable: `genesis_NAME`. Each distinct name is
/// allocated once for the life of the process (column names are `&'static str`), so repeated
/// experiments do not grow memory.
#[must_use]
pub fn genesis_column(name: &str) -> &'static str {
    use std::collections::BTreeSet;
    use std::sync::Mutex;
    static NAMES: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let column = format!("genesis_{name}");
    let mut names = NAMES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(known) = names.get(column.as_str()) {
        return known;
    }
    let leaked: &'static str = Box::leak(column.into_boxed_str());
    names.insert(leaked);
    leaked
}

/// Formats records into a sink's bytes on the engine's worker threads.
///
/// A sink whose cost is formatting (CSV) hands one out through [`Sink::encoder`]; the engine
/// then formats each run's records on the thread that computed the run, in parallel, and the
/// sink only appends each run's bytes, in record order, in [`Sink::encoded_run`]. The bytes
/// must be exactly what [`Sink::row`] would have written.
pub trait RowEncoder: Send + Sync {
    /// The bytes of a subset's parameter cells; computed once per run and passed to every
    /// [`encode_row`](Self::encode_row) of the run.
    fn encode_params(&self, params: &[Value]) -> Vec<u8>;

    /// Appends one record's bytes to `out`.
    fn encode_row(&self, meta: &RowMeta, state: &[Value], params: &[u8], out: &mut Vec<u8>);

    /// Formats a whole run, appending its bytes to `out`: the records' indexes are `metas`,
    /// their state values are `states`, record after record (`states.len() / metas.len()`
    /// values each, in the header's order), `params` is what
    /// [`encode_params`](Self::encode_params) gave. Returns the records' ends in `out`
    /// (record `i` is `out[ends[i - 1]..ends[i]]`), or `None` when the bytes are laid out
    /// otherwise than record after record (a sink that keeps columns writes each column's
    /// stretch in turn); [`EncodedRun::record_bytes`] then gives `None`. The default calls
    /// [`encode_row`](Self::encode_row) for each record.
    fn encode_run(
        &self,
        metas: &[RowMeta],
        states: &[Value],
        params: &[u8],
        out: &mut Vec<u8>,
    ) -> Option<Vec<usize>> {
        let width = states.len().checked_div(metas.len()).unwrap_or(0);
        let mut ends = Vec::with_capacity(metas.len());
        for (i, meta) in metas.iter().enumerate() {
            let state = states.get(i * width..(i + 1) * width).unwrap_or_default();
            self.encode_row(meta, state, params, out);
            ends.push(out.len());
        }
        Some(ends)
    }
}

/// One run's records as a sink's [`RowEncoder`] formatted them on a worker thread: their index,
/// their bytes, and their state values on demand (reading them costs a conversion per value,
/// so a sink that needs only the final state reads only the last record).
pub struct EncodedRun<'a> {
    metas: &'a [RowMeta],
    ends: &'a [usize],
    bytes: &'a [u8],
    params: &'a [Value],
    values: &'a dyn Fn(usize, &mut Vec<Value>),
    rearranged: bool,
    in_place: bool,
}

impl std::fmt::Debug for EncodedRun<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncodedRun")
            .field("records", &self.metas.len())
            .field("bytes", &self.bytes.len())
            .field("rearranged", &self.rearranged)
            .field("in_place", &self.in_place)
            .finish_non_exhaustive()
    }
}

impl<'a> EncodedRun<'a> {
    /// A run of `metas.len()` records; record `i` is `bytes[ends[i - 1]..ends[i]]` (unless
    /// the encoder `rearranged` them, and `ends` is empty) and `values(i, out)` replaces `out` with its state
    /// values. The engine checks that `metas` and `ends` have the same length and that `ends`
    /// rises to `bytes.len()`.
    pub(crate) fn new(
        metas: &'a [RowMeta],
        (ends, bytes, rearranged): (&'a [usize], &'a [u8], bool),
        params: &'a [Value],
        values: &'a dyn Fn(usize, &mut Vec<Value>),
    ) -> Self {
        debug_assert!(rearranged || metas.len() == ends.len());
        debug_assert!(rearranged || ends.last().copied().unwrap_or(0) == bytes.len());
        Self {
            metas,
            ends,
            bytes,
            params,
            values,
            rearranged,
            in_place: false,
        }
    }

    /// A run of `metas.len()` records that the engine writes in the sink's [`WordColumns`]:
    /// no bytes.
    pub(crate) fn in_place(
        metas: &'a [RowMeta],
        params: &'a [Value],
        values: &'a dyn Fn(usize, &mut Vec<Value>),
    ) -> Self {
        Self {
            metas,
            ends: &[],
            bytes: &[],
            params,
            values,
            rearranged: true,
            in_place: true,
        }
    }

    /// Whether the records go in place, in the sink's [`word_columns`](Sink::word_columns)
    /// (then [`bytes`](Self::bytes) is empty).
    #[must_use]
    pub fn is_in_place(&self) -> bool {
        self.in_place
    }

    /// The number of records.
    #[must_use]
    pub fn len(&self) -> usize {
        self.metas.len()
    }

    /// Whether the run has no records (never, from the engine: a run writes its genesis row).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.metas.is_empty()
    }

    /// Record `i`'s index, or `None` past the end.
    #[must_use]
    pub fn meta(&self, i: usize) -> Option<RowMeta> {
        self.metas.get(i).copied()
    }

    /// Every record's bytes: in record order, or as the encoder's
    /// [`encode_run`](RowEncoder::encode_run) laid them out.
    #[must_use]
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Whether the encoder's [`encode_run`](RowEncoder::encode_run) laid the bytes out
    /// otherwise than record after record.
    #[must_use]
    pub fn rearranged(&self) -> bool {
        self.rearranged
    }

    /// Record `i`'s bytes, or `None` past the end or when the bytes were
    /// [`rearranged`](Self::rearranged).
    #[must_use]
    pub fn record_bytes(&self, i: usize) -> Option<&'a [u8]> {
        if self.rearranged {
            return None;
        }
        let end = *self.ends.get(i)?;
        let start = i.checked_sub(1).map_or(0, |k| self.ends[k]);
        self.bytes.get(start..end)
    }

    /// The subset's parameter values, in the header's order.
    #[must_use]
    pub fn params(&self) -> &'a [Value] {
        self.params
    }

    /// Replaces `out` with record `i`'s state values, in the header's order; leaves it empty
    /// past the end.
    pub fn values(&self, i: usize, out: &mut Vec<Value>) {
        out.clear();
        if i < self.metas.len() {
            (self.values)(i, out);
        }
    }
}

/// A consumer of records.
pub trait Sink {
    /// Called once before the first row.
    ///
    /// # Errors
    ///
    /// Whatever the sink's output fails with.
    fn begin(&mut self, header: &Header) -> Result<(), SinkError>;

    /// One record: its index, its state values and its subset's parameter values, in the
    /// header's order.
    ///
    /// # Errors
    ///
    /// Whatever the sink's output fails with; the engine then stops the experiment.
    fn row(&mut self, meta: &RowMeta, state: &[Value], params: &[Value]) -> Result<(), SinkError>;

    /// A formatter the engine may run on its worker threads (default: none, and every record
    /// comes through [`row`](Self::row)). Asked once, after [`begin`](Self::begin).
    fn encoder(&self) -> Option<Arc<dyn RowEncoder>> {
        None
    }

    /// One run's records, with the bytes this sink's [`encoder`](Self::encoder) made of them.
    /// Called instead of [`row`](Self::row) when the engine used the encoder, once per run, in
    /// record order; a sink in front of another (a filter, a collector) looks at the records it
    /// needs and passes the run on. The default ignores the bytes and calls
    /// [`row`](Self::row) for each record, or, for a run written
    /// [in place](EncodedRun::is_in_place), does nothing.
    ///
    /// # Errors
    ///
    /// Whatever the sink's output fails with; the engine then stops the experiment.
    fn encoded_run(&mut self, run: &EncodedRun<'_>) -> Result<(), SinkError> {
        if run.is_in_place() {
            return Ok(());
        }
        let mut values = Vec::new();
        for i in 0..run.len() {
            if let Some(meta) = run.meta(i) {
                run.values(i, &mut values);
                self.row(&meta, &values, run.params())?;
            }
        }
        Ok(())
    }

    /// The columns this sink would have the engine write its records into, as 64-bit words
    /// ([`WordColumns`]), in memory reserved for the whole experiment (default: none). Asked
    /// once, after [`begin`](Self::begin), for `runs` runs of at most `rows` records each; a
    /// sink that keeps no more than a budget answers `None` past it. When the engine gets the
    /// room (it does unless the allocator refuses it), the sink gets no
    /// [`row`](Self::row) and no bytes: each run still comes through
    /// [`encoded_run`](Self::encoded_run), [in place](EncodedRun::is_in_place), so that a
    /// sink in front of this one sees its records, and the filled columns come through
    /// [`filled_columns`](Self::filled_columns) before [`finish`](Self::finish). A sink in
    /// front of another passes both on.
    fn word_columns(&mut self, runs: usize, rows: usize) -> Option<Vec<WordSource>> {
        let _ = (runs, rows);
        None
    }

    /// Buffers to write the columns [`word_columns`](Self::word_columns) asked for in,
    /// instead of new memory (default: none): the columns of an earlier experiment that their
    /// owner gave back. Asked once, right after `word_columns` gives its sources. The engine
    /// takes, for each column, the first buffer with room for the whole experiment and writes
    /// over what it holds (memory already written costs neither zeroing nor the operating
    /// system's page faults); it frees the buffers it does not take.
    fn recycled_words(&mut self) -> Vec<Vec<u64>> {
        Vec::new()
    }

    /// The columns [`word_columns`](Self::word_columns) asked for, filled
    /// ([`WordColumns::lengths`] says each run's records), after the last run and before
    /// [`finish`](Self::finish). Not called when the experiment stops with an error.
    ///
    /// # Errors
    ///
    /// Whatever the sink fails with; the engine returns it.
    fn filled_columns(&mut self, columns: WordColumns) -> Result<(), SinkError> {
        let _ = columns;
        Ok(())
    }

    /// Called once after the last row: flush and close.
    ///
    /// # Errors
    ///
    /// Whatever the sink's output fails with.
    fn finish(&mut self) -> Result<(), SinkError>;
}

/// Discards every row: for runs whose hooks or failures are all that matter, and for benches.
#[derive(Debug, Default, Clone, Copy)]
pub struct NullSink {
    /// How many rows were received.
    pub rows: u64,
}

impl Sink for NullSink {
    fn begin(&mut self, _header: &Header) -> Result<(), SinkError> {
        Ok(())
    }
    fn row(&mut self, _: &RowMeta, _: &[Value], _: &[Value]) -> Result<(), SinkError> {
        self.rows += 1;
        Ok(())
    }
    fn finish(&mut self) -> Result<(), SinkError> {
        Ok(())
    }
}
