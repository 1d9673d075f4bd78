//! The `carbon-ui` suite: the CarbonOrderUI notebook's stored outputs (float orders built with
//! `from_prices`), and the `selly` case of the simulator's OrderUI notebook.
//!
//! For each order, `B`, `S`, every printed property and every `xfromy` row (with the invariant
//! `sqrt((x − xasym)(y − yasym))` and its square, computed as the notebook does) must agree with
//! the stored float to a relative 1e-12; each value is one case, and the report counts how many
//! are bit-identical. `nbtest050_selly` passes when the trade's figures, rounded to 4 decimals,
//! are the expected ones and the linked order received `dx`, its capacity expanded to its
//! new holding.

use std::path::Path;

use anyhow::{Context, Result, bail};
use carbon_orders::{CarbonOrderUi, Pair, SellOptions, StrategyUi};
use serde_json::{Map, Value};

use crate::runner::{FileReport, Suite};

pub(crate) const SUITE: Suite = Suite {
    name: "carbon-ui",
    run_file,
};

/// Relative tolerance of a float value.
const REL: f64 = 1e-12;

#[derive(Default)]
struct Tally {
    checked: usize,
    identical: usize,
}

fn num(v: &Value, key: &str) -> Result<f64> {
    v.get(key)
        .and_then(Value::as_f64)
        .with_context(|| format!("missing number `{key}`"))
}

fn text<'a>(v: &'a Value, key: &str) -> Result<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .with_context(|| format!("missing string `{key}`"))
}

fn compare(report: &mut FileReport, tally: &mut Tally, case: &str, want: f64, got: f64) {
    tally.checked += 1;
    if got.to_bits() == want.to_bits() {
        tally.identical += 1;
        report.passed += 1;
    } else if (got - want).abs() <= REL * want.abs() {
        report.passed += 1;
    } else {
        report.fail(case, format!("{want:?}"), format!("{got:?}"));
    }
}

/// The order's value of a printed property (the notebook's label: `p_min` is `pmin`).
fn property(o: &CarbonOrderUi, label: &str) -> Option<f64> {
    Some(match label {
        "p_start" => o.p_start(),
        "p_end" => o.p_end(),
        "p0" => o.p0(),
        "pa_raw" => o.pa_raw(),
        "pb_raw" => o.pb_raw(),
        "p0_raw" => o.p0_raw(),
        "p_min" => o.pmin(),
        "p_max" => o.pmax(),
        "yint" => o.yint(),
        "xint" => o.xint(),
        "y0" => o.y0(),
        "x0" => o.x0(),
        "widthpc" => o.widthpc(),
        "widthr" => o.widthr(),
        "Gamma" => o.gamma(),
        "Q" => o.q(),
        "yasym" => o.yasym(),
        "xasym" => o.xasym(),
        "leverage_fctr" => o.leverage_fctr(),
        "kappa" => o.kappa(),
        "kappa_bar" => o.kappa_bar(),
        _ => return None,
    })
}

fn run_case(case: &Value, report: &mut FileReport, tally: &mut Tally) -> Result<()> {
    let fp = case.get("from_prices").context("no from_prices")?;
    let pair = Pair::parse(text(fp, "pair")?)?;
    let tkn = text(fp, "tkn")?;
    let id = format!("{} selling {tkn}", pair);
    let o = CarbonOrderUi::from_prices(
        &pair,
        tkn,
        num(fp, "pa")?,
        num(fp, "pb")?,
        num(fp, "yint")?,
        num(fp, "y")?,
    )?;
    if o.pair().to_string() != text(case, "pair")? || o.tkn() != text(case, "tkn")? {
        bail!("the order is on {} selling {}", o.pair(), o.tkn());
    }
    compare(report, tally, &format!("{id}: B"), num(case, "B")?, o.b());
    compare(report, tally, &format!("{id}: S"), num(case, "S")?, o.s());
    compare(
        report,
        tally,
        &format!("{id}: yint"),
        num(case, "yint")?,
        o.yint(),
    );
    compare(report, tally, &format!("{id}: y"), num(case, "y")?, o.y());
    let props: &Map<String, Value> = case
        .get("props")
        .and_then(Value::as_object)
        .context("no props")?;
    for (label, want) in props {
        let name = format!("{id}: {label}");
        if label == "reverseq" {
            let want = want.as_bool().context("reverseq is not a bool")?;
            if want == o.reverseq() {
                report.passed += 1;
            } else {
                report.fail(name, want, o.reverseq());
            }
            continue;
        }
        let want = want
            .as_f64()
            .with_context(|| format!("property `{label}` is not a number"))?;
        match property(&o, label) {
            Some(got) => compare(report, tally, &name, want, got),
            None => report.fail(name, want, "no such property"),
        }
    }
    let rows = case
        .get("xfromy")
        .and_then(Value::as_array)
        .context("no xfromy rows")?;
    for row in rows {
        let y = num(row, "y")?;
        let x = o.xfromy_f(y)?;
        // The notebook's check: f2 = (x − xasym)(y − yasym), f = sqrt(f2).
        let f2 = (x - o.xasym()) * (y - o.yasym());
        let f = f2.sqrt();
        compare(
            report,
            tally,
            &format!("{id}: xfromy_f({y:?})"),
            num(row, "x")?,
            x,
        );
        compare(
            report,
            tally,
            &format!("{id}: kappa_bar from xfromy_f({y:?})"),
            num(row, "kappa_bar_from_xy")?,
            f,
        );
        compare(
            report,
            tally,
            &format!("{id}: kappa from xfromy_f({y:?})"),
            num(row, "kappa_from_xy")?,
            f2,
        );
    }
    Ok(())
}

