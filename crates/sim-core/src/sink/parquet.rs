//! Parquet records (feature `parquet`): the same columns as the CSV sink, typed, compressed
//! with Snappy, written in row groups so that memory stays bounded however long the sweep.

use std::io::Write;
use std::sync::Arc;

use parquet::basic::{Compression, ConvertedType, Repetition, Type as PhysicalType};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;

use super::{Header, INDEX_COLUMNS, Layout, RowMeta, Sink};
use crate::error::SinkError;
use crate::value::Value;

/// Rows per row group unless set otherwise.
const DEFAULT_ROW_GROUP: usize = 1 << 16;

/// One buffered column of a row group.
enum Column {
    F64(Vec<f64>),
    I64(Vec<i64>),
    Bool(Vec<bool>),
    Text(Vec<ByteArray>),
}

impl Column {
    fn for_value(v: &Value) -> Self {
        match v {
            Value::F64(_) => Column::F64(Vec::new()),
            Value::I64(_) => Column::I64(Vec::new()),
            Value::Bool(_) => Column::Bool(Vec::new()),
            Value::Decimal(_) => Column::Text(Vec::new()),
        }
    }

    fn type_name(&self) -> &'static str {
        match self {
            Column::F64(_) => "f64",
            Column::I64(_) => "i64",
            Column::Bool(_) => "bool",
            Column::Text(_) => "Decimal",
        }
    }

    fn physical(&self) -> (PhysicalType, Option<ConvertedType>) {
        match self {
            Column::F64(_) => (PhysicalType::DOUBLE, None),
            Column::I64(_) => (PhysicalType::INT64, None),
            Column::Bool(_) => (PhysicalType::BOOLEAN, None),
            Column::Text(_) => (PhysicalType::BYTE_ARRAY, Some(ConvertedType::UTF8)),
        }
    }

    fn check(&self, name: &str, v: &Value) -> Result<(), SinkError> {
        let fits = matches!(
            (self, v),
            (Column::F64(_), Value::F64(_))
                | (Column::I64(_), Value::I64(_))
                | (Column::Bool(_), Value::Bool(_))
                | (Column::Text(_), Value::Decimal(_))
        );
        if fits {
            Ok(())
        } else {
            Err(SinkError::ColumnType {
                column: name.to_owned(),
                expected: self.type_name(),
                got: v.type_name(),
            })
        }
    }

    /// Appends `v`; [`check`](Self::check) first, a value of another type is dropped.
    fn push(&mut self, v: &Value) {
        match (self, v) {
            (Column::F64(c), Value::F64(x)) => c.push(*x),
            (Column::I64(c), Value::I64(x)) => c.push(*x),
            (Column::Bool(c), Value::Bool(x)) => c.push(*x),
            (Column::Text(c), Value::Decimal(x)) => c.push(ByteArray::from(x.to_string().as_str())),
            _ => {}
        }
    }

    fn clear(&mut self) {
        match self {
            Column::F64(c) => c.clear(),
            Column::I64(c) => c.clear(),
            Column::Bool(c) => c.clear(),
            Column::Text(c) => c.clear(),
        }
    }
}

/// Writes records as a Parquet file to any writer.
///
/// Index columns are `INT64`; a state or parameter column takes the type of its first value
/// (`DOUBLE`, `INT64`, `BOOLEAN`, or a UTF-8 string for decimals).
pub struct ParquetSink<W: Write + Send> {
    out: Option<W>,
    writer: Option<SerializedFileWriter<W>>,
    names: Vec<&'static str>,
    index: [Vec<i64>; 5],
    columns: Vec<Column>,
    rows: usize,
    row_group: usize,
    params: bool,
    layout: Layout,
    /// The header's example row (state, then parameters if written), for an empty file.
    example: Vec<Value>,
    began: bool,
    /// The file is complete: its footer is written.
    finished: bool,
}

impl<W: Write + Send> std::fmt::Debug for ParquetSink<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetSink")
            .field("row_group", &self.row_group)
            .finish_non_exhaustive()
    }
}

impl<W: Write + Send> ParquetSink<W> {
    /// A sink writing to `out`, with parameter columns and 65,536 rows per row group.
    pub fn new(out: W) -> Self {
        Self {
            out: Some(out),
            writer: None,
            names: Vec::new(),
            index: Default::default(),
            columns: Vec::new(),
            rows: 0,
            row_group: DEFAULT_ROW_GROUP,
            params: true,
            layout: Layout::Tokensim,
            example: Vec::new(),
            began: false,
            finished: false,
        }
    }

    /// Rows per row group (at least 1); memory use is proportional to it.
    #[must_use]
    pub fn with_row_group(mut self, rows: usize) -> Self {
        self.row_group = rows.max(1);
        self
    }

    /// Whether to write the parameter columns (default: yes; never in cadCAD's layout).
    #[must_use]
    pub fn with_params(mut self, params: bool) -> Self {
        self.params = params && self.layout.index_first();
        self
    }

    /// The order of the columns (default: [`Layout::Tokensim`]). [`Layout::Cadcad`] also drops
    /// the parameter columns.
    #[must_use]
    pub fn with_layout(mut self, layout: Layout) -> Self {
        self.layout = layout;
        if !layout.index_first() {
            self.params = false;
        }
        self
    }

