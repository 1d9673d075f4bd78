//! `tokensim run`: runs an experiment into a temporary directory beside the output directory
//! (records, `summary.json`, plots) and renames it into place only when everything worked.

use std::fs::File;
use std::io::{BufWriter, IsTerminal};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use models::catalog::{self, Job, ModelEntry};
use serde_json::{Map, Value as Json, json};
use sim_core::{Hooks, Outcome, Sink};

use crate::builtin::Analysis;
use crate::collect::{Collector, Finals, stats};
use crate::config::{ExperimentFile, Format};
use crate::plots;

/// Everything `run` needs, resolved from the command line.
pub(crate) struct RunRequest {
    pub(crate) name: String,
    pub(crate) file: ExperimentFile,
    pub(crate) analysis: Analysis,
    pub(crate) threads: usize,
    pub(crate) shard: (usize, usize),
    pub(crate) out: PathBuf,
    pub(crate) plots: bool,
    pub(crate) quiet: bool,
}

struct Progress(ProgressBar);

impl Hooks for Progress {
    fn progress(&self, done: usize, total: usize) {
        self.0.set_length(total as u64);
        self.0.set_position(done as u64);
    }
}

/// The model's variables to plot over time.
pub(crate) fn key_variables(model: &str) -> Vec<String> {
    let v: &[&str] = match model {
        "honey" => &["saturation", "price", "reserve", "circulation"],
        "flash" => &["ext_price", "int_price", "staked", "market_apy"],
        "fei" => &[
            "liquidity_pool",
            "money_market",
            "savings",
            "idle",
            "mm_rate",
            "lp_rate",
            "eth_price",
        ],
        _ => &[],
    };
    v.iter().map(|s| (*s).to_owned()).collect()
}

/// Runs the request; returns the output directory.
pub(crate) fn run(req: &RunRequest) -> Result<PathBuf> {
    let model = catalog::model(&req.file.model).with_context(|| {
        let known: Vec<&str> = catalog::models().iter().map(|m| m.name()).collect();
        format!(
            "unknown model `{}` (models: {})",
            req.file.model,
            known.join(", ")
        )
    })?;
    let mut job = req.file.job(model)?;
    job.threads = req.threads;
    job.shard = req.shard;
    // Parameter errors before any directory is made.
    let subsets = model.subsets(&job)?;

    let parent = match req.out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create the directory {}", parent.display()))?;
    let leaf = req
        .out
        .file_name()
        .with_context(|| format!("{} is not a directory name", req.out.display()))?;
    let tmp = parent.join(format!(
        ".{}.tmp-{}",
        leaf.to_string_lossy(),
        std::process::id()
    ));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp)?;
    }
    std::fs::create_dir(&tmp).with_context(|| {
        format!(
            "cannot write to {}: cannot create {}",
            req.out.display(),
            tmp.display()
        )
    })?;
    let result = run_into(req, model, &job, &subsets, &tmp);
    match result {
        Ok(()) => {
            if req.out.exists() {
                std::fs::remove_dir_all(&req.out)
                    .with_context(|| format!("cannot replace {}", req.out.display()))?;
            }
            std::fs::rename(&tmp, &req.out)
                .with_context(|| format!("cannot move the results to {}", req.out.display()))?;
            Ok(req.out.clone())
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            Err(e)
        }
    }
}

