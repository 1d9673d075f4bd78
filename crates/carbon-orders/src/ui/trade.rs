//! Trades on the float order: by source (`selly`), by target (`buyx`), to a price (`tradeto`),
//! and liquidity added by a linked order (`addliqy`). Each returns the new order instead of
//! changing the old one.

use super::{CarbonOrderUi, finite, non_negative};
use crate::CarbonError;

/// How a [`UiTrade`] was specified (the reference's `action` strings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TradeKind {
    /// `"bysource[selly]"`: the amount sold, `dy`, was given.
    BySource,
    /// `"bytarget[buyx]"`: the amount received, `dx`, was given.
    ByTarget,
    /// `"byprice[tradeto]"`: the marginal price to reach was given.
    ByPrice,
}

/// Options of [`CarbonOrderUi::selly`] and [`CarbonOrderUi::buyx`], with the reference's
/// defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SellOptions {
    /// Allow a negative amount, which buys `y` back (`allowneg`, default true).
    pub allow_neg: bool,
    /// Let a buy-back that takes `y` above `yint` raise `yint` to the new `y` (`expandcurve`,
    /// default false).
    pub expand_curve: bool,
}

impl Default for SellOptions {
    fn default() -> Self {
        Self {
            allow_neg: true,
            expand_curve: false,
        }
    }
}

/// What a trade did (the reference's result dict): amounts, prices before and after, and the
/// order after the trade.
#[derive(Debug, Clone, PartialEq)]
pub struct UiTrade {
    /// How the trade was given.
    pub kind: TradeKind,
    /// Whether the order changed: false for a zero trade (`|dy| < 1e-10`).
    pub executed: bool,
    /// `y` before (`y_old`).
    pub y_old: f64,
    /// `y` after.
    pub y: f64,
    /// The amount of the `y` token the order sold (negative: bought back).
    pub dy: f64,
    /// `yint` before, when the trade expanded the curve (`yint_old`).
    pub yint_old: Option<f64>,
    /// `yint` after (`y_int`).
    pub yint: f64,
    /// Whether `yint` was raised.
    pub expanded: bool,
    /// `x` at the new `y`, on the curve after the trade.
    pub x: f64,
    /// The amount of the `x` token the order received.
    pub dx: f64,
    /// The marginal price before (`pmarg_old`), pair convention.
    pub pmarg_old: f64,
    /// The marginal price at `y − dy` on the curve before the trade (`pmarg`).
    pub pmarg: f64,
    /// What the linked order did with `dx`, when the trade ran on a [`StrategyUi`](crate::StrategyUi).
    pub linked: Option<AddLiquidity>,
    /// The order after the trade.
    pub order: CarbonOrderUi,
}

impl UiTrade {
    /// `dx/dy`, or `None` for `dy = 0`.
    #[must_use]
    pub fn dx_per_dy(&self) -> Option<f64> {
        (self.dy != 0.0).then(|| self.dx / self.dy)
    }

    /// `dy/dx`, or `None` for `dx = 0`.
    #[must_use]
    pub fn dy_per_dx(&self) -> Option<f64> {
        (self.dx != 0.0).then(|| self.dy / self.dx)
    }

    /// The effective price in the pair's convention (`p`): `dx/dy` when the order sells the
    /// base token, `dy/dx` otherwise.
    #[must_use]
    pub fn p(&self) -> Option<f64> {
        if self.order.reverseq() {
            self.dx_per_dy()
        } else {
            self.dy_per_dx()
        }
    }
}

/// What [`CarbonOrderUi::addliqy`] did (the reference's result dict).
#[derive(Debug, Clone, PartialEq)]
pub struct AddLiquidity {
    /// `y` before.
    pub y_old: f64,
    /// `y` after.
    pub y: f64,
    /// The amount added.
    pub dy: f64,
    /// `yint` before.
    pub yint_old: f64,
    /// `yint` after.
    pub yint: f64,
    /// Whether `yint` was raised to the new `y`.
    pub expanded: bool,
    /// The marginal price before.
    pub pmarg_old: f64,
    /// The marginal price after.
    pub pmarg: f64,
    /// The order after.
    pub order: CarbonOrderUi,
}

/// Amounts below this are zero in [`CarbonOrderUi::selly`] (the reference's `EPSILON`). It is
/// absolute, whatever the token's scale, as in the reference.
pub const EPSILON: f64 = 1e-10;

