//! `tokensim.carbon`: Bancor Carbon's orders (`carbon_orders`). Encoded orders with the
//! contract's integers (`Order`: from rates, from prices in token units with decimals, trades
//! by source and by target amount), carbon-sdk's Fast/Best matching, and `CarbonOrderUI`: the
//! float order of carbon-simulator with its constructor, property and method names, so that
//! notebook code ports by changing the import. Integers beyond 64 bits are Python `int`s;
//! exact prices are `fractions.Fraction`s.

use carbon_orders::{
    CarbonError as Error, Decimals, EncodedOrder, Fidelity, MatchAction, PriceRange, Ratio, Side,
    TradeBy, match_amount,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

pyo3::create_exception!(
    carbon,
    CarbonError,
    PyValueError,
    "An order or a trade that Carbon's math refuses: the message says why (the contract's or the SDK's rule)."
);

pub(crate) fn err(e: Error) -> PyErr {
    CarbonError::new_err(e.to_string())
}

/// A number given as `int`, `str`, `Decimal` or `float`, as decimal text.
fn text(v: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(v.str()?.to_string())
}

fn fidelity(f: &str) -> PyResult<Fidelity> {
    crate::fidelity(f, Fidelity::Corrected, Fidelity::Faithful)
}

fn side(s: &str) -> PyResult<Side> {
    match s {
        "sell" => Ok(Side::Sell),
        "buy" => Ok(Side::Buy),
        _ => Err(PyValueError::new_err(format!(
            "side must be \"sell\" (the order sells the base token) or \"buy\", not {s:?}"
        ))),
    }
}

fn fraction<'py>(py: Python<'py>, r: &Ratio) -> PyResult<Bound<'py, PyAny>> {
    let int = |t: String| py.import("builtins")?.getattr("int")?.call1((t,));
    py.import("fractions")?
        .getattr("Fraction")?
        .call1((int(r.num.to_string())?, int(r.den.to_string())?))
}

/// An order as the contract stores it: liquidity `y`, capacity `z`, and the compressed
/// square roots of the rates' width `a` and lowest rate `b` (48 fractional bits, compressed).
#[pyclass(frozen, get_all, module = "tokensim.carbon")]
#[derive(Clone)]
pub(crate) struct Order {
    /// Liquidity, in wei of the token sold.
    y: u128,
    /// Capacity: the liquidity at which the marginal rate is the highest.
    z: u128,
    /// `√H − √L`, encoded.
    a: u64,
    /// `√L`, encoded.
    b: u64,
}

impl Order {
    fn encoded(&self) -> EncodedOrder {
        EncodedOrder {
            y: self.y,
            z: self.z,
            a: self.a,
            b: self.b,
        }
    }
    fn of(o: EncodedOrder) -> Self {
        Self {
            y: o.y,
            z: o.z,
            a: o.a,
            b: o.b,
        }
    }
}

#[pymethods]
impl Order {
    /// An order from its encoded integers.
    #[new]
    fn new(y: u128, z: u128, a: u64, b: u64) -> Self {
        Self { y, z, a, b }
    }

    /// An order from decimal rates, as carbon-sdk's test vectors give them: the liquidity
    /// (wei), and the lowest, highest and marginal rates (wei of the target per wei of the
    /// source), each an `int`, `str` or `Decimal`.
    #[staticmethod]
    fn from_rates(
        liquidity: &Bound<'_, PyAny>,
        lowest_rate: &Bound<'_, PyAny>,
        highest_rate: &Bound<'_, PyAny>,
        marginal_rate: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        EncodedOrder::from_rates(
            &text(liquidity)?,
            &text(lowest_rate)?,
            &text(highest_rate)?,
            &text(marginal_rate)?,
        )
        .map(Self::of)
        .map_err(err)
    }

    /// An order from prices in token units (quote per base), as carbon-sdk's
    /// `createBuySellStrategy` takes them: `side` `"sell"` (sells the base token) or `"buy"`,
    /// `low ≤ marginal ≤ high`, the `budget` in units of the token sold, and each token's
    /// decimals.
    #[staticmethod]
    #[pyo3(signature = (side, *, low, marginal, high, budget, base_decimals, quote_decimals))]
    fn from_prices(
        side: &str,
        low: &Bound<'_, PyAny>,
        marginal: &Bound<'_, PyAny>,
        high: &Bound<'_, PyAny>,
        budget: &Bound<'_, PyAny>,
        base_decimals: u8,
        quote_decimals: u8,
    ) -> PyResult<Self> {
        let (low, marginal, high, budget) =
            (text(low)?, text(marginal)?, text(high)?, text(budget)?);
        EncodedOrder::from_prices(
            self::side(side)?,
            Decimals {
                base: base_decimals,
                quote: quote_decimals,
            },
            &PriceRange {
                low: &low,
                marginal: &marginal,
                high: &high,
                budget: &budget,
            },
        )
        .map(Self::of)
        .map_err(err)
    }

