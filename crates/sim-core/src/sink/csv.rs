//! CSV records, with cadCAD's column names and the subset's parameters as columns.
//!
//! The layout is the 1Hive results files' and the conformance records': the index columns,
//! the state variables, then the parameters. Floats are written as the shortest string that
//! reads back to the same float, integers in decimal.
//!
//! This is the hot end of a large experiment (a sweep of 108,900 records is 2 million
//! numbers), so the sink writes bytes itself rather than through a general CSV writer:
//! - no cell needs quoting (numbers, `True`/`False`, `NaN`/`inf`, decimals, and the header's
//!   identifiers), so none is scanned for it;
//! - floats go through `zmij` (the shortest round-trip digits, about twice as fast as `ryu`
//!   here), with `ryu`'s exponent style (`1e16`, not `1e+16`) so the text is unchanged;
//! - the parameter cells are the same for every record of a subset, so they are formatted
//!   once per subset;
//! - rows collect in a 256 KiB buffer that goes to the writer in one call;
//! - with a thread pool, the engine formats each run on the worker that computed it (the
//!   sink's [`RowEncoder`]), and the sink only appends the bytes in record order.
//!
//! `PERFORMANCE.md` has the profile that led here.

use std::io::Write;
use std::sync::Arc;

use super::{EncodedRun, Header, Layout, RowEncoder, RowMeta, Sink};
use crate::error::SinkError;
use crate::value::Value;

/// Bytes collected before one write to the underlying writer.
const BUFFER: usize = 1 << 18;

/// Writes records as CSV to any writer.
pub struct CsvSink<W: Write> {
    out: W,
    buf: Vec<u8>,
    /// The one formatter of records, used here and on the engine's workers.
    encoder: CsvEncoder,
    /// The parameter values last formatted, and their cells (each preceded by a comma).
    param_cache: (Vec<Value>, Vec<u8>),
    /// The columns of the header written, once the first experiment began.
    columns: Option<Vec<&'static str>>,
}

impl<W: Write> std::fmt::Debug for CsvSink<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvSink")
            .field("params", &self.encoder.params)
            .field("buffered", &self.buf.len())
            .finish_non_exhaustive()
    }
}

impl<W: Write> CsvSink<W> {
    /// A sink writing to `out` (buffered by the sink), with parameter columns.
    pub fn new(out: W) -> Self {
        Self {
            out,
            buf: Vec::with_capacity(BUFFER + 4096),
            encoder: CsvEncoder {
                params: true,
                layout: Layout::Tokensim,
            },
            param_cache: (Vec::new(), Vec::new()),
            columns: None,
        }
    }

    /// Whether to write the parameter columns (default: yes; never in cadCAD's layout).
    #[must_use]
    pub fn with_params(mut self, params: bool) -> Self {
        self.encoder.params = params && self.encoder.layout.index_first();
        self.param_cache = (Vec::new(), Vec::new());
        self
    }

    /// The order of the columns (default: [`Layout::Tokensim`]). [`Layout::Cadcad`] also drops
    /// the parameter columns.
    #[must_use]
    pub fn with_layout(mut self, layout: Layout) -> Self {
        self.encoder.layout = layout;
        if !layout.index_first() {
            self.encoder.params = false;
        }
        self.param_cache = (Vec::new(), Vec::new());
        self
    }

    /// Flushes and returns the writer.
    ///
    /// # Errors
    ///
    /// When the final flush fails.
    pub fn into_inner(mut self) -> Result<W, SinkError> {
        self.flush_buffer()?;
        self.out.flush()?;
        Ok(self.out)
    }

    fn flush_buffer(&mut self) -> Result<(), SinkError> {
        if !self.buf.is_empty() {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }
}

/// The sink's formatter for the engine's worker threads: the same bytes as [`CsvSink::row`].
#[derive(Debug, Clone, Copy)]
struct CsvEncoder {
    params: bool,
    layout: Layout,
}

impl RowEncoder for CsvEncoder {
    fn encode_params(&self, params: &[Value]) -> Vec<u8> {
        let mut cells = Vec::new();
        if self.params {
            let (mut float, mut int) = (zmij::Buffer::new(), itoa::Buffer::new());
            for v in params {
                cells.push(b',');
                push_value(&mut cells, v, &mut float, &mut int);
            }
        }
        cells
    }

