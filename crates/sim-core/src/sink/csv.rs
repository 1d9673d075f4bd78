//! CSV records, with cadCAD's column names and the subset's parameters as columns.
//!
//! The layout is the 1Hive results files' and the conformance records': the index columns,
//! the state variables, then the parameters. Floats are written as the shortest string that
//! reads back to the same float (`ryu`), integers with `itoa`; output is buffered.

use std::io::Write;

use super::{Header, RowMeta, Sink};
use crate::error::SinkError;
use crate::value::Value;

/// Writes records as CSV to any writer.
pub struct CsvSink<W: Write> {
    writer: csv::Writer<W>,
    params: bool,
    float: ryu::Buffer,
    int: itoa::Buffer,
}

impl<W: Write> std::fmt::Debug for CsvSink<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvSink")
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

impl<W: Write> CsvSink<W> {
    /// A sink writing to `out` (buffered by the sink), with parameter columns.
    pub fn new(out: W) -> Self {
        Self {
            writer: csv::WriterBuilder::new()
                .buffer_capacity(1 << 16)
                .from_writer(out),
            params: true,
            float: ryu::Buffer::new(),
            int: itoa::Buffer::new(),
        }
    }

    /// Whether to write the parameter columns (default: yes).
    #[must_use]
    pub fn with_params(mut self, params: bool) -> Self {
        self.params = params;
        self
    }

    /// Flushes and returns the writer.
    ///
    /// # Errors
    ///
    /// When the final flush fails.
    pub fn into_inner(self) -> Result<W, SinkError> {
        self.writer
            .into_inner()
            .map_err(|e| SinkError::Io(e.into_error()))
    }

    fn field(&mut self, v: &Value) -> Result<(), SinkError> {
        let bytes: &[u8] = match *v {
            Value::F64(x) if x.is_finite() => self.float.format_finite(x).as_bytes(),
            Value::F64(x) if x.is_nan() => b"NaN",
            Value::F64(x) if x > 0.0 => b"inf",
            Value::F64(_) => b"-inf",
            Value::I64(i) => self.int.format(i).as_bytes(),
            Value::Bool(b) => {
                if b {
                    b"True"
                } else {
                    b"False"
                }
            }
            Value::Decimal(d) => {
                self.writer.write_field(d.to_string())?;
                return Ok(());
            }
        };
        self.writer.write_field(bytes)?;
        Ok(())
    }

    fn index(&mut self, v: usize) -> Result<(), SinkError> {
        self.writer.write_field(self.int.format(v))?;
        Ok(())
    }
}

impl<W: Write> Sink for CsvSink<W> {
    fn begin(&mut self, header: &Header) -> Result<(), SinkError> {
        let params = if self.params { header.params } else { &[] };
        let names = super::INDEX_COLUMNS
            .iter()
            .chain(header.state)
            .chain(params);
        self.writer.write_record(names)?;
        Ok(())
    }

    fn row(&mut self, meta: &RowMeta, state: &[Value], params: &[Value]) -> Result<(), SinkError> {
        for i in [
            meta.simulation,
            meta.subset,
            meta.run,
            meta.substep,
            meta.timestep,
        ] {
            self.index(i)?;
        }
        for v in state {
            self.field(v)?;
        }
        if self.params {
            for v in params {
                self.field(v)?;
            }
        }
        self.writer.write_record(std::iter::empty::<&[u8]>())?;
        Ok(())
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        self.writer.flush()?;
        Ok(())
    }
}
