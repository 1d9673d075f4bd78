//! The float order's curve functions: the invariant both ways, prices along the curve, and the
//! trade amounts by source and by target (`xfromy_f`, `dyfromdx_f`, … in the reference).

use super::{CarbonOrderUi, PriceBound, finite, non_negative, positive};
use crate::CarbonError;

impl CarbonOrderUi {
    /// The raw marginal price at holding `y*`, in the pair's convention; no bounds checks.
    pub(super) fn p_marg_at(&self, y: f64) -> f64 {
        let dydx = if self.yint == 0.0 {
            let v = self.b + self.s;
            v * v
        } else {
            let v = self.b + self.s * y / self.yint;
            v * v
        };
        self.to_pair_convention(dydx)
    }

    /// The invariant `x(y)` with no bounds checks, 0 on an empty curve.
    pub(super) fn x_at(&self, y: f64) -> f64 {
        let (b, s, yint) = (self.b, self.s, self.yint);
        if yint == 0.0 {
            return 0.0;
        }
        let num = yint * (yint - y);
        let denom = b * b * yint + b * s * y + b * s * yint + s * s * y;
        num / denom
    }

    /// `dx(dy) = dy·yint² / ((S·y + B·yint)(S·y + B·yint − S·dy))` with no bounds checks; 0 for
    /// `dy = 0`.
    pub(super) fn dx_from_dy_unchecked(&self, dy: f64) -> f64 {
        if dy == 0.0 {
            return 0.0;
        }
        let (b, s, y, yint) = (self.b, self.s, self.y, self.yint);
        let num = yint * yint;
        let denom = (s * y + b * yint) * (s * y + b * yint - s * dy);
        dy * (num / denom)
    }

    /// `dy(dx) = dx·(S·y + B·yint)² / (S·dx·(S·y + B·yint) + yint²)` with no bounds checks.
    pub(super) fn dy_from_dx_unchecked(&self, dx: f64) -> f64 {
        let (b, s, y, yint) = (self.b, self.s, self.y, self.yint);
        let k = s * y + b * yint;
        let num = k * k;
        let denom = s * dx * k + yint * yint;
        dx * (num / denom)
    }

    /// The marginal price after the order sells `dy` more, `(B + S·y*/yint)²` at
    /// `y* = y − dy` (or `y* = yint − dy` with `fullcurve`), in the pair's convention (the
    /// reference's `p_marg_f` with bounds checked).
    ///
    /// # Errors
    /// [`CarbonError::InvalidInput`] for a non-finite or negative `dy`;
    /// [`CarbonError::TradeBeyondLiquidity`] when `y* < 0`.
    pub fn p_marg_f(&self, dy: f64, fullcurve: bool) -> Result<f64, CarbonError> {
        let (_, y) = self.y_after(dy, fullcurve)?;
        Ok(self.p_marg_at(y))
    }

    /// `(y₀, y₀ − dy)` with `y₀ = yint` (`fullcurve`) or `y`, checked: `dy ≥ 0` and
    /// `y₀ − dy ≥ 0`.
    fn y_after(&self, dy: f64, fullcurve: bool) -> Result<(f64, f64), CarbonError> {
        non_negative("dy", dy)?;
        let from = if fullcurve { self.yint } else { self.y };
        let y = from - dy;
        if y < 0.0 {
            return Err(CarbonError::TradeBeyondLiquidity {
                available: from,
                needed: dy,
            });
        }
        Ok((from, y))
    }

    /// The effective (average) price of selling `dy` from `y` (or from `yint` with
    /// `fullcurve`): `dy/(x(y − dy) − x(y))` in raw terms, in the pair's convention; the
    /// marginal price for `dy = 0` (the reference's `p_eff_f`).
    ///
    /// # Errors
    /// As [`p_marg_f`](Self::p_marg_f).
    pub fn p_eff_f(&self, dy: f64, fullcurve: bool) -> Result<f64, CarbonError> {
        let (y0, y) = self.y_after(dy, fullcurve)?;
        if self.yint == 0.0 || dy == 0.0 {
            return Ok(self.p_marg_at(y));
        }
        let dydx = dy / (self.x_at(y) - self.x_at(y0));
        Ok(self.to_pair_convention(dydx))
    }

    /// The holding at which the marginal price is `p` (pair convention):
    /// `y = yint·(sqrt(dydx) − B)/S` (the reference's `yfromp_f` with `raiseonerror`).
    ///
    /// # Errors
    /// [`CarbonError::InvalidInput`] unless `p` is finite and positive;
    /// [`CarbonError::PriceOutOfBounds`] beyond the start (`dydx > pa_raw`), beyond the end
    /// (`dydx < pb_raw`), or beyond the current marginal price (the `y` found is above `y`).
    /// A single-price order (`S = 0`) has no interior: its price is either the start or beyond.
    pub fn yfromp_f(&self, p: f64) -> Result<f64, CarbonError> {
        positive("p", p)?;
        let dydx = self.to_pair_convention(p);
        let out = |bound| Err(CarbonError::PriceOutOfBounds { price: p, bound });
        if dydx > self.pa_raw() {
            return out(PriceBound::BeyondStart);
        } else if dydx < self.pb_raw() {
            return out(PriceBound::BeyondEnd);
        }
        if self.s == 0.0 {
            // dydx == pa_raw == pb_raw: the whole holding trades at this one price.
            return Ok(self.y);
        }
        let y = self.yint * (dydx.sqrt() - self.b) / self.s;
        if y > self.y {
            return out(PriceBound::BeyondMarginal);
        }
        Ok(y)
    }

