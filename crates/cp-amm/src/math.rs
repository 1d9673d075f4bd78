//! Pure constant-product functions: they take reserves and amounts and return results, and hold
//! no state. [`crate::Pool`] is the stateful entity built on them.
//!
//! Each function validates its arguments first (amounts and reserves finite and strictly
//! positive) and reports arithmetic failures as errors, so none of them panics.
//!
//! ```
//! use cp_amm::Fee;
//! use cp_amm::math::{spot_price, swap_exact_in, swap_exact_out};
//!
//! // 1000 in against reserves 10 000 / 20 000 without a fee: 20000 − 2·10⁸ / 11000.
//! let s = swap_exact_in(1_000.0, 10_000.0, 20_000.0, Fee::ZERO)?;
//! assert!((s.amount_out - 1_818.181_818_181_818).abs() < 1e-9);
//! assert_eq!(spot_price(10_000.0, 20_000.0)?, 2.0); // out per in
//! // Exact-out inverts it.
//! let back = swap_exact_out(s.amount_out, 10_000.0, 20_000.0, Fee::ZERO)?;
//! assert!((back.amount_in - 1_000.0).abs() < 1e-9);
//! # Ok::<(), cp_amm::CpAmmError>(())
//! ```

use std::cmp::Ordering;

use crate::num::positive;
use crate::{CpAmmError, Fee, Num, Result};

/// One of the pool's two tokens. Prices are quoted as `Y` per `X` (`reserve_y / reserve_x`).
///
/// In the Flash V3 model `X` is FLASH and `Y` is ALT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Token {
    /// The base token (the seed's `flash`).
    X,
    /// The quote token (the seed's `alt`).
    Y,
}

impl Token {
    /// The other token of the pair.
    #[must_use]
    pub fn other(self) -> Self {
        match self {
            Token::X => Token::Y,
            Token::Y => Token::X,
        }
    }
}

/// The result of a swap: the amounts that changed hands and the reserves afterwards.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Swap<N> {
    /// Paid into the pool, fee included.
    pub amount_in: N,
    /// Paid out of the pool.
    pub amount_out: N,
    /// The input token's reserve after the swap (`reserve_in + amount_in`).
    pub reserve_in: N,
    /// The output token's reserve after the swap (`reserve_out − amount_out`).
    pub reserve_out: N,
}

/// The trade that moves a pool to a target price: which token goes in, and how much.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ArbTrade<N> {
    /// The token paid into the pool.
    pub input: Token,
    /// The amount paid in. Zero, or off zero by a rounding unit, when the pool already sits at
    /// the target price.
    pub amount: N,
}

/// The marginal price of the input token in units of the output token: `reserve_out / reserve_in`.
///
/// ```
/// // 10 000 X against 20 000 Y: one X is worth 2 Y, one Y half an X.
/// assert_eq!(cp_amm::math::spot_price(10_000.0, 20_000.0)?, 2.0);
/// assert_eq!(cp_amm::math::spot_price(20_000.0, 10_000.0)?, 0.5);
/// # Ok::<(), cp_amm::CpAmmError>(())
/// ```
///
/// # Errors
/// [`CpAmmError::NonPositive`] or [`CpAmmError::NonFinite`] for a bad reserve.
pub fn spot_price<N: Num>(reserve_in: N, reserve_out: N) -> Result<N> {
    let x = positive("reserve_in", reserve_in)?;
    let y = positive("reserve_out", reserve_out)?;
    y.try_div(x)
}

/// Whether the reserves `(new_x, new_y)` hold less than `k = x·y`, compared exactly.
fn below_k<N: Num>(new_x: N, new_y: N, x: N, y: N) -> Result<bool> {
    N::cmp_products(new_x, new_y, x, y)
        .map(Ordering::is_lt)
        .ok_or(CpAmmError::Overflow { op: "k" })
}

