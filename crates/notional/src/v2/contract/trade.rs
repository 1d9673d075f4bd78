//! `calculateTrade` and `_getNetCashAmountsUnderlying`: a trade on the market, its fee and the
//! reserve's share, in the contract's steps.

use ethnum::{I256, U256};

use super::{
    CashGroupParameters, MarketParameters, RATE_PRECISION, TradeCash, add, div, div_rp,
    get_exchange_rate, get_exchange_rate_factors, get_exchange_rate_from_implied_rate,
    get_implied_rate, mul, mul_rp, neg, overflow, sub,
};
use crate::{Attempt, NotionalError, Number, Result};

/// `_getNetCashAmountsUnderlying`: `(to account, to market, to reserve)` in underlying, or the
/// contract's zeros when the lender's rate after the fee is below 1.
fn net_cash_amounts(
    cg: &CashGroupParameters,
    pre_fee_rate: I256,
    fcash_to_account: I256,
    time_to_maturity: U256,
) -> Result<Attempt<(I256, I256, I256)>> {
    let pre_fee_cash = neg(div_rp(fcash_to_account, pre_fee_rate)?)?;
    let fee_rate = get_exchange_rate_from_implied_rate(cg.total_fee(), time_to_maturity)?;
    let fee = if fcash_to_account > 0 {
        let post_fee_rate = div_rp(pre_fee_rate, fee_rate)?;
        if post_fee_rate < RATE_PRECISION {
            return Ok(Err(NotionalError::NegativeInterestRate {
                trade_rate: Number::Decimal(post_fee_rate.to_string()),
                rate_precision: 1_000_000_000u32.into(),
            }));
        }
        mul_rp(pre_fee_cash, sub(RATE_PRECISION, fee_rate)?)?
    } else {
        neg(div(
            mul(pre_fee_cash, sub(RATE_PRECISION, fee_rate)?)?,
            fee_rate,
        )?)?
    };
    let reserve = div(mul(fee, cg.reserve_fee_share())?, I256::new(100))?;
    let to_account = sub(pre_fee_cash, fee)?;
    let to_market = neg(add(to_account, reserve)?)?;
    Ok(Ok((to_account, to_market, reserve)))
}

/// `calculateTrade(market, cashGroup, fCashToAccount, timeToMaturity, marketIndex)`: the market
/// the contract leaves (a failed trade may have changed its fCash and implied rate, as the
/// contract's does) and the trade's cash, or the reason for the contract's zero trade.
///
/// # Errors
/// The contract's reverts and halts, e.g. a division by a zero scalar when the exchange-rate
/// factors failed and the trade goes on with zeros, as the contract's does.
pub fn calculate_trade(
    market: &MarketParameters,
    cg: &CashGroupParameters,
    fcash_to_account: I256,
    time_to_maturity: U256,
    market_index: U256,
) -> Result<(MarketParameters, Attempt<TradeCash>)> {
    let mut m = *market;
    if m.total_fcash <= fcash_to_account {
        let short = NotionalError::TradeTooLarge {
            asked: Number::Decimal(fcash_to_account.to_string()),
            limit: Number::Decimal(m.total_fcash.to_string()),
            of: "fCash in the market",
        };
        return Ok((m, Err(short)));
    }
    // The contract does not check the factors: a failure goes on as zeros.
    let (rate_scalar, total_cash, rate_anchor) =
        get_exchange_rate_factors(&m, cg, time_to_maturity, market_index)?.unwrap_or_default();
    let pre_fee_rate = value_or_fail!(
        get_exchange_rate(
            m.total_fcash,
            total_cash,
            rate_scalar,
            rate_anchor,
            fcash_to_account,
        ),
        m
    );
    let (to_account, to_market, reserve) = value_or_fail!(
        net_cash_amounts(cg, pre_fee_rate, fcash_to_account, time_to_maturity),
        m
    );
    if to_account == 0 {
        let none = NotionalError::InvalidArgument {
            name: "fcash_to_account",
            value: Number::Decimal(fcash_to_account.to_string()),
            reason: "the trade rounds to no cash",
        };
        return Ok((m, Err(none)));
    }
    m.total_fcash = sub(m.total_fcash, fcash_to_account)?;
    if m.total_fcash < 0 {
        return Err(overflow("subNoNeg: totalfCash below zero"));
    }
    m.last_implied_rate = match get_implied_rate(
        m.total_fcash,
        add(total_cash, to_market)?,
        rate_scalar,
        rate_anchor,
        time_to_maturity,
    )? {
        Ok(r) => r,
        Err(_) => U256::ZERO,
    };
    if m.last_implied_rate == 0 {
        let zero = NotionalError::NegativeInterestRate {
            trade_rate: 0u32.into(),
            rate_precision: 0u32.into(),
        };
        return Ok((m, Err(zero)));
    }
    let ar = &cg.asset_rate;
    let to_market = ar.from_underlying(to_market)?;
    m.total_asset_cash = add(m.total_asset_cash, to_market)?;
    let reserve = ar.from_underlying(reserve)?;
    let to_account = ar.from_underlying(to_account)?;
    Ok((
        m,
        Ok(TradeCash {
            net_asset_cash: to_account,
            asset_cash_to_reserve: reserve,
            net_asset_cash_to_market: to_market,
        }),
    ))
}
