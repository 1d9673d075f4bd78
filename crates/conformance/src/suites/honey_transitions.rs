//! The `honey-transitions` suite: the Honey model's deterministic step against the authors'
//! stored cadCAD results.
//!
//! For every pair of consecutive rows of one `(simulation, subset, run)`, the later row's
//! `reserve, circulation, netflow, adjustment, target_price, saturation, utility, size,
//! production` are recomputed from the earlier row and the row's parameters by the seed's
//! policies ([`tokensim_models::honey::transition`], faithful options), and must agree to a relative
//! 1e-12 (absolute 1e-9 near zero). `price` is random and is taken from the file.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Result, bail};
use sim_core::{Value, Vars};
use tokensim_models::honey::{self, HoneyOptions, HoneyParams, HoneyState};

use super::records::{Table, close};
use crate::runner::{FileReport, Suite};

pub(crate) const SUITE: Suite = Suite {
    name: "honey-transitions",
    run_file,
};

const CHECKED: [&str; 9] = [
    "reserve",
    "circulation",
    "netflow",
    "adjustment",
    "target_price",
    "saturation",
    "utility",
    "size",
    "production",
];

/// Row numbers by `(simulation, subset, run)`, then by timestep.
type Groups = BTreeMap<(usize, usize, usize), BTreeMap<usize, usize>>;

/// The rows of each `(simulation, subset, run)`, by timestep; a repeated timestep is an error.
fn group_rows(table: &Table) -> Result<Groups> {
    let [sim, subset, run, timestep] =
        ["simulation", "subset", "run", "timestep"].map(|c| table.col(c));
    let (sim, subset, run, timestep) = (sim?, subset?, run?, timestep?);
    let mut groups = Groups::new();
    for row in 0..table.rows.len() {
        let key = (
            table.int(row, sim)?,
            table.int(row, subset)?,
            table.int(row, run)?,
        );
        if groups
            .entry(key)
            .or_default()
            .insert(table.int(row, timestep)?, row)
            .is_some()
        {
            bail!(
                "row {}: a second row for timestep {}",
                row + 1,
                table.int(row, timestep)?
            );
        }
    }
    Ok(groups)
}

/// The checked variables on which `got` is not within a relative 1e-12 (absolute 1e-9) of
/// `want`, as `(name, want, got)`; `worst` keeps the largest relative gap seen.
fn differences(
    want: &HoneyState,
    got: &HoneyState,
    worst: &mut f64,
) -> Vec<(&'static str, f64, f64)> {
    let (want_v, got_v) = (want.values(), got.values());
    let mut bad = Vec::new();
    for name in CHECKED {
        let i = HoneyState::NAMES
            .iter()
            .position(|n| *n == name)
            .unwrap_or(0);
        let (w, g) = (want_v[i].as_f64(), got_v[i].as_f64());
        if w.to_bits() != g.to_bits() && w.abs().max(g.abs()) > 1e-9 {
            *worst = worst.max((w - g).abs() / w.abs().max(g.abs()));
        }
        if !close(w, g, 1e-12, 1e-9) {
            bad.push((name, w, g));
        }
    }
    bad
}

fn run_file(path: &Path) -> Result<FileReport> {
    if path.extension().and_then(|e| e.to_str()) != Some("csv") {
        bail!("not a records file (*.csv)");
    }
    let table = Table::read(path)?;
    let state_cols = HoneyState::NAMES
        .iter()
        .map(|n| table.col(n))
        .collect::<Result<Vec<_>>>()?;
    let param_cols = HoneyParams::NAMES
        .iter()
        .map(|n| table.col(n))
        .collect::<Result<Vec<_>>>()?;
    let groups = group_rows(&table)?;

    let read = |row: usize| -> Result<(HoneyState, HoneyParams)> {
        let mut s = HoneyState::default();
        for (n, &c) in HoneyState::NAMES.iter().zip(&state_cols) {
            s.set(n, Value::F64(table.float(row, c)?))?;
        }
        let mut p = HoneyParams {
            options: HoneyOptions::faithful(),
            ..HoneyParams::default()
        };
        for (n, &c) in HoneyParams::NAMES.iter().zip(&param_cols) {
            p.set(n, Value::F64(table.float(row, c)?))?;
        }
        Ok((s, p))
    };

    let mut report = FileReport::default();
    let mut worst = 0.0f64;
    for ((sm, ss, sr), steps) in &groups {
        for (&t, &row) in steps {
            let Some(&next) = steps.get(&(t + 1)) else {
                continue;
            };
            let case = format!("sim {sm} subset {ss} run {sr} t {t}→{}", t + 1);
            let (prev, params) = read(row)?;
            let (want, _) = read(next)?;
            let got = match honey::transition(&params, &prev, want.price) {
                Ok(s) => s,
                Err(e) => {
                    report.fail(case, "a state", e);
                    continue;
                }
            };
            let bad = differences(&want, &got, &mut worst);
            if bad.is_empty() {
                report.passed += 1;
            } else {
                let fmt = |f: fn(&(&str, f64, f64)) -> f64| {
                    bad.iter()
                        .map(|b| format!("{}={}", b.0, f(b)))
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                report.fail(case, fmt(|b| b.1), fmt(|b| b.2));
            }
        }
    }
    report.notes.push(format!(
        "largest relative gap over the checked variables: {worst:.2e}"
    ));
    Ok(report)
}
