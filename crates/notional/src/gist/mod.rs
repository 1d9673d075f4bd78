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
//!
//! ```
//! use notional::gist::{BigInt, CashGroup, Market, MarketData, RateParams};
//!
//! // A 30-day market of 1M cash and 1.2M fCash (18 decimals), ten days before maturity.
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
//! // Lending 1000 cash buys more than 1000 fCash: fCash is worth less than cash today.
//! let thousand = BigInt::from(1000) * &e18;
//! let fcash = market.current_cash_to_fcash_input(&thousand, now)?;
//! assert!(fcash.amount > thousand);
//! # Ok::<(), notional::NotionalError>(())
//! ```

// JS compares Numbers exactly (`===`, `==`, `<`); so does this module.
#![expect(clippy::float_cmp, reason = "exact values are the point")]

pub mod convert;
mod decimal;
pub(crate) mod js;
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
