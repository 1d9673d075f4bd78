//! Notional v2's market (`contracts-v2`, `internal/markets/Market.sol` and the cash group's
//! `getRateScalar`, `getTotalFee`, `getReserveFeeShare`), in the contract's integer steps.
//!
//! With `F` the market's fCash, `C` its cash (in underlying; the asset-cash exchange rate of a
//! cToken is left to the caller), `f` the fCash to the account (`f > 0` lends, `f < 0` borrows)
//! and `t` seconds to maturity, on a 360-day year `T`:
//!
//! * `p = (F − f) / (F + C)`, at most 0.99 (`MAX_MARKET_PROPORTION`);
//! * `scalar = s · 1e9 · T / t` from the cash group's `s`;
//! * `rate = ln(p/(1 − p)) / scalar + anchor` (64.64 `ln`, at 1e9), never below 1;
//! * the anchor keeps the last implied rate `r`: `anchor = e^(r·t/T) − ln(p/(1 − p)) / scalar`;
//! * the implied rate is continuously compounded: `ln(rate) · T / t`;
//! * the fee is multiplicative, `e^(fee·t/T)`: lenders' rates are divided by it and borrowers'
//!   multiplied, and `reserveFeeShare` percent of the fee goes to the reserve;
//! * [`Market::fcash_given_cash`] inverts the curve by Newton's method with the analytic
//!   derivative (at most 250 iterations), as `getfCashGivenCashAmount`;
//! * the oracle rate is the time-weighted average of [`weighted_oracle_rate`].
//!
//! The pure functions take a [`Curve`] (the market's totals with its scalar and anchor at one
//! time to maturity) or a [`Market`]; [`Market`]'s methods hold the state and call them.
//!
//! Every step is the contract's: the functions here are [`contract`]'s (`Market.sol` on
//! `int256`, ABDK's `ln` and `exp` bit for bit) on an `i128` market whose cash is in underlying
//! (the [identity asset rate](contract::AssetRate::IDENTITY)), with the contract's failure
//! values as errors. The differential tests compare [`contract`] with the contract's bytecode
//! (docs/CONFORMANCE.md).
//!
//! ## Units
//!
//! Every number is an integer in the contract's units:
//!
//! | quantity | unit | example |
//! |---|---|---|
//! | cash, fCash, liquidity tokens (`total_cash`, `fcash_to_account`, `max_delta` …) | 1e8 per token ([`INTERNAL_TOKEN_PRECISION`]), signed: positive to the account | `1000 · 1e8` = 1000 fCash |
//! | rates, proportions, exchange rates (`last_implied_rate`, `oracle_rate`, scalar, anchor) | 1e9 = 1 ([`RATE_PRECISION`]) | `50_000_000` = 5 % a year |
//! | interest rates | annual, continuously compounded, on a 360-day year ([`IMPLIED_RATE_TIME`]) | |
//! | exchange rate | fCash per unit of cash at 1e9: `e^(r·t/T)` | `1_012_578_451` |
//! | `time_to_maturity`, `block_time`, windows | seconds | `90 · 86_400` |
//! | [`CashGroup::total_fee`] | basis points a year | `30` = 0.30 % a year |
//! | [`CashGroup::reserve_fee_share`] | percent of the fee | `30` |
//! | [`CashGroup::rate_scalar`] | the byte `s`; the scalar is `s · 1e9 · T / t` | `30` |
//!
//! [`annualised_rate`] turns a quote (fCash and cash) back into the rate a user reads.
//!
//! ## Lending and borrowing
//!
//! ```
//! use notional::v2::{CashGroup, Market, annualised_rate};
//!
//! const E8: i128 = 100_000_000; // one token
//! let cash_group = CashGroup {
//!     rate_scalar: 30,
//!     total_fee: 30, // basis points: 0.30 % a year
//!     reserve_fee_share: 30, // percent of the fee to the reserve
//!     rate_oracle_time_window: 3_600, // seconds
//! };
//! let market = Market {
//!     total_fcash: 1_000_000 * E8,
//!     total_cash: 950_000 * E8,
//!     total_liquidity: 1_000_000 * E8,
//!     last_implied_rate: 50_000_000, // 5 % a year at 1e9
//!     oracle_rate: 50_000_000,
//!     previous_trade_time: 0,
//! };
//! let t = 90 * 86_400; // 90 days to maturity
//!
//! // Lend: buy 1000 fCash (positive fCash to the account) for cash now.
//! let mut lent = market;
//! let lend = lent.calculate_trade(&cash_group, 1_000 * E8, t, 1_000)?;
//! assert_eq!(lend.net_cash_to_account, -98_833_545_734); // pays 988.33545734
//! let rate = annualised_rate(1_000 * E8, lend.net_cash_to_account, t)?;
//! assert!((rate - 0.0469).abs() < 1e-4); // 5 % less the fee: 4.69 % a year
//! assert!(lent.last_implied_rate < market.last_implied_rate); // lending lowers rates
//!
//! // Borrow: sell 1000 fCash (negative to the account), owing 1000 at maturity.
//! let mut borrowed = market;
//! let borrow = borrowed.calculate_trade(&cash_group, -1_000 * E8, t, 1_000)?;
//! assert_eq!(borrow.net_cash_to_account, 98_682_072_578); // receives 986.82072578
//! let rate = annualised_rate(-1_000 * E8, borrow.net_cash_to_account, t)?;
//! assert!((rate - 0.0531).abs() < 1e-4); // 5 % plus the fee
//!
//! // Or fix the cash: borrow exactly 500 by Newton's method, to within 0.00001 fCash.
//! let quote = market.fcash_given_cash(&cash_group, 500 * E8, t, 1_000)?;
//! assert_eq!(quote.fcash, -50_667_341_550); // owes 506.6734155 at maturity
//! # Ok::<(), notional::NotionalError>(())
//! ```

