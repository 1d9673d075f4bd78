//! carbon-sdk's Fast matching: every order quoted for the whole amount, filled best first.

use super::Amount;
use super::MatchAction;
use super::sdk::{Quote, TradeFn, action, keep};
use crate::order::EncodedOrder;

/// carbon-sdk 0.0.99's Fast: the quotes taken best first, greedily.
pub(super) fn match_fast(
    amount: Amount,
    orders: &[EncodedOrder],
    quotes: &[(usize, Quote)],
    trade: TradeFn,
) -> Vec<MatchAction> {
    // carbon-sdk 0.0.99: an order whose quote is smaller than what remains is taken whole (when
    // the filter keeps it); the first whose quote covers the remainder takes the remainder and
    // ends the matching, whether or not the filter keeps that last action.
    let mut amount = amount;
    let mut actions = Vec::new();
    for &(id, quote) in quotes {
        if amount <= quote.input {
            let last = if amount == quote.input {
                quote
            } else {
                Quote {
                    input: amount,
                    output: trade(amount, &orders[id]).output,
                }
            };
            if keep(&last) {
                actions.extend(action(id, &last));
            }
            break;
        }
        if keep(&quote) {
            actions.extend(action(id, &quote));
            amount = amount.sub(quote.input);
        }
    }
    actions
}
