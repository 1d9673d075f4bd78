//! One shard's records, a row at a time, in the order they were written: CSV lines kept as
//! bytes (the merged file holds them unchanged) with their index and state parsed to the
//! state's own types, or Parquet rows read back into typed values.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use sim_core::{RowMeta, Value};

/// One record.
#[derive(Debug, Default)]
pub(crate) struct Row {
    pub(crate) meta: RowMeta,
    pub(crate) state: Vec<Value>,
    /// The parameters (Parquet only: a CSV row keeps them in `line`).
    pub(crate) params: Vec<Value>,
    /// The CSV line, newline included.
    pub(crate) line: Vec<u8>,
}

/// The column names and the state's and parameters' types (their values are examples).
pub(crate) struct Columns {
    pub(crate) names: Vec<&'static str>,
    /// Whether the index columns come first (tokensim's layout) or last (cadCAD's).
    pub(crate) index_first: bool,
    pub(crate) state: Vec<Value>,
    pub(crate) params: Vec<Value>,
}

/// A shard's records.
pub(crate) enum Rows {
    /// `records.csv`.
    Csv(CsvRows),
    /// `records.parquet`.
    #[cfg(feature = "parquet")]
    Parquet(ParquetRows),
}

impl Rows {
    /// Reads the next record into `row`; false at the end.
    pub(crate) fn next(&mut self, row: &mut Row, columns: &Columns) -> Result<bool> {
        match self {
            Rows::Csv(c) => c.next(row, columns),
            #[cfg(feature = "parquet")]
            Rows::Parquet(p) => p.next(row, columns),
        }
    }
}

/// A CSV shard.
pub(crate) struct CsvRows {
    path: PathBuf,
    reader: BufReader<File>,
    line_no: usize,
}

impl CsvRows {
    /// Opens `path`; its header must be `header` (newline included), which is returned.
    pub(crate) fn open(path: &Path, columns: &Columns) -> Result<(Self, Vec<u8>)> {
        let file = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let mut header = Vec::new();
        reader.read_until(b'\n', &mut header)?;
        let expected = columns.names.join(",") + "\n";
        if header != expected.as_bytes() {
            bail!(
                "{}: the columns are not the model's (expected {})",
                path.display(),
                expected.trim_end()
            );
        }
        let rows = Self {
            path: path.to_path_buf(),
            reader,
            line_no: 1,
        };
        Ok((rows, header))
    }

    fn next(&mut self, row: &mut Row, columns: &Columns) -> Result<bool> {
        row.line.clear();
        if self.reader.read_until(b'\n', &mut row.line)? == 0 {
            return Ok(false);
        }
        self.line_no += 1;
        let bad = |what: &str| {
            anyhow::anyhow!(
                "{} line {}: {what}: not a record tokensim wrote",
                self.path.display(),
                self.line_no
            )
        };
        if row.line.last() != Some(&b'\n') {
            return Err(bad("the file ends mid-line"));
        }
        let text =
            std::str::from_utf8(&row.line[..row.line.len() - 1]).map_err(|_| bad("not UTF-8"))?;
        let mut cells = text.split(',');
        let mut index = [0usize; 5];
        let mut read_index = |cells: &mut std::str::Split<'_, char>| -> Result<()> {
            for slot in &mut index {
                *slot = cells
                    .next()
                    .and_then(|c| c.parse().ok())
                    .ok_or_else(|| bad("an index cell is not a number"))?;
            }
            Ok(())
        };
        if columns.index_first {
            read_index(&mut cells)?;
        }
        row.state.clear();
        for example in &columns.state {
            let cell = cells.next().ok_or_else(|| bad("too few cells"))?;
            row.state
                .push(parse_cell(cell, example).ok_or_else(|| bad("a state cell does not parse"))?);
        }
        if !columns.index_first {
            read_index(&mut cells)?;
        }
        row.meta = meta(index);
        if cells.count() != columns.params.len() {
            return Err(bad("the wrong number of cells"));
        }
        Ok(true)
    }
}

