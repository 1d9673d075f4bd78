//! carbon-simulator's `CarbonOrderUI` in `f64`: one order as a researcher reasons about it, with
//! prices in the pair's convention and every curve parameter the notebook uses.
//!
//! The formulas are written in the reference's order of operations (`carbon_order_ui.py`,
//! v1.9), so that results are bit-identical with it where the inputs are; the carbon-ui
//! conformance suite counts how many are.

mod curve;
mod strategy;
mod trade;

use std::fmt;

pub use strategy::StrategyUi;
pub use trade::{AddLiquidity, EPSILON, SellOptions, TradeKind, UiTrade};

use crate::{CarbonError, Pair};

/// Which bound a target price passes ([`CarbonError::PriceOutOfBounds`]); the reference's
/// `PriceOutOfBoundsErrorBeyondStart`, `…BeyondEnd` and `…BeyondMarg`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PriceBound {
    /// Beyond the start of the range (`pa`): the order never trades there.
    BeyondStart,
    /// Beyond the end of the range (`pb`): the order would be emptied first.
    BeyondEnd,
    /// Between the start and the current marginal price: the order has already traded past it.
    BeyondMarginal,
}

impl fmt::Display for PriceBound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::BeyondStart => "beyond the start of the range",
            Self::BeyondEnd => "beyond the end of the range",
            Self::BeyondMarginal => "beyond the current marginal price",
        })
    }
}

/// One Carbon order in floating point: it sells `y` of [`tkn`](Self::tkn) (the `y` token) for
/// the pair's other token (the `x` token) along the curve
///
/// `y(x) = yint·(yint − (B² + B·S)·x) / (yint + (B·S + S²)·x)`,
///
/// whose marginal price `dy/dx = (B + S·y/yint)²` runs from `pa_raw = (B + S)²` (at `y = yint`)
/// to `pb_raw = B²` (at `y = 0`). Raw prices are `dy/dx`, in units of the token sold; the
/// pair-convention prices ([`pa`](Self::pa), [`pb`](Self::pb), …) are their inverses when the
/// token sold is the pair's base token ([`reverseq`](Self::reverseq)).
///
/// carbon-simulator's `CarbonOrderUI`. The reference's `B`, `S` (alias `A`), `yint` (alias `z`)
/// and `y` are [`b`](Self::b), [`s`](Self::s), [`yint`](Self::yint) and [`y`](Self::y); its `Q`
/// and `Gamma` are [`q`](Self::q) and [`gamma`](Self::gamma). The reference's `id` and `linked`
/// live in [`StrategyUi`], which holds two linked orders, and its mutating trades
/// ([`selly`](Self::selly), [`buyx`](Self::buyx), [`tradeto`](Self::tradeto),
/// [`addliqy`](Self::addliqy)) return the new order instead of changing this one.
///
/// Every constructor checks its input: the order always has `B > 0`, `S ≥ 0`,
/// `0 ≤ y ≤ yint`, all finite, and finite prices in both conventions. The reference also
/// builds a *disabled* order (`B = S = 0`) whose prices are `None`; here that is
/// [`CarbonError::OrderDisabled`] at construction.
///
/// ```
/// use carbon_orders::{CarbonOrderUi, Pair, SellOptions};
///
/// // Sell 1 ETH from 2000 to 2500 USDC per ETH (the notebook's example).
/// let pair = Pair::parse("ETH/USDC")?;
/// let eth = CarbonOrderUi::from_prices(&pair, "ETH", 2000.0, 2500.0, 1.0, 1.0)?;
/// assert_eq!((eth.pmin(), eth.pmax()), (2000.0, 2500.0));
/// assert_eq!(eth.price_convention(), "USDC per ETH");
/// // Sell half of it: the marginal price moves up the range.
/// let t = eth.selly(0.5, SellOptions::default())?;
/// assert_eq!(format!("{:.4}", t.pmarg), "2229.1236");
/// # Ok::<(), carbon_orders::CarbonError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CarbonOrderUi {
    pair: Pair,
    tkn: String,
    b: f64,
    s: f64,
    yint: f64,
    y: f64,
}

