//! `Market.sol` and `CashGroup.getRateScalar` exactly as the contract (notional-finance/contracts-v2
//! @ c35bfe00) computes them, on its ABI types (`int256` amounts, `uint256` rates and times, its
//! structs): what the harness of `../shared/evm` calls, checked against the contract's bytecode
//! by the differential tests. [`Market`](super::Market)'s methods and the free functions of
//! [`v2`](super) are these on an `i128` market, with the contract's failure values turned into
//! errors.
//!
//! A function returns a [`Result`] of an [`Attempt`]: `Err` is a revert or a halt (SafeInt256's
//! checks, SafeMath, ABDK's `require`s, a signed division by zero), `Ok(Err(reason))` is the
//! contract returning its failure value (`(0, false)`, an implied rate of 0, a zero trade), and
//! `Ok(Ok(v))` a value. Every operation is the contract's: checked `int256` arithmetic where it
//! uses SafeInt256, truncating division, ABDK's 64.64 functions ([`crate::abdk`]).
//!
//! ```
//! use notional::I256;
//! use notional::v2::contract::get_exchange_rate;
//!
//! const E8: i128 = 100_000_000;
//! let (fcash, cash) = (I256::from(1_000_000 * E8), I256::from(950_000 * E8));
//! let (scalar, anchor) = (I256::from(33_200_000_000_000i128), I256::from(1_040_000_000));
//! // Lending 10 000 fCash, as the contract's bytecode returns it.
//! let rate = get_exchange_rate(fcash, cash, scalar, anchor, I256::from(10_000 * E8))?;
//! assert_eq!(rate, Ok(I256::from(1_040_000_926)));
//! // All the fCash: a proportion of 0 has no logit, the contract's (0, false).
//! assert!(get_exchange_rate(fcash, cash, scalar, anchor, fcash)?.is_err());
//! // More than all of it: `subNoNeg` reverts.
//! assert!(get_exchange_rate(fcash, cash, scalar, anchor, fcash + 1).is_err());
//! # Ok::<(), notional::NotionalError>(())
//! ```

use ethnum::{I256, U256};

use crate::arith::overflow;
use crate::{Attempt, NotionalError, Number, Result, abdk};

mod newton;
mod trade;

pub use newton::get_fcash_given_cash_amount;
pub use trade::calculate_trade;

// The contract's constants, as v2's: at `int256` where they meet `int256` arithmetic.
const RATE_PRECISION: I256 = I256::new(super::RATE_PRECISION);
const IMPLIED_RATE_TIME: u128 = super::IMPLIED_RATE_TIME.unsigned_abs();
const MAX_MARKET_PROPORTION: I256 = I256::new(super::MAX_MARKET_PROPORTION);
const INTERNAL_TOKEN_PRECISION: I256 = I256::new(super::INTERNAL_TOKEN_PRECISION);
const BASIS_POINT: u128 = super::BASIS_POINT.unsigned_abs();
use super::{LOG_RATE_PRECISION_64X64, NEWTON_ITERATIONS, RATE_PRECISION_64X64};
/// `AssetRate`'s `ASSET_RATE_DECIMAL_DIFFERENCE`.
const ASSET_RATE_DECIMAL_DIFFERENCE: I256 = I256::new(10_000_000_000);
/// `CashGroup`'s bit offsets in `data`: the first market's rate scalar, the total fee and the
/// reserve's share (`(31 − byte) · 8`).
const RATE_SCALAR: u32 = (31 - 15) * 8;
const TOTAL_FEE: u32 = (31 - 29) * 8;
const RESERVE_FEE_SHARE: u32 = (31 - 28) * 8;

/// `AssetRateParameters` without its oracle's address: `rate` (asset to underlying at 1e10 ×
/// the underlying's decimals) and the underlying's decimals (`1e18` for 18).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AssetRate {
    /// `rate`.
    pub rate: I256,
    /// `underlyingDecimals`.
    pub underlying_decimals: I256,
}

impl AssetRate {
    /// The rate under which asset cash is underlying cash (`rate = 1e10`, decimals 1): what the
    /// `i128` [`Market`](super::Market), whose cash is in underlying, trades at.
    pub const IDENTITY: Self = Self {
        rate: ASSET_RATE_DECIMAL_DIFFERENCE,
        underlying_decimals: I256::ONE,
    };

    /// `convertToUnderlying(balance)`: `rate · balance / 1e10 / decimals`.
    ///
    /// # Errors
    /// SafeInt256's overflow, or a zero `underlying_decimals`.
    pub fn to_underlying(&self, balance: I256) -> Result<I256> {
        div(
            div(mul(self.rate, balance)?, ASSET_RATE_DECIMAL_DIFFERENCE)?,
            self.underlying_decimals,
        )
    }

