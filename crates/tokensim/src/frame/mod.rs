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

mod recycle;
mod sink;
#[cfg(test)]
mod tests;

pub use recycle::RECYCLE_LIMIT;
pub(crate) use sink::FrameSink;

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

    /// Gives the column's memory to the next run into memory in this process
    /// ([`ModelSpec::run_in_memory`](crate::ModelSpec::run_in_memory)), which writes its records
    /// over it instead of into new memory. At most [`RECYCLE_LIMIT`] bytes are kept, and only
    /// until that run: it frees what it cannot use. Boolean columns are freed. The Python
    /// package gives back each column numpy no longer holds.
    pub fn recycle(self) {
        self.recycle_to(&recycle::RECYCLED);
    }

    /// Gives the column's memory to `recycled`: a 64-bit column as words, in the same
    /// allocation (`bytemuck`; an `i64` or an `f64` and a word have one size and alignment).
    fn recycle_to(self, recycled: &recycle::Recycled) {
        let words = match self {
            Column::Int(v) => bytemuck::allocation::try_cast_vec(v).ok(),
            Column::Float(v) => bytemuck::allocation::try_cast_vec(v).ok(),
            Column::Bool(_) => None,
        };
        if let Some(words) = words {
            recycled.give(words);
        }
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

    /// Gives every column's memory to the next run into memory ([`Column::recycle`]).
    pub fn recycle(self) {
        self.columns.into_iter().for_each(Column::recycle);
    }
}