pub mod contract;
mod formulas;
mod market;
mod newton;

pub use formulas::{
    annualised_rate, exchange_rate, exchange_rate_from_implied_rate, implied_rate, log_proportion,
    rate_anchor, weighted_oracle_rate,
};

use crate::{NotionalError, Result};

/// `Constants.RATE_PRECISION`.
pub const RATE_PRECISION: i128 = 1_000_000_000;
/// `Constants.IMPLIED_RATE_TIME`: a 360-day year.
pub const IMPLIED_RATE_TIME: i128 = 360 * 86_400;
/// `Constants.MAX_MARKET_PROPORTION`: 0.99 at 1e9.
pub const MAX_MARKET_PROPORTION: i128 = 990_000_000;
/// `Constants.INTERNAL_TOKEN_PRECISION`: 1e8.
pub const INTERNAL_TOKEN_PRECISION: i128 = 100_000_000;
/// `Constants.BASIS_POINT` at 1e9: the unit of [`CashGroup::total_fee`].
pub const BASIS_POINT: i128 = 100_000;
/// `Constants.LOG_RATE_PRECISION_64x64 = ⌊ln(1e9) · 2^64⌋`.
pub const LOG_RATE_PRECISION_64X64: i128 = 382_276_781_265_598_821_176;
/// `Constants.RATE_PRECISION_64x64 = 1e9 << 64`.
pub const RATE_PRECISION_64X64: i128 = RATE_PRECISION << 64;
/// `getfCashGivenCashAmount`'s iteration limit.
pub const NEWTON_ITERATIONS: u32 = 250;

