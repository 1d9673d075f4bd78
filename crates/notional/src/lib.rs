//! # notional: Notional's logit-curve fixed-rate market
//!
//! Notional pools trade cash today against fCash, a claim on cash at maturity. The pool's
//! exchange rate (fCash per unit of cash, at 1e9) is a logit curve in the pool's proportion of
//! fCash:
//!
//! ```text
//! p    = (F + f) / (F + C)                 F fCash and C cash in the pool, f fCash sold to it
//! rate = ln(p / (1 − p)) / scalar + anchor
//! ```
//!
//! Selling fCash (borrowing) raises `p` and so the rate; buying it (lending) lowers both. The
//! `scalar` grows toward maturity (less slippage), and the `anchor` rolls down so that the
//! market's implied interest rate does not jump between trades. Cash for `f` fCash is
//! `|f| · 1e9 / rate`, with the liquidity fee added to the borrower's rate and taken from the
//! lender's. (Notional v1 whitepaper and `CashMarket.sol`; v2 `Market.sol`.)
//!
//! Three markets, one per module:
//!
//! * [`gist`]: the SDK's `Market` calculator (jeffywu's "Notional Market Calculation" gist,
//!   seed `003_f939baeb84004cbb`), bit for bit, in the gist's own mix of ethers BigNumber, JS
//!   Numbers and decimal.js at 18 digits rounding toward +∞. It passes the 302 `notional-gist`
//!   conformance vectors (`cargo xtask conformance --suite notional-gist`). Its defects are kept
//!   and listed in its docs.
//! * [`v1`]: the v1 contract, `CashMarket.sol`, in the contract's integers and ABDK 64.64 `ln`;
//!   [`v1::contract`] is its pricing functions on the contract's ABI types.
//! * [`v2`]: the v2 market of `contracts-v2`; [`v2::contract`] is `Market.sol` on `int256`.
//! * [`abdk`]: ABDK's 64.64 functions that both contracts call, bit for bit.
//!
//! `v1::contract`, `v2::contract` and `abdk` are checked against the contracts' compiled
//! bytecode, function by function, on a million random inputs each (docs/CONFORMANCE.md).
//!
//! ## v1 and v2 side by side
//!
//! | | v1 `CashMarket.sol` (and the gist) | v2 `Market.sol` | why v2 changed |
//! |---|---|---|---|
//! | trade sign | `fCashAmount > 0` sells fCash to the pool (borrows) | `fCashToAccount > 0` buys fCash from it (lends) | the account's view, as in its portfolio |
//! | proportion | `(F + f)/(F + C)`, any value below 1 | `(F − f)/(F + C)`, at most 0.99 | a cap stops borrowing from pushing rates to infinity |
//! | scalar | `rateScalar · L / t` (per maturity length) | `s · 1e9 · 360d / t` | one annual basis for every maturity |
//! | anchor roll-down | `anchor − (implied − lastImplied) · t / L` (simple rates) | `e^(lastImplied · t) − ln(p/(1 − p))/scalar` | recomputed exactly from the last rate, so no drift |
//! | implied rate | `(rate − 1) · L / t`, simple, per period | `ln(rate) · 360d / t`, continuously compounded, annual | compounding makes rates comparable across maturities |
//! | liquidity fee | additive: `rate ± fee · t / L` | multiplicative: `rate · e^(±fee·t)`, a share to the reserve | a fee in rate terms, and protocol revenue |
//! | transaction fee | `cash · fee · t / L / 1e18` to the reserve | folded into the liquidity fee's reserve share | one fee |
//! | exact-cash quotes | the gist's `iterateRates`: fixed-point steps of `diff · rate` (can loop for ever) | `getfCashGivenCashAmount`: Newton with the analytic derivative, ≤ 250 iterations | converges in a handful of steps, and stops |
//! | oracle | none (last implied rate) | time-weighted `oracleRate` over a window | resists flash-loan manipulation of valuations |
//!
//! ## Example
//!
//! ```
//! use notional::gist::{BigInt, CashGroup, Market, MarketData, RateParams};
//!
//! // A 30-day market holding 1M cash and 1.2M fCash (18 decimals), 10 days before maturity.
//! let e18 = BigInt::from(10u64.pow(18));
//! let market = Market::new(
//!     MarketData {
//!         total_current_cash: BigInt::from(1_000_000) * &e18,
//!         total_fcash: BigInt::from(1_200_000) * &e18,
//!         total_liquidity: BigInt::from(1_000_000) * &e18,
//!         rate_anchor: 1_010_000_000.0,
//!         rate_scalar: 100.0,
//!         last_implied_rate: 10_000_000.0,
//!     },
//!     RateParams {
//!         rate_precision: 1e9,
//!         liquidity_fee: 0.0,
//!         balance_precision: e18.clone(),
//!         liquidity_haircut: BigInt::from(800) * BigInt::from(10u64.pow(15)),
//!         global_rate_anchor: 1_100_000_000.0,
//!         global_rate_scalar: 100.0,
//!         max_trade_size: BigInt::from(1_000_000) * &e18,
//!     },
//!     CashGroup { maturity_length: 2_592_000.0 },
//!     1_700_000_000.0,
//! );
//! let now = 1_700_000_000.0 - 864_000.0;
//! let rate = market.market_exchange_rate(now)?;
//! assert!(rate > 1e9); // fCash is worth less than cash today: a positive rate
//!
//! // Borrowing 1000 fCash raises the rate, so it buys less than 1000 cash.
//! let thousand = BigInt::from(1000) * &e18;
//! let cash = market.fcash_to_current_cash_input(&thousand, now)?;
//! assert!(cash < thousand);
//! // And the iterating quote inverts it: selling that much fCash gives exactly `cash`.
//! let quote = market.fcash_to_current_cash_output(&cash, now)?;
//! assert_eq!(market.fcash_to_current_cash_input(&quote.amount, now)?, cash);
//! # Ok::<(), notional::NotionalError>(())
//! ```
//!
//! ## Invariants
//!
//! The markets' guarantees (v2's 0.99 proportion cap, lending lowering and borrowing raising
//! the implied rate, no fCash without paying for it, no round trip that gains) are checks in
//! [`invariants`], and the `proptest` feature's `strategies` draw the domain; this crate's
//! property tests use both.
//!
//! ## Errors
//!
//! Every fallible call returns [`NotionalError`]; nothing panics on any input, and nothing
//! loops for ever. [`NotionalError::kind`] names the kind as the conformance vectors do. The
//! values an error reports are [`Number`]s in the kind of number that produced them: an exact
//! integer from the contracts, a [`JsNumber`] or a decimal.js value from the gist.

#![cfg_attr(docsrs, feature(doc_cfg))]

/// The README's example, run as a doctest so that the README cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// The value of a contract-shaped call (`Result<Attempt<T>>`), or an early return of its
/// failure value: `Ok(Err(reason))`, or with a market, `Ok((market, Err(reason)))`.
macro_rules! value_or_fail {
    ($call:expr) => {
        match $call? {
            Ok(v) => v,
            Err(reason) => return Ok(Err(reason)),
        }
    };
    ($call:expr, $market:expr) => {
        match $call? {
            Ok(v) => v,
            Err(reason) => return Ok(($market, Err(reason))),
        }
    };
}

pub mod abdk;
mod arith;
mod error;
pub mod gist;
pub mod invariants;
#[cfg(feature = "proptest")]
#[cfg_attr(docsrs, doc(cfg(feature = "proptest")))]
pub mod strategies;
pub mod v1;
pub mod v2;

pub use error::{Attempt, JsNumber, NotionalError, Number, Result};
/// The contracts' `int256` and `uint256`, the types of [`v1::contract`] and [`v2::contract`]
/// (from the `ethnum` crate).
pub use ethnum::{I256, U256};
