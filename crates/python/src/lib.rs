//! The `tokensim` Python package's extension module, `tokensim._tokensim`: the built-in models'
//! simulations through [`tokensim::add_simulations`] (the same function a user's own
//! model crate calls), and the math crates with Python types in and out, in the submodules
//! `amm`, `carbon`, `notional` and `fei`. Built by maturin (`pip install ./crates/python`);
//! tested from Python by `cargo xtask python` (`python/tests`, and `examples/honey.ipynb`).

mod amm;
mod carbon;
mod carbon_ui;
mod fei;
mod notional;

use pyo3::prelude::*;

/// mimalloc, as the `tokensim` binary has: the engine's workers allocate each run's records
/// and another thread frees them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A `fidelity="corrected" | "faithful"` argument as one crate's `Fidelity` (the math crates
/// share no crate, so each has its own enum).
pub(crate) fn fidelity<F>(given: &str, corrected: F, faithful: F) -> PyResult<F> {
    match given {
        "corrected" => Ok(corrected),
        "faithful" => Ok(faithful),
        _ => Err(pyo3::exceptions::PyValueError::new_err(format!(
            "fidelity must be \"corrected\" or \"faithful\", not {given:?}"
        ))),
    }
}

/// `tokensim._tokensim`.
#[pymodule]
fn _tokensim(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    tokensim::add_simulations(m, tokensim::builtins::register)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    let modules = py.import("sys")?.getattr("modules")?;
    for sub in [
        amm::module(py)?,
        carbon::module(py)?,
        notional::module(py)?,
        fei::module(py)?,
    ] {
        let name = sub.name()?.to_string();
        // `from tokensim._tokensim.amm import …` works, as for a package's submodule.
        modules.set_item(format!("tokensim._tokensim.{name}"), &sub)?;
        m.add_submodule(&sub)?;
    }
    Ok(())
}
