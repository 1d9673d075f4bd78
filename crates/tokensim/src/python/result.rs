//! `RunResult`: a run's records as numpy arrays (handed over from Rust without a copy), to a
//! pandas or a polars DataFrame without a file; its summary as a dict and its failed runs as a
//! list.

use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::frame::Column;
use crate::run::memory::InMemory;

/// A numeric column's memory, lent to numpy: `numpy.asarray` reads its
/// `__array_interface__` and keeps it as the array's base. When numpy lets go of it (the
/// DataFrame and the arrays are gone), the memory goes to the next run ([`Column::recycle`]).
#[pyclass(frozen, module = "tokensim")]
struct ColumnMemory {
    column: Column,
    /// The first value's address, taken once (writable: numpy may write through it) while
    /// the vector's heap memory stays where it is for the object's life.
    address: usize,
    typestr: &'static str,
}

impl ColumnMemory {
    /// The column as a numpy array over its own memory. A column of no values, or of booleans,
    /// is handed over as rust-numpy does it.
    fn array<'py>(py: Python<'py>, column: Column) -> PyResult<Bound<'py, PyAny>> {
        let little = cfg!(target_endian = "little");
        let (address, typestr, column) = match column {
            Column::Float(mut v) if !v.is_empty() => {
                let at = v.as_mut_ptr() as usize;
                (at, if little { "<f8" } else { ">f8" }, Column::Float(v))
            }
            Column::Int(mut v) if !v.is_empty() => {
                let at = v.as_mut_ptr() as usize;
                (at, if little { "<i8" } else { ">i8" }, Column::Int(v))
            }
            Column::Float(v) => return Ok(PyArray1::from_vec(py, v).into_any()),
            Column::Int(v) => return Ok(PyArray1::from_vec(py, v).into_any()),
            Column::Bool(v) => return Ok(PyArray1::from_vec(py, v).into_any()),
        };
        let owner = Bound::new(
            py,
            Self {
                column,
                address,
                typestr,
            },
        )?;
        py.import("numpy")?.getattr("asarray")?.call1((owner,))
    }
}

#[pymethods]
impl ColumnMemory {
    /// numpy's array interface (version 3): one dimension, the values' type, the address.
    #[getter]
    fn __array_interface__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("version", 3)?;
        d.set_item("shape", PyTuple::new(py, [self.column.len()])?)?;
        d.set_item("typestr", self.typestr)?;
        d.set_item("data", (self.address, false))?;
        Ok(d)
    }
}

impl Drop for ColumnMemory {
    fn drop(&mut self) {
        std::mem::replace(&mut self.column, Column::Bool(Vec::new())).recycle();
    }
}

/// The result of `run`: the records (`records`, `to_pandas()`, `to_polars()`), the summary
/// (`summary`, as `summary.json` holds it) and the failed runs (`failures`).
#[pyclass(frozen, module = "tokensim")]
pub struct RunResult {
    name: String,
    model: String,
    rows: usize,
    /// Column names and numpy arrays, in the layout's order.
    columns: Vec<(String, Py<PyAny>)>,
    /// The summary as `summary.json` holds it, made a dict when first asked for (a sweep's
    /// summary is tens of kilobytes: `json.loads` would take a tenth of a small run's time).
    summary_json: String,
    summary: PyOnceLock<Py<PyAny>>,
}

impl RunResult {
    /// The result of a finished run: its columns become numpy arrays, its summary a dict.
    pub(super) fn new(
        py: Python<'_>,
        name: String,
        model: String,
        done: InMemory,
    ) -> PyResult<Self> {
        let rows = done.records.len();
        let mut columns = Vec::new();
        for (n, c) in done.records.into_columns() {
            columns.push((n.to_owned(), ColumnMemory::array(py, c)?.unbind()));
        }
        let text = serde_json::to_string(&done.summary).map_err(|e| {
            pyo3::exceptions::PyValueError::new_err(format!("cannot convert the summary: {e}"))
        })?;
        Ok(Self {
            name,
            model,
            rows,
            columns,
            summary_json: text,
            summary: PyOnceLock::new(),
        })
    }

    /// The summary as a dict, the same one every time.
    fn summary_dict<'py>(&self, py: Python<'py>) -> PyResult<&Bound<'py, PyAny>> {
        let dict = self.summary.get_or_try_init(py, || {
            PyResult::Ok(
                py.import("json")?
                    .call_method1("loads", (&self.summary_json,))?
                    .unbind(),
            )
        })?;
        Ok(dict.bind(py))
    }

    fn dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (n, a) in &self.columns {
            d.set_item(n, a.bind(py))?;
        }
        Ok(d)
    }
}

#[pymethods]
impl RunResult {
    /// The experiment's name.
    #[getter]
    fn name(&self) -> &str {
        &self.name
    }

    /// The model's name.
    #[getter]
    fn model(&self) -> &str {
        &self.model
    }

    /// The column names, in order: the CSV file's header.
    #[getter]
    fn columns(&self) -> Vec<String> {
        self.columns.iter().map(|(n, _)| n.clone()).collect()
    }

    /// The records as a dict of numpy arrays (int64 index columns; each variable in its own
    /// type: float64, int64 or bool), in column order.
    #[getter]
    fn records<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.dict(py)
    }

    /// The summary, as `summary.json` holds it.
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.summary_dict(py).cloned()
    }

    /// The failed runs (the summary's `failures`): each a dict with its subset, run, timestep,
    /// substep and error.
    #[getter]
    fn failures<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let f = self.summary_dict(py)?.get_item("failures")?;
        Ok(f.cast_into::<PyList>()?)
    }

    /// The records as a pandas DataFrame, the columns and dtypes of the CSV file read back
    /// (`pandas.read_csv`), without a file.
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pd = py.import("pandas")?;
        let kw = PyDict::new(py);
        kw.set_item("copy", false)?;
        pd.getattr("DataFrame")?.call((self.dict(py)?,), Some(&kw))
    }

    /// The records as a polars DataFrame, without a file.
    fn to_polars<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py.import("polars")?
            .getattr("DataFrame")?
            .call1((self.dict(py)?,))
    }

    fn __len__(&self) -> usize {
        self.rows
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let s = self.summary_dict(py).ok();
        let get = |k: &str| {
            s.and_then(|s| s.get_item(k).ok())
                .map_or_else(|| "?".to_owned(), |v| v.to_string())
        };
        format!(
            "<RunResult {} (model {}): {} records, {} runs completed, {} failed>",
            self.name,
            self.model,
            self.rows,
            get("runs_completed"),
            get("runs_failed")
        )
    }
}