    /// How much the order must sell to move its marginal price to `p`: `y − yfromp_f(p)`, 0
    /// when `p` is beyond the start or the current marginal price, and all of `y` when `p` is
    /// beyond the end (the reference's `dyfromp_f` in its default, non-raising mode).
    ///
    /// # Errors
    /// [`CarbonError::InvalidInput`] unless `p` is finite and positive.
    pub fn dyfromp_f(&self, p: f64) -> Result<f64, CarbonError> {
        match self.yfromp_f(p) {
            Ok(y) => Ok(self.y - y),
            Err(CarbonError::PriceOutOfBounds {
                bound: PriceBound::BeyondEnd,
                ..
            }) => Ok(self.y),
            Err(CarbonError::PriceOutOfBounds { .. }) => Ok(0.0),
            Err(e) => Err(e),
        }
    }

    /// The amount `dy` the order sells when it receives `dx` (trade by source):
    /// `dy = dx·(S·y + B·yint)² / (S·dx·(S·y + B·yint) + yint²)` (the reference's
    /// `dyfromdx_f`).
    ///
    /// # Errors
    /// [`CarbonError::InvalidInput`] for a non-finite or negative `dx`;
    /// [`CarbonError::TradeBeyondLiquidity`] when the `dy` it needs is more than `y` (the
    /// reference returns it regardless and leaves the check to `selly`).
    pub fn dyfromdx_f(&self, dx: f64) -> Result<f64, CarbonError> {
        non_negative("dx", dx)?;
        if dx == 0.0 || self.yint == 0.0 {
            return if dx == 0.0 {
                Ok(0.0)
            } else {
                Err(CarbonError::TradeBeyondLiquidity {
                    available: self.y,
                    needed: f64::INFINITY,
                })
            };
        }
        let dy = self.dy_from_dx_unchecked(dx);
        if !dy.is_finite() || dy > self.y {
            return Err(CarbonError::TradeBeyondLiquidity {
                available: self.y,
                needed: dy,
            });
        }
        Ok(dy)
    }

    /// The amount `dx` the order receives when it sells `dy` (trade by target):
    /// `dx = dy·yint² / ((S·y + B·yint)(S·y + B·yint − S·dy))` (the reference's `dxfromdy_f`).
    ///
    /// # Errors
    /// [`CarbonError::InvalidInput`] for a non-finite or negative `dy`;
    /// [`CarbonError::TradeBeyondLiquidity`] for `dy > y`.
    pub fn dxfromdy_f(&self, dy: f64) -> Result<f64, CarbonError> {
        non_negative("dy", dy)?;
        if dy > self.y {
            return Err(CarbonError::TradeBeyondLiquidity {
                available: self.y,
                needed: dy,
            });
        }
        Ok(self.dx_from_dy_unchecked(dy))
    }

    /// The invariant as `x = f(y)`:
    /// `x = yint·(yint − y) / (B²·yint + B·S·y + B·S·yint + S²·y)` (the reference's
    /// `xfromy_f`); 0 on an empty curve, where the reference divides 0 by 0.
    ///
    /// # Errors
    /// [`CarbonError::InvalidInput`] for a non-finite or negative `y`;
    /// [`CarbonError::AboveCapacity`] for `y > yint`.
    pub fn xfromy_f(&self, y: f64) -> Result<f64, CarbonError> {
        finite("y", y)?;
        if y > self.yint {
            return Err(CarbonError::AboveCapacity { y, yint: self.yint });
        }
        non_negative("y", y)?;
        Ok(self.x_at(y))
    }

    /// The invariant as `y = f(x)`:
    /// `y = yint·(−B²·x − B·S·x + yint) / (B·S·x + S²·x + yint)` (the reference's `yfromx_f`).
    ///
    /// # Errors
    /// [`CarbonError::InvalidInput`] for a non-finite or negative `x`, or an `x` beyond the x
    /// intercept (where `y` would be negative).
    pub fn yfromx_f(&self, x: f64) -> Result<f64, CarbonError> {
        non_negative("x", x)?;
        let (b, s, yint) = (self.b, self.s, self.yint);
        if yint == 0.0 {
            if x == 0.0 {
                return Ok(0.0);
            }
        } else {
            let num = yint * (-(b * b) * x - b * s * x + yint);
            let denom = b * s * x + s * s * x + yint;
            let y = num / denom;
            if y >= 0.0 {
                return Ok(y);
            }
        }
        Err(CarbonError::InvalidInput {
            name: "x",
            value: x,
            reason: "must not exceed the x intercept xint",
        })
    }
}