fn run_into(
    req: &RunRequest,
    model: &dyn ModelEntry,
    job: &Job,
    subsets: &[Vec<(&'static str, sim_core::Value)>],
    dir: &Path,
) -> Result<()> {
    let mut plotted = req.file.output.plots.clone();
    if plotted.is_empty() {
        plotted = key_variables(model.name());
    }
    for p in &plotted {
        if !model.state_names().contains(&p.as_str()) {
            bail!(
                "cannot plot `{p}`: model `{}` has no such state variable (variables: {})",
                model.name(),
                model.state_names().join(", ")
            );
        }
    }
    let bar = if req.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let b = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        b.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {per_sec}  eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    };
    let hooks = Progress(bar.clone());
    // Without plots, no series are kept: memory is then the final states alone.
    let kept = if req.plots { plotted } else { Vec::new() };
    let started = Instant::now();
    let (outcome, collector_parts) = match req.file.output.format {
        Format::Csv => {
            let path = dir.join("records.csv");
            let file =
                File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
            let mut sink = sim_core::CsvSink::new(BufWriter::new(file));
            let (outcome, parts) = collect_run(model, job, &mut sink, &hooks, kept)?;
            sink.into_inner()?;
            (outcome, parts)
        }
        Format::Parquet => parquet_run(model, job, dir, &hooks, kept)?,
    };
    let elapsed = started.elapsed();
    bar.finish_and_clear();
    let (state_names, finals, series, plotted) = collector_parts;

    // The summary.
    let mut per_subset = Vec::new();
    let mut finals_by_subset: Vec<Vec<&[f64]>> = vec![Vec::new(); subsets.len()];
    for (s, v) in finals.completed(&outcome.failures) {
        finals_by_subset[s].push(v);
    }
    let pairs = sim_core::shard_pairs(subsets.len(), job.runs, job.shard.0, job.shard.1);
    for (i, params) in subsets.iter().enumerate() {
        let ran = pairs.in_subset(i);
        if ran == 0 {
            continue;
        }
        let mut fin = Map::new();
        for (k, name) in state_names.iter().enumerate() {
            let values: Vec<f64> = finals_by_subset[i].iter().map(|v| v[k]).collect();
            if let Some([mean, median, p5, p95]) = stats(&values) {
                fin.insert(
                    (*name).to_owned(),
                    json!({"mean": mean, "median": median, "p5": p5, "p95": p95}),
                );
            }
        }
        let failed = outcome.failures.iter().filter(|f| f.subset == i).count();
        per_subset.push(json!({
            "subset": i,
            "params": params.iter().map(|(k, v)| ((*k).to_owned(), json_value(*v))).collect::<Map<_, _>>(),
            "runs_completed": ran - failed,
            "runs_failed": failed,
            "final": fin,
        }));
    }
    let results = analysis(req.analysis, subsets, &per_subset);
    let summary = json!({
        "experiment": req.name,
        "model": model.name(),
        "fidelity": req.file.fidelity,
        "tokensim_version": env!("CARGO_PKG_VERSION"),
        "seed": job.seed,
        "runs": job.runs,
        "timesteps": job.timesteps,
        "shard": {"index": job.shard.0, "count": job.shard.1},
        "experiment_file": req.file,
        "rows": outcome.rows,
        "runs_completed": outcome.runs - outcome.failures.len(),
        "runs_failed": outcome.failures.len(),
        "failures": outcome.failures.iter().map(|f| json!({
            "subset": f.subset, "run": f.run, "timestep": f.timestep, "substep": f.substep,
            "error": f.error.to_string(),
        })).collect::<Vec<_>>(),
        "subsets": per_subset,
        "results": results,
        "elapsed_seconds": elapsed.as_secs_f64(),
    });
    let text = serde_json::to_string_pretty(&summary)?;
    std::fs::write(dir.join("summary.json"), text + "\n")?;

    if req.plots {
        plots::draw_all(
            &dir.join("plots"),
            req,
            subsets,
            &plotted,
            &series,
            &per_subset,
        )?;
    }
    if !req.quiet {
        eprintln!(
            "{} rows, {} runs ({} failed) in {:.2} s",
            outcome.rows,
            outcome.runs,
            outcome.failures.len(),
            elapsed.as_secs_f64()
        );
        if let Some(r) = summary.get("results").filter(|r| !r.is_null()) {
            eprintln!("results: {r}");
        }
    }
    Ok(())
}

type Parts = (
    Vec<&'static str>,
    Finals,
    Vec<Vec<Vec<Vec<f64>>>>,
    Vec<String>,
);

fn collect_run(
    model: &dyn ModelEntry,
    job: &Job,
    sink: &mut dyn Sink,
    hooks: &dyn Hooks,
    plotted: Vec<String>,
) -> Result<(Outcome, Parts)> {
    let mut c = Collector::new(sink, plotted);
    let outcome = model.run(job, &mut c, hooks)?;
    let plotted = c.plotted().to_vec();
    Ok((outcome, (c.state_names, c.finals, c.series, plotted)))
}

#[cfg(feature = "parquet")]
fn parquet_run(
    model: &dyn ModelEntry,
    job: &Job,
    dir: &Path,
    hooks: &dyn Hooks,
    plotted: Vec<String>,
) -> Result<(Outcome, Parts)> {
    let path = dir.join("records.parquet");
    let file = File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut sink = sim_core::sink::ParquetSink::new(BufWriter::new(file));
    let r = collect_run(model, job, &mut sink, hooks, plotted)?;
    sink.into_inner()?;
    Ok(r)
}

#[cfg(not(feature = "parquet"))]
fn parquet_run(
    _: &dyn ModelEntry,
    _: &Job,
    _: &Path,
    _: &dyn Hooks,
    _: Vec<String>,
) -> Result<(Outcome, Parts)> {
    bail!("this tokensim was built without Parquet; rebuild with `--features parquet`")
}

/// Runs `file` in memory and returns the productivity range of
/// [`Analysis::SaturationRange`], when both ends are found.
pub(crate) fn saturation_range(file: &ExperimentFile, low: f64, high: f64) -> Option<(f64, f64)> {
    let model = catalog::model(&file.model)?;
    let job = file.job(model).ok()?;
    let subsets = model.subsets(&job).ok()?;
    let mut null = sim_core::NullSink::default();
    let (outcome, (names, finals, _, _)) =
        collect_run(model, &job, &mut null, &sim_core::NoHooks, Vec::new()).ok()?;
    let k = names.iter().position(|n| *n == "saturation")?;
    let mut sums = vec![(0.0, 0usize); subsets.len()];
    for (s, v) in finals.completed(&outcome.failures) {
        sums[s].0 += v[k];
        sums[s].1 += 1;
    }
    let points = sums
        .iter()
        .zip(&subsets)
        .filter(|((_, n), _)| *n > 0)
        .filter_map(|((sum, n), p)| {
            #[allow(clippy::cast_precision_loss)]
            let mean = sum / *n as f64;
            Some((param_of(p, "productivity")?, mean))
        })
        .collect();
    match productivity_range(points, low, high) {
        (Some(a), Some(b)) => Some((a, b)),
        _ => None,
    }
}

/// The largest productivity whose mean final saturation is below `low`, and the smallest
/// whose mean final saturation is above `high`.
fn productivity_range(
    mut points: Vec<(f64, f64)>,
    low: f64,
    high: f64,
) -> (Option<f64>, Option<f64>) {
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let below = points.iter().rev().find(|(_, s)| *s < low).map(|p| p.0);
    let above = points.iter().find(|(_, s)| *s > high).map(|p| p.0);
    (below, above)
}

fn json_value(v: sim_core::Value) -> Json {
    match v {
        sim_core::Value::F64(x) => json!(x),
        sim_core::Value::I64(x) => json!(x),
        sim_core::Value::Bool(b) => json!(b),
        sim_core::Value::Decimal(d) => json!(d.to_string()),
    }
}

fn final_mean(subset: &Json, var: &str) -> Option<f64> {
    subset.get("final")?.get(var)?.get("mean")?.as_f64()
}

fn param_of(params: &[(&'static str, sim_core::Value)], name: &str) -> Option<f64> {
    params
        .iter()
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.as_f64())
}

/// Experiment-specific results.
fn analysis(
    analysis: Analysis,
    subsets: &[Vec<(&'static str, sim_core::Value)>],
    per_subset: &[Json],
) -> Json {
    match analysis {
        Analysis::None => Json::Null,
        Analysis::SaturationRange { low, high } => {
            let mut points: Vec<(f64, f64)> = per_subset
                .iter()
                .filter_map(|s| {
                    let i = usize::try_from(s.get("subset")?.as_u64()?).ok()?;
                    Some((
                        param_of(&subsets[i], "productivity")?,
                        final_mean(s, "saturation")?,
                    ))
                })
                .collect();
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            let below = points.iter().rev().find(|(_, s)| *s < low).map(|p| p.0);
            let above = points.iter().find(|(_, s)| *s > high).map(|p| p.0);
            json!({
                "productivity_range": {
                    "low": below,
                    "high": above,
                    "median": below.zip(above).map(|(a, b)| (a + b) / 2.0),
                    "definition": format!(
                        "low: the largest productivity whose mean final saturation is below {low}; high: the smallest whose mean final saturation is above {high}"
                    ),
                },
            })
        }
    }
}
