//! The sink behind [`Frame`]: records as 64-bit words, encoded on the engine's workers
//! ([`WordEncoder`]) or converted from rows, kept column by column, typed at the end.

use std::sync::Arc;

use sim_core::sink::INDEX_COLUMNS;
use sim_core::{EncodedRun, Header, Layout, RowEncoder, RowMeta, Sink, SinkError, Value};

use super::{Column, Frame};

/// A column's type, from the header's example values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Float,
    Bool,
}

impl Kind {
    fn of(example: Option<&Value>) -> Self {
        match example {
            Some(Value::I64(_)) => Kind::Int,
            Some(Value::Bool(_)) => Kind::Bool,
            _ => Kind::Float,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Int => "integer",
            Kind::Float => "float",
            Kind::Bool => "boolean",
        }
    }
}

/// A value as one 64-bit word: a float's bits (a decimal's nearest float), an integer's two's
/// complement, a boolean's 0 or 1.
fn word(v: &Value) -> u64 {
    match *v {
        Value::F64(f) => f.to_bits(),
        Value::Decimal(_) => v.as_f64().to_bits(),
        Value::I64(i) => i.cast_unsigned(),
        Value::Bool(b) => u64::from(b),
    }
}

/// An index value as a word. `Experiment::check` bounds subsets, runs and timesteps by memory,
/// far below 2⁶³.
fn index_word(v: usize) -> u64 {
    v as u64
}

/// The column `word` belongs to accepts `v`'s type.
fn fits(kind: Kind, v: &Value) -> bool {
    matches!(
        (kind, v),
        (Kind::Float, Value::F64(_) | Value::Decimal(_))
            | (Kind::Int, Value::I64(_))
            | (Kind::Bool, Value::Bool(_))
    )
}

/// Formats each run as its columns' words, column after column, on the engine's workers
/// ([`RowEncoder::encode_run`]), so that the writing thread only appends each column's
/// stretch. The words are in this machine's byte order: they never leave the process.
struct WordEncoder {
    index_first: bool,
    params: bool,
}

/// Appends `words` to `out`, in this machine's byte order.
fn put_words(out: &mut Vec<u8>, words: &[u64]) {
    out.extend_from_slice(bytemuck::cast_slice(words));
}

/// Appends the words of `bytes` (whole words only, in this machine's byte order) to `out`:
/// one copy when `bytes` is aligned (an allocation's start always is), else word by word.
fn extend_words(out: &mut Vec<u64>, bytes: &[u8]) {
    match bytemuck::try_cast_slice::<u8, u64>(bytes) {
        Ok(words) => out.extend_from_slice(words),
        Err(_) => out.extend(bytes.chunks_exact(8).map(|b| {
            let mut w = [0u8; 8];
            w.copy_from_slice(b);
            u64::from_ne_bytes(w)
        })),
    }
}

impl WordEncoder {
    /// Fills `words` (`n` records' columns, each `n` words) with the records `metas`, whose
    /// state values are `states` (`width` each), and the parameter words `params`.
    fn fill(&self, words: &mut [u64], metas: &[RowMeta], states: &[Value], params: &[u64]) {
        let n = metas.len();
        let width = states.len().checked_div(n).unwrap_or(0);
        let mut columns = words.chunks_exact_mut(n.max(1));
        let index = |columns: &mut std::slice::ChunksExactMut<'_, u64>| {
            for (k, column) in columns.take(INDEX_COLUMNS.len()).enumerate() {
                for (w, m) in column.iter_mut().zip(metas) {
                    *w = index_word(m.index()[k]);
                }
            }
        };
        let state = |columns: &mut std::slice::ChunksExactMut<'_, u64>| {
            for (c, column) in columns.take(width).enumerate() {
                let values = states.get(c..).unwrap_or_default().iter().step_by(width);
                for (w, v) in column.iter_mut().zip(values) {
                    *w = word(v);
                }
            }
        };
        if self.index_first {
            index(&mut columns);
            state(&mut columns);
        } else {
            state(&mut columns);
            index(&mut columns);
        }
        for (column, p) in columns.zip(params) {
            column.fill(*p);
        }
    }
}

impl RowEncoder for WordEncoder {
    fn encode_params(&self, params: &[Value]) -> Vec<u8> {
        let mut out = Vec::new();
        if self.params {
            put_words(&mut out, &params.iter().map(word).collect::<Vec<_>>());
        }
        out
    }