/// Sells exactly `amount_in` into the pool.
///
/// `out = y − k / (x + in·(1 − fee))` with `k = x·y`, the seed's `swap` written the same way and
/// in the same order of operations (so with [`Fee::ZERO`] and `Decimal` it is the Flash V3
/// notebook's result to the last digit). With a fee, the output is then rounded in the pool's
/// favour until the new reserves' exact product is at least `x·y` (compared without rounding,
/// [`Num::cmp_products`]), so `k` never decreases.
///
/// ```
/// use cp_amm::{Fee, math::swap_exact_in};
///
/// // 100 in against 1000 / 1000 with a 0.3 % fee: out = 1000 − 10⁶ / (1000 + 99.7).
/// let s = swap_exact_in(100.0, 1_000.0, 1_000.0, Fee::bps(30)?)?;
/// assert!((s.amount_out - (1_000.0 - 1e6 / 1_099.7)).abs() < 1e-9);
/// assert_eq!(s.reserve_in, 1_100.0); // the whole input, fee included, joins the pool
/// assert!(s.reserve_in * s.reserve_out >= 1e6); // k does not decrease
/// # Ok::<(), cp_amm::CpAmmError>(())
/// ```
///
/// # Errors
/// Bad arguments, [`CpAmmError::RoundsToZero`] when the output vanishes at this precision,
/// [`CpAmmError::InsufficientLiquidity`] when it would reach the whole reserve, and arithmetic
/// errors.
pub fn swap_exact_in<N: Num>(
    amount_in: N,
    reserve_in: N,
    reserve_out: N,
    fee: Fee,
) -> Result<Swap<N>> {
    let amount_in = positive("amount_in", amount_in)?;
    let x = positive("reserve_in", reserve_in)?;
    let y = positive("reserve_out", reserve_out)?;
    let k = x.try_mul(y)?;
    let new_x = x.try_add(amount_in)?;
    let mut out = y.try_sub(k.try_div(x.try_add(fee.apply(amount_in)?)?)?)?;
    let mut new_y = y.try_sub(out)?;
    if !fee.is_zero() {
        // Round against the trader: step the output down by growing units until k holds.
        let mut step = y.ulp()?;
        while below_k(new_x, new_y, x, y)? && out > N::ZERO {
            out = out.try_sub(step)?;
            new_y = y.try_sub(out)?;
            step = step.try_add(step)?;
        }
    }
    if out <= N::ZERO {
        return Err(CpAmmError::RoundsToZero { what: "amount_out" });
    }
    if out >= y || new_y <= N::ZERO {
        return Err(CpAmmError::InsufficientLiquidity {
            requested: out.to_string(),
            reserve: y.to_string(),
        });
    }
    Ok(Swap {
        amount_in,
        amount_out: out,
        reserve_in: new_x,
        reserve_out: new_y,
    })
}

/// Buys exactly `amount_out` from the pool.
///
/// `in = (k / (y − out) − x) / (1 − fee)`. With a fee the input is rounded up (in the pool's
/// favour) until the new reserves' exact product is at least `x·y`.
///
/// ```
/// use cp_amm::{Fee, math::swap_exact_out};
///
/// // 90 out of 1000 / 1000 without a fee costs 10⁶ / 910 − 1000 = 98.9011…
/// let s = swap_exact_out(90.0, 1_000.0, 1_000.0, Fee::ZERO)?;
/// assert!((s.amount_in - (1e6 / 910.0 - 1_000.0)).abs() < 1e-9);
/// // Asking for the whole reserve is refused.
/// assert!(swap_exact_out(1_000.0, 1_000.0, 1_000.0, Fee::ZERO).is_err());
/// # Ok::<(), cp_amm::CpAmmError>(())
/// ```
///
/// # Errors
/// Bad arguments, [`CpAmmError::InsufficientLiquidity`] when `amount_out ≥ reserve_out`,
/// [`CpAmmError::RoundsToZero`] when the input vanishes at this precision, and arithmetic errors.
pub fn swap_exact_out<N: Num>(
    amount_out: N,
    reserve_in: N,
    reserve_out: N,
    fee: Fee,
) -> Result<Swap<N>> {
    let out = positive("amount_out", amount_out)?;
    let x = positive("reserve_in", reserve_in)?;
    let y = positive("reserve_out", reserve_out)?;
    if out >= y {
        return Err(CpAmmError::InsufficientLiquidity {
            requested: out.to_string(),
            reserve: y.to_string(),
        });
    }
    let k = x.try_mul(y)?;
    let new_y = y.try_sub(out)?;
    let net_in = k.try_div(new_y)?.try_sub(x)?;
    let mut amount_in = if fee.is_zero() {
        net_in
    } else {
        net_in.try_div(fee.gamma()?)?
    };
    let mut new_x = x.try_add(amount_in)?;
    if !fee.is_zero() {
        let mut step = if amount_in > x { amount_in } else { x }.ulp()?;
        while below_k(new_x, new_y, x, y)? {
            amount_in = amount_in.try_add(step)?;
            new_x = x.try_add(amount_in)?;
            step = step.try_add(step)?;
        }
    }
    if amount_in <= N::ZERO {
        return Err(CpAmmError::RoundsToZero { what: "amount_in" });
    }
    Ok(Swap {
        amount_in,
        amount_out: out,
        reserve_in: new_x,
        reserve_out: new_y,
    })
}

