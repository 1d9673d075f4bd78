//! `tokensim.amm`: the constant-product pool (`cp_amm`) and its pure functions, in `float` or
//! in `decimal.Decimal` (computed as CPython's decimal computes them in its default context:
//! 28 digits, half-even). A call whose numbers are all `Decimal` (or `int`) computes in
//! decimal; one with a `float` computes in float; mixing `Decimal` and `float` is a
//! `TypeError`, as it is in Python. Fees are in parts per million (`fee_ppm=3000` is 0.3 %).

use cp_amm::{Decimal, Fee, Token, math};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyFloat;

pyo3::create_exception!(
    amm,
    AmmError,
    PyValueError,
    "A constant-product computation that cannot be done: bad arguments, an output that rounds to zero, not enough liquidity, or arithmetic that overflows."
);

fn err(e: cp_amm::CpAmmError) -> PyErr {
    AmmError::new_err(e.to_string())
}

/// A number in float or in decimal.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Num {
    F(f64),
    D(Decimal),
}

impl<'py> IntoPyObject<'py> for Num {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;
    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Num::F(f) => Ok(PyFloat::new(py, f).into_any()),
            Num::D(d) => d.into_pyobject(py).map(Bound::into_any),
        }
    }
}

/// Which arithmetic a call's arguments ask for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Float,
    Decimal,
}

fn is_decimal(v: &Bound<'_, PyAny>) -> PyResult<bool> {
    let dec = v.py().import("decimal")?.getattr("Decimal")?;
    v.is_instance(&dec)
}

/// The arithmetic of `args`: decimal when every one is a `Decimal` or an `int` and one at least
/// is a `Decimal`; float otherwise; a `TypeError` for `Decimal` with `float`.
fn kind(args: &[&Bound<'_, PyAny>]) -> PyResult<Kind> {
    let mut dec = false;
    let mut float = false;
    for a in args {
        if is_decimal(a)? {
            dec = true;
        } else if a.is_instance_of::<PyFloat>() {
            float = true;
        }
    }
    match (dec, float) {
        (true, true) => Err(PyTypeError::new_err(
            "cannot mix decimal.Decimal and float: convert the floats with Decimal(str(x)), as Python would ask",
        )),
        (true, false) => Ok(Kind::Decimal),
        _ => Ok(Kind::Float),
    }
}

fn as_f64(name: &str, v: &Bound<'_, PyAny>) -> PyResult<f64> {
    v.extract::<f64>()
        .map_err(|_| PyTypeError::new_err(format!("{name}: expected a number")))
}

fn as_dec(name: &str, v: &Bound<'_, PyAny>) -> PyResult<Decimal> {
    if let Ok(i) = v.extract::<i64>() {
        return Ok(Decimal::from(i));
    }
    v.extract::<Decimal>().map_err(|e| {
        AmmError::new_err(format!(
            "{name}: {v} is not a decimal the crate can hold (at most 28 significant digits, magnitude below 7.9e28): {e}"
        ))
    })
}

fn fee(ppm: u32) -> PyResult<Fee> {
    Fee::ppm(ppm).map_err(err)
}

fn token(t: &str) -> PyResult<Token> {
    match t {
        "x" | "X" => Ok(Token::X),
        "y" | "Y" => Ok(Token::Y),
        _ => Err(PyValueError::new_err(format!(
            "token must be \"x\" or \"y\", not {t:?}"
        ))),
    }
}

fn token_name(t: Token) -> &'static str {
    match t {
        Token::X => "x",
        Token::Y => "y",
    }
}

/// The result of a swap: the amounts that changed hands and the reserves afterwards.
#[pyclass(frozen, get_all, module = "tokensim.amm")]
#[derive(Clone)]
pub(crate) struct Swap {
    /// Paid into the pool, fee included.
    amount_in: Num,
    /// Paid out of the pool.
    amount_out: Num,
    /// The input token's reserve after the swap.
    reserve_in: Num,
    /// The output token's reserve after the swap.
    reserve_out: Num,
}

#[pymethods]
impl Swap {
    fn __repr__(&self) -> String {
        format!(
            "Swap(amount_in={}, amount_out={}, reserve_in={}, reserve_out={})",
            show(self.amount_in),
            show(self.amount_out),
            show(self.reserve_in),
            show(self.reserve_out)
        )
    }
}

