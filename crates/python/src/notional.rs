//! `tokensim.notional`: Notional's logit-curve fixed-rate market (`notional`). The SDK gist's
//! `Market` bit for bit (`GistMarket`, from the SDK's JSON: `market`, `rateParams`,
//! `cashGroup`, `maturity`), and the v1 and v2 contracts' quotes and rates on markets given as
//! dicts (the crate's serde field names; `v1_market`/`v2_market` examples are in the tests).
//! Amounts are Python `int`s.

use notional::gist::{CashGroup, Market, MarketData, RateParams};
use notional::{NotionalError as Error, v1, v2};
use num_bigint::BigInt;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde::Serialize;
use serde::de::DeserializeOwned;

pyo3::create_exception!(
    notional,
    NotionalError,
    PyValueError,
    "A quote or a rate the market refuses (the contract's revert or the SDK's error): the message names it."
);

fn err(e: Error) -> PyErr {
    NotionalError::new_err(format!("{} ({})", e, e.kind()))
}

/// A dict as `T`, through JSON.
fn from_dict<T: DeserializeOwned>(what: &str, d: &Bound<'_, PyAny>) -> PyResult<T> {
    let text: String = d
        .py()
        .import("json")?
        .call_method1("dumps", (d,))?
        .extract()?;
    serde_json::from_str(&text).map_err(|e| PyValueError::new_err(format!("{what}: {e}")))
}

/// `T` as a dict, through JSON.
fn to_dict<'py, T: Serialize>(py: Python<'py>, v: &T) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(v).map_err(|e| PyValueError::new_err(e.to_string()))?;
    py.import("json")?.call_method1("loads", (text,))
}

/// The SDK gist's `Market` calculator: rates and quotes exactly as the TypeScript computes
/// them (decimal.js at 18 digits, JavaScript's floats).
#[pyclass(frozen, module = "tokensim.notional")]
pub(crate) struct GistMarket {
    inner: Market,
}

#[pymethods]
impl GistMarket {
    /// A market from the SDK's JSON as a dict: `{"market": {...}, "rateParams": {...},
    /// "cashGroup": {...}, "maturity": ...}` (big numbers as decimal strings or ints).
    #[new]
    fn new(spec: &Bound<'_, PyDict>) -> PyResult<Self> {
        let get = |k: &str| {
            spec.get_item(k)?
                .ok_or_else(|| PyValueError::new_err(format!("the market needs `{k}`")))
        };
        let market: MarketData = from_dict("market", &stringify_ints(&get("market")?)?)?;
        let rate_params: RateParams =
            from_dict("rateParams", &stringify_ints(&get("rateParams")?)?)?;
        let cash_group: CashGroup = from_dict("cashGroup", &get("cashGroup")?)?;
        let maturity: f64 = get("maturity")?.extract()?;
        Ok(Self {
            inner: Market::new(market, rate_params, cash_group, maturity),
        })
    }

