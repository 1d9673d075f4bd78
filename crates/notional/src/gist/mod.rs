//! The SDK gist's `Market`, bit for bit ("Notional Market Calculation", jeffywu, 2021-02-15;
//! seed `003_f939baeb84004cbb`).
//!
//! The gist mixes three kinds of arithmetic, and each step here uses the one the gist uses:
//!
//! * **ethers v4 `BigNumber`** for amounts: unbounded integers ([`BigInt`]), truncating
//!   division, an error on division by zero, and JS Numbers accepted only when they are safe
//!   integers ([`NotionalError::InvalidNumber`](crate::NotionalError::InvalidNumber)).
//! * **JS Numbers** (`f64`) for rates, times and scalars, with `Math.trunc` where the gist has it.
//!   `periodToAnnualRate` multiplies by `31536000 / L`, which is not an integer.
//! * **decimal.js** at 18 significant digits rounding toward +∞ inside `calculateExchangeRate`:
//!   every `add`, `sub`, `mul`, `div` and `ln` rounds up to 18 digits (so sums of 24-digit
//!   balances lose digits), and `.round()` follows the global mode and is a ceiling.
//!
//! Where the gist throws, the methods return the matching [`NotionalError`](crate::NotionalError);
//! [`NotionalError::kind`](crate::NotionalError::kind) is the conformance vectors' `error.kind`.
//! Where it reads the wall clock, the time is an argument. Where it loops for ever
//! (`iterateRates`, e.g. borrowing where the market rate is below 1), the loop stops after
//! [`ITERATION_CAP`] iterations with `NoConvergence`.
//!
//! Names: each method is the gist's in snake case (`getfCashToCurrentCashInput` is
//! [`Market::fcash_to_current_cash_input`], dropping `get`); the static forms are free functions
//! in [`convert`]. Each doc comment gives the gist's name.
//!
//! What the gist gets wrong is kept here, because this module is the reference; the contract
//! modes ([`crate::v1`], [`crate::v2`]) are the corrected markets:
//!
//! * an uninitialised `rateAnchor` (0) is used to compute the implied rate that then shifts the
//!   global anchor, so the anchor comes out near `2 · 1e9` ([`Market::market_exchange_rate`]);
//! * `.round()` of the log term is a ceiling (the comment says it rounds "because of the ABDK
//!   behavior");
//! * `MAX64` is the f64 `9.223372036854776`, not the contract's `(2^63 − 1) / 1e18`;
//! * an empty fCash side, a zero scalar, or `blockTime = maturity` give NaN rates, which only fail
//!   later, when BigNumber refuses them;
//! * the instance `exchangeToPeriodRate` ignores `rateParams.ratePrecision` (uses 1e9).

// JS compares Numbers exactly (`===`, `==`, `<`); so does this module.
#![allow(clippy::float_cmp)]

pub mod convert;
mod decimal;
mod js;
mod liquidity;
mod ln;
mod market;
mod trade;
mod types;

pub use market::{MAX64, Market};
pub use num_bigint::BigInt;
pub use trade::ITERATION_CAP;
pub use types::{
    CashGroup, IterationReport, LiquidityClaims, MarketData, MarketJson, Quote, RateParams,
};
