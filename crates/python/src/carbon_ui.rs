//! `tokensim.carbon.CarbonOrderUI`: carbon-simulator's float order, with its constructors,
//! property and method names, on `carbon_orders::CarbonOrderUi`.

use carbon_orders::{CarbonError as Error, CarbonOrderUi, Pair, SellOptions, UiTrade};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::carbon::err;

/// A pair as carbon-simulator takes it: `"ETH/USDC"` or a `CarbonPair` (its `slashpair`).
fn pair(p: &Bound<'_, PyAny>) -> PyResult<Pair> {
    let s: String = if let Ok(s) = p.extract::<String>() {
        s
    } else {
        p.getattr("slashpair")?.extract()?
    };
    Pair::parse(&s).map_err(err)
}

/// carbon-simulator's `CarbonOrderUI` in float: the same constructors (`from_prices`,
/// `from_BSy`, `from_Qxy`), properties and curve methods. Methods that the simulator lets
/// return `None` on a bad argument do so here too (or raise `CarbonError` with
/// `raiseonerror=True`). Orders are not linked: `selly` and `buyx` return `linked=None`.
#[pyclass(module = "tokensim.carbon", name = "CarbonOrderUI")]
#[derive(Clone)]
pub(crate) struct OrderUi {
    inner: CarbonOrderUi,
}

/// The simulator's answer on a refused argument: `None`, or the error with `raiseonerror`.
fn or_none<T>(r: Result<T, Error>, raise: bool) -> PyResult<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if raise => Err(err(e)),
        Err(_) => Ok(None),
    }
}

fn bounds(checkbounds: bool) -> PyResult<()> {
    if checkbounds {
        Ok(())
    } else {
        Err(PyValueError::new_err(
            "checkbounds=False is not offered: tokensim's curve functions always check their bounds",
        ))
    }
}

fn trade_dict<'py>(py: Python<'py>, t: &UiTrade, action: &str) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    let (tkny, tknx) = (t.order.tkny().to_owned(), t.order.tknx().to_owned());
    d.set_item("action", action)?;
    d.set_item("executed", t.executed)?;
    d.set_item("y_old", t.y_old)?;
    d.set_item("y", t.y)?;
    d.set_item("dy", t.dy)?;
    d.set_item("yint_old", t.yint_old)?;
    d.set_item("y_int", t.yint)?;
    d.set_item("expanded", t.expanded)?;
    d.set_item("x", t.x)?;
    d.set_item("dx", t.dx)?;
    d.set_item("tkny", &tkny)?;
    d.set_item("tknx", &tknx)?;
    let tx = if t.dx > 0.0 {
        format!("Sell {} {tkny} buy {tknx}", t.dy.abs())
    } else {
        format!("Buy {} {tkny} sell {tknx}", t.dy.abs())
    };
    d.set_item("tx", tx)?;
    d.set_item("dx/dy", t.dx_per_dy())?;
    d.set_item("dy/dx", t.dy_per_dx())?;
    d.set_item("pmarg_old", t.pmarg_old)?;
    d.set_item("pmarg", t.pmarg)?;
    d.set_item("linked", py.None())?;
    d.set_item("p", t.p())?;
    Ok(d)
}

#[pymethods]
impl OrderUi {
    /// The order from its parameters `B = √pb_raw`, `S = √pa_raw − √pb_raw`, the capacity
    /// `yint` and the holding `y`.
    #[classmethod]
    #[pyo3(name = "from_BSy")]
    #[expect(non_snake_case, reason = "carbon-simulator's names")]
    fn from_bsy(
        _cls: &Bound<'_, pyo3::types::PyType>,
        pair: &Bound<'_, PyAny>,
        tkn: &str,
        B: f64,
        S: f64,
        yint: f64,
        y: f64,
    ) -> PyResult<Self> {
        CarbonOrderUi::from_bsy(&self::pair(pair)?, tkn, B, S, yint, y)
            .map(|inner| Self { inner })
            .map_err(err)
    }

    /// The order selling `tkn` between the prices `pa` and `pb` (in the pair's quotation), of
    /// capacity `yint`, holding `y`.
    #[classmethod]
    #[pyo3(signature = (pair, tkn, pa, pb, yint, y, id=None))]
    #[expect(clippy::too_many_arguments, reason = "carbon-simulator's signature")]
    fn from_prices(
        _cls: &Bound<'_, pyo3::types::PyType>,
        pair: &Bound<'_, PyAny>,
        tkn: &str,
        pa: f64,
        pb: f64,
        yint: f64,
        y: f64,
        id: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let _ = id;
        CarbonOrderUi::from_prices(&self::pair(pair)?, tkn, pa, pb, yint, y)
            .map(|inner| Self { inner })
            .map_err(err)
    }

