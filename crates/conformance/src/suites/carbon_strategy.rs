//! The `carbon-strategy` suite: the contracts' strategy trade templates. Each template is a
//! set of strategies, a list of trade actions (by source or by target) and the expected
//! orders and totals (before fees) afterwards.
//!
//! `tradeTestDataForge.json` gives orders encoded (`y, z, A, B`), compared exactly.
//! `tradeTestDataHardhat.json` gives them decoded (liquidity and rates as decimal strings, with
//! each order's `token`); orders are built with `EncodedOrder::from_rates`, and afterwards the
//! liquidity must be equal and the three rates equal `decodeOrder`'s, printed to 12 decimals.
//! The order that sells the target token is the traded one: in the hardhat file the one whose
//! `token` is the template's `targetSymbol`, in the forge file (which names no tokens) order 1,
//! as in its hardhat twin. A template is one case.

use std::path::Path;

use anyhow::{Context, Result, bail};
use carbon_orders::{EncodedOrder, FeePpm, Strategy, TradeAction, TradeBy, trade};
use serde_json::{Map, Value};

use crate::runner::{FieldDiffs, FileReport, Suite};

pub(crate) const SUITE: Suite = Suite {
    name: "carbon-strategy",
    run_file,
};

fn s<'a>(v: &'a Value, key: &str) -> Result<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .with_context(|| format!("missing string `{key}`"))
}

fn int<T: std::str::FromStr>(v: &Value, key: &str) -> Result<T> {
    s(v, key)?
        .parse()
        .map_err(|_| anyhow::anyhow!("`{key}` is not an integer"))
}

fn encoded(v: &Value) -> Result<EncodedOrder> {
    Ok(EncodedOrder {
        y: int(v, "y")?,
        z: int(v, "z")?,
        a: int(v, "A")?,
        b: int(v, "B")?,
    })
}

fn decoded(v: &Value) -> Result<EncodedOrder> {
    Ok(EncodedOrder::from_rates(
        s(v, "liquidity")?,
        s(v, "lowestRate")?,
        s(v, "highestRate")?,
        s(v, "marginalRate")?,
    )?)
}

/// The strategy index of an id `poolId << 128 | index` (indices start at 1).
fn strategy_index(id: &str) -> Result<usize> {
    let hex = id.strip_prefix("0x").context("strategy id without 0x")?;
    let low = &hex[hex.len().saturating_sub(32)..];
    let index = u128::from_str_radix(low, 16).context("strategy id")?;
    usize::try_from(index)
        .ok()
        .and_then(|i| i.checked_sub(1))
        .context("strategy index 0")
}

fn run_template(template: &Value, diffs: &mut FieldDiffs) -> Result<()> {
    let list = template
        .get("strategies")
        .and_then(Value::as_array)
        .context("no strategies")?;
    let by_target = template
        .get("byTargetAmount")
        .and_then(Value::as_bool)
        .context("no byTargetAmount")?;
    let target_symbol = template.get("targetSymbol").and_then(Value::as_str);
    let (mut strategies, target) = build_strategies(list, target_symbol)?;
    let actions = template
        .get("tradeActions")
        .and_then(Value::as_array)
        .context("no tradeActions")?
        .iter()
        .map(|a| {
            Ok(TradeAction {
                strategy: strategy_index(s(a, "strategyId")?)?,
                amount: int(a, "amount")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let by = if by_target {
        TradeBy::TargetAmount
    } else {
        TradeBy::SourceAmount
    };
    // Totals are compared before fees, so no fee and no limit.
    let no_limit = if by_target { u128::MAX } else { 0 };
    let totals = trade(
        &mut strategies,
        target,
        &actions,
        by,
        FeePpm::ZERO,
        no_limit,
    )?;
    let mut check = |field: String, expected: &str, got: String| {
        if expected != got {
            diffs.push(&field, expected, got);
        }
    };
    check(
        "sourceAmount".into(),
        s(template, "sourceAmount")?,
        totals.source_before_fee.to_string(),
    );
    check(
        "targetAmount".into(),
        s(template, "targetAmount")?,
        totals.target_before_fee.to_string(),
    );
    compare_orders(list, &strategies, &mut check)
}

/// The template's strategies, and the index of the order that sells the target token (the
/// one whose token is `targetSymbol`; order 1 when the file names no tokens).
fn build_strategies(list: &[Value], target_symbol: Option<&str>) -> Result<(Vec<Strategy>, usize)> {
    let mut strategies = Vec::new();
    let mut target = 1;
    for st in list {
        let orders = st
            .get("orders")
            .and_then(Value::as_array)
            .context("no orders")?;
        if orders.len() != 2 {
            bail!("a strategy has {} orders", orders.len());
        }
        let build = |o: &Value| {
            if o.get("y").is_some() {
                encoded(o)
            } else {
                decoded(o)
            }
        };
        if let Some(sym) = target_symbol {
            target = usize::from(orders[0].get("token").and_then(Value::as_str) != Some(sym));
        }
        strategies.push(Strategy {
            orders: [build(&orders[0])?, build(&orders[1])?],
        });
    }
    Ok((strategies, target))
}

/// Every order after the trade against the template's: encoded `y, z, A, B` (forge file), or
/// liquidity and the three rates to 12 decimals (hardhat file).
fn compare_orders(
    list: &[Value],
    strategies: &[Strategy],
    check: &mut impl FnMut(String, &str, String),
) -> Result<()> {
    for (i, (st, got)) in list.iter().zip(strategies).enumerate() {
        let orders = st
            .get("orders")
            .and_then(Value::as_array)
            .context("orders")?;
        let expected_encoded = st.get("expectedOrders").and_then(Value::as_array);
        for (k, got) in got.orders.iter().enumerate() {
            let field = |name: &str| format!("strategy {i} order {k} {name}");
            if let Some(exp) = expected_encoded {
                let e = exp.get(k).context("expectedOrders")?;
                check(field("y"), s(e, "y")?, got.y.to_string());
                check(field("z"), s(e, "z")?, got.z.to_string());
                check(field("A"), s(e, "A")?, got.a.to_string());
                check(field("B"), s(e, "B")?, got.b.to_string());
            } else {
                let e = orders[k].get("expected").context("no expected order")?;
                check(field("liquidity"), s(e, "liquidity")?, got.y.to_string());
                check(
                    field("lowestRate"),
                    s(e, "lowestRate")?,
                    got.lowest_rate()?.to_decimal_string(12)?,
                );
                check(
                    field("highestRate"),
                    s(e, "highestRate")?,
                    got.highest_rate()?.to_decimal_string(12)?,
                );
                check(
                    field("marginalRate"),
                    s(e, "marginalRate")?,
                    got.marginal_rate()?.to_decimal_string(12)?,
                );
            }
        }
    }
    Ok(())
}

fn run_file(path: &Path) -> Result<FileReport> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let root: Map<String, Value> = serde_json::from_str(&text).context("not a JSON object")?;
    let mut report = FileReport::default();
    for (name, template) in &root {
        let mut diffs = FieldDiffs::default();
        match run_template(template, &mut diffs) {
            Ok(()) => diffs.finish(name.clone(), &mut report),
            Err(e) => report.fail(name.clone(), "a runnable template", format!("{e:#}")),
        }
    }
    Ok(report)
}
