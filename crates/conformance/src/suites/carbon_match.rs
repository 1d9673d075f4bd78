//! The `carbon-match` suite: carbon-sdk's matching tests. Each case builds its orders with
//! `EncodedOrder::from_rates` (ids are their positions), matches the amount by source or by
//! target with `Fidelity::Faithful` (the SDK's own answer), and passes when both the `Fast` and the `Best` action lists equal the expected ones
//! exactly (ids, inputs, outputs, order).

use std::path::Path;

use anyhow::{Context, Result, bail};
use carbon_orders::{EncodedOrder, Fidelity, MatchAction, TradeBy, match_amount};
use serde::Deserialize;

use crate::runner::{FileReport, Suite};

pub(crate) const SUITE: Suite = Suite {
    name: "carbon-match",
    run_file,
};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Order {
    liquidity: String,
    lowest_rate: String,
    highest_rate: String,
    marginal_rate: String,
}

#[derive(Deserialize)]
struct Action {
    id: String,
    input: String,
    output: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Actions {
    fast: Vec<Action>,
    best: Vec<Action>,
}

#[derive(Deserialize)]
struct Case {
    method: String,
    amount: String,
    orders: Vec<Order>,
    actions: Actions,
}

fn show(actions: impl Iterator<Item = (String, String, String)>) -> String {
    actions
        .map(|(id, i, o)| format!("{id}:{i}->{o}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn expected(list: &[Action]) -> String {
    show(
        list.iter()
            .map(|a| (a.id.clone(), a.input.clone(), a.output.clone())),
    )
}

fn got(list: &[MatchAction]) -> String {
    show(
        list.iter()
            .map(|a| (a.id.to_string(), a.input.to_string(), a.output.to_string())),
    )
}

fn run_case(case: &Case) -> Result<(String, String)> {
    let orders = case
        .orders
        .iter()
        .map(|o| {
            EncodedOrder::from_rates(
                &o.liquidity,
                &o.lowest_rate,
                &o.highest_rate,
                &o.marginal_rate,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let amount: u128 = case.amount.parse().context("amount")?;
    let options = match case.method.as_str() {
        "matchBySourceAmount" => {
            match_amount(amount, &orders, TradeBy::SourceAmount, Fidelity::Faithful)
        }
        "matchByTargetAmount" => {
            match_amount(amount, &orders, TradeBy::TargetAmount, Fidelity::Faithful)
        }
        other => bail!("unknown method `{other}`"),
    };
    let want = format!(
        "Fast[{}] Best[{}]",
        expected(&case.actions.fast),
        expected(&case.actions.best)
    );
    let have = format!("Fast[{}] Best[{}]", got(&options.fast), got(&options.best));
    Ok((want, have))
}

fn run_file(path: &Path) -> Result<FileReport> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let cases: Vec<Case> = serde_json::from_str(&text).context("not a list of match cases")?;
    let mut report = FileReport::default();
    for (i, case) in cases.iter().enumerate() {
        let id = format!("case {i} ({}, {} orders)", case.method, case.orders.len());
        match run_case(case) {
            Ok((want, have)) if want == have => report.passed += 1,
            Ok((want, have)) => report.fail(id, want, have),
            Err(e) => report.fail(id, "a runnable case", format!("error: {e:#}")),
        }
    }
    Ok(report)
}