    /// The order from its squeeze `Q`, its intercepts `xint` and `yint`, and the holding `y`.
    #[classmethod]
    #[pyo3(name = "from_Qxy")]
    #[expect(non_snake_case, reason = "carbon-simulator's names")]
    fn from_qxy(
        _cls: &Bound<'_, pyo3::types::PyType>,
        pair: &Bound<'_, PyAny>,
        tkn: &str,
        Q: f64,
        xint: f64,
        yint: f64,
        y: f64,
    ) -> PyResult<Self> {
        CarbonOrderUi::from_qxy(&self::pair(pair)?, tkn, Q, xint, yint, y)
            .map(|inner| Self { inner })
            .map_err(err)
    }

    /// The pair, as `"BASE/QUOTE"`.
    #[getter]
    fn pair(&self) -> String {
        format!("{}/{}", self.inner.pair().base(), self.inner.pair().quote())
    }
    /// The token sold.
    #[getter]
    fn tkn(&self) -> String {
        self.inner.tkn().to_owned()
    }
    /// The token sold (`y`).
    #[getter]
    fn tkny(&self) -> String {
        self.inner.tkny().to_owned()
    }
    /// The token bought (`x`).
    #[getter]
    fn tknx(&self) -> String {
        self.inner.tknx().to_owned()
    }
    /// `√pb_raw`.
    #[getter(B)]
    fn b(&self) -> f64 {
        self.inner.b()
    }
    /// `√pa_raw − √pb_raw`.
    #[getter(S)]
    fn s(&self) -> f64 {
        self.inner.s()
    }
    /// `S` (the contract's `A`).
    #[getter(A)]
    fn a(&self) -> f64 {
        self.inner.a()
    }
    /// The capacity.
    #[getter]
    fn yint(&self) -> f64 {
        self.inner.yint()
    }
    /// The capacity (the contract's `z`).
    #[getter]
    fn z(&self) -> f64 {
        self.inner.z()
    }
    /// The holding.
    #[getter]
    fn y(&self) -> f64 {
        self.inner.y()
    }
    /// Whether the pair is quoted in reverse (`pa = 1/pa_raw`).
    #[getter]
    fn reverseq(&self) -> bool {
        self.inner.reverseq()
    }
    /// `pa` in native quotation (dy/dx).
    #[getter]
    fn pa_raw(&self) -> f64 {
        self.inner.pa_raw()
    }
    /// `pb` in native quotation.
    #[getter]
    fn pb_raw(&self) -> f64 {
        self.inner.pb_raw()
    }
    /// `√(pa_raw·pb_raw)`.
    #[getter]
    fn p0_raw(&self) -> f64 {
        self.inner.p0_raw()
    }
    /// The price at the `y` intercept, in the pair's quotation.
    #[getter]
    fn pa(&self) -> f64 {
        self.inner.pa()
    }
    /// The price at the `x` intercept.
    #[getter]
    fn pb(&self) -> f64 {
        self.inner.pb()
    }
    /// `pa` (the simulator's alias).
    #[getter]
    fn p_start(&self) -> f64 {
        self.inner.p_start()
    }
    /// `pb` (the simulator's alias).
    #[getter]
    fn p_end(&self) -> f64 {
        self.inner.p_end()
    }
    /// `pa` (the simulator's alias).
    #[getter]
    fn py(&self) -> f64 {
        self.inner.py()
    }
    /// `pb` (the simulator's alias).
    #[getter]
    fn px(&self) -> f64 {
        self.inner.px()
    }
    /// The smaller of `pa` and `pb`.
    #[getter]
    fn pmin(&self) -> f64 {
        self.inner.pmin()
    }
    /// The larger of `pa` and `pb`.
    #[getter]
    fn pmax(&self) -> f64 {
        self.inner.pmax()
    }
    /// The geometric mean of `pa` and `pb`.
    #[getter]
    fn p0(&self) -> f64 {
        self.inner.p0()
    }
    /// `pmax / pmin`.
    #[getter]
    fn widthr(&self) -> f64 {
        self.inner.widthr()
    }
    /// The width relative to `pmin` (the simulator's `widthpc`).
    #[getter]
    fn widthpc(&self) -> f64 {
        self.inner.widthpc()
    }
    /// The squeeze `Q = √(pb_raw/pa_raw)`.
    #[getter(Q)]
    fn q(&self) -> f64 {
        self.inner.q()
    }
    /// `Γ = 1 − √Q`.
    #[getter(Gamma)]
    fn gamma(&self) -> f64 {
        self.inner.gamma()
    }
    /// `Q` from `Γ`.
    #[staticmethod]
    #[pyo3(name = "Q_from_Gamma")]
    #[expect(non_snake_case, reason = "carbon-simulator's names")]
    fn q_from_gamma(Gamma: f64) -> f64 {
        CarbonOrderUi::q_from_gamma(Gamma)
    }
    /// `Γ` from `Q`.
    #[staticmethod]
    #[pyo3(name = "Gamma_from_Q")]
    #[expect(non_snake_case, reason = "carbon-simulator's names")]
    fn gamma_from_q(Q: f64) -> f64 {
        CarbonOrderUi::gamma_from_q(Q)
    }
    /// The asymptote over the intercept, from `Γ`.
    #[staticmethod]
    #[expect(non_snake_case, reason = "carbon-simulator's names")]
    fn asym_over_0(Gamma: f64) -> f64 {
        CarbonOrderUi::asym_over_0(Gamma)
    }
    /// The intercept over the unsqueezed one, from `Γ`.
    #[staticmethod]
    #[expect(non_snake_case, reason = "carbon-simulator's names")]
    fn int_over_0(Gamma: f64) -> f64 {
        CarbonOrderUi::int_over_0(Gamma)
    }
    /// The `x` intercept.
    #[getter]
    fn xint(&self) -> f64 {
        self.inner.xint()
    }
    /// `x0` of the equivalent unsqueezed curve.
    #[getter]
    fn x0(&self) -> f64 {
        self.inner.x0()
    }
    /// `y0` of the equivalent unsqueezed curve.
    #[getter]
    fn y0(&self) -> f64 {
        self.inner.y0()
    }
    /// The `x` asymptote.
    #[getter]
    fn xasym(&self) -> f64 {
        self.inner.xasym()
    }
    /// The `y` asymptote.
    #[getter]
    fn yasym(&self) -> f64 {
        self.inner.yasym()
    }
    /// The pool invariant `κ`.
    #[getter]
    fn kappa(&self) -> f64 {
        self.inner.kappa()
    }
    /// `√κ`.
    #[getter]
    fn kappa_bar(&self) -> f64 {
        self.inner.kappa_bar()
    }
    /// The leverage factor.
    #[getter]
    fn leverage_fctr(&self) -> f64 {
        self.inner.leverage_fctr()
    }
    /// The marginal price now.
    #[getter]
    fn p_marg(&self) -> f64 {
        self.inner.p_marg()
    }
    /// The `x` coordinate now.
    #[getter]
    fn x(&self) -> f64 {
        self.inner.x()
    }
    /// `"QUOTE per BASE"`.
    #[getter]
    fn price_convention(&self) -> String {
        self.inner.price_convention()
    }
    /// The native quotation, as the simulator names it.
    #[getter]
    fn price_convention_raw(&self) -> String {
        self.inner.price_convention_raw()
    }