    /// `marketExchangeRate(blockTime)`.
    fn market_exchange_rate(&self, block_time: f64) -> PyResult<f64> {
        self.inner.market_exchange_rate(block_time).map_err(err)
    }
    /// `marketImpliedRate(blockTime)`.
    fn market_implied_rate(&self, block_time: f64) -> PyResult<f64> {
        self.inner.market_implied_rate(block_time).map_err(err)
    }
    /// `exchangeRate(fCashAmount, cashAmount)`.
    fn exchange_rate(&self, fcash_amount: BigInt, cash_amount: BigInt) -> PyResult<f64> {
        self.inner
            .exchange_rate(&fcash_amount, &cash_amount)
            .map_err(err)
    }
    /// `getfCashToCurrentCashInput(fCashAmount, blockTime)`: the cash a borrower receives.
    fn fcash_to_current_cash_input(
        &self,
        fcash_amount: BigInt,
        block_time: f64,
    ) -> PyResult<BigInt> {
        self.inner
            .fcash_to_current_cash_input(&fcash_amount, block_time)
            .map_err(err)
    }
    /// `getCurrentCashTofCashOutput(fCashAmount, blockTime)`: the cash a lender pays.
    fn current_cash_to_fcash_output(
        &self,
        fcash_amount: BigInt,
        block_time: f64,
    ) -> PyResult<BigInt> {
        self.inner
            .current_cash_to_fcash_output(&fcash_amount, block_time)
            .map_err(err)
    }
    /// `getfCashToCurrentCashOutput(cashAmount, blockTime)`: the fCash to borrow `cash_amount`
    /// (iterated, at most 5000 times), and the iterations.
    fn fcash_to_current_cash_output(
        &self,
        cash_amount: BigInt,
        block_time: f64,
    ) -> PyResult<(BigInt, u32)> {
        let q = self
            .inner
            .fcash_to_current_cash_output(&cash_amount, block_time)
            .map_err(err)?;
        Ok((q.amount, q.iterations))
    }
    /// `getCurrentCashTofCashInput(cashAmount, blockTime)`: the fCash `cash_amount` lends for,
    /// and the iterations.
    fn current_cash_to_fcash_input(
        &self,
        cash_amount: BigInt,
        block_time: f64,
    ) -> PyResult<(BigInt, u32)> {
        let q = self
            .inner
            .current_cash_to_fcash_input(&cash_amount, block_time)
            .map_err(err)?;
        Ok((q.amount, q.iterations))
    }
    /// `getTokensMinted(cashAmount)`.
    fn tokens_minted(&self, cash_amount: BigInt) -> PyResult<BigInt> {
        self.inner.tokens_minted(&cash_amount).map_err(err)
    }
    /// `getfCashForLiquidity(cashAmount)`.
    fn fcash_for_liquidity(&self, cash_amount: BigInt) -> PyResult<BigInt> {
        self.inner.fcash_for_liquidity(&cash_amount).map_err(err)
    }
    /// The market as the SDK's JSON.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.inner)
    }
}

/// The dict with its `int` values as decimal strings (the SDK's JSON writes big numbers as
/// strings; a Python caller may give either).
fn stringify_ints<'py>(d: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let out = PyDict::new(d.py());
    for (k, v) in d.cast::<PyDict>()?.iter() {
        let big =
            v.is_instance_of::<pyo3::types::PyInt>() && !v.is_instance_of::<pyo3::types::PyBool>();
        if big && v.extract::<i64>().is_err() {
            out.set_item(k, v.str()?)?;
        } else {
            out.set_item(k, v)?;
        }
    }
    Ok(out.into_any())
}

/// A v1 market and its governance from dicts.
fn v1_parts(
    market: &Bound<'_, PyAny>,
    governance: &Bound<'_, PyAny>,
) -> PyResult<(v1::CashMarket, v1::Governance)> {
    Ok((
        from_dict("market", market)?,
        from_dict("governance", governance)?,
    ))
}

/// v1 `CashMarket.getRate(maturity)` at `block_time`: the mid exchange rate (1e9 at par).
#[pyfunction]
fn v1_rate(
    market: &Bound<'_, PyAny>,
    governance: &Bound<'_, PyAny>,
    maturity: u32,
    block_time: u32,
) -> PyResult<u32> {
    let (m, g) = v1_parts(market, governance)?;
    m.rate(&g, maturity, block_time).map_err(err)
}

/// v1 `_getImpliedRate`: the market's annualised implied rate at `time_to_maturity`.
#[pyfunction]
fn v1_implied_rate(
    market: &Bound<'_, PyAny>,
    governance: &Bound<'_, PyAny>,
    time_to_maturity: u32,
) -> PyResult<u32> {
    let (m, g) = v1_parts(market, governance)?;
    m.implied_rate(&g, time_to_maturity).map_err(err)
}