/// The trade that brings the pool's price `y / x` to `target_price` (`Y` per `X`).
///
/// Without a fee this is the seed's `amm_arb_calc`, in its order of operations:
/// `y_end = √(k · p_target)`; if the pool's price is above the target, `X` goes in, up to
/// `x_end = k / y_end`, else `Y` goes in, up to `y_end`.
///
/// With a fee `f` (γ = 1 − f) the whole input joins the reserve but only `γ·a` moves along the
/// curve, so the input `a` of the reserve `r` solves `(r + a)(r + γa) = c`, with `c = k·p` when
/// `Y` goes in and `c = k / p` when `X` does: `a = 2(c − r²) / ((1+γ)r + √((1+γ)²r² − 4γ(r² − c)))`
/// (the cancellation-free root of the quadratic).
///
/// ```
/// use cp_amm::{Fee, Token, math::arb_trade};
///
/// // The pool prices X at 2 Y (1000 X, 2000 Y); the market says 1.8. Selling X in lowers it:
/// // y_end = √(k · 1.8) = 1341.64…, x_end = k / y_end = 1490.71…, so 490.71… X goes in.
/// let t = arb_trade(1_000.0, 2_000.0, 1.8, Fee::ZERO)?;
/// assert_eq!(t.input, Token::X);
/// assert!((t.amount - (2e6 / (2e6 * 1.8f64).sqrt() - 1_000.0)).abs() < 1e-9);
/// # Ok::<(), cp_amm::CpAmmError>(())
/// ```
///
/// # Errors
/// Bad arguments and arithmetic errors.
pub fn arb_trade<N: Num>(
    reserve_x: N,
    reserve_y: N,
    target_price: N,
    fee: Fee,
) -> Result<ArbTrade<N>> {
    let x = positive("reserve_x", reserve_x)?;
    let y = positive("reserve_y", reserve_y)?;
    let p = positive("target_price", target_price)?;
    let pool_price = y.try_div(x)?;
    let k = y.try_mul(x)?;
    if fee.is_zero() {
        let y_end = k.try_mul(p)?.try_sqrt()?;
        return if pool_price > p {
            let x_end = k.try_div(y_end)?;
            Ok(ArbTrade {
                input: Token::X,
                amount: x_end.try_sub(x)?,
            })
        } else {
            Ok(ArbTrade {
                input: Token::Y,
                amount: y_end.try_sub(y)?,
            })
        };
    }
    let (input, r, c) = if pool_price > p {
        (Token::X, x, k.try_div(p)?)
    } else {
        (Token::Y, y, k.try_mul(p)?)
    };
    let g: N = fee.gamma()?;
    let two = N::ONE.try_add(N::ONE)?;
    let four = two.try_add(two)?;
    let one_g_r = N::ONE.try_add(g)?.try_mul(r)?;
    let r2 = r.try_mul(r)?;
    let disc = one_g_r
        .try_mul(one_g_r)?
        .try_sub(four.try_mul(g)?.try_mul(r2.try_sub(c)?)?)?;
    let amount = two
        .try_mul(c.try_sub(r2)?)?
        .try_div(one_g_r.try_add(disc.try_sqrt()?)?)?;
    Ok(ArbTrade { input, amount })
}

