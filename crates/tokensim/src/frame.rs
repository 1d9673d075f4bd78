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

use sim_core::{Header, Layout, RowMeta, Sink, SinkError, Value};

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
    /// An empty column of `example`'s type.
    fn like(example: Option<&Value>) -> Self {
        match example {
            Some(Value::I64(_)) => Column::Int(Vec::new()),
            Some(Value::Bool(_)) => Column::Bool(Vec::new()),
            _ => Column::Float(Vec::new()),
        }
    }

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

    fn push(&mut self, name: &str, v: &Value) -> Result<(), SinkError> {
        match (self, v) {
            (Column::Float(c), Value::F64(_) | Value::Decimal(_)) => c.push(v.as_f64()),
            (Column::Int(c), Value::I64(i)) => c.push(*i),
            (Column::Bool(c), Value::Bool(b)) => c.push(*b),
            (col, v) => {
                let kind = |c: &Column| -> &'static str {
                    match c {
                        Column::Int(_) => "integer",
                        Column::Float(_) => "float",
                        Column::Bool(_) => "boolean",
                    }
                };
                return Err(SinkError::ColumnType {
                    column: name.to_owned(),
                    expected: kind(col),
                    got: kind(&Column::like(Some(v))),
                });
            }
        }
        Ok(())
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

/// The sink that fills a [`Frame`], refusing records beyond a memory budget.
pub(crate) struct FrameSink {
    layout: Layout,
    frame: Frame,
    /// Where the index columns start, the state's and the parameters'.
    at: (usize, usize, usize),
    /// Cells (of 8 bytes) the frame may hold.
    budget: u128,
    cells: u128,
}

impl FrameSink {
    /// A sink for records in `layout`, holding at most `budget_bytes`.
    pub(crate) fn new(layout: Layout, budget_bytes: u64) -> Self {
        Self {
            layout,
            frame: Frame::default(),
            at: (0, 0, 0),
            budget: u128::from(budget_bytes / 8),
            cells: 0,
        }
    }

    pub(crate) fn into_frame(self) -> Frame {
        self.frame
    }
}

impl Sink for FrameSink {
    fn begin(&mut self, header: &Header) -> Result<(), SinkError> {
        if !self.frame.names.is_empty() {
            return Err(SinkError::OtherColumns {
                expected: self.frame.names.join(","),
                got: header.all().collect::<Vec<_>>().join(","),
            });
        }
        let state = header
            .state
            .iter()
            .enumerate()
            .map(|(i, n)| (*n, header.example.get(i)));
        let params = if self.layout == Layout::Cadcad {
            Vec::new()
        } else {
            header
                .params
                .iter()
                .enumerate()
                .map(|(i, n)| (*n, header.example.get(header.state.len() + i)))
                .collect()
        };
        let index = INDEX.iter().map(|n| (*n, Some(&Value::I64(0))));
        let columns: Vec<(&'static str, Option<&Value>)> = if self.layout.index_first() {
            index.chain(state).chain(params).collect()
        } else {
            state.chain(index).chain(params).collect()
        };
        self.at = if self.layout.index_first() {
            (0, INDEX.len(), INDEX.len() + header.state.len())
        } else {
            (header.state.len(), 0, header.state.len() + INDEX.len())
        };
        self.frame.names = columns.iter().map(|(n, _)| *n).collect();
        self.frame.columns = columns.iter().map(|(_, v)| Column::like(*v)).collect();
        Ok(())
    }

    fn row(&mut self, meta: &RowMeta, state: &[Value], params: &[Value]) -> Result<(), SinkError> {
        let width = self.frame.columns.len() as u128;
        self.cells = self.cells.saturating_add(width);
        if self.cells > self.budget {
            return Err(SinkError::Io(std::io::Error::new(
                std::io::ErrorKind::OutOfMemory,
                format!(
                    "the records would need more than this machine's {} MiB of memory; run fewer runs or timesteps, or write them to a file with `tokensim run`",
                    (self.budget * 8) >> 20
                ),
            )));
        }
        let (index_at, state_at, params_at) = self.at;
        let index = [
            meta.simulation,
            meta.subset,
            meta.run,
            meta.substep,
            meta.timestep,
        ];
        for (k, v) in index.iter().enumerate() {
            let v = i64::try_from(*v).map_err(|_| SinkError::ColumnType {
                column: INDEX[k].to_owned(),
                expected: "64-bit integer",
                got: "larger integer",
            })?;
            self.frame.columns[index_at + k].push(INDEX[k], &Value::I64(v))?;
        }
        for (k, v) in state.iter().enumerate() {
            let name = self.frame.names[state_at + k];
            self.frame.columns[state_at + k].push(name, v)?;
        }
        if self.layout != Layout::Cadcad {
            for (k, v) in params.iter().enumerate() {
                let name = self.frame.names[params_at + k];
                self.frame.columns[params_at + k].push(name, v)?;
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        Ok(())
    }
}
