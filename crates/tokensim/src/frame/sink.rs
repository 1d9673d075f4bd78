//! The sink behind [`Frame`]: records as 64-bit words, written in place by the engine's
//! workers ([`Sink::word_columns`]) or converted from rows, kept column by column, typed at
//! the end.

use sim_core::sink::{INDEX_COLUMNS, WordColumns, WordSource};
use sim_core::{Header, Layout, RowMeta, Sink, SinkError, Value};

use super::recycle::{RECYCLED, Recycled};
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

/// `words` as a vector of `T`, in the same allocation (`bytemuck`), or converted one by one by
/// `each` where it cannot be (never for `f64` and `i64`).
fn cast_words<T: bytemuck::AnyBitPattern>(words: Vec<u64>, each: fn(u64) -> T) -> Vec<T> {
    bytemuck::allocation::try_cast_vec(words)
        .unwrap_or_else(|(_, words)| words.into_iter().map(each).collect())
}

/// The sink that fills a [`Frame`], refusing records beyond a memory budget. The engine's
/// workers write the records in place, as words, in the room this sink gives when the whole
/// experiment fits the budget ([`Sink::word_columns`]); else rows arrive one by one and are
/// converted here. [`into_frame`](Self::into_frame) gives each column its type without a
/// copy.
pub(crate) struct FrameSink {
    layout: Layout,
    names: Vec<&'static str>,
    kinds: Vec<Kind>,
    words: Vec<Vec<u64>>,
    /// Where the index columns, the state's and the parameters' start.
    at: (usize, usize, usize),
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
    /// Where the columns of earlier runs are given back: the process's.
    recycled: &'static Recycled,
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
            first_run: None,
            first_rows: 0,
            typed: false,
            runs,
            reserved: false,
            budget: u128::from(budget_bytes / 8),
            cells: 0,
            recycled: &RECYCLED,
        }
    }

    /// The same, writing over columns given back to `recycled` rather than the process's.
    #[cfg(test)]
    pub(crate) fn recycling(mut self, recycled: &'static Recycled) -> Self {
        self.recycled = recycled;
        self
    }

    /// The records, each column in its type.
    pub(crate) fn into_frame(self) -> Frame {
        let columns = self
            .words
            .into_iter()
            .zip(&self.kinds)
            .map(|(w, k)| match k {
                // The same allocation, retyped: a word and an f64 or i64 have one size and
                // alignment, and every bit pattern is one of each (no pass over the words).
                Kind::Float => Column::Float(cast_words(w, f64::from_bits)),
                Kind::Int => Column::Int(cast_words(w, u64::cast_signed)),
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

    fn word_columns(&mut self, runs: usize, rows: usize) -> Option<Vec<WordSource>> {
        let width = self.words.len() as u128;
        let cells = width * (runs as u128) * (rows as u128);
        if !self.typed || cells > self.budget {
            // Rows one by one, each checked, and counted against the budget as they come:
            // runs that end early may still fit.
            return None;
        }
        let (index_at, state_at, params_at) = self.at;
        let sources = (0..self.words.len())
            .map(|c| {
                if (index_at..index_at + INDEX_COLUMNS.len()).contains(&c) {
                    WordSource::Index(c - index_at)
                } else if c >= params_at {
                    WordSource::Param(c - params_at)
                } else {
                    WordSource::State(c - state_at)
                }
            })
            .collect();
        Some(sources)
    }

    fn recycled_words(&mut self) -> Vec<Vec<u64>> {
        self.recycled.take()
    }

    fn filled_columns(&mut self, columns: WordColumns) -> Result<(), SinkError> {
        let rows: usize = columns.lengths().iter().sum();
        self.spend(rows)?;
        self.words = columns.into_columns();
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
                self.words[at + k].push(v.to_word());
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        Ok(())
    }
}
