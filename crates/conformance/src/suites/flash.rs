//! The `flash` suite: the Flash V3 notebook's `swap`, `amm_arb_calc` and `p_flash_to_stake`
//! under Python's `Decimal` (28 significant digits, `ROUND_HALF_EVEN`).
//!
//! A value passes when it equals the expected one or is within one unit of its 28th
//! significant digit; a case passes when all its values do, or when it expects a Python
//! exception and gets the error that stands for it ([`error_matches`]).

use std::path::Path;
use std::str::FromStr;

use anyhow::{Context, Result, bail};
use cp_amm::CpAmmError;
use rust_decimal::Decimal;
use serde_json::{Map, Value};
use tokensim_models::flash::{self, Liquidity};
use tokensim_models::{Fidelity, ModelError};

use super::decimal::{Dec, ulps};
use crate::runner::{FieldDiffs, FileReport, Suite};

pub(crate) const SUITE: Suite = Suite {
    name: "flash",
    run_file,
};

/// The mapping from the Python exception a vector expects to our error kinds, made explicit.
fn error_matches(python: &str, got: &ModelError) -> Option<bool> {
    Some(match python {
        "DivisionByZero" => matches!(got, ModelError::Amm(CpAmmError::DivisionByZero { .. })),
        "InvalidOperation" => matches!(
            got,
            ModelError::Amm(CpAmmError::NegativeSqrt { .. } | CpAmmError::InvalidOperation { .. })
        ),
        "UnboundLocalError" => matches!(got, ModelError::NoStakeOpportunity { .. }),
        _ => return None,
    })
}

/// Exactness figures over every compared value of a file.
#[derive(Default)]
struct Tally {
    values: usize,
    exact: usize,
    same_string: usize,
    worst: f64,
}

/// Compares the values of one case; collects mismatches as `field: expected` / `field: got`.
#[derive(Default)]
struct Case {
    diffs: FieldDiffs,
}

impl Case {
    fn value(&mut self, tally: &mut Tally, field: &str, expected: &str, got: Decimal) {
        let got_s = got.to_string();
        let gap = Dec::parse(expected)
            .zip(Dec::parse(&got_s))
            .and_then(|(e, g)| ulps(e, g, 28));
        tally.values += 1;
        match gap {
            Some(u) if u <= 1.0 => {
                if u == 0.0 {
                    tally.exact += 1;
                }
                if got_s == expected {
                    tally.same_string += 1;
                }
                tally.worst = tally.worst.max(u);
            }
            _ => self.diffs.push(field, expected, got_s),
        }
    }
}

fn s<'a>(v: &'a Value, key: &str) -> Result<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .with_context(|| format!("missing string field `{key}`"))
}

/// An input value, which must be a decimal rust_decimal holds exactly.
fn parse_input(text: &str) -> Result<Decimal> {
    Decimal::from_str_exact(text)
        .or_else(|_| Decimal::from_scientific(text))
        .with_context(|| format!("{text} is not an exact decimal input"))
}

/// The input value under `key`.
fn dec(v: &Value, key: &str) -> Result<Decimal> {
    parse_input(s(v, key)?).with_context(|| format!("field `{key}`"))
}

fn liquidity(v: &Value, key: &str) -> Result<Liquidity> {
    let p = v.get(key).with_context(|| format!("missing `{key}`"))?;
    Ok(Liquidity {
        flash: dec(p, "flash")?,
        alt: dec(p, "alt")?,
    })
}

fn run_file(path: &Path) -> Result<FileReport> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let root: Map<String, Value> = serde_json::from_str(&text).context("not a JSON object")?;
    let mut report = FileReport::default();
    let mut tally = Tally::default();
    let mut groups = 0;
    for (key, value) in &root {
        match key.as_str() {
            "context" => {
                let c = value.as_str().unwrap_or_default();
                if !(c.contains("prec=28") && c.contains("ROUND_HALF_EVEN")) {
                    bail!("context `{c}` is not Python's default (prec=28, ROUND_HALF_EVEN)");
                }
            }
            "swap" | "amm_arb_calc" | "flash_to_stake" => {
                let cases = value
                    .as_array()
                    .with_context(|| format!("`{key}` is not a list"))?;
                groups += 1;
                for (i, case) in cases.iter().enumerate() {
                    let id = format!("{key}[{i}]");
                    let mut c = Case::default();
                    let ran = match key.as_str() {
                        "swap" => swap_case(case, &mut c, &mut tally),
                        "amm_arb_calc" => arb_case(case, &mut c, &mut tally),
                        _ => stake_case(case, &mut c, &mut tally),
                    };
                    if let Err(e) = ran {
                        c.diffs.push("case", "a runnable case", format!("{e:#}"));
                    }
                    c.diffs.finish(id, &mut report);
                }
            }
            "flash_to_stake_seed_initial_state_float_decimals" => {
                report.notes.push(float_state_note(value));
            }
            other if value.is_array() => {
                report.fail(other, "a known case group", "an unknown one");
            }
            other => report.notes.push(format!("ignored metadata key `{other}`")),
        }
    }
    if groups == 0 {
        bail!("no case groups (swap, amm_arb_calc, flash_to_stake) in the file");
    }
    report.notes.insert(
        0,
        format!(
            "values: {} compared, {} exact, {} within one unit of the 28th digit; {} print the same string; worst gap {} units",
            tally.values,
            tally.exact,
            tally.values - tally.exact,
            tally.same_string,
            tally.worst
        ),
    );
    Ok(report)
}

