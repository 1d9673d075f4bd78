//! carbon-sdk's trade functions on signed amounts (`trade.ts`, `match.ts`): the quotes both
//! matching methods start from, Best's limits, and the SDK's sort order and filter. Each
//! reproduces the SDK's answer wherever the contract would revert or the amount is negative.

use std::cmp::Ordering;

use ruint::aliases::{U256, U512};

use super::{Amount, MatchAction};
use crate::order::EncodedOrder;
use crate::rate::{ONE, decode_float};

/// One order's quote: what it takes (`input`) and gives (`output`) for an amount. carbon-sdk
/// calls this a `rate` (`{ input, output }`).
#[derive(Debug, Clone, Copy)]
pub(super) struct Quote {
    pub(super) input: Amount,
    pub(super) output: Amount,
}

/// The SDK's `getEncodedTradeTargetAmount`: 0 wherever the contract would revert, and for
/// negative inputs.
pub(super) fn sdk_target(x: Amount, order: &EncodedOrder) -> Amount {
    match x.to_u128() {
        Some(x) => Amount::from_u128(order.target_amount(x).unwrap_or(0)),
        // x ≥ 2¹²⁸ cannot occur (inputs come from u128 amounts); x < 0 gives 0 in the SDK.
        None => Amount::ZERO,
    }
}

/// The SDK's `getEncodedTradeSourceAmount`: `2¹²⁸ − 1` wherever the contract would revert. For
/// a negative `x` the SDK also gives `2¹²⁸ − 1`, except on a single-rate order (`a = 0`) when
/// `x·ONE² + b² − 1` stays above `−b²`, where its truncating division gives 0.
pub(super) fn sdk_source(x: Amount, order: &EncodedOrder) -> Amount {
    let max = Amount::from_u128(u128::MAX);
    if let Some(v) = x.to_u128() {
        return Amount::from_u128(order.source_amount(v).unwrap_or(u128::MAX));
    }
    if !x.is_negative() {
        return max;
    }
    let (Ok(a), Ok(b)) = (decode_float(order.a), decode_float(order.b)) else {
        return max;
    };
    if !a.is_zero() || b.is_zero() {
        return max;
    }
    // x·C² + b² − 1 > −b²  ⟺  |x|·C² < 2b² − 1.
    let c2 = U512::from(ONE) * U512::from(ONE);
    let b2 = U512::from(b) * U512::from(b);
    if U512::from(x.magnitude()) * c2 < b2 * U512::from(2u8) - U512::from(1u8) {
        Amount::ZERO
    } else {
        max
    }
}

/// The SDK's quote by source (`getEncodedTradeBySourceAmount`): the whole amount when the order
/// can pay its output, else the largest input whose output fits in `y`.
pub(super) fn quote_by_source(amount: Amount, order: &EncodedOrder) -> Quote {
    let y = Amount::from_u128(order.y);
    let mut input = amount;
    let mut output = sdk_target(input, order);
    if output > y {
        input = sdk_source(y, order);
        output = sdk_target(input, order);
        // The SDK steps down one wei at a time; after 64 steps, bisect (the output does not
        // decrease with the input) to the same largest input whose output fits.
        let mut steps = 0;
        while output > y && steps < 64 {
            input = input.sub(Amount::from_u128(1));
            output = sdk_target(input, order);
            steps += 1;
        }
        if output > y {
            let (mut lo, mut hi) = (Amount::ZERO, input);
            while lo < hi {
                let mid = Amount(lo.0 + (hi.0 - lo.0 + U256::from(1u8)) / U256::from(2u8));
                if sdk_target(mid, order) > y {
                    hi = mid.sub(Amount::from_u128(1));
                } else {
                    lo = mid;
                }
            }
            input = lo;
            output = sdk_target(input, order);
        }
    }
    Quote { input, output }
}

/// The SDK's quote by target (`getEncodedTradeByTargetAmount`): the amount, capped at `y`.
pub(super) fn quote_by_target(amount: Amount, order: &EncodedOrder) -> Quote {
    let input = amount.min(Amount::from_u128(order.y));
    Quote {
        input,
        output: sdk_source(input, order),
    }
}

/// `getLimit`: `floor((y·a + z·b)/z)`, 0 when `z = 0`.
pub(super) fn limit_of(order: &EncodedOrder) -> U512 {
    let (Ok(a), Ok(b)) = (decode_float(order.a), decode_float(order.b)) else {
        return U512::ZERO;
    };
    if order.z == 0 {
        return U512::ZERO;
    }
    let z = U512::from(order.z);
    (U512::from(order.y) * U512::from(a) + z * U512::from(b)) / z
}

/// `equalTargetAmount`: `floor((y·a + z·(b − limit))/a)`, `y` when `a = 0`. Negative values
/// (a limit above the order's own rate) truncate toward zero, as the SDK's integers do.
pub(super) fn equal_target(order: &EncodedOrder, limit: U512) -> Amount {
    let (Ok(a), Ok(b)) = (decode_float(order.a), decode_float(order.b)) else {
        return Amount::ZERO;
    };
    if a.is_zero() {
        return Amount::from_u128(order.y);
    }
    let a = U512::from(a);
    let pos = U512::from(order.y) * a + U512::from(order.z) * U512::from(b);
    let neg = U512::from(order.z) * limit;
    let (negative, mag) = if pos >= neg {
        (false, (pos - neg) / a)
    } else {
        (true, (neg - pos) / a)
    };
    // Saturate far outside any amount (2²⁵⁰), inside Amount's range.
    let mag = if mag.bit_len() > 250 {
        U256::from(1u8) << 250
    } else {
        let l = mag.as_limbs();
        U256::from_limbs([l[0], l[1], l[2], l[3]])
    };
    if negative {
        Amount(Amount::BIAS - mag)
    } else {
        Amount(Amount::BIAS + mag)
    }
}

/// `equalSourceAmount`: the source paid for [`equal_target`]'s amount.
pub(super) fn equal_source(order: &EncodedOrder, limit: U512) -> Amount {
    sdk_source(equal_target(order, limit), order)
}

/// `sortByMinRate`: the better rate (more output per input) first; equal rates, larger output
/// first.
pub(super) fn by_min_rate(x: &Quote, y: &Quote) -> Ordering {
    let lhs = U512::from(x.output.magnitude()) * U512::from(y.input.magnitude());
    let rhs = U512::from(y.output.magnitude()) * U512::from(x.input.magnitude());
    let lt = lhs < rhs || (lhs == rhs && x.output < y.output);
    let gt = lhs > rhs || (lhs == rhs && x.output > y.output);
    // The SDK's comparator returns `lt − gt`: "less" sorts after.
    match (lt, gt) {
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => Ordering::Equal,
    }
}

/// A quote function: [`quote_by_source`] or [`quote_by_target`].
pub(super) type TradeFn = fn(Amount, &EncodedOrder) -> Quote;
/// The amount at which an order's marginal rate falls to a limit: [`equal_source`] or
/// [`equal_target`].
pub(super) type EqualizeFn = fn(&EncodedOrder, U512) -> Amount;

/// The SDK's default filter: both sides positive.
pub(super) fn keep(quote: &Quote) -> bool {
    quote.input.is_positive() && quote.output.is_positive()
}

/// The action of order `id` for a quote, when both sides fit in `u128`.
pub(super) fn action(id: usize, quote: &Quote) -> Option<MatchAction> {
    Some(MatchAction {
        id,
        input: quote.input.to_u128()?,
        output: quote.output.to_u128()?,
    })
}