/// Liquidity shares minted by the first deposit: `√(x · y)` (Uniswap v2).
///
/// A first deposit whose shares round to zero at the type's precision (`x·y` below `1e-28` in
/// `Decimal`) is refused, so that no pool ever holds reserves with no shares outstanding:
/// the next depositor would mint `√(x'·y')` shares, all of them, and withdraw the reserves
/// too. Uniswap v2 guards the same case by locking `MINIMUM_LIQUIDITY` shares; here no share
/// is locked, so a pool's first deposit and its seed results are unchanged.
///
/// ```
/// // The first deposit mints √(x·y) shares: √(100 · 400) = 200.
/// assert_eq!(cp_amm::math::initial_shares(100.0, 400.0)?, 200.0);
/// # Ok::<(), cp_amm::CpAmmError>(())
/// ```
///
/// # Errors
/// Bad arguments, [`CpAmmError::RoundsToZero`] when the shares round to zero, and arithmetic
/// errors.
pub fn initial_shares<N: Num>(amount_x: N, amount_y: N) -> Result<N> {
    let x = positive("amount_x", amount_x)?;
    let y = positive("amount_y", amount_y)?;
    let shares = x.try_mul(y)?.try_sqrt()?;
    // A pool with reserves and no shares would go to its next depositor whole.
    if shares <= N::ZERO {
        return Err(CpAmmError::RoundsToZero {
            what: "initial shares",
        });
    }
    Ok(shares)
}

/// What a deposit of liquidity takes and mints (named apart from `fei_cam::Deposit`, which is
/// an account holding a balance).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LiquidityDeposit<N> {
    /// `X` taken from the depositor.
    pub amount_x: N,
    /// `Y` taken from the depositor.
    pub amount_y: N,
    /// Liquidity shares minted.
    pub shares: N,
}

/// What a withdrawal of liquidity (burning shares) pays out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LiquidityWithdrawal<N> {
    /// `X` paid out.
    pub amount_x: N,
    /// `Y` paid out.
    pub amount_y: N,
}

/// A deposit into a pool with reserves `(x, y)` and `supply` shares, pro rata.
///
/// The binding side is taken in full and the other side in proportion (the rest stays with the
/// depositor, as Uniswap's router does): shares `= amount · supply / reserve` of the binding
/// side. Shares are then rounded down until burning them pays out no more than was deposited.
///
/// ```
/// // A pool of 1000 X / 2000 Y with 100 shares; offered 100 X and 300 Y, the X side binds:
/// // 10 shares, 100 X and 200 Y taken (the other 100 Y stays with the depositor).
/// let d = cp_amm::math::deposit(100.0, 300.0, 1_000.0, 2_000.0, 100.0)?;
/// assert_eq!((d.amount_x, d.amount_y), (100.0, 200.0));
/// assert!(d.shares <= 10.0 && d.shares > 9.999_999);
/// # Ok::<(), cp_amm::CpAmmError>(())
/// ```
///
/// # Errors
/// Bad arguments, [`CpAmmError::RoundsToZero`] for a deposit too small to mint a share, and
/// arithmetic errors.
pub fn deposit<N: Num>(
    amount_x: N,
    amount_y: N,
    reserve_x: N,
    reserve_y: N,
    supply: N,
) -> Result<LiquidityDeposit<N>> {
    let dx = positive("amount_x", amount_x)?;
    let dy = positive("amount_y", amount_y)?;
    let x = positive("reserve_x", reserve_x)?;
    let y = positive("reserve_y", reserve_y)?;
    let s = positive("supply", supply)?;
    let (amount_x, amount_y, mut shares) = if dx.try_mul(y)? <= dy.try_mul(x)? {
        (dx, dx.try_mul(y)?.try_div(x)?, dx.try_mul(s)?.try_div(x)?)
    } else {
        (dy.try_mul(x)?.try_div(y)?, dy, dy.try_mul(s)?.try_div(y)?)
    };
    if amount_x <= N::ZERO || amount_y <= N::ZERO {
        return Err(CpAmmError::RoundsToZero {
            what: "deposit amount",
        });
    }
    let (new_x, new_y) = (x.try_add(amount_x)?, y.try_add(amount_y)?);
    let mut step = shares.ulp()?;
    loop {
        if shares <= N::ZERO {
            return Err(CpAmmError::RoundsToZero { what: "shares" });
        }
        let back = withdrawal(shares, new_x, new_y, s.try_add(shares)?)?;
        if back.amount_x <= amount_x && back.amount_y <= amount_y {
            break;
        }
        shares = shares.try_sub(step)?;
        step = step.try_add(step)?;
    }
    Ok(LiquidityDeposit {
        amount_x,
        amount_y,
        shares,
    })
}

