//! `CashMarket.sol`'s pricing functions exactly as the contract computes them, on its ABI types
//! (`int256` fCash, `uint256` proportions): what the harness of `../shared/evm` calls, checked
//! against the contract's bytecode by the differential tests. [`CashMarket`]'s methods are these
//! with the contract's failure values turned into errors.
//!
//! Each returns a [`Result`] of an [`Attempt`]: `Err` is a revert (SafeMath, `SafeCast`, a
//! `require`, a division by zero), `Ok(Err(reason))` is the contract returning its failure
//! value (a rate of 0 with `false`, a cash amount of 0), and `Ok(Ok(v))` a value.
//!
//! ```
//! use notional::I256;
//! use notional::v1::{CashMarket, contract};
//!
//! const E18: u128 = 1_000_000_000_000_000_000;
//! let market = CashMarket {
//!     total_fcash: 1_100_000 * E18,
//!     total_liquidity: 1_000_000 * E18,
//!     total_current_cash: 1_000_000 * E18,
//!     rate_scalar: 100,
//!     rate_anchor: 1_010_000_000,
//!     last_implied_rate: 30_950_100,
//! };
//! let (length, t) = (2_592_000, 864_000); // ten days before maturity in a 30-day market
//! // The zero trade's rate, as the contract's bytecode returns it.
//! assert_eq!(contract::get_exchange_rate(&market, length, t, I256::ZERO)?, Ok(1_010_317_700));
//! // An empty market: the contract returns (0, false); this gives the reason.
//! assert!(contract::get_exchange_rate(&CashMarket::default(), length, t, I256::ZERO)?.is_err());
//! // Taking more fCash than the pool holds: the contract reverts (SafeMath), an error here.
//! let too_much = -I256::from(2_000_000 * E18);
//! assert!(contract::get_exchange_rate(&market, length, t, too_much).is_err());
//! # Ok::<(), notional::NotionalError>(())
//! ```

use ethnum::{I256, U256};

use super::formulas::time_to_maturity;
use super::{CashMarket, DECIMALS, Governance, INSTRUMENT_PRECISION, LN_1E18, MAX64};
use crate::arith::overflow;
use crate::{Attempt, NotionalError, Number, Result, abdk};

const MAX_UINT_32: i128 = u32::MAX as i128;

/// `_abdkMath(proportion)`: `⌊ln(proportion) · 1e9⌋` through ABDK for an integer proportion,
/// or the contract's `(0, false)` above `MAX64` and at 0.
///
/// # Errors
/// None in practice: ABDK's conversions cannot fail on the values that reach them.
pub fn abdk_math(proportion: U256) -> Result<Attempt<u64>> {
    if proportion > U256::from(MAX64) {
        return Ok(Err(NotionalError::RatioOverflow {
            ratio: Number::Decimal(proportion.to_string()),
        }));
    }
    // At most MAX64 here, so fromUInt cannot fail.
    let p = proportion.as_i128() << 64;
    if p <= 0 {
        return Ok(Err(NotionalError::ProportionOutOfBounds {
            proportion: 0u32.into(),
        }));
    }
    let log = abdk::ln(p)?;
    // (log · PRECISION_64x64) >> 64 with PRECISION_64x64 = 1e9 << 64 is log · 1e9, well inside
    // the 64.64 range for ln(MAX64).
    let result = log
        .checked_mul(i128::from(INSTRUMENT_PRECISION))
        .ok_or_else(|| overflow("_abdkMath"))?;
    Ok(Ok(abdk::to_uint(result)?))
}

