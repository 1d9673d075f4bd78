//! A registry's models in a Python module: what `import tokensim` gives for the built-in models,
//! and what a user's crate gives for its own (`tokensim new NAME --python`), through the same
//! function, [`add_simulations`]. Behind the `python` feature.
//!
//! The module gets `run`, `falsify`, `experiments`, `models` and `show`, the [`RunResult`] class
//! and the `TokensimError` exception (a `ValueError`). `run` drives the same registry, job,
//! engine and summary as `tokensim run`, into memory ([`ModelSpec::run_in_memory`]), with the
//! GIL released; its records become numpy arrays without a copy, and pandas or polars
//! DataFrames without a file. A progress bar (tqdm's when it is installed) appears when a run
//! takes longer than a moment; Ctrl-C (KeyboardInterrupt) stops the engine and returns nothing.
//!
//! The items are re-exported at the crate's root ([`add_simulations`], with its example).
//!
//! [`ModelSpec::run_in_memory`]: crate::ModelSpec::run_in_memory

mod args;
mod progress;
mod result;

use std::time::Duration;

use pyo3::exceptions::{PyKeyboardInterrupt, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

pub use numpy;
pub use pyo3;
pub use result::RunResult;

use crate::registry::Registry;
use crate::run::memory::MemoryRun;

pyo3::create_exception!(
    tokensim,
    TokensimError,
    PyValueError,
    "An experiment tokensim cannot run, or a model that failed it: the message says what was wrong."
);

/// The models and experiments of a Python module: the object behind its functions.
#[pyclass(frozen, module = "tokensim", name = "Simulations")]
pub struct Simulations {
    registry: Registry,
}

/// Adds `run`, `falsify`, `experiments`, `models`, `show`, `RunResult` and `TokensimError` to
/// the module `m`, for the models and experiments `register` registers.
///
/// A user's extension module is this one call, built with maturin (`tokensim new NAME
/// --python` writes it, with its `pyproject.toml`); not run here, as it needs a Python with
/// numpy to import it:
///
/// ```no_run
/// use tokensim::pyo3;
/// use pyo3::prelude::*;
///
/// fn register(registry: &mut tokensim::Registry) {
///     // registry.model(…);
/// #   let _ = registry;
/// }
///
/// #[pymodule]
/// #[pyo3(crate = "tokensim::pyo3")]
/// fn my_model(m: &Bound<'_, PyModule>) -> PyResult<()> {
///     tokensim::add_simulations(m, register)
/// }
/// ```
///
/// And from Python:
///
/// ```text
/// import my_model
/// result = my_model.run("my-experiment", runs=100, seed=1)
/// df = result.to_pandas()          # or result.to_polars()
/// result.summary["runs_completed"], result.failures
/// ```
///
/// # Errors
/// A registration that names a model or an experiment twice ([`Registry::check`]), as
/// `TokensimError`; Python's errors adding the attributes.
pub fn add_simulations(m: &Bound<'_, PyModule>, register: fn(&mut Registry)) -> PyResult<()> {
    let py = m.py();
    // numpy's array API, loaded now rather than at the first run's result: loading it runs
    // Python code, and a Ctrl-C landing there would fail inside rust-numpy (a panic) instead
    // of raising KeyboardInterrupt. Without numpy, the import fails here with ImportError.
    py.import("numpy")?;
    drop(numpy::PyArray1::<f64>::zeros(py, 0, false));
    let mut registry = Registry::new();
    register(&mut registry);
    registry.check().map_err(to_py)?;
    let sims = Bound::new(py, Simulations { registry })?;
    for name in ["run", "falsify", "experiments", "models", "show"] {
        m.add(name, sims.getattr(name)?)?;
    }
    m.add("_simulations", sims)?;
    m.add_class::<RunResult>()?;
    m.add("TokensimError", py.get_type::<TokensimError>())?;
    Ok(())
}

/// A tokensim error as `TokensimError`.
pub(crate) fn to_py(e: crate::Error) -> PyErr {
    TokensimError::new_err(e.to_string())
}

#[pymethods]
impl Simulations {
    /// The named experiments, in the order registered.
    fn experiments(&self) -> Vec<String> {
        self.registry
            .experiments()
            .iter()
            .map(|e| e.name().to_owned())
            .collect()
    }

    /// The models, in the order registered.
    fn models(&self) -> Vec<String> {
        self.registry
            .models()
            .iter()
            .map(|m| m.name().to_owned())
            .collect()
    }

    /// The experiment `name` (a named experiment, or a model's starting experiment) as a dict:
    /// what `tokensim show NAME` prints as TOML. Edit it and pass it to `run`.
    fn show<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        let (_, file) = self
            .registry
            .resolve(name)
            .map_err(to_py)?
            .ok_or_else(|| to_py(self.registry.unknown_experiment(name)))?;
        args::file_to_dict(py, &file)
    }

    /// Runs an experiment into memory and returns a `RunResult` (records as numpy arrays, to
    /// pandas or polars; the summary as a dict; the failed runs as a list).
    ///
    /// `experiment` is a named experiment, a model's name, the path of an experiment file, or
    /// a dict as `show` returns. The keywords override the experiment's: `runs`, `timesteps`,
    /// `seed`; `params` and `genesis` (a name to a value or a list of values to sweep);
    /// `fidelity` (`"corrected"` or `"faithful"`); `layout` (`"tokensim"`, or `"cadcad"`:
    /// cadCAD's DataFrame columns); `invariants` (`"substep"`, `"timestep"` or `"off"`).
    /// `threads` (0 for all cores) does not change the records. `progress` shows a bar when
    /// the run takes longer than a moment (tqdm's when installed).
    ///
    /// Raises `TokensimError` for an experiment that cannot run, and `KeyboardInterrupt` when
    /// interrupted (the engine stops; nothing is returned).
    #[pyo3(signature = (experiment, *, runs=None, timesteps=None, seed=None, params=None,
        genesis=None, fidelity=None, threads=0, layout=None, invariants=None,
        check_finite=true, progress=true))]
    #[expect(clippy::too_many_arguments, reason = "Python keyword arguments")]
    fn run(
        &self,
        py: Python<'_>,
        experiment: &Bound<'_, PyAny>,
        runs: Option<usize>,
        timesteps: Option<usize>,
        seed: Option<u64>,
        params: Option<&Bound<'_, PyDict>>,
        genesis: Option<&Bound<'_, PyDict>>,
        fidelity: Option<&str>,
        threads: usize,
        layout: Option<&str>,
        invariants: Option<&str>,
        check_finite: bool,
        progress: bool,
    ) -> PyResult<RunResult> {
        let (name, mut file) = args::experiment(&self.registry, experiment)?;
        args::Overrides {
            runs,
            timesteps,
            seed,
            params,
            genesis,
            fidelity,
            layout,
            invariants,
        }
        .apply(&mut file)?;
        let spec = self.registry.model_named(&file.model).map_err(to_py)?;
        let options = MemoryRun {
            threads,
            check_finite,
            ..MemoryRun::default()
        };
        let done = progress::run_detached(py, &name, progress, |hooks| {
            spec.run_in_memory(&file, &options, hooks)
        })?;
        RunResult::new(py, name, file.model.clone(), done.map_err(to_py)?)
    }

    /// Searches the experiment's `[search]` space for a counterexample to its model's
    /// invariants (`tokensim falsify`). Returns `None` when none was found in `cases` cases,
    /// or a dict: the `invariant`, its `message`, the `timestep` and `substep` where it broke,
    /// the run's `seed` and `timesteps`, the searched `values`, the `state` there, the
    /// search's `report`, and `experiment`, a dict that `run` replays (it fails there).
    #[pyo3(signature = (experiment, *, invariants=None, cases=None, seed=None, timesteps=None,
        fidelity=None, time_limit=None))]
    #[expect(clippy::too_many_arguments, reason = "Python keyword arguments")]
    fn falsify<'py>(
        &self,
        py: Python<'py>,
        experiment: &Bound<'py, PyAny>,
        invariants: Option<Vec<String>>,
        cases: Option<u32>,
        seed: Option<u64>,
        timesteps: Option<usize>,
        fidelity: Option<&str>,
        time_limit: Option<f64>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let (_, mut file) = args::experiment(&self.registry, experiment)?;
        args::Overrides {
            timesteps,
            fidelity,
            ..args::Overrides::default()
        }
        .apply(&mut file)?;
        if let Some(only) = invariants {
            file.invariants.only = only;
        }
        if file.invariants.check == sim_core::InvariantCheck::Off {
            file.invariants.check = sim_core::InvariantCheck::Substep;
        }
        let time_limit = time_limit
            .map(|s| {
                Duration::try_from_secs_f64(s).map_err(|_| {
                    PyValueError::new_err(format!("time_limit {s} is not a duration in seconds"))
                })
            })
            .transpose()?;
        let spec = self.registry.model_named(&file.model).map_err(to_py)?;
        let found = py
            .detach(|| spec.falsify(&file, cases, seed, time_limit))
            .map_err(to_py)?;
        let (Some(c), Some(replay)) = (&found.report.counterexample, &found.replay) else {
            return Ok(None);
        };
        let d = PyDict::new(py);
        d.set_item("invariant", c.invariant.clone())?;
        d.set_item("message", &c.message)?;
        d.set_item("error", &c.error)?;
        d.set_item("timestep", c.timestep)?;
        d.set_item("substep", c.substep)?;
        d.set_item("seed", c.seed)?;
        d.set_item("timesteps", c.timesteps)?;
        let values = PyDict::new(py);
        for (k, v) in &c.values {
            values.set_item(k, args::value_to_py(py, *v)?)?;
        }
        d.set_item("values", values)?;
        let state = PyDict::new(py);
        for (k, v) in &c.state {
            state.set_item(*k, args::value_to_py(py, *v)?)?;
        }
        d.set_item("state", state)?;
        d.set_item("report", found.report.to_string())?;
        d.set_item("experiment", args::file_to_dict(py, replay)?)?;
        Ok(Some(d.into_any()))
    }

    fn __repr__(&self) -> String {
        format!(
            "<tokensim simulations: models [{}]; experiments [{}]>",
            self.models().join(", "),
            self.experiments().join(", ")
        )
    }
}

/// `KeyboardInterrupt`, for a run that was stopped.
pub(crate) fn interrupted(name: &str) -> PyErr {
    PyKeyboardInterrupt::new_err(format!("{name}: interrupted; nothing was returned"))
}