fn meta(index: [usize; 5]) -> RowMeta {
    RowMeta {
        simulation: index[0],
        subset: index[1],
        run: index[2],
        substep: index[3],
        timestep: index[4],
    }
}

/// A CSV cell as the state variable's type, as the CSV sink wrote it.
fn parse_cell(cell: &str, example: &Value) -> Option<Value> {
    Some(match example {
        Value::F64(_) => Value::F64(match cell {
            "NaN" => f64::NAN,
            "inf" => f64::INFINITY,
            "-inf" => f64::NEG_INFINITY,
            _ => cell.parse().ok()?,
        }),
        Value::I64(_) => Value::I64(cell.parse().ok()?),
        Value::Bool(_) => Value::Bool(match cell {
            "True" => true,
            "False" => false,
            _ => return None,
        }),
        Value::Decimal(_) => Value::Decimal(cell.parse().ok()?),
    })
}

/// A Parquet shard.
#[cfg(feature = "parquet")]
pub(crate) struct ParquetRows {
    path: PathBuf,
    rows: parquet::record::reader::RowIter<'static>,
}

#[cfg(feature = "parquet")]
impl ParquetRows {
    /// Opens `path`; its columns must be the model's.
    pub(crate) fn open(path: &Path, columns: &Columns) -> Result<Self> {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        let file = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        let reader = SerializedFileReader::new(file)
            .with_context(|| format!("{} is not a Parquet file", path.display()))?;
        let names: Vec<String> = reader
            .metadata()
            .file_metadata()
            .schema_descr()
            .columns()
            .iter()
            .map(|c| c.name().to_owned())
            .collect();
        if names != columns.names {
            bail!(
                "{}: the columns are not the model's (expected {})",
                path.display(),
                columns.names.join(",")
            );
        }
        Ok(Self {
            path: path.to_path_buf(),
            rows: parquet::record::reader::RowIter::from_file_into(Box::new(reader)),
        })
    }

    fn next(&mut self, row: &mut Row, columns: &Columns) -> Result<bool> {
        use parquet::record::Field;
        let Some(record) = self.rows.next() else {
            return Ok(false);
        };
        let record = record.with_context(|| format!("cannot read {}", self.path.display()))?;
        let bad = || {
            anyhow::anyhow!(
                "{}: a record of the wrong types: not a record tokensim wrote",
                self.path.display()
            )
        };
        let mut fields = record.into_columns().into_iter().map(|(_, f)| f);
        let mut index = [0usize; 5];
        let mut read_index = |fields: &mut dyn Iterator<Item = Field>| -> Result<()> {
            for slot in &mut index {
                *slot = match fields.next() {
                    Some(Field::Long(v)) => usize::try_from(v).map_err(|_| bad())?,
                    _ => return Err(bad()),
                };
            }
            Ok(())
        };
        if columns.index_first {
            read_index(&mut fields)?;
        }
        let mut typed = |example: &Value| -> Result<Value> {
            Ok(match (example, fields.next()) {
                (Value::F64(_), Some(Field::Double(x))) => Value::F64(x),
                (Value::I64(_), Some(Field::Long(x))) => Value::I64(x),
                (Value::Bool(_), Some(Field::Bool(x))) => Value::Bool(x),
                (Value::Decimal(_), Some(Field::Str(s))) => {
                    Value::Decimal(s.parse().map_err(|_| bad())?)
                }
                _ => return Err(bad()),
            })
        };
        row.state.clear();
        for example in &columns.state {
            row.state.push(typed(example)?);
        }
        row.params.clear();
        for example in &columns.params {
            row.params.push(typed(example)?);
        }
        if !columns.index_first {
            read_index(&mut fields)?;
        }
        row.meta = meta(index);
        Ok(true)
    }
}