    /// The order read back in token units: `low`, `marginal`, `high` (quote per base) and
    /// `budget` (units of the token sold), as exact `Fraction`s.
    #[pyo3(signature = (side, *, base_decimals, quote_decimals))]
    fn prices<'py>(
        &self,
        py: Python<'py>,
        side: &str,
        base_decimals: u8,
        quote_decimals: u8,
    ) -> PyResult<Bound<'py, PyDict>> {
        let p = self
            .encoded()
            .prices(
                self::side(side)?,
                Decimals {
                    base: base_decimals,
                    quote: quote_decimals,
                },
            )
            .map_err(err)?;
        let d = PyDict::new(py);
        d.set_item("low", fraction(py, &p.low)?)?;
        d.set_item("marginal", fraction(py, &p.marginal)?)?;
        d.set_item("high", fraction(py, &p.high)?)?;
        d.set_item("budget", fraction(py, &p.budget)?)?;
        Ok(d)
    }

    /// What the order gives for `source_amount` wei of the token it buys (a trade by source
    /// amount), rounded down as the contract does.
    fn target_amount(&self, source_amount: u128) -> PyResult<u128> {
        self.encoded().target_amount(source_amount).map_err(err)
    }

    /// What the order takes for `target_amount` wei of the token it sells (a trade by target
    /// amount), rounded up as the contract does.
    fn source_amount(&self, target_amount: u128) -> PyResult<u128> {
        self.encoded().source_amount(target_amount).map_err(err)
    }

    fn __repr__(&self) -> String {
        format!(
            "Order(y={}, z={}, a={}, b={})",
            self.y, self.z, self.a, self.b
        )
    }

    fn __eq__(&self, other: &Self) -> bool {
        self.encoded() == other.encoded()
    }
}

fn matches<'py>(py: Python<'py>, actions: &[MatchAction]) -> PyResult<Bound<'py, PyList>> {
    PyList::new(py, actions.iter().map(|a| (a.id, a.input, a.output)))
}

fn matched<'py>(
    py: Python<'py>,
    amount: u128,
    orders: Vec<PyRef<'py, Order>>,
    by: TradeBy,
    fidelity: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let orders: Vec<EncodedOrder> = orders.iter().map(|o| o.encoded()).collect();
    let f = self::fidelity(fidelity)?;
    let r = py.detach(|| match_amount(amount, &orders, by, f));
    let d = PyDict::new(py);
    d.set_item("fast", matches(py, &r.fast)?)?;
    d.set_item("best", matches(py, &r.best)?)?;
    Ok(d)
}

/// carbon-sdk's `matchBySourceAmount`: `amount` spread over `orders`, by the Fast and the Best
/// method. Returns `{"fast": [...], "best": [...]}`, each a list of `(id, input, output)`
/// (`id` the order's position). `fidelity="faithful"` is the SDK 0.0.99's answer, which can
/// exceed the amount; `"corrected"` (the default) keeps within it.
#[pyfunction]
#[pyo3(signature = (amount, orders, fidelity="corrected"))]
fn match_by_source_amount<'py>(
    py: Python<'py>,
    amount: u128,
    orders: Vec<PyRef<'py, Order>>,
    fidelity: &str,
) -> PyResult<Bound<'py, PyDict>> {
    matched(py, amount, orders, TradeBy::SourceAmount, fidelity)
}

/// carbon-sdk's `matchByTargetAmount` (see `match_by_source_amount`).
#[pyfunction]
#[pyo3(signature = (amount, orders, fidelity="corrected"))]
fn match_by_target_amount<'py>(
    py: Python<'py>,
    amount: u128,
    orders: Vec<PyRef<'py, Order>>,
    fidelity: &str,
) -> PyResult<Bound<'py, PyDict>> {
    matched(py, amount, orders, TradeBy::TargetAmount, fidelity)
}

/// The `tokensim.carbon` module.
pub(crate) fn module(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    let m = PyModule::new(py, "carbon")?;
    m.add_class::<Order>()?;
    m.add_class::<crate::carbon_ui::OrderUi>()?;
    m.add_function(wrap_pyfunction!(match_by_source_amount, &m)?)?;
    m.add_function(wrap_pyfunction!(match_by_target_amount, &m)?)?;
    m.add("CarbonError", py.get_type::<CarbonError>())?;
    Ok(m)
}
