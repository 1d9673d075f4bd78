//! In-memory columns: the records of a small experiment, for analysis and tests.

use super::{Header, RowMeta, Sink};
use crate::error::SinkError;
use crate::value::Value;

/// Keeps every record in memory, column by column (a DataFrame's layout).
///
/// ```
/// use sim_core::{Block, BoxError, Ctx, Experiment, MemorySink, Model, NoParams, NoSignals};
///
/// #[derive(Clone)]
/// struct State { n: f64 }
/// sim_core::vars!(State { n });
/// fn count(_: &NoParams, c: &Ctx<'_, State>, _: &NoSignals, n: &mut State) -> Result<(), BoxError> {
///     n.n = c.state.n + 1.0;
///     Ok(())
/// }
/// let model = Model::new(State { n: 0.0 }).block(Block::new().update("n", count));
/// let mut records = MemorySink::new();
/// Experiment::new(&model, vec![NoParams]).runs(2).timesteps(2).run(&mut records)?;
/// // Columns by name, and each row's index (run, timestep, …).
/// assert_eq!(records.f64_column("n").unwrap(), [0.0, 1.0, 2.0, 0.0, 1.0, 2.0]);
/// assert_eq!(records.meta()[3].run, 2);
/// # Ok::<(), sim_core::EngineError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct MemorySink {
    header: Option<Header>,
    meta: Vec<RowMeta>,
    /// State columns, then parameter columns.
    columns: Vec<Vec<Value>>,
}

impl MemorySink {
    /// An empty sink.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of rows.
    #[must_use]
    pub fn len(&self) -> usize {
        self.meta.len()
    }

    /// Whether there are no rows.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.meta.is_empty()
    }

    /// The header, once the experiment has begun.
    #[must_use]
    pub fn header(&self) -> Option<&Header> {
        self.header.as_ref()
    }

    /// The index of every row, in order.
    #[must_use]
    pub fn meta(&self) -> &[RowMeta] {
        &self.meta
    }

    /// A state or parameter column by name.
    #[must_use]
    pub fn column(&self, name: &str) -> Option<&[Value]> {
        let h = self.header.as_ref()?;
        let i = h
            .state
            .iter()
            .chain(h.params.iter())
            .position(|n| *n == name)?;
        self.columns.get(i).map(Vec::as_slice)
    }

    /// A column as floats (see [`Value::as_f64`]).
    #[must_use]
    pub fn f64_column(&self, name: &str) -> Option<Vec<f64>> {
        self.column(name)
            .map(|c| c.iter().map(Value::as_f64).collect())
    }
}

impl Sink for MemorySink {
    fn begin(&mut self, header: &Header) -> Result<(), SinkError> {
        // A second experiment with the same columns appends to the first's records.
        if let Some(h) = &self.header {
            if h.state == header.state && h.params == header.params {
                return Ok(());
            }
            let names = |h: &Header| {
                h.state
                    .iter()
                    .chain(&h.params)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(",")
            };
            return Err(SinkError::OtherColumns {
                expected: names(h),
                got: names(header),
            });
        }
        self.columns = vec![Vec::new(); header.state.len() + header.params.len()];
        self.meta.clear();
        self.header = Some(header.clone());
        Ok(())
    }

    fn row(&mut self, meta: &RowMeta, state: &[Value], params: &[Value]) -> Result<(), SinkError> {
        self.meta.push(*meta);
        for (col, v) in self.columns.iter_mut().zip(state.iter().chain(params)) {
            col.push(*v);
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        Ok(())
    }
}
