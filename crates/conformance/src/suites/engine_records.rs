//! The `engine-records` suite: sim-core against cadCAD 0.5.3's own records.
//!
//! Each case is a pair `NAME.json` (`{model, genesis, M, N, T}`) + `NAME.csv` (cadCAD's rows).
//! The model is built from the JSON's genesis state and swept by its `M` under cadCAD's zip
//! rule, run for `N` runs of `T` timesteps, once on one thread and once on two; each must give
//! the CSV's rows in the CSV's order, index columns equal and values to a relative 1e-12.
//! `toy_model.py` is the Python definition of the `toy` model, which `tokensim_models::toy` implements.

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::Value as Json;
use sim_core::{Experiment, MemorySink, Model, Signals, Sweep, SweepRule, Value, Vars};
use tokensim_models::{honey, toy};

use super::records::{Table, close};
use crate::runner::{FileReport, Suite};

pub(crate) const SUITE: Suite = Suite {
    name: "engine-records",
    run_file,
};

/// The models a case may name, and the Python file that defines each (if any).
const MODELS: &[(&str, Option<&str>)] = &[("toy", Some("toy_model.py")), ("honey", None)];

const REL: f64 = 1e-12;

fn run_file(path: &Path) -> Result<FileReport> {
    let mut report = FileReport::default();
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    match path.extension().and_then(|e| e.to_str()) {
        Some("json") => run_case(path, &mut report)?,
        Some("csv") => {
            if !path.with_extension("json").is_file() {
                bail!(
                    "{name} has no case file {}",
                    path.with_extension("json").display()
                );
            }
            report.notes.push(format!(
                "the expected rows of {}",
                path.with_extension("json")
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
            ));
        }
        Some("py") if MODELS.iter().any(|(_, py)| *py == Some(name.as_ref())) => {
            report.notes.push(
                "the Python definition of a model implemented in crates/tokensim-models".into(),
            );
        }
        _ => bail!("not a file of this suite: {name}"),
    }
    Ok(report)
}

fn run_case(path: &Path, report: &mut FileReport) -> Result<()> {
    let case: Json = serde_json::from_str(&std::fs::read_to_string(path)?)
        .with_context(|| format!("cannot parse {}", path.display()))?;
    let model = case["model"].as_str().context("no `model`")?;
    let genesis = case["genesis"].as_object().context("no `genesis` object")?;
    let m = case["M"].as_object().context("no `M` object")?;
    let runs = case["N"].as_u64().context("no `N`")? as usize;
    let timesteps = case["T"].as_u64().context("no `T`")? as usize;
    let expected = Table::read(&path.with_extension("csv"))?;

    let mut sweep = Sweep::new();
    for (k, v) in m {
        let list = v
            .as_array()
            .with_context(|| format!("M.{k} is not a list"))?;
        sweep = sweep.param_values(k, list.iter().map(json_value).collect::<Result<_>>()?);
    }
    let genesis: Vec<(String, Value)> = genesis
        .iter()
        .map(|(k, v)| Ok((k.clone(), json_value(v)?)))
        .collect::<Result<_>>()?;

    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    for threads in [1, 2] {
        let label = format!(
            "{stem} [{threads} thread{}]",
            if threads == 1 { "" } else { "s" }
        );
        let got = match model {
            "toy" => simulate(
                toy::model(Default::default()),
                toy::ToyParams::default(),
                &genesis,
                &sweep,
                runs,
                timesteps,
                threads,
            ),
            "honey" => simulate(
                honey::model(),
                honey::HoneyParams {
                    options: honey::HoneyOptions::faithful(),
                    ..Default::default()
                },
                &genesis,
                &sweep,
                runs,
                timesteps,
                threads,
            ),
            other => bail!("unknown model `{other}` (known: toy, honey)"),
        };
        let state: Vec<&str> = genesis.iter().map(|(k, _)| k.as_str()).collect();
        match got.and_then(|records| compare(&expected, &records, &state).map(|()| records)) {
            Ok(records) => {
                report.passed += 1;
                if threads == 1 {
                    report.notes.extend(parameter_labels(&expected, &records)?);
                }
            }
            Err(e) => report.fail(label, "cadCAD's rows", format!("{e:#}")),
        }
    }
    Ok(())
}

