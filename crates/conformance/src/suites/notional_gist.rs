//! The `notional-gist` suite: the SDK gist's `Market`, run verbatim under decimal.js (18 digits,
//! `ROUND_CEIL`) and ethers v4 BigNumber.
//!
//! A case passes when its `expected.ok` is reproduced exactly (integers as strings, JS Numbers
//! as f64, `"NaN"`/`"Infinity"` for non-finite ones), or its `expected.error.kind` is the kind
//! returned; the iterating methods must also match `iterations`.

use std::path::Path;

use anyhow::{Context, Result, bail};
use notional::NotionalError;
use notional::gist::{self, BigInt, CashGroup, Market, MarketData, RateParams, convert};
use serde_json::{Value, json};

use crate::runner::{FileReport, Suite};

pub(crate) const SUITE: Suite = Suite {
    name: "notional-gist",
    run_file,
};

fn run_file(path: &Path) -> Result<FileReport> {
    let text = std::fs::read_to_string(path)?;
    let doc: Value = serde_json::from_str(&text).context("vectors.json is not JSON")?;
    let vectors = doc["vectors"].as_array().context("no `vectors` array")?;
    let mut report = FileReport::default();
    let mut iterations = (0u64, 0u64);
    for v in vectors {
        let id = v["id"].as_str().unwrap_or("?").to_owned();
        match run_case(v) {
            Ok((got, n)) => {
                if let Some(n) = n {
                    iterations.0 += u64::from(n);
                    iterations.1 += 1;
                }
                let expected = &v["expected"];
                if matches(expected, &got) {
                    report.passed += 1;
                } else {
                    report.fail(id, expected, got);
                }
            }
            Err(e) => report.fail(id, "a runnable case", format!("{e:#}")),
        }
    }
    if iterations.1 > 0 {
        let mean = iterations.0 as f64 / iterations.1 as f64;
        report.notes.push(format!(
            "iterateRates: {} converged quotes, {mean:.2} iterations on average",
            iterations.1
        ));
    }
    Ok(report)
}