/// A v2 cash group's parameters for one market (the bytes the contract packs; the contract's
/// `CashGroupParameters`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CashGroup {
    /// The market's rate scalar byte `s` (the scalar is `s · 1e9 · T / t`).
    pub rate_scalar: u8,
    /// The total fee, an annual rate in basis points (`30` = 0.30 % a year), as `getTotalFee`
    /// reads it.
    pub total_fee: u8,
    /// The reserve's share of the fee, in percent (0–100).
    pub reserve_fee_share: u8,
    /// The oracle's time window, seconds.
    pub rate_oracle_time_window: u32,
}

impl CashGroup {
    /// `getRateScalar`: `s · 1e9 · T / t`, required positive (`t` in seconds; the result at
    /// 1e9).
    ///
    /// # Errors
    /// [`NotionalError::MaturedMarket`] for `t = 0`, [`NotionalError::DivisionByZero`] for a
    /// scalar that truncates to 0.
    pub fn rate_scalar(&self, time_to_maturity: u32) -> Result<i128> {
        if time_to_maturity == 0 {
            return Err(NotionalError::MaturedMarket {
                time_to_maturity: 0u32.into(),
            });
        }
        let s = contract::rate_scalar(self.rate_scalar, ethnum::U256::from(time_to_maturity))?;
        i128::try_from(s).map_err(|_| NotionalError::Overflow { op: "rate scalar" })
    }

    /// The contract's `CashGroupParameters` of this cash group's market (index 1), at the
    /// [identity asset rate](contract::AssetRate::IDENTITY).
    #[must_use]
    pub fn parameters(&self) -> contract::CashGroupParameters {
        contract::CashGroupParameters::one_market(
            self.rate_scalar,
            self.total_fee,
            self.reserve_fee_share,
            contract::AssetRate::IDENTITY,
        )
    }

    /// `getTotalFee`: the fee as an annual rate at 1e9 (`total_fee · 100_000`).
    #[must_use]
    pub fn total_fee(&self) -> i128 {
        i128::from(self.total_fee) * BASIS_POINT
    }
}

/// One v2 market, in underlying cash (see the [units](self#units)); the contract's
/// `MarketParameters`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Market {
    /// `totalfCash`, at 1e8 per fCash.
    pub total_fcash: i128,
    /// `totalAssetCash`, here in underlying terms, at 1e8 per token.
    pub total_cash: i128,
    /// `totalLiquidity`, liquidity tokens at 1e8.
    pub total_liquidity: i128,
    /// `lastImpliedRate`, annual and continuously compounded, at 1e9 (`50_000_000` = 5 %).
    pub last_implied_rate: u32,
    /// `oracleRate`: the stored time-weighted rate, as the last implied rate (at 1e9);
    /// [`Market::oracle_rate_at`] moves it to a block time.
    pub oracle_rate: u32,
    /// `previousTradeTime`, seconds (a block timestamp).
    pub previous_trade_time: u32,
}

/// A v2 trade's cash flows (`calculateTrade`'s return, with the market's share), at 1e8 per
/// token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trade {
    /// Cash to the account: negative when lending, positive when borrowing.
    pub net_cash_to_account: i128,
    /// Cash into the market.
    pub net_cash_to_market: i128,
    /// Fee to the reserve (never negative).
    pub cash_to_reserve: i128,
}

/// The result of [`Market::fcash_given_cash`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewtonQuote {
    /// fCash to the account, at 1e8 (positive lends, negative borrows).
    pub fcash: i128,
    /// Exchange-rate evaluations made.
    pub iterations: u32,
}

/// The market's curve at one time to maturity: its totals with the rate scalar and anchor
/// (what `_getExchangeRate` and `getImpliedRate` read). [`Market::curve`] builds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Curve {
    /// `totalfCash`, at 1e8.
    pub total_fcash: i128,
    /// Total cash in underlying, at 1e8.
    pub total_cash: i128,
    /// The rate scalar `s · 1e9 · T / t` ([`CashGroup::rate_scalar`]), at 1e9.
    pub rate_scalar: i128,
    /// The rate anchor ([`rate_anchor`]), at 1e9.
    pub rate_anchor: i128,
}
