//! The gist's static methods: formatting, and conversions between exchange rates, period rates
//! and annual rates, each in the gist's arithmetic (JS Numbers with `Math.trunc`, or BigNumber).
//! [`Market`](super::Market) has the instance forms, which fill in the market's own parameters.
//!
//! ```
//! use notional::gist::convert::{format_implied_rate, period_to_annual_rate};
//!
//! // A 30-day period rate of 0.5 % (at 1e9) is trunc(5e6 · 365/30) a year: 6.0833 %.
//! let annual = period_to_annual_rate(5_000_000.0, 2_592_000.0);
//! assert_eq!(annual, 60_833_333.0);
//! assert_eq!(format_implied_rate(annual, 1e9, 4)?, "6.0833%");
//! # Ok::<(), notional::NotionalError>(())
//! ```

use num_bigint::BigInt;

use super::js::{big, div, number, to_fixed};
use crate::{NotionalError, Result};

/// Seconds in the gist's year (`SECONDS_IN_YEAR`, 365 days).
pub const SECONDS_IN_YEAR: f64 = 31_536_000.0;

/// The gist's default `ratePrecision`.
pub const RATE_PRECISION: f64 = 1e9;

/// `Market.formatImpliedRate(rate, ratePrecision, precision)`: `(rate / ratePrecision · 100)`
/// with `precision` decimals and a `%`; `"No Rate"` for 0. The gist's defaults are
/// [`RATE_PRECISION`] and 4.
///
/// # Errors
/// [`NotionalError::InvalidArgument`] when `precision > 100` (JavaScript's `RangeError`).
pub fn format_implied_rate(rate: f64, rate_precision: f64, precision: u32) -> Result<String> {
    if rate == 0.0 {
        return Ok("No Rate".into());
    }
    Ok(to_fixed((rate / rate_precision) * 100.0, precision)? + "%")
}

/// `Market.formatExchangeRate(rate, ratePrecision, precision)`: the exchange rate's premium
/// `(rate − ratePrecision) / ratePrecision · 100`, with `precision` decimals and a `%`;
/// `"No Rate"` for 0.
///
/// # Errors
/// [`NotionalError::InvalidArgument`] when `precision > 100`.
pub fn format_exchange_rate(rate: f64, rate_precision: f64, precision: u32) -> Result<String> {
    if rate == 0.0 {
        return Ok("No Rate".into());
    }
    Ok(to_fixed(
        ((rate - rate_precision) / rate_precision) * 100.0,
        precision,
    )? + "%")
}

/// `Market.periodToAnnualRate(rate, maturityLength)`: `trunc(rate · (31536000 / L))`, and 0
/// when `L = 0`. The multiplier is a JS Number, generally not an integer.
#[must_use]
pub fn period_to_annual_rate(implied_period_rate: f64, maturity_length: f64) -> f64 {
    if maturity_length == 0.0 {
        return 0.0;
    }
    let multiplier = SECONDS_IN_YEAR / maturity_length;
    (implied_period_rate * multiplier).trunc()
}

/// `Market.annualToPeriodRate(rate, maturityLength)`: `trunc(rate / (31536000 / L))`, and 0
/// when `L = 0`.
#[must_use]
pub fn annual_to_period_rate(annualized_rate: f64, maturity_length: f64) -> f64 {
    if maturity_length == 0.0 {
        return 0.0;
    }
    let multiplier = SECONDS_IN_YEAR / maturity_length;
    (annualized_rate / multiplier).trunc()
}

fn matured(time_to_maturity: f64) -> Result<()> {
    if time_to_maturity < 0.0 {
        return Err(NotionalError::MaturedMarket {
            time_to_maturity: crate::JsNumber(time_to_maturity).into(),
        });
    }
    Ok(())
}

/// `Market.exchangeToPeriodRate(exchangeRate, blockTime, maturityLength, maturity,
/// ratePrecision)`: `trunc((exchangeRate − ratePrecision) · L / (maturity − blockTime))`.
///
/// # Errors
/// [`NotionalError::MaturedMarket`] when `blockTime > maturity`.
pub fn exchange_to_period_rate(
    exchange_rate: f64,
    block_time: f64,
    maturity_length: f64,
    maturity: f64,
    rate_precision: f64,
) -> Result<f64> {
    let time_to_maturity = maturity - block_time;
    matured(time_to_maturity)?;
    Ok((((exchange_rate - rate_precision) * maturity_length) / time_to_maturity).trunc())
}

