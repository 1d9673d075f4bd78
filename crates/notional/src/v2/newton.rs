//! `getfCashGivenCashAmount`: the fCash a cash amount buys or borrows, found by Newton's method
//! on the market's curve with the contract's analytic derivative (`_calculateDelta`).

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};

use super::formulas::{at_least, div_rp, mul_rp};
use super::{
    CashGroup, Curve, INTERNAL_TOKEN_PRECISION, Market, NEWTON_ITERATIONS, NewtonQuote,
    RATE_PRECISION, exchange_rate, exchange_rate_from_implied_rate,
};
use crate::arith::overflow;
use crate::{NotionalError, Result};

impl Market {
    /// `getfCashGivenCashAmount`: the fCash to the account for `net_cash_to_account` cash
    /// (negative lends), by Newton's method on `f(x) = cash · rate(x) · fee + x` with
    /// `f'(x) = 1 − cash · fee · (F + C) / (scalar · (F − x)(C + x))`, stopping when a step is at
    /// most `max_delta`. Cash, fCash and `max_delta` at 1e8 (`1_000` is 0.00001 fCash),
    /// `time_to_maturity` in seconds.
    ///
    /// # Errors
    /// [`NotionalError::NoConvergence`] after 250 iterations, and the exchange rate's errors at
    /// any guess.
    pub fn fcash_given_cash(
        &self,
        cg: &CashGroup,
        net_cash_to_account: i128,
        time_to_maturity: u32,
        max_delta: i128,
    ) -> Result<NewtonQuote> {
        if max_delta < 0 {
            return Err(NotionalError::InvalidArgument {
                name: "max_delta",
                value: max_delta.into(),
                reason: "must not be negative",
            });
        }
        let curve = self.curve(cg, time_to_maturity)?;
        let fee = exchange_rate_from_implied_rate(cg.total_fee(), time_to_maturity)?;
        let mut guess = mul_rp(net_cash_to_account, curve.rate_anchor, "guess")?
            .checked_neg()
            .ok_or_else(|| overflow("guess"))?;
        for i in 0..NEWTON_ITERATIONS {
            let rate = exchange_rate(&curve, guess)?;
            let step = Step {
                cash: net_cash_to_account,
                guess,
                rate,
                fee,
            };
            let delta = calculate_delta(&curve, &step)?;
            if delta.abs() <= max_delta {
                return Ok(NewtonQuote {
                    fcash: guess,
                    iterations: i + 1,
                });
            }
            guess = guess.checked_sub(delta).ok_or_else(|| overflow("guess"))?;
        }
        Err(NotionalError::NoConvergence {
            iterations: NEWTON_ITERATIONS,
        })
    }
}

/// One Newton step's inputs besides the curve: the cash asked for, the fCash guess, the
/// exchange rate at the guess and the fee factor `e^(fee·t)` (rates at 1e9, amounts at 1e8).
struct Step {
    cash: i128,
    guess: i128,
    rate: i128,
    fee: i128,
}

fn big(x: i128) -> BigInt {
    BigInt::from(x)
}

/// `x` as a divisor, or [`NotionalError::DivisionByZero`] naming the division `op`.
fn nonzero(x: i128, op: &'static str) -> Result<BigInt> {
    if x == 0 {
        return Err(NotionalError::DivisionByZero { op });
    }
    Ok(big(x))
}

/// `_calculateDelta`: `f(x) / f'(x)` in the contract's precisions (1e9 rates, 1e8 tokens);
/// the products need more than 256 bits, so they are computed in [`BigInt`].
fn calculate_delta(curve: &Curve, s: &Step) -> Result<i128> {
    let rp = big(RATE_PRECISION);
    let (f, c) = (curve.total_fcash, curve.total_cash);
    let total = big(f) + big(c);
    let denominator =
        big(curve.rate_scalar) * ((big(f) - big(s.guess)) * (big(c) + big(s.guess))) / &rp;
    let (rate, derivative) = if s.guess > 0 {
        (
            div_rp(s.rate, s.fee, "rate / fee")?,
            big(s.cash) * &total * &rp / nonzero(s.fee, "a zero fee factor in the derivative")?,
        )
    } else {
        (
            mul_rp(s.rate, s.fee, "rate · fee")?,
            big(s.cash) * (big(s.fee) * &total) / &rp,
        )
    };
    let rate = at_least(rate, RATE_PRECISION)?;
    if denominator.is_zero() {
        return Err(NotionalError::DivisionByZero {
            op: "_calculateDelta",
        });
    }
    let derivative = big(INTERNAL_TOKEN_PRECISION) - derivative / denominator;
    if derivative.is_zero() {
        return Err(NotionalError::DivisionByZero {
            op: "_calculateDelta",
        });
    }
    let numerator = big(mul_rp(s.cash, rate, "cash · rate")?) + big(s.guess);
    let delta = numerator * big(INTERNAL_TOKEN_PRECISION) / derivative;
    if delta.abs() > big(i128::MAX) {
        return Err(overflow("delta"));
    }
    delta.to_i128().ok_or_else(|| overflow("delta"))
}