fn finite(name: &'static str, value: f64) -> Result<f64, CarbonError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(CarbonError::InvalidInput {
            name,
            value,
            reason: "must be finite",
        })
    }
}

fn non_negative(name: &'static str, value: f64) -> Result<f64, CarbonError> {
    if finite(name, value)? < 0.0 {
        return Err(CarbonError::InvalidInput {
            name,
            value,
            reason: "must not be negative",
        });
    }
    Ok(value)
}

fn positive(name: &'static str, value: f64) -> Result<f64, CarbonError> {
    if finite(name, value)? <= 0.0 {
        return Err(CarbonError::InvalidInput {
            name,
            value,
            reason: "must be positive",
        });
    }
    Ok(value)
}

fn holding(yint: f64, y: f64) -> Result<(), CarbonError> {
    non_negative("yint", yint)?;
    finite("y", y)?;
    if y > yint {
        return Err(CarbonError::AboveCapacity { y, yint });
    }
    non_negative("y", y)?;
    Ok(())
}

impl CarbonOrderUi {
    /// An order from its curve parameters (the reference's constructor and `from_BSy`):
    /// `B = sqrt(pb_raw)`, `S = sqrt(pa_raw) − sqrt(pb_raw)`, capacity `yint` and holding `y`.
    ///
    /// # Errors
    /// [`CarbonError::TokenNotInPair`]; [`CarbonError::OrderDisabled`] for `B = S = 0`;
    /// [`CarbonError::InvalidInput`] for a non-finite value, `B ≤ 0`, `S < 0`, `yint < 0` or
    /// `y < 0`; [`CarbonError::AboveCapacity`] for `y > yint`; [`CarbonError::NotFinite`] when a
    /// price in either convention overflows.
    pub fn from_bsy(
        pair: &Pair,
        tkn: &str,
        b: f64,
        s: f64,
        yint: f64,
        y: f64,
    ) -> Result<Self, CarbonError> {
        let tkn = pair.token(tkn)?.to_owned();
        finite("B", b)?;
        finite("S", s)?;
        if b == 0.0 && s == 0.0 {
            return Err(CarbonError::OrderDisabled);
        }
        positive("B", b)?;
        non_negative("S", s)?;
        holding(yint, y)?;
        let order = Self {
            pair: pair.clone(),
            tkn,
            b,
            s,
            yint,
            y,
        };
        for (what, p) in [
            ("pa_raw", order.pa_raw()),
            ("pb_raw", order.pb_raw()),
            ("pa", order.pa()),
            ("pb", order.pb()),
        ] {
            if !(p.is_finite() && p > 0.0) {
                return Err(CarbonError::NotFinite { what });
            }
        }
        Ok(order)
    }

    /// An order from its range in the pair's convention (the reference's `from_prices`): `pa`
    /// is the price where the order starts selling (at `y = yint`), `pb` where it ends.
    ///
    /// The prices are inverted when `tkn` is the base token, swapped so that `pa ≥ pb` in the
    /// raw convention, and then `B = sqrt(pb)`, `S = sqrt(pa) − sqrt(pb)`.
    ///
    /// The reference compares `tkn` with the base token before upper-casing it, so a lower-case
    /// base token is not inverted there; here every token comparison is in upper case.
    ///
    /// # Errors
    /// As [`from_bsy`](Self::from_bsy), and [`CarbonError::InvalidInput`] for `pa` or `pb` not
    /// finite and positive.
    pub fn from_prices(
        pair: &Pair,
        tkn: &str,
        pa: f64,
        pb: f64,
        yint: f64,
        y: f64,
    ) -> Result<Self, CarbonError> {
        pair.token(tkn)?;
        holding(yint, y)?;
        let (mut pa, mut pb) = (positive("pa", pa)?, positive("pb", pb)?);
        if pair.has_base_token(tkn) {
            pa = 1. / pa;
            pb = 1. / pb;
        }
        if pa < pb {
            std::mem::swap(&mut pa, &mut pb);
        }
        let b = pb.sqrt();
        let s = pa.sqrt() - pb.sqrt();
        Self::from_bsy(pair, tkn, b, s, yint, y)
    }

