//! Python's arguments to a run: the experiment (a name, a path or a dict) and the keyword
//! overrides, applied to the experiment file as the command line's flags are.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use sim_core::{Fidelity, InvariantCheck, Value};

use crate::experiment::{ExperimentFile, GenesisValue, Scalar, layout_words};
use crate::registry::Registry;

use super::to_py;

/// The experiment `given` names, with its name: a registered name or a path (`str` or
/// `os.PathLike`), or a dict as `show` returns (named after its model).
pub(super) fn experiment(
    registry: &Registry,
    given: &Bound<'_, PyAny>,
) -> PyResult<(String, ExperimentFile)> {
    if let Ok(d) = given.cast::<PyDict>() {
        let py = given.py();
        let text: String = py.import("json")?.call_method1("dumps", (d,))?.extract()?;
        let file: ExperimentFile = serde_json::from_str(&text).map_err(|e| {
            to_py(crate::Error::ExperimentFile {
                origin: "the experiment dict".to_owned(),
                place: String::new(),
                message: e.to_string(),
            })
        })?;
        return Ok((file.model.clone(), file));
    }
    let path: String = if given.is_instance_of::<PyString>() {
        given.extract()?
    } else if given.hasattr("__fspath__")? {
        given.call_method0("__fspath__")?.extract()?
    } else {
        return Err(PyTypeError::new_err(format!(
            "experiment must be a name, a path or a dict, not {}",
            given.get_type().name()?
        )));
    };
    registry.load(&path).map_err(to_py)
}

/// The experiment file as a dict (through JSON: tables become dicts, lists lists).
pub(super) fn file_to_dict<'py>(
    py: Python<'py>,
    file: &ExperimentFile,
) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(file)
        .map_err(|e| PyValueError::new_err(format!("cannot convert the experiment: {e}")))?;
    py.import("json")?.call_method1("loads", (text,))
}

/// A value of the engine as a Python `float`, `int`, `bool` or `decimal.Decimal`.
pub(super) fn value_to_py(py: Python<'_>, v: Value) -> PyResult<Bound<'_, PyAny>> {
    Ok(match v {
        Value::F64(f) => PyFloat::new(py, f).into_any(),
        Value::I64(i) => i.into_pyobject(py)?.into_any(),
        Value::Bool(b) => PyBool::new(py, b).to_owned().into_any(),
        Value::Decimal(d) => py
            .import("decimal")?
            .getattr("Decimal")?
            .call1((d.to_string(),))?,
    })
}

/// A Python `bool`, `int` or `float` as an experiment file's scalar.
fn scalar(name: &str, v: &Bound<'_, PyAny>) -> PyResult<Scalar> {
    if v.is_instance_of::<PyBool>() {
        return Ok(Scalar::Bool(v.extract()?));
    }
    if v.is_instance_of::<PyInt>() {
        return v.extract::<i64>().map(Scalar::Int).map_err(|_| {
            PyValueError::new_err(format!("{name}: {v} does not fit in a 64-bit integer"))
        });
    }
    // floats, and numpy scalars and anything else with __float__
    v.extract::<f64>().map(Scalar::Float).map_err(|_| {
        PyTypeError::new_err(format!(
            "{name}: expected a number or a boolean, not {}",
            v.get_type()
                .name()
                .map_or_else(|_| "?".to_owned(), |n| n.to_string())
        ))
    })
}

/// One value, or a list, a tuple or an array (numpy's, a pandas Series) of values; `true` when
/// it was several.
fn scalars(name: &str, v: &Bound<'_, PyAny>) -> PyResult<(Vec<Scalar>, bool)> {
    let items = if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        v.clone()
    } else if v.hasattr("__len__")? && v.hasattr("tolist")? {
        v.call_method0("tolist")?
    } else {
        return Ok((vec![scalar(name, v)?], false));
    };
    let list: Vec<Scalar> = items
        .try_iter()?
        .map(|x| scalar(name, &x?))
        .collect::<PyResult<_>>()?;
    if list.is_empty() {
        return Err(PyValueError::new_err(format!(
            "{name}: an empty list of values"
        )));
    }
    Ok((list, true))
}

/// The keyword overrides of `run` and `falsify`.
#[derive(Default)]
pub(super) struct Overrides<'a, 'py> {
    pub(super) runs: Option<usize>,
    pub(super) timesteps: Option<usize>,
    pub(super) seed: Option<u64>,
    pub(super) params: Option<&'a Bound<'py, PyDict>>,
    pub(super) genesis: Option<&'a Bound<'py, PyDict>>,
    pub(super) fidelity: Option<&'a str>,
    pub(super) layout: Option<&'a str>,
    pub(super) invariants: Option<&'a str>,
}

impl Overrides<'_, '_> {
    /// Applies the overrides to `file`, or changes nothing and says what was wrong.
    pub(super) fn apply(&self, file: &mut ExperimentFile) -> PyResult<()> {
        let word = |e: &dyn std::fmt::Display| PyValueError::new_err(e.to_string());
        let layout = self
            .layout
            .map(layout_words::parse)
            .transpose()
            .map_err(PyValueError::new_err)?;
        let settings = crate::Overrides {
            runs: self.runs,
            timesteps: self.timesteps,
            seed: self.seed,
            fidelity: self
                .fidelity
                .map(str::parse::<Fidelity>)
                .transpose()
                .map_err(|e| word(&e))?,
            layout,
            format: None,
            invariants: self
                .invariants
                .map(str::parse::<InvariantCheck>)
                .transpose()
                .map_err(|e| word(&e))?,
        };
        let mut next = file.clone();
        next.apply(&settings);
        if let Some(params) = self.params {
            for (k, v) in params.iter() {
                let name: String = k.extract()?;
                let (values, _) = scalars(&name, &v)?;
                next.params.insert(name, values);
            }
        }
        if let Some(genesis) = self.genesis {
            for (k, v) in genesis.iter() {
                let name: String = k.extract()?;
                let (values, list) = scalars(&name, &v)?;
                let value = match (list, values.as_slice()) {
                    (false, [one]) => GenesisValue::One(*one),
                    _ => GenesisValue::Sweep(values),
                };
                next.genesis.insert(name, value);
            }
        }
        *file = next;
        Ok(())
    }
}
