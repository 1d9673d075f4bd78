//! stub
use pyo3::prelude::*;
pub(crate) fn module(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> { PyModule::new(py, "fei") }
