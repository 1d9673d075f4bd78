//! proptest strategies for the crate's domain objects (feature `proptest`): v1 and v2 markets
//! over realistic pools (10³ to 10⁹ units, fCash 30 % to 70 % of the pool), their governance
//! and cash groups, trade sizes and times, and v2 markets of any integers, for a user's
//! property tests and this crate's.
//!
//! ```
//! use notional::{invariants, strategies};
//! use proptest::test_runner::{TestCaseError, TestRunner};
//!
//! let fail = |e: notional::NotionalError| TestCaseError::fail(e.to_string());
//! TestRunner::default()
//!     .run(
//!         &(strategies::v2_market(), strategies::v2_cash_group(), strategies::trade_share(), strategies::days(90)),
//!         |(market, group, share, days)| {
//!             let f = market.total_fcash / 1_000_000 * i128::from(share);
//!             let mut after = market;
//!             if let Ok(trade) = after.calculate_trade(&group, f, days * 86_400, 0) {
//!                 invariants::v2_within_proportion_cap(&after).map_err(fail)?;
//!                 invariants::v2_no_fcash_for_nothing(f, &trade).map_err(fail)?;
//!             }
//!             Ok(())
//!         },
//!     )
//!     .unwrap();
//! ```

use proptest::prelude::*;

use crate::{v1, v2};

/// `(cash, fCash)` of a pool in whole units: cash 10³ to 10⁹, fCash a 0.3 to 0.7 proportion.
pub fn pool() -> impl Strategy<Value = (u64, u64)> {
    (1_000u64..1_000_000_000, 300u64..700).prop_map(|(c, p)| (c, c * p / (1000 - p)))
}

/// A trade's size in millionths of the pool's fCash: 1 to 10,000 (up to 1 %).
pub fn trade_share() -> impl Strategy<Value = u64> {
    1u64..=10_000
}

/// Days to maturity, 1 to `max`.
pub fn days(max: u32) -> impl Strategy<Value = u32> {
    1u32..=max.max(1)
}

/// A v2 market on a [`pool`] (8 decimals), at a 5 % implied and oracle rate.
pub fn v2_market() -> impl Strategy<Value = v2::Market> {
    pool().prop_map(|(c, f)| {
        let unit = v2::INTERNAL_TOKEN_PRECISION;
        v2::Market {
            total_fcash: i128::from(f) * unit,
            total_cash: i128::from(c) * unit,
            total_liquidity: i128::from(c) * unit,
            last_implied_rate: 50_000_000,
            oracle_rate: 50_000_000,
            previous_trade_time: 0,
        }
    })
}

/// A v2 cash group: rate scalar 30, a total fee of 0 to 20 bp, half to the reserve, a
/// 10-minute oracle window.
pub fn v2_cash_group() -> impl Strategy<Value = v2::CashGroup> {
    (0u8..=20).prop_map(|fee| v2::CashGroup {
        rate_scalar: 30,
        total_fee: fee,
        reserve_fee_share: 50,
        rate_oracle_time_window: 600,
    })
}

/// A v2 market of any integers, valid or not: for "no panic, a typed error" tests.
pub fn any_v2_market() -> impl Strategy<Value = v2::Market> {
    (
        any::<i128>(),
        any::<i128>(),
        any::<i128>(),
        any::<u32>(),
        any::<u32>(),
        any::<u32>(),
    )
        .prop_map(|(f, c, l, r, o, t)| v2::Market {
            total_fcash: f,
            total_cash: c,
            total_liquidity: l,
            last_implied_rate: r,
            oracle_rate: o,
            previous_trade_time: t,
        })
}

/// A v1 market on a [`pool`] (18 decimals), at an anchor that keeps rates positive.
pub fn v1_market() -> impl Strategy<Value = v1::CashMarket> {
    const E18: u128 = 1_000_000_000_000_000_000;
    pool().prop_map(|(c, f)| v1::CashMarket {
        total_fcash: u128::from(f) * E18,
        total_liquidity: u128::from(c) * E18,
        total_current_cash: u128::from(c) * E18,
        rate_scalar: 100,
        rate_anchor: 1_030_000_000,
        last_implied_rate: 0,
    })
}

/// v1 governance: 30-day maturities, no size cap, anchor 1.1, scalar 100, a liquidity fee of
/// up to 0.2 % (at 1e9) and a transaction fee of up to 2 (at 1e18).
pub fn v1_governance() -> impl Strategy<Value = v1::Governance> {
    (0u32..=2_000_000, 0u128..=2_000_000_000_000_000_000).prop_map(|(fee, tx)| v1::Governance {
        maturity_length: 2_592_000,
        max_trade_size: u128::MAX,
        rate_anchor: 1_100_000_000,
        rate_scalar: 100,
        liquidity_fee: fee,
        transaction_fee: tx,
    })
}