impl CarbonOrderUi {
    /// Sells `dy` of the `y` token (trade by source; a negative `dy` buys it back) and returns
    /// what happened with the new order (the reference's `selly`).
    ///
    /// `dx` is [`dxfromdy_f`](Self::dxfromdy_f) on the curve before the trade, and `pmarg` the
    /// marginal price at `y − dy`. As in the reference, an amount within [`EPSILON`] of zero
    /// is zero (no trade), a new `y` within `EPSILON` below zero is zero, and when a buy-back
    /// expands the curve, `dx` is computed with the expanded `yint`.
    ///
    /// # Errors
    /// [`CarbonError::InvalidInput`] for a non-finite `dy`, or a negative one (below
    /// `−EPSILON`) without `allow_neg`; [`CarbonError::TradeBeyondLiquidity`] when
    /// `y − dy < −EPSILON`; [`CarbonError::CurveNeedsExpanding`] when `y − dy > yint` without
    /// `expand_curve`; [`CarbonError::NotFinite`] when `dx` overflows.
    pub fn selly(&self, dy: f64, opts: SellOptions) -> Result<UiTrade, CarbonError> {
        let mut dy = finite("dy", dy)?;
        if dy < 0.0 && !opts.allow_neg {
            if dy < -EPSILON {
                return Err(CarbonError::InvalidInput {
                    name: "dy",
                    value: dy,
                    reason: "must not be negative unless buying back is allowed",
                });
            }
            dy = 0.0;
        }
        let mut executed = true;
        if dy.abs() < EPSILON {
            dy = 0.0;
            executed = false;
        }
        let y_old = self.y;
        let pmarg_old = self.p_marg();
        let mut y_new = self.y - dy;
        let pmarg = self.p_marg_at(y_new);
        let (yint_old, expanded, yint) = if y_new < -EPSILON {
            return Err(CarbonError::TradeBeyondLiquidity {
                available: self.y,
                needed: dy,
            });
        } else if y_new > self.yint {
            if !opts.expand_curve {
                return Err(CarbonError::CurveNeedsExpanding {
                    y: y_new,
                    yint: self.yint,
                });
            }
            (Some(self.yint), true, y_new)
        } else {
            if y_new < 0.0 {
                y_new = 0.0;
            }
            (None, false, self.yint)
        };
        // dx on the curve with the new capacity (the reference raises yint first); a zero
        // trade (not executed) has y_new = y and the order comes back unchanged.
        let mut after = Self {
            yint,
            ..self.clone()
        };
        let dx = after.dx_from_dy_unchecked(dy);
        if !dx.is_finite() {
            return Err(CarbonError::NotFinite { what: "dx" });
        }
        after.y = y_new;
        let x = after.x_at(y_new);
        // An extreme order can overflow f64 in its price or position: refused, not returned.
        for (what, v) in [("x", x), ("pmarg_old", pmarg_old), ("pmarg", pmarg)] {
            if !v.is_finite() {
                return Err(CarbonError::NotFinite { what });
            }
        }
        Ok(UiTrade {
            kind: TradeKind::BySource,
            executed,
            y_old,
            y: y_new,
            dy,
            yint_old,
            yint: after.yint,
            expanded,
            x,
            dx,
            pmarg_old,
            pmarg,
            linked: None,
            order: after,
        })
    }

    /// Receives `dx` of the `x` token (trade by target): sells
    /// `dy = `[`dyfromdx_f`](Self::dyfromdx_f)`(dx)` through [`selly`](Self::selly) (the
    /// reference's `buyx`).
    ///
    /// # Errors
    /// As `dyfromdx_f` and `selly`; a negative `dx` is refused.
    pub fn buyx(&self, dx: f64, opts: SellOptions) -> Result<UiTrade, CarbonError> {
        let dy = self.dyfromdx_f(dx)?;
        let mut trade = self.selly(dy, opts)?;
        trade.kind = TradeKind::ByTarget;
        Ok(trade)
    }

    /// Trades until the marginal price is `p_marg` (pair convention), or as far as the curve
    /// goes: sells [`dyfromp_f`](Self::dyfromp_f)`(p_marg)`, which is nothing when the price is
    /// beyond the start or already passed, and all of `y` when it is beyond the end (the
    /// reference's `tradeto`).
    ///
    /// Two departures from the reference, both at the edges: beyond the end the reference sells
    /// `y − yfromp_f(p_end)`, which rounding can leave an ulp away from `y`, and here exactly `y`
    /// is sold; and the reference sets `yint = 1e-50` on an empty curve so that its `selly` does
    /// not divide 0 by 0, where here a zero trade never divides, so an empty curve is returned
    /// unchanged.
    ///
    /// # Errors
    /// [`CarbonError::InvalidInput`] unless `p_marg` is finite and positive.
    pub fn tradeto(&self, p_marg: f64) -> Result<UiTrade, CarbonError> {
        let dy = self.dyfromp_f(p_marg)?;
        let opts = SellOptions {
            allow_neg: false,
            expand_curve: false,
        };
        let mut trade = self.selly(dy, opts)?;
        trade.kind = TradeKind::ByPrice;
        Ok(trade)
    }

    /// Adds `dy` of the `y` token to the order, typically what its linked order received; with
    /// `expand_curve` (the reference's default) `yint` rises to the new `y` when needed (the
    /// reference's `addliqy`).
    ///
    /// # Errors
    /// [`CarbonError::InvalidInput`] for a non-finite or negative `dy`;
    /// [`CarbonError::CurveNeedsExpanding`] when `y + dy > yint` without `expand_curve`.
    pub fn addliqy(&self, dy: f64, expand_curve: bool) -> Result<AddLiquidity, CarbonError> {
        non_negative("dy", dy)?;
        let y_new = self.y + dy;
        if !y_new.is_finite() {
            return Err(CarbonError::NotFinite { what: "y + dy" });
        }
        let mut yint = self.yint;
        let expanded = y_new > yint;
        if expanded {
            if !expand_curve {
                return Err(CarbonError::CurveNeedsExpanding { y: y_new, yint });
            }
            yint = y_new;
        }
        let order = self.with_holding(yint, y_new)?;
        Ok(AddLiquidity {
            y_old: self.y,
            y: y_new,
            dy,
            yint_old: self.yint,
            yint,
            expanded,
            pmarg_old: self.p_marg(),
            pmarg: order.p_marg(),
            order,
        })
    }
}