/// `_getExchangeRate(market, timeToMaturity, fCashAmount)` with `G_MATURITY_LENGTH =
/// maturity_length`: the rate at 1e9 of a trade of `fcash` into the pool, before fees.
///
/// # Errors
/// The contract's reverts: totals beyond `uint128`, `F + f` below zero or a proportion of 1 or
/// more (SafeMath), `t = 0`, and a zero rate scalar (a division by zero).
pub fn get_exchange_rate(
    market: &CashMarket,
    maturity_length: u32,
    time_to_maturity: u32,
    fcash: I256,
) -> Result<Attempt<u32>> {
    let (f, c) = (market.total_fcash, market.total_current_cash);
    let total = f
        .checked_add(c)
        .ok_or_else(|| overflow("totalfCash + totalCurrentCash"))?;
    if total == 0 || c == 0 {
        return Ok(Err(NotionalError::DivisionByZero {
            op: "_getExchangeRate on an empty market",
        }));
    }
    let numerator = I256::from(f)
        .checked_add(fcash)
        .ok_or_else(|| overflow("totalfCash + fCashAmount"))?;
    if numerator < 0 {
        // uint256 of a negative number times 1e18 overflows: SafeMath reverts.
        return Err(NotionalError::TradeTooLarge {
            asked: Number::Decimal(fcash.to_string()),
            limit: f.into(),
            of: "fCash in the pool",
        });
    }
    let one = U256::from(DECIMALS);
    let p = numerator
        .as_u256()
        .checked_mul(one)
        .ok_or_else(|| overflow("proportion"))?
        / U256::from(total);
    let ratio = p.checked_mul(one).ok_or_else(|| overflow("ratio"))?;
    let rest = one
        .checked_sub(p)
        .ok_or_else(|| NotionalError::ProportionOutOfBounds {
            proportion: Number::Decimal(format!("{p}e-18")),
        })?;
    if rest == 0 {
        return Err(NotionalError::RatioOverflow {
            ratio: Number::Infinite,
        });
    }
    let abdk_result = i128::from(value_or_fail!(abdk_math(ratio / rest)));
    if time_to_maturity == 0 {
        return Err(NotionalError::MaturedMarket {
            time_to_maturity: 0u32.into(),
        });
    }
    let scalar =
        i128::from(market.rate_scalar) * i128::from(maturity_length) / i128::from(time_to_maturity);
    if scalar > MAX_UINT_32 {
        return Ok(Err(overflow("rate scalar above uint32")));
    }
    if scalar == 0 {
        // Solidity 0.6's signed division by zero: an invalid opcode.
        return Err(NotionalError::DivisionByZero {
            op: "ln / rateScalar",
        });
    }
    // Solidity's signed division truncates toward zero, as Rust's does.
    let rate = (abdk_result - i128::from(LN_1E18)) / scalar + i128::from(market.rate_anchor);
    Ok(u32::try_from(rate).map_err(|_| overflow("exchange rate outside uint32")))
}

/// `_getImpliedRate(market, timeToMaturity)`: `(rate − 1e9) · L / t` of the zero trade.
///
/// # Errors
/// Those of [`get_exchange_rate`].
pub fn get_implied_rate(
    market: &CashMarket,
    maturity_length: u32,
    time_to_maturity: u32,
) -> Result<Attempt<u32>> {
    let rate = value_or_fail!(get_exchange_rate(
        market,
        maturity_length,
        time_to_maturity,
        I256::ZERO
    ));
    if rate < INSTRUMENT_PRECISION {
        return Ok(Err(NotionalError::NegativeInterestRate {
            trade_rate: rate.into(),
            rate_precision: INSTRUMENT_PRECISION.into(),
        }));
    }
    // t > 0 here: the exchange rate reverts at t = 0.
    let r = u64::from(rate - INSTRUMENT_PRECISION) * u64::from(maturity_length)
        / u64::from(time_to_maturity);
    Ok(u32::try_from(r).map_err(|_| overflow("implied rate above uint32")))
}

/// `_getNewRateAnchor(market, timeToMaturity)`: `anchor − (implied − lastImplied) · t / L`.
///
/// # Errors
/// Those of [`get_exchange_rate`], and `L = 0` (SignedSafeMath's division by zero).
pub fn get_new_rate_anchor(
    market: &CashMarket,
    maturity_length: u32,
    time_to_maturity: u32,
) -> Result<Attempt<u32>> {
    let implied = value_or_fail!(get_implied_rate(market, maturity_length, time_to_maturity));
    if maturity_length == 0 {
        return Err(NotionalError::DivisionByZero {
            op: "_getNewRateAnchor",
        });
    }
    let difference = (i128::from(implied) - i128::from(market.last_implied_rate))
        * i128::from(time_to_maturity)
        / i128::from(maturity_length);
    let anchor = i128::from(market.rate_anchor) - difference;
    Ok(u32::try_from(anchor).map_err(|_| overflow("rate anchor outside uint32")))
}

