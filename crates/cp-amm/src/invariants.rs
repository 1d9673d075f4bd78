//! The pool math's guarantees, as checks a user's own property tests can call on the results of
//! this crate's functions (and this crate's property tests do, over [`strategies`] with the
//! `proptest` feature). Each returns [`CpAmmError::Violated`] naming the invariant and the
//! values when it does not hold.
//!
//! What each guarantees, and where (the property tests' domain, `strategies::reserve_f64` and
//! `reserve_decimal`: reserves of 10² to 10⁶, trades of at least 10⁻⁶ of a reserve, where a
//! fee outweighs rounding):
//! - [`swap_keeps_product`]: a swap with a fee never lowers `x · y` (compared exactly);
//! - [`output_below_reserve`]: a swap pays out something, and less than the whole reserve;
//! - [`round_trip_never_gains`]: a swap and its reverse never return more than went in;
//! - [`liquidity_never_gains`]: a deposit takes no more than offered, and withdrawing its
//!   shares pays out no more than it took.
//!
//! ```
//! use cp_amm::{Fee, Pool, Token, invariants};
//!
//! let mut pool = Pool::new(1_000.0, 2_000.0, Fee::bps(30)?)?;
//! let (x, y) = (pool.reserve_x(), pool.reserve_y());
//! let swap = pool.swap_exact_in(Token::X, 10.0)?;
//! invariants::swap_keeps_product(x, y, &swap)?;
//! invariants::output_below_reserve(y, &swap)?;
//! let back = pool.swap_exact_in(Token::Y, swap.amount_out)?;
//! invariants::round_trip_never_gains(10.0, back.amount_out)?;
//! // A broken result is named.
//! let mut bad = swap;
//! bad.reserve_out = 1.0;
//! let err = invariants::swap_keeps_product(x, y, &bad).unwrap_err();
//! assert!(err.to_string().contains("swap_keeps_product"));
//! # Ok::<(), cp_amm::CpAmmError>(())
//! ```
//!
//! [`strategies`]: https://docs.rs/cp-amm/latest/cp_amm/strategies/index.html

use crate::error::{CpAmmError, Result};
use crate::math::{LiquidityDeposit, LiquidityWithdrawal, Swap};
use crate::num::Num;

fn violated(invariant: &'static str, detail: String) -> CpAmmError {
    CpAmmError::Violated { invariant, detail }
}

/// A swap from reserves `(reserve_in, reserve_out)` leaves reserves whose product is at least
/// the old one (compared exactly, not rounded): the fee stays in the pool.
///
/// # Errors
/// [`CpAmmError::Violated`] when the product fell, or cannot be compared (a NaN).
pub fn swap_keeps_product<N: Num>(reserve_in: N, reserve_out: N, swap: &Swap<N>) -> Result<()> {
    let kept = N::cmp_products(swap.reserve_in, swap.reserve_out, reserve_in, reserve_out)
        .is_some_and(|o| o.is_ge());
    if kept {
        Ok(())
    } else {
        Err(violated(
            "swap_keeps_product",
            format!(
                "{} × {} after the swap is below {reserve_in} × {reserve_out} before it",
                swap.reserve_in, swap.reserve_out
            ),
        ))
    }
}

/// A swap pays out a positive amount, below the whole reserve `reserve_out` it had.
///
/// # Errors
/// [`CpAmmError::Violated`] otherwise.
pub fn output_below_reserve<N: Num>(reserve_out: N, swap: &Swap<N>) -> Result<()> {
    if swap.amount_out > N::ZERO && swap.amount_out < reserve_out {
        Ok(())
    } else {
        Err(violated(
            "output_below_reserve",
            format!(
                "paid out {} from a reserve of {reserve_out}",
                swap.amount_out
            ),
        ))
    }
}

/// Swapping `amount_in` and then its whole output back returned `back_out`, which is at most
/// `amount_in`: no round trip makes money.
///
/// # Errors
/// [`CpAmmError::Violated`] when `back_out > amount_in` (or they do not compare).
pub fn round_trip_never_gains<N: Num>(amount_in: N, back_out: N) -> Result<()> {
    if back_out <= amount_in {
        Ok(())
    } else {
        Err(violated(
            "round_trip_never_gains",
            format!("put in {amount_in}, got back {back_out}"),
        ))
    }
}

/// A deposit offered `offered = (x, y)` took no more than that, and the withdrawal of its
/// shares paid out no more than it took, token by token.
///
/// # Errors
/// [`CpAmmError::Violated`] naming the token and the amounts.
pub fn liquidity_never_gains<N: Num>(
    offered: (N, N),
    deposit: &LiquidityDeposit<N>,
    withdrawal: &LiquidityWithdrawal<N>,
) -> Result<()> {
    let checks = [
        ("X taken", deposit.amount_x, offered.0),
        ("Y taken", deposit.amount_y, offered.1),
        ("X paid out", withdrawal.amount_x, deposit.amount_x),
        ("Y paid out", withdrawal.amount_y, deposit.amount_y),
    ];
    for (what, amount, limit) in checks {
        if amount > limit || amount.partial_cmp(&limit).is_none() {
            return Err(violated(
                "liquidity_never_gains",
                format!("{what}: {amount}, more than {limit}"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_check_names_its_violation() {
        let swap = Swap {
            amount_in: 10.0,
            amount_out: 25.0,
            reserve_in: 110.0,
            reserve_out: 175.0,
        };
        // 110 × 175 = 19 250 ≥ 100 × 200 = 20 000 is false.
        let e = swap_keeps_product(100.0, 200.0, &swap).unwrap_err();
        assert!(matches!(
            e,
            CpAmmError::Violated {
                invariant: "swap_keeps_product",
                ..
            }
        ));
        assert!(swap_keeps_product(100.0, 190.0, &swap).is_ok());
        assert!(output_below_reserve(25.0, &swap).is_err());
        assert!(output_below_reserve(25.5, &swap).is_ok());
        assert!(round_trip_never_gains(1.0, 1.0 + f64::EPSILON).is_err());
        assert!(round_trip_never_gains(f64::NAN, 1.0).is_err());
        let deposit = LiquidityDeposit {
            amount_x: 5.0,
            amount_y: 10.0,
            shares: 7.0,
        };
        let paid = LiquidityWithdrawal {
            amount_x: 5.0,
            amount_y: 10.5,
        };
        let e = liquidity_never_gains((5.0, 10.0), &deposit, &paid).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invariant `liquidity_never_gains` violated: Y paid out: 10.5, more than 10"
        );
        assert!(liquidity_never_gains((4.0, 10.0), &deposit, &deposit_back(&deposit)).is_err());
    }

    fn deposit_back(d: &LiquidityDeposit<f64>) -> LiquidityWithdrawal<f64> {
        LiquidityWithdrawal {
            amount_x: d.amount_x,
            amount_y: d.amount_y,
        }
    }
}
