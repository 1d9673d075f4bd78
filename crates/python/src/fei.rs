//! `tokensim.fei`: Fei's capital-allocation rebalancing (`fei_cam`): the rebalance of deposit
//! balances toward target weights, in the seed's way (`fidelity="faithful"`: the pseudo-inverse
//! of the constrained incidence matrix and the seed's transfer loop) or corrected (the
//! default: the net changes applied directly), and the target weights (endogenous: yield over
//! risk; exogenous: a perturbation of the current weights).

use fei_cam::{CamError, Fidelity};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

pyo3::create_exception!(
    fei,
    FeiError,
    PyValueError,
    "A rebalance or weights the model refuses: lengths that differ, negative or non-finite balances, weights that do not sum."
);

fn err(e: CamError) -> PyErr {
    FeiError::new_err(e.to_string())
}

fn fidelity(f: &str) -> PyResult<Fidelity> {
    crate::fidelity(f, Fidelity::Corrected, Fidelity::Faithful)
}

/// Rebalances `balances` toward `target_weights` at `rate` (1 moves all the way). Returns a
/// dict: `change` (each deposit's balance change), `deltas` (the flows on the complete
/// graph's edges), `matrix` (the seed's rebalance matrix, rows), `transfers` (`(from, to,
/// amount, requested)` in order), `balances_before` and `balances_after`.
#[pyfunction]
#[pyo3(signature = (balances, target_weights, rate=1.0, fidelity="corrected"))]
fn rebalance<'py>(
    py: Python<'py>,
    balances: Vec<f64>,
    target_weights: Vec<f64>,
    rate: f64,
    fidelity: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let f = self::fidelity(fidelity)?;
    let r = py
        .detach(|| fei_cam::rebalance(&balances, &target_weights, rate, f))
        .map_err(err)?;
    let d = PyDict::new(py);
    d.set_item("change", r.change)?;
    d.set_item("deltas", r.deltas)?;
    let rows: Vec<Vec<f64>> = r
        .matrix
        .row_iter()
        .map(|row| row.iter().copied().collect())
        .collect();
    d.set_item("matrix", rows)?;
    let transfers: Vec<(usize, usize, f64, f64)> = r
        .transfers
        .iter()
        .map(|t| (t.from, t.to, t.amount, t.requested))
        .collect();
    d.set_item("transfers", transfers)?;
    d.set_item("balances_before", r.balances_before)?;
    d.set_item("balances_after", r.balances_after)?;
    Ok(d)
}

/// The seed's `compute_capital_allocation_rebalance_matrix`: the balance changes, the edge
/// flows (`deltas`, by the pseudo-inverse) and the rebalance matrix (rows), as a dict.
#[pyfunction]
fn rebalance_matrix<'py>(
    py: Python<'py>,
    target_weights: Vec<f64>,
    current_weights: Vec<f64>,
    total_fei: f64,
    rebalance_rate: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let p = fei_cam::compute_capital_allocation_rebalance_matrix(
        &target_weights,
        &current_weights,
        total_fei,
        rebalance_rate,
    )
    .map_err(err)?;
    let d = PyDict::new(py);
    d.set_item("change", p.change)?;
    d.set_item("deltas", p.deltas)?;
    let rows: Vec<Vec<f64>> = p
        .matrix
        .row_iter()
        .map(|row| row.iter().copied().collect())
        .collect();
    d.set_item("matrix", rows)?;
    Ok(d)
}

/// The current weights of `balances` and their total.
#[pyfunction]
fn current_weights(balances: Vec<f64>) -> PyResult<(Vec<f64>, f64)> {
    fei_cam::current_weights(&balances).map_err(err)
}

/// The endogenous target weights: each deposit's moving-average yield (over `window` rows of
/// `history`, one row per timestep) over its risk, normalised.
#[pyfunction]
#[pyo3(signature = (history, volatile_asset_risk, window, fidelity="corrected"))]
fn endogenous_weights(
    history: Vec<Vec<f64>>,
    volatile_asset_risk: Vec<f64>,
    window: usize,
    fidelity: &str,
) -> PyResult<Vec<f64>> {
    fei_cam::endogenous_weights(
        &history,
        &volatile_asset_risk,
        window,
        self::fidelity(fidelity)?,
    )
    .map_err(err)
}

/// The exogenous target weights: the current weights moved by `perturbation` at `rate`,
/// normalised.
#[pyfunction]
#[pyo3(signature = (current_weights, perturbation, rate, fidelity="corrected"))]
fn exogenous_target_weights(
    current_weights: Vec<f64>,
    perturbation: Vec<f64>,
    rate: f64,
    fidelity: &str,
) -> PyResult<Vec<f64>> {
    fei_cam::exogenous_target_weights(
        &current_weights,
        &perturbation,
        rate,
        self::fidelity(fidelity)?,
    )
    .map_err(err)
}

/// The `tokensim.fei` module.
pub(crate) fn module(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    let m = PyModule::new(py, "fei")?;
    m.add_function(wrap_pyfunction!(rebalance, &m)?)?;
    m.add_function(wrap_pyfunction!(rebalance_matrix, &m)?)?;
    m.add_function(wrap_pyfunction!(current_weights, &m)?)?;
    m.add_function(wrap_pyfunction!(endogenous_weights, &m)?)?;
    m.add_function(wrap_pyfunction!(exogenous_target_weights, &m)?)?;
    m.add("FeiError", py.get_type::<FeiError>())?;
    Ok(m)
}