/// Whether `got` (the same shape as `expected`) matches.
fn matches(expected: &Value, got: &Value) -> bool {
    if let Some(kind) = expected.pointer("/error/kind") {
        if got.pointer("/error/kind") != Some(kind) {
            return false;
        }
    } else {
        let (e, g) = (&expected["ok"], &got["ok"]);
        let same = match (e, g) {
            (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
            _ => e == g,
        };
        if !same {
            return false;
        }
    }
    expected
        .get("iterations")
        .is_none_or(|n| got.get("iterations") == Some(n))
}

fn int(v: &Value, name: &str) -> Result<BigInt> {
    match &v[name] {
        Value::String(s) => s.parse().with_context(|| format!("{name}: not an integer")),
        Value::Number(n) => n
            .to_string()
            .parse()
            .with_context(|| format!("{name}: not an integer")),
        _ => bail!("missing integer argument {name}"),
    }
}

fn num(v: &Value, name: &str) -> Result<f64> {
    v[name]
        .as_f64()
        .with_context(|| format!("missing number argument {name}"))
}

/// A JS Number as the vectors write it.
fn number(x: f64) -> Value {
    if x.is_nan() {
        json!("NaN")
    } else if x.is_infinite() {
        json!(if x > 0.0 { "Infinity" } else { "-Infinity" })
    } else {
        json!(x)
    }
}

fn error(e: &NotionalError) -> Value {
    json!({"kind": e.kind(), "message": e.to_string()})
}

fn outcome<T>(r: notional::Result<T>, ok: impl FnOnce(T) -> Value) -> Value {
    match r {
        Ok(v) => json!({ "ok": ok(v) }),
        Err(e) => json!({ "error": error(&e) }),
    }
}

/// An integer result as the vectors write it: a decimal string.
fn big(r: notional::Result<BigInt>) -> Value {
    outcome(r, |b| json!(b.to_string()))
}

/// A JS Number result.
fn js(r: notional::Result<f64>) -> Value {
    outcome(r, number)
}

/// A string result.
fn text(r: notional::Result<String>) -> Value {
    outcome(r, |s| json!(s))
}

/// The `precision` argument, 4 when absent.
fn precision(a: &Value, name: &str) -> Result<u32> {
    Ok(a.get(name)
        .and_then(Value::as_u64)
        .map_or(Ok(4), u32::try_from)?)
}

/// Runs one vector; the result has the shape of `expected`, and the iteration count if any.
fn run_case(v: &Value) -> Result<(Value, Option<u32>)> {
    let method = v["method"].as_str().context("no method")?;
    if v["static"].as_bool() == Some(true) {
        return Ok((run_static(method, &v["args"])?, None));
    }
    run_market(method, v)
}

/// A static method of the gist's `Market` (`notional::gist::convert`).
fn run_static(method: &str, a: &Value) -> Result<Value> {
    let p = convert::RATE_PRECISION;
    let got = match method {
        "formatImpliedRate" => text(convert::format_implied_rate(
            num(a, "rate")?,
            p,
            precision(a, "precision")?,
        )),
        "formatExchangeRate" => text(convert::format_exchange_rate(
            num(a, "rate")?,
            p,
            precision(a, "precision")?,
        )),
        "periodToAnnualRate" => js(Ok(convert::period_to_annual_rate(
            num(a, "impliedPeriodRate")?,
            num(a, "maturityLength")?,
        ))),
        "annualToPeriodRate" => js(Ok(convert::annual_to_period_rate(
            num(a, "annualizedRate")?,
            num(a, "maturityLength")?,
        ))),
        "exchangeToPeriodRate" => js(convert::exchange_to_period_rate(
            num(a, "exchangeRate")?,
            num(a, "blockTime")?,
            num(a, "maturityLength")?,
            num(a, "maturity")?,
            p,
        )),
        "periodToExchangeRate" => js(convert::period_to_exchange_rate(
            num(a, "impliedPeriodRate")?,
            num(a, "blockTime")?,
            num(a, "maturityLength")?,
            num(a, "maturity")?,
            p,
        )),
        "impliedPeriodRate" => js(convert::implied_period_rate(
            &int(a, "fCashAmount")?,
            &int(a, "cashAmount")?,
            num(a, "maturityLength")?,
            num(a, "maturity")?,
            num(a, "blockTime")?,
            p,
        )),
        "exchangeRate" => js(convert::exchange_rate(
            &int(a, "fCashAmount")?,
            &int(a, "cashAmount")?,
            p,
        )),
        "fCashFromExchangeRate" => big(convert::fcash_from_exchange_rate(
            num(a, "exchangeRate")?,
            &int(a, "cash")?,
            p,
        )),
        "cashFromExchangeRate" => big(convert::cash_from_exchange_rate(
            num(a, "exchangeRate")?,
            &int(a, "fCash")?,
            p,
        )),
        other => bail!("unknown static method {other}"),
    };
    Ok(got)
}

/// A method of a `Market` built from the vector's market, rate parameters, cash group and
/// maturity.
fn run_market(method: &str, v: &Value) -> Result<(Value, Option<u32>)> {
    let a = &v["args"];
    let market = Market::new(
        serde_json::from_value::<MarketData>(v["market"].clone()).context("market")?,
        serde_json::from_value::<RateParams>(v["rateParams"].clone()).context("rateParams")?,
        serde_json::from_value::<CashGroup>(v["cashGroup"].clone()).context("cashGroup")?,
        num(v, "maturity")?,
    );
    let t = || num(a, "blockTime");
    let got = match method {
        "marketExchangeRate" => js(market.market_exchange_rate(t()?)),
        "marketImpliedRate" => js(market.market_implied_rate(t()?)),
        "getfCashToCurrentCashInput" => {
            big(market.fcash_to_current_cash_input(&int(a, "fCashAmount")?, t()?))
        }
        "getCurrentCashTofCashOutput" => {
            big(market.current_cash_to_fcash_output(&int(a, "fCashAmount")?, t()?))
        }
        "getfCashToCurrentCashOutput" | "getCurrentCashTofCashInput" => {
            let is_buy = method == "getfCashToCurrentCashOutput";
            let gist::IterationReport { result, iterations } =
                market.iterate_rates(&int(a, "cashAmount")?, t()?, is_buy);
            let mut got = big(result);
            got["iterations"] = json!(iterations);
            let converged = got.get("ok").is_some().then_some(iterations);
            return Ok((got, converged));
        }
        "getLiquidityTokenClaims" => outcome(
            market.liquidity_token_claims(
                &int(a, "tokens")?,
                a["shouldHaircut"].as_bool().unwrap_or(true),
                num(a, "nowSeconds")?,
            ),
            |c| json!({"cashClaim": c.cash_claim.to_string(), "fCashClaim": c.fcash_claim.to_string()}),
        ),
        "getTokensMinted" => big(market.tokens_minted(&int(a, "cashAmount")?)),
        "getPoolShare" => text(market.pool_share(
            &int(a, "tokens")?,
            a["calculatePostAdd"].as_bool().unwrap_or(false),
        )),
        "getfCashForLiquidity" => big(market.fcash_for_liquidity(&int(a, "cashAmount")?)),
        "getImpliedRatePostLiquidity" => {
            let fcash = if a.get("fCashAmount").is_some() {
                Some(int(a, "fCashAmount")?)
            } else {
                None
            };
            js(market.implied_rate_post_liquidity(&int(a, "cashAmount")?, t()?, fcash.as_ref()))
        }
        other => bail!("unknown method {other}"),
    };
    Ok((got, None))
}