    /// `convertFromUnderlying(balance)`: `balance · 1e10 · decimals / rate`.
    ///
    /// # Errors
    /// SafeInt256's overflow, or a zero `rate`.
    pub fn from_underlying(&self, balance: I256) -> Result<I256> {
        div(
            mul(
                mul(balance, ASSET_RATE_DECIMAL_DIFFERENCE)?,
                self.underlying_decimals,
            )?,
            self.rate,
        )
    }
}

/// `CashGroupParameters`: its market count, asset rate and packed `data` (bytes counted from
/// the left as in `CashGroup.sol`: the rate scalars from byte 15, the total fee at 29, the
/// reserve's share at 28).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CashGroupParameters {
    /// `maxMarketIndex`.
    pub max_market_index: U256,
    /// `assetRate`.
    pub asset_rate: AssetRate,
    /// `data`, as a big-endian word.
    pub data: U256,
}

impl CashGroupParameters {
    /// The one-market cash group of the harness's `calculateTradeFlat`: its rate scalar byte,
    /// total fee (basis points a year) and reserve share (percent) packed into `data`.
    #[must_use]
    pub fn one_market(
        rate_scalar: u8,
        total_fee_bps: u8,
        reserve_fee_share: u8,
        asset_rate: AssetRate,
    ) -> Self {
        let data = U256::ONE
            | (U256::from(total_fee_bps) << TOTAL_FEE)
            | (U256::from(reserve_fee_share) << RESERVE_FEE_SHARE)
            | (U256::from(rate_scalar) << RATE_SCALAR);
        Self {
            max_market_index: U256::ONE,
            asset_rate,
            data,
        }
    }

    fn byte_at(&self, offset: U256) -> u8 {
        if offset >= 256 {
            return 0;
        }
        (self.data >> offset.as_u32()).as_u8()
    }

    /// `getTotalFee`: the fee byte in basis points, at 1e9 (`30` = 0.30 % a year).
    #[must_use]
    pub fn total_fee(&self) -> U256 {
        U256::from(self.byte_at(U256::from(TOTAL_FEE))) * U256::from(BASIS_POINT)
    }

    /// `getReserveFeeShare`: the reserve's percent of the fee.
    #[must_use]
    pub fn reserve_fee_share(&self) -> I256 {
        I256::from(self.byte_at(U256::from(RESERVE_FEE_SHARE)))
    }
}

/// The fields of `MarketParameters` a trade reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct MarketParameters {
    /// `totalfCash`.
    pub total_fcash: I256,
    /// `totalAssetCash`.
    pub total_asset_cash: I256,
    /// `lastImpliedRate`.
    pub last_implied_rate: U256,
}

/// A trade's cash flows as `calculateTrade` returns them (in asset cash), with the market's
/// share it adds to `totalAssetCash`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TradeCash {
    /// `netAssetCash` to the account.
    pub net_asset_cash: I256,
    /// `netAssetCashToReserve`.
    pub asset_cash_to_reserve: I256,
    /// The asset cash into the market.
    pub net_asset_cash_to_market: I256,
}

/// SafeInt256's `mul`.
fn mul(a: I256, b: I256) -> Result<I256> {
    a.checked_mul(b).ok_or_else(|| overflow("int256 mul"))
}

/// SafeInt256's `div` (and Solidity's halt on a zero divisor), truncating toward zero.
fn div(a: I256, b: I256) -> Result<I256> {
    if b == 0 {
        return Err(NotionalError::DivisionByZero { op: "int256 div" });
    }
    a.checked_div(b).ok_or_else(|| overflow("int256 div"))
}

/// SafeInt256's `add`.
fn add(a: I256, b: I256) -> Result<I256> {
    a.checked_add(b).ok_or_else(|| overflow("int256 add"))
}

/// SafeInt256's `sub`.
fn sub(a: I256, b: I256) -> Result<I256> {
    a.checked_sub(b).ok_or_else(|| overflow("int256 sub"))
}

/// SafeInt256's `neg`.
fn neg(a: I256) -> Result<I256> {
    a.checked_neg().ok_or_else(|| overflow("int256 neg"))
}

/// SafeInt256's `divInRatePrecision`: `x · 1e9 / y`.
fn div_rp(x: I256, y: I256) -> Result<I256> {
    div(mul(x, RATE_PRECISION)?, y)
}

/// SafeInt256's `mulInRatePrecision`: `x · y / 1e9`.
fn mul_rp(x: I256, y: I256) -> Result<I256> {
    div(mul(x, y)?, RATE_PRECISION)
}

/// An `int256` as an ABDK `int256` argument (`fromInt` takes `[−2^63, 2^63 − 1]`).
fn abdk_from_int(x: I256) -> Result<i128> {
    let x = i128::try_from(x).map_err(|_| overflow("ABDK fromInt"))?;
    abdk::from_int(x)
}

