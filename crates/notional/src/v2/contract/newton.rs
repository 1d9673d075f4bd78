//! `getfCashGivenCashAmount` and `_calculateDelta`: the fCash a cash amount trades for, by
//! Newton's method with the contract's analytic derivative.

use ethnum::I256;

use super::{
    INTERNAL_TOKEN_PRECISION, NEWTON_ITERATIONS, RATE_PRECISION, add, div, div_rp,
    get_exchange_rate, mul, mul_rp, neg, overflow, sub,
};
use crate::{NotionalError, Number, Result};

/// `getfCashGivenCashAmount(totalfCash, netCashToAccount, totalCashUnderlying, rateScalar,
/// rateAnchor, feeRate, maxDelta)`: Newton's method on `f(x) = cash · rate(x) · fee + x` from
/// the guess `−cash · anchor`, stopping when a step is at most `max_delta`. Returns the fCash
/// and the number of exchange-rate evaluations.
///
/// # Errors
/// A negative `max_delta`, an exchange rate that fails at a guess (the contract's
/// `require(success)`; the reason is kept), a rate below 1 after the fee, SafeInt256's
/// overflow, a zero divisor, and `No convergence` after 250 steps.
pub fn get_fcash_given_cash_amount(
    total_fcash: I256,
    net_cash_to_account: I256,
    total_cash_underlying: I256,
    rate_scalar: I256,
    rate_anchor: I256,
    fee_rate: I256,
    max_delta: I256,
) -> Result<(I256, u32)> {
    if max_delta < 0 {
        return Err(NotionalError::InvalidArgument {
            name: "max_delta",
            value: Number::Decimal(max_delta.to_string()),
            reason: "must not be negative",
        });
    }
    let curve = (total_fcash, total_cash_underlying, rate_scalar);
    let mut guess = neg(mul_rp(net_cash_to_account, rate_anchor)?)?;
    for i in 0..NEWTON_ITERATIONS {
        let rate = get_exchange_rate(
            total_fcash,
            total_cash_underlying,
            rate_scalar,
            rate_anchor,
            guess,
        )??;
        let delta = calculate_delta(net_cash_to_account, curve, guess, rate, fee_rate)?;
        let magnitude = delta.checked_abs().ok_or_else(|| overflow("int256 abs"))?;
        if magnitude <= max_delta {
            return Ok((guess, i + 1));
        }
        guess = sub(guess, delta)?;
    }
    Err(NotionalError::NoConvergence {
        iterations: NEWTON_ITERATIONS,
    })
}

/// `_calculateDelta`: `f(x) / f'(x)` with
/// `f'(x) = 1 − cash · fee · (F + C) / (scalar · (F − x)(C + x))`, in the contract's checked
/// `int256` steps.
fn calculate_delta(
    cash: I256,
    (total_fcash, total_cash, rate_scalar): (I256, I256, I256),
    guess: I256,
    rate: I256,
    fee_rate: I256,
) -> Result<I256> {
    let denominator = mul_rp(
        rate_scalar,
        mul(sub(total_fcash, guess)?, add(total_cash, guess)?)?,
    )?;
    let (rate, derivative) = if guess > 0 {
        let rate = div_rp(rate, fee_rate)?;
        at_least_one(rate)?;
        (
            rate,
            div_rp(mul(cash, add(total_fcash, total_cash)?)?, fee_rate)?,
        )
    } else {
        let rate = mul_rp(rate, fee_rate)?;
        at_least_one(rate)?;
        (
            rate,
            mul_rp(cash, mul(fee_rate, add(total_fcash, total_cash)?)?)?,
        )
    };
    let derivative = sub(INTERNAL_TOKEN_PRECISION, div(derivative, denominator)?)?;
    let numerator = add(mul_rp(cash, rate)?, guess)?;
    div(mul(numerator, INTERNAL_TOKEN_PRECISION)?, derivative)
}

/// The contract's `require(exchangeRate >= RATE_PRECISION)` in `_calculateDelta`.
fn at_least_one(rate: I256) -> Result<()> {
    if rate < RATE_PRECISION {
        return Err(NotionalError::NegativeInterestRate {
            trade_rate: Number::Decimal(rate.to_string()),
            rate_precision: 1_000_000_000u32.into(),
        });
    }
    Ok(())
}