    /// An order from its convexity `Q = sqrt(pb_raw/pa_raw)` and its two capacities (the
    /// reference's `from_Qxy`): `p0 = yint/xint`, `B = sqrt(p0·Q)`, `S = sqrt(p0/Q) − B`.
    ///
    /// # Errors
    /// As [`from_bsy`](Self::from_bsy), and [`CarbonError::InvalidInput`] for `Q` outside
    /// `(0, 1]` or `xint`, `yint` not finite and positive.
    pub fn from_qxy(
        pair: &Pair,
        tkn: &str,
        q: f64,
        xint: f64,
        yint: f64,
        y: f64,
    ) -> Result<Self, CarbonError> {
        pair.token(tkn)?;
        positive("xint", xint)?;
        positive("yint", yint)?;
        holding(yint, y)?;
        if !(finite("Q", q)? > 0.0 && q <= 1.0) {
            return Err(CarbonError::InvalidInput {
                name: "Q",
                value: q,
                reason: "must be in (0, 1]",
            });
        }
        let p0 = yint / xint;
        let b = (p0 * q).sqrt();
        let s = (p0 / q).sqrt() - b;
        Self::from_bsy(pair, tkn, b, s, yint, y)
    }

    /// The pair.
    #[must_use]
    pub fn pair(&self) -> &Pair {
        &self.pair
    }

    /// The token the order sells (upper case).
    #[must_use]
    pub fn tkn(&self) -> &str {
        &self.tkn
    }

    /// The token on the y axis, the one sold (alias of [`tkn`](Self::tkn)).
    #[must_use]
    pub fn tkny(&self) -> &str {
        &self.tkn
    }

    /// The token on the x axis, the one the order receives.
    #[must_use]
    pub fn tknx(&self) -> &str {
        if self.reverseq() {
            self.pair.quote()
        } else {
            self.pair.base()
        }
    }

    /// `B = sqrt(pb_raw)`.
    #[must_use]
    pub fn b(&self) -> f64 {
        self.b
    }

    /// `S = sqrt(pa_raw) − sqrt(pb_raw)`.
    #[must_use]
    pub fn s(&self) -> f64 {
        self.s
    }

    /// Alias of [`s`](Self::s): the contracts call it `A`.
    #[must_use]
    pub fn a(&self) -> f64 {
        self.s
    }

    /// The capacity `yint`: the y intercept, the most the curve can hold.
    #[must_use]
    pub fn yint(&self) -> f64 {
        self.yint
    }

    /// Alias of [`yint`](Self::yint): the contracts call it `z`.
    #[must_use]
    pub fn z(&self) -> f64 {
        self.yint
    }

    /// The current holding `y` of the token sold.
    #[must_use]
    pub fn y(&self) -> f64 {
        self.y
    }

    /// Whether the pair-convention prices are the inverses of the raw ones: true when the token
    /// sold is the pair's base token.
    #[must_use]
    pub fn reverseq(&self) -> bool {
        self.pair.has_base_token(&self.tkn)
    }

    /// `pa_raw = (S + B)²`: the raw (`dy/dx`) price at `y = yint`.
    #[must_use]
    pub fn pa_raw(&self) -> f64 {
        let v = self.s + self.b;
        v * v
    }

    /// `pb_raw = B²`: the raw price at `y = 0`.
    #[must_use]
    pub fn pb_raw(&self) -> f64 {
        self.b * self.b
    }

