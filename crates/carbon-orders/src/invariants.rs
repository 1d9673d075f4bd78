//! The contracts' guarantees, as checks a user's property tests can call on this crate's
//! results (and this crate's property tests do, over the `proptest` feature's `strategies`).
//! Each returns [`CarbonError::Violated`] naming the invariant and the values. The rounding
//! checks compare with the exact rational value in 1024-bit integers, so they hold over the
//! whole domain of `u128` amounts and encoded rates.
//!
//! - [`y_within_capacity`]: an order's liquidity `y` never exceeds its capacity `z`;
//! - [`target_rounds_down`], [`source_rounds_up`]: rounding favours the order's owner (a
//!   trader receives at most, and pays at least, the exact amount);
//! - [`trade_within_liquidity`]: a trade never takes more than the order holds;
//! - [`matching_within_amount`]: a matching's actions are ones the contract accepts, each
//!   within its order's liquidity, and together no more than the amount asked;
//! - [`marginal_rate_moves_one_way`]: selling never raises an order's marginal rate, and
//!   receiving never lowers it.
//!
//! ```
//! use carbon_orders::{EncodedOrder, invariants};
//!
//! // 1,000,000 wei of liquidity at rates from 1,500 to 2,000 target wei per source wei.
//! let order = EncodedOrder::from_rates("1000000", "1500", "2000", "2000")?;
//! let out = order.target_amount(10)?;
//! invariants::target_rounds_down(&order, 10, out)?;
//! invariants::trade_within_liquidity(&order, out)?;
//! // One wei more than the exact value is caught.
//! assert!(invariants::target_rounds_down(&order, 10, out + 1).is_err());
//! # Ok::<(), carbon_orders::CarbonError>(())
//! ```

use ruint::Uint;

use crate::error::CarbonError;
use crate::matching::MatchAction;
use crate::order::EncodedOrder;
use crate::rate::{ONE, decode_float};
use crate::strategy::TradeBy;

/// Wide enough for `x · (a·y + b·z)²` with 128-bit amounts and 96-bit expanded rates.
type U1024 = Uint<1024, 16>;

fn violated(invariant: &'static str, detail: String) -> CarbonError {
    CarbonError::Violated { invariant, detail }
}

/// `(y, z, a, b)` widened, the rates expanded; `None` for a rate that does not decode.
fn widened(o: &EncodedOrder) -> Option<(U1024, U1024, U1024, U1024)> {
    let w = |v: u64| decode_float(v).ok().map(|r| U1024::from(r));
    Some((U1024::from(o.y), U1024::from(o.z), w(o.a)?, w(o.b)?))
}

/// `y ≤ z`.
///
/// # Errors
/// [`CarbonError::Violated`] otherwise.
pub fn y_within_capacity(order: &EncodedOrder) -> Result<(), CarbonError> {
    if order.y <= order.z {
        Ok(())
    } else {
        Err(violated(
            "y_within_capacity",
            format!("y {} above z {}", order.y, order.z),
        ))
    }
}

/// Selling `source` into `order` gave `target`, at most the exact amount
/// `x·(a·y + b·z)² / (a·x·(a·y + b·z) + z²·ONE²)` (`x·b²/ONE²` for a single-rate order).
///
/// # Errors
/// [`CarbonError::Violated`] when `target` exceeds it (or a rate does not decode).
pub fn target_rounds_down(
    order: &EncodedOrder,
    source: u128,
    target: u128,
) -> Result<(), CarbonError> {
    let fail = || {
        violated(
            "target_rounds_down",
            format!("{target} for {source} from {order:?} exceeds the exact amount"),
        )
    };
    let (y, z, a, b) = widened(order).ok_or_else(fail)?;
    let (x, out, one) = (U1024::from(source), U1024::from(target), U1024::from(ONE));
    let holds = if a.is_zero() {
        out * one * one <= x * b * b
    } else {
        let t = a * y + b * z;
        out * (a * x * t + z * one * z * one) <= x * t * t
    };
    if holds { Ok(()) } else { Err(fail()) }
}

/// Buying `target` from `order` cost `source`, at least the exact amount
/// `x·z²·ONE² / ((a·y + b·z)·(a·y + b·z − a·x))` (`x·ONE²/b²` for a single-rate order).
///
/// # Errors
/// [`CarbonError::Violated`] when `source` is below it (or a rate does not decode, or the
/// target is beyond what the curve can give).
pub fn source_rounds_up(
    order: &EncodedOrder,
    target: u128,
    source: u128,
) -> Result<(), CarbonError> {
    let fail = || {
        violated(
            "source_rounds_up",
            format!("{source} for {target} from {order:?} is below the exact cost"),
        )
    };
    let (y, z, a, b) = widened(order).ok_or_else(fail)?;
    let (x, cost, one) = (U1024::from(target), U1024::from(source), U1024::from(ONE));
    let holds = if a.is_zero() {
        cost * b * b >= x * one * one
    } else {
        let t = a * y + b * z;
        let rest = t.checked_sub(a * x).ok_or_else(fail)?;
        cost * t * rest >= x * z * one * z * one
    };
    if holds { Ok(()) } else { Err(fail()) }
}