fn round4(v: f64) -> String {
    format!("{v:.4}")
}

/// NBTest 050: `add_strategy('ETH', 1, 2000, 2500, 750, 1250, 1000)`, then `selly(0.5)` on
/// the first order.
fn run_selly(case: &Value, report: &mut FileReport) -> Result<()> {
    let pair = Pair::parse("ETH/USDC")?;
    let o0 = case.get("order0").context("no order0")?;
    let o1 = case.get("linked_order1").context("no linked_order1")?;
    let first = CarbonOrderUi::from_prices(
        &pair,
        text(o0, "tkn")?,
        num(o0, "pa")?,
        num(o0, "pb")?,
        num(o0, "yint")?,
        num(o0, "y")?,
    )?;
    let second = CarbonOrderUi::from_prices(
        &pair,
        text(o1, "tkn")?,
        num(o1, "pa")?,
        num(o1, "pb")?,
        num(o1, "yint")?,
        num(o1, "y")?,
    )?;
    let strategy = StrategyUi::new(first, second)?;
    // The setup line's add_strategy builds the same two orders.
    let added = StrategyUi::from_prices(&pair, "ETH", 1., 2000., 2500., 750., 1250., 1000.)?;
    if added != strategy {
        bail!("add_strategy's orders differ from order0 and linked_order1");
    }
    let (after, trade) = strategy.selly(0, num(case, "dy")?, SellOptions::default())?;
    let expect = case
        .get("expect_round4")
        .and_then(Value::as_object)
        .context("no expect_round4")?;
    for (key, want) in expect {
        let want = want.as_f64().context("not a number")?;
        let got = match key.as_str() {
            "x" => trade.x,
            "dx" => trade.dx,
            "pmarg_old" => trade.pmarg_old,
            "pmarg" => trade.pmarg,
            "dx/dy" => trade.dx_per_dy().context("dy = 0")?,
            other => bail!("unknown expected key `{other}`"),
        };
        let name = format!("nbtest050_selly: {key}");
        if round4(got) == round4(want) {
            report.passed += 1;
        } else {
            report.fail(name, round4(want), round4(got));
        }
    }
    let linked = trade.linked.as_ref().context("no linked result")?;
    let second_after = &after.orders()[1];
    let want_y = num(o1, "y")? + trade.dx;
    let ok = linked.dy.to_bits() == trade.dx.to_bits()
        && linked.expanded
        && second_after.y().to_bits() == want_y.to_bits()
        && second_after.yint().to_bits() == want_y.to_bits();
    if ok {
        report.passed += 1;
    } else {
        report.fail(
            "nbtest050_selly: linked order receives dx",
            format!("y = yint = {want_y:?}"),
            format!(
                "y = {:?}, yint = {:?}",
                second_after.y(),
                second_after.yint()
            ),
        );
    }
    Ok(())
}

fn run_file(path: &Path) -> Result<FileReport> {
    let raw =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let file: Value = serde_json::from_str(&raw).context("not JSON")?;
    let mut report = FileReport::default();
    let mut tally = Tally::default();
    let cases = file
        .get("cases")
        .and_then(Value::as_array)
        .context("no cases")?;
    for (i, case) in cases.iter().enumerate() {
        if let Err(e) = run_case(case, &mut report, &mut tally) {
            report.fail(
                format!("case {i}"),
                "a runnable case",
                format!("error: {e:#}"),
            );
        }
    }
    match file.get("nbtest050_selly") {
        Some(case) => {
            if let Err(e) = run_selly(case, &mut report) {
                report.fail(
                    "nbtest050_selly",
                    "a runnable case",
                    format!("error: {e:#}"),
                );
            }
        }
        None => report.fail("nbtest050_selly", "the case", "missing"),
    }
    report.notes.push(format!(
        "{} of {} float values bit-identical with the notebook's",
        tally.identical, tally.checked
    ));
    Ok(report)
}
