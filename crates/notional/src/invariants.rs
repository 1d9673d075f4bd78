//! The fixed-rate market's guarantees, as checks a user's property tests can call on this
//! crate's results (and this crate's property tests do, over the `proptest` feature's
//! `strategies`). Each returns [`NotionalError::Violated`] naming the invariant and the values.
//!
//! - [`v2_within_proportion_cap`]: after a trade, fCash is at most 99 % of the market
//!   (`MAX_MARKET_PROPORTION`);
//! - [`rate_moves_the_right_way`]: lending lowers the implied rate and borrowing raises it
//!   (to one unit of rounding), in v1 and v2;
//! - [`v2_no_fcash_for_nothing`]: an account that receives fCash pays cash for it, and the
//!   reserve's fee is never negative;
//! - [`v2_round_trip_loses`]: lending and then borrowing the same fCash back never returns
//!   more cash than it cost.
//!
//! ```
//! use notional::{invariants, v2};
//!
//! let group = v2::CashGroup { rate_scalar: 30, total_fee: 5, reserve_fee_share: 50, rate_oracle_time_window: 600 };
//! let before = v2::Market {
//!     total_fcash: 6_000_000 * 100_000_000,
//!     total_cash: 4_000_000 * 100_000_000,
//!     total_liquidity: 4_000_000 * 100_000_000,
//!     last_implied_rate: 50_000_000,
//!     oracle_rate: 50_000_000,
//!     previous_trade_time: 0,
//! };
//! let mut after = before;
//! let lend = 10_000 * 100_000_000; // receive 10,000 fCash
//! let trade = after.calculate_trade(&group, lend, 30 * 86_400, 0)?;
//! invariants::v2_within_proportion_cap(&after)?;
//! invariants::rate_moves_the_right_way(before.last_implied_rate, after.last_implied_rate, true)?;
//! invariants::v2_no_fcash_for_nothing(lend, &trade)?;
//! # Ok::<(), notional::NotionalError>(())
//! ```

use num_bigint::BigInt;

use crate::error::NotionalError;
use crate::v2;

fn violated(invariant: &'static str, detail: String) -> NotionalError {
    NotionalError::Violated { invariant, detail }
}

/// The market's fCash is at most `MAX_MARKET_PROPORTION` (0.99) of fCash plus cash, compared
/// exactly.
///
/// # Errors
/// [`NotionalError::Violated`] with the totals.
pub fn v2_within_proportion_cap(market: &v2::Market) -> Result<(), NotionalError> {
    let (f, c) = (
        BigInt::from(market.total_fcash),
        BigInt::from(market.total_cash),
    );
    let holds = &f * v2::RATE_PRECISION <= (&f + &c) * v2::MAX_MARKET_PROPORTION;
    if holds {
        Ok(())
    } else {
        Err(violated(
            "v2_within_proportion_cap",
            format!(
                "fCash {} of fCash + cash {} is above 0.99",
                market.total_fcash,
                f + c
            ),
        ))
    }
}

/// The implied rate went from `before` to `after` the way the trade pushes it: down (or up by
/// at most one unit of rounding) when `lending`, up (or down by at most one unit) when
/// borrowing. Rates in the market's precision (1e9), as `u32` in v1 and v2.
///
/// # Errors
/// [`NotionalError::Violated`] when it moved the other way.
pub fn rate_moves_the_right_way(
    before: u32,
    after: u32,
    lending: bool,
) -> Result<(), NotionalError> {
    let holds = if lending {
        after <= before.saturating_add(1)
    } else {
        after.saturating_add(1) >= before
    };
    if holds {
        Ok(())
    } else {
        Err(violated(
            "rate_moves_the_right_way",
            format!(
                "{} moved the implied rate from {before} to {after}",
                if lending { "lending" } else { "borrowing" }
            ),
        ))
    }
}

/// A v2 trade of `fcash_to_account`: when the account receives fCash (lends), it pays cash
/// (`net_cash_to_account < 0`); and the reserve's fee is never negative.
///
/// # Errors
/// [`NotionalError::Violated`] with the trade.
pub fn v2_no_fcash_for_nothing(
    fcash_to_account: i128,
    trade: &v2::Trade,
) -> Result<(), NotionalError> {
    if fcash_to_account > 0 && trade.net_cash_to_account >= 0 {
        return Err(violated(
            "v2_no_fcash_for_nothing",
            format!("{fcash_to_account} fCash lent for {trade:?}"),
        ));
    }
    if trade.cash_to_reserve < 0 {
        return Err(violated(
            "v2_no_fcash_for_nothing",
            format!("a negative fee to the reserve: {trade:?}"),
        ));
    }
    Ok(())
}

/// Lending (`first`) and then borrowing the same fCash back (`back`) leaves the account with no
/// more cash than it started with.
///
/// # Errors
/// [`NotionalError::Violated`] with both trades.
pub fn v2_round_trip_loses(first: &v2::Trade, back: &v2::Trade) -> Result<(), NotionalError> {
    let net = BigInt::from(first.net_cash_to_account) + BigInt::from(back.net_cash_to_account);
    if net <= BigInt::from(0) {
        Ok(())
    } else {
        Err(violated(
            "v2_round_trip_loses",
            format!("gained {net}: {first:?} then {back:?}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_check_names_its_violation() {
        let at = |f: i128, c: i128| v2::Market {
            total_fcash: f,
            total_cash: c,
            total_liquidity: c,
            last_implied_rate: 0,
            oracle_rate: 0,
            previous_trade_time: 0,
        };
        assert!(v2_within_proportion_cap(&at(99, 1)).is_ok());
        assert!(v2_within_proportion_cap(&at(991, 9)).is_err());
        assert!(v2_within_proportion_cap(&at(i128::MAX, i128::MAX)).is_ok());
        assert!(rate_moves_the_right_way(100, 101, true).is_ok());
        assert!(rate_moves_the_right_way(100, 102, true).is_err());
        assert!(rate_moves_the_right_way(100, 98, false).is_err());
        let trade = |cash: i128, fee: i128| v2::Trade {
            net_cash_to_account: cash,
            net_cash_to_market: -cash,
            cash_to_reserve: fee,
        };
        assert!(v2_no_fcash_for_nothing(10, &trade(-9, 0)).is_ok());
        let e = v2_no_fcash_for_nothing(10, &trade(0, 0)).unwrap_err();
        assert!(matches!(
            e,
            NotionalError::Violated {
                invariant: "v2_no_fcash_for_nothing",
                ..
            }
        ));
        assert!(v2_no_fcash_for_nothing(-10, &trade(9, -1)).is_err());
        assert!(v2_round_trip_loses(&trade(-10, 0), &trade(9, 0)).is_ok());
        assert!(v2_round_trip_loses(&trade(-10, 0), &trade(11, 0)).is_err());
    }
}