    fn encode_row(&self, meta: &RowMeta, state: &[Value], params: &[u8], out: &mut Vec<u8>) {
        let index = meta.index().map(index_word);
        let state: Vec<u64> = state.iter().map(word).collect();
        if self.index_first {
            put_words(out, &index);
            put_words(out, &state);
        } else {
            put_words(out, &state);
            put_words(out, &index);
        }
        out.extend_from_slice(params);
    }

    fn encode_run(
        &self,
        metas: &[RowMeta],
        states: &[Value],
        params: &[u8],
        out: &mut Vec<u8>,
    ) -> Option<Vec<usize>> {
        // Column after column, each column's words in record order: written in place when
        // `out`'s new bytes are aligned for words, else into words and copied.
        let n = metas.len();
        let mut param_words = Vec::new();
        extend_words(&mut param_words, params);
        let width =
            INDEX_COLUMNS.len() + states.len().checked_div(n).unwrap_or(0) + param_words.len();
        let start = out.len();
        out.resize(start + width * n * 8, 0);
        let new = out.get_mut(start..).unwrap_or_default();
        match bytemuck::try_cast_slice_mut::<u8, u64>(new) {
            Ok(words) => self.fill(words, metas, states, &param_words),
            Err(_) => {
                let mut words = vec![0; width * n];
                self.fill(&mut words, metas, states, &param_words);
                out.truncate(start);
                put_words(out, &words);
            }
        }
        None
    }
}

/// The sink that fills a [`Frame`], refusing records beyond a memory budget. Records arrive as
/// words (from [`WordEncoder`] on the workers, or converted here from a row) and are kept
/// column by column; [`into_frame`](Self::into_frame) gives each column its type without a
/// copy.
pub(crate) struct FrameSink {
    layout: Layout,
    names: Vec<&'static str>,
    kinds: Vec<Kind>,
    words: Vec<Vec<u64>>,
    /// Where the index columns, the state's and the parameters' start.
    at: (usize, usize, usize),
    /// A run's words, row by row, before they go to their columns.
    scratch: Vec<u64>,
    /// The first run's key and its records so far (the row path reserves after it).
    first_run: Option<(usize, usize)>,
    first_rows: usize,
    /// Whether the header's example gave every column's type (else rows are checked one by one
    /// and no encoder is offered).
    typed: bool,
    /// Runs expected: the first run's length times this is reserved.
    runs: usize,
    reserved: bool,
    /// Cells (of 8 bytes) the frame may hold.
    budget: u128,
    cells: u128,
}

impl FrameSink {
    /// A sink for records in `layout`, about `runs` runs, holding at most `budget_bytes`.
    pub(crate) fn new(layout: Layout, runs: usize, budget_bytes: u64) -> Self {
        Self {
            layout,
            names: Vec::new(),
            kinds: Vec::new(),
            words: Vec::new(),
            at: (0, 0, 0),
            scratch: Vec::new(),
            first_run: None,
            first_rows: 0,
            typed: false,
            runs,
            reserved: false,
            budget: u128::from(budget_bytes / 8),
            cells: 0,
        }
    }

    /// The records, each column in its type.
    pub(crate) fn into_frame(self) -> Frame {
        let columns = self
            .words
            .into_iter()
            .zip(&self.kinds)
            .map(|(w, k)| match k {
                // In place: a word and an f64 or i64 have one size.
                Kind::Float => Column::Float(w.into_iter().map(f64::from_bits).collect()),
                Kind::Int => Column::Int(w.into_iter().map(u64::cast_signed).collect()),
                Kind::Bool => Column::Bool(w.into_iter().map(|b| b != 0).collect()),
            })
            .collect();
        Frame {
            names: self.names,
            columns,
        }
    }

    /// Counts `rows` more records against the budget.
    fn spend(&mut self, rows: usize) -> Result<(), SinkError> {
        let width = self.words.len() as u128;
        self.cells = self.cells.saturating_add(width * rows as u128);
        if self.cells > self.budget {
            return Err(SinkError::Io(std::io::Error::new(
                std::io::ErrorKind::OutOfMemory,
                format!(
                    "the records would need more than this machine's {} MiB of memory; run fewer runs or timesteps, or write them to a file with `tokensim run`",
                    (self.budget * 8) >> 20
                ),
            )));
        }
        Ok(())
    }