/// `_logProportion(proportion)`: `ln(p / (1 − p))` at 1e9, or `(0, false)` at `p = 1` and for
/// a logit that is not positive.
///
/// # Errors
/// SafeInt256's overflow, and ABDK's `fromInt` beyond `±2^63`.
pub fn log_proportion(proportion: I256) -> Result<Attempt<I256>> {
    if proportion == RATE_PRECISION {
        return Ok(Err(NotionalError::RatioOverflow {
            ratio: Number::Infinite,
        }));
    }
    let logit = div_rp(proportion, sub(RATE_PRECISION, proportion)?)?;
    let x = abdk_from_int(logit)?;
    if x <= 0 {
        return Ok(Err(NotionalError::ProportionOutOfBounds {
            proportion: Number::Decimal(format!("{proportion}e-9")),
        }));
    }
    let l = abdk::sub(abdk::ln(x)?, LOG_RATE_PRECISION_64X64)?;
    Ok(Ok(I256::from(abdk::to_int(abdk::mul(
        l,
        RATE_PRECISION_64X64,
    )?))))
}

/// `_getExchangeRate(totalfCash, totalCashUnderlying, rateScalar, rateAnchor, fCashToAccount)`:
/// `ln(p / (1 − p)) / scalar + anchor` at 1e9 with `p = (F − f) / (F + C)`, or `(0, false)`
/// above the maximum proportion or below a rate of 1.
///
/// # Errors
/// `F − f` below zero (`subNoNeg`), SafeInt256's overflow, a zero `F + C` or scalar.
pub fn get_exchange_rate(
    total_fcash: I256,
    total_cash_underlying: I256,
    rate_scalar: I256,
    rate_anchor: I256,
    fcash_to_account: I256,
) -> Result<Attempt<I256>> {
    let numerator = sub(total_fcash, fcash_to_account)?;
    if numerator < 0 {
        return Err(NotionalError::TradeTooLarge {
            asked: Number::Decimal(fcash_to_account.to_string()),
            limit: Number::Decimal(total_fcash.to_string()),
            of: "fCash in the market",
        });
    }
    let proportion = div_rp(numerator, add(total_fcash, total_cash_underlying)?)?;
    if proportion > MAX_MARKET_PROPORTION {
        return Ok(Err(NotionalError::ProportionOutOfBounds {
            proportion: Number::Decimal(format!("{proportion}e-9")),
        }));
    }
    let ln = value_or_fail!(log_proportion(proportion));
    let rate = add(div_rp(ln, rate_scalar)?, rate_anchor)?;
    if rate < RATE_PRECISION {
        return Ok(Err(NotionalError::NegativeInterestRate {
            trade_rate: Number::Decimal(rate.to_string()),
            rate_precision: 1_000_000_000u32.into(),
        }));
    }
    Ok(Ok(rate))
}

/// `getExchangeRateFromImpliedRate(impliedRate, timeToMaturity)`: `e^(r·t/T)` at 1e9 through
/// ABDK's `exp`.
///
/// # Errors
/// SafeMath's overflow of `r · t`, ABDK's range (`r·t/T` at most `2^63 − 1`, the exponent
/// below 64).
pub fn get_exchange_rate_from_implied_rate(
    implied_rate: U256,
    time_to_maturity: U256,
) -> Result<I256> {
    let x = implied_rate
        .checked_mul(time_to_maturity)
        .ok_or_else(|| overflow("SafeMath: r·t"))?
        / U256::from(IMPLIED_RATE_TIME);
    let x = abdk::from_uint(x)?;
    let scaled = abdk::div(x, RATE_PRECISION_64X64)?;
    let e = abdk::mul(abdk::exp(scaled)?, RATE_PRECISION_64X64)?;
    Ok(I256::from(abdk::to_int(e)))
}

/// `_getRateAnchor(totalfCash, lastImpliedRate, totalCashUnderlying, rateScalar,
/// timeToMaturity)`: `e^(r·t/T) − ln(p / (1 − p)) / scalar` with `p = F / (F + C)`, or
/// `(0, false)` when `e^(r·t/T)` is below 1 or the logit fails.
///
/// # Errors
/// Those of [`get_exchange_rate_from_implied_rate`], SafeInt256's, a zero `F + C` or scalar.
pub fn get_rate_anchor(
    total_fcash: I256,
    last_implied_rate: U256,
    total_cash_underlying: I256,
    rate_scalar: I256,
    time_to_maturity: U256,
) -> Result<Attempt<I256>> {
    let rate = get_exchange_rate_from_implied_rate(last_implied_rate, time_to_maturity)?;
    if rate < RATE_PRECISION {
        return Ok(Err(NotionalError::NegativeInterestRate {
            trade_rate: Number::Decimal(rate.to_string()),
            rate_precision: 1_000_000_000u32.into(),
        }));
    }
    let proportion = div_rp(total_fcash, add(total_fcash, total_cash_underlying)?)?;
    let ln = value_or_fail!(log_proportion(proportion));
    Ok(Ok(sub(rate, div_rp(ln, rate_scalar)?)?))
}