    /// `p0_raw = y0/x0`, the geometric mean `sqrt(pa_raw·pb_raw)` of the raw range. For an
    /// empty curve (`yint = 0`), where the reference divides 0 by 0, the geometric mean is
    /// returned.
    #[must_use]
    pub fn p0_raw(&self) -> f64 {
        if self.yint == 0.0 {
            return (self.pa_raw() * self.pb_raw()).sqrt();
        }
        self.y0() / self.x0()
    }

    /// The start price `pa` in the pair's convention (`1/pa_raw` when [`reverseq`](Self::reverseq)).
    #[must_use]
    pub fn pa(&self) -> f64 {
        self.to_pair_convention(self.pa_raw())
    }

    /// The end price `pb` in the pair's convention.
    #[must_use]
    pub fn pb(&self) -> f64 {
        self.to_pair_convention(self.pb_raw())
    }

    /// Alias of [`pa`](Self::pa).
    #[must_use]
    pub fn p_start(&self) -> f64 {
        self.pa()
    }

    /// Alias of [`pb`](Self::pb).
    #[must_use]
    pub fn p_end(&self) -> f64 {
        self.pb()
    }

    /// Alias of [`pa`](Self::pa): the price at the y intercept.
    #[must_use]
    pub fn py(&self) -> f64 {
        self.pa()
    }

    /// Alias of [`pb`](Self::pb): the price at the x intercept.
    #[must_use]
    pub fn px(&self) -> f64 {
        self.pb()
    }

    /// The lower of `pa` and `pb`.
    #[must_use]
    pub fn pmin(&self) -> f64 {
        let (pa, pb) = (self.pa(), self.pb());
        if pa < pb { pa } else { pb }
    }

    /// The higher of `pa` and `pb`.
    #[must_use]
    pub fn pmax(&self) -> f64 {
        let (pa, pb) = (self.pa(), self.pb());
        if pa < pb { pb } else { pa }
    }

    /// `p0 = sqrt(pa·pb)`, the geometric mean of the range in the pair's convention.
    #[must_use]
    pub fn p0(&self) -> f64 {
        (self.pa() * self.pb()).sqrt()
    }

    /// The width ratio `widthr = pmax/pmin ≥ 1`.
    #[must_use]
    pub fn widthr(&self) -> f64 {
        self.pmax() / self.pmin()
    }

    /// The percentage width `widthpc = (pmax − pmin)/p0`.
    #[must_use]
    pub fn widthpc(&self) -> f64 {
        (self.pmax() - self.pmin()) / self.p0()
    }

    /// The convexity `Q = sqrt(pb_raw/pa_raw)` in `(0, 1]` (the reference's `Q`); 1 is a
    /// single price.
    #[must_use]
    pub fn q(&self) -> f64 {
        (self.pb_raw() / self.pa_raw()).sqrt()
    }

    /// The leverage parameter `Γ = 1 − sqrt(Q)` in `[0, 1)` (the reference's `Gamma`); 0 is a
    /// single price and 1 would be a constant-product curve.
    #[must_use]
    pub fn gamma(&self) -> f64 {
        Self::gamma_from_q(self.q())
    }

    /// `Q(Γ) = (1 − Γ)²` (the reference's `Q_from_Gamma`).
    #[must_use]
    pub fn q_from_gamma(gamma: f64) -> f64 {
        let v = 1. - gamma;
        v * v
    }

    /// `Γ(Q) = 1 − sqrt(Q)` (the reference's `Gamma_from_Q`).
    #[must_use]
    pub fn gamma_from_q(q: f64) -> f64 {
        1. - q.sqrt()
    }

    /// `xasym/x0 = yasym/y0 = 1 − 1/Γ`: negative, and −∞ for a single price (`Γ = 0`, where the
    /// reference raises `ZeroDivisionError`).
    #[must_use]
    pub fn asym_over_0(gamma: f64) -> f64 {
        1. - 1. / gamma
    }