fn swap_case(v: &Value, c: &mut Case, tally: &mut Tally) -> Result<()> {
    let input = v
        .get("in")
        .and_then(Value::as_array)
        .context("missing `in`")?;
    let out = v
        .get("out")
        .and_then(Value::as_array)
        .context("missing `out`")?;
    let num = |a: &Value| parse_input(a.as_str().context("not a string")?);
    if input.len() != 3 || out.len() != 3 {
        bail!("`in` and `out` must hold three values");
    }
    let (a, x, y) = (num(&input[0])?, num(&input[1])?, num(&input[2])?);
    let got = flash::swap(a, x, y).map_err(anyhow::Error::from)?;
    let names = ["output_amount", "updated_input", "updated_output"];
    for (i, g) in [got.0, got.1, got.2].into_iter().enumerate() {
        c.value(tally, names[i], out[i].as_str().context("not a string")?, g);
    }
    Ok(())
}

fn arb_case(v: &Value, c: &mut Case, tally: &mut Tally) -> Result<()> {
    let (token, amount) = flash::amm_arb_calc(liquidity(v, "ext")?, liquidity(v, "int")?)?;
    let want = s(v, "input_token")?;
    if token.name() != want {
        c.diffs.push("input_token", want, token.name());
    }
    c.value(tally, "input_amount", s(v, "input_amount")?, amount);
    Ok(())
}

fn stake_case(v: &Value, c: &mut Case, tally: &mut Tally) -> Result<()> {
    let ext = Liquidity {
        flash: dec(v, "ext_flash")?,
        alt: dec(v, "ext_alt")?,
    };
    let (fpy, m_apy) = (dec(v, "fpy")?, dec(v, "m_apy")?);
    let px_1 = cp_amm::math::spot_price(ext.flash, ext.alt)?;
    c.value(tally, "px_1", s(v, "px_1")?, px_1);
    let faithful = flash::p_flash_to_stake(Fidelity::Faithful, m_apy, fpy, ext);
    if let Some(err) = v.get("error") {
        let name = err.as_str().context("`error` is not a string")?;
        match &faithful {
            Err(e) => match error_matches(name, e) {
                Some(true) => {}
                Some(false) => c.diffs.push("error", name, e),
                None => bail!("no mapping for the Python exception `{name}`"),
            },
            Ok(r) => c.diffs.push("error", name, format!("Ok({r:?})")),
        }
        return Ok(());
    }
    match faithful {
        Ok(r) => {
            c.value(tally, "fl_2", s(v, "fl_2")?, r.fl_2);
            c.value(tally, "flash_needed", s(v, "flash_needed")?, r.flash_needed);
            c.value(
                tally,
                "flash_to_stake",
                s(v, "flash_to_stake")?,
                r.flash_to_stake,
            );
        }
        Err(e) => c.diffs.push("fl_2", s(v, "fl_2")?, e),
    }
    if let Some(want) = v.get("cp_correct_fl_2").and_then(Value::as_str) {
        match flash::p_flash_to_stake(Fidelity::Corrected, m_apy, fpy, ext) {
            Ok(r) => c.value(tally, "cp_correct_fl_2", want, r.fl_2),
            Err(e) => c.diffs.push("cp_correct_fl_2", want, e),
        }
    }
    Ok(())
}

/// The notebook's own initial state builds `Decimal(0.01)` and `Decimal(0.1)` from floats (55
/// and 57 significant digits). rust_decimal holds 28 places, so this is reported, not counted:
/// it measures what that loses.
fn float_state_note(v: &Value) -> String {
    let run = || -> Result<String> {
        let m_apy = Decimal::from_str(s(v, "market_apy")?)?;
        let fpy = Decimal::from_str(s(v, "mint_rate")?)?;
        let ext = Liquidity {
            flash: Decimal::from(100_000),
            alt: Decimal::from(100_000),
        };
        let r = flash::p_flash_to_stake(Fidelity::Faithful, m_apy, fpy, ext)?;
        let mut parts = Vec::new();
        for (field, got) in [
            ("fl_2", r.fl_2),
            ("flash_needed", r.flash_needed),
            ("flash_to_stake", r.flash_to_stake),
        ] {
            let gap = Dec::parse(s(v, field)?)
                .zip(Dec::parse(&got.to_string()))
                .and_then(|(e, g)| ulps(e, g, 28));
            parts.push(match gap {
                Some(u) => format!("{field} {u} units off"),
                None => format!("{field} far off"),
            });
        }
        Ok(parts.join(", "))
    };
    match run() {
        Ok(s) => format!(
            "note (not a case): the seed's float-built Decimal(0.1), Decimal(0.01), rounded to rust_decimal's 28 places: {s}"
        ),
        Err(e) => {
            format!("note (not a case): the seed's float-built state could not be run: {e:#}")
        }
    }
}