/// v1 `getfCashToCurrentCash`: the cash a borrower of `fcash` receives.
#[pyfunction]
fn v1_fcash_to_current_cash(
    market: &Bound<'_, PyAny>,
    governance: &Bound<'_, PyAny>,
    maturity: u32,
    fcash: u128,
    block_time: u32,
) -> PyResult<u128> {
    let (m, g) = v1_parts(market, governance)?;
    m.fcash_to_current_cash(&g, maturity, fcash, block_time)
        .map_err(err)
}

/// v1 `getCurrentCashTofCash`: the cash a lender of `fcash` pays.
#[pyfunction]
fn v1_current_cash_to_fcash(
    market: &Bound<'_, PyAny>,
    governance: &Bound<'_, PyAny>,
    maturity: u32,
    fcash: u128,
    block_time: u32,
) -> PyResult<u128> {
    let (m, g) = v1_parts(market, governance)?;
    m.current_cash_to_fcash(&g, maturity, fcash, block_time)
        .map_err(err)
}

/// v1 `_tradeCalculation`: the market after trading `fcash_amount` (positive: the market takes
/// fCash) and the cash that changes hands.
#[pyfunction]
fn v1_trade<'py>(
    py: Python<'py>,
    market: &Bound<'py, PyAny>,
    governance: &Bound<'py, PyAny>,
    fcash_amount: i128,
    time_to_maturity: u32,
) -> PyResult<(Bound<'py, PyAny>, u128)> {
    let (m, g) = v1_parts(market, governance)?;
    let (after, cash) = m
        .trade_calculation(&g, fcash_amount, time_to_maturity)
        .map_err(err)?;
    Ok((to_dict(py, &after)?, cash))
}

/// v2 `calculateTrade`: trades `fcash_to_account` (positive: the account lends) at
/// `time_to_maturity` and `block_time`; returns the market after and the cash flows
/// (`net_cash_to_account`, `net_cash_to_market`, `cash_to_reserve`).
#[pyfunction]
fn v2_trade<'py>(
    py: Python<'py>,
    market: &Bound<'py, PyAny>,
    cash_group: &Bound<'py, PyAny>,
    fcash_to_account: i128,
    time_to_maturity: u32,
    block_time: u32,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyDict>)> {
    let mut m: v2::Market = from_dict("market", market)?;
    let cg: v2::CashGroup = from_dict("cash_group", cash_group)?;
    let t = m
        .calculate_trade(&cg, fcash_to_account, time_to_maturity, block_time)
        .map_err(err)?;
    let d = PyDict::new(py);
    d.set_item("net_cash_to_account", t.net_cash_to_account)?;
    d.set_item("net_cash_to_market", t.net_cash_to_market)?;
    d.set_item("cash_to_reserve", t.cash_to_reserve)?;
    Ok((to_dict(py, &m)?, d))
}

/// v2's oracle rate at `block_time`: the time-weighted average of the implied rate over the
/// cash group's window.
#[pyfunction]
fn v2_oracle_rate(
    market: &Bound<'_, PyAny>,
    cash_group: &Bound<'_, PyAny>,
    block_time: u32,
) -> PyResult<u32> {
    let m: v2::Market = from_dict("market", market)?;
    let cg: v2::CashGroup = from_dict("cash_group", cash_group)?;
    m.oracle_rate_at(&cg, block_time).map_err(err)
}

/// The `tokensim.notional` module.
pub(crate) fn module(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    let m = PyModule::new(py, "notional")?;
    m.add_class::<GistMarket>()?;
    m.add_function(wrap_pyfunction!(v1_rate, &m)?)?;
    m.add_function(wrap_pyfunction!(v1_implied_rate, &m)?)?;
    m.add_function(wrap_pyfunction!(v1_fcash_to_current_cash, &m)?)?;
    m.add_function(wrap_pyfunction!(v1_current_cash_to_fcash, &m)?)?;
    m.add_function(wrap_pyfunction!(v1_trade, &m)?)?;
    m.add_function(wrap_pyfunction!(v2_trade, &m)?)?;
    m.add_function(wrap_pyfunction!(v2_oracle_rate, &m)?)?;
    m.add("NotionalError", py.get_type::<NotionalError>())?;
    Ok(m)
}
