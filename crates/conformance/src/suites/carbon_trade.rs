//! The `carbon-trade` suite: the contracts' own trade results (`implReturn`), exactly, for
//! orders built from decimal strings as the contracts' test utility builds them.
//!
//! Also reported: the largest relative gap between `implReturn` and `specReturn`, the
//! exact-real value, which shows how much the contract's integer rounding gives away.

use std::path::Path;

use anyhow::{Context, Result};
use carbon_orders::EncodedOrder;
use serde::Deserialize;

use crate::runner::{FileReport, Suite};

pub(crate) const SUITE: Suite = Suite {
    name: "carbon-trade",
    run_file,
};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Case {
    liquidity: String,
    lowest_rate: String,
    highest_rate: String,
    marginal_rate: String,
    trade_by: String,
    input_amount: String,
    impl_return: String,
    spec_return: String,
}

fn run_case(case: &Case) -> Result<u128> {
    let order = EncodedOrder::from_rates(
        &case.liquidity,
        &case.lowest_rate,
        &case.highest_rate,
        &case.marginal_rate,
    )?;
    let x: u128 = case.input_amount.parse().context("inputAmount")?;
    Ok(match case.trade_by.as_str() {
        "SourceAmount" => order.target_amount(x)?,
        "TargetAmount" => order.source_amount(x)?,
        other => anyhow::bail!("unknown tradeBy `{other}`"),
    })
}

fn run_file(path: &Path) -> Result<FileReport> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let cases: Vec<Case> = serde_json::from_str(&text).context("not a list of trade cases")?;
    let mut report = FileReport::default();
    let mut worst_gap = 0.0_f64;
    for (i, case) in cases.iter().enumerate() {
        let id = format!("case {i} ({} {})", case.trade_by, case.input_amount);
        match run_case(case) {
            Ok(got) if got.to_string() == case.impl_return => {
                report.passed += 1;
                // Relative gaps mean little below one wei of exact value.
                if let Ok(spec) = case.spec_return.parse::<f64>()
                    && spec >= 1.0
                {
                    let gap = (got as f64 - spec).abs() / spec;
                    worst_gap = worst_gap.max(gap);
                }
            }
            Ok(got) => report.fail(id, &case.impl_return, got),
            Err(e) => report.fail(id, &case.impl_return, format!("error: {e:#}")),
        }
    }
    report.notes.push(format!(
        "largest relative gap between implReturn and specReturn (where specReturn ≥ 1): {worst_gap:.3e}"
    ));
    Ok(report)
}