    /// Closes the file (if [`Sink::finish`] has not) and returns the writer.
    ///
    /// # Errors
    ///
    /// When writing the last row group or the footer fails.
    pub fn into_inner(mut self) -> Result<W, SinkError> {
        self.close()?;
        self.out
            .take()
            .ok_or_else(|| SinkError::Io(std::io::Error::other("the parquet writer is gone")))
    }

    /// Writes the last row group and the footer, and gets the writer back. With no row
    /// written, the file still gets its schema (from the header's example row, or `DOUBLE`
    /// columns if it has none) and is a valid Parquet file of zero rows.
    fn close(&mut self) -> Result<(), SinkError> {
        if self.writer.is_none() && self.began && self.out.is_some() {
            let example = if self.example.len() == self.names.len() {
                std::mem::take(&mut self.example)
            } else {
                vec![Value::F64(0.0); self.names.len()]
            };
            let first: Vec<&Value> = example.iter().collect();
            self.open(&first)?;
        }
        self.flush_group()?;
        if let Some(w) = self.writer.take() {
            self.out = Some(w.into_inner()?);
        }
        // Closed: a second close (`finish`, then `into_inner`) writes nothing more.
        if self.began {
            self.finished = true;
        }
        self.began = false;
        Ok(())
    }

    fn open(&mut self, first: &[&Value]) -> Result<(), SinkError> {
        self.columns = first.iter().map(|v| Column::for_value(v)).collect();
        let mut index = Vec::new();
        for name in INDEX_COLUMNS {
            index.push(Arc::new(
                Type::primitive_type_builder(name, PhysicalType::INT64)
                    .with_repetition(Repetition::REQUIRED)
                    .build()?,
            ));
        }
        let mut values = Vec::new();
        for (name, col) in self.names.iter().zip(&self.columns) {
            let (physical, converted) = col.physical();
            let mut b =
                Type::primitive_type_builder(name, physical).with_repetition(Repetition::REQUIRED);
            if let Some(c) = converted {
                b = b.with_converted_type(c);
            }
            values.push(Arc::new(b.build()?));
        }
        let fields = if self.layout.index_first() {
            [index, values].concat()
        } else {
            [values, index].concat()
        };
        let schema = Arc::new(
            Type::group_type_builder("records")
                .with_fields(fields)
                .build()?,
        );
        let props = Arc::new(
            WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .build(),
        );
        let out = self.out.take().ok_or_else(|| {
            SinkError::Io(std::io::Error::other(
                "the parquet writer was already closed",
            ))
        })?;
        self.writer = Some(SerializedFileWriter::new(out, schema, props)?);
        Ok(())
    }

    fn flush_group(&mut self) -> Result<(), SinkError> {
        if self.rows == 0 {
            return Ok(());
        }
        let Some(writer) = self.writer.as_mut() else {
            return Ok(());
        };
        let mut group = writer.next_row_group()?;
        let index_first = self.layout.index_first();
        if index_first {
            for index in &self.index {
                if let Some(mut c) = group.next_column()? {
                    c.typed::<Int64Type>().write_batch(index, None, None)?;
                    c.close()?;
                }
            }
        }
        for column in &self.columns {
            if let Some(mut c) = group.next_column()? {
                match column {
                    Column::F64(v) => {
                        c.typed::<DoubleType>().write_batch(v, None, None)?;
                    }
                    Column::I64(v) => {
                        c.typed::<Int64Type>().write_batch(v, None, None)?;
                    }
                    Column::Bool(v) => {
                        c.typed::<BoolType>().write_batch(v, None, None)?;
                    }
                    Column::Text(v) => {
                        c.typed::<ByteArrayType>().write_batch(v, None, None)?;
                    }
                }
                c.close()?;
            }
        }
        if !index_first {
            for index in &self.index {
                if let Some(mut c) = group.next_column()? {
                    c.typed::<Int64Type>().write_batch(index, None, None)?;
                    c.close()?;
                }
            }
        }
        group.close()?;
        for i in &mut self.index {
            i.clear();
        }
        for c in &mut self.columns {
            c.clear();
        }
        self.rows = 0;
        Ok(())
    }
}

impl<W: Write + Send> Sink for ParquetSink<W> {
    fn begin(&mut self, header: &Header) -> Result<(), SinkError> {
        if self.finished {
            return Err(SinkError::Finished);
        }
        self.names = header.state.to_vec();
        if self.params {
            self.names.extend_from_slice(&header.params);
        }
        self.example = header.example.clone();
        if !self.params {
            self.example.truncate(header.state.len());
        }
        self.began = true;
        Ok(())
    }

    fn row(&mut self, meta: &RowMeta, state: &[Value], params: &[Value]) -> Result<(), SinkError> {
        let params = if self.params { params } else { &[] };
        if self.writer.is_none() {
            let first: Vec<&Value> = state.iter().chain(params).collect();
            self.open(&first)?;
        }
        // Check the whole row first, so that a refused row leaves the buffers as they were.
        for ((col, name), v) in self
            .columns
            .iter()
            .zip(&self.names)
            .zip(state.iter().chain(params))
        {
            col.check(name, v)?;
        }
        let index = meta.index();
        for (col, v) in self.index.iter_mut().zip(index) {
            col.push(i64::try_from(v).unwrap_or(i64::MAX));
        }
        for (col, v) in self.columns.iter_mut().zip(state.iter().chain(params)) {
            col.push(v);
        }
        self.rows += 1;
        if self.rows >= self.row_group {
            self.flush_group()?;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        self.close()
    }
}
