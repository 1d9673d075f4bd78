//! carbon-sdk's Best matching (`match.ts`'s `matchBest`): the best orders brought down to the
//! rate of the next one (its `getLimit`), the limit bisected between two orders' rates until
//! the trades add up to the amount, then the remainder handed out order by order.

use ruint::aliases::U512;

use super::sdk::{EqualizeFn, Quote, TradeFn, action, keep, limit_of};
use super::{Amount, MatchAction};
use crate::order::EncodedOrder;

/// Best's actions for `amount` over `quotes` (sorted best first), as carbon-sdk 0.0.99 gives
/// them.
pub(super) fn match_best(
    amount: Amount,
    orders: &[EncodedOrder],
    quotes: &[(usize, Quote)],
    trade: TradeFn,
    equalize: EqualizeFn,
) -> Vec<MatchAction> {
    let mut sorted: Vec<EncodedOrder> = quotes.iter().map(|(id, _)| orders[*id]).collect();
    // The SDK's sentinel: an empty order whose limit is 0 ends the search.
    sorted.push(EncodedOrder::default());
    let best = Best {
        amount,
        sorted: &sorted,
        trade,
        equalize,
    };
    let (mut fills, delta) = best.equalised();
    best.hand_out(&mut fills, delta);
    fills
        .iter()
        .enumerate()
        .filter(|(_, q)| keep(q))
        .filter_map(|(i, q)| action(quotes[i].0, q))
        .collect()
}

/// The sorted orders (and the sentinel) with the trade functions for one direction.
struct Best<'a> {
    amount: Amount,
    sorted: &'a [EncodedOrder],
    trade: TradeFn,
    equalize: EqualizeFn,
}

impl Best<'_> {
    /// The first `n` orders each traded down to `limit`, and how far their inputs pass the
    /// amount (negative when short of it).
    fn at(&self, n: usize, limit: U512) -> (Vec<Quote>, Amount) {
        let fills: Vec<Quote> = self.sorted[..n]
            .iter()
            .map(|o| (self.trade)((self.equalize)(o, limit), o))
            .collect();
        let total = fills.iter().fold(Amount::ZERO, |s, q| s.add(q.input));
        (fills, total.sub(self.amount))
    }

    /// Adds orders one at a time, each time bringing those before it down to its rate, until
    /// they cover the amount; then bisects the limit between the last two orders' rates.
    fn equalised(&self) -> (Vec<Quote>, Amount) {
        let mut fills = Vec::new();
        let mut delta = Amount::ZERO;
        for n in 1..self.sorted.len() {
            let limit = limit_of(&self.sorted[n]);
            (fills, delta) = self.at(n, limit);
            if delta == Amount::ZERO {
                break;
            }
            if delta.is_positive() {
                let upper = limit_of(&self.sorted[n - 1]);
                return self.bisect(n, (limit, upper), (fills, delta));
            }
        }
        (fills, delta)
    }

    /// Narrows `(lo, hi)` while the first `n` orders at `lo` pass the amount and at `hi` fall
    /// short; stops early on an exact fit. `found` is the answer at `lo`.
    fn bisect(
        &self,
        n: usize,
        (mut lo, mut hi): (U512, U512),
        found: (Vec<Quote>, Amount),
    ) -> (Vec<Quote>, Amount) {
        let (mut fills, mut delta) = found;
        while lo + U512::from(1u8) < hi {
            let mid = (lo + hi) / U512::from(2u8);
            (fills, delta) = self.at(n, mid);
            if delta.is_positive() {
                lo = mid;
            } else if delta.is_negative() {
                hi = mid;
            } else {
                break;
            }
        }
        (fills, delta)
    }

    /// Hands the remaining gap `delta` out: an excess taken back from the last order first, a
    /// shortfall added from the first order on, each order re-quoted for its new amount.
    fn hand_out(&self, fills: &mut [Quote], mut delta: Amount) {
        let orders = &self.sorted[..fills.len()];
        if delta.is_positive() {
            for (fill, order) in fills.iter_mut().zip(orders).rev() {
                let q = (self.trade)(fill.input.sub(delta), order);
                delta = delta.add(q.input.sub(fill.input));
                *fill = q;
                if !delta.is_positive() {
                    break;
                }
            }
        } else if delta.is_negative() {
            for (fill, order) in fills.iter_mut().zip(orders) {
                let q = (self.trade)(fill.input.sub(delta), order);
                delta = delta.add(q.input.sub(fill.input));
                if delta.is_positive() {
                    break;
                }
                *fill = q;
            }
        }
    }
}