/// `_tradeCalculation(market, fCashAmount, timeToMaturity)` with `G_MATURITY_LENGTH` and
/// `G_LIQUIDITY_FEE` from `g`: the market the contract returns and the cash. On a failed trade
/// the contract returns a cash of 0 and the market as far as it got (a new anchor, or new
/// totals); so does this, with the reason in place of the cash.
///
/// # Errors
/// The contract's reverts: those of [`get_exchange_rate`] and [`get_new_rate_anchor`],
/// `|fCashAmount|` of `int256`'s minimum, the cash beyond `uint128`, and totals overflowing.
pub fn trade_calculation(
    market: &CashMarket,
    g: &Governance,
    fcash: I256,
    time_to_maturity: u32,
) -> Result<(CashMarket, Attempt<u128>)> {
    let mut m = *market;
    let t = time_to_maturity;
    let magnitude = fcash
        .checked_abs()
        .ok_or_else(|| overflow("SignedSafeMath: negation of int256's minimum"))?;
    if fcash < 0 && I256::from(m.total_fcash) < magnitude {
        let short = NotionalError::TradeTooLarge {
            asked: Number::Decimal(magnitude.to_string()),
            limit: m.total_fcash.into(),
            of: "fCash in the pool",
        };
        return Ok((m, Err(short)));
    }
    let anchor = get_new_rate_anchor(&m, g.maturity_length, t)?;
    m.rate_anchor = *anchor.as_ref().unwrap_or(&0);
    if let Err(soft) = anchor {
        return Ok((m, Err(soft)));
    }
    let rate = u128::from(value_or_fail!(
        get_exchange_rate(&m, g.maturity_length, t, fcash),
        m
    ));
    let fee = (u128::from(g.liquidity_fee) * u128::from(t))
        .checked_div(u128::from(g.maturity_length))
        .ok_or(NotionalError::DivisionByZero {
            op: "liquidity fee",
        })?;
    // Borrowing adds the fee; lending (and a zero trade) subtracts it, where the contract's
    // unchecked subtraction below zero is a failed trade.
    let rate = if fcash > 0 {
        rate + fee
    } else {
        match rate.checked_sub(fee) {
            Some(r) => r,
            None => return Ok((m, Err(negative(rate, fee)))),
        }
    };
    if rate < u128::from(INSTRUMENT_PRECISION) {
        return Ok((m, Err(negative(rate, 0))));
    }
    let cash = magnitude
        .as_u256()
        .checked_mul(U256::from(INSTRUMENT_PRECISION))
        .ok_or_else(|| overflow("cash"))?
        / U256::from(rate);
    let cash = u128::try_from(cash).map_err(|_| overflow("SafeCast: cash above uint128"))?;
    // uint128(fCashAmount) keeps the low 128 bits, as the contract's conversion does.
    let fcash_u128 = magnitude.as_u128();
    if fcash > 0 {
        if m.total_current_cash < cash {
            let short = NotionalError::TradeTooLarge {
                asked: cash.into(),
                limit: m.total_current_cash.into(),
                of: "cash in the pool",
            };
            return Ok((m, Err(short)));
        }
        m.total_fcash = m
            .total_fcash
            .checked_add(fcash_u128)
            .ok_or_else(|| overflow("totalfCash"))?;
        m.total_current_cash -= cash;
    } else {
        m.total_fcash = m
            .total_fcash
            .checked_sub(fcash_u128)
            .ok_or_else(|| overflow("totalfCash"))?;
        m.total_current_cash = m
            .total_current_cash
            .checked_add(cash)
            .ok_or_else(|| overflow("totalCurrentCash"))?;
    }
    match get_implied_rate(&m, g.maturity_length, t)? {
        Ok(implied) => {
            m.last_implied_rate = implied;
            Ok((m, Ok(cash)))
        }
        Err(soft) => Ok((m, Err(soft))),
    }
}

fn negative(rate: u128, fee: u128) -> NotionalError {
    NotionalError::NegativeInterestRate {
        trade_rate: Number::Decimal(format!("{rate} - {fee}")),
        rate_precision: INSTRUMENT_PRECISION.into(),
    }
}

/// `getfCashToCurrentCashAtTime(maturity, fCashAmount, blockTime)`: the cash a borrower
/// receives for `fcash` fCash after the transaction fee; the contract's 0 for a failed trade is
/// the reason here.
///
/// # Errors
/// `blockTime ≥ maturity` (`CANNOT_GET_PRICE_FOR_MATURITY`), the trade's reverts, and the fee's
/// (computed on a cash of 0 after a failed trade, as the contract does).
pub fn fcash_to_current_cash_at_time(
    market: &CashMarket,
    g: &Governance,
    maturity: u32,
    fcash: u128,
    block_time: u32,
) -> Result<Attempt<u128>> {
    let t = time_to_maturity(maturity, block_time)?;
    let (_, cash) = trade_calculation(market, g, I256::from(fcash), t)?;
    let fee = super::transaction_fee(g, *cash.as_ref().unwrap_or(&0), t)?;
    match cash {
        Ok(cash) => Ok(Ok(cash
            .checked_sub(fee)
            .ok_or_else(|| overflow("transaction fee above the cash"))?)),
        Err(soft) => Ok(Err(soft)),
    }
}

/// `getCurrentCashTofCashAtTime(maturity, fCashAmount, blockTime)`: the cash a lender pays for
/// `fcash` fCash with the transaction fee.
///
/// # Errors
/// As [`fcash_to_current_cash_at_time`].
pub fn current_cash_to_fcash_at_time(
    market: &CashMarket,
    g: &Governance,
    maturity: u32,
    fcash: u128,
    block_time: u32,
) -> Result<Attempt<u128>> {
    let t = time_to_maturity(maturity, block_time)?;
    let (_, cash) = trade_calculation(market, g, -I256::from(fcash), t)?;
    let fee = super::transaction_fee(g, *cash.as_ref().unwrap_or(&0), t)?;
    match cash {
        Ok(cash) => Ok(Ok(cash
            .checked_add(fee)
            .ok_or_else(|| overflow("cash + fee"))?)),
        Err(soft) => Ok(Err(soft)),
    }
}