    /// After the first run, room for all: its length times the runs expected.
    fn reserve(&mut self, rows: usize) {
        if !self.reserved {
            self.reserved = true;
            let want = rows.saturating_mul(self.runs);
            if (want as u128) * (self.words.len() as u128) <= self.budget {
                for w in &mut self.words {
                    w.reserve_exact(want);
                }
            }
        }
    }
}

impl Sink for FrameSink {
    fn begin(&mut self, header: &Header) -> Result<(), SinkError> {
        if !self.names.is_empty() {
            return Err(SinkError::OtherColumns {
                expected: self.names.join(","),
                got: header.all().collect::<Vec<_>>().join(","),
            });
        }
        let params = self.layout != Layout::Cadcad;
        self.typed = header.example.len() == header.state.len() + header.params.len();
        let state = header
            .state
            .iter()
            .enumerate()
            .map(|(i, n)| (*n, Kind::of(header.example.get(i))));
        let index = INDEX_COLUMNS.iter().map(|n| (*n, Kind::Int));
        let mut columns: Vec<(&'static str, Kind)> = if self.layout.index_first() {
            index.chain(state).collect()
        } else {
            state.chain(index).collect()
        };
        if params {
            columns.extend(
                header
                    .params
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (*n, Kind::of(header.example.get(header.state.len() + i)))),
            );
        }
        self.names = columns.iter().map(|(n, _)| *n).collect();
        self.kinds = columns.iter().map(|(_, k)| *k).collect();
        self.words = vec![Vec::new(); columns.len()];
        let (n_index, n_state) = (INDEX_COLUMNS.len(), header.state.len());
        self.at = if self.layout.index_first() {
            (0, n_index, n_index + n_state)
        } else {
            (n_state, 0, n_state + n_index)
        };
        Ok(())
    }

    fn encoder(&self) -> Option<Arc<dyn RowEncoder>> {
        self.typed.then(|| {
            Arc::new(WordEncoder {
                index_first: self.layout.index_first(),
                params: self.layout != Layout::Cadcad,
            }) as Arc<dyn RowEncoder>
        })
    }

    fn encoded_run(&mut self, run: &EncodedRun<'_>) -> Result<(), SinkError> {
        let (rows, width) = (run.len(), self.words.len());
        let bytes = run.bytes();
        if bytes.len() != rows * width * 8 {
            return Err(SinkError::Io(std::io::Error::other(format!(
                "an encoded run of {} bytes for {rows} records of {width} columns",
                bytes.len()
            ))));
        }
        self.spend(rows)?;
        self.reserve(rows);
        if run.rearranged() {
            // Column by column already (`WordEncoder::encode_run`): each column's stretch.
            for (column, stretch) in self
                .words
                .iter_mut()
                .zip(bytes.chunks_exact(rows.max(1) * 8))
            {
                extend_words(column, stretch);
            }
        } else {
            // Record by record: the run's words in one sequential pass, then each column's in
            // a strided one.
            self.scratch.clear();
            extend_words(&mut self.scratch, bytes);
            for (c, column) in self.words.iter_mut().enumerate() {
                column.extend(self.scratch.iter().skip(c).step_by(width).copied());
            }
        }
        Ok(())
    }

    fn row(&mut self, meta: &RowMeta, state: &[Value], params: &[Value]) -> Result<(), SinkError> {
        self.spend(1)?;
        // Room for every run once the first has ended.
        let key = (meta.subset, meta.run);
        match self.first_run {
            None => self.first_run = Some(key),
            Some(first) if first != key && !self.reserved => self.reserve(self.first_rows),
            Some(_) => {}
        }
        self.first_rows += 1;
        let (index_at, state_at, params_at) = self.at;
        let index = meta.index();
        let params = if self.layout == Layout::Cadcad {
            &[][..]
        } else {
            params
        };
        // Every value's type first, so that a refused row leaves the columns as they were.
        for (at, values) in [(state_at, state), (params_at, params)] {
            for (k, v) in values.iter().enumerate() {
                let c = at + k;
                if !fits(self.kinds[c], v) {
                    return Err(SinkError::ColumnType {
                        column: self.names[c].to_owned(),
                        expected: self.kinds[c].name(),
                        got: Kind::of(Some(v)).name(),
                    });
                }
            }
        }
        for (k, v) in index.into_iter().enumerate() {
            self.words[index_at + k].push(index_word(v));
        }
        for (at, values) in [(state_at, state), (params_at, params)] {
            for (k, v) in values.iter().enumerate() {
                self.words[at + k].push(word(v));
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        Ok(())
    }
}
