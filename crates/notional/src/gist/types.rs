//! The gist's data: `MarketData`, `RateParams`, `CashGroup`, and what its methods return.
//!
//! BigNumber fields are [`BigInt`] and read and write as base-10 strings, as the SDK's JSON has
//! them; JS-Number fields are `f64`, so a fractional or NaN value behaves as it does in the gist.
//! Field names serialise in the gist's camelCase.

use num_bigint::BigInt;
use serde::{Deserialize, Serialize};

/// BigNumber ⇄ base-10 string (a JSON integer is accepted too).
pub(crate) mod int_string {
    use num_bigint::BigInt;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        S(String),
        I(i64),
        U(u64),
    }

    pub(crate) fn serialize<S: Serializer>(v: &BigInt, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BigInt, D::Error> {
        match Raw::deserialize(d)? {
            Raw::S(s) => s
                .parse()
                .map_err(|_| D::Error::custom(format!("not a base-10 integer: {s:?}"))),
            Raw::I(i) => Ok(BigInt::from(i)),
            Raw::U(u) => Ok(BigInt::from(u)),
        }
    }
}

/// The market for one maturity (the gist's `MarketData`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarketData {
    /// Total current cash in the market (`totalCurrentCash`).
    #[serde(with = "int_string")]
    pub total_current_cash: BigInt,
    /// Total fCash in the market (`totalfCash`).
    #[serde(rename = "totalfCash", with = "int_string")]
    pub total_fcash: BigInt,
    /// Total liquidity tokens (`totalLiquidity`).
    #[serde(with = "int_string")]
    pub total_liquidity: BigInt,
    /// The market's rate anchor, an exchange rate at `ratePrecision` (`rateAnchor`); 0 means
    /// not yet set, and the global anchor is used.
    pub rate_anchor: f64,
    /// The market's rate scalar (`rateScalar`); 0 means the global scalar.
    pub rate_scalar: f64,
    /// The implied period rate of the last trade (`lastImpliedRate`).
    pub last_implied_rate: f64,
}

/// Global contract parameters (the gist's `RateParams`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateParams {
    /// The integer that means a rate of 1 (`ratePrecision`, 1e9).
    pub rate_precision: f64,
    /// Liquidity fee, as an exchange-rate increment per period (`liquidityFee`).
    pub liquidity_fee: f64,
    /// The integer that means 1 unit of the currency (`balancePrecision`, e.g. 1e18).
    #[serde(with = "int_string")]
    pub balance_precision: BigInt,
    /// Haircut on liquidity-token claims, at 1e18 (`liquidityHaircut`).
    #[serde(with = "int_string")]
    pub liquidity_haircut: BigInt,
    /// Annualised anchor for new markets (`globalRateAnchor`).
    pub global_rate_anchor: f64,
    /// Scalar for markets without one (`globalRateScalar`).
    pub global_rate_scalar: f64,
    /// Largest trade the contract accepts (`maxTradeSize`).
    #[serde(with = "int_string")]
    pub max_trade_size: BigInt,
}

/// The cash group of a market (the gist's `CashGroup`; only `maturityLength` is used).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CashGroup {
    /// Length of a maturity period in seconds (`maturityLength`).
    pub maturity_length: f64,
}

/// What `getLiquidityTokenClaims` returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiquidityClaims {
    /// Cash the tokens claim (`cashClaim`).
    #[serde(with = "int_string")]
    pub cash_claim: BigInt,
    /// fCash the tokens claim (`fCashClaim`).
    #[serde(rename = "fCashClaim", with = "int_string")]
    pub fcash_claim: BigInt,
}

/// The result of an iterating quote (`iterateRates`): the amount and how many times the loop
/// body ran (0 when the first estimate was exact).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// The fCash amount found.
    pub amount: BigInt,
    /// Loop-body executions.
    pub iterations: u32,
}

/// An iterating quote's outcome, error or not, with the iterations run before it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IterationReport {
    /// The amount, or why the quote failed.
    pub result: crate::Result<BigInt>,
    /// Loop-body executions before the result (the cap, 5000, for
    /// [`NoConvergence`](crate::NotionalError::NoConvergence)).
    pub iterations: u32,
}

/// The gist's `toJSON()`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarketJson {
    /// `totalCurrentCash`, base 10.
    pub total_current_cash: String,
    /// `totalfCash`, base 10.
    #[serde(rename = "totalfCash")]
    pub total_fcash: String,
    /// `totalLiquidity`, base 10.
    pub total_liquidity: String,
    /// `maturity`.
    pub maturity: f64,
}