    /// The marginal price after selling `dy` (from `yint` with `fullcurve`).
    #[pyo3(signature = (dy=0.0, fullcurve=false, checkbounds=true, raiseonerror=false))]
    fn p_marg_f(
        &self,
        dy: f64,
        fullcurve: bool,
        checkbounds: bool,
        raiseonerror: bool,
    ) -> PyResult<Option<f64>> {
        bounds(checkbounds)?;
        or_none(self.inner.p_marg_f(dy, fullcurve), raiseonerror)
    }
    /// The effective price of selling `dy`.
    #[pyo3(signature = (dy=0.0, fullcurve=false, checkbounds=true, raiseonerror=false))]
    fn p_eff_f(
        &self,
        dy: f64,
        fullcurve: bool,
        checkbounds: bool,
        raiseonerror: bool,
    ) -> PyResult<Option<f64>> {
        bounds(checkbounds)?;
        or_none(self.inner.p_eff_f(dy, fullcurve), raiseonerror)
    }
    /// The holding `y` at the marginal price `p`.
    #[pyo3(signature = (p, checkbounds=true, raiseonerror=false))]
    fn yfromp_f(&self, p: f64, checkbounds: bool, raiseonerror: bool) -> PyResult<Option<f64>> {
        bounds(checkbounds)?;
        or_none(self.inner.yfromp_f(p), raiseonerror)
    }
    /// The `dy` that moves the marginal price to `p`.
    #[pyo3(signature = (p, checkbounds=true, raiseonerror=false))]
    fn dyfromp_f(&self, p: f64, checkbounds: bool, raiseonerror: bool) -> PyResult<Option<f64>> {
        bounds(checkbounds)?;
        or_none(self.inner.dyfromp_f(p), raiseonerror)
    }
    /// The `dy` paid for `dx`.
    #[pyo3(signature = (dx, checkbounds=true, raiseonerror=false))]
    fn dyfromdx_f(&self, dx: f64, checkbounds: bool, raiseonerror: bool) -> PyResult<Option<f64>> {
        bounds(checkbounds)?;
        or_none(self.inner.dyfromdx_f(dx), raiseonerror)
    }
    /// The `dx` received for `dy`.
    #[pyo3(signature = (dy, checkbounds=true, raiseonerror=false))]
    fn dxfromdy_f(&self, dy: f64, checkbounds: bool, raiseonerror: bool) -> PyResult<Option<f64>> {
        bounds(checkbounds)?;
        or_none(self.inner.dxfromdy_f(dy), raiseonerror)
    }
    /// The curve's `x` at `y`.
    #[pyo3(signature = (y, checkbounds=true, raiseonerror=false))]
    fn xfromy_f(&self, y: f64, checkbounds: bool, raiseonerror: bool) -> PyResult<Option<f64>> {
        bounds(checkbounds)?;
        or_none(self.inner.xfromy_f(y), raiseonerror)
    }
    /// The curve's `y` at `x`.
    #[pyo3(signature = (x, checkbounds=true, raiseonerror=false))]
    fn yfromx_f(&self, x: f64, checkbounds: bool, raiseonerror: bool) -> PyResult<Option<f64>> {
        bounds(checkbounds)?;
        or_none(self.inner.yfromx_f(x), raiseonerror)
    }