fn show(n: Num) -> String {
    match n {
        Num::F(f) => format!("{f:?}"),
        Num::D(d) => format!("Decimal('{d}')"),
    }
}

fn swap_of<N: Copy>(s: &cp_amm::Swap<N>, wrap: fn(N) -> Num) -> Swap {
    Swap {
        amount_in: wrap(s.amount_in),
        amount_out: wrap(s.amount_out),
        reserve_in: wrap(s.reserve_in),
        reserve_out: wrap(s.reserve_out),
    }
}

/// The trade that moves a pool to a target price: the token paid in (`"x"` or `"y"`) and the
/// amount.
#[pyclass(frozen, get_all, module = "tokensim.amm")]
#[derive(Clone)]
pub(crate) struct ArbTrade {
    /// The token paid into the pool, `"x"` or `"y"`.
    input: &'static str,
    /// The amount paid in.
    amount: Num,
}

#[pymethods]
impl ArbTrade {
    fn __repr__(&self) -> String {
        format!(
            "ArbTrade(input={:?}, amount={})",
            self.input,
            show(self.amount)
        )
    }
}

/// What a deposit of liquidity takes (`amount_x`, `amount_y`) and mints (`shares`); a
/// withdrawal's `shares` is what it burned.
#[pyclass(frozen, get_all, module = "tokensim.amm")]
#[derive(Clone)]
pub(crate) struct Liquidity {
    /// `x` taken (deposit) or paid out (withdrawal).
    amount_x: Num,
    /// `y` taken or paid out.
    amount_y: Num,
    /// Shares minted or burned.
    shares: Num,
}

#[pymethods]
impl Liquidity {
    fn __repr__(&self) -> String {
        format!(
            "Liquidity(amount_x={}, amount_y={}, shares={})",
            show(self.amount_x),
            show(self.amount_y),
            show(self.shares)
        )
    }
}