/// `Market.periodToExchangeRate(rate, blockTime, maturityLength, maturity, ratePrecision)`:
/// `trunc(rate · (maturity − blockTime) / L) + ratePrecision`.
///
/// # Errors
/// [`NotionalError::MaturedMarket`] when `blockTime > maturity`.
pub fn period_to_exchange_rate(
    implied_period_rate: f64,
    block_time: f64,
    maturity_length: f64,
    maturity: f64,
    rate_precision: f64,
) -> Result<f64> {
    let time_to_maturity = maturity - block_time;
    matured(time_to_maturity)?;
    Ok(((implied_period_rate * time_to_maturity) / maturity_length).trunc() + rate_precision)
}

/// `Market.fCashFromExchangeRate(exchangeRate, cash, ratePrecision)`:
/// `cash · exchangeRate / ratePrecision` in BigNumber.
///
/// # Errors
/// [`NotionalError::InvalidNumber`] for a rate BigNumber refuses,
/// [`NotionalError::DivisionByZero`] for a zero precision.
pub fn fcash_from_exchange_rate(
    exchange_rate: f64,
    cash: &BigInt,
    rate_precision: f64,
) -> Result<BigInt> {
    div(
        &(cash * big(exchange_rate)?),
        &big(rate_precision)?,
        "fCashFromExchangeRate",
    )
}

/// `Market.cashFromExchangeRate(exchangeRate, fCash, ratePrecision)`:
/// `fCash · ratePrecision / exchangeRate` in BigNumber.
///
/// # Errors
/// [`NotionalError::InvalidNumber`] for a rate BigNumber refuses,
/// [`NotionalError::DivisionByZero`] for a zero rate.
pub fn cash_from_exchange_rate(
    exchange_rate: f64,
    fcash: &BigInt,
    rate_precision: f64,
) -> Result<BigInt> {
    div(
        &(fcash * big(rate_precision)?),
        &big(exchange_rate)?,
        "cashFromExchangeRate",
    )
}

/// `Market.impliedPeriodRate(fCash, cash, maturityLength, maturity, blockTime, ratePrecision)`:
/// `(fCash · P / cash − P) · L / (maturity − blockTime)`, each step a truncating BigNumber
/// operation, returned with `toNumber()`.
///
/// # Errors
/// [`NotionalError::DivisionByZero`] (zero cash, or `blockTime = maturity`),
/// [`NotionalError::InvalidNumber`] (a fractional or unsafe JS input),
/// [`NotionalError::NumberOverflow`] (a result beyond 2^53).
pub fn implied_period_rate(
    fcash_amount: &BigInt,
    cash_amount: &BigInt,
    maturity_length: f64,
    maturity: f64,
    block_time: f64,
    rate_precision: f64,
) -> Result<f64> {
    let time_to_maturity = maturity - block_time;
    let p = big(rate_precision)?;
    let r = div(&(fcash_amount * &p), cash_amount, "impliedPeriodRate")?;
    let r = (r - p) * big(maturity_length)?;
    number(&div(&r, &big(time_to_maturity)?, "impliedPeriodRate")?)
}

/// `Market.exchangeRate(fCash, cash, ratePrecision)`: `fCash · P / cash`, as a JS Number.
///
/// # Errors
/// [`NotionalError::DivisionByZero`], [`NotionalError::InvalidNumber`],
/// [`NotionalError::NumberOverflow`].
pub fn exchange_rate(
    fcash_amount: &BigInt,
    cash_amount: &BigInt,
    rate_precision: f64,
) -> Result<f64> {
    number(&div(
        &(fcash_amount * big(rate_precision)?),
        cash_amount,
        "exchangeRate",
    )?)
}

#[cfg(test)]
#[expect(
    clippy::unreadable_literal,
    reason = "reference values, digit for digit as printed"
)]
mod tests {
    use super::*;

    #[test]
    fn the_multiplier_is_not_an_integer() {
        // 31536000 / 604800 = 52.142857…, so the product is truncated after an inexact multiply.
        assert_eq!(period_to_annual_rate(40819054.0, 604800.0), 2128422101.0);
        assert_eq!(annual_to_period_rate(-27846125.0, 2592000.0), -2288722.0);
        assert_eq!(period_to_annual_rate(12345678.0, 0.0), 0.0);
    }

    #[test]
    fn formatting_as_the_gist() {
        assert_eq!(
            format_implied_rate(4123456.0, RATE_PRECISION, 4).unwrap(),
            "0.4123%"
        );
        assert_eq!(
            format_implied_rate(0.0, RATE_PRECISION, 4).unwrap(),
            "No Rate"
        );
        assert_eq!(
            format_exchange_rate(1004123456.0, RATE_PRECISION, 4).unwrap(),
            "0.4123%"
        );
    }
}
