//! [`Fidelity::Corrected`](super::Fidelity::Corrected): the SDK's actions kept within the amount
//! and to what the contract accepts.

use super::sdk::{quote_by_source, quote_by_target};
use super::{Amount, MatchAction};
use crate::order::EncodedOrder;
use crate::strategy::TradeBy;

/// The corrected form of `actions` ([`Fidelity::Corrected`]): walked in order, each kept while
/// the inputs stay within `amount`; one that would pass it is re-quoted for the remainder, and
/// one the contract would refuse is dropped.
pub(super) fn within_amount(
    amount: u128,
    orders: &[EncodedOrder],
    actions: Vec<MatchAction>,
    by: TradeBy,
) -> Vec<MatchAction> {
    let mut remaining = amount;
    let mut kept = Vec::with_capacity(actions.len());
    for a in actions {
        if remaining == 0 {
            break;
        }
        let Some(order) = orders.get(a.id) else {
            continue;
        };
        let wanted = Amount::from_u128(a.input.min(remaining));
        let quote = match by {
            TradeBy::SourceAmount => quote_by_source(wanted, order),
            TradeBy::TargetAmount => quote_by_target(wanted, order),
        };
        let (Some(input), Some(output)) = (quote.input.to_u128(), quote.output.to_u128()) else {
            continue;
        };
        // What the contract would do with this action.
        let accepted = match by {
            TradeBy::SourceAmount => order.target_amount(input) == Ok(output) && output <= order.y,
            TradeBy::TargetAmount => input <= order.y && order.source_amount(input) == Ok(output),
        };
        if accepted && input > 0 && output > 0 && input <= remaining {
            kept.push(MatchAction {
                id: a.id,
                input,
                output,
            });
            remaining -= input;
        }
    }
    kept
}