/// A number type of the crate, to and from Python.
trait Arith: cp_amm::Num {
    fn get(name: &str, v: &Bound<'_, PyAny>) -> PyResult<Self>;
    fn wrap(self) -> Num;
}

impl Arith for f64 {
    fn get(name: &str, v: &Bound<'_, PyAny>) -> PyResult<Self> {
        if is_decimal(v)? {
            return Err(PyTypeError::new_err(format!(
                "{name}: a decimal.Decimal given to float arithmetic"
            )));
        }
        as_f64(name, v)
    }
    fn wrap(self) -> Num {
        Num::F(self)
    }
}

impl Arith for Decimal {
    fn get(name: &str, v: &Bound<'_, PyAny>) -> PyResult<Self> {
        if v.is_instance_of::<PyFloat>() {
            return Err(PyTypeError::new_err(format!(
                "{name}: a float given to decimal arithmetic"
            )));
        }
        as_dec(name, v)
    }
    fn wrap(self) -> Num {
        Num::D(self)
    }
}

/// The arguments, converted to `N`.
fn args<N: Arith, const K: usize>(named: [(&str, &Bound<'_, PyAny>); K]) -> PyResult<[N; K]> {
    let mut out = [N::ZERO; K];
    for (slot, (name, v)) in out.iter_mut().zip(named) {
        *slot = N::get(name, v)?;
    }
    Ok(out)
}

/// Calls `$f::<f64>` or `$f::<Decimal>` on the named arguments, as their types ask.
macro_rules! dispatch {
    ($f:ident, [$($name:ident),+] $(, $extra:expr)*) => {{
        let named = [$((stringify!($name), &$name)),+];
        match kind(&[$(&$name),+])? {
            Kind::Float => $f::<f64>(args::<f64, _>(named)?, $($extra),*),
            Kind::Decimal => $f::<Decimal>(args::<Decimal, _>(named)?, $($extra),*),
        }
    }};
}

fn spot<N: Arith>([i, o]: [N; 2]) -> PyResult<Num> {
    Ok(math::spot_price(i, o).map_err(err)?.wrap())
}

/// The marginal price of the input token in units of the output token:
/// `reserve_out / reserve_in`.
#[pyfunction]
fn spot_price(reserve_in: Bound<'_, PyAny>, reserve_out: Bound<'_, PyAny>) -> PyResult<Num> {
    dispatch!(spot, [reserve_in, reserve_out])
}

fn exact_in<N: Arith>([a, i, o]: [N; 3], fee: Fee) -> PyResult<Swap> {
    Ok(swap_of(
        &math::swap_exact_in(a, i, o, fee).map_err(err)?,
        N::wrap,
    ))
}

/// A swap of exactly `amount_in` of one token for the other (`x·y = k`, the fee taken from the
/// input): the seed's `swap` with `fee_ppm=0`.
#[pyfunction]
#[pyo3(signature = (amount_in, reserve_in, reserve_out, fee_ppm=0))]
fn swap_exact_in(
    amount_in: Bound<'_, PyAny>,
    reserve_in: Bound<'_, PyAny>,
    reserve_out: Bound<'_, PyAny>,
    fee_ppm: u32,
) -> PyResult<Swap> {
    dispatch!(
        exact_in,
        [amount_in, reserve_in, reserve_out],
        fee(fee_ppm)?
    )
}

fn exact_out<N: Arith>([a, i, o]: [N; 3], fee: Fee) -> PyResult<Swap> {
    Ok(swap_of(
        &math::swap_exact_out(a, i, o, fee).map_err(err)?,
        N::wrap,
    ))
}

/// A swap for exactly `amount_out` of the output token: what must be paid in.
#[pyfunction]
#[pyo3(signature = (amount_out, reserve_in, reserve_out, fee_ppm=0))]
fn swap_exact_out(
    amount_out: Bound<'_, PyAny>,
    reserve_in: Bound<'_, PyAny>,
    reserve_out: Bound<'_, PyAny>,
    fee_ppm: u32,
) -> PyResult<Swap> {
    dispatch!(
        exact_out,
        [amount_out, reserve_in, reserve_out],
        fee(fee_ppm)?
    )
}

fn arb<N: Arith>([x, y, p]: [N; 3], fee: Fee) -> PyResult<ArbTrade> {
    let t = math::arb_trade(x, y, p, fee).map_err(err)?;
    Ok(ArbTrade {
        input: token_name(t.input),
        amount: t.amount.wrap(),
    })
}

/// The trade that moves a pool of `reserve_x`, `reserve_y` to `target_price` (`y` per `x`):
/// the seed's `amm_arb_calc` with `fee_ppm=0`.
#[pyfunction]
#[pyo3(signature = (reserve_x, reserve_y, target_price, fee_ppm=0))]
fn arb_trade(
    reserve_x: Bound<'_, PyAny>,
    reserve_y: Bound<'_, PyAny>,
    target_price: Bound<'_, PyAny>,
    fee_ppm: u32,
) -> PyResult<ArbTrade> {
    dispatch!(arb, [reserve_x, reserve_y, target_price], fee(fee_ppm)?)
}

fn initial<N: Arith>([x, y]: [N; 2]) -> PyResult<Num> {
    Ok(math::initial_shares(x, y).map_err(err)?.wrap())
}

/// The shares minted by a pool's first deposit: `√(x·y)`.
#[pyfunction]
fn initial_shares(amount_x: Bound<'_, PyAny>, amount_y: Bound<'_, PyAny>) -> PyResult<Num> {
    dispatch!(initial, [amount_x, amount_y])
}

fn dep<N: Arith>([ax, ay, x, y, s]: [N; 5]) -> PyResult<Liquidity> {
    let d = math::deposit(ax, ay, x, y, s).map_err(err)?;
    Ok(Liquidity {
        amount_x: d.amount_x.wrap(),
        amount_y: d.amount_y.wrap(),
        shares: d.shares.wrap(),
    })
}

/// A deposit into a pool with reserves `(reserve_x, reserve_y)` and `supply` shares, pro rata:
/// the binding side is taken in full, the other in proportion.
#[pyfunction]
fn deposit(
    amount_x: Bound<'_, PyAny>,
    amount_y: Bound<'_, PyAny>,
    reserve_x: Bound<'_, PyAny>,
    reserve_y: Bound<'_, PyAny>,
    supply: Bound<'_, PyAny>,
) -> PyResult<Liquidity> {
    dispatch!(dep, [amount_x, amount_y, reserve_x, reserve_y, supply])
}

fn wd<N: Arith>([sh, x, y, s]: [N; 4]) -> PyResult<Liquidity> {
    let w = math::withdrawal(sh, x, y, s).map_err(err)?;
    Ok(Liquidity {
        amount_x: w.amount_x.wrap(),
        amount_y: w.amount_y.wrap(),
        shares: sh.wrap(),
    })
}

/// What burning `shares` of `supply` pays out of a pool with reserves
/// `(reserve_x, reserve_y)`.
#[pyfunction]
fn withdrawal(
    shares: Bound<'_, PyAny>,
    reserve_x: Bound<'_, PyAny>,
    reserve_y: Bound<'_, PyAny>,
    supply: Bound<'_, PyAny>,
) -> PyResult<Liquidity> {
    dispatch!(wd, [shares, reserve_x, reserve_y, supply])
}

enum Inner {
    F(cp_amm::Pool<f64>),
    D(cp_amm::Pool<Decimal>),
}

/// Runs `$body` on the pool in its arithmetic, with `$n` the number type.
macro_rules! on_pool {
    ($self:ident, |$p:ident, $n:ident| $body:expr) => {
        match &mut $self.inner {
            Inner::F($p) => {
                #[allow(dead_code, reason = "not every method names the number type")]
                type $n = f64;
                $body
            }
            Inner::D($p) => {
                #[allow(dead_code, reason = "not every method names the number type")]
                type $n = Decimal;
                $body
            }
        }
    };
}

/// A constant-product pool of tokens `x` and `y` (prices are `y` per `x`), in float or in
/// decimal as its reserves are. A failed call leaves it unchanged.
#[pyclass(module = "tokensim.amm")]
pub(crate) struct Pool {
    inner: Inner,
}

#[pymethods]
impl Pool {
    /// A pool holding `reserve_x` and `reserve_y` (both positive; the first deposit's shares
    /// are `√(x·y)`), charging `fee_ppm` parts per million of each input.
    #[new]
    #[pyo3(signature = (reserve_x, reserve_y, fee_ppm=0))]
    fn new(
        reserve_x: Bound<'_, PyAny>,
        reserve_y: Bound<'_, PyAny>,
        fee_ppm: u32,
    ) -> PyResult<Self> {
        let fee = fee(fee_ppm)?;
        let named = [("reserve_x", &reserve_x), ("reserve_y", &reserve_y)];
        let inner = match kind(&[&reserve_x, &reserve_y])? {
            Kind::Float => {
                let [x, y] = args::<f64, 2>(named)?;
                Inner::F(cp_amm::Pool::new(x, y, fee).map_err(err)?)
            }
            Kind::Decimal => {
                let [x, y] = args::<Decimal, 2>(named)?;
                Inner::D(cp_amm::Pool::new(x, y, fee).map_err(err)?)
            }
        };
        Ok(Self { inner })
    }

    /// The reserve of `x`.
    #[getter]
    fn reserve_x(&mut self) -> Num {
        on_pool!(self, |p, N| p.reserve_x().wrap())
    }

    /// The reserve of `y`.
    #[getter]
    fn reserve_y(&mut self) -> Num {
        on_pool!(self, |p, N| p.reserve_y().wrap())
    }

    /// The liquidity shares outstanding.
    #[getter]
    fn lp_supply(&mut self) -> Num {
        on_pool!(self, |p, N| p.lp_supply().wrap())
    }

    /// The fee, in parts per million.
    #[getter]
    fn fee_ppm(&mut self) -> u32 {
        on_pool!(self, |p, N| p.fee().as_ppm())
    }

    /// `reserve_x · reserve_y`.
    #[getter]
    fn k(&mut self) -> PyResult<Num> {
        on_pool!(self, |p, N| Ok(p.k().map_err(err)?.wrap()))
    }

    /// The price of `x` in `y`: `reserve_y / reserve_x`.
    #[getter]
    fn price(&mut self) -> PyResult<Num> {
        on_pool!(self, |p, N| Ok(p.price().map_err(err)?.wrap()))
    }

    /// Swaps exactly `amount_in` of `token` (`"x"` or `"y"`) into the pool.
    fn swap_exact_in(&mut self, token: &str, amount_in: Bound<'_, PyAny>) -> PyResult<Swap> {
        let t = self::token(token)?;
        on_pool!(self, |p, N| {
            let a = N::get("amount_in", &amount_in)?;
            Ok(swap_of(&p.swap_exact_in(t, a).map_err(err)?, N::wrap))
        })
    }

    /// Swaps for exactly `amount_out` of `token` out of the pool.
    fn swap_exact_out(&mut self, token: &str, amount_out: Bound<'_, PyAny>) -> PyResult<Swap> {
        let t = self::token(token)?;
        on_pool!(self, |p, N| {
            let a = N::get("amount_out", &amount_out)?;
            Ok(swap_of(&p.swap_exact_out(t, a).map_err(err)?, N::wrap))
        })
    }

    /// The trade that would move the pool to `target_price`, without making it.
    fn arb_trade(&mut self, target_price: Bound<'_, PyAny>) -> PyResult<ArbTrade> {
        on_pool!(self, |p, N| {
            let t = p
                .arb_trade(N::get("target_price", &target_price)?)
                .map_err(err)?;
            Ok(ArbTrade {
                input: token_name(t.input),
                amount: t.amount.wrap(),
            })
        })
    }

    /// Makes the trade that moves the pool to `target_price`; `None` when there is none.
    fn arb_to_price(
        &mut self,
        target_price: Bound<'_, PyAny>,
    ) -> PyResult<Option<(ArbTrade, Swap)>> {
        on_pool!(self, |p, N| {
            let done = p
                .arb_to_price(N::get("target_price", &target_price)?)
                .map_err(err)?;
            Ok(done.map(|(t, s)| {
                (
                    ArbTrade {
                        input: token_name(t.input),
                        amount: t.amount.wrap(),
                    },
                    swap_of(&s, N::wrap),
                )
            }))
        })
    }

    /// Deposits liquidity pro rata (the first deposit sets the price).
    fn add_liquidity(
        &mut self,
        amount_x: Bound<'_, PyAny>,
        amount_y: Bound<'_, PyAny>,
    ) -> PyResult<Liquidity> {
        on_pool!(self, |p, N| {
            let d = p
                .add_liquidity(
                    N::get("amount_x", &amount_x)?,
                    N::get("amount_y", &amount_y)?,
                )
                .map_err(err)?;
            Ok(Liquidity {
                amount_x: d.amount_x.wrap(),
                amount_y: d.amount_y.wrap(),
                shares: d.shares.wrap(),
            })
        })
    }

    /// Burns `shares` and pays out their part of the reserves.
    fn remove_liquidity(&mut self, shares: Bound<'_, PyAny>) -> PyResult<Liquidity> {
        on_pool!(self, |p, N| {
            let sh = N::get("shares", &shares)?;
            let w = p.remove_liquidity(sh).map_err(err)?;
            Ok(Liquidity {
                amount_x: w.amount_x.wrap(),
                amount_y: w.amount_y.wrap(),
                shares: sh.wrap(),
            })
        })
    }

    fn __repr__(&mut self) -> String {
        let (x, y, f) = (self.reserve_x(), self.reserve_y(), self.fee_ppm());
        format!(
            "Pool(reserve_x={}, reserve_y={}, fee_ppm={f})",
            show(x),
            show(y)
        )
    }
}

/// The `tokensim.amm` module.
pub(crate) fn module(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    let m = PyModule::new(py, "amm")?;
    m.add_class::<Pool>()?;
    m.add_class::<Swap>()?;
    m.add_class::<ArbTrade>()?;
    m.add_class::<Liquidity>()?;
    m.add_function(wrap_pyfunction!(spot_price, &m)?)?;
    m.add_function(wrap_pyfunction!(swap_exact_in, &m)?)?;
    m.add_function(wrap_pyfunction!(swap_exact_out, &m)?)?;
    m.add_function(wrap_pyfunction!(arb_trade, &m)?)?;
    m.add_function(wrap_pyfunction!(initial_shares, &m)?)?;
    m.add_function(wrap_pyfunction!(deposit, &m)?)?;
    m.add_function(wrap_pyfunction!(withdrawal, &m)?)?;
    m.add("AmmError", py.get_type::<AmmError>())?;
    Ok(m)
}