/// Burning `shares` of `supply` pays out `reserve · shares / supply` of each token; the last
/// shares take the whole reserves.
///
/// ```
/// // Burning 10 of 100 shares of 1000 X / 2000 Y pays a tenth of each.
/// let w = cp_amm::math::withdrawal(10.0, 1_000.0, 2_000.0, 100.0)?;
/// assert_eq!((w.amount_x, w.amount_y), (100.0, 200.0));
/// assert!(cp_amm::math::withdrawal(101.0, 1_000.0, 2_000.0, 100.0).is_err());
/// # Ok::<(), cp_amm::CpAmmError>(())
/// ```
///
/// # Errors
/// Bad arguments, [`CpAmmError::InsufficientShares`] when `shares > supply`, and arithmetic
/// errors.
pub fn withdrawal<N: Num>(
    shares: N,
    reserve_x: N,
    reserve_y: N,
    supply: N,
) -> Result<LiquidityWithdrawal<N>> {
    let shares = positive("shares", shares)?;
    let x = positive("reserve_x", reserve_x)?;
    let y = positive("reserve_y", reserve_y)?;
    let s = positive("supply", supply)?;
    if shares > s {
        return Err(CpAmmError::InsufficientShares {
            requested: shares.to_string(),
            supply: s.to_string(),
        });
    }
    if shares == s {
        return Ok(LiquidityWithdrawal {
            amount_x: x,
            amount_y: y,
        });
    }
    Ok(LiquidityWithdrawal {
        amount_x: x.try_mul(shares)?.try_div(s)?,
        amount_y: y.try_mul(shares)?.try_div(s)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn swap_matches_hand_math() {
        // 100 in against 1000/1000: out = 1000 − 1e6/1100 = 90.909…
        let s = swap_exact_in(100.0, 1000.0, 1000.0, Fee::ZERO).unwrap();
        assert!((s.amount_out - 90.909_090_909_090_9).abs() < 1e-12);
        assert!((s.reserve_in - 1100.0).abs() < f64::EPSILON);
        // 0.3 % fee: out = 1000 − 10^6 / (1000 + 99.7), as Python computes it.
        let s = swap_exact_in(d("100"), d("1000"), d("1000"), Fee::bps(30).unwrap()).unwrap();
        assert_eq!(s.amount_out, d("90.6610893880149131581340366"));
    }

    #[test]
    fn swap_errors() {
        assert!(matches!(
            swap_exact_in(0.0, 1.0, 1.0, Fee::ZERO),
            Err(CpAmmError::NonPositive {
                what: "amount_in",
                ..
            })
        ));
        assert!(matches!(
            swap_exact_in(1.0, f64::NAN, 1.0, Fee::ZERO),
            Err(CpAmmError::NonFinite {
                what: "reserve_in",
                ..
            })
        ));
        assert!(matches!(
            swap_exact_out(1.0, 1.0, 1.0, Fee::ZERO),
            Err(CpAmmError::InsufficientLiquidity { .. })
        ));
        // A product beyond Decimal's range.
        assert!(matches!(
            swap_exact_in(d("1"), Decimal::MAX, Decimal::MAX, Fee::ZERO),
            Err(CpAmmError::Overflow { .. })
        ));
    }

    #[test]
    fn arb_with_fee_hits_the_target() {
        let fee = Fee::bps(30).unwrap();
        let t = arb_trade(1000.0, 1000.0, 4.0, fee).unwrap();
        assert_eq!(t.input, Token::Y);
        let s = swap_exact_in(t.amount, 1000.0, 1000.0, fee).unwrap();
        let price = s.reserve_in / s.reserve_out;
        assert!((price / 4.0 - 1.0).abs() < 1e-12, "{price}");
    }

    #[test]
    fn liquidity_round_trip_by_hand() {
        assert_eq!(initial_shares(d("400"), d("100")).unwrap(), d("200"));
        // A quarter more X than the pool holds, with Y to spare: a quarter more shares.
        let dep = deposit(d("100"), d("999"), d("400"), d("100"), d("200")).unwrap();
        assert_eq!(
            (dep.amount_x, dep.amount_y, dep.shares),
            (d("100"), d("25"), d("50"))
        );
        let w = withdrawal(d("50"), d("500"), d("125"), d("250")).unwrap();
        assert_eq!((w.amount_x, w.amount_y), (d("100"), d("25")));
        assert!(matches!(
            withdrawal(d("251"), d("500"), d("125"), d("250")),
            Err(CpAmmError::InsufficientShares { .. })
        ));
    }
}
