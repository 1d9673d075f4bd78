//! Notional v1's `CashMarket.sol`, contract-exact: integer math in the contract's widths, ABDK
//! 64.64 logarithms, and the contract's rejections as typed errors.
//!
//! The contract computes, for a trade of `f` fCash into the pool (`f > 0` borrows cash, `f < 0`
//! lends it) with `t` seconds to maturity and maturity length `L`:
//!
//! * `p = ⌊(F + f) · 1e18 / (F + C)⌋`, `ratio = ⌊p · 1e18 / (1e18 − p)⌋ ≤ 2^63 − 1`;
//! * `ln = ⌊ln(ratio) · 1e9⌋ − LN_1E18` through ABDK (`ratio` in 1e18 units, `LN_1E18 =
//!   41446531673`);
//! * `scalar = ⌊rateScalar · L / t⌋`, `rate = trunc(ln / scalar) + anchor` (an exchange rate at
//!   1e9);
//! * the anchor rolls down: `anchor − trunc((implied − lastImplied) · t / L)`;
//! * the liquidity fee `⌊liquidityFee · t / L⌋` is added to the rate when borrowing and
//!   subtracted when lending; `cash = ⌊|f| · 1e9 / rate⌋`;
//! * the transaction fee `⌊cash · transactionFee · t / L / 1e18⌋` goes to the reserve.
//!
//! Where the contract's view functions return 0 for a failed trade, these return the reason.
//!
//! ```
//! use notional::v1::{CashMarket, Governance};
//!
//! const E18: u128 = 1_000_000_000_000_000_000;
//! let g = Governance {
//!     maturity_length: 2_592_000, // a 30-day cash group
//!     max_trade_size: 10_000 * E18,
//!     rate_anchor: 1_100_000_000,
//!     rate_scalar: 100,
//!     liquidity_fee: 1_000_000,
//!     transaction_fee: 1_000_000_000_000_000,
//! };
//! let market = CashMarket {
//!     total_fcash: 1_100_000 * E18,
//!     total_liquidity: 1_000_000 * E18,
//!     total_current_cash: 1_000_000 * E18,
//!     rate_scalar: 100,
//!     rate_anchor: 1_010_000_000,
//!     last_implied_rate: 30_950_100,
//! };
//! let (maturity, now) = (1_700_000_000, 1_700_000_000 - 864_000); // ten days before
//! // Borrow: sell 1000 fCash for cash now (after the liquidity and transaction fees).
//! let cash = market.fcash_to_current_cash(&g, maturity, 1_000 * E18, now)?;
//! assert_eq!(cash, 989_126_145_774_216_740_713);
//! // Lend: buying 1000 fCash costs less than 1000 cash, and more than a borrower gets.
//! let cost = market.current_cash_to_fcash(&g, maturity, 1_000 * E18, now)?;
//! assert!(cost > cash && cost < 1_000 * E18);
//! # Ok::<(), notional::NotionalError>(())
//! ```

pub mod contract;
mod formulas;
mod market;

pub use formulas::{abdk_math, calculate_implied_rate, transaction_fee};

/// `INSTRUMENT_PRECISION`: an exchange rate of 1.
pub const INSTRUMENT_PRECISION: u32 = 1_000_000_000;
/// `Common.DECIMALS`.
pub const DECIMALS: u128 = 1_000_000_000_000_000_000;
/// `LN_1E18 = ⌊ln(1e18) · 1e9⌋`.
pub const LN_1E18: i64 = 41_446_531_673;
/// `MAX64`, the largest ratio ABDK's `fromUInt` takes.
pub const MAX64: u64 = 0x7FFF_FFFF_FFFF_FFFF;
/// `Common.SECONDS_IN_YEAR`.
pub const SECONDS_IN_YEAR: u32 = 31_536_000;

/// The governance parameters of a `CashMarket` (its `G_*` storage).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Governance {
    /// `G_MATURITY_LENGTH`, seconds.
    pub maturity_length: u32,
    /// `G_MAX_TRADE_SIZE`.
    pub max_trade_size: u128,
    /// `G_RATE_ANCHOR`: the annualised anchor a new market starts from (1.1e9 is 10 %).
    pub rate_anchor: u32,
    /// `G_RATE_SCALAR`.
    pub rate_scalar: u16,
    /// `G_LIQUIDITY_FEE`, in exchange-rate units at 1e9 per period.
    pub liquidity_fee: u32,
    /// `G_TRANSACTION_FEE`, a share of the cash traded at 1e18 per period.
    pub transaction_fee: u128,
}

/// One maturity's market (the contract's `Market` struct).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CashMarket {
    /// `totalfCash`.
    pub total_fcash: u128,
    /// `totalLiquidity`.
    pub total_liquidity: u128,
    /// `totalCurrentCash`.
    pub total_current_cash: u128,
    /// `rateScalar`, fixed when the market is initialised.
    pub rate_scalar: u16,
    /// `rateAnchor`, an exchange rate at 1e9.
    pub rate_anchor: u32,
    /// `lastImpliedRate`, a period rate at 1e9.
    pub last_implied_rate: u32,
}

/// A trade's result: the cash exchanged and the transaction fee on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trade {
    /// Cash paid out (borrow) or in (lend), before the transaction fee.
    pub cash: u128,
    /// The transaction fee (`_calculateTransactionFee`).
    pub fee: u128,
}

/// What adding liquidity minted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Liquidity {
    /// Liquidity tokens minted or burned.
    pub tokens: u128,
    /// fCash added (the provider's `CASH_PAYER`) or claimed.
    pub fcash: u128,
    /// Cash deposited or returned.
    pub cash: u128,
}

/// What [`CashMarket::add_liquidity`] is asked to do (`addLiquidity`'s arguments besides the
/// maturity): deposit `cash`, adding at most `max_fcash` fCash, and only while the market's
/// implied rate is within `[min_implied_rate, max_implied_rate]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddLiquidity {
    /// Cash deposited.
    pub cash: u128,
    /// The most fCash the deposit may add (`maxfCash`); the first deposit adds exactly this.
    pub max_fcash: u128,
    /// The lowest implied rate accepted (a period rate at 1e9).
    pub min_implied_rate: u32,
    /// The highest implied rate accepted.
    pub max_implied_rate: u32,
}

impl AddLiquidity {
    /// Deposit `cash` adding at most `max_fcash` fCash, at any implied rate.
    #[must_use]
    pub const fn at_any_rate(cash: u128, max_fcash: u128) -> Self {
        Self {
            cash,
            max_fcash,
            min_implied_rate: 0,
            max_implied_rate: u32::MAX,
        }
    }
}