    /// `xint/x0 = yint/y0 = (2 − Γ)/(1 − Γ)`.
    #[must_use]
    pub fn int_over_0(gamma: f64) -> f64 {
        (2. - gamma) / (1. - gamma)
    }

    /// The x intercept `xint = yint/(B² + B·S)`: what the order receives when it sells all of
    /// `yint`.
    #[must_use]
    pub fn xint(&self) -> f64 {
        self.yint / (self.b * self.b + self.b * self.s)
    }

    /// The reference point `x0 = xint·(1 − Γ)/(2 − Γ)`.
    #[must_use]
    pub fn x0(&self) -> f64 {
        let g = self.gamma();
        self.xint() * (1. - g) / (2. - g)
    }

    /// The reference point `y0 = yint·(1 − Γ)/(2 − Γ)`, with `y0/x0 = p0_raw`.
    #[must_use]
    pub fn y0(&self) -> f64 {
        let g = self.gamma();
        self.yint * (1. - g) / (2. - g)
    }

    /// The x asymptote `xasym = x0·(1 − 1/Γ) < 0` (−∞ for a single price).
    #[must_use]
    pub fn xasym(&self) -> f64 {
        self.x0() * (1. - 1. / self.gamma())
    }

    /// The y asymptote `yasym = y0·(1 − 1/Γ) < 0` (−∞ for a single price).
    #[must_use]
    pub fn yasym(&self) -> f64 {
        self.y0() * (1. - 1. / self.gamma())
    }

    /// The invariant `κ = x0·y0/Γ²`: `(x − xasym)(y − yasym) = κ` along the curve.
    #[must_use]
    pub fn kappa(&self) -> f64 {
        let g = self.gamma();
        self.x0() * self.y0() / (g * g)
    }

    /// The scaled invariant `κ̄ = sqrt(x0·y0)/Γ`: `sqrt((x − xasym)(y − yasym)) = κ̄`.
    #[must_use]
    pub fn kappa_bar(&self) -> f64 {
        (self.x0() * self.y0()).sqrt() / self.gamma()
    }

    /// The leverage factor `1/Γ` (+∞ for a single price).
    #[must_use]
    pub fn leverage_fctr(&self) -> f64 {
        1. / self.gamma()
    }

    /// The current marginal price `(B + S·y/yint)²` in the pair's convention (the reference's
    /// `p_marg`); `(B + S)²` for an empty curve.
    #[must_use]
    pub fn p_marg(&self) -> f64 {
        self.p_marg_at(self.y)
    }

    /// The current x: [`xfromy_f`](Self::xfromy_f) at `y`. Only differences of x mean
    /// anything, since what the order receives goes to its linked order.
    #[must_use]
    pub fn x(&self) -> f64 {
        self.x_at(self.y)
    }

    /// The pair's price convention, such as `"USDC per ETH"`.
    #[must_use]
    pub fn price_convention(&self) -> String {
        self.pair.price_convention()
    }

    /// The raw price convention, `"TKNY per TKNX"` (the token sold per the token received).
    #[must_use]
    pub fn price_convention_raw(&self) -> String {
        format!("{} per {}", self.tkny(), self.tknx())
    }

    /// The same order with holding `y` and capacity `yint`, checked.
    fn with_holding(&self, yint: f64, y: f64) -> Result<Self, CarbonError> {
        holding(yint, y)?;
        Ok(Self {
            yint,
            y,
            ..self.clone()
        })
    }

    fn to_pair_convention(&self, raw: f64) -> f64 {
        if self.reverseq() { 1. / raw } else { raw }
    }
}

impl fmt::Display for CarbonOrderUi {
    /// The reference's `descr`: `Sell ETH buy USDC from 2500.0000 to 3000.0000 USDC per ETH`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Sell {} buy {} from {:.4} to {:.4} {}",
            self.tkn,
            self.tknx(),
            self.pa(),
            self.pb(),
            self.price_convention()
        )
    }
}