/// `getImpliedRate(totalfCash, totalCashUnderlying, rateScalar, rateAnchor, timeToMaturity)`:
/// `ln(rate) · T / t` of the zero trade at 1e9, or the contract's 0 when the exchange rate
/// fails or the rate exceeds `uint32`.
///
/// # Errors
/// Those of [`get_exchange_rate`], ABDK's range, and `t = 0` (SafeMath's division).
pub fn get_implied_rate(
    total_fcash: I256,
    total_cash_underlying: I256,
    rate_scalar: I256,
    rate_anchor: I256,
    time_to_maturity: U256,
) -> Result<Attempt<U256>> {
    let rate = value_or_fail!(get_exchange_rate(
        total_fcash,
        total_cash_underlying,
        rate_scalar,
        rate_anchor,
        I256::ZERO,
    ));
    let scaled = abdk::div(abdk_from_int(rate)?, RATE_PRECISION_64X64)?;
    let ln_rate = abdk::to_uint(abdk::mul(abdk::ln(scaled)?, RATE_PRECISION_64X64)?)?;
    if time_to_maturity == 0 {
        return Err(NotionalError::DivisionByZero {
            op: "SafeMath: implied rate / t",
        });
    }
    let implied = U256::from(ln_rate) * U256::from(IMPLIED_RATE_TIME) / time_to_maturity;
    if implied > U256::from(u32::MAX) {
        return Ok(Err(overflow("implied rate above uint32")));
    }
    Ok(Ok(implied))
}

/// `CashGroup.getRateScalar(marketIndex, timeToMaturity)`: the market's scalar byte
/// `s · 1e9 · T / t`, required positive.
///
/// # Errors
/// A market index outside `1..=maxMarketIndex`, `t` beyond `int256`, `t = 0`, and a scalar
/// that is not positive (the contract's `require`s and division).
pub fn get_rate_scalar(
    cg: &CashGroupParameters,
    market_index: U256,
    time_to_maturity: U256,
) -> Result<I256> {
    if market_index == 0 || market_index > cg.max_market_index {
        return Err(NotionalError::InvalidArgument {
            name: "market_index",
            value: Number::Decimal(market_index.to_string()),
            reason: "outside the cash group's markets",
        });
    }
    // RATE_SCALAR + 8 · (marketIndex − 1), modulo 2^256 as Solidity 0.7 computes it.
    let offset =
        U256::from(RATE_SCALAR).wrapping_add((market_index - 1).wrapping_mul(U256::new(8)));
    rate_scalar(cg.byte_at(offset), time_to_maturity)
}

/// `getRateScalar`'s arithmetic on the scalar byte `s`.
pub(crate) fn rate_scalar(s: u8, time_to_maturity: U256) -> Result<I256> {
    let t = I256::try_from(time_to_maturity).map_err(|_| overflow("toInt(timeToMaturity)"))?;
    let scalar = mul(I256::from(s), RATE_PRECISION)?;
    let r = div(mul(scalar, I256::from(IMPLIED_RATE_TIME))?, t)?;
    if r <= 0 {
        return Err(NotionalError::DivisionByZero {
            op: "rate scalar is zero",
        });
    }
    Ok(r)
}

/// `getExchangeRateFactors(market, cashGroup, timeToMaturity, marketIndex)`: `(rateScalar,
/// totalCashUnderlying, rateAnchor)`, or the contract's `(0, 0, 0)` for an empty side or a
/// failed anchor.
///
/// # Errors
/// Those of [`get_rate_scalar`], the asset rate's conversion and [`get_rate_anchor`].
pub fn get_exchange_rate_factors(
    market: &MarketParameters,
    cg: &CashGroupParameters,
    time_to_maturity: U256,
    market_index: U256,
) -> Result<Attempt<(I256, I256, I256)>> {
    let rate_scalar = get_rate_scalar(cg, market_index, time_to_maturity)?;
    let total_cash = cg.asset_rate.to_underlying(market.total_asset_cash)?;
    if market.total_fcash == 0 || total_cash == 0 {
        return Ok(Err(NotionalError::DivisionByZero { op: "empty market" }));
    }
    match get_rate_anchor(
        market.total_fcash,
        market.last_implied_rate,
        total_cash,
        rate_scalar,
        time_to_maturity,
    )? {
        Ok(anchor) => Ok(Ok((rate_scalar, total_cash, anchor))),
        Err(soft) => Ok(Err(soft)),
    }
}