/// A trade that takes `target` from `order` takes no more than its liquidity `y`.
///
/// # Errors
/// [`CarbonError::Violated`] otherwise.
pub fn trade_within_liquidity(order: &EncodedOrder, target: u128) -> Result<(), CarbonError> {
    if target <= order.y {
        Ok(())
    } else {
        Err(violated(
            "trade_within_liquidity",
            format!("takes {target} from an order holding {}", order.y),
        ))
    }
}

/// The `actions` of a matching of `amount` against `orders` (by source or by target): each is
/// positive, takes no more than its order holds, and is what the contract computes for it; and
/// together they use no more than `amount`.
///
/// # Errors
/// [`CarbonError::Violated`] naming the action, or the total.
pub fn matching_within_amount(
    amount: u128,
    orders: &[EncodedOrder],
    by: TradeBy,
    actions: &[MatchAction],
) -> Result<(), CarbonError> {
    let mut used = 0u128;
    for a in actions {
        let bad = |why: &str| violated("matching_within_amount", format!("{a:?}: {why}"));
        let o = orders.get(a.id).ok_or_else(|| bad("no such order"))?;
        let (taken, contract) = match by {
            TradeBy::SourceAmount => (a.output, o.target_amount(a.input)),
            TradeBy::TargetAmount => (a.input, o.source_amount(a.input)),
        };
        if a.input == 0 || a.output == 0 {
            return Err(bad("an empty action"));
        }
        if taken > o.y {
            return Err(bad(&format!("takes more than the order's {}", o.y)));
        }
        if contract != Ok(a.output) {
            return Err(bad(&format!("the contract computes {contract:?}")));
        }
        used = used.saturating_add(a.input);
    }
    if used <= amount {
        Ok(())
    } else {
        Err(violated(
            "matching_within_amount",
            format!("the actions use {used} of {amount}"),
        ))
    }
}

/// From `before` to `after`, an order that `sold` (gave out liquidity) has a marginal rate no
/// higher than before, and one that received has one no lower (compared exactly, as
/// `(b·z + a·y)/z`).
///
/// # Errors
/// [`CarbonError::Violated`] when the rate moved the other way (or a rate does not decode).
pub fn marginal_rate_moves_one_way(
    before: &EncodedOrder,
    after: &EncodedOrder,
    sold: bool,
) -> Result<(), CarbonError> {
    let fail = || {
        violated(
            "marginal_rate_moves_one_way",
            format!(
                "{} from {before:?} to {after:?}",
                if sold {
                    "rose on a sale"
                } else {
                    "fell on a purchase"
                }
            ),
        )
    };
    let (y, z, a, b) = widened(before).ok_or_else(fail)?;
    let (y2, z2, _, _) = widened(after).ok_or_else(fail)?;
    if z.is_zero() || z2.is_zero() {
        return Ok(());
    }
    let order = ((b * z + a * y) * z2).cmp(&((b * z2 + a * y2) * z));
    if (sold && order.is_ge()) || (!sold && order.is_le()) {
        Ok(())
    } else {
        Err(fail())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_check_catches_one_wei_too_many() {
        let order = EncodedOrder::from_rates("1000000", "1500", "2000", "2000").unwrap();
        let out = order.target_amount(10).unwrap();
        assert!(target_rounds_down(&order, 10, out).is_ok());
        assert!(target_rounds_down(&order, 10, out + 1).is_err());
        let cost = order.source_amount(out).unwrap();
        assert!(source_rounds_up(&order, out, cost).is_ok());
        assert!(source_rounds_up(&order, out, cost - 1).is_err());
        assert!(trade_within_liquidity(&order, order.y + 1).is_err());
        let broken = EncodedOrder {
            y: order.z + 1,
            ..order
        };
        assert!(matches!(
            y_within_capacity(&broken),
            Err(CarbonError::Violated {
                invariant: "y_within_capacity",
                ..
            })
        ));
        let action = MatchAction {
            id: 0,
            input: 10,
            output: out,
        };
        let orders = [order];
        assert!(matching_within_amount(10, &orders, TradeBy::SourceAmount, &[action]).is_ok());
        assert!(matching_within_amount(9, &orders, TradeBy::SourceAmount, &[action]).is_err());
        let greedy = MatchAction {
            output: out + 1,
            ..action
        };
        assert!(matching_within_amount(10, &orders, TradeBy::SourceAmount, &[greedy]).is_err());
        // Selling lowers y and so the marginal rate; calling that a purchase is caught.
        let sold = EncodedOrder {
            y: order.y - out,
            ..order
        };
        assert!(marginal_rate_moves_one_way(&order, &sold, true).is_ok());
        assert!(marginal_rate_moves_one_way(&order, &sold, false).is_err());
    }
}
