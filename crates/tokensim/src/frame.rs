//! An experiment's records in memory, column by column and typed as the CSV file's columns read
//! back by pandas: integers for the index columns, and each state variable and parameter in its
//! own type (floats, integers, booleans; decimals as the nearest float). What the Python
//! package hands to pandas and polars without a file ([`ModelSpec::run_in_memory`]).
//!
//! [`ModelSpec::run_in_memory`]: crate::ModelSpec::run_in_memory
//!
//! ```
//! use sim_core::{Block, BoxError, Ctx, Model, NoSignals};
//! use tokensim::{Column, ExperimentFile, Fidelity, MemoryRun, ModelSpec};
//!
//! #[derive(Clone)]
//! struct State { x: f64 }
//! sim_core::vars!(State { x });
//! #[derive(Clone)]
//! struct Params { rate: f64 }
//! sim_core::vars!(Params { rate });
//! fn grow(p: &Params, c: &Ctx<'_, State>, _: &NoSignals, n: &mut State) -> Result<(), BoxError> {
//!     n.x = c.state.x * (1.0 + p.rate);
//!     Ok(())
//! }
//! let spec = ModelSpec::new("growth", "compound growth", || {
//!     Model::new(State { x: 1.0 }).block(Block::new().update("x", grow))
//! }, |_: Fidelity| Params { rate: 0.5 });
//! let mut file = ExperimentFile::for_model(spec.entry());
//! file.sim.runs = 1;
//! file.sim.timesteps = 2;
//! let done = spec.run_in_memory(&file, &MemoryRun::default(), &sim_core::NoHooks)?;
//! assert_eq!(done.records.names(), ["simulation", "subset", "run", "substep", "timestep", "x", "rate"]);
//! assert_eq!(done.records.column("timestep"), Some(&Column::Int(vec![0, 1, 2])));
//! assert_eq!(done.records.column("x"), Some(&Column::Float(vec![1.0, 1.5, 2.25])));
//! assert_eq!(done.summary.runs_completed, 1);
//! # Ok::<(), tokensim::Error>(())
//! ```

use std::sync::Arc;

use sim_core::{EncodedRun, Header, Layout, RowEncoder, RowMeta, Sink, SinkError, Value};

/// One column of records.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Column {
    /// Integers: the index columns, and integer variables.
    Int(Vec<i64>),
    /// Floats: float variables, and decimals as their nearest float (as a CSV reader gives).
    Float(Vec<f64>),
    /// Booleans.
    Bool(Vec<bool>),
}

impl Column {
    /// Its length.
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            Column::Int(v) => v.len(),
            Column::Float(v) => v.len(),
            Column::Bool(v) => v.len(),
        }
    }

    /// Whether it is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Records as named columns, in the layout's order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Frame {
    names: Vec<&'static str>,
    columns: Vec<Column>,
}

impl Frame {
    /// The column names, in order.
    #[must_use]
    pub fn names(&self) -> &[&'static str] {
        &self.names
    }

    /// A column by name.
    #[must_use]
    pub fn column(&self, name: &str) -> Option<&Column> {
        let i = self.names.iter().position(|n| *n == name)?;
        self.columns.get(i)
    }

    /// The number of records.
    #[must_use]
    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, Column::len)
    }

    /// Whether there are no records.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The columns with their names, in order.
    #[must_use]
    pub fn into_columns(self) -> Vec<(&'static str, Column)> {
        self.names.into_iter().zip(self.columns).collect()
    }
}

/// The index columns.
const INDEX: [&str; 5] = ["simulation", "subset", "run", "substep", "timestep"];

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

/// Formats each record as its columns' words, in column order, on the engine's workers.
struct WordEncoder {
    index_first: bool,
    params: bool,
}

impl RowEncoder for WordEncoder {
    fn encode_params(&self, params: &[Value]) -> Vec<u8> {
        if !self.params {
            return Vec::new();
        }
        params.iter().flat_map(|v| word(v).to_le_bytes()).collect()
    }

