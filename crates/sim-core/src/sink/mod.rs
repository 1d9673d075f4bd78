//! Where records go: a [`Sink`] receives rows as the engine produces them.
//!
//! A row is cadCAD's record: `simulation, subset, run, substep, timestep`, then every state
//! variable, then (for sinks that want them, as the 1Hive results files have them) the subset's
//! parameters. Rows arrive in cadCAD's order, subset-major, then run, timestep and substep,
//! whatever the thread count, so a sink can stream them straight to disk.

mod csv;
mod memory;
#[cfg(feature = "parquet")]
mod parquet;

pub use self::csv::CsvSink;
pub use self::memory::MemorySink;
#[cfg(feature = "parquet")]
pub use self::parquet::ParquetSink;

use crate::error::SinkError;
use crate::value::Value;

/// The index columns of every record, in cadCAD's order.
pub const INDEX_COLUMNS: [&str; 5] = ["simulation", "subset", "run", "substep", "timestep"];

/// The index of one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The state variables' names, in order.
    pub state: &'static [&'static str],
    /// The parameters' names, in order.
    pub params: &'static [&'static str],
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