    fn encode_row(&self, meta: &RowMeta, state: &[Value], params: &[u8], out: &mut Vec<u8>) {
        let (mut float, mut int) = (zmij::Buffer::new(), itoa::Buffer::new());
        let index = meta.index();
        if self.layout.index_first() {
            for (k, i) in index.into_iter().enumerate() {
                if k > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(int.format(i).as_bytes());
            }
            for v in state {
                out.push(b',');
                push_value(out, v, &mut float, &mut int);
            }
            out.extend_from_slice(params);
        } else {
            for (k, v) in state.iter().enumerate() {
                if k > 0 {
                    out.push(b',');
                }
                push_value(out, v, &mut float, &mut int);
            }
            for (k, i) in index.into_iter().enumerate() {
                if k > 0 || !state.is_empty() {
                    out.push(b',');
                }
                out.extend_from_slice(int.format(i).as_bytes());
            }
        }
        out.push(b'\n');
    }
}

/// Appends one cell (without its separator).
fn push_value(buf: &mut Vec<u8>, v: &Value, float: &mut zmij::Buffer, int: &mut itoa::Buffer) {
    match *v {
        Value::F64(x) => push_f64(buf, x, float),
        Value::I64(i) => buf.extend_from_slice(int.format(i).as_bytes()),
        Value::Bool(b) => buf.extend_from_slice(if b { b"True" } else { b"False" }),
        Value::Decimal(d) => {
            // A decimal's text never holds a comma or a quote.
            let _ = write!(buf, "{d}");
        }
    }
}

/// Appends a float: the shortest round-trip digits, `NaN`, `inf` or `-inf`.
fn push_f64(buf: &mut Vec<u8>, x: f64, float: &mut zmij::Buffer) {
    if x.is_finite() {
        let s = float.format_finite(x).as_bytes();
        // zmij writes positive exponents as `e+16`; ryu (and this sink's earlier output)
        // as `e16`. Only magnitudes of 1e16 and more have one.
        if x.abs() >= 1e16 {
            buf.extend(s.iter().copied().filter(|&b| b != b'+'));
        } else {
            buf.extend_from_slice(s);
        }
    } else if x.is_nan() {
        buf.extend_from_slice(b"NaN");
    } else if x > 0.0 {
        buf.extend_from_slice(b"inf");
    } else {
        buf.extend_from_slice(b"-inf");
    }
}

impl<W: Write> Sink for CsvSink<W> {
    fn begin(&mut self, header: &Header) -> Result<(), SinkError> {
        let params = if self.encoder.params {
            &header.params[..]
        } else {
            &[]
        };
        let names: Vec<&str> = if self.encoder.layout.index_first() {
            super::INDEX_COLUMNS
                .iter()
                .chain(header.state)
                .chain(params)
                .copied()
                .collect()
        } else {
            header
                .state
                .iter()
                .chain(&super::INDEX_COLUMNS)
                .copied()
                .collect()
        };
        // A second experiment (cadCAD's `simulation` > 0) continues the same table: no second
        // header, and no other columns.
        if let Some(written) = &self.columns {
            if *written == names {
                return Ok(());
            }
            return Err(SinkError::OtherColumns {
                expected: written.join(","),
                got: names.join(","),
            });
        }
        for (i, name) in names.iter().enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            self.buf.extend_from_slice(name.as_bytes());
        }
        self.buf.push(b'\n');
        self.columns = Some(names);
        Ok(())
    }

    fn row(&mut self, meta: &RowMeta, state: &[Value], params: &[Value]) -> Result<(), SinkError> {
        // A subset's parameter cells are formatted once, not once per record.
        if self.param_cache.0 != params {
            self.param_cache = (params.to_vec(), self.encoder.encode_params(params));
        }
        self.encoder
            .encode_row(meta, state, &self.param_cache.1, &mut self.buf);
        if self.buf.len() >= BUFFER {
            self.flush_buffer()?;
        }
        Ok(())
    }

    fn encoder(&self) -> Option<Arc<dyn RowEncoder>> {
        Some(Arc::new(self.encoder))
    }

    fn encoded_run(&mut self, run: &EncodedRun<'_>) -> Result<(), SinkError> {
        let bytes = run.bytes();
        // Whole runs: the buffer is written before it would grow, and a run as large as the
        // buffer goes straight out.
        if self.buf.len() + bytes.len() > BUFFER {
            self.flush_buffer()?;
        }
        if bytes.len() >= BUFFER {
            self.out.write_all(bytes)?;
        } else {
            self.buf.extend_from_slice(bytes);
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        self.flush_buffer()?;
        self.out.flush()?;
        Ok(())
    }
}

#[cfg(test)]
#[expect(clippy::unreadable_literal, reason = "floats as Python prints them")]
mod tests {
    use super::*;

    fn cell(v: Value) -> String {
        let mut buf = Vec::new();
        push_value(
            &mut buf,
            &v,
            &mut zmij::Buffer::new(),
            &mut itoa::Buffer::new(),
        );
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn cells_keep_ryus_text() {
        // The shortest round-trip digits, with ryu's exponent style, for both exponent signs,
        // the ends of the range and the plain-notation boundaries.
        for x in [
            0.0,
            -0.0,
            10.0,
            0.1,
            7046.874000000001,
            1e-7,
            1e-5,
            1e15,
            1e16,
            -1.2345678901234568e17,
            1.5e300,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
        ] {
            assert_eq!(
                cell(Value::F64(x)),
                ryu::Buffer::new().format_finite(x),
                "{x:e}"
            );
        }
        assert_eq!(cell(Value::F64(1e16)), "1e16");
        assert_eq!(cell(Value::F64(f64::NAN)), "NaN");
        assert_eq!(cell(Value::F64(f64::NEG_INFINITY)), "-inf");
        assert_eq!(cell(Value::I64(-42)), "-42");
        assert_eq!(cell(Value::Bool(true)), "True");
        assert_eq!(
            cell(Value::Decimal(rust_decimal::Decimal::new(-15, 1))),
            "-1.5"
        );
    }
}