    fn encode_row(&self, meta: &RowMeta, state: &[Value], params: &[u8], out: &mut Vec<u8>) {
        let index = [
            meta.simulation,
            meta.subset,
            meta.run,
            meta.substep,
            meta.timestep,
        ];
        let index = index.iter().flat_map(|v| index_word(*v).to_le_bytes());
        let state = state.iter().flat_map(|v| word(v).to_le_bytes());
        if self.index_first {
            out.extend(index);
            out.extend(state);
        } else {
            out.extend(state);
            out.extend(index);
        }
        out.extend_from_slice(params);
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
        let index = INDEX.iter().map(|n| (*n, Kind::Int));
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
        let (n_index, n_state) = (INDEX.len(), header.state.len());
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
        // The run's words in one sequential pass, then each column's in a strided one.
        self.scratch.clear();
        self.scratch.extend(bytes.chunks_exact(8).map(|b| {
            let mut w = [0u8; 8];
            w.copy_from_slice(b);
            u64::from_le_bytes(w)
        }));
        for (c, column) in self.words.iter_mut().enumerate() {
            column.extend(self.scratch.iter().skip(c).step_by(width).copied());
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
        let index = [
            meta.simulation,
            meta.subset,
            meta.run,
            meta.substep,
            meta.timestep,
        ];
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

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::{Block, BoxError, Ctx, Experiment, MemorySink, Model, NoSignals};

    #[derive(Clone)]
    struct State {
        x: f64,
        n: i64,
        up: bool,
    }
    sim_core::vars!(State { x, n, up });
    #[derive(Clone)]
    struct Params {
        step: i64,
        rate: f64,
    }
    sim_core::vars!(Params { step, rate });

    fn grow(p: &Params, c: &Ctx<'_, State>, _: &NoSignals, n: &mut State) -> Result<(), BoxError> {
        n.x = c.state.x * (1.0 + p.rate);
        n.n = c.state.n + p.step;
        n.up = !c.state.up;
        Ok(())
    }

    fn model() -> Model<State, Params, NoSignals> {
        Model::new(State {
            x: 1.0,
            n: 0,
            up: false,
        })
        .block(
            Block::new()
                .update("x", grow)
                .update("n", grow)
                .update("up", grow),
        )
    }

    fn subsets() -> Vec<Params> {
        vec![
            Params { step: 2, rate: 0.5 },
            Params {
                step: -3,
                rate: 0.25,
            },
        ]
    }

    /// The frame of a two-thread run (encoded on the workers) and of the row path.
    fn both(layout: Layout) -> (Frame, Frame) {
        let m = model();
        let mut encoded = FrameSink::new(layout, 6, u64::MAX);
        Experiment::new(&m, subsets())
            .runs(3)
            .timesteps(4)
            .threads(2)
            .run(&mut encoded)
            .unwrap();
        let mut rows = MemorySink::new();
        Experiment::new(&m, subsets())
            .runs(3)
            .timesteps(4)
            .run(&mut rows)
            .unwrap();
        let mut by_row = FrameSink::new(layout, 6, u64::MAX);
        by_row.begin(rows.header().unwrap()).unwrap();
        let header = rows.header().unwrap().clone();
        for (i, meta) in rows.meta().iter().enumerate() {
            let state: Vec<Value> = header
                .state
                .iter()
                .map(|n| rows.column(n).unwrap()[i])
                .collect();
            let params: Vec<Value> = header
                .params
                .iter()
                .map(|n| rows.column(n).unwrap()[i])
                .collect();
            by_row.row(meta, &state, &params).unwrap();
        }
        (encoded.into_frame(), by_row.into_frame())
    }

    #[test]
    fn encoded_and_row_paths_give_one_frame() {
        let (encoded, rows) = both(Layout::Tokensim);
        assert_eq!(encoded, rows);
        assert_eq!(
            encoded.names(),
            [
                "simulation",
                "subset",
                "run",
                "substep",
                "timestep",
                "x",
                "n",
                "up",
                "step",
                "rate"
            ]
        );
        assert_eq!(encoded.len(), 2 * 3 * 5);
        // Subset 1, run 1: n goes 0, -3, -6, …; up flips; x grows by a quarter.
        let at = 15;
        assert_eq!(
            encoded.column("subset"),
            Some(&Column::Int([0; 15].into_iter().chain([1; 15]).collect()))
        );
        let Some(Column::Int(n)) = encoded.column("n") else {
            panic!("n is an integer column")
        };
        assert_eq!(&n[at..at + 5], [0, -3, -6, -9, -12]);
        let Some(Column::Bool(up)) = encoded.column("up") else {
            panic!("up is boolean")
        };
        assert_eq!(&up[at..at + 3], [false, true, false]);
        let Some(Column::Float(x)) = encoded.column("x") else {
            panic!("x is a float")
        };
        assert_eq!(&x[at..at + 3], [1.0, 1.25, 1.5625]);
    }

    #[test]
    fn the_cadcad_layout_has_no_parameters() {
        let (encoded, rows) = both(Layout::Cadcad);
        assert_eq!(encoded, rows);
        assert_eq!(
            encoded.names(),
            [
                "x",
                "n",
                "up",
                "simulation",
                "subset",
                "run",
                "substep",
                "timestep"
            ]
        );
    }

    #[test]
    fn a_budget_refuses_records_and_a_wrong_type_is_named() {
        let m = model();
        let mut small = FrameSink::new(Layout::Tokensim, 6, 8 * 10 * 7);
        let err = Experiment::new(&m, subsets())
            .runs(3)
            .timesteps(4)
            .run(&mut small)
            .unwrap_err();
        assert!(
            err.to_string().contains("more than this machine's"),
            "{err}"
        );
        let mut sink = FrameSink::new(Layout::Tokensim, 1, u64::MAX);
        let header = Header {
            state: &["x"],
            params: vec![],
            example: vec![Value::F64(0.0)],
        };
        sink.begin(&header).unwrap();
        let err = sink
            .row(&RowMeta::default(), &[Value::I64(1)], &[])
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("column `x` holds float values but got a integer value")
                || err.to_string().contains("`x`"),
            "{err}"
        );
    }

    proptest::proptest! {
        /// Any values, NaN, infinities and extremes included, come back bit for bit in their
        /// columns' types, whatever the layout.
        #[test]
        fn any_values_round_trip(
            rows in proptest::collection::vec(
                (proptest::num::f64::ANY, proptest::num::i64::ANY, proptest::bool::ANY, 0usize..1 << 40),
                1..40,
            ),
            cadcad in proptest::bool::ANY,
        ) {
            let layout = if cadcad { Layout::Cadcad } else { Layout::Tokensim };
            let mut sink = FrameSink::new(layout, 1, u64::MAX);
            let header = Header {
                state: &["f", "i"],
                params: vec!["b"],
                example: vec![Value::F64(0.0), Value::I64(0), Value::Bool(false)],
            };
            sink.begin(&header).unwrap();
            for (f, i, b, t) in &rows {
                let meta = RowMeta { timestep: *t, ..RowMeta::default() };
                sink.row(&meta, &[Value::F64(*f), Value::I64(*i)], &[Value::Bool(*b)]).unwrap();
            }
            let frame = sink.into_frame();
            let Some(Column::Float(f)) = frame.column("f") else { panic!("f") };
            let bits: Vec<u64> = f.iter().map(|x| x.to_bits()).collect();
            let want: Vec<u64> = rows.iter().map(|r| r.0.to_bits()).collect();
            proptest::prop_assert_eq!(bits, want);
            proptest::prop_assert_eq!(
                frame.column("i"),
                Some(&Column::Int(rows.iter().map(|r| r.1).collect()))
            );
            proptest::prop_assert_eq!(
                frame.column("timestep"),
                Some(&Column::Int(rows.iter().map(|r| i64::try_from(r.3).unwrap()).collect()))
            );
            let params = frame.column("b");
            if cadcad {
                proptest::prop_assert_eq!(params, None);
            } else {
                proptest::prop_assert_eq!(
                    params,
                    Some(&Column::Bool(rows.iter().map(|r| r.2).collect()))
                );
            }
        }
    }
}