fn json_value(v: &Json) -> Result<Value> {
    if let Some(i) = v.as_i64() {
        Ok(Value::I64(i))
    } else if let Some(f) = v.as_f64() {
        Ok(Value::F64(f))
    } else if let Some(b) = v.as_bool() {
        Ok(Value::Bool(b))
    } else {
        bail!("`{v}` is not a number or a boolean")
    }
}

fn simulate<S: Vars, P: Vars, G: Signals>(
    mut model: Model<S, P, G>,
    base: P,
    genesis: &[(String, Value)],
    sweep: &Sweep,
    runs: usize,
    timesteps: usize,
    threads: usize,
) -> Result<MemorySink> {
    for (k, v) in genesis {
        model.genesis.set(k, *v)?;
    }
    let subsets = sweep.subsets(&base, SweepRule::Zip)?;
    let mut records = MemorySink::new();
    let outcome = Experiment::new(&model, subsets)
        .runs(runs)
        .timesteps(timesteps)
        .threads(threads)
        // cadCAD checks nothing: the faithful Honey walk's negative prices are rows to compare.
        .invariants(sim_core::InvariantCheck::Off)
        .run(&mut records)?;
    if let Some(f) = outcome.failures.first() {
        bail!("{f}");
    }
    Ok(records)
}

/// Every row of `expected`, in order: index columns equal, the state columns to `REL`.
fn compare(expected: &Table, got: &MemorySink, state: &[&str]) -> Result<()> {
    if expected.rows.len() != got.len() {
        bail!("{} rows, expected {}", got.len(), expected.rows.len());
    }
    let index = ["simulation", "subset", "run", "substep", "timestep"];
    let idx_cols = index
        .iter()
        .map(|c| expected.col(c))
        .collect::<Result<Vec<_>>>()?;
    for (row, meta) in got.meta().iter().enumerate() {
        let want = idx_cols
            .iter()
            .map(|&c| expected.int(row, c))
            .collect::<Result<Vec<_>>>()?;
        let have = meta.index();
        if want != have {
            bail!("row {}: index {have:?}, expected {want:?}", row + 1);
        }
    }
    for name in state {
        let c = expected.col(name)?;
        let column = got
            .column(name)
            .with_context(|| format!("no column `{name}` in our records"))?;
        for (row, v) in column.iter().enumerate() {
            let want = expected.float(row, c)?;
            if !close(want, v.as_f64(), REL, 0.0) {
                bail!("row {} column {name}: {v}, expected {want}", row + 1);
            }
        }
    }
    Ok(())
}

/// The CSV may also carry parameter columns (the 1Hive notebooks add them after the run with
/// `df.assign(**configs[i].sim_config['M'])` per `(simulation, subset, run)` group). They are
/// not part of the contract; where they disagree with the subsets cadCAD ran, say so.
fn parameter_labels(expected: &Table, got: &MemorySink) -> Result<Vec<String>> {
    let Some(header) = got.header() else {
        return Ok(Vec::new());
    };
    let subset_col = expected.col("subset")?;
    let mut wrong: Vec<String> = Vec::new();
    let mut checked = 0;
    for name in header
        .params
        .iter()
        .filter(|p| expected.columns.iter().any(|c| c == *p))
    {
        let c = expected.col(name)?;
        let Some(column) = got.column(name) else {
            continue;
        };
        checked += 1;
        let mut last = None;
        for (row, v) in column.iter().enumerate() {
            let want = expected.float(row, c)?;
            let subset = expected.int(row, subset_col)?;
            if !close(want, v.as_f64(), REL, 0.0) && last != Some(subset) {
                last = Some(subset);
                wrong.push(format!("subset {subset} {name}={want} (ran {v})"));
            }
        }
    }
    Ok(match (checked, wrong.len()) {
        (0, _) => Vec::new(),
        (_, 0) => vec![format!(
            "its {checked} parameter columns agree with the subsets run"
        )],
        (_, n) => vec![format!(
            "its parameter columns mislabel {n} (subset, parameter) pairs, as the notebook's \
             per-group df.assign(**configs[i]) does; the states match the subsets cadCAD ran: {}",
            wrong.iter().take(4).cloned().collect::<Vec<_>>().join("; ")
        )],
    })
}