    /// Sells `dy` of the token sold for `dx` of the other (a trade by source): the
    /// simulator's result dict; with `execute` the order is updated. `None` (or `CarbonError`
    /// with `raiseonerror`) when the trade is refused.
    #[pyo3(signature = (dy, execute=true, allowneg=true, expandcurve=false, raiseonerror=false))]
    fn selly<'py>(
        &mut self,
        py: Python<'py>,
        dy: f64,
        execute: bool,
        allowneg: bool,
        expandcurve: bool,
        raiseonerror: bool,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        let opts = SellOptions {
            allow_neg: allowneg,
            expand_curve: expandcurve,
        };
        let Some(t) = or_none(self.inner.selly(dy, opts), raiseonerror)? else {
            return Ok(None);
        };
        let d = trade_dict(py, &t, "bysource[selly]")?;
        if !execute {
            d.set_item("executed", false)?;
        } else if t.executed {
            self.inner = t.order.clone();
        }
        Ok(Some(d))
    }

    /// Buys `dx` of the token bought (a trade by target): as `selly`.
    #[pyo3(signature = (dx, execute=true, allowneg=true, expandcurve=false, raiseonerror=false))]
    fn buyx<'py>(
        &mut self,
        py: Python<'py>,
        dx: f64,
        execute: bool,
        allowneg: bool,
        expandcurve: bool,
        raiseonerror: bool,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        let opts = SellOptions {
            allow_neg: allowneg,
            expand_curve: expandcurve,
        };
        let Some(t) = or_none(self.inner.buyx(dx, opts), raiseonerror)? else {
            return Ok(None);
        };
        let d = trade_dict(py, &t, "bytarget[buyx]")?;
        if !execute {
            d.set_item("executed", false)?;
        } else if t.executed {
            self.inner = t.order.clone();
        }
        Ok(Some(d))
    }

    /// Trades to the marginal price `p_marg`: as `selly`.
    #[pyo3(signature = (p_marg, execute=true))]
    fn tradeto<'py>(
        &mut self,
        py: Python<'py>,
        p_marg: f64,
        execute: bool,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(t) = or_none(self.inner.tradeto(p_marg), false)? else {
            return Ok(None);
        };
        let d = trade_dict(py, &t, "byprice[tradeto]")?;
        if !execute {
            d.set_item("executed", false)?;
        } else if t.executed {
            self.inner = t.order.clone();
        }
        Ok(Some(d))
    }

    fn __repr__(&self) -> String {
        format!(
            "CarbonOrderUI(pair={:?}, tkn={:?}, B={:?}, S={:?}, yint={:?}, y={:?})",
            self.pair(),
            self.tkn(),
            self.b(),
            self.s(),
            self.yint(),
            self.y()
        )
    }
}
