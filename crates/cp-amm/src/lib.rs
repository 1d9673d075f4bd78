//! # cp-amm: the constant-product AMM
//!
//! The `x · y = k` pool that the Flash V3 cadCAD model (seed `000_41906b304b51aa06`) trades on
//! twice, an external and an internal pool, made into a library: pure functions in [`math`] and a
//! stateful [`Pool`] on top of them. Amounts are generic over [`Num`], implemented for `f64` and
//! for [`rust_decimal::Decimal`] computing in Python's default `decimal` context, so the seed's
//! results are reproduced to the last of their 28 significant digits.
//!
//! ## The math
//!
//! With reserves `x` (token `X`, the seed's FLASH) and `y` (token `Y`, the seed's ALT), `k = x·y`
//! and the price of `X` is `p = y / x`.
//!
//! * **Swap exact-in** (seed `swap`): `out = y − k / (x + in·γ)`, `γ = 1 − fee`; reserves become
//!   `(x + in, y − out)`. With a fee the whole input joins the pool, so `k` grows (Uniswap v2).
//! * **Swap exact-out**: `in = (k / (y − out) − x) / γ`.
//! * **Arbitrage to a target price** (seed `amm_arb_calc`): `y_end = √(k · p_target)`. If
//!   `p > p_target`, sell `X` up to `x_end = k / y_end`; else sell `Y` up to `y_end`. With a fee
//!   the input `a` solves `(r + a)(r + γa) = c`; see [`math::arb_trade`].
//! * **Liquidity**: the first deposit mints `√(x·y)` shares; later deposits mint
//!   `amount · supply / reserve` of the binding side; burning `s` shares pays `reserve · s /
//!   supply` of each token (Uniswap v2 `mint`/`burn`). A first deposit whose shares round to
//!   zero is refused, so no pool holds reserves without shares (whose next depositor would
//!   take them).
//!
//! The guarantees (the product never falls on a swap with a fee, an output stays below its
//! reserve, no round trip or liquidity round trip gains) are checks in [`invariants`], and the
//! `proptest` feature's `strategies` draw the domain; this crate's property tests use both,
//! and so can a user's.
//!
//! ## Rounding
//!
//! `f64` rounds to nearest. `Decimal` rounds every operation once, half-even, to 28 significant
//! digits, as CPython's `decimal` does ([`DecimalContext`]); rust_decimal itself keeps 28 decimal
//! *places*, so a result that needs more than 28 places (a 28-digit number below `0.1`) is rounded
//! at the 28th place. All 154 values of the 70 Flash V3 conformance cases equal Python's
//! (`cargo xtask conformance --suite flash`), and so do 3 000 random operations checked against
//! CPython in `tests/python_decimal.rs`. With a fee, swaps round in the pool's
//! favour until the new reserves' product, compared exactly ([`Num::cmp_products`]), is at
//! least the old, so `k` never decreases, not even below the 28th digit; deposits round
//! shares down, so a deposit can never be withdrawn for more than was put in. Without a fee,
//! swaps are the seed's formula as written.
//!
//! ## Errors
//!
//! Every operation returns [`Result`] with [`CpAmmError`]: non-positive or non-finite input,
//! insufficient liquidity, overflow, division by zero, square root of a negative number. None
//! panics, and a failed call leaves a [`Pool`] unchanged.
//!
//! ## Example
//!
//! ```
//! use cp_amm::{Fee, Pool, Token};
//! use rust_decimal::Decimal;
//!
//! // The seed's pools: 100 000 FLASH (X) against 100 000 ALT (Y), no fee.
//! let mut pool = Pool::new(Decimal::from(100_000), Decimal::from(100_000), Fee::ZERO)?;
//! let swap = pool.swap_exact_in(Token::X, Decimal::from(1_000))?;
//! // 100000 − 10^10 / 101000, to 28 significant digits as Python's Decimal prints it:
//! assert_eq!(swap.amount_out.to_string(), "990.09900990099009900990099");
//!
//! // Arbitrage the pool back to a price of 1 ALT per FLASH.
//! let (trade, _) = pool.arb_to_price(Decimal::ONE)?.expect("the pool is off target");
//! assert_eq!(trade.input, Token::Y);
//! assert!((pool.price()? - Decimal::ONE).abs() < Decimal::new(1, 20));
//!
//! // f64 works the same way, here with Uniswap v2's 0.3 % fee.
//! let mut pool = Pool::new(1_000.0, 1_000.0, Fee::bps(30)?)?;
//! let out = pool.swap_exact_in(Token::Y, 100.0)?.amount_out;
//! assert!((out - 90.661_089_388_014_91).abs() < 1e-9);
//! # Ok::<(), cp_amm::CpAmmError>(())
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

/// The README's example, run as a doctest so that the README cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

mod context;
mod error;
mod fee;
pub mod invariants;
pub mod math;
mod num;
mod pool;
#[cfg(feature = "proptest")]
#[cfg_attr(docsrs, doc(cfg(feature = "proptest")))]
pub mod strategies;

pub use context::DecimalContext;
pub use error::{CpAmmError, Result};
pub use fee::Fee;
pub use math::{ArbTrade, LiquidityDeposit, LiquidityWithdrawal, Swap, Token};
pub use num::Num;
pub use pool::Pool;
pub use rust_decimal::Decimal;
